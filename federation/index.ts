import type { DatabaseSync } from "node:sqlite";

import { createFederation, type Context, type Federation, type InboxContext } from "@fedify/fedify";
import { SqliteKvStore, SqliteMessageQueue } from "@fedify/sqlite";
import { Accept, Activity, Announce, Create, Delete, Flag, Follow, Like, Reject, Undo, Update } from "@fedify/vocab";

import { logger } from "../src/logging.ts";
import { registerActors } from "./actors.ts";
import { registerCollections } from "./collections.ts";
import { onCreated, onDeleted, onUpdated } from "./inbox/content.ts";
import { onFollowAccepted, onFollowed, onFollowRejected, onUnfollowed } from "./inbox/following.ts";
import { record, typeName } from "./inbox/journal.ts";
import { onFlagged } from "./inbox/flags.ts";
import { onAnnounced, onLiked, onReactionUndone } from "./inbox/reactions.ts";
import { registerConsultationCollections } from "./consultations.ts";
import { receiveContextless, type ContextlessActivity } from "./contextless.ts";
import { registerLearningObjects } from "./learning.ts";
import { describeDeliveryError, ModeratedOutboxQueue, noteOutboxError } from "./moderated-queue.ts";
import { registerObjects } from "./objects.ts";
import { registerOutbox } from "./outbox.ts";
import { registerResourceObjects } from "./resources.ts";
import { Outbound } from "./outbound.ts";
import type { FederationServices } from "./services.ts";
import { registerThreadContexts } from "./thread-context.ts";

const log = logger("federation", "setup");

type Ctx = InboxContext<FederationServices>;

export interface MingaFederation {
  federation: Federation<FederationServices>;
  outbound: Outbound;
  services: FederationServices;
  /** A Fedify context outside any request, for commands and admin actions. */
  context(): Context<FederationServices>;
  /** Deliveries waiting in the queue, and when the oldest was queued. */
  pendingDeliveries(): { count: number; oldest: string | null };
  /** Runs the delivery queue until the signal aborts. */
  startQueue(signal: AbortSignal): Promise<void>;
  /** Runs the inbox listeners on a verified activity without `@context`; null when the request is not for an inbox. */
  receiveContextless(request: Request, received: ContextlessActivity): Promise<Response | null>;
}

/** Undo is routed by what it undoes. */
async function onUndone(ctx: Ctx, undo: Undo): Promise<void> {
  const fetched = await undo.getObject({ ...ctx, crossOrigin: "ignore" }).catch(() => null);
  // A fragment id such as ".../users/alice#likes/2" dereferences to the actor document, which is not the undone activity.
  const inner = fetched?.id?.href === undo.objectId?.href ? fetched : null;
  if (inner instanceof Follow) return onUnfollowed(ctx, undo, inner);
  if (inner instanceof Like) return onReactionUndone(ctx, undo, "like");
  if (inner instanceof Announce) return onReactionUndone(ctx, undo, "announce");
  if (inner === null && undo.objectId) {
    // A bare id: find the Like or Announce we counted, or the Follow we stored, under it.
    const stored = await ctx.data.store.reactions.byActivity(undo.objectId.href);
    if (stored) return onReactionUndone(ctx, undo, stored.type);
    const target = ctx.data.config.organizationHandle;
    const follower = undo.actorId ? await ctx.data.store.followers.get(target, undo.actorId.href) : null;
    if (follower?.followIri === undo.objectId.href) {
      return onUnfollowed(ctx, undo, new Follow({ id: undo.objectId, actor: undo.actorId, object: ctx.getActorUri(target) }));
    }
  }
  return record(ctx, undo, "ignored", `Undo of ${inner ? typeName(inner) : "an unknown object"} is not handled`);
}

/**
 * The web gate already rejected requests whose signer or named actor is
 * blocked. This check catches the verified actor of activities that arrive
 * by other paths, such as one forwarded with its own LD signature.
 */
async function refusedByModeration(ctx: Ctx, activity: Activity): Promise<boolean> {
  const actor = activity.actorId;
  if (!actor) return false;
  const { moderation } = ctx.data;
  const refusal = await moderation.refusal(actor);
  if (refusal) {
    const reason = refusal.reason === "blocked" ? `${actor.host} is blocked by this instance` : `${actor.host} is not on this instance's allowlist`;
    await record(ctx, activity, "rejected", reason);
    return true;
  }
  if (await moderation.isActorBlocked(actor.href)) {
    await record(ctx, activity, "rejected", "The account is blocked by this instance's moderators");
    return true;
  }
  return false;
}

/**
 * Builds the Fedify federation over the instance's SQLite database: its
 * key-value store and the delivery queues live in the same file, so a
 * restart loses no queued delivery. Inbox activities are handled while the
 * request waits, so the sender learns at once whether it failed.
 */
export function createMingaFederation(database: DatabaseSync, services: FederationServices, version: string): MingaFederation {
  const { config } = services;
  const outboxQueue = new SqliteMessageQueue(database, { tableName: "fedify_outbox", pollInterval: { seconds: 2 } });
  const fanoutQueue = new SqliteMessageQueue(database, { tableName: "fedify_fanout", pollInterval: { seconds: 2 } });
  outboxQueue.initialize();
  fanoutQueue.initialize();
  // A process that died mid-delivery leaves its ordering locks behind; with one process per database they are all stale.
  database.exec("DELETE FROM fedify_outbox_locks; DELETE FROM fedify_fanout_locks;");

  const federation = createFederation<FederationServices>({
    kv: new SqliteKvStore(database),
    queue: {
      outbox: new ModeratedOutboxQueue(outboxQueue, (inbox) => services.moderation.permits(inbox), (inbox, error) =>
        services.store.deliveries.record(new URL(inbox).host, new Date().toISOString(), error ? describeDeliveryError(error) : null)),
      fanout: fanoutQueue,
    },
    onOutboxError: noteOutboxError,
    manuallyStartQueue: true,
    origin: config.origin,
    allowPrivateAddress: config.allowPrivateAddresses,
    circuitBreaker: false,
  });

  registerActors(federation);
  registerObjects(federation);
  registerThreadContexts(federation);
  registerOutbox(federation);
  registerLearningObjects(federation);
  registerResourceObjects(federation);
  registerConsultationCollections(federation);
  registerCollections(federation, version);
  const outbound = new Outbound(federation, services);

  const handlers: [new (...args: never[]) => Activity, (ctx: Ctx, activity: never) => Promise<void>][] = [
    [Follow, onFollowed],
    [Accept, onFollowAccepted],
    [Reject, onFollowRejected],
    [Undo, onUndone],
    [Create, (ctx, create: Create) => onCreated(ctx, create, outbound)],
    [Update, onUpdated],
    [Delete, onDeleted],
    [Like, onLiked],
    [Announce, onAnnounced],
    [Flag, onFlagged],
  ];
  // Fedify runs the listener of an activity's class or of its nearest superclass; dispatch() does the same for the activities it is given directly.
  const byType = new Map<unknown, (ctx: Ctx, activity: Activity) => Promise<void>>();
  for (const [type, handler] of handlers) {
    byType.set(type, async (ctx: Ctx, activity: Activity) => {
      if (await refusedByModeration(ctx, activity)) return;
      await (handler as (ctx: Ctx, activity: Activity) => Promise<void>)(ctx, activity);
    });
  }
  // Fedify drops unhandled types silently; this fallback records why nothing happened.
  byType.set(Activity, (ctx: Ctx, activity: Activity) => record(ctx, activity, "ignored", `${typeName(activity)} activities are not supported`));
  const listeners = federation.setInboxListeners("/actors/{identifier}/inbox", "/inbox");
  for (const [type, listener] of byType) listeners.on(type as typeof Activity, listener);
  listeners.onError((ctx, error) => log.error("Inbox listener failed: {error}", { error }));
  const dispatch = async (ctx: Ctx, activity: Activity): Promise<void> => {
    for (let type = activity.constructor; type && type !== Object; type = Object.getPrototypeOf(type)) {
      const listener = byType.get(type);
      if (listener) return listener(ctx, activity);
    }
  };

  return {
    federation,
    outbound,
    services,
    context: () => federation.createContext(new URL(config.origin), services),
    startQueue: (signal) => federation.startQueue(services, { signal }),
    receiveContextless: (request, received) => receiveContextless(federation.createContext(request, services), request, received, dispatch),
    pendingDeliveries: () => {
      // TODO: read the MongoDB queue's depth too, once an instance can run on MongoDB (see src/instance.ts).
      const row = database.prepare("SELECT COUNT(*) AS count, MIN(created) AS oldest FROM fedify_outbox").get() as { count: number; oldest: number | null };
      return { count: row.count, oldest: row.oldest === null ? null : new Date(row.oldest).toISOString() };
    },
  };
}
