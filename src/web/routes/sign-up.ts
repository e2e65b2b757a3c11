import type { Request, Response, Router } from "express";

import { isRegistrationOpen, registerMember, type NewAccountInput } from "../../domain/accounts.ts";
import { acceptInvitation, findInvitation, invitationState } from "../../domain/invitations.ts";
import { findPasswordReset, passwordResetState, usePasswordReset } from "../../domain/password-resets.ts";
import { logger } from "../../logging.ts";
import type { Invitation, PasswordReset } from "../../storage/types.ts";
import { ResetPasswordPage, SignUpPage, type FieldErrors } from "../../../views/pages/accounts.ts";
import { html } from "../../../views/html.ts";
import { MessagePage } from "../../../views/pages/simple.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { signInAs } from "../session.ts";

const log = logger("web", "sign-up");

function signUpInput(body: Record<string, unknown>): NewAccountInput & { confirmation: string; displayName: string } {
  return {
    username: String(body.username ?? ""),
    displayName: String(body.displayName ?? ""),
    password: String(body.password ?? ""),
    confirmation: String(body.confirmation ?? ""),
  };
}

/** Keeps a page whose address contains a token out of caches, and its address out of Referer headers. */
function protectTokenPage(response: Response): void {
  response.set({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });
}

/** Routes for sign-up by invitation, open registration and password reset links, which need no existing session. */
export function registerSignUpRoutes(router: Router, services: WebServices): void {
  const { store, config } = services;
  const secureCookies = config.origin.startsWith("https:");

  async function showMessage(request: Request, response: Response, titleKey: string, messageKey: string, status: number) {
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${MessagePage} context=${context} title=${context.t(titleKey)} message=${context.t(messageKey)} />`, status);
  }

  /** Returns the invitation of the link if it can still be used. Otherwise sends the page that explains why and returns null. */
  async function openInvitation(request: Request, response: Response): Promise<Invitation | null> {
    protectTokenPage(response);
    const invitation = await findInvitation(store, String(request.params.token));
    if (!invitation) {
      await showMessage(request, response, "errors:invitationNotFoundTitle", "errors:invitationNotFound", 404);
      return null;
    }
    const state = invitationState(invitation);
    if (state === "open") return invitation;
    const messages = { used: "errors:invitationUsed", revoked: "errors:invitationRevoked", expired: "errors:invitationExpired" } as const;
    await showMessage(request, response, "errors:invitationGoneTitle", messages[state], 410);
    return null;
  }

  async function showSignUp(request: Request, response: Response, role: Invitation["role"] | null, form = { username: "", displayName: "" }, errors: FieldErrors = {}) {
    const context = await pageContext(services, request, response);
    const status = Object.keys(errors).length > 0 ? 422 : 200;
    sendPage(response, html`<${SignUpPage} context=${context} action=${request.path} role=${role} form=${form} errors=${errors} />`, status);
  }

  router.get("/invitations/:token", async (request, response) => {
    const invitation = await openInvitation(request, response);
    if (invitation) await showSignUp(request, response, invitation.role);
  });

  router.post("/invitations/:token", async (request, response) => {
    const invitation = await openInvitation(request, response);
    if (!invitation) return;
    const input = signUpInput(request.body);
    const result = await acceptInvitation(store, invitation, input, services.reservedHandles);
    if (result.status === "invalid") return showSignUp(request, response, invitation.role, input, result.errors);
    // Someone else used the link between the check above and the claim.
    if (result.status === "gone") return showMessage(request, response, "errors:invitationGoneTitle", "errors:invitationUsed", 410);
    log.info("Account {username} created as {role} with invitation {invitationId}", {
      username: result.account.username,
      role: result.account.role,
      invitationId: invitation.id,
    });
    await services.moderation.record(result.account, "account.signUp", result.account.username, { invitation: invitation.id, role: result.account.role });
    await signInAs(store, response, result.account, secureCookies);
    response.redirect(303, "/?notice=welcome");
  });

  router.get("/sign-up", async (request, response) => {
    if (!(await isRegistrationOpen(store))) return showMessage(request, response, "errors:registrationClosedTitle", "errors:registrationClosed", 403);
    await showSignUp(request, response, null);
  });

  // Sign-ups share the form rate limit per address (FORM_RATE_LIMIT). TODO: a stricter limit of its own, as sign-in has, once an instance with open registration receives automated sign-ups.
  router.post("/sign-up", async (request, response) => {
    if (!(await isRegistrationOpen(store))) return showMessage(request, response, "errors:registrationClosedTitle", "errors:registrationClosed", 403);
    const input = signUpInput(request.body);
    const result = await registerMember(store, input, services.reservedHandles);
    if (result.status === "invalid") return showSignUp(request, response, null, input, result.errors);
    log.info("Account {username} created by open registration", { username: result.account.username, address: request.ip });
    await services.moderation.record(result.account, "account.signUp", result.account.username, { role: result.account.role });
    await signInAs(store, response, result.account, secureCookies);
    response.redirect(303, "/?notice=welcome");
  });

  /** Returns the reset link if it can still be used. Otherwise sends the page that explains why and returns null. */
  async function openPasswordReset(request: Request, response: Response): Promise<PasswordReset | null> {
    protectTokenPage(response);
    const reset = await findPasswordReset(store, String(request.params.token));
    if (!reset) {
      await showMessage(request, response, "errors:resetNotFoundTitle", "errors:resetNotFound", 404);
      return null;
    }
    const state = passwordResetState(reset);
    if (state === "open") return reset;
    await showMessage(request, response, "errors:resetGoneTitle", state === "used" ? "errors:resetUsed" : "errors:resetExpired", 410);
    return null;
  }

  async function showReset(request: Request, response: Response, reset: PasswordReset, errors: FieldErrors = {}) {
    const account = await store.accounts.byId(reset.accountId);
    const context = await pageContext(services, request, response);
    const status = Object.keys(errors).length > 0 ? 422 : 200;
    sendPage(response, html`<${ResetPasswordPage} context=${context} action=${request.path} username=${account?.username ?? ""} errors=${errors} />`, status);
  }

  router.get("/reset/:token", async (request, response) => {
    const reset = await openPasswordReset(request, response);
    if (reset) await showReset(request, response, reset);
  });

  router.post("/reset/:token", async (request, response) => {
    const reset = await openPasswordReset(request, response);
    if (!reset) return;
    const result = await usePasswordReset(store, reset, { next: String(request.body.next ?? ""), confirmation: String(request.body.confirmation ?? "") });
    if (result.status === "invalid") return showReset(request, response, reset, result.errors);
    if (result.status === "gone") return showMessage(request, response, "errors:resetGoneTitle", "errors:resetUsed", 410);
    log.info("Password of {username} set with reset link {resetId}; its other sessions ended", { username: result.account.username, resetId: reset.id });
    await services.moderation.record(result.account, "account.passwordReset", result.account.username);
    await signInAs(store, response, result.account, secureCookies);
    response.redirect(303, "/?notice=passwordReset");
  });
}
