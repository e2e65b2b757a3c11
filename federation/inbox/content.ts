import type { Context, InboxContext } from "@fedify/fedify";
import { Article, Audio, Event, Note, Page, Video, isActor, type Create, type Delete, type Update } from "@fedify/vocab";
import { findDiscussionItem } from "../../src/domain/discussion.ts";
import { isPublic as isPublicStatus } from "../../src/domain/workflow.ts";

import { sanitizeRemoteHtml, htmlToText } from "../../src/domain/text.ts";
import type { Reply, ReplyAttachment } from "../../src/storage/types.ts";
import { rememberActor } from "../actors-cache.ts";
import type { DomainEventsWithContext } from "../outbound.ts";
import { PUBLIC_COLLECTION } from "../context.ts";
import { onConsultationDeleted, onPartnerConsultation, resolveConsultationDiscussion } from "../consultations.ts";
import { onEventDeleted, onPartnerEvent } from "../learning.ts";
import { importPartnerArticle } from "../partners.ts";
import { onPartnerResource, onResourceDeleted } from "./resources.ts";
import { mergeAttachments, readInlineImages, readNoteAttachments } from "../remote-media.ts";
import type { FederationServices } from "../services.ts";
import { record, sameOrigin, typeName } from "./journal.ts";

type Ctx = InboxContext<FederationServices>;
type AnyCtx = Context<FederationServices>;

/**
 * Finds the resource or learning opportunity with this id when it takes
 * replies: a published or archived resource, or a learning opportunity, that
 * is not deleted. Drafts and deleted items return null, like unknown ids.
 */
async function openResourceOrEvent(store: AnyCtx["data"]["store"], iri: string): Promise<{ rootIri: string; local: boolean } | null> {
  const resource = await store.resources.byIri(iri);
  if (resource) return !resource.deleted && isPublicStatus(resource.status) ? { rootIri: resource.iri, local: resource.local } : null;
  const event = await store.learning.byIri(iri);
  if (event) return !event.deleted ? { rootIri: event.iri, local: event.local } : null;
  return null;
}

/**
 * Finds which discussion a reply belongs to: one of our items, a reply we
 * hold, or a partner copy. A consultation outside its dates returns the
 * reason the reply is refused.
 */
async function resolveDiscussion(ctx: AnyCtx, inReplyTo: string): Promise<{ rootIri: string; local: boolean } | { refused: string } | null> {
  const { store } = ctx.data;
  const consultation = await resolveConsultationDiscussion(store, inReplyTo);
  if (consultation) return consultation;
  const practice = await store.practices.byIri(inReplyTo);
  if (practice && !practice.deleted && isPublicStatus(practice.status)) return { rootIri: practice.iri, local: practice.local };
  const item = await openResourceOrEvent(store, inReplyTo);
  if (item) return item;
  const parent = await store.replies.byIri(inReplyTo);
  if (parent) {
    const root = await store.practices.byIri(parent.rootIri);
    if (root && !root.deleted) return { rootIri: root.iri, local: root.local };
    return openResourceOrEvent(store, parent.rootIri);
  }
  return null;
}

/** True when the Note is addressed to the public (Public in `to` is public, in `cc` unlisted); other replies are private. */
function isPublic(note: Note): boolean {
  const audience = [...note.toIds, ...note.ccIds].map((id) => id.href);
  return audience.some((id) => id === PUBLIC_COLLECTION || id === "as:Public" || id === "Public");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Reads a Note's text: the first language of its contentMap that we can
 * keep, sanitized. A content warning (`summary`) folds the text into a
 * closed <details> element, as Mastodon hides it behind the warning.
 * Images inside the text are returned apart, since the sanitized HTML drops them.
 */
function noteContent(note: Note): { html: string; language: string | null; images: ReplyAttachment[] } {
  const candidates = note.contents.map((value) =>
    typeof value === "string" ? { text: value, language: null } : { text: value.toString(), language: value.locale.baseName },
  );
  const chosen = candidates.find((candidate) => candidate.language) ?? candidates[0];
  if (!chosen) return { html: "", language: null, images: [] };
  let html = sanitizeRemoteHtml(chosen.text);
  const warning = htmlToText(note.summary?.toString() ?? "");
  if (html && (warning || note.sensitive)) html = `<details><summary>${escapeHtml(warning || "⚠")}</summary>${html}</details>`;
  return { html, language: chosen.language?.split("-")[0]?.toLowerCase() ?? null, images: readInlineImages(chosen.text) };
}

/** Reads the media of a Note, keeping the copies and failures already recorded for the same URLs when the Note is updated. */
async function noteAttachments(note: Note, inline: ReplyAttachment[], previous: ReplyAttachment[] = []): Promise<ReplyAttachment[]> {
  const attachments = mergeAttachments(await readNoteAttachments(note), inline);
  return attachments.map((attachment) => {
    const known = previous.find((old) => old.url === attachment.url);
    return known ? { ...attachment, file: known.file, failure: known.failure } : attachment;
  });
}

/** Outcome of storing a remote reply: the outcome and reason for the inbound log, and the stored reply when it was added. */
export type StoredReplyOutcome =
  | { outcome: "accepted"; reason: string; reply: Reply; local: boolean }
  | { outcome: "ignored" | "rejected"; reason: string; reply?: undefined; local?: undefined };

/**
 * Finds the discussion of a partner's item we hold a copy of: the copy
 * itself, or a reply stored in its discussion. Only copies of the partner's
 * own items count, so a partner cannot add replies to anyone else's items.
 */
async function resolvePartnerDiscussion(store: AnyCtx["data"]["store"], inReplyTo: string, partner: string): Promise<{ rootIri: string; local: boolean } | null> {
  let found = await findDiscussionItem(store, inReplyTo);
  if (!found) {
    const parent = await store.replies.byIri(inReplyTo);
    if (parent) found = await findDiscussionItem(store, parent.rootIri);
  }
  if (!found || found.item.local || found.item.deleted || found.item.sourceActor !== partner) return null;
  return { rootIri: found.item.iri, local: false };
}

/**
 * Stores a remote Note as a reply in the discussion it replies to, sanitized,
 * with its content warning and media, once. The caller has checked that the
 * Note comes from its author's server and is attributed to `authorId`.
 * With `partner`, the discussion must be a copy of one of that partner's
 * items (a reply the partner announced or listed), and the partner's own
 * rules decided whether the reply was accepted, so a consultation's dates
 * are not checked again.
 */
export async function storeRemoteReply(
  ctx: AnyCtx,
  note: Note,
  authorId: URL,
  options: { partner?: string; loadAuthor: () => Promise<unknown>; published?: string },
): Promise<StoredReplyOutcome> {
  const { store } = ctx.data;
  if (!note.id) return { outcome: "rejected", reason: "Note has no id" };
  const inReplyTo = note.replyTargetId?.href;
  if (!inReplyTo) return { outcome: "ignored", reason: "Note is not a reply" };
  if (!isPublic(note)) return { outcome: "ignored", reason: "Reply is not public (direct or followers-only), so it is not shown" };
  const discussion = options.partner ? await resolvePartnerDiscussion(store, inReplyTo, options.partner) : await resolveDiscussion(ctx, inReplyTo);
  if (!discussion) {
    const expected = options.partner ? `an item of ${options.partner} held on this instance, or a reply in its discussion` : "an item or reply on this instance";
    return { outcome: "ignored", reason: `inReplyTo ${inReplyTo} is not ${expected}` };
  }
  if ("refused" in discussion) return { outcome: "rejected", reason: discussion.refused };
  const existing = await store.replies.byIri(note.id.href);
  if (existing) return { outcome: "ignored", reason: "Reply already stored" };
  const { html, language, images } = noteContent(note);
  const attachments = await noteAttachments(note, images);
  if (!htmlToText(html) && attachments.length === 0) return { outcome: "rejected", reason: "Reply has neither text nor media left after sanitizing (poll votes are not shown)" };

  const author = await options.loadAuthor().catch(() => null);
  if (author && isActor(author) && author.id?.href === authorId.href) await rememberActor(store, author, ctx.data.config.allowPrivateAddresses);
  const published = note.published?.toString() ?? options.published ?? new Date().toISOString();
  const url = note.url instanceof URL ? note.url.href : (note.url?.href?.href ?? null);
  const reply: Reply = {
    iri: note.id.href,
    rootIri: discussion.rootIri,
    inReplyTo,
    authorIri: authorId.href,
    authorAccountId: null,
    contentHtml: html,
    language,
    url,
    published,
    updated: null,
    deleted: null,
    local: false,
    hidden: null,
    attachments,
  };
  await store.replies.save(reply);
  if (attachments.some((attachment) => attachment.kind === "image")) ctx.data.media.schedule(reply.iri);
  return { outcome: "accepted", reason: `Reply added to ${discussion.rootIri}`, reply, local: discussion.local };
}

/** Checks, sanitizes and adds a remote reply (Create(Note) with inReplyTo one of ours) to its discussion. */
async function onReplyCreated(ctx: Ctx, create: Create, note: Note, events: DomainEventsWithContext): Promise<void> {
  const actorId = create.actorId!;
  if (!note.id) return record(ctx, create, "rejected", "Note has no id");
  if (!sameOrigin(note.id, actorId)) return record(ctx, create, "rejected", `Note ${note.id.href} is not on the actor's server`);
  if (note.attributionId?.href !== actorId.href) return record(ctx, create, "rejected", "Note is attributed to someone other than the activity's actor");
  const result = await storeRemoteReply(ctx, note, actorId, { loadAuthor: () => create.getActor(ctx), published: create.published?.toString() });
  await record(ctx, create, result.outcome, result.reason);
  if (result.reply && result.local) await events.replyAdded(result.reply, ctx);
}

/** Create: a reply to one of our items, or a new practice from a partner we follow. */
export async function onCreated(ctx: Ctx, create: Create, events: DomainEventsWithContext): Promise<void> {
  if (!create.actorId) return record(ctx, create, "rejected", "Create has no actor");
  let object;
  try {
    object = await create.getObject({ ...ctx, crossOrigin: "ignore" });
  } catch (error) {
    return record(ctx, create, "rejected", `Object could not be read: ${(error as Error).message}`);
  }
  if (!object) return record(ctx, create, "rejected", "Create has no object, or its object is on another server than the activity");
  if (object instanceof Note) return onReplyCreated(ctx, create, object, events);
  // A consultation is an Article with a closing time; practices have none.
  if (object instanceof Article && object.replyTargetId === null && object.endTime !== null) return onPartnerConsultation(ctx, create, object.id);
  if (object instanceof Article && object.replyTargetId === null) return onPartnerArticle(ctx, create, object.id);
  if (object instanceof Event) return onPartnerEvent(ctx, create, object.id);
  if (object instanceof Page || object instanceof Video || object instanceof Audio) return onPartnerResource(ctx, create, object);
  return record(ctx, create, "ignored", `${typeName(object)} objects are not stored by this instance`);
}

/** Create or Update of an Article by a partner we follow: refresh the library copy from its origin. */
async function onPartnerArticle(ctx: Ctx, activity: Create | Update, objectId: URL | null): Promise<void> {
  const actorId = activity.actorId!;
  const following = await ctx.data.store.following.get(actorId.href);
  if (!following || following.status === "rejected") return record(ctx, activity, "ignored", "Article from an actor this instance does not follow");
  if (!objectId) return record(ctx, activity, "rejected", "Article has no id");
  const result = await importPartnerArticle(ctx, objectId.href, actorId.href);
  if (!result.ok) return record(ctx, activity, "rejected", result.reason);
  await record(ctx, activity, "accepted", result.created ? `Stored ${objectId.href} in the library` : `Library copy of ${objectId.href} is current`);
}

/** Update: an edited reply, a partner's edited practice, or a changed actor profile. */
export async function onUpdated(ctx: Ctx, update: Update): Promise<void> {
  const { store } = ctx.data;
  if (!update.actorId) return record(ctx, update, "rejected", "Update has no actor");
  let object;
  try {
    object = await update.getObject({ ...ctx, crossOrigin: "ignore" });
  } catch (error) {
    return record(ctx, update, "rejected", `Object could not be read: ${(error as Error).message}`);
  }
  if (!object?.id) return record(ctx, update, "rejected", "Update has no object, or its object is on another server than the activity");
  if (!sameOrigin(object.id, update.actorId)) return record(ctx, update, "rejected", "Actor may only update objects of its own server");
  if (isActor(object)) {
    if (object.id.href !== update.actorId.href) return record(ctx, update, "rejected", "Actor may only update its own profile");
    await rememberActor(store, object, ctx.data.config.allowPrivateAddresses, ctx.data.media);
    return record(ctx, update, "accepted", "Actor profile refreshed");
  }
  if (object instanceof Article) {
    const practice = await store.practices.byIri(object.id.href);
    if (practice?.local) return record(ctx, update, "rejected", "Remote actor tried to update a local practice");
    if (object.endTime !== null) return onPartnerConsultation(ctx, update, object.id);
    return onPartnerArticle(ctx, update, object.id);
  }
  if (object instanceof Event) return onPartnerEvent(ctx, update, object.id);
  if (object instanceof Page || object instanceof Video || object instanceof Audio) return onPartnerResource(ctx, update, object);
  if (object instanceof Note) {
    const reply = await store.replies.byIri(object.id.href);
    if (!reply) return record(ctx, update, "ignored", "Update of a reply this instance does not hold");
    if (reply.local || reply.authorIri !== update.actorId.href || object.attributionId?.href !== update.actorId.href) {
      return record(ctx, update, "rejected", "Only a reply's author may update it");
    }
    if (!isPublic(object)) {
      await store.replies.save({ ...reply, deleted: new Date().toISOString(), contentHtml: "" });
      return record(ctx, update, "accepted", "Reply is no longer public, so it is hidden");
    }
    const { html, language, images } = noteContent(object);
    const attachments = await noteAttachments(object, images, reply.attachments);
    if (!htmlToText(html) && attachments.length === 0) return record(ctx, update, "rejected", "Updated reply has neither text nor media left after sanitizing");
    await store.replies.save({ ...reply, contentHtml: html, language: language ?? reply.language, attachments, updated: object.updated?.toString() ?? new Date().toISOString() });
    if (attachments.some((attachment) => attachment.kind === "image" && !attachment.file && !attachment.failure)) ctx.data.media.schedule(reply.iri);
    return record(ctx, update, "accepted", "Reply updated");
  }
  return record(ctx, update, "ignored", `Updates of ${typeName(object)} objects are not handled`);
}

/** Delete: a remote reply, a partner's practice, or a whole remote actor. */
export async function onDeleted(ctx: Ctx, deletion: Delete): Promise<void> {
  const { store } = ctx.data;
  const actorId = deletion.actorId;
  const objectId = deletion.objectId;
  if (!actorId || !objectId) return record(ctx, deletion, "rejected", "Delete lacks actor or object");
  // TODO: a partner Group cannot yet pass on the deletion of a reply written on a third server in its items' discussions.
  // Minga does not forward such Deletes, and only a Linked Data signature would let us check a forwarded one.
  // Until that changes, such a reply stays on our copy unless the author's server also delivers its Delete here.
  if (!sameOrigin(objectId, actorId)) return record(ctx, deletion, "rejected", "Actor may only delete objects of its own server");

  if (objectId.href === actorId.href) {
    const followers = await store.followers.removeActorEverywhere(actorId.href);
    await store.following.remove(actorId.href);
    const copies = (await store.practices.deleteFromSource(actorId.href)) + (await store.learning.deleteFromSource(actorId.href)) +
      (await store.resources.deleteFromSource(actorId.href)) +
      (await store.consultations.deleteFromSource(actorId.href));
    return record(ctx, deletion, "accepted", `Actor deleted; removed ${followers} follow relations and ${copies} library copies`);
  }
  const practice = await store.practices.byIri(objectId.href);
  if (practice) {
    if (practice.local || practice.sourceActor !== actorId.href) return record(ctx, deletion, "rejected", "Only the practice's publisher may delete it");
    await store.practices.remove(practice.iri);
    return record(ctx, deletion, "accepted", `Removed library copy of ${practice.iri}`);
  }
  if (await onEventDeleted(ctx, deletion, objectId, actorId)) return;
  if (await onResourceDeleted(ctx, deletion, objectId, actorId)) return;
  if (await onConsultationDeleted(ctx, deletion, objectId, actorId)) return;
  const reply = await store.replies.byIri(objectId.href);
  if (reply) {
    if (reply.local || reply.authorIri !== actorId.href) return record(ctx, deletion, "rejected", "Only a reply's author may delete it");
    await store.replies.save({ ...reply, deleted: new Date().toISOString(), contentHtml: "" });
    return record(ctx, deletion, "accepted", "Reply deleted");
  }
  return record(ctx, deletion, "ignored", `Nothing stored here has id ${objectId.href}`);
}

