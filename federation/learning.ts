import type { Context, Federation, InboxContext, RequestContext } from "@fedify/fedify";
import { Create, Delete, Event, Note, Tombstone, Update } from "@fedify/vocab";

import type { LearningOpportunity } from "../src/domain/learning.ts";
import { learningPath, type LearningEvents } from "../src/domain/learning-service.ts";
import { slugify } from "../src/domain/practice.ts";
import { absolute, PATHS } from "../src/domain/urls.ts";
import { logger } from "../src/logging.ts";
import { createOfflineContextLoader, PUBLIC_COLLECTION, withActivityStreamsContext } from "./context.ts";
import { record, sameOrigin } from "./inbox/journal.ts";
import { compactEvent, eventToLearningFields, learningToEvent } from "./learning-mapping.ts";
import { INSTANCE_ACTOR, type FederationServices } from "./services.ts";
import { toInstant } from "./time.ts";
import { threadContextUrl } from "./thread-context.ts";

const log = logger("federation", "learning");

type Ctx = Context<FederationServices> | RequestContext<FederationServices>;

/** Builds the Event for a local learning opportunity, keeping Minga's own fields when Fedify serializes it. */
export async function buildEvent(ctx: Ctx, item: LearningOpportunity): Promise<Event> {
  const { config } = ctx.data;
  const json = learningToEvent(item, {
    origin: config.origin,
    followers: ctx.getFollowersUri(config.organizationHandle).href,
    replies: absolute(config.origin, learningRepliesPath(item.slug)),
    context: threadContextUrl(config.origin, "learning", item.slug),
    themeUrl: (theme) => absolute(config.origin, PATHS.library(theme)),
  });
  // Parsing our own JSON gives an Event that serializes back to exactly this JSON when served by id.
  const loader = createOfflineContextLoader(config.origin);
  return Event.fromJsonLd(json, { documentLoader: loader, contextLoader: loader });
}

/** Path of the collection of replies to a local learning opportunity. */
export const learningRepliesPath = (slug: string) => `${learningPath(slug)}/replies`;

/**
 * Serves each local, undeleted learning opportunity as an Event at
 * /learning/{slug}, with its replies as an ordered collection at
 * /learning/{slug}/replies; deleted ones get 410 from the web layer.
 */
export function registerLearningObjects(federation: Federation<FederationServices>): void {
  federation.setObjectDispatcher(Event, "/learning/{slug}", async (ctx, values) => {
    try {
      const item = await ctx.data.store.learning.bySlug(values.slug);
      if (!item || !item.local || item.deleted) return null;
      return await buildEvent(ctx, item);
    } catch (error) {
      // Fedify 2.3.6 does not catch dispatcher errors; a 404 beats a request left hanging.
      log.error("Could not build the Event {slug}: {error}", { slug: values.slug, error });
      return null;
    }
  });

  federation
    .setOrderedCollectionDispatcher("learningReplies", Note, "/learning/{slug}/replies", async (ctx, values) => {
      const { store } = ctx.data;
      const item = await store.learning.bySlug(values.slug);
      if (!item || !item.local || item.deleted) return null;
      const replies = (await store.replies.listForRoot(item.iri)).filter((reply) => !reply.deleted && !reply.hidden);
      return { items: replies.map((reply) => new URL(reply.iri)) as unknown as Note[] };
    })
    .setCounter(async (ctx, values) => {
      const item = await ctx.data.store.learning.bySlug(values.slug);
      return item ? ctx.data.store.replies.countForRoot(item.iri) : null;
    });
}

/** Turns changes to local learning opportunities into Create, Update and Delete for the organization's followers. */
export class LearningOutbound implements LearningEvents {
  constructor(
    private readonly federation: Federation<FederationServices>,
    private readonly services: FederationServices,
  ) {}

  #context(): Context<FederationServices> {
    return this.federation.createContext(new URL(this.services.config.origin), this.services);
  }

  /** Queues one activity to the Group's followers; Update and Delete share the item's ordering key so they cannot overtake its Create. */
  async #send(item: LearningOpportunity, verb: string, build: (ctx: Context<FederationServices>, group: URL) => Promise<Create | Update | Delete>): Promise<void> {
    try {
      const ctx = this.#context();
      const handle = this.services.config.organizationHandle;
      const activity = await build(ctx, ctx.getActorUri(handle));
      await ctx.sendActivity({ identifier: handle }, "followers", activity, { preferSharedInbox: true, orderingKey: item.iri });
      log.info("Queued {verb} for {iri}", { verb, iri: item.iri });
    } catch (error) {
      log.error("Could not queue {verb} for {iri}: {error}", { verb, iri: item.iri, error });
    }
  }

  #audience(ctx: Context<FederationServices>) {
    return { to: new URL(PUBLIC_COLLECTION), cc: ctx.getFollowersUri(this.services.config.organizationHandle) };
  }

  async learningPublished(item: LearningOpportunity): Promise<void> {
    await this.#send(item, "Create", async (ctx, group) =>
      new Create({ id: new URL(`${item.iri}#create`), actor: group, object: await buildEvent(ctx, item), published: toInstant(item.published), ...this.#audience(ctx) }),
    );
  }

  async learningUpdated(item: LearningOpportunity): Promise<void> {
    await this.#send(item, "Update", async (ctx, group) =>
      new Update({
        id: new URL(`${item.iri}#update-${Date.parse(item.updated)}`),
        actor: group,
        object: await buildEvent(ctx, item),
        updated: toInstant(item.updated),
        ...this.#audience(ctx),
      }),
    );
  }

  async learningDeleted(item: LearningOpportunity): Promise<void> {
    await this.#send(item, "Delete", async (ctx, group) =>
      new Delete({
        id: new URL(`${item.iri}#delete`),
        actor: group,
        object: new Tombstone({ id: new URL(item.iri), deleted: toInstant(item.deleted ?? item.updated) }),
        ...this.#audience(ctx),
      }),
    );
  }
}

/** Outcome of importing one partner Event, for the inbox journal. */
export type EventImportResult = { ok: true; item: LearningOpportunity; created: boolean } | { ok: false; reason: string };

/**
 * Fetches a partner's Event from its origin and stores it as a calendar
 * copy. The embedded copy in an activity is never trusted: the origin's own
 * document is authoritative, and must be attributed to the partner.
 */
export async function importPartnerEvent(ctx: Context<FederationServices>, iri: string, sourceActor: string): Promise<EventImportResult> {
  const { store } = ctx.data;
  if (!sameOrigin(iri, sourceActor)) return { ok: false, reason: `Event ${iri} is not on the partner's server` };
  const existing = await store.learning.byIri(iri);
  if (existing?.local) return { ok: false, reason: "Event id collides with a local learning opportunity" };

  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  let compacted: Record<string, unknown>;
  try {
    const remote = await documentLoader(iri);
    // Gancio serves its Events without @context, so the ActivityStreams one is assumed.
    compacted = await compactEvent(withActivityStreamsContext(remote.document) as Record<string, unknown>, (url) => ctx.contextLoader(url));
  } catch (error) {
    return { ok: false, reason: `Could not fetch or read Event ${iri}: ${(error as Error).message}` };
  }
  if (compacted.id !== iri) return { ok: false, reason: `Fetched document has id ${String(compacted.id)}, expected ${iri}` };
  if (![compacted.type].flat().includes("Event")) return { ok: false, reason: `Fetched document is a ${String(compacted.type)}, not an Event` };
  const authors = [compacted.attributedTo].flat().map((entry) => (typeof entry === "string" ? entry : (entry as { id?: string } | null)?.id));
  if (!authors.includes(sourceActor)) return { ok: false, reason: `Event ${iri} is not attributed to ${sourceActor}` };

  const parsed = eventToLearningFields(compacted);
  if (!parsed.ok) return parsed;
  const updated = parsed.updated ?? parsed.published ?? new Date().toISOString();
  // Timestamps from other servers differ in form (fractions, offsets), so they are compared as instants.
  if (existing && Date.parse(existing.updated) >= Date.parse(updated)) return { ok: true, item: existing, created: false };

  const copy = (slug: string): LearningOpportunity => ({
    ...parsed.fields,
    iri,
    slug,
    local: false,
    url: parsed.url,
    attributedTo: sourceActor,
    sourceActor,
    authorAccountId: null,
    descriptionHtml: parsed.descriptionHtml,
    published: parsed.published ?? updated,
    updated,
    deleted: null,
  });
  if (existing) {
    const item = copy(existing.slug);
    await store.learning.save(item);
    log.info("Refreshed partner learning opportunity {iri}", { iri, source: sourceActor });
    return { ok: true, item, created: false };
  }
  const host = new URL(iri).host.replace(/[^a-z0-9]+/gi, "-");
  const base = `${host}-${slugify(parsed.fields.text[parsed.fields.primaryLanguage]!.title)}`.slice(0, 95);
  // Two Events arriving at once may pick the same free slug; the loser takes the next one.
  for (let attempt = 1; attempt <= 5; attempt++) {
    let slug = base;
    for (let suffix = 2; await store.learning.slugExists(slug); suffix++) slug = `${base}-${suffix}`;
    const item = copy(slug);
    if (await store.learning.insertNew(item)) {
      log.info("Stored partner learning opportunity {iri}", { iri, source: sourceActor });
      return { ok: true, item, created: true };
    }
    const raced = await store.learning.byIri(iri);
    if (raced) return { ok: true, item: raced, created: false };
  }
  return { ok: false, reason: `No free calendar slug for ${iri}` };
}

type InboxCtx = InboxContext<FederationServices>;

/** Handles Create or Update of an Event by a partner we follow by refreshing the calendar copy from its origin. */
export async function onPartnerEvent(ctx: InboxCtx, activity: Create | Update, objectId: URL | null): Promise<void> {
  const actorId = activity.actorId!;
  const following = await ctx.data.store.following.get(actorId.href);
  if (!following || following.status === "rejected") return record(ctx, activity, "ignored", "Event from an actor this instance does not follow");
  if (!objectId) return record(ctx, activity, "rejected", "Event has no id");
  const existing = await ctx.data.store.learning.byIri(objectId.href);
  if (existing?.local) return record(ctx, activity, "rejected", "Remote actor tried to change a local learning opportunity");
  const result = await importPartnerEvent(ctx, objectId.href, actorId.href);
  if (!result.ok) return record(ctx, activity, "rejected", result.reason);
  await record(ctx, activity, "accepted", result.created ? `Stored ${objectId.href} in the calendar` : `Calendar copy of ${objectId.href} is current`);
}

/** Removes the calendar copy a Delete names. Returns false when the id is not a learning opportunity stored here, so that other handlers can look. */
export async function onEventDeleted(ctx: InboxCtx, deletion: Delete, objectId: URL, actorId: URL): Promise<boolean> {
  const item = await ctx.data.store.learning.byIri(objectId.href);
  if (!item) return false;
  if (item.local || item.sourceActor !== actorId.href) {
    await record(ctx, deletion, "rejected", "Only the learning opportunity's publisher may delete it");
    return true;
  }
  await ctx.data.store.learning.remove(item.iri);
  await record(ctx, deletion, "accepted", `Removed calendar copy of ${item.iri}`);
  return true;
}
