import type { Federation } from "@fedify/fedify";

import { isRegistrationOpen } from "../src/domain/accounts.ts";
import { MAX_OFFSET, type FederationServices } from "./services.ts";

const PAGE_SIZE = 50;

/** Registers followers and following collections and NodeInfo. */
export function registerCollections(federation: Federation<FederationServices>, version: string): void {
  federation
    .setFollowersDispatcher("/actors/{identifier}/followers", async (ctx, identifier, cursor) => {
      const { store } = ctx.data;
      // Without a cursor Fedify wants every follower, because "followers" delivery uses this call.
      const offset = cursor === null ? 0 : Math.min(MAX_OFFSET, Math.max(0, Number.parseInt(cursor, 10) || 0));
      const limit = cursor === null ? Number.MAX_SAFE_INTEGER : PAGE_SIZE;
      const { items, total } = await store.followers.list(identifier, "accepted", limit, offset);
      // Delivery asks without a cursor: servers that moderation refuses receive nothing more.
      const permitted = [];
      for (const follower of items) {
        const refused = cursor === null && (!(await ctx.data.moderation.permits(follower.actorIri)) || (await ctx.data.moderation.isActorBlocked(follower.actorIri)));
        if (!refused) permitted.push(follower);
      }
      return {
        items: permitted.map((follower) => ({
          id: new URL(follower.actorIri),
          inboxId: new URL(follower.inbox),
          endpoints: follower.sharedInbox ? { sharedInbox: new URL(follower.sharedInbox) } : null,
        })),
        nextCursor: cursor !== null && offset + limit < total ? String(offset + limit) : null,
      };
    })
    .setCounter(async (ctx, identifier) => (await ctx.data.store.followers.list(identifier, "accepted", 1, 0)).total)
    .setFirstCursor(() => "0");

  federation
    .setFollowingDispatcher("/actors/{identifier}/following", async (ctx, identifier) => {
      if (identifier !== ctx.data.config.organizationHandle) return { items: [] };
      const following = await ctx.data.store.following.list();
      return { items: following.filter((entry) => entry.status === "accepted").map((entry) => new URL(entry.actorIri)) };
    })
    .setCounter(async (ctx, identifier) => {
      if (identifier !== ctx.data.config.organizationHandle) return 0;
      return (await ctx.data.store.following.list()).filter((entry) => entry.status === "accepted").length;
    });

  federation.setNodeInfoDispatcher("/nodeinfo/2.1", async (ctx) => {
    const { store } = ctx.data;
    const accounts = await store.accounts.count();
    // Every public local item counts as a post: practices, resources, learning opportunities and consultations.
    const posts =
      (await store.practices.listPublishedLocal(1, 0)).total +
      (await store.resources.list({ local: true, limit: 1, offset: 0 })).total +
      (await store.learning.listPublishedLocal(1, 0)).total +
      (await store.consultations.listPublishedLocal(1, 0)).total;
    return {
      software: { name: "minga", version },
      protocols: ["activitypub"],
      openRegistrations: await isRegistrationOpen(store),
      usage: {
        users: { total: accounts, activeHalfyear: accounts, activeMonth: accounts },
        localPosts: posts,
        localComments: 0,
      },
      metadata: { nodeName: ctx.data.config.organizationName },
    };
  });
}
