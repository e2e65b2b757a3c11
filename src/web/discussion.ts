import fs from "node:fs";
import path from "node:path";

import type { Request, Response } from "express";

import { postLocalReply } from "../domain/discussion.ts";
import { FILE_TYPES, mediaTypeOfExtension } from "../domain/file-types.ts";
import { absolute, PATHS, replyAnchor } from "../domain/urls.ts";
import { isLanguage } from "../domain/vocabulary.ts";
import type { Account, Reply, ReplyAttachment, Store } from "../storage/types.ts";
import type { ReplyFormView, ReplyView } from "../../views/components/discussion.ts";
import type { WebServices } from "./context.ts";
import { readUploadForm } from "./upload-form.ts";
import { mediaDirectory, STORED_FILE_NAME } from "./uploads.ts";

/** Largest image a member may attach to a reply, in bytes. */
export const MAX_REPLY_IMAGE_BYTES = 5 * 1024 * 1024;
/** Maximum length of an attached image's description, in characters. */
export const MAX_IMAGE_DESCRIPTION_LENGTH = 1500;
const REPLY_IMAGE_TYPES = new Set<string>([FILE_TYPES.png, FILE_TYPES.jpeg, FILE_TYPES.webp, FILE_TYPES.gif].map((type) => type.mediaType));

/** A reply form as the page shows it again: what was typed, and the error key of each refused field. */
export type ReplyForm = ReplyFormView;

export const EMPTY_REPLY_FORM: ReplyForm = { content: "", language: "", error: null };

/** Replies with what the page shows of each author. */
export async function replyViews(store: Store, rootIri: string): Promise<ReplyView[]> {
  return describeReplies(store, await store.replies.listForRoot(rootIri));
}

export async function describeReplies(store: Store, replies: Reply[]): Promise<ReplyView[]> {
  const blocked = new Set((await store.moderation.actorBlocks()).map((block) => block.actorIri));
  const remote = await store.remoteActors.byIris(replies.filter((reply) => !reply.local).map((reply) => reply.authorIri));
  const views: ReplyView[] = [];
  for (const reply of replies) {
    if (reply.local && reply.authorAccountId !== null) {
      const account = await store.accounts.byId(reply.authorAccountId);
      views.push({
        reply,
        authorName: account?.displayName ?? "?",
        authorHandle: account ? `@${account.username}` : null,
        authorUrl: account ? PATHS.member(account.username) : null,
      });
    } else {
      const actor = remote.get(reply.authorIri);
      views.push({
        reply,
        authorName: actor?.name ?? actor?.handle ?? new URL(reply.authorIri).host,
        authorHandle: actor?.handle ?? null,
        authorUrl: actor?.url ?? reply.authorIri,
        authorBlocked: blocked.has(reply.authorIri),
      });
    }
  }
  return views;
}

/** What an item's page shows of its discussion: the replies, the reaction counts and the reply being answered. */
export interface DiscussionState {
  replies: ReplyView[];
  likes: number;
  shares: number;
  replyTo: ReplyView | null;
}

/** Loads the discussion of the item with this id for its page. */
export async function loadDiscussion(store: Store, request: Request, rootIri: string): Promise<DiscussionState> {
  const replies = await replyViews(store, rootIri);
  const counts = await store.reactions.count(rootIri);
  // The reply being answered comes from the link (?replyTo=) or, when a reply form comes back with errors, from its field.
  let replyToIri: string | null = null;
  if (typeof request.query.replyTo === "string") replyToIri = request.query.replyTo;
  else if (typeof request.body?.inReplyTo === "string") replyToIri = request.body.inReplyTo;
  const replyTo = replies.find((view) => view.reply.iri === replyToIri) ?? null;
  return { replies, likes: counts.like, shares: counts.announce, replyTo };
}

/**
 * Reads a reply form, plain or multipart with an image, and sets
 * `request.body` to its fields. Sends the rejection itself and returns null
 * when the multipart body is unreadable or its CSRF token is wrong.
 */
async function readReplyForm(services: WebServices, request: Request, response: Response): Promise<{ fields: Record<string, unknown>; image: string | null; imageError: string | null } | null> {
  if (!request.is("multipart/form-data")) return { fields: (request.body ?? {}) as Record<string, unknown>, image: null, imageError: null };
  const parsed = await readUploadForm(services, request, response, {
    directory: mediaDirectory(services.config.dataDir),
    maxBytes: MAX_REPLY_IMAGE_BYTES,
    accepts: (_field, type) => REPLY_IMAGE_TYPES.has(type.mediaType),
    captionFields: () => false,
  });
  if (!parsed) return null;
  const fields = Object.fromEntries(Object.entries(parsed.fields).map(([key, value]) => [key, [value].flat()[0] ?? ""]));
  request.body = fields;
  const upload = parsed.files.image;
  if (upload && !upload.ok) return { fields, image: null, imageError: upload.error === "fileTooLarge" ? "replyImageTooLarge" : "replyImageType" };
  // parseUpload names stored files /files/NAME; reply images are served from /media/ instead.
  return { fields, image: upload?.ok ? upload.file.href.slice("/files/".length) : null, imageError: null };
}

/**
 * Adds the reply a member posted to the discussion of an item that takes
 * replies, then redirects to the reply on the item's page. A visitor who is
 * not signed in goes to the sign-in page. A refused reply, or one the item
 * does not take now (`refusal`, an i18n key), calls `show` with the form as
 * it was typed and its errors, for a 422 page. The reply may carry one
 * image, which needs the author's description as its alt text.
 */
export async function receiveReply(
  services: WebServices,
  request: Request,
  response: Response,
  target: {
    rootIri: string;
    pagePath: string;
    show: (form: ReplyForm) => Promise<unknown>;
    refusal?: string | null;
    /** The only reply languages the item takes, with the i18n key of the error for any other; absent when it takes any. */
    languages?: { accepted: readonly string[]; error: string } | null;
  },
): Promise<void> {
  const { store, config } = services;
  const account = response.locals.account as Account | null;
  if (!account) return response.redirect(303, `/sign-in?next=${encodeURIComponent(target.pagePath)}`);

  const read = await readReplyForm(services, request, response);
  if (!read) return;

  const { fields } = read;
  const text = (name: string) => (typeof fields[name] === "string" ? (fields[name] as string) : "");
  const content = text("content");
  const language = isLanguage(fields.language) ? fields.language : (response.locals.language as string);
  const inReplyTo = text("inReplyTo") || null;
  const description = text("description").trim();
  // An image kept from an earlier post is trusted by its stored name only, since images in the media folder are public.
  const keptName = text("keptImage");
  const kept = STORED_FILE_NAME.test(keptName) && fs.existsSync(path.join(mediaDirectory(config.dataDir), keptName)) ? keptName : null;
  const image = read.image ?? (text("removeImage") === "on" ? null : kept);

  const form: ReplyForm = { content, language, error: null, image, description, imageError: read.imageError, descriptionError: null };
  if (image && !description) form.descriptionError = "replyImageDescriptionRequired";
  else if (!image && description && !form.imageError) form.imageError = "replyImageMissing";
  else if (description.length > MAX_IMAGE_DESCRIPTION_LENGTH) form.descriptionError = "replyImageDescriptionTooLong";
  if (target.refusal) form.error = target.refusal;
  else if (!content.trim()) form.error = "required";
  if (target.languages && target.languages.accepted.length > 0 && !target.languages.accepted.includes(language)) form.languageError = target.languages.error;
  if (form.error || form.imageError || form.descriptionError || form.languageError) {
    await target.show(form);
    return;
  }

  const attachments: ReplyAttachment[] = image
    ? [{ url: absolute(config.origin, `/media/${image}`), kind: "image", mediaType: mediaTypeOfExtension(image.split(".")[1]), description, width: null, height: null, file: image, failure: null }]
    : [];
  const pageUrl = absolute(config.origin, target.pagePath);
  const result = await postLocalReply(store, services.federation.outbound, config.origin, { author: account, rootIri: target.rootIri, pageUrl, inReplyTo, content, language, attachments });
  if (!result.ok) {
    await target.show({ ...form, error: result.error });
    return;
  }
  response.redirect(303, `${target.pagePath}?notice=replyPosted#${replyAnchor(result.reply.iri)}`);
}
