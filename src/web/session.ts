import crypto from "node:crypto";

import type { NextFunction, Request, Response } from "express";

import type { Account, Store } from "../storage/types.ts";

export const SESSION_COOKIE = "minga_session";
const SESSION_DAYS = 14;

/** Reads one cookie from the request's Cookie header. */
export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/** Sets a cookie with the flags every Minga cookie carries; Secure when the instance is served over https. */
export function setCookie(response: Response, name: string, value: string, secure: boolean, maxAgeSeconds: number): void {
  const flags = [`${name}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAgeSeconds}`];
  if (secure) flags.push("Secure");
  response.append("Set-Cookie", flags.join("; "));
}

/** Starts a new session with a fresh random id; the caller sets the cookie. */
export async function startSession(store: Store, account: Account): Promise<string> {
  const id = crypto.randomBytes(32).toString("base64url");
  const now = new Date();
  await store.sessions.create({
    id,
    accountId: account.id,
    created: now.toISOString(),
    expires: new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString(),
  });
  return id;
}

export const SESSION_MAX_AGE_SECONDS = SESSION_DAYS * 86_400;

/**
 * Signs the browser in as an account: ends the session it came with and
 * starts one with a new id, so a session id planted before sign-in is
 * worthless. The cookie is Secure when the instance is served over https.
 */
export async function signInAs(store: Store, response: Response, account: Account, secure: boolean): Promise<void> {
  if (response.locals.sessionId) await store.sessions.remove(response.locals.sessionId);
  const sessionId = await startSession(store, account);
  setCookie(response, SESSION_COOKIE, sessionId, secure, SESSION_MAX_AGE_SECONDS);
}

/** Loads the signed-in account, if any, into response.locals.account. */
export function sessionMiddleware(store: Store) {
  return async (request: Request, response: Response, next: NextFunction) => {
    try {
      const id = readCookie(request, SESSION_COOKIE);
      response.locals.account = null;
      if (id) {
        const session = await store.sessions.get(id);
        if (session && session.expires > new Date().toISOString()) {
          response.locals.account = await store.accounts.byId(session.accountId);
          response.locals.sessionId = id;
        }
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}
