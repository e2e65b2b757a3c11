import fs from "node:fs";
import path from "node:path";

import express, { type NextFunction, type Request, type Response } from "express";

import { logger } from "../logging.ts";
import { MINGA_CONTEXT, MINGA_CONTEXT_PATH } from "../../federation/context.ts";
import { html } from "../../views/html.ts";
import { MessagePage } from "../../views/pages/simple.ts";
import { pageContext, sendPage, type WebServices } from "./context.ts";
import { csrfProtection } from "./csrf.ts";
import { federationMiddleware, sendFetchResponse, toFetchRequest } from "./federation-bridge.ts";
import { createFederationGate } from "./federation-gate.ts";
import { RateLimiter } from "./rate-limit.ts";
import { loggablePath } from "./loggable-path.ts";
import { securityHeaders } from "./security-headers.ts";
import { negotiateLanguage } from "./i18n.ts";
import { registerAccountRoutes } from "./routes/accounts.ts";
import { registerAdminRoutes } from "./routes/admin.ts";
import { registerAuthRoutes } from "./routes/auth.ts";
import { registerEditorRoutes } from "./routes/editor.ts";
import { registerConsultationObjects, registerConsultationRoutes } from "./routes/consultations.ts";
import { registerLearningRoutes, registerLearningTombstones } from "./routes/learning.ts";
import { registerModerationRoutes } from "./routes/moderation.ts";
import { registerOrganizationRoutes } from "./routes/organizations.ts";
import { registerPageRoutes } from "./routes/pages.ts";
import { registerProfileRoutes } from "./routes/profile.ts";
import { registerMediaRoutes } from "./routes/media.ts";
import { registerReviewRoutes } from "./routes/review.ts";
import { registerResourceRoutes, registerResourceTombstones } from "./routes/resources.ts";
import { isUploadRequest } from "./uploads.ts";
import { registerSignUpRoutes } from "./routes/sign-up.ts";
import { readCookie, sessionMiddleware, setCookie } from "./session.ts";

const log = logger("web", "app");
const STYLESHEET = fs.readFileSync(path.resolve(import.meta.dirname, "../../views/minga.css"), "utf8");

/** Largest form body accepted, in bytes. */
const FORM_BODY_LIMIT_KB = 512;
const FORM_BODY_LIMIT = `${FORM_BODY_LIMIT_KB}kb`;

const ACTIVITYPUB_TYPES = ["application/activity+json", "application/ld+json"];

function wantsActivityPub(request: Request): boolean {
  const accept = request.headers.accept ?? "";
  return ACTIVITYPUB_TYPES.some((type) => accept.includes(type));
}

/** Paths Fedify handles: discovery, actors and their collections, inboxes, and ActivityPub reads of items. */
function isFederationRequest(request: Request): boolean {
  const pathName = request.path;
  if (request.method === "POST") return pathName === "/inbox" || /^\/actors\/[^/]+\/inbox$/.test(pathName);
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  return pathName.startsWith("/.well-known/") || pathName.startsWith("/nodeinfo/") || pathName.startsWith("/actors/") || pathName === "/actor" || wantsActivityPub(request);
}

/** A router whose async handlers pass their errors to Express, which version 4 does not do by itself. */
function catchingRouter(): express.Router {
  const router = express.Router();
  for (const method of ["get", "post"] as const) {
    const register = router[method].bind(router) as (path: string, ...handlers: express.RequestHandler[]) => express.Router;
    const wrapped = (path: string, ...handlers: express.RequestHandler[]) =>
      register(path, ...handlers.map((handler) => (request: Request, response: Response, next: NextFunction) => {
        Promise.resolve(handler(request, response, next)).catch(next);
      }));
    (router as unknown as Record<string, unknown>)[method] = wrapped;
  }
  return router;
}

/** Builds the Express application: federation first, so the same URLs serve HTML to browsers and JSON-LD to servers. */
export function createApp(services: WebServices): express.Express {
  const { store, config, federation } = services;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(securityHeaders(config.origin.startsWith("https:")));

  app.get(MINGA_CONTEXT_PATH, (_request, response) => {
    response.type("application/ld+json").set("Cache-Control", "public, max-age=86400").send(JSON.stringify(MINGA_CONTEXT));
  });
  app.get("/static/minga.css", (_request, response) => {
    response.type("text/css").set("Cache-Control", "public, max-age=3600").send(STYLESHEET);
  });

  // Deleted items return 410 with a Tombstone, because Fedify 2.3.6 object dispatchers cannot send 410 themselves.
  app.get("/practices/:slug", async (request, response, next) => {
    try {
      const practice = await store.practices.bySlug(request.params.slug);
      if (!practice?.local || !practice.deleted || !wantsActivityPub(request)) return next();
      response.status(410).type("application/activity+json").send(
        JSON.stringify({
          "@context": "https://www.w3.org/ns/activitystreams",
          id: practice.iri,
          type: "Tombstone",
          formerType: "Article",
          deleted: practice.deleted,
        }),
      );
    } catch (error) {
      next(error);
    }
  });

  registerLearningTombstones(app, services);
  registerResourceTombstones(app, store);
  const gate = createFederationGate({ store, moderation: services.moderation, federation, inboxRateLimit: config.inboxRateLimit });
  // Consultations are served as JSON-LD outside Fedify, so their reads pass the same gate: blocks and the allowlist apply to them too.
  app.get("/consultations/:slug", async (request, response, next) => {
    try {
      if (!wantsActivityPub(request)) return next();
      const refusal = await gate(toFetchRequest(request), undefined, request.ip ?? "unknown");
      if (!refusal) return next();
      await sendFetchResponse(response, refusal);
    } catch (error) {
      next(error);
    }
  });
  registerConsultationObjects(app, services);

  const fedify = federationMiddleware(federation.federation, () => federation.services, gate, (request, received) => federation.receiveContextless(request, received));
  app.use((request, response, next) => {
    if (!isFederationRequest(request)) return next();
    fedify(request, response, next).catch(next);
  });

  app.use(express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: 2000 }));
  app.use(sessionMiddleware(store));
  app.use((request, response, next) => {
    const chosen = typeof request.query.lang === "string" ? request.query.lang : undefined;
    response.locals.language = negotiateLanguage(chosen, readCookie(request, "minga_lang"), request.headers["accept-language"], config.defaultLanguage);
    if (chosen && chosen === response.locals.language) setCookie(response, "minga_lang", chosen, config.origin.startsWith("https:"), 365 * 86_400);
    response.vary("Accept-Language");
    next();
  });
  // Sign-in has its own, stricter throttle on failures; every other form shares this limit.
  const formLimiter = new RateLimiter(config.formRateLimit);
  app.use(async (request, response, next) => {
    if (request.method !== "POST" || request.path === "/sign-in") return next();
    const account = response.locals.account as { id: number } | null;
    const key = account ? `account ${account.id}` : `address ${request.ip ?? "unknown"}`;
    const wait = formLimiter.take(key);
    if (wait === 0) return next();
    log.warning("Form rate limit reached for {key} on {path}; refusing for {seconds} s", { key, path: request.path, seconds: wait, limit: formLimiter.perMinute });
    try {
      const context = await pageContext(services, request, response);
      response.setHeader("Retry-After", String(wait));
      sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:rateLimitedTitle")} message=${context.t("errors:rateLimited", { count: wait })} />`, 429);
    } catch (error) {
      next(error);
    }
  });
  app.use(
    csrfProtection(config.origin.startsWith("https:"), async (request, response) => {
      const context = await pageContext(services, request, response);
      sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:csrfTitle")} message=${context.t("errors:csrf")} />`, 403);
    }, isUploadRequest),
  );

  const router = catchingRouter();
  registerAuthRoutes(router, services);
  registerProfileRoutes(router, services);
  registerMediaRoutes(router, services);
  registerEditorRoutes(router, services);
  registerLearningRoutes(router, services);
  const { showResource } = registerResourceRoutes(router, services);
  registerConsultationRoutes(router, services);
  registerAdminRoutes(router, services);
  registerModerationRoutes(router, services);
  registerOrganizationRoutes(router, services);
  registerAccountRoutes(router, services);
  registerSignUpRoutes(router, services);
  const { showPractice } = registerPageRoutes(router, services);
  registerReviewRoutes(router, services, {
    practice: (request, response, practice, review, status) => showPractice(request, response, practice, undefined, status, review),
    resource: (request, response, resource, review, status) => showResource(request, response, resource, review, status),
  });
  app.use(router);

  app.use(async (request: Request, response: Response, next: NextFunction) => {
    try {
      const context = await pageContext(services, request, response);
      sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:notFoundTitle")} message=${context.t("errors:notFound")} />`, 404);
    } catch (error) {
      next(error);
    }
  });

  app.use(async (error: Error & { status?: number; type?: string }, request: Request, response: Response, _next: NextFunction) => {
    if (error.type === "entity.too.large") {
      log.info("Rejected a form body over {limit}", { limit: FORM_BODY_LIMIT, path: loggablePath(request.path) });
      // The body parser fails before the language is chosen, so choose it here for the page.
      response.locals.language ??= negotiateLanguage(request.query.lang, readCookie(request, "minga_lang"), request.headers["accept-language"], config.defaultLanguage);
      response.locals.account ??= null;
      try {
        const context = await pageContext(services, request, response);
        sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:formTooLargeTitle")} message=${context.t("errors:formTooLarge", { limit: FORM_BODY_LIMIT_KB })} />`, 413);
      } catch {
        response.status(413).type("text/plain").send(`Request body too large: the limit is ${FORM_BODY_LIMIT}.`);
      }
      return;
    }
    log.error("Request {method} {path} failed: {error}", { method: request.method, path: loggablePath(request.path), error });
    if (response.headersSent) return;
    try {
      response.locals.language ??= config.defaultLanguage;
      const context = await pageContext(services, request, response);
      sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:serverErrorTitle")} message=${context.t("errors:serverError")} />`, 500);
    } catch {
      response.status(500).type("text/plain").send("Internal server error");
    }
  });
  return app;
}
