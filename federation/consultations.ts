import type { Context, Federation, InboxContext } from "@fedify/fedify";
import { Article, Create, Delete, Note, Tombstone, Update } from "@fedify/vocab";

import { submissionRefusal, type Consultation } from "../src/domain/consultation.ts";
import { consultationPath, type ConsultationEvents } from "../src/domain/consultation-service.ts";
import { slugify } from "../src/domain/practice.ts";
import { absolute, PATHS } from "../src/domain/urls.ts";
import { logger } from "../src/logging.ts";
import { createOfflineContextLoader, PUBLIC_COLLECTION } from "./context.ts";
import { articleToConsultationFields, consultationToArticle } from "./consultation-mapping.ts";
import { record, sameOrigin } from "./inbox/journal.ts";
import { compactEvent } from "./learning-mapping.ts";
import { INSTANCE_ACTOR, type FederationServices } from "./services.ts";
import { toInstant } from "./time.ts";
import { threadContextUrl } from "./thread-context.ts";

const log = logger("federation", "consultation");

/** Path of the collection of submissions to a local consultation. */
export const consultationRepliesPath = (slug: string) => `${consultationPath(slug)}/replies`;

/** Builds the JSON-LD document of a local consultation, as served at its id. */
export function consultationDocument(services: Pick<FederationServices, "config">, groupFollowers: string, item: Consultation, now = new Date()): Record<string, unknown> {
  const { config } = services;
  return consultationToArticle(
    item,
    {
      origin: config.origin,
      followers: groupFollowers,
      replies: absolute(config.origin, consultationRepliesPath(item.slug)),
      context: threadContextUrl(config.origin, "consultation", item.slug),
      themeUrl: (theme) => absolute(config.origin, PATHS.library(theme)),
    },
    now,
  );
}

/**
 * Builds the Article carried by Create and Update. Fedify 2.3.6 signs the
 * activity (FEP-8b32) and serializes the signed copy with its own
 * vocabulary, which drops Minga's terms and `closed`, since its Article has
 * no such property. Receivers therefore fetch the consultation by id, where
 * `closed` is served, as Minga does for every partner item.
 */
export async function buildConsultationArticle(ctx: Context<FederationServices>, item: Consultation): Promise<Article> {
  const json = consultationDocument(ctx.data, ctx.getFollowersUri(ctx.data.config.organizationHandle).href, item);
  const loader = createOfflineContextLoader(ctx.data.config.origin);
  return Article.fromJsonLd(json, { documentLoader: loader, contextLoader: loader });
}

/**
 * Serves the submissions to each local consultation as an ordered
 * collection. The consultation itself is served by the web layer, because
 * Fedify 2.3.6 allows one object dispatcher per class and practices already
 * use the Article one.
 */
export function registerConsultationCollections(federation: Federation<FederationServices>): void {
  federation
    .setOrderedCollectionDispatcher("consultationReplies", Note, "/consultations/{slug}/replies", async (ctx, values) => {
      const { store } = ctx.data;
      const item = await store.consultations.bySlug(values.slug);
      if (!item || !item.local || item.deleted) return null;
      const replies = (await store.replies.listForRoot(item.iri)).filter((reply) => !reply.deleted && !reply.hidden);
      return { items: replies.map((reply) => new URL(reply.iri)) as unknown as Note[] };
    })
    .setCounter(async (ctx, values) => {
      const item = await ctx.data.store.consultations.bySlug(values.slug);
      return item ? ctx.data.store.replies.countForRoot(item.iri) : null;
    });
}

/** Turns changes to local consultations into Create, Update and Delete for the organization's followers. */
export class ConsultationOutbound implements ConsultationEvents {
  constructor(
    private readonly federation: Federation<FederationServices>,
    private readonly services: FederationServices,
  ) {}

  #context(): Context<FederationServices> {
    return this.federation.createContext(new URL(this.services.config.origin), this.services);
  }

  /** Queues one activity to the Group's followers; Update and Delete share the item's ordering key so they cannot overtake its Create. */
  async #send(item: Consultation, verb: string, build: (ctx: Context<FederationServices>, group: URL) => Promise<Create | Update | Delete>): Promise<void> {
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

  async consultationPublished(item: Consultation): Promise<void> {
    await this.#send(item, "Create", async (ctx, group) =>
      new Create({ id: new URL(`${item.iri}#create`), actor: group, object: await buildConsultationArticle(ctx, item), published: toInstant(item.published), ...this.#audience(ctx) }),
    );
  }

  /** Also sent once when the consultation closes; the `updated` it carries moves forward, so receivers fetch the document with `closed`. */
  async consultationUpdated(item: Consultation): Promise<void> {
    await this.#send(item, "Update", async (ctx, group) =>
      new Update({
        id: new URL(`${item.iri}#update-${Date.parse(item.updated)}`),
        actor: group,
        object: await buildConsultationArticle(ctx, item),
        updated: toInstant(item.updated),
        ...this.#audience(ctx),
      }),
    );
  }

  async consultationDeleted(item: Consultation): Promise<void> {
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

/** Outcome of importing one partner consultation, for the inbox journal. */
export type ConsultationImportResult = { ok: true; item: Consultation; created: boolean } | { ok: false; reason: string };

/**
 * Fetches a partner's consultation Article from its origin and stores it as
 * a copy. As with practices and Events, the embedded copy in an activity is
 * never trusted: the origin's own document is authoritative, and must be
 * attributed to the partner.
 */
export async function importPartnerConsultation(ctx: Context<FederationServices>, iri: string, sourceActor: string): Promise<ConsultationImportResult> {
  const { store } = ctx.data;
  if (!sameOrigin(iri, sourceActor)) return { ok: false, reason: `Consultation ${iri} is not on the partner's server` };
  const existing = await store.consultations.byIri(iri);
  if (existing?.local) return { ok: false, reason: "Consultation id collides with a local consultation" };

  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  let compacted: Record<string, unknown>;
  try {
    const remote = await documentLoader(iri);
    // compactEvent is not specific to Events: it compacts any document with Minga's context.
    compacted = await compactEvent(remote.document as Record<string, unknown>, (url) => ctx.contextLoader(url));
  } catch (error) {
    return { ok: false, reason: `Could not fetch or read consultation ${iri}: ${(error as Error).message}` };
  }
  if (compacted.id !== iri) return { ok: false, reason: `Fetched document has id ${String(compacted.id)}, expected ${iri}` };
  if (![compacted.type].flat().includes("Article")) return { ok: false, reason: `Fetched document is a ${String(compacted.type)}, not an Article` };
  const authors = [compacted.attributedTo].flat().map((entry) => (typeof entry === "string" ? entry : (entry as { id?: string } | null)?.id));
  if (!authors.includes(sourceActor)) return { ok: false, reason: `Consultation ${iri} is not attributed to ${sourceActor}` };

  const parsed = articleToConsultationFields(compacted);
  if (!parsed.ok) return parsed;
  const updated = parsed.updated ?? parsed.published ?? new Date().toISOString();
  if (existing && Date.parse(existing.updated) >= Date.parse(updated)) return { ok: true, item: existing, created: false };

  const copy = (slug: string): Consultation => ({
    ...parsed.fields,
    iri,
    slug,
    local: false,
    url: parsed.url,
    attributedTo: sourceActor,
    sourceActor,
    authorAccountId: null,
    descriptionHtml: parsed.descriptionHtml,
    outcome: parsed.outcome,
    closingAnnounced: null,
    published: parsed.published ?? updated,
    updated,
    deleted: null,
  });
  if (existing) {
    const item = copy(existing.slug);
    await store.consultations.save(item);
    log.info("Refreshed partner consultation {iri}", { iri, source: sourceActor });
    return { ok: true, item, created: false };
  }
  const host = new URL(iri).host.replace(/[^a-z0-9]+/gi, "-");
  const base = `${host}-${slugify(parsed.fields.text[parsed.fields.primaryLanguage]!.title)}`.slice(0, 95);
  // Two copies arriving at once may pick the same free slug; the loser takes the next one.
  for (let attempt = 1; attempt <= 5; attempt++) {
    let slug = base;
    for (let suffix = 2; await store.consultations.slugExists(slug); suffix++) slug = `${base}-${suffix}`;
    const item = copy(slug);
    if (await store.consultations.insertNew(item)) {
      log.info("Stored partner consultation {iri}", { iri, source: sourceActor });
      return { ok: true, item, created: true };
    }
    const raced = await store.consultations.byIri(iri);
    if (raced) return { ok: true, item: raced, created: false };
  }
  return { ok: false, reason: `No free consultation slug for ${iri}` };
}

type InboxCtx = InboxContext<FederationServices>;

/** Handles Create or Update of a consultation Article by a partner we follow by refreshing the copy from its origin. */
export async function onPartnerConsultation(ctx: InboxCtx, activity: Create | Update, objectId: URL | null): Promise<void> {
  const actorId = activity.actorId!;
  const following = await ctx.data.store.following.get(actorId.href);
  if (!following || following.status === "rejected") return record(ctx, activity, "ignored", "Consultation from an actor this instance does not follow");
  if (!objectId) return record(ctx, activity, "rejected", "Consultation has no id");
  const existing = await ctx.data.store.consultations.byIri(objectId.href);
  if (existing?.local) return record(ctx, activity, "rejected", "Remote actor tried to change a local consultation");
  const result = await importPartnerConsultation(ctx, objectId.href, actorId.href);
  if (!result.ok) return record(ctx, activity, "rejected", result.reason);
  await record(ctx, activity, "accepted", result.created ? `Stored consultation ${objectId.href}` : `Copy of consultation ${objectId.href} is current`);
}

/** Removes the consultation copy a Delete names. Returns false when the id is not a consultation stored here, so that other handlers can look. */
export async function onConsultationDeleted(ctx: InboxCtx, deletion: Delete, objectId: URL, actorId: URL): Promise<boolean> {
  const item = await ctx.data.store.consultations.byIri(objectId.href);
  if (!item) return false;
  if (item.local || item.sourceActor !== actorId.href) {
    await record(ctx, deletion, "rejected", "Only the consultation's publisher may delete it");
    return true;
  }
  await ctx.data.store.consultations.remove(item.iri);
  await record(ctx, deletion, "accepted", `Removed copy of consultation ${item.iri}`);
  return true;
}

/**
 * Finds the consultation a remote reply belongs to, directly or through a
 * reply in its discussion. A reply that arrives before the opening or from
 * the closing on is refused with the reason the inbound log records.
 */
export async function resolveConsultationDiscussion(
  store: FederationServices["store"],
  inReplyTo: string,
  now = new Date(),
): Promise<{ rootIri: string; local: boolean } | { refused: string } | null> {
  let item = await store.consultations.byIri(inReplyTo);
  if (!item) {
    const parent = await store.replies.byIri(inReplyTo);
    if (parent) item = await store.consultations.byIri(parent.rootIri);
  }
  if (!item || item.deleted) return null;
  const refusal = submissionRefusal(item, now);
  if (refusal === "closed") return { refused: `Consultation ${item.iri} closed on ${item.closes}; submissions are no longer accepted` };
  if (refusal === "notOpenYet") return { refused: `Consultation ${item.iri} opens on ${item.opens}; submissions are not accepted yet` };
  return { rootIri: item.iri, local: item.local };
}
