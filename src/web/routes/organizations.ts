import type { Request, Response, Router } from "express";

import { organizationProfile, saveOrganizationProfile, validateOrganizationForm, type OrganizationProfile } from "../../domain/organization.ts";
import { LANGUAGES } from "../../domain/vocabulary.ts";
import { logger } from "../../logging.ts";
import type { Account } from "../../storage/types.ts";
import { html } from "../../../views/html.ts";
import { OrganizationEditPage, OrganizationsPage, type PartnerView } from "../../../views/pages/organizations.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { requireRole } from "./editor.ts";

const log = logger("web", "organizations");

/** Actor types that stand for an organization or a whole server rather than a person. */
const ORGANIZATION_TYPES = new Set(["Group", "Organization", "Application", "Service"]);

function profileForm(profile: OrganizationProfile): Record<string, string> {
  const form: Record<string, string> = { primaryLanguage: profile.primaryLanguage, website: profile.website ?? "", region: profile.region ?? "" };
  for (const language of LANGUAGES) {
    form[`name.${language}`] = profile.name[language] ?? "";
    form[`summary.${language}`] = profile.summary[language] ?? "";
  }
  return form;
}

export function registerOrganizationRoutes(router: Router, services: WebServices): void {
  const { store, config } = services;
  const admins = requireRole(services, ["admin"]);

  router.get("/organizations", async (request, response) => {
    const context = await pageContext(services, request, response);
    const profile = await organizationProfile(store, config);
    const following = (await store.following.list()).filter((entry) => entry.status === "accepted");
    const followers = (await store.followers.list(config.organizationHandle, "accepted", 1000, 0)).items;
    const actors = await store.remoteActors.byIris([...following.map((entry) => entry.actorIri), ...followers.map((entry) => entry.actorIri)]);
    const copies = await store.practices.countBySource();
    const partners = new Map<string, PartnerView>();
    for (const entry of following) {
      const actor = actors.get(entry.actorIri);
      partners.set(entry.actorIri, { name: actor?.name ?? entry.name ?? entry.handle, handle: entry.handle, url: actor?.url ?? null, relation: "following", copies: copies.get(entry.actorIri) ?? 0 });
    }
    for (const follower of followers) {
      const actor = actors.get(follower.actorIri);
      // People who follow the organization are readers, not partner organizations.
      if (!actor || !ORGANIZATION_TYPES.has(actor.type)) continue;
      const known = partners.get(follower.actorIri);
      if (known) known.relation = "mutual";
      else partners.set(follower.actorIri, { name: actor.name ?? actor.handle ?? follower.actorIri, handle: actor.handle ?? follower.actorIri, url: actor.url, relation: "follower", copies: 0 });
    }
    const sorted = [...partners.values()].sort((a, b) => a.name.localeCompare(b.name, context.language));
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
    const form: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.body as Record<string, unknown>)) if (typeof value === "string" && key !== "_csrf") form[key] = value;
    const result = validateOrganizationForm(form);
    if (!result.ok) {
      const context = await pageContext(services, request, response);
      return sendPage(response, html`<${OrganizationEditPage} context=${context} form=${form} errors=${result.errors} />`, 422);
    }
    await saveOrganizationProfile(store, result.profile);
    const admin = response.locals.account as Account;
    await services.moderation.record(admin, "organization.profile", config.organizationHandle);
    log.info("Organization profile saved by {admin}", { admin: admin.username });
    response.redirect(303, "/organizations?notice=saved");
  });
}
