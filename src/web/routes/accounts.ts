import type { Request, Response, Router } from "express";

import { changeRole, isRegistrationOpen, setRegistrationOpen } from "../../domain/accounts.ts";
import { createInvitation, DEFAULT_INVITATION_DAYS, INVITATION_DAYS, invitationState, revokeInvitation } from "../../domain/invitations.ts";
import { createPasswordReset } from "../../domain/password-resets.ts";
import { logger } from "../../logging.ts";
import { ROLES, type Account, type Role } from "../../storage/types.ts";
import { AccountsAdminPage, type AccountsAdminProps, type FieldErrors, type NewLink } from "../../../views/pages/accounts.ts";
import { html } from "../../../views/html.ts";
import { MessagePage } from "../../../views/pages/simple.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { requireRole } from "./editor.ts";

const log = logger("web", "accounts");

/** Invitations listed on the page, newest first. Older ones stay stored but are not shown. */
const LISTED_INVITATIONS = 50;

function isRole(value: string): value is Role {
  return (ROLES as string[]).includes(value);
}

/** Parses an id posted by a form, or returns null for anything but a positive whole number. */
function postedId(value: unknown): number | null {
  return typeof value === "string" && /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : null;
}

interface PageState {
  newLink?: NewLink;
  invitationForm?: AccountsAdminProps["invitationForm"];
  roleChange?: AccountsAdminProps["roleChange"];
  status?: number;
}

/** Admin pages and forms for accounts, invitations, reset links and open registration. */
export function registerAccountRoutes(router: Router, services: WebServices): void {
  const { store, config } = services;
  const admins = requireRole(services, ["admin"]);

  async function showAccounts(request: Request, response: Response, state: PageState = {}) {
    // The page is also the response to its forms' posts, whose paths have no GET route for the language links to point to.
    const context = { ...(await pageContext(services, request, response)), currentUrl: "/admin/accounts" };
    const now = new Date();
    const invitations = (await store.invitations.list(LISTED_INVITATIONS)).map((invitation) => ({ invitation, state: invitationState(invitation, now) }));
    // A page with a new link is the link's only copy, so it stays out of caches and Referer headers.
    if (state.newLink) response.set({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });
    sendPage(
      response,
      html`<${AccountsAdminPage} context=${context} accounts=${await store.accounts.list()} invitations=${invitations}
        registrationOpen=${await isRegistrationOpen(store)} signUpUrl=${`${config.origin}/sign-up`} newLink=${state.newLink ?? null}
        invitationForm=${state.invitationForm ?? { role: "member", days: String(DEFAULT_INVITATION_DAYS), errors: {} }}
        invitationDays=${INVITATION_DAYS} roleChange=${state.roleChange ?? null} />`,
      state.status ?? 200,
    );
  }

  async function notFound(request: Request, response: Response) {
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:notFoundTitle")} message=${context.t("errors:notFound")} />`, 404);
  }

  router.get("/admin/accounts", admins, (request, response) => showAccounts(request, response));

  router.post("/admin/accounts/role", admins, async (request, response) => {
    const admin = response.locals.account as Account;
    const accountId = postedId(request.body.account);
    const role = String(request.body.role ?? "");
    if (accountId === null) return notFound(request, response);
    if (!isRole(role)) return showAccounts(request, response, { roleChange: { accountId, role, error: "choice" }, status: 422 });
    const result = await changeRole(store, accountId, role);
    if (result === "notFound") return notFound(request, response);
    if (result === "lastAdmin") {
      log.info("Refused to remove the last admin {accountId}", { accountId, role, admin: admin.username });
      return showAccounts(request, response, { roleChange: { accountId, role, error: "lastAdmin" }, status: 409 });
    }
    log.info("Role of account {accountId} set to {role} by {admin}", { accountId, role, admin: admin.username });
    await services.moderation.record(admin, "account.role", (await store.accounts.byId(accountId))?.username ?? String(accountId), { role });
    // An admin who gave up the role can no longer see this page.
    if (accountId === admin.id && role !== "admin") return response.redirect(303, "/?notice=roleChanged");
    response.redirect(303, "/admin/accounts?notice=roleChanged");
  });

  router.post("/admin/accounts/reset-link", admins, async (request, response) => {
    const admin = response.locals.account as Account;
    const accountId = postedId(request.body.account);
    const account = accountId === null ? null : await store.accounts.byId(accountId);
    if (!account) return notFound(request, response);
    const { reset, token } = await createPasswordReset(store, account, admin.id);
    log.info("Password reset link {resetId} for {username} issued by {admin}", { resetId: reset.id, username: account.username, admin: admin.username, expires: reset.expires });
    await services.moderation.record(admin, "account.resetLink", account.username, { expires: reset.expires });
    const newLink: NewLink = { kind: "reset", url: `${config.origin}/reset/${token}`, username: account.username, expires: reset.expires };
    await showAccounts(request, response, { newLink, status: 201 });
  });

  router.post("/admin/accounts/registration", admins, async (request, response) => {
    const open = request.body.open === "true";
    await setRegistrationOpen(store, open);
    log.info("Open registration turned {state} by {admin}", { state: open ? "on" : "off", admin: (response.locals.account as Account).username });
    await services.moderation.record(response.locals.account as Account, open ? "registration.open" : "registration.close", "");
    response.redirect(303, `/admin/accounts?notice=${open ? "registrationOpened" : "registrationClosed"}`);
  });

  router.post("/admin/invitations", admins, async (request, response) => {
    const admin = response.locals.account as Account;
    const role = String(request.body.role ?? "");
    const days = String(request.body.days ?? "");
    const errors: FieldErrors = {};
    if (!isRole(role)) errors.role = "choice";
    if (!INVITATION_DAYS.map(String).includes(days)) errors.days = "choice";
    if (!isRole(role) || Object.keys(errors).length > 0) {
      return showAccounts(request, response, { invitationForm: { role, days, errors }, status: 422 });
    }
    const { invitation, token } = await createInvitation(store, { role, days: Number(days), createdBy: admin.id });
    log.info("Invitation {invitationId} for a new {role} issued by {admin}", { invitationId: invitation.id, role, admin: admin.username, expires: invitation.expires });
    await services.moderation.record(admin, "invitation.create", "", { invitation: invitation.id, role, expires: invitation.expires });
    const newLink: NewLink = { kind: "invitation", url: `${config.origin}/invitations/${token}`, role, expires: invitation.expires };
    await showAccounts(request, response, { newLink, status: 201 });
  });

  router.post("/admin/invitations/revoke", admins, async (request, response) => {
    const invitationId = postedId(request.body.invitation);
    const revoked = invitationId !== null && (await revokeInvitation(store, invitationId));
    if (revoked) {
      log.info("Invitation {invitationId} revoked by {admin}", { invitationId, admin: (response.locals.account as Account).username });
      await services.moderation.record(response.locals.account as Account, "invitation.revoke", "", { invitation: invitationId });
    }
    response.redirect(303, `/admin/accounts?notice=${revoked ? "invitationRevoked" : "invitationNotRevoked"}`);
  });
}
