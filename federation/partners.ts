import type { Context } from "@fedify/fedify";
import { Article, Audio, Create, Event, Follow, isActor, Page, Undo, Video, Object as ASObject, type Actor } from "@fedify/vocab";
import { validatePublicUrl } from "@fedify/vocab-runtime";

import type { Practice } from "../src/domain/practice.ts";
import { slugify } from "../src/domain/practice.ts";
import { logger } from "../src/logging.ts";
import type { Following } from "../src/storage/types.ts";
import { rememberActor } from "./actors-cache.ts";
import { importPartnerConsultation } from "./consultations.ts";
import { sameOrigin, typeName } from "./inbox/journal.ts";
import { importPartnerEvent } from "./learning.ts";
import { importPartnerResource } from "./resources.ts";
import { articleToPracticeFields, compactArticle } from "./mapping.ts";
import { INSTANCE_ACTOR, type FederationServices } from "./services.ts";

const log = logger("federation", "partners");

/** How many outbox items a backfill reads at most, so one partner cannot flood the library. */
export const BACKFILL_LIMIT = 200;

import { normalizeDomain } from "../src/domain/moderation.ts";

type Ctx = Context<FederationServices>;

/** Failure to follow or unfollow a partner; `code` names the reason, for translated messages. */
export class PartnerError extends Error {
  constructor(
    readonly code: "notHandle" | "lookupFailed" | "notFound" | "noInbox" | "self" | "notFollowing" | "notActor" | "blocked" | "notAllowed",
    message: string,
  ) {
    super(message);
  }
}

/** Resolves "@handle@host" (or an actor URL) to an actor, fetching as our instance actor. */
export async function lookupActor(ctx: Ctx, handle: string): Promise<Actor> {
  const query = handle.trim();
  if (!/^@?[^@\s]+@[^@\s]+$/.test(query) && !/^https?:\/\//.test(query)) {
    throw new PartnerError("notHandle", `"${handle}" is not a fediverse handle; write it as @name@host`);
  }
  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  let found;
  try {
    found = await ctx.lookupObject(query.startsWith("http") ? query : query.replace(/^@?/, "@"), { documentLoader });
    if (!found && !query.startsWith("http") && ctx.data.config.allowPrivateAddresses) {
      const actorUrl = await plainHttpWebFinger(query);
      if (actorUrl) found = await ctx.lookupObject(actorUrl, { documentLoader });
    }
  } catch (error) {
    throw new PartnerError("lookupFailed", `Could not look up ${handle}: ${(error as Error).message}`);
  }
  if (!found || !isActor(found) || !found.id) throw new PartnerError("notFound", `No actor found for ${handle}`);
  return found;
}

/**
 * Resolves a handle with WebFinger over plain http. Fedify always uses
 * https for acct: handles, which local multi-instance setups on loopback
 * do not serve, so this runs only when ALLOW_PRIVATE_ADDRESSES is on.
 */
async function plainHttpWebFinger(handle: string): Promise<string | null> {
  const [, user, host] = handle.match(/^@?([^@\s]+)@([^@\s]+)$/) ?? [];
  if (!user || !host) return null;
  const url = `http://${host}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${user}@${host}`)}`;
  const response = await fetch(url, { headers: { Accept: "application/jrd+json" }, redirect: "error", signal: AbortSignal.timeout(10_000) });
  if (!response.ok) return null;
  const document = (await response.json()) as { links?: { rel?: string; type?: string; href?: string }[] };
  const self = document.links?.find((link) => link.rel === "self" && link.href && /activity\+json|ld\+json/.test(link.type ?? ""));
  return self?.href ?? null;
}

/** Sends Follow from our organization to a partner and records it as pending until Accept arrives. */
export async function followPartner(ctx: Ctx, handle: string): Promise<Following> {
  const { store, config } = ctx.data;
  // Refuse before looking anything up, so a blocked server is not even asked.
  const domain = normalizeDomain(handle);
  const early = domain ? await ctx.data.moderation.refusal(`https://${domain}/`) : null;
  if (early) throw new PartnerError(early.reason === "blocked" ? "blocked" : "notAllowed", `${domain} is ${early.reason === "blocked" ? "blocked" : "not on the allowlist"}`);
  const actor = await lookupActor(ctx, handle);
  if (!actor.inboxId) throw new PartnerError("noInbox", `${handle} has no inbox`);
  if (!config.allowPrivateAddresses) {
    await validatePublicUrl(actor.inboxId.href).catch(() => {
      throw new PartnerError("noInbox", `${handle} has an inbox at a private address: ${actor.inboxId!.href}`);
    });
  }
  if (sameOrigin(actor.id, config.origin)) throw new PartnerError("self", "An instance cannot follow itself");
  const refusal = await ctx.data.moderation.refusal(actor.id!);
  if (refusal) throw new PartnerError(refusal.reason === "blocked" ? "blocked" : "notAllowed", `${actor.id!.host} is ${refusal.reason === "blocked" ? "blocked" : "not on the allowlist"}`);
  const remote = await rememberActor(store, actor, config.allowPrivateAddresses, ctx.data.media);
  const followId = new URL(`${ctx.getActorUri(config.organizationHandle).href}#follows/${crypto.randomUUID()}`);
  const following: Following = {
    actorIri: actor.id!.href,
    handle: remote?.handle ?? handle,
    name: remote?.name ?? null,
    inbox: actor.inboxId.href,
    followIri: followId.href,
    status: "pending",
    created: new Date().toISOString(),
  };
  await store.following.save(following);
  await ctx.sendActivity(
    { identifier: config.organizationHandle },
    actor,
    new Follow({ id: followId, actor: ctx.getActorUri(config.organizationHandle), object: actor.id }),
  );
  log.info("Sent Follow to {actor}", { actor: following.actorIri, handle: following.handle });
  return following;
}

/** Sends Undo(Follow) and removes the partner's copies from the library. */
export async function unfollowPartner(ctx: Ctx, handleOrIri: string): Promise<{ removedCopies: number }> {
  const { store, config } = ctx.data;
  const all = await store.following.list();
  const normalized = handleOrIri.trim().replace(/^@?/, "@").toLowerCase();
  const following = all.find((entry) => entry.actorIri === handleOrIri || entry.handle.toLowerCase() === normalized);
  if (!following) throw new PartnerError("notFollowing", `This instance does not follow ${handleOrIri}`);
  const groupUri = ctx.getActorUri(config.organizationHandle);
  await ctx.sendActivity(
    { identifier: config.organizationHandle },
    { id: new URL(following.actorIri), inboxId: new URL(following.inbox) },
    new Undo({
      id: new URL(`${following.followIri}/undo`),
      actor: groupUri,
      object: new Follow({ id: new URL(following.followIri), actor: groupUri, object: new URL(following.actorIri) }),
    }),
  );
  await store.following.remove(following.actorIri);
  const removedCopies = (await store.practices.deleteFromSource(following.actorIri)) + (await store.learning.deleteFromSource(following.actorIri)) +
    (await store.resources.deleteFromSource(following.actorIri)) +
    (await store.consultations.deleteFromSource(following.actorIri));
  log.info("Unfollowed {actor}; removed {count} copies", { actor: following.actorIri, count: removedCopies });
  return { removedCopies };
}

/** Outcome of importing one partner Article, for the inbox journal. */
export type ImportResult = { ok: true; practice: Practice; created: boolean } | { ok: false; reason: string };

/**
 * Fetches a partner's Article from its origin and stores it as a library
 * copy. The embedded copy in an activity is never trusted: the origin's
 * own document is authoritative, and must be attributed to the partner.
 */
export async function importPartnerArticle(ctx: Ctx, iri: string, sourceActor: string): Promise<ImportResult> {
  const { store, config } = ctx.data;
  if (!sameOrigin(iri, sourceActor)) return { ok: false, reason: `Article ${iri} is not on the partner's server` };
  const existing = await store.practices.byIri(iri);
  if (existing?.local) return { ok: false, reason: "Article id collides with a local practice" };

  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  let document: Record<string, unknown>;
  try {
    const remote = await documentLoader(iri);
    document = remote.document as Record<string, unknown>;
  } catch (error) {
    return { ok: false, reason: `Could not fetch Article ${iri}: ${(error as Error).message}` };
  }
  let compacted: Record<string, unknown>;
  try {
    // Contexts come through Fedify's context loader, which has the common ones preloaded and caches the rest.
    compacted = await compactArticle(document, (url) => ctx.contextLoader(url));
  } catch (error) {
    return { ok: false, reason: `Article ${iri} is not valid JSON-LD: ${(error as Error).message}` };
  }
  if (compacted.id !== iri) return { ok: false, reason: `Fetched document has id ${String(compacted.id)}, expected ${iri}` };
  if (compacted.type !== "Article") return { ok: false, reason: `Fetched document is a ${String(compacted.type)}, not an Article` };
  const authors = [compacted.attributedTo].flat().map((entry) => (typeof entry === "string" ? entry : (entry as { id?: string })?.id));
  if (!authors.includes(sourceActor)) return { ok: false, reason: `Article ${iri} is not attributed to ${sourceActor}` };

  const parsed = articleToPracticeFields(compacted);
  if (!parsed.ok) return parsed;
  const updated = parsed.updated ?? parsed.published ?? new Date().toISOString();
  // Timestamps from other servers differ in form (fractions, offsets), so they are compared as instants.
  if (existing && Date.parse(existing.updated) >= Date.parse(updated)) return { ok: true, practice: existing, created: false };

  const host = new URL(iri).host.replace(/[^a-z0-9]+/gi, "-");
  const base = `${host}-${slugify(parsed.fields.text[parsed.fields.primaryLanguage]!.title)}`;
  const copy = (slug: string): Practice => ({
    ...parsed.fields,
    iri,
    slug,
    local: false,
    url: parsed.url,
    attributedTo: sourceActor,
    sourceActor,
    authorAccountId: null,
    status: compacted.archived === true || compacted.archived === "true" ? "archived" : "published",
    bodyHtml: parsed.bodyHtml,
    published: parsed.published,
    updated,
    deleted: null,
  });
  let practice: Practice;
  if (existing) {
    practice = copy(existing.slug);
    await store.practices.save(practice);
  } else {
    // Two Articles arriving at once may pick the same free slug; the loser takes the next one.
    let inserted: Practice | null = null;
    for (let attempt = 1; attempt <= 5 && !inserted; attempt++) {
      const candidate = copy(await uniqueRemoteSlug(ctx, base));
      if (await store.practices.insertNew(candidate)) inserted = candidate;
      else if (await store.practices.byIri(iri)) return { ok: true, practice: (await store.practices.byIri(iri))!, created: false };
    }
    if (!inserted) return { ok: false, reason: `No free library slug for ${iri}` };
    practice = inserted;
  }
  log.info("Stored partner practice {iri}", { iri, source: sourceActor, origin: config.origin });
  return { ok: true, practice, created: !existing };
}

async function uniqueRemoteSlug(ctx: Ctx, base: string): Promise<string> {
  let slug = base.slice(0, 100);
  for (let suffix = 2; await ctx.data.store.practices.slugExists(slug); suffix++) slug = `${base.slice(0, 95)}-${suffix}`;
  return slug;
}

/**
 * Imports one object a partner's outbox lists, by its kind: an Article with
 * an end time is a consultation, another Article a practice, an Event a
 * learning opportunity, and a Page, Video or Audio a resource. Each import
 * fetches the object from its origin, as the inbox does.
 */
async function importOutboxObject(ctx: Ctx, object: ASObject, actorIri: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const iri = object.id?.href;
  if (!iri) return { ok: false, reason: "Object has no id" };
  if (object instanceof Article && object.replyTargetId === null && object.endTime !== null) return importPartnerConsultation(ctx, iri, actorIri);
  if (object instanceof Article && object.replyTargetId === null) return importPartnerArticle(ctx, iri, actorIri);
  if (object instanceof Event) return importPartnerEvent(ctx, iri, actorIri);
  if (object instanceof Page || object instanceof Video || object instanceof Audio) return importPartnerResource(ctx, iri, actorIri);
  return { ok: false, reason: `${typeName(object)} objects are not stored by this instance` };
}

/**
 * Reads a partner's outbox once and imports the practices, resources,
 * learning opportunities and consultations it published before we
 * followed, up to BACKFILL_LIMIT items. `afterImport` runs after each
 * imported item, such as reading its replies.
 */
export async function backfillPartner(
  ctx: Ctx,
  actorIri: string,
  afterImport?: (object: ASObject) => Promise<unknown>,
): Promise<{ imported: number; skipped: number }> {
  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  const actor = await ctx.lookupObject(actorIri, { documentLoader });
  if (!actor || !isActor(actor)) throw new PartnerError("notActor", `${actorIri} is not an actor`);
  const outbox = await actor.getOutbox({ documentLoader });
  let imported = 0;
  let skipped = 0;
  let seen = 0;
  if (!outbox) return { imported, skipped };
  for await (const item of ctx.traverseCollection(outbox, { documentLoader, suppressError: true })) {
    if (++seen > BACKFILL_LIMIT) break;
    if (item instanceof Create && !sameOrigin(item.actorId, actorIri)) {
      skipped++;
      log.debug("Skipped outbox item {id}: its actor is on another server", { id: item.id?.href });
      continue;
    }
    let object: ASObject | null = null;
    if (item instanceof Create) {
      // The object is embedded in the page; a bare id is fetched. Only its id and type are read here, since each import fetches it again.
      object = await item.getObject({ documentLoader, contextLoader: ctx.contextLoader, crossOrigin: "ignore" }).catch(() => null);
    } else if (item instanceof ASObject) object = item;
    const result = object ? await importOutboxObject(ctx, object, actorIri) : { ok: false as const, reason: "Create has no readable object" };
    if (result.ok) {
      imported++;
      await afterImport?.(object!).catch((error) => log.debug("After importing {id}: {error}", { id: object?.id?.href, error }));
    }
    else {
      skipped++;
      log.debug("Skipped outbox item {id}: {reason}", { id: object?.id?.href ?? item.id?.href, reason: result.reason });
    }
  }
  log.info("Backfilled {imported} items from {actor}", { imported, skipped, actor: actorIri });
  return { imported, skipped };
}
