import type { Request, Response } from "express";
import type { i18n } from "i18next";
import type { VNode } from "preact";

import type { Config } from "../config.ts";
import type { Language } from "../domain/vocabulary.ts";
import { organizationProfile } from "../domain/organization.ts";
import { pickLanguage } from "../domain/text.ts";
import type { Store } from "../storage/types.ts";
import { renderDocument, type PageContext } from "../../views/html.ts";
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
    currentUrl: request.originalUrl,
    notice: notice ?? flash,
    csrfToken: response.locals.csrfToken ?? "",
  };
}

/** Sends a rendered page with the given status. */
export function sendPage(response: Response, page: VNode, status = 200): void {
  response.status(status).type("html").send(renderDocument(page));
}
