import { doesActorOwnKey, type Context, type InboxContext, type RequestContext } from "@fedify/fedify";
import { getTypeId, type Activity, type CryptographicKey } from "@fedify/vocab";

import { logger } from "../src/logging.ts";
import type { FederationServices } from "./services.ts";

const log = logger("federation", "contextless");

/**
 * A signed inbox activity whose body has no `@context`, as Gancio sends its
 * Create(Event). JSON-LD gives such a body no meaning, so Fedify 2.3.6
 * rejects it with 400 before its listeners run. The web layer has verified
 * the HTTP signature, checked that it covers the digest of the body as
 * received, and checked that every actor is on the key's server. `activity`
 * is read from a copy with the ActivityStreams context added.
 */
export interface ContextlessActivity {
  /** The body as received, without its Linked Data signature. */
  json: Record<string, unknown>;
  activity: Activity;
  /** The key that signed the request. */
  key: CryptographicKey;
}

/** Runs the inbox listener for an activity's type, as Fedify does (built in createMingaFederation). */
export type InboxDispatcher = (ctx: InboxContext<FederationServices>, activity: Activity) => Promise<void>;

/** ContextImpl.toInboxContext of Fedify 2.3.6: not in its public types, but what its own inbox uses to build a listener's context. */
interface InboxContextFactory {
  toInboxContext?(recipient: string | null, activity: unknown, activityId: string | undefined, activityType: string): InboxContext<FederationServices>;
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** Returns the inbox owner a path names: null for the shared inbox, undefined when the path is no inbox. */
function inboxRecipient(pathname: string): string | null | undefined {
  if (pathname === "/inbox") return null;
  const match = /^\/actors\/([^/]+)\/inbox$/.exec(pathname);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/**
 * Hands a verified activity without `@context` to the same listeners as
 * Fedify's inbox. Like Fedify, it returns 404 for an unknown recipient and
 * 401 unless the signing key belongs to the activity's actor. Returns null
 * when the request is not for an inbox, so Fedify handles it.
 */
export async function receiveContextless(ctx: RequestContext<FederationServices> | Context<FederationServices>, request: Request, received: ContextlessActivity, dispatch: InboxDispatcher): Promise<Response | null> {
  const recipient = inboxRecipient(new URL(request.url).pathname);
  if (recipient === undefined) return null;
  if (recipient !== null && !(await (ctx as RequestContext<FederationServices>).getActor(recipient))) return textResponse(404, `No actor ${recipient} on this instance.`);
  const { activity, key, json } = received;
  if (!activity.actorId) return textResponse(400, "Invalid activity: it has no actor.");
  if (!(await doesActorOwnKey(activity, key, ctx))) {
    log.info("Rejected an activity without @context: {keyId} is not a key of {actor}", { keyId: key.id?.href, actor: activity.actorId.href });
    return textResponse(401, "The signer and the actor do not match.");
  }

  const factory = ctx as unknown as InboxContextFactory;
  if (typeof factory.toInboxContext !== "function") {
    log.error("Cannot handle an activity without @context: this Fedify version has no toInboxContext", { actor: activity.actorId.href });
    return textResponse(400, "Invalid activity: it has no @context.");
  }
  const inboxContext = factory.toInboxContext(recipient, json, activity.id?.href, getTypeId(activity).href);
  // NOTE: Fedify's check for an activity id it has already processed is skipped here, so a redelivery runs the
  // listener again. Every listener tolerates that: imports compare `updated`, and replies and reactions are stored once.
  log.debug("Handling {type} without @context from {actor}", { type: getTypeId(activity).href, actor: activity.actorId.href });
  try {
    await dispatch(inboxContext, activity);
  } catch (error) {
    log.error("Inbox listener failed on an activity without @context: {error}", { error, activity: activity.id?.href });
    return textResponse(500, "Internal server error.");
  }
  return textResponse(202, "Accepted.");
}
