import type { Request, Response } from "express";

import { postLocalReply } from "../domain/discussion.ts";
import { absolute, PATHS, replyAnchor } from "../domain/urls.ts";
import { isLanguage } from "../domain/vocabulary.ts";
import type { Account, Reply, Store } from "../storage/types.ts";
import type { ReplyView } from "../../views/components/discussion.ts";
import type { WebServices } from "./context.ts";

/** A reply form as the page shows it again: what was typed, and the error key when it was refused. */
export interface ReplyForm {
  content: string;
  language: string;
  error: string | null;
}

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
 * Adds the reply a member posted to the discussion of an item that takes
 * replies, then redirects to the reply on the item's page. A visitor who is
 * not signed in goes to the sign-in page, and a refused reply calls `show`
 * with the form as it was typed and its error, for a 422 page.
 */
export async function receiveReply(
  services: WebServices,
  request: Request,
  response: Response,
  target: { rootIri: string; pagePath: string; show: (form: ReplyForm) => Promise<unknown> },
): Promise<void> {
  const { store, config } = services;
  const account = response.locals.account as Account | null;
  if (!account) return response.redirect(303, `/sign-in?next=${encodeURIComponent(target.pagePath)}`);
  const content = String(request.body.content ?? "");
  const language = isLanguage(request.body.language) ? request.body.language : (response.locals.language as string);
  const inReplyTo = typeof request.body.inReplyTo === "string" && request.body.inReplyTo ? request.body.inReplyTo : null;
  const pageUrl = absolute(config.origin, target.pagePath);
  const result = await postLocalReply(store, services.federation.outbound, config.origin, { author: account, rootIri: target.rootIri, pageUrl, inReplyTo, content, language });
  if (!result.ok) {
    await target.show({ content, language, error: result.error });
    return;
  }
  response.redirect(303, `${target.pagePath}?notice=replyPosted#${replyAnchor(result.reply.iri)}`);
}
