import type { NextFunction, Request, Response, Router } from "express";

import { validatePracticeFields, type Practice } from "../../domain/practice.ts";
import type { Resource } from "../../domain/resource.ts";
import { isPublic } from "../../domain/workflow.ts";
import type { Account } from "../../storage/types.ts";
import { practicePath } from "../../../views/components/practice-card.ts";
import { html } from "../../../views/html.ts";
import { EditorPage } from "../../../views/pages/editor.ts";
import { MessagePage } from "../../../views/pages/simple.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { errorsToFormFields, formToInput, practiceToForm, type FormErrors, type PracticeForm } from "../practice-form.ts";

/** Lets the given roles through. Anonymous visitors are sent to sign in, and other roles get 403. */
export function requireRole(services: WebServices, roles: Account["role"][]) {
  return async (request: Request, response: Response, next: NextFunction) => {
    const account = response.locals.account as Account | null;
    if (!account) return response.redirect(303, `/sign-in?next=${encodeURIComponent(request.originalUrl)}`);
    if (roles.includes(account.role)) return next();
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:forbiddenTitle")} message=${context.t("errors:forbidden")} />`, 403);
  };
}

const EMPTY_FORM: PracticeForm = { licence: "CC-BY-4.0" };

/** Returns whether an account reviews and publishes; members only write drafts and submit them. */
export function isStaff(account: Account | null): boolean {
  return account !== null && account.role !== "member";
}

/**
 * Staff edit any local practice or resource. A member edits their own only
 * while it is a draft, which includes one sent back for changes.
 */
export function mayEditPractice(account: Account | null, practice: Pick<Practice | Resource, "local" | "authorAccountId" | "status">): boolean {
  if (!practice.local || account === null) return false;
  return isStaff(account) || (practice.authorAccountId === account.id && practice.status === "draft");
}

/** True when the reader wrote this item but may no longer edit it, because it was submitted, is under review or was published. */
export function lockedForAuthor(account: Account | null, item: Pick<Practice | Resource, "local" | "authorAccountId" | "status" | "deleted">): boolean {
  return account !== null && item.local && !item.deleted && item.authorAccountId === account.id && !mayEditPractice(account, item);
}

/** Sends the 403 page that explains to an author why their item cannot be edited now. */
export async function sendLocked(services: WebServices, request: Request, response: Response): Promise<void> {
  const context = await pageContext(services, request, response);
  sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:lockedTitle")} message=${context.t("errors:locked")} />`, 403);
}

/** Maps the editor's button to save options: staff publish and members submit, unless either saves a draft. */
export function saveOptions(account: Account, action: unknown): { publish: boolean; submit: boolean } {
  if (action === "draft") return { publish: false, submit: false };
  if (!isStaff(account) || action === "submit") return { publish: false, submit: true };
  return { publish: true, submit: false };
}

/** Reviewers edit and translate practices but do not delete them. */
function mayDelete(account: Account | null): boolean {
  return account?.role === "admin" || account?.role === "editor";
}

export function registerEditorRoutes(router: Router, services: WebServices): void {
  const { store, practices } = services;
  const editors = requireRole(services, ["admin", "editor"]);
  const writers = requireRole(services, ["admin", "editor", "member"]);
  const signedIn = requireRole(services, ["admin", "editor", "reviewer", "member"]);

  async function showEditor(request: Request, response: Response, form: PracticeForm, errors: FormErrors, existing: Practice | null) {
    const context = await pageContext(services, request, response);
    const action = existing ? `${practicePath(existing)}/edit` : "/practices";
    const status = Object.keys(errors).length > 0 ? 422 : 200;
    sendPage(
      response,
      html`<${EditorPage} context=${context} form=${form} errors=${errors} action=${action} isNew=${existing === null}
        published=${existing !== null && isPublic(existing.status)} submitOnly=${!isStaff(response.locals.account)}
        deleteAction=${existing && mayDelete(response.locals.account) ? `${practicePath(existing)}/delete` : null} />`,
      status,
    );
  }

  async function editable(request: Request, response: Response): Promise<Practice | null> {
    const practice = await store.practices.bySlug(String(request.params.slug));
    const account = response.locals.account as Account | null;
    if (practice && practice.local && !practice.deleted && (mayDelete(account) || mayEditPractice(account, practice))) return practice;
    if (practice && lockedForAuthor(account, practice)) {
      await sendLocked(services, request, response);
      return null;
    }
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:notFoundTitle")} message=${context.t("errors:notFound")} />`, 404);
    return null;
  }

  router.get("/practices/new", writers, async (request, response) => {
    await showEditor(request, response, { ...EMPTY_FORM, primaryLanguage: response.locals.language }, {}, null);
  });

  router.post("/practices", writers, async (request, response) => {
    const form = request.body as PracticeForm;
    const result = validatePracticeFields(formToInput(form));
    if (!result.ok) return showEditor(request, response, form, errorsToFormFields(result.errors), null);
    const practice = await practices.create(result.value, response.locals.account, saveOptions(response.locals.account, form.action));
    const notices: Partial<Record<Practice["status"], string>> = { published: "published", submitted: "submitted" };
    const notice = notices[practice.status] ?? "draftSaved";
    response.redirect(303, `${practicePath(practice)}?notice=${notice}`);
  });

  router.get("/practices/:slug/edit", signedIn, async (request, response) => {
    const practice = await editable(request, response);
    if (practice) await showEditor(request, response, practiceToForm(practice), {}, practice);
  });

  router.post("/practices/:slug/edit", signedIn, async (request, response) => {
    const practice = await editable(request, response);
    if (!practice) return;
    const form = request.body as PracticeForm;
    const result = validatePracticeFields(formToInput(form));
    if (!result.ok) return showEditor(request, response, form, errorsToFormFields(result.errors), practice);
    const saved = await practices.update(practice, result.value, { ...saveOptions(response.locals.account, form.action), by: response.locals.account });
    response.redirect(303, `${practicePath(saved)}?notice=${saved.status === "submitted" && practice.status === "draft" ? "submitted" : "saved"}`);
  });

  router.post("/practices/:slug/delete", editors, async (request, response) => {
    const practice = await editable(request, response);
    if (!practice) return;
    if (request.body.confirm !== "yes") {
      return showEditor(request, response, practiceToForm(practice), { confirm: "confirmDelete" }, practice);
    }
    await practices.remove(practice);
    response.redirect(303, "/library?notice=deleted");
  });
}
