import { verifyRequest } from "@fedify/fedify";

import type { Moderation } from "../domain/moderation.ts";
import { logger } from "../logging.ts";
import type { Store } from "../storage/types.ts";
import type { MingaFederation } from "../../federation/index.ts";
import type { FederationGate } from "./federation-bridge.ts";
import { RateLimiter } from "./rate-limit.ts";

const log = logger("web", "federation-gate");

/** Reads the key id a request claims to be signed with, from a draft-cavage `Signature` or an RFC 9421 `Signature-Input` header, without verifying it. */
export function claimedKeyId(headers: Headers): string | null {
  const cavage = /(?:^|,)\s*keyId="([^"]+)"/i.exec(headers.get("signature") ?? "");
  if (cavage) return cavage[1];
  const rfc9421 = /;\s*keyid="([^"]+)"/i.exec(headers.get("signature-input") ?? "");
  return rfc9421 ? rfc9421[1] : null;
}

/** Reads the `actor` and `type` an activity body names, when it parses as JSON, without verifying them. */
function claimedActivity(body: Buffer | undefined): { actor: string | null; type: string } {
  if (!body) return { actor: null, type: "unknown" };
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { actor?: unknown; type?: unknown };
    const actor = typeof parsed.actor === "string" ? parsed.actor : typeof (parsed.actor as { id?: unknown })?.id === "string" ? (parsed.actor as { id: string }).id : null;
    return { actor, type: typeof parsed.type === "string" ? parsed.type.slice(0, 100) : "unknown" };
  } catch {
    return { actor: null, type: "unknown" };
  }
}

function hostOf(value: string | null): string | null {
  if (!value) return null;
  try {
    return new URL(value).host;
  } catch {
    return null;
  }
}

/** Discovery and actor documents stay readable by anyone, or no server could verify our signatures or find our actors. */
function isPublicDocument(pathName: string): boolean {
  return pathName.startsWith("/.well-known/") || pathName.startsWith("/nodeinfo/") || pathName === "/actor" || /^\/actors\/[^/]+$/.test(pathName);
}

function refuse(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
}

/**
 * Applies moderation and the inbox rate limit to federation requests before
 * Fedify spends any work on them, so nothing from a blocked server is even
 * fetched. Inbox posts whose signing key or actor belongs to a blocked
 * domain, or to one off the allowlist, get 403; so do blocked accounts.
 * In allowlist mode, reads of our objects and collections must carry a
 * signature from an allowed server, checked with Fedify's verifier.
 */
export function createFederationGate(services: { store: Store; moderation: Moderation; federation: MingaFederation; inboxRateLimit: number }): FederationGate {
  const { store, moderation, federation } = services;
  const inboxLimiter = new RateLimiter(services.inboxRateLimit);

  async function journal(type: string, actor: string | null, reason: string): Promise<void> {
    await store.inboundLog.add({ received: new Date().toISOString(), activityIri: null, type, actorIri: actor, outcome: "rejected", reason });
  }

  async function inbox(request: Request, body: Buffer | undefined, address: string): Promise<Response | null> {
    const keyId = claimedKeyId(request.headers);
    const { actor, type } = claimedActivity(body);
    const sender = hostOf(keyId) ?? hostOf(actor) ?? `address ${address}`;
    const wait = inboxLimiter.take(sender);
    if (wait > 0) {
      log.warning("Inbox rate limit reached for {sender}; refusing for {seconds} s", { sender, seconds: wait, limit: inboxLimiter.perMinute });
      await journal(type, actor, `Rate limit: more than ${inboxLimiter.perMinute} inbox requests a minute from ${sender}`);
      return refuse(429, `Too many requests from ${sender}: the limit is ${inboxLimiter.perMinute} a minute. Retry after ${wait} seconds.`, { "Retry-After": String(wait) });
    }
    for (const claimed of [keyId, actor]) {
      // A claim that is not a URL names no server; the signature check refuses it next.
      const host = hostOf(claimed);
      if (!claimed || !host) continue;
      const refusal = await moderation.refusal(claimed);
      if (!refusal) continue;
      const reason = refusal.reason === "blocked" ? `${host} is blocked by this instance` : `${host} is not on this instance's allowlist`;
      log.info("Refused an inbox {type} from {host}: {reason}", { type, host, reason, actor });
      await journal(type, actor, reason);
      return refuse(403, `Activity refused: ${reason}.`);
    }
    if (actor && (await moderation.isActorBlocked(actor))) {
      log.info("Refused an inbox {type} from blocked account {actor}", { type, actor });
      await journal(type, actor, "The account is blocked by this instance's moderators");
      return refuse(403, "Activity refused: the account is blocked by this instance's moderators.");
    }
    return null;
  }

  async function read(request: Request, pathName: string): Promise<Response | null> {
    const keyId = claimedKeyId(request.headers);
    if (keyId && hostOf(keyId)) {
      const refusal = await moderation.refusal(keyId);
      // A signed read from a blocked server is refused even in open mode; in allowlist mode this also catches servers off the list.
      if (refusal?.reason === "blocked" || (refusal && !isPublicDocument(pathName))) {
        log.info("Refused a signed read of {path} by {keyId}: {reason}", { path: pathName, keyId, reason: refusal.reason });
        return refuse(403, `Access refused: ${hostOf(keyId) ?? keyId} may not read this instance's content.`);
      }
    }
    if ((await moderation.mode()) !== "allowlist" || isPublicDocument(pathName)) return null;
    if (!keyId) return refuse(401, "Signature required: this instance shares its content only with the servers on its allowlist.");
    const ctx = federation.context();
    const key = await verifyRequest(request, { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader }).catch((error) => {
      log.debug("Could not verify a signed read of {path}: {error}", { path: pathName, error });
      return null;
    });
    if (!key?.id) return refuse(401, "Signature invalid: this instance shares its content only with the servers on its allowlist.");
    if (!(await moderation.permits(key.id))) return refuse(403, `Access refused: ${key.id.host} is not on this instance's allowlist.`);
    return null;
  }

  return async (request, body, address) => {
    const pathName = new URL(request.url).pathname;
    if (request.method === "POST") return inbox(request, body, address);
    return read(request, pathName);
  };
}
