import type { Router } from "express";

import { validateProfile, type ProfileForm } from "../../domain/member-profile.ts";
import { logger } from "../../logging.ts";
import type { Account } from "../../storage/types.ts";
import { html } from "../../../views/html.ts";
import { ProfileEditPage } from "../../../views/pages/profile.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";

const log = logger("web", "profile");

function formOf(account: Account): ProfileForm {
  return { displayName: account.displayName, bio: account.bio, bioLanguage: account.bioLanguage ?? "", affiliation: account.affiliation ?? "", languages: account.languages ?? [] };
}

/** Registers /account/profile, where a signed-in member edits what their page and their fediverse profile show. */
export function registerProfileRoutes(router: Router, services: WebServices): void {
  router.get("/account/profile", async (request, response) => {
    const account = response.locals.account as Account | null;
    if (!account) return response.redirect(303, "/sign-in?next=/account/profile");
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${ProfileEditPage} context=${context} form=${formOf(account)} errors=${{}} memberPath=${`/members/${account.username}`} />`);
  });

  router.post("/account/profile", async (request, response) => {
    const account = response.locals.account as Account | null;
    if (!account) return response.redirect(303, "/sign-in?next=/account/profile");
    const body = request.body as Record<string, unknown>;
    const text = (name: string) => (typeof body[name] === "string" ? (body[name] as string) : "");
    const form: ProfileForm = {
      displayName: text("displayName"),
      bio: text("bio"),
      bioLanguage: text("bioLanguage"),
      affiliation: text("affiliation"),
      languages: [body.languages ?? []].flat().filter((value): value is string => typeof value === "string"),
    };
    const result = validateProfile(form);
    if (!result.ok) {
      const context = await pageContext(services, request, response);
      return sendPage(response, html`<${ProfileEditPage} context=${context} form=${form} errors=${result.errors} memberPath=${`/members/${account.username}`} />`, 422);
    }
    await services.store.accounts.updateProfile(account.id, result.profile);
    await services.federation.outbound.memberUpdated(account.username);
    log.info("Profile of {username} saved", { username: account.username });
    response.redirect(303, `/members/${account.username}?notice=profileSaved`);
  });
}
