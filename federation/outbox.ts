import type { Context, Federation, RequestContext } from "@fedify/fedify";
import { Create, type Object as ASObject } from "@fedify/vocab";

import { PUBLIC_COLLECTION } from "./context.ts";
import { buildConsultationArticle } from "./consultations.ts";
import { buildEvent } from "./learning.ts";
import { buildArticle, practiceCreateId } from "./objects.ts";
import { buildResourceObject } from "./resources.ts";
import { MAX_OFFSET, type FederationServices } from "./services.ts";
import { toInstant } from "./time.ts";

type Ctx = RequestContext<FederationServices> | Context<FederationServices>;

const OUTBOX_PAGE_SIZE = 20;

/** Items read per kind when the outbox is asked for without a cursor, which Fedify does only outside HTTP requests. */
const UNPAGED_LIMIT = 10_000;

/** One local public item of the outbox, with what it takes to build its Create. */
interface OutboxEntry {
  iri: string;
  /** Publication instant (ISO 8601) that orders the outbox, newest first. */
  published: string;
  build(ctx: Ctx): Promise<ASObject>;
}

/** A kind of content listed in the outbox: its local public items, newest first, as the storage pages them. */
type OutboxSource = (ctx: Ctx, limit: number, offset: number) => Promise<{ items: OutboxEntry[]; total: number }>;

/**
 * The kinds, in the order of the offsets in a cursor. Practices and
 * resources list only published and archived items; learning opportunities
 * and consultations have no drafts, so every undeleted local one is public.
 */
const SOURCES: OutboxSource[] = [
  async (ctx, limit, offset) => {
    const { items, total } = await ctx.data.store.practices.listPublishedLocal(limit, offset);
    return { total, items: items.map((practice) => ({ iri: practice.iri, published: practice.published ?? practice.updated, build: (c) => buildArticle(c, practice) })) };
  },
  async (ctx, limit, offset) => {
    const { items, total } = await ctx.data.store.resources.list({ local: true, limit, offset });
    return { total, items: items.map((resource) => ({ iri: resource.iri, published: resource.published ?? resource.updated, build: (c) => buildResourceObject(c, resource) })) };
  },
  async (ctx, limit, offset) => {
    const { items, total } = await ctx.data.store.learning.listPublishedLocal(limit, offset);
    return { total, items: items.map((item) => ({ iri: item.iri, published: item.published, build: (c) => buildEvent(c, item) })) };
  },
  async (ctx, limit, offset) => {
    const { items, total } = await ctx.data.store.consultations.listPublishedLocal(limit, offset);
    return { total, items: items.map((item) => ({ iri: item.iri, published: item.published, build: (c) => buildConsultationArticle(c, item) })) };
  },
];

/**
 * Reads a cursor: one offset per kind, joined by dots ("12.3.0.5"). Each
 * kind is paged on its own, so a page never skips or repeats an item even
 * though the kinds live in separate tables. Anything else reads as the start.
 */
export function parseOutboxCursor(cursor: string): number[] {
  const parts = cursor.split(".");
  if (parts.length !== SOURCES.length || !parts.every((part) => /^\d{1,8}$/.test(part))) return SOURCES.map(() => 0);
  return parts.map((part) => Math.min(MAX_OFFSET, Number.parseInt(part, 10)));
}

/** Compares entries newest first, then by id, as the storage orders each kind. */
function newestFirst(a: OutboxEntry, b: OutboxEntry): number {
  const byTime = Date.parse(b.published) - Date.parse(a.published);
  if (byTime !== 0) return byTime;
  if (a.iri === b.iri) return 0;
  return a.iri < b.iri ? -1 : 1;
}

/** Merges the kinds into one page of up to `limit` entries, newest first, and returns the offsets the next page starts from. */
export async function readOutboxPage(ctx: Ctx, offsets: number[], limit: number): Promise<{ entries: OutboxEntry[]; next: number[] | null }> {
  const lists = await Promise.all(SOURCES.map((source, index) => source(ctx, limit, offsets[index]!)));
  const taken = lists.map(() => 0);
  const entries: OutboxEntry[] = [];
  while (entries.length < limit) {
    let chosen = -1;
    for (let index = 0; index < lists.length; index++) {
      const candidate = lists[index]!.items[taken[index]!];
      if (candidate && (chosen < 0 || newestFirst(candidate, lists[chosen]!.items[taken[chosen]!]!) < 0)) chosen = index;
    }
    if (chosen < 0) break;
    entries.push(lists[chosen]!.items[taken[chosen]!]!);
    taken[chosen]!++;
  }
  const next = offsets.map((offset, index) => offset + taken[index]!);
  const more = lists.some((list, index) => next[index]! < list.total);
  return { entries, next: more ? next : null };
}

/**
 * Registers the Group's outbox: a Create for every public local practice,
 * resource, learning opportunity and consultation, newest first. The Create
 * ids are the ones sent when each item was published, so re-reading the
 * outbox gives the same activities.
 */
export function registerOutbox(federation: Federation<FederationServices>): void {
  federation
    .setOutboxDispatcher("/actors/{identifier}/outbox", async (ctx, identifier, cursor) => {
      if (identifier !== ctx.data.config.organizationHandle) return { items: [] };
      const offsets = cursor === null ? SOURCES.map(() => 0) : parseOutboxCursor(cursor);
      const { entries, next } = await readOutboxPage(ctx, offsets, cursor === null ? UNPAGED_LIMIT : OUTBOX_PAGE_SIZE);
      const actor = ctx.getActorUri(identifier);
      const activities = await Promise.all(
        entries.map(async (entry) =>
          new Create({
            id: practiceCreateId(entry),
            actor,
            object: await entry.build(ctx),
            published: toInstant(entry.published),
            to: new URL(PUBLIC_COLLECTION),
            cc: ctx.getFollowersUri(identifier),
          }),
        ),
      );
      return { items: activities, nextCursor: cursor !== null && next ? next.join(".") : null };
    })
    .setCounter(async (ctx, identifier) => {
      if (identifier !== ctx.data.config.organizationHandle) return 0;
      const totals = await Promise.all(SOURCES.map(async (source) => (await source(ctx, 1, 0)).total));
      return totals.reduce((sum, total) => sum + total, 0);
    })
    .setFirstCursor(() => SOURCES.map(() => "0").join("."));
}
