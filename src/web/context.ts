import type { Request, Response } from "express";
import type { i18n } from "i18next";
import type { VNode } from "preact";

import type { Config } from "../config.ts";
import type { Language } from "../domain/vocabulary.ts";
import { organizationProfile } from "../domain/organization.ts";
import { pickLanguage } from "../domain/text.ts";
import type { Store } from "../storage/types.ts";
import { FORM_PAGE_FIELD, renderDocument, type PageContext } from "../../views/html.ts";
import type { MingaFederation } from "../../federation/index.ts";
import type { ConsultationService } from "../domain/consultation-service.ts";
import type { LearningService } from "../domain/learning-service.ts";
import type { PracticeService } from "../domain/practices.ts";
import type { ResourceService } from "../domain/resources.ts";
import type { Moderation } from "../domain/moderation.ts";

/** Everything route handlers use. */
export interface WebServices {
  config: Config;
  store: Store;
  federation: MingaFederation;
  practices: PracticeService;
  learning: LearningService;
  resources: ResourceService;
  consultations: ConsultationService;
  i18n: i18n;
  moderation: Moderation;
  /** Usernames no account may take, because actors of the instance use them. */
  reservedHandles: string[];
}

/** Builds the page context for a request: translation bound to its language, signed-in account, site name. */
export async function pageContext(services: WebServices, request: Request, response: Response, notice?: string | null): Promise<PageContext> {
  const language = response.locals.language as Language;
  const t = services.i18n.getFixedT(language);
  const profile = await organizationProfile(services.store, services.config);
  const siteName = pickLanguage(profile.name, language, profile.primaryLanguage)?.value ?? services.config.organizationName;
  const flash = typeof request.query.notice === "string" ? t(`notices.${request.query.notice}`, { defaultValue: "" }) || null : null;
  return {
    t: (key, options) => t(key, options ?? {}) as string,
    language,
    account: response.locals.account ?? null,
    siteName,
    currentUrl: languageSwitcherTarget(request, response, services.config.origin),
    notice: notice ?? flash,
    csrfToken: response.locals.csrfToken ?? "",
  };
}

/** Returns the path and query of `value` when it names a page of this instance, else null. */
function localPage(value: unknown, origin: string): string | null {
  if (typeof value !== "string" || value.length > 2000) return null;
  let url: URL;
  try {
    url = new URL(value, `${origin}/`);
  } catch {
    return null;
  }
  return url.origin === origin ? `${url.pathname}${url.search}` : null;
}

/**
 * Chooses the page the language switcher links to. A GET page links to
 * itself. A page rendered in response to a POST (a form shown again with its
 * errors) cannot, because most such addresses accept only POST and a GET link
 * to them returns 404. There the switcher links to the page the form was shown
 * on: the FORM_PAGE_FIELD every form carries next to its CSRF token, else the
 * same-origin Referer, else the home page. The reader lands on the same form
 * in the other language.
 * TODO: carry what was typed across the switch. A switcher that posted the
 * submission again would keep it, but each of its buttons would have to repeat
 * every field (files included) and the handlers would need a mode that never saves.
 */
function languageSwitcherTarget(request: Request, response: Response, origin: string): string {
  if (request.method === "GET" || request.method === "HEAD") return request.originalUrl;
  const formPage = localPage(request.body?.[FORM_PAGE_FIELD] ?? response.locals.formPage, origin);
  if (formPage !== null) return formPage;
  const referer = localPage(request.get("referer"), origin);
  // A Referer equal to the posted address comes from a form already shown again after a POST, so a link to it would fail the same way.
  if (referer !== null && new URL(referer, origin).pathname !== new URL(request.originalUrl, origin).pathname) return referer;
  return "/";
}

/** Sends a rendered page with the given status. */
export function sendPage(response: Response, page: VNode, status = 200): void {
  response.status(status).type("html").send(renderDocument(page));
}
