import crypto from "node:crypto";

import type { NextFunction, Request, Response } from "express";

import { logger } from "../logging.ts";
import { loggablePath } from "./loggable-path.ts";
import { readCookie, setCookie } from "./session.ts";

const log = logger("web", "csrf");

export const CSRF_COOKIE = "minga_csrf";
export const CSRF_FIELD = "_csrf";

function tokensMatch(expected: string, given: unknown): boolean {
  if (typeof given !== "string") return false;
  const expectedBytes = Buffer.from(expected);
  const givenBytes = Buffer.from(given);
  // timingSafeEqual throws on buffers of different length, which characters outside ASCII can cause.
  return givenBytes.length === expectedBytes.length && crypto.timingSafeEqual(expectedBytes, givenBytes);
}

/**
 * Double-submit CSRF protection: each browser gets a random token in an
 * HttpOnly, SameSite=Lax cookie, every form carries it in a hidden field, and
 * a form post whose field differs from the cookie is rejected with 403.
 * Federation requests never reach this middleware; they are signed instead.
 */
export function csrfProtection(
  secureCookies: boolean,
  rejected: (request: Request, response: Response) => Promise<void>,
  /** Multipart posts this returns true for are checked by the upload parser, which reads the same field before any file. */
  checkedAfterParsing: (request: Request) => boolean = () => false,
) {
  return async (request: Request, response: Response, next: NextFunction) => {
    let token = readCookie(request, CSRF_COOKIE);
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
      token = crypto.randomBytes(32).toString("base64url");
      setCookie(response, CSRF_COOKIE, token, secureCookies, 365 * 86_400);
      // A request that arrives without the cookie cannot carry a matching field.
      if (request.method === "POST") return reject();
    }
    response.locals.csrfToken = token;
    if (request.method !== "POST" || tokensMatch(token, request.body?.[CSRF_FIELD]) || checkedAfterParsing(request)) return next();
    return reject();

    async function reject() {
      log.info("Rejected a form post without a valid CSRF token", { path: loggablePath(request.path), address: request.ip });
      response.locals.csrfToken = token;
      try {
        await rejected(request, response);
      } catch (error) {
        next(error);
      }
    }
  };
}
