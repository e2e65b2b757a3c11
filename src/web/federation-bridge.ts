import type { Federation } from "@fedify/fedify";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";

import { logger } from "../logging.ts";
import type { ContextlessActivity } from "../../federation/contextless.ts";
import { checkInboxRequest } from "./inbox-guard.ts";

const log = logger("web", "federation");

/** Largest inbox body accepted, in bytes; Mastodon refuses bodies over 1 MB too. */
export const MAX_INBOX_BODY_BYTES = 1_048_576;

/**
 * Bytes of an oversized body read and discarded before the 413 is sent.
 * Closing the connection with unread data makes the kernel reset it, and
 * the client then often loses the 413. Bodies larger still are cut off.
 */
const MAX_DISCARDED_BODY_BYTES = 16 * MAX_INBOX_BODY_BYTES;

class BodyTooLargeError extends Error {}

async function readBody(request: ExpressRequest, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit + MAX_DISCARDED_BODY_BYTES) break;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  if (size > limit) throw new BodyTooLargeError(`Request body exceeds ${limit} bytes`);
  return Buffer.concat(chunks);
}

/** Converts an Express request, with its body already read, into a fetch Request for Fedify and the gate. */
export function toFetchRequest(request: ExpressRequest, body?: Buffer): Request {
  const headers = new Headers();
  for (const [key, value] of Object.entries(request.headers)) {
    for (const item of [value].flat()) if (typeof item === "string") headers.append(key, item);
  }
  const url = `${request.protocol}://${request.get("Host") ?? request.hostname}${request.originalUrl}`;
  return new Request(url, { method: request.method, headers, body: body ? new Uint8Array(body) : undefined });
}

/** Copies a fetch Response (status, headers, body) to Express. */
export async function sendFetchResponse(response: ExpressResponse, source: Response): Promise<void> {
  response.status(source.status);
  source.headers.forEach((value, key) => response.setHeader(key, value));
  response.end(Buffer.from(await source.arrayBuffer()));
}

/**
 * Looks at a federation request before Fedify does, with its body already
 * read: returns a response to refuse it (a blocked server, a missing
 * signature, too many requests), or null to let Fedify handle it.
 */
export type FederationGate = (request: Request, body: Buffer | undefined, address: string) => Promise<Response | null>;

/** Runs the inbox listeners on an activity without `@context`; returns null when the request is not for an inbox. */
export type ContextlessReceiver = (request: Request, received: ContextlessActivity) => Promise<Response | null>;

/**
 * Hands a request to Fedify and copies its response back to Express. Unlike
 * @fedify/express 1.10, which neither returns nor catches its promise, it
 * turns every failure into a response: malformed activities that Fedify
 * rejects with a TypeError get 400, and anything else goes to the error
 * handler as a 500. Inbox posts pass the moderation gate, then
 * checkInboxRequest verifies their signature, and only then reach Fedify.
 * A verified activity without `@context`, which Fedify would reject, goes
 * to `receiveContextless` instead.
 */
export function federationMiddleware<T>(federation: Federation<T>, contextData: () => T, gate?: FederationGate, receiveContextless?: ContextlessReceiver) {
  return async (request: ExpressRequest, response: ExpressResponse, next: NextFunction) => {
    let body: Buffer | undefined;
    if (request.method !== "GET" && request.method !== "HEAD") {
      try {
        body = await readBody(request, MAX_INBOX_BODY_BYTES);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) return next(error);
        log.info("Rejected an inbox body over {limit} bytes", { limit: MAX_INBOX_BODY_BYTES, path: request.path });
        return void response.status(413).type("text/plain").send(`Request body too large: the limit is ${MAX_INBOX_BODY_BYTES} bytes.`);
      }
    }
    const fetchRequest = toFetchRequest(request, body);
    const refusal = gate ? await gate(fetchRequest.clone(), body, request.ip ?? "unknown") : null;
    if (refusal) return sendFetchResponse(response, refusal);
    if (body) {
      const verdict = await checkInboxRequest(fetchRequest, body, federation.createContext(new URL(fetchRequest.url), contextData()));
      if (verdict instanceof Response) return void response.status(verdict.status).type("text/plain").send(await verdict.text());
      const received = verdict && receiveContextless ? await receiveContextless(fetchRequest, verdict) : null;
      if (received) return sendFetchResponse(response, received);
    }

    let passed = false;
    let fedifyResponse: Response;
    try {
      fedifyResponse = await federation.fetch(fetchRequest, {
        contextData: contextData(),
        onNotFound: () => {
          passed = true;
          return new Response(null, { status: 404 });
        },
        onNotAcceptable: () => {
          passed = true;
          return new Response(null, { status: 406 });
        },
      });
    } catch (error) {
      if (error instanceof TypeError && request.method === "POST") {
        log.debug("Rejected a malformed activity: {error}", { error, path: request.path });
        return void response.status(400).type("text/plain").send(`Invalid activity: ${error.message}`);
      }
      return next(error);
    }
    if (passed) return next();
    await sendFetchResponse(response, fedifyResponse);
  };
}
