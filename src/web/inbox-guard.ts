import { verifyRequest, type Context } from "@fedify/fedify";
import { Activity } from "@fedify/vocab";
import type { DocumentLoader } from "@fedify/vocab-runtime";

import { withActivityStreamsContext } from "../../federation/context.ts";
import type { ContextlessActivity } from "../../federation/contextless.ts";

import { logger } from "../logging.ts";

const log = logger("web", "inbox-guard");

/**
 * Deepest nesting of arrays and objects accepted in an inbox body. The 119
 * fediverse payloads the corpus test replays nest at most 7 levels. Through
 * the inbox on Node 24, JSON-LD expansion in jsonld 9 overflowed the stack
 * at 657 levels of nested objects, which Fedify 2.3.6 turned into a 500.
 */
export const MAX_INBOX_JSON_DEPTH = 100;

/**
 * How long one key or JSON-LD context may take to load while an inbox
 * request waits, in milliseconds. Without it, a key server that never
 * responds holds the request open until the 300 s default headers timeout
 * of Node 24's fetch.
 */
export const INBOX_FETCH_TIMEOUT_MS = 10_000;

/** Returns the deepest nesting of arrays and objects in a JSON text, without parsing it. */
export function jsonDepth(body: Uint8Array): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < body.length; index++) {
    const byte = body[index];
    if (inString) {
      // UTF-8 continuation bytes are 0x80 or above, so they never look like a quote or a backslash.
      if (byte === 0x5c) index++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return deepest;
}

function withTimeout(loader: DocumentLoader): DocumentLoader {
  return (url, options) => {
    const timeout = AbortSignal.timeout(INBOX_FETCH_TIMEOUT_MS);
    return loader(url, { ...options, signal: options?.signal ? AbortSignal.any([options.signal, timeout]) : timeout });
  };
}

function rejection(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * Checks an inbox POST before Fedify handles it, and returns the response
 * that rejects it, the activity when its body has no `@context`, or null
 * to let Fedify go on. The HTTP signature must verify and its key must be
 * on the server of every actor the activity names. Fedify 2.3.6 trusts the
 * `owner` a key document claims, so without this a key served by one server
 * could sign as an actor of another. The order also keeps unsigned and
 * forged requests from making the instance fetch the JSON-LD contexts they
 * name, since Fedify parses the body before it checks the signature.
 */
export async function checkInboxRequest(request: Request, body: Uint8Array, ctx: Context<unknown>): Promise<Response | ContextlessActivity | null> {
  const depth = jsonDepth(body);
  if (depth > MAX_INBOX_JSON_DEPTH) {
    return rejection(400, `Invalid activity: JSON nested ${depth} levels deep; the limit is ${MAX_INBOX_JSON_DEPTH}.`);
  }

  const documentLoader = withTimeout(ctx.documentLoader);
  const contextLoader = withTimeout(ctx.contextLoader);
  let key;
  try {
    key = await verifyRequest(request.clone(), { documentLoader, contextLoader });
  } catch (error) {
    // Fedify 2.3.6 throws a RangeError on a Date header that does not parse, instead of failing the verification.
    log.debug("Failed to verify an inbox signature: {error}", { error, url: request.url });
    key = null;
  }
  if (!key?.id) return rejection(401, "Failed to verify the request signature: it is missing, invalid, expired, or its key could not be fetched.");

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch (error) {
    log.debug("Rejected a signed inbox body that is not JSON: {error}", { error, keyId: key.id.href });
    return rejection(400, "Invalid JSON.");
  }
  // Fedify parses the body without its Linked Data signature, so this does too, to see the same actors.
  if (json !== null && typeof json === "object" && !Array.isArray(json)) {
    const { signature: _signature, ...unsigned } = json as Record<string, unknown>;
    json = unsigned;
  }
  // The context added here changes only how the signed bytes are read; coversBodyDigest below checks that the signature covers them.
  const contextless = json !== null && typeof json === "object" && !Array.isArray(json) && !("@context" in json);
  let activity: Activity;
  try {
    activity = await Activity.fromJsonLd(withActivityStreamsContext(json), { documentLoader, contextLoader });
  } catch (error) {
    log.debug("Failed to read a signed inbox activity: {error}", { error, keyId: key.id.href });
    return rejection(400, `Invalid activity: ${(error as Error).message}`);
  }
  const keyOrigin = key.id.origin;
  const stranger = activity.actorIds.find((actorId) => actorId.origin !== keyOrigin);
  if (stranger) {
    log.info("Rejected an activity of {actor} signed with {keyId}, a key on another server", { actor: stranger.href, keyId: key.id.href });
    return rejection(401, `The signer and the actor do not match: the key ${key.id.href} is not on the server of ${stranger.href}.`);
  }
  // Every activity, not only those without @context: otherwise anyone who saw a signed request could replay its signature on another body.
  if (!coversBodyDigest(request)) {
    log.info("Rejected an activity whose signature does not cover its body, signed with {keyId}", { keyId: key.id.href });
    return rejection(401, "The signature must cover a digest of the body (Digest, or Content-Digest among the signed components).");
  }
  if (!contextless) return null;
  return { json: json as Record<string, unknown>, activity, key };
}

/**
 * True when the verified signature also covers the body. Fedify 2.3.6
 * requires a signed Digest for draft-cavage signatures on a body, but
 * accepts RFC 9421 signatures that do not cover Content-Digest.
 */
function coversBodyDigest(request: Request): boolean {
  const input = request.headers.get("Signature-Input");
  if (input === null) return request.headers.has("Digest");
  return input.split(/,(?=\s*[A-Za-z0-9_-]+=\()/).every((member) => /"content-digest"/i.test(member));
}
