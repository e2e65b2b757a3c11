import type { Context, InboxContext } from "@fedify/fedify";
import { Collection, Note, type Announce, type Object as ASObject } from "@fedify/vocab";

import { findDiscussionItem } from "../../src/domain/discussion.ts";
import { logger } from "../../src/logging.ts";
import { INSTANCE_ACTOR, type FederationServices } from "../services.ts";
import { storeRemoteReply, type StoredReplyOutcome } from "./content.ts";
import { record, sameOrigin } from "./journal.ts";

type Ctx = Context<FederationServices>;
const log = logger("federation", "partner-replies");

/** How many replies a backfill reads from each item's replies collection at most. */
export const BACKFILL_REPLIES_LIMIT = 50;

/**
 * Reads a Note from its own server with our instance actor's signed
 * document loader, whatever copy an activity embedded, and checks that it is
 * attributed to an actor of that server whom our moderators did not block.
 */
async function readPartnerNote(ctx: Ctx, noteId: URL): Promise<{ note: Note; authorId: URL; load: () => Promise<unknown> } | { outcome: "ignored" | "rejected"; reason: string }> {
  const { moderation } = ctx.data;
  const refusal = await moderation.refusal(noteId);
  if (refusal) return { outcome: "rejected", reason: `${noteId.host} is ${refusal.reason === "blocked" ? "blocked by this instance" : "not on this instance's allowlist"}` };
  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  let object: ASObject | null;
  try {
    object = await ctx.lookupObject(noteId.href, { documentLoader, contextLoader: ctx.contextLoader, crossOrigin: "ignore" });
  } catch (error) {
    return { outcome: "ignored", reason: `${noteId.href} could not be read from its server: ${(error as Error).message}` };
  }
  if (!object) return { outcome: "ignored", reason: `${noteId.href} could not be read from its server` };
  if (!(object instanceof Note)) return { outcome: "ignored", reason: `${noteId.href} is not a Note` };
  if (object.id?.href !== noteId.href) return { outcome: "rejected", reason: `Fetched document has id ${object.id?.href}, expected ${noteId.href}` };
  const authorId = object.attributionId;
  if (!authorId || !sameOrigin(authorId, noteId)) return { outcome: "rejected", reason: `Note ${noteId.href} is not attributed to an actor on its own server` };
  if (await moderation.isActorBlocked(authorId.href)) return { outcome: "rejected", reason: "The reply's author is blocked by this instance's moderators" };
  const note = object;
  return { note, authorId, load: () => note.getAttribution({ documentLoader, contextLoader: ctx.contextLoader }) };
}

/** Reads a Note by id and stores it as a reply in the discussion of one of the partner's items. */
async function storePartnerReply(ctx: Ctx, noteId: URL, partner: string): Promise<StoredReplyOutcome> {
  const read = await readPartnerNote(ctx, noteId);
  if ("outcome" in read) return read;
  return storeRemoteReply(ctx, read.note, read.authorId, { partner, loadAuthor: read.load });
}

/**
 * Announce from a partner we follow of a reply in the discussion of one of
 * its items (FEP-1b12): the reply is read from its own server and stored on
 * our copy. Returns false when the Announce is not such a reply, so the
 * caller counts it as a share as before.
 */
export async function onPartnerReplyAnnounced(ctx: InboxContext<FederationServices>, announce: Announce): Promise<boolean> {
  const { store, config } = ctx.data;
  const actorId = announce.actorId;
  const objectId = announce.objectId;
  if (!actorId || !objectId || sameOrigin(objectId, config.origin)) return false;
  const following = await store.following.get(actorId.href);
  if (!following || following.status === "rejected") return false;
  const stored = await store.replies.byIri(objectId.href);
  if (stored) {
    const root = await findDiscussionItem(store, stored.rootIri);
    if (stored.local || !root || root.item.local || root.item.sourceActor !== actorId.href) return false;
    await record(ctx, announce, "ignored", "Reply already stored");
    return true;
  }
  // An Announce of the partner's own item is a share, as before, so only other objects may be replies.
  if (await findDiscussionItem(store, objectId.href)) return false;
  const result = await storePartnerReply(ctx, objectId, actorId.href);
  await record(ctx, announce, result.outcome, result.reason);
  return true;
}

/**
 * After a backfill imported one of the partner's items, reads the first
 * replies of its `replies` collection (at most BACKFILL_REPLIES_LIMIT) and
 * stores them on our copy. Replies to a reply listed after them are tried
 * again once at the end. Failures are logged and skipped.
 */
export async function backfillReplies(ctx: Ctx, item: ASObject, partner: string): Promise<number> {
  const repliesId = item.repliesId;
  if (!repliesId || !sameOrigin(repliesId, partner)) return 0;

  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  let collection: ASObject | null;
  try {
    collection = await ctx.lookupObject(repliesId.href, { documentLoader, contextLoader: ctx.contextLoader });
  } catch (error) {
    log.debug("Could not read replies {id}: {error}", { id: repliesId.href, error });
    return 0;
  }
  if (!(collection instanceof Collection)) return 0;

  // The collection lists its replies itself or in pages from `first`, and only the first page is read.
  let page: Collection = collection;
  if (page.itemIds.length === 0 && page.firstId) {
    const first = await page.getFirst({ documentLoader, contextLoader: ctx.contextLoader }).catch(() => null);
    if (!first || !sameOrigin(first.id, partner)) return 0;
    page = first;
  }
  const ids = page.itemIds.slice(0, BACKFILL_REPLIES_LIMIT);

  let stored = 0;
  const later: URL[] = [];
  for (const [round, list] of [ids, later].entries()) {
    for (const id of list) {
      if (sameOrigin(id, ctx.data.config.origin)) continue;
      const result = await storePartnerReply(ctx, id, partner).catch((error: Error) => ({ outcome: "ignored" as const, reason: error.message }));
      if (result.outcome === "accepted") stored++;
      else if (round === 0 && result.reason.startsWith("inReplyTo ")) later.push(id);
      else log.debug("Skipped reply {id}: {reason}", { id: id.href, reason: result.reason });
    }
  }

  if (stored > 0) log.info("Backfilled {count} replies of {item}", { count: stored, item: item.id?.href });
  return stored;
}
