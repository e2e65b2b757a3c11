import type { Context } from "@fedify/fedify";
import { Accept, Follow, Reject } from "@fedify/vocab";

import { logger } from "../src/logging.ts";
import type { FederationServices } from "./services.ts";

const log = logger("federation", "followers");

/** An admin's decision on a pending follow request: Accept or Reject goes back to the requester. */
export async function decideFollowRequest(ctx: Context<FederationServices>, actorIri: string, accept: boolean): Promise<boolean> {
  const { store, config } = ctx.data;
  const target = config.organizationHandle;
  const follower = await store.followers.get(target, actorIri);
  if (!follower || follower.status !== "pending") return false;
  const groupUri = ctx.getActorUri(target);
  const follow = new Follow({ id: new URL(follower.followIri), actor: new URL(follower.actorIri), object: groupUri });
  const recipient = { id: new URL(follower.actorIri), inboxId: new URL(follower.inbox) };
  const id = new URL(`${groupUri.href}#${accept ? "accepts" : "rejects"}/${crypto.randomUUID()}`);
  if (accept) {
    await store.followers.save({ ...follower, status: "accepted" });
    await ctx.sendActivity({ identifier: target }, recipient, new Accept({ id, actor: groupUri, object: follow }));
  } else {
    await store.followers.remove(target, actorIri);
    await ctx.sendActivity({ identifier: target }, recipient, new Reject({ id, actor: groupUri, object: follow }));
  }
  log.info("{decision} follow request from {actor}", { decision: accept ? "Accepted" : "Rejected", actor: actorIri });
  return true;
}
