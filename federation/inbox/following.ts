import type { InboxContext } from "@fedify/fedify";
import { Accept, Follow, Reject, type Undo } from "@fedify/vocab";
import { validatePublicUrl } from "@fedify/vocab-runtime";

import { logger } from "../../src/logging.ts";
import { rememberActor } from "../actors-cache.ts";
import { backfillPartner } from "../partners.ts";
import { INSTANCE_ACTOR, type FederationServices } from "../services.ts";
import { record } from "./journal.ts";
import { backfillReplies } from "./partner-replies.ts";

type Ctx = InboxContext<FederationServices>;
const log = logger("federation", "following");

/** Someone follows the organization or a member: accepted at once unless the admin requires approval. */
export async function onFollowed(ctx: Ctx, follow: Follow): Promise<void> {
  const { store, config } = ctx.data;
  if (!follow.id || !follow.actorId || !follow.objectId) return record(ctx, follow, "rejected", "Follow lacks id, actor or object");
  const parsed = ctx.parseUri(follow.objectId);
  if (parsed?.type !== "actor" || parsed.identifier === INSTANCE_ACTOR) {
    return record(ctx, follow, "rejected", `${follow.objectId.href} is not an actor that can be followed here`);
  }

  const target = parsed.identifier;
  // Usernames are looked up without regard to case, but actor ids are exact.
  if (target !== config.organizationHandle && (await store.accounts.byUsername(target))?.username !== target) {
    return record(ctx, follow, "rejected", `No local actor ${target}`);
  }

  const follower = await follow.getActor(ctx).catch(() => null);
  if (!follower?.id) return record(ctx, follow, "rejected", "Follower's actor document could not be fetched or is not an actor");
  if (!follower.inboxId) return record(ctx, follow, "rejected", "Follower's actor document has no inbox");
  if (follower.id.href !== follow.actorId.href) return record(ctx, follow, "rejected", "Follower's actor id differs from the activity's actor");

  const inbox = follower.inboxId.href;
  const sharedInbox = follower.endpoints?.sharedInbox?.href ?? null;
  // Fedify 2.3.6 does not check delivery addresses, so a hostile actor could point its inbox at our network.
  if (!config.allowPrivateAddresses) {
    try {
      await validatePublicUrl(inbox);
      if (sharedInbox) await validatePublicUrl(sharedInbox);
    } catch (error) {
      return record(ctx, follow, "rejected", `Follower's inbox is not a public address: ${(error as Error).message}`);
    }
  }

  const remote = await rememberActor(store, follower, config.allowPrivateAddresses, ctx.data.media);
  const previous = await store.followers.get(target, follower.id.href);
  // A repeated Follow from an approved follower keeps it approved.
  const requireApproval =
    previous?.status !== "accepted" && target === config.organizationHandle && (await store.settings.get("federation.requireFollowApproval")) === "true";
  await store.followers.save({
    target,
    actorIri: follower.id.href,
    inbox,
    sharedInbox,
    handle: remote?.handle ?? null,
    name: remote?.name ?? null,
    followIri: follow.id.href,
    status: requireApproval ? "pending" : "accepted",
    created: new Date().toISOString(),
  });

  if (requireApproval) return record(ctx, follow, "accepted", `Follow of ${target} awaits an admin's approval`);
  await ctx.sendActivity(
    { identifier: target },
    follower,
    new Accept({ id: new URL(`${ctx.getActorUri(target).href}#accepts/${crypto.randomUUID()}`), actor: ctx.getActorUri(target), object: follow }),
  );
  await record(ctx, follow, "accepted", `Now followed by ${follower.id.href}`);
}

/** Undo(Follow): the follower leaves. */
export async function onUnfollowed(ctx: Ctx, undo: Undo, follow: Follow): Promise<void> {
  if (!follow.actorId || follow.actorId.href !== undo.actorId?.href) {
    return record(ctx, undo, "rejected", "Undo(Follow) by an actor other than the follower");
  }
  const parsed = follow.objectId ? ctx.parseUri(follow.objectId) : null;
  if (parsed?.type !== "actor") return record(ctx, undo, "rejected", "Undo(Follow) of something that is not a local actor");
  const removed = await ctx.data.store.followers.remove(parsed.identifier, follow.actorId.href);
  await record(ctx, undo, removed ? "accepted" : "ignored", removed ? `Unfollowed ${parsed.identifier}` : "Was not a follower");
}

async function findOurFollow(ctx: Ctx, activity: Accept | Reject) {
  const { store } = ctx.data;
  const objectId = activity.objectId;
  let following = objectId ? await store.following.byFollowIri(objectId.href) : null;
  if (!following && activity.actorId) following = await store.following.get(activity.actorId.href);
  if (!following || following.actorIri !== activity.actorId?.href) return null;
  return following;
}

/** Accept(Follow) from a partner: start receiving its practices and read its outbox once, with the first replies of each item. */
export async function onFollowAccepted(ctx: Ctx, accept: Accept): Promise<void> {
  const following = await findOurFollow(ctx, accept);
  if (!following) return record(ctx, accept, "ignored", "Accept does not match a Follow we sent to that actor");
  const firstTime = following.status !== "accepted";
  await ctx.data.store.following.save({ ...following, status: "accepted" });
  await record(ctx, accept, "accepted", `Following ${following.actorIri}`);
  if (!firstTime) return;
  // The backfill fetches many documents, so it runs after the inbox has responded.
  const context = ctx.federation.createContext(new URL(ctx.data.config.origin), ctx.data);
  void backfillPartner(context, following.actorIri, (item) => backfillReplies(context, item, following.actorIri)).catch((error) =>
    log.warn("Backfill from {actor} failed: {error}", { actor: following.actorIri, error }),
  );
}

/** Reject(Follow) from a partner. */
export async function onFollowRejected(ctx: Ctx, reject: Reject): Promise<void> {
  const following = await findOurFollow(ctx, reject);
  if (!following) return record(ctx, reject, "ignored", "Reject does not match a Follow we sent to that actor");
  await ctx.data.store.following.save({ ...following, status: "rejected" });
  await record(ctx, reject, "accepted", `${following.actorIri} rejected our Follow`);
}

