import type { InboxContext } from "@fedify/fedify";
import { Announce, Like, type Undo } from "@fedify/vocab";
import { isPublic } from "../../src/domain/workflow.ts";

import type { ReactionType } from "../../src/storage/types.ts";
import type { FederationServices } from "../services.ts";
import { record, typeName } from "./journal.ts";
import { onPartnerReplyAnnounced } from "./partner-replies.ts";

type Ctx = InboxContext<FederationServices>;

/** True when the id names a published practice or resource, a learning opportunity, a consultation, or a reply we show. */
async function isReactable(ctx: Ctx, iri: string): Promise<boolean> {
  const { store } = ctx.data;
  const practice = await store.practices.byIri(iri);
  if (practice) return !practice.deleted && isPublic(practice.status);
  const resource = await store.resources.byIri(iri);
  if (resource) return !resource.deleted && isPublic(resource.status);
  const event = await store.learning.byIri(iri);
  if (event) return !event.deleted;
  const consultation = await store.consultations.byIri(iri);
  if (consultation) return !consultation.deleted;
  const reply = await store.replies.byIri(iri);
  return reply !== null && !reply.deleted;
}

async function onReaction(ctx: Ctx, activity: Like | Announce, type: ReactionType): Promise<void> {
  if (!activity.id || !activity.actorId || !activity.objectId) return record(ctx, activity, "rejected", `${typeName(activity)} lacks id, actor or object`);
  const objectId = activity.objectId.href;
  if (!(await isReactable(ctx, objectId))) {
    return record(ctx, activity, "ignored", `${objectId} is not an item or reply on this instance`);
  }
  const added = await ctx.data.store.reactions.add({
    activityIri: activity.id.href,
    type,
    actorIri: activity.actorId.href,
    objectIri: objectId,
    created: new Date().toISOString(),
  });
  await record(ctx, activity, added ? "accepted" : "ignored", added ? `Counted ${type} of ${objectId}` : `Already counted this ${type}`);
}

/** Like (including emoji reactions sent as Like) counts once per actor and object. */
export const onLiked = (ctx: Ctx, like: Like) => onReaction(ctx, like, "like");

/**
 * Handles an Announce. When a partner we follow announces a reply in one of
 * its items' discussions, the reply is stored on our copy. Any other
 * Announce (boost) of an item or reply shown here counts as a share.
 */
export async function onAnnounced(ctx: Ctx, announce: Announce): Promise<void> {
  if (await onPartnerReplyAnnounced(ctx, announce)) return;
  return onReaction(ctx, announce, "announce");
}

/** Undo(Like) and Undo(Announce): the reaction is withdrawn by the actor who made it. */
export async function onReactionUndone(ctx: Ctx, undo: Undo, type: ReactionType): Promise<void> {
  const { store } = ctx.data;
  const actorId = undo.actorId?.href;
  const innerId = undo.objectId?.href;
  if (!actorId || !innerId) return record(ctx, undo, "rejected", "Undo lacks actor or object");
  const inner = await undo.getObject({ ...ctx, crossOrigin: "ignore" }).catch(() => null);
  const innerActor = inner instanceof Like || inner instanceof Announce ? inner.actorId?.href : null;
  if (innerActor && innerActor !== actorId) return record(ctx, undo, "rejected", "Undo of a reaction made by another actor");
  const stored = await store.reactions.byActivity(innerId);
  const objectIri = stored?.objectIri ?? (inner instanceof Like || inner instanceof Announce ? inner.objectId?.href : null);
  if (stored && stored.actorIri !== actorId) return record(ctx, undo, "rejected", "Undo of a reaction made by another actor");
  if (!objectIri) return record(ctx, undo, "ignored", "Undo of a reaction this instance never counted");
  const removed = await store.reactions.remove(stored?.type ?? type, actorId, objectIri);
  await record(ctx, undo, removed ? "accepted" : "ignored", removed ? `Withdrew ${type} of ${objectIri}` : "Undo of a reaction this instance never counted");
}
