import type { Express, NextFunction, Request, RequestHandler, Response, Router } from "express";

import { consultationState, replyLanguages, submissionRefusal, validateConsultationFields, validateOutcome, type Consultation } from "../../domain/consultation.ts";
import { consultationPath } from "../../domain/consultation-service.ts";
import type { FieldErrors } from "../../domain/practice.ts";
import { LANGUAGES } from "../../domain/vocabulary.ts";
import type { Account } from "../../storage/types.ts";
import { consultationDocument } from "../../../federation/consultations.ts";
import { html } from "../../../views/html.ts";
import { OutcomeEditorPage, ConsultationEditorPage } from "../../../views/pages/consultation-editor.ts";
import { ConsultationListPage, ConsultationPage } from "../../../views/pages/consultations.ts";
import { MessagePage } from "../../../views/pages/simple.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { partnerNames } from "../partner-names.ts";
import { consultationErrorsToFormFields, consultationToForm, formToConsultationInput, type ConsultationForm } from "../consultation-form.ts";
import { requireRole } from "./editor.ts";
import { EMPTY_REPLY_FORM, receiveReply, replyViews, type ReplyForm } from "../discussion.ts";

/** Items listed in each part of the consultations page. */
const LIST_PAGE_SIZE = 50;

const ACTIVITYPUB_TYPES = ["application/activity+json", "application/ld+json"];

function acceptsActivityPub(request: Request): boolean {
  const accept = request.headers.accept ?? "";
  return ACTIVITYPUB_TYPES.some((type) => accept.includes(type));
}

function isEditor(account: Account | null): boolean {
  return account?.role === "admin" || account?.role === "editor";
}

/** True for reviewers, editors, admins, and members the consultation names as its moderators. */
function mayModerate(account: Account | null, item: Consultation): boolean {
  if (!account) return false;
  return account.role !== "member" || (item.local && item.moderators.includes(account.username.toLowerCase()));
}

/**
 * Serves ActivityPub reads of /consultations/{slug}: the Article of a local
 * consultation, or 410 with a Tombstone once it is deleted. It is
 * registered before the federation middleware because Fedify 2.3.6 allows
 * one object dispatcher per class, and practices already use the Article
 * one. The application runs the federation gate on these reads first,
 * so domain blocks and the allowlist apply to them too.
 */
export function registerConsultationObjects(app: Express, services: WebServices): void {
  app.get("/consultations/:slug", async (request, response, next) => {
    try {
      if (!acceptsActivityPub(request)) return next();
      const item = await services.store.consultations.bySlug(request.params.slug);
      if (!item?.local) return next();
      if (item.deleted) {
        return response.status(410).type("application/activity+json").send(
          JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: item.iri, type: "Tombstone", formerType: "Article", deleted: item.deleted }),
        );
      }
      const ctx = services.federation.context();
      const document = consultationDocument(services, ctx.getFollowersUri(services.config.organizationHandle).href, item);
      response.status(200).type("application/activity+json").vary("Accept").send(JSON.stringify(document));
    } catch (error) {
      next(error);
    }
  });
}

/**
 * Lets the members a consultation names as moderators hide, show and
 * delete the replies in its discussion. Everyone else goes through
 * `fallback`, the usual role check.
 */
export function allowConsultationModerators(services: WebServices, fallback: RequestHandler): RequestHandler {
  return async (request: Request, response: Response, next: NextFunction) => {
    try {
      const account = response.locals.account as Account | null;
      const iri = request.body?.reply ?? request.query.reply;
      if (account?.role === "member" && typeof iri === "string") {
        const reply = await services.store.replies.byIri(iri);
        const root = reply ? await services.store.consultations.byIri(reply.rootIri) : null;
        if (root && mayModerate(account, root)) return next();
      }
      return fallback(request, response, next);
    } catch (error) {
      next(error);
    }
  };
}

/** Registers the consultations list, their pages, submissions, the editor and the summary form. */
export function registerConsultationRoutes(router: Router, services: WebServices): void {
  const { store, config, consultations } = services;
  const editors = requireRole(services, ["admin", "editor"]);

  async function notFound(request: Request, response: Response, status = 404) {
    const context = await pageContext(services, request, response);
    const [title, message] = status === 410 ? ["consultations:page.goneTitle", "consultations:page.gone"] : ["errors:notFoundTitle", "errors:notFound"];
    sendPage(response, html`<${MessagePage} context=${context} title=${context.t(title)} message=${context.t(message)} />`, status);
  }

  /** Builds the page context, with the notice a redirect requested (?notice=) taken from the consultation translations. */
  async function consultationContext(request: Request, response: Response) {
    const context = await pageContext(services, request, response);
    const key = typeof request.query.notice === "string" ? request.query.notice : "";
    const notice = key ? context.t(`consultations:notices.${key}`, { defaultValue: "" }) || context.notice : context.notice;
    return notice ? { ...context, notice } : context;
  }

  async function showEditor(request: Request, response: Response, form: ConsultationForm, errors: FieldErrors, existing: Consultation | null) {
    const context = await pageContext(services, request, response);
    const action = existing ? `${consultationPath(existing.slug)}/edit` : "/consultations";
    const deleteAction = existing ? `${consultationPath(existing.slug)}/delete` : null;
    sendPage(
      response,
      html`<${ConsultationEditorPage} context=${context} form=${form} errors=${errors} action=${action} isNew=${existing === null} deleteAction=${deleteAction} />`,
      Object.keys(errors).length > 0 ? 422 : 200,
    );
  }

  /** Validates the posted form, and checks that each moderator is a local account. */
  async function readForm(form: ConsultationForm) {
    const result = validateConsultationFields(formToConsultationInput(form));
    if (!result.ok) return { ok: false as const, errors: consultationErrorsToFormFields(result.errors) };
    if ((await consultations.unknownModerators(result.value.moderators)).length > 0) return { ok: false as const, errors: { moderators: "unknownModerator" } };
    return result;
  }

  /** Finds a local, undeleted consultation to edit, or sends 404. */
  async function editable(request: Request, response: Response): Promise<Consultation | null> {
    const item = await store.consultations.bySlug(String(request.params.slug));
    if (item && item.local && !item.deleted) return item;
    await notFound(request, response);
    return null;
  }

  /** Finds a consultation readers may see, announcing its closing first if that is due. */
  async function visible(request: Request, response: Response): Promise<Consultation | null> {
    const item = await store.consultations.bySlug(String(request.params.slug));
    const account = response.locals.account as Account | null;
    const hiddenFromReader = item?.hidden && (account === null || account.role === "member");
    if (!item || hiddenFromReader) {
      await notFound(request, response);
      return null;
    }
    if (item.deleted) {
      await notFound(request, response, 410);
      return null;
    }
    return consultations.announceClosingIfDue(item);
  }

  async function showConsultation(request: Request, response: Response, item: Consultation, replyForm: ReplyForm = EMPTY_REPLY_FORM, status = 200) {
    const context = await consultationContext(request, response);
    const account = context.account;
    const replies = await replyViews(store, item.iri);
    const counts = await store.reactions.count(item.iri);
    let replyToIri: string | null = null;
    if (typeof request.query.replyTo === "string") replyToIri = request.query.replyTo;
    else if (typeof request.body?.inReplyTo === "string") replyToIri = request.body.inReplyTo;
    const replyTo = replies.find((view) => view.reply.iri === replyToIri) ?? null;
    const names = await partnerNames(store, [item], context.language);
    sendPage(
      response,
      html`<${ConsultationPage} context=${context} item=${item} sourceName=${item.sourceActor ? (names.get(item.sourceActor) ?? null) : null}
        canEdit=${item.local && isEditor(account)} canModerate=${mayModerate(account, item)} replies=${replies} likes=${counts.like} shares=${counts.announce}
        replyTo=${replyTo} replyForm=${replyForm} now=${new Date()} />`,
      status,
    );
  }

  router.get("/consultations", async (request, response) => {
    const context = await consultationContext(request, response);
    const now = new Date();
    const query = { now: now.toISOString(), limit: LIST_PAGE_SIZE, offset: 0 };
    const [open, upcoming, closed] = await Promise.all([
      store.consultations.list({ ...query, state: "open" }),
      store.consultations.list({ ...query, state: "upcoming" }),
      store.consultations.list({ ...query, state: "closed" }),
    ]);
    // Listing is a read like the page, so the closings it shows are announced too.
    closed.items = await Promise.all(closed.items.map((item) => consultations.announceClosingIfDue(item, now)));
    // TODO: page through each part once an instance contains more than LIST_PAGE_SIZE consultations in one state; the page says how many are not shown.
    const names = await partnerNames(store, [...open.items, ...upcoming.items, ...closed.items], context.language);
    sendPage(
      response,
      html`<${ConsultationListPage} context=${context} open=${open} upcoming=${upcoming} closed=${closed} sourceNames=${names} canCreate=${isEditor(context.account)} now=${now} />`,
    );
  });

  router.get("/consultations/new", editors, async (request, response) => {
    await showEditor(request, response, { primaryLanguage: response.locals.language, timeZone: "UTC" }, {}, null);
  });

  router.post("/consultations", editors, async (request, response) => {
    const form = request.body as ConsultationForm;
    const result = await readForm(form);
    if (!result.ok) return showEditor(request, response, form, result.errors, null);
    const item = await consultations.create(result.value, response.locals.account);
    response.redirect(303, `${consultationPath(item.slug)}?notice=published`);
  });

  router.get("/consultations/:slug", async (request, response) => {
    const item = await visible(request, response);
    if (item) await showConsultation(request, response, item);
  });

  router.post("/consultations/:slug/replies", async (request, response) => {
    const item = await visible(request, response);
    if (!item) return;
    const refusal = submissionRefusal(item);
    await receiveReply(services, request, response, {
      rootIri: item.iri,
      pagePath: consultationPath(item.slug),
      refusal: refusal ? `consultations:errors.${refusal}` : null,
      languages: { accepted: replyLanguages(item), error: "consultations:errors.replyLanguage" },
      show: (form) => showConsultation(request, response, item, form, 422),
    });
  });

  router.get("/consultations/:slug/edit", editors, async (request, response) => {
    const item = await editable(request, response);
    if (item) await showEditor(request, response, consultationToForm(item), {}, item);
  });

  router.post("/consultations/:slug/edit", editors, async (request, response) => {
    const item = await editable(request, response);
    if (!item) return;
    const form = request.body as ConsultationForm;
    const result = await readForm(form);
    if (!result.ok) return showEditor(request, response, form, result.errors, item);
    const saved = await consultations.update(item, result.value);
    response.redirect(303, `${consultationPath(saved.slug)}?notice=saved`);
  });

  router.post("/consultations/:slug/delete", editors, async (request, response) => {
    const item = await editable(request, response);
    if (!item) return;
    if (request.body.confirm !== "yes") return showEditor(request, response, consultationToForm(item), { confirm: "confirmDelete" }, item);
    await consultations.remove(item);
    response.redirect(303, "/consultations?notice=deleted");
  });

  async function showOutcome(request: Request, response: Response, item: Consultation, form: ConsultationForm, errors: FieldErrors) {
    const context = await pageContext(services, request, response);
    const title = item.text[item.primaryLanguage]?.title ?? item.slug;
    sendPage(
      response,
      html`<${OutcomeEditorPage} context=${context} title=${title} form=${form} errors=${errors} action=${`${consultationPath(item.slug)}/outcome`} primaryLanguage=${item.primaryLanguage} />`,
      Object.keys(errors).length > 0 ? 422 : 200,
    );
  }

  /** Finds a local consultation whose summary may be written: it must have closed, since the summary reports what was heard. */
  async function closedForOutcome(request: Request, response: Response): Promise<Consultation | null> {
    const item = await editable(request, response);
    if (!item) return null;
    if (consultationState(item) === "closed") return item;
    response.redirect(303, consultationPath(item.slug));
    return null;
  }

  router.get("/consultations/:slug/outcome", editors, async (request, response) => {
    const item = await closedForOutcome(request, response);
    if (!item) return;
    const form: ConsultationForm = Object.fromEntries(LANGUAGES.map((language) => [`outcome.${language}`, item.outcome?.[language] ?? ""]));
    await showOutcome(request, response, item, form, {});
  });

  router.post("/consultations/:slug/outcome", editors, async (request, response) => {
    const item = await closedForOutcome(request, response);
    if (!item) return;
    const form = request.body as ConsultationForm;
    const input = Object.fromEntries(LANGUAGES.map((language) => [language, form[`outcome.${language}`]]));
    const result = validateOutcome(input, item.primaryLanguage);
    if (!result.ok) return showOutcome(request, response, item, form, result.errors);
    await consultations.publishOutcome(item, result.value);
    response.redirect(303, `${consultationPath(item.slug)}?notice=outcomePublished#outcome-heading`);
  });
}
