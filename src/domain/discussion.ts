import crypto from "node:crypto";

import type { Account, Reply, Store } from "../storage/types.ts";
import type { DomainEvents } from "./events.ts";
import { plainTextToHtml } from "./text.ts";
import { absolute, PATHS, replyAnchor } from "./urls.ts";

export const MAX_REPLY_LENGTH = 5000;

export type ReplyResult = { ok: true; reply: Reply } | { ok: false; error: "required" | "tooLong" | "parentNotFound" };

/**
 * Adds a member's reply to an item's discussion. The parent is the item
 * itself or a reply in the same discussion; anything else is refused.
 */
export async function postLocalReply(
  store: Store,
  events: DomainEvents,
  origin: string,
  input: { author: Account; rootIri: string; pageUrl: string; inReplyTo: string | null; content: string; language: string },
): Promise<ReplyResult> {
  const content = input.content.trim();
  if (!content) return { ok: false, error: "required" };
  if (content.length > MAX_REPLY_LENGTH) return { ok: false, error: "tooLong" };
  let inReplyTo = input.rootIri;
  if (input.inReplyTo && input.inReplyTo !== input.rootIri) {
    const parent = await store.replies.byIri(input.inReplyTo);
    if (!parent || parent.rootIri !== input.rootIri || parent.deleted || parent.hidden) return { ok: false, error: "parentNotFound" };
    inReplyTo = parent.iri;
  }
  const iri = absolute(origin, PATHS.reply(crypto.randomUUID()));
  const reply: Reply = {
    iri,
    rootIri: input.rootIri,
    inReplyTo,
    authorIri: absolute(origin, PATHS.actor(input.author.username)),
    authorAccountId: input.author.id,
    contentHtml: plainTextToHtml(content),
    language: input.language,
    url: `${input.pageUrl}#${replyAnchor(iri)}`,
    published: new Date().toISOString(),
    updated: null,
    deleted: null,
    local: true,
    hidden: null,
  };
  await store.replies.save(reply);
  await events.replyAdded(reply);
  return { ok: true, reply };
}
