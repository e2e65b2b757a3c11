import type { Federation } from "@fedify/fedify";
import { Note } from "@fedify/vocab";

import { findDiscussionItem, type DiscussionItem } from "../src/domain/discussion.ts";
import { absolute } from "../src/domain/urls.ts";
import { isPublic } from "../src/domain/workflow.ts";
import type { Store } from "../src/storage/types.ts";
import type { FederationServices } from "./services.ts";

type Kind = DiscussionItem["kind"];
const KINDS: Kind[] = ["practice", "resource", "learning", "consultation"];

/** Returns the path of the collection that contains an item and every reply in its discussion (FEP-7888 `context`). */
export function threadContextPath(kind: Kind, slug: string): string {
  return `/contexts/${kind}/${encodeURIComponent(slug)}`;
}

/** Returns the `context` URL of a local item, for the object that represents it. */
export function threadContextUrl(origin: string, kind: Kind, slug: string): string {
  return absolute(origin, threadContextPath(kind, slug));
}

/** Finds a local item shown to the public by its kind and slug. */
async function publicLocalItem(store: Store, kind: string, slug: string): Promise<{ iri: string } | null> {
  const item =
    kind === "practice" ? await store.practices.bySlug(slug)
    : kind === "resource" ? await store.resources.bySlug(slug)
    : kind === "learning" ? await store.learning.bySlug(slug)
    : kind === "consultation" ? await store.consultations.bySlug(slug)
    : null;
  if (!item || !item.local || item.deleted) return null;
  if ("status" in item && !isPublic(item.status)) return null;
  return item;
}

/**
 * Returns the `context` of a local member's reply: the collection of the
 * local item whose discussion it is in, or null when the item is a
 * partner's copy, whose own server names its context.
 */
export async function replyThreadContext(store: Store, origin: string, rootIri: string): Promise<URL | null> {
  const found = await findDiscussionItem(store, rootIri);
  if (!found || !found.item.local || !KINDS.includes(found.kind)) return null;
  return new URL(threadContextUrl(origin, found.kind, found.item.slug));
}

/**
 * Registers /contexts/{kind}/{slug}: the item first, then every shown reply
 * of its discussion in the order they were published, so a server that
 * reads FEP-7888 can fetch a whole thread at once.
 */
export function registerThreadContexts(federation: Federation<FederationServices>): void {
  federation
    .setOrderedCollectionDispatcher("threadContext", Note, "/contexts/{kind}/{slug}", async (ctx, values) => {
      const { store } = ctx.data;
      const item = await publicLocalItem(store, values.kind, values.slug);
      if (!item) return null;
      const replies = (await store.replies.listForRoot(item.iri)).filter((reply) => !reply.deleted && !reply.hidden);
      return { items: [new URL(item.iri), ...replies.map((reply) => new URL(reply.iri))] as unknown as Note[] };
    })
    .setCounter(async (ctx, values) => {
      const item = await publicLocalItem(ctx.data.store, values.kind, values.slug);
      return item ? 1 + (await ctx.data.store.replies.countForRoot(item.iri)) : null;
    });
}
