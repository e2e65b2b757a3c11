import type { Context, Federation, RequestContext } from "@fedify/fedify";
import { Audio, Create, Delete, Note, Page, Tombstone, Update, Video } from "@fedify/vocab";
import { isPublic } from "../src/domain/workflow.ts";

import { slugify } from "../src/domain/practice.ts";
import type { Resource } from "../src/domain/resource.ts";
import { RESOURCE_PATHS } from "../src/domain/resources.ts";
import { absolute, PATHS } from "../src/domain/urls.ts";
import { logger } from "../src/logging.ts";
import { createOfflineContextLoader, PUBLIC_COLLECTION } from "./context.ts";
import { sameOrigin } from "./inbox/journal.ts";
import { activityTypeOf, objectToResourceFields, RESOURCE_COMPACTION_CONTEXT, resourceToObject } from "./resource-mapping.ts";
import { INSTANCE_ACTOR, type FederationServices } from "./services.ts";
import { toInstant } from "./time.ts";
import jsonld from "jsonld";
import { threadContextUrl } from "./thread-context.ts";

const log = logger("federation", "resources");

type Ctx = RequestContext<FederationServices> | Context<FederationServices>;

/** Builds the Page, Video or Audio of a local resource; parsing our own JSON keeps Minga's fields when Fedify serializes it. */
export async function buildResourceObject(ctx: Ctx, resource: Resource): Promise<Page | Video | Audio> {
  const { config } = ctx.data;
  const json = resourceToObject(resource, {
    origin: config.origin,
    followers: ctx.getFollowersUri(config.organizationHandle).href,
    replies: absolute(config.origin, resourceRepliesPath(resource.slug)),
    context: threadContextUrl(config.origin, "resource", resource.slug),
    themeUrl: (theme) => absolute(config.origin, PATHS.library(theme)),
  });
  const loader = createOfflineContextLoader(config.origin);
  const type = { Page, Video, Audio }[activityTypeOf(resource)];
  return type.fromJsonLd(json, { documentLoader: loader, contextLoader: loader });
}

/** Path of the collection of replies to a local resource. */
export const resourceRepliesPath = (slug: string) => `${RESOURCE_PATHS.resource(slug)}/replies`;

/**
 * Registers one dispatcher for /resources/{slug}. Fedify keys dispatchers
 * by path, so the one registered for Page also returns Video and Audio
 * objects; Fedify 2.3.6 serializes whatever object the dispatcher returns.
 * Each published resource also serves its replies as an ordered collection.
 */
export function registerResourceObjects(federation: Federation<FederationServices>): void {
  federation.setObjectDispatcher(Page, "/resources/{slug}", async (ctx, values) => {
    const resource = await ctx.data.store.resources.bySlug(values.slug);
    if (!resource || !resource.local || !isPublic(resource.status) || resource.deleted) return null;
    return (await buildResourceObject(ctx, resource)) as Page;
  });

  federation
    .setOrderedCollectionDispatcher("resourceReplies", Note, "/resources/{slug}/replies", async (ctx, values) => {
      const { store } = ctx.data;
      const resource = await store.resources.bySlug(values.slug);
      if (!resource || !resource.local || !isPublic(resource.status) || resource.deleted) return null;
      const replies = (await store.replies.listForRoot(resource.iri)).filter((reply) => !reply.deleted && !reply.hidden);
      return { items: replies.map((reply) => new URL(reply.iri)) as unknown as Note[] };
    })
    .setCounter(async (ctx, values) => {
      const resource = await ctx.data.store.resources.bySlug(values.slug);
      return resource ? ctx.data.store.replies.countForRoot(resource.iri) : null;
    });
}

/** Sends Create, Update or Delete(Tombstone) of a local resource to the organization's followers. */
export async function sendResourceActivity(ctx: Context<FederationServices>, kind: "create" | "update" | "delete", resource: Resource): Promise<void> {
  const group = ctx.data.config.organizationHandle;
  const common = { actor: ctx.getActorUri(group), to: new URL(PUBLIC_COLLECTION), cc: ctx.getFollowersUri(group) };
  let activity: Create | Update | Delete;
  if (kind === "delete") {
    const tombstone = new Tombstone({ id: new URL(resource.iri), deleted: toInstant(resource.deleted ?? resource.updated) });
    activity = new Delete({ ...common, id: new URL(`${resource.iri}#delete`), object: tombstone });
  } else if (kind === "update") {
    const object = await buildResourceObject(ctx, resource);
    activity = new Update({ ...common, id: new URL(`${resource.iri}#update-${Date.parse(resource.updated)}`), object, updated: toInstant(resource.updated) });
  } else {
    const object = await buildResourceObject(ctx, resource);
    activity = new Create({ ...common, id: new URL(`${resource.iri}#create`), object, published: toInstant(resource.published ?? resource.updated) });
  }
  await ctx.sendActivity({ identifier: group }, "followers", activity, { preferSharedInbox: true, orderingKey: resource.iri });
  log.info("Queued {kind} for {iri}", { kind, iri: resource.iri });
}

/** Outcome of importing one partner resource, for the inbox journal. */
export type ResourceImportResult = { ok: true; resource: Resource; created: boolean } | { ok: false; reason: string };

/**
 * Fetches a partner's Page, Video or Audio from its origin and stores it as
 * a library copy. The embedded copy in an activity is never trusted: the
 * origin's document must have the same id and be attributed to the partner.
 * Files stay on the partner's server and are linked.
 */
export async function importPartnerResource(ctx: Context<FederationServices>, iri: string, sourceActor: string): Promise<ResourceImportResult> {
  const { store } = ctx.data;
  if (!sameOrigin(iri, sourceActor)) return { ok: false, reason: `Object ${iri} is not on the partner's server` };
  const existing = await store.resources.byIri(iri);
  if (existing?.local) return { ok: false, reason: "Object id collides with a local resource" };

  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  let compacted: Record<string, unknown>;
  try {
    const remote = await documentLoader(iri);
    const options = { documentLoader: ((url: string) => ctx.contextLoader(url)) as never, safe: false };
    compacted = (await jsonld.compact(remote.document as never, RESOURCE_COMPACTION_CONTEXT as never, options)) as Record<string, unknown>;
  } catch (error) {
    return { ok: false, reason: `Could not fetch or read ${iri}: ${(error as Error).message}` };
  }
  if (compacted.id !== iri) return { ok: false, reason: `Fetched document has id ${String(compacted.id)}, expected ${iri}` };
  const authors = [compacted.attributedTo].flat().map((entry) => (typeof entry === "string" ? entry : (entry as { id?: string })?.id));
  if (!authors.includes(sourceActor)) return { ok: false, reason: `Object ${iri} is not attributed to ${sourceActor}` };

  const source = await store.remoteActors.byIri(sourceActor);
  const parsed = objectToResourceFields(compacted, source?.name ?? source?.handle ?? new URL(sourceActor).host);
  if (!parsed.ok) return parsed;
  const updated = parsed.updated ?? parsed.published ?? new Date().toISOString();
  if (existing && Date.parse(existing.updated) >= Date.parse(updated)) return { ok: true, resource: existing, created: false };

  const copy = (slug: string): Resource => ({
    ...parsed.fields,
    iri,
    slug,
    local: false,
    url: parsed.url || iri,
    attributedTo: sourceActor,
    sourceActor,
    authorAccountId: null,
    status: compacted.archived === true || compacted.archived === "true" ? "archived" : "published",
    file: parsed.file,
    captions: parsed.captions,
    descriptionHtml: parsed.descriptionHtml,
    published: parsed.published,
    updated,
    deleted: null,
  });
  if (existing) {
    const resource = copy(existing.slug);
    await store.resources.save(resource);
    log.info("Updated partner resource {iri}", { iri, source: sourceActor });
    return { ok: true, resource, created: false };
  }
  const base = `${new URL(iri).host.replace(/[^a-z0-9]+/gi, "-")}-${slugify(parsed.fields.text[parsed.fields.primaryLanguage]!.title)}`.slice(0, 95);
  // Two objects arriving at once may pick the same free slug; the loser takes the next one.
  for (let attempt = 1; attempt <= 5; attempt++) {
    let slug = base;
    for (let suffix = 2; await store.resources.slugExists(slug); suffix++) slug = `${base}-${suffix}`;
    const candidate = copy(slug);
    if (await store.resources.insertNew(candidate)) {
      log.info("Stored partner resource {iri}", { iri, source: sourceActor });
      return { ok: true, resource: candidate, created: true };
    }
    const raced = await store.resources.byIri(iri);
    if (raced) return { ok: true, resource: raced, created: false };
  }
  return { ok: false, reason: `No free library slug for ${iri}` };
}
