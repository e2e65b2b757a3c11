import crypto from "node:crypto";

import type { Account, Reply, ReplyAttachment, Store } from "../storage/types.ts";
import type { Consultation } from "./consultation.ts";
import type { DomainEvents } from "./events.ts";
import type { LearningOpportunity } from "./learning.ts";
import type { Practice } from "./practice.ts";
import type { Resource } from "./resource.ts";
import { plainTextToHtml } from "./text.ts";
import { absolute, PATHS, replyAnchor } from "./urls.ts";

export const MAX_REPLY_LENGTH = 5000;

/** An item that carries a discussion, tagged with its kind. */
export type DiscussionItem =
  | { kind: "practice"; item: Practice }
  | { kind: "consultation"; item: Consultation }
  | { kind: "resource"; item: Resource }
  | { kind: "learning"; item: LearningOpportunity };

/**
 * Finds the practice, consultation, resource or learning opportunity with
 * this id, local or a partner copy, whatever its status. Callers decide
 * whether a draft or deleted item still counts.
 */
export async function findDiscussionItem(store: Store, iri: string): Promise<DiscussionItem | null> {
  const practice = await store.practices.byIri(iri);
  if (practice) return { kind: "practice", item: practice };
  const consultation = await store.consultations.byIri(iri);
  if (consultation) return { kind: "consultation", item: consultation };
  const resource = await store.resources.byIri(iri);
  if (resource) return { kind: "resource", item: resource };
  const learning = await store.learning.byIri(iri);
  if (learning) return { kind: "learning", item: learning };
  return null;
}

export type ReplyResult = { ok: true; reply: Reply } | { ok: false; error: "required" | "tooLong" | "parentNotFound" };

/**
 * Adds a member's reply to an item's discussion. The parent is the item
 * itself or a reply in the same discussion; anything else is refused.
 */
export async function postLocalReply(
  store: Store,
  events: DomainEvents,
  origin: string,
  input: { author: Account; rootIri: string; pageUrl: string; inReplyTo: string | null; content: string; language: string; attachments?: ReplyAttachment[] },
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
    attachments: input.attachments ?? [],
  };
  await store.replies.save(reply);
  await events.replyAdded(reply);
  return { ok: true, reply };
}
