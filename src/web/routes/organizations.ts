import type { Request, Response, Router } from "express";

import fs from "node:fs";
import path from "node:path";

import {
  MAX_LOGO_BYTES,
  organizationProfile,
  remoteActorName,
  remoteActorSummary,
  saveOrganizationProfile,
  validateOrganizationForm,
  type OrganizationProfile,
} from "../../domain/organization.ts";
import { FILE_TYPES } from "../../domain/file-types.ts";
import { LANGUAGES } from "../../domain/vocabulary.ts";
import { logger } from "../../logging.ts";
import type { Account } from "../../storage/types.ts";
import { html } from "../../../views/html.ts";
import { OrganizationEditPage, OrganizationsPage, type PartnerView } from "../../../views/pages/organizations.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { readUploadForm } from "../upload-form.ts";
import { mediaDirectory, STORED_FILE_NAME } from "../uploads.ts";
import { requireRole } from "./editor.ts";

const log = logger("web", "organizations");

/** Actor types that stand for an organization or a whole server rather than a person. */
const ORGANIZATION_TYPES = new Set(["Group", "Organization", "Application", "Service"]);

/** Image types a logo may have; SVG is not among them because it can carry script. */
const LOGO_TYPES: string[] = [FILE_TYPES.png, FILE_TYPES.jpeg, FILE_TYPES.webp, FILE_TYPES.gif].map((type) => type.mediaType);

function profileForm(profile: OrganizationProfile): Record<string, string> {
  const form: Record<string, string> = { primaryLanguage: profile.primaryLanguage, website: profile.website ?? "", region: profile.region ?? "", keptLogo: profile.logo ?? "" };
  for (const language of LANGUAGES) {
    form[`name.${language}`] = profile.name[language] ?? "";
    form[`summary.${language}`] = profile.summary[language] ?? "";
  }
  return form;
}

export function registerOrganizationRoutes(router: Router, services: WebServices): void {
  const { store, config } = services;
  const admins = requireRole(services, ["admin"]);

  /** Counts the shown copies of practices, resources, learning opportunities and consultations of each partner. */
  async function copiesBySource(): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    const counts = await Promise.all([store.practices.countBySource(), store.resources.countBySource(), store.learning.countBySource(), store.consultations.countBySource()]);
    for (const count of counts) for (const [source, n] of count) totals.set(source, (totals.get(source) ?? 0) + n);
    return totals;
  }

  router.get("/organizations", async (request, response) => {
    const context = await pageContext(services, request, response);
    const profile = await organizationProfile(store, config);
    const following = (await store.following.list()).filter((entry) => entry.status === "accepted");
    const followers = (await store.followers.list(config.organizationHandle, "accepted", 1000, 0)).items;
    const actors = await store.remoteActors.byIris([...following.map((entry) => entry.actorIri), ...followers.map((entry) => entry.actorIri)]);
    const copies = await copiesBySource();
    const partners = new Map<string, PartnerView>();
    for (const entry of following) {
      const actor = actors.get(entry.actorIri);
      partners.set(entry.actorIri, {
        name: actor ? remoteActorName(actor, context.language) : { text: entry.name ?? entry.handle, language: null },
        summary: actor ? remoteActorSummary(actor, context.language) : null,
        handle: entry.handle,
        url: actor?.url ?? null,
        relation: "following",
        copies: copies.get(entry.actorIri) ?? 0,
        logo: actor?.icon?.file ?? null,
      });
    }
    for (const follower of followers) {
      const actor = actors.get(follower.actorIri);
      // People who follow the organization are readers, not partner organizations.
      if (!actor || !ORGANIZATION_TYPES.has(actor.type)) continue;
      const known = partners.get(follower.actorIri);
      if (known) known.relation = "mutual";
      else {
        partners.set(follower.actorIri, {
          name: remoteActorName(actor, context.language),
          summary: remoteActorSummary(actor, context.language),
          handle: actor.handle ?? follower.actorIri,
          url: actor.url,
          relation: "follower",
          copies: 0,
          logo: actor.icon?.file ?? null,
        });
      }
    }
    const sorted = [...partners.values()].sort((a, b) => a.name.text.localeCompare(b.name.text, context.language));
    const practiceCount = (await store.practices.list({ local: true, limit: 1, offset: 0 })).total;
    sendPage(
      response,
      html`<${OrganizationsPage} context=${context} profile=${profile} handle=${`@${config.organizationHandle}@${new URL(config.origin).host}`}
        practiceCount=${practiceCount} memberCount=${await store.accounts.count()} partners=${sorted} canEdit=${context.account?.role === "admin"} />`,
    );
  });

  router.get("/admin/organization", admins, async (request, response) => {
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${OrganizationEditPage} context=${context} form=${profileForm(await organizationProfile(store, config))} errors=${{}} />`);
  });

  router.post("/admin/organization", admins, async (request, response) => {
    const directory = mediaDirectory(config.dataDir);
    const form: Record<string, string> = {};
    const errors: Record<string, string> = {};
    let uploaded: string | null = null;
    if (request.is("multipart/form-data")) {
      const parsed = await readUploadForm(services, request, response, {
        directory,
        maxBytes: MAX_LOGO_BYTES,
        accepts: (_field, type) => LOGO_TYPES.includes(type.mediaType),
        captionFields: () => false,
      });
      if (!parsed) return;
      for (const [key, value] of Object.entries(parsed.fields)) form[key] = [value].flat()[0] ?? "";
      const logo = parsed.files.logo;
      // parseUpload names every stored file /files/NAME; the logo is served from /media/ instead.
      if (logo?.ok) uploaded = logo.file.href.slice("/files/".length);
      else if (logo) errors.logo = logo.error === "fileTooLarge" ? "logoTooLarge" : "logoType";
    } else {
      for (const [key, value] of Object.entries(request.body as Record<string, unknown>)) if (typeof value === "string" && key !== "_csrf") form[key] = value;
    }
    // The logo kept from the saved profile or an earlier attempt: only a stored file's name is trusted.
    const kept = STORED_FILE_NAME.test(form.keptLogo ?? "") && fs.existsSync(path.join(directory, form.keptLogo)) ? form.keptLogo : null;
    const logo = uploaded ?? (form.removeLogo === "on" ? null : kept);
    form.keptLogo = logo ?? "";
    delete form.removeLogo;
    const result = validateOrganizationForm(form);
    if (!result.ok || Object.keys(errors).length > 0) {
      const context = await pageContext(services, request, response);
      return sendPage(response, html`<${OrganizationEditPage} context=${context} form=${form} errors=${{ ...(result.ok ? {} : result.errors), ...errors }} />`, 422);
    }
    await saveOrganizationProfile(store, { ...result.profile, logo });
    await services.federation.outbound.organizationUpdated();
    const admin = response.locals.account as Account;
    await services.moderation.record(admin, "organization.profile", config.organizationHandle);
    log.info("Organization profile saved by {admin}", { admin: admin.username });
    response.redirect(303, "/organizations?notice=saved");
  });
}
