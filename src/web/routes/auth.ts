import type { Router } from "express";

import { authenticate, changePassword, isRegistrationOpen } from "../../domain/accounts.ts";
import type { Account } from "../../storage/types.ts";
import { logger } from "../../logging.ts";
import { PasswordPage, SignInPage } from "../../../views/pages/simple.ts";
import { html } from "../../../views/html.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { SignInThrottle } from "../sign-in-throttle.ts";
import { SESSION_COOKIE, setCookie, signInAs } from "../session.ts";

const log = logger("web", "auth");

/** Only same-site paths are followed after sign-in, so the form cannot send people elsewhere. */
export function safeNext(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || /[\\\s\x00-\x1f]/.test(value)) return "/";
  const base = "http://minga.invalid";
  const resolved = new URL(value, base);
  return resolved.origin === base ? `${resolved.pathname}${resolved.search}${resolved.hash}` : "/";
}

export function registerAuthRoutes(router: Router, services: WebServices, throttle = new SignInThrottle()): void {
  router.get("/sign-in", async (request, response) => {
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${SignInPage} context=${context} username="" error=${null} next=${safeNext(request.query.next)} signUpOpen=${await isRegistrationOpen(services.store)} />`);
  });

  router.post("/sign-in", async (request, response) => {
    const username = String(request.body.username ?? "");
    const password = String(request.body.password ?? "");
    const next = safeNext(request.body.next);
    const address = request.ip ?? "unknown";
    const lockedFor = throttle.lockedFor(username, address);
    if (lockedFor > 0) {
      log.info("Refused sign-in for {username} while locked", { username, address, seconds: lockedFor });
      const context = await pageContext(services, request, response);
      response.setHeader("Retry-After", String(lockedFor));
      const error = context.t("errors:signInLocked", { count: Math.ceil(lockedFor / 60) });
      return sendPage(response, html`<${SignInPage} context=${context} username=${username} error=${null} message=${error} next=${next} />`, 429);
    }
    const account = username && password ? await authenticate(services.store, username, password) : null;
    if (!account) {
      const { delayMs, locked } = throttle.recordFailure(username, address);
      if (locked) log.warning("Too many failed sign-ins for {username} from {address}; refusing for a while", { username, address });
      else log.info("Failed sign-in for {username}", { username, address });
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const context = await pageContext(services, request, response);
      const error = !username || !password ? "signInMissing" : "signInFailed";
      return sendPage(response, html`<${SignInPage} context=${context} username=${username} error=${error} next=${next} />`, 401);
    }
    throttle.recordSuccess(username);
    await signInAs(services.store, response, account, services.config.origin.startsWith("https:"));
    log.info("Signed in {username}", { username: account.username });
    response.redirect(303, next);
  });

  router.get("/account/password", async (request, response) => {
    if (!response.locals.account) return response.redirect(303, "/sign-in?next=/account/password");
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${PasswordPage} context=${context} errors=${{}} />`);
  });

  router.post("/account/password", async (request, response) => {
    const account = response.locals.account as Account | null;
    if (!account) return response.redirect(303, "/sign-in?next=/account/password");
    const errors = await changePassword(services.store, account, {
      current: String(request.body.current ?? ""),
      next: String(request.body.next ?? ""),
      confirmation: String(request.body.confirmation ?? ""),
    });
    if (Object.keys(errors).length > 0) {
      const context = await pageContext(services, request, response);
      return sendPage(response, html`<${PasswordPage} context=${context} errors=${errors} />`, 422);
    }
    log.info("Password changed for {username}", { username: account.username });
    response.redirect(303, "/?notice=passwordChanged");
  });

  router.post("/sign-out", async (request, response) => {
    if (response.locals.sessionId) await services.store.sessions.remove(response.locals.sessionId);
    setCookie(response, SESSION_COOKIE, "", services.config.origin.startsWith("https:"), 0);
    response.redirect(303, "/");
  });
}
