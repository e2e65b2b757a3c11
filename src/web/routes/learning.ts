import type { Express, Request, Response, Router } from "express";

import { validateLearningFields, type LearningOpportunity } from "../../domain/learning.ts";
import { learningPath } from "../../domain/learning-service.ts";
import { absolute } from "../../domain/urls.ts";
import type { Account } from "../../storage/types.ts";
import { html } from "../../../views/html.ts";
import { CalendarPage, LearningPage } from "../../../views/pages/learning.ts";
import { LearningEditorPage } from "../../../views/pages/learning-editor.ts";
import { MessagePage } from "../../../views/pages/simple.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { partnerNames } from "../partner-names.ts";
import { EMPTY_REPLY_FORM, loadDiscussion, receiveReply, type ReplyForm } from "../discussion.ts";
import { buildCalendar } from "../ical.ts";
import { formToLearningInput, learningErrorsToFormFields, learningToForm, type LearningForm } from "../learning-form.ts";
import { requireRole } from "./editor.ts";

/** Items listed in each part of the calendar page. */
const CALENDAR_PAGE_SIZE = 50;
/** How far back /calendar.ics reaches, in days, so that subscribers keep recent sessions and their recordings. */
const ICS_RECENT_DAYS = 90;
/** Maximum number of items in /calendar.ics, upcoming and recent together. */
const ICS_MAX_ITEMS = 500;

const ACTIVITYPUB_TYPES = ["application/activity+json", "application/ld+json"];

function acceptsActivityPub(request: Request): boolean {
  const accept = request.headers.accept ?? "";
  return ACTIVITYPUB_TYPES.some((type) => accept.includes(type));
}

/** Reviewers edit and translate learning opportunities but do not create or delete them. */
function mayDelete(account: Account | null): boolean {
  return account?.role === "admin" || account?.role === "editor";
}

function canEdit(account: Account | null, item: LearningOpportunity): boolean {
  return item.local && !item.deleted && account !== null && account.role !== "member";
}

/**
 * Returns 410 and a Tombstone to ActivityPub reads of a deleted learning
 * opportunity. It must be registered before the federation middleware,
 * because Fedify 2.3.6 object dispatchers cannot send 410 themselves.
 */
export function registerLearningTombstones(app: Express, services: WebServices): void {
  app.get("/learning/:slug", async (request, response, next) => {
    try {
      const item = await services.store.learning.bySlug(request.params.slug);
      if (!item?.local || !item.deleted || !acceptsActivityPub(request)) return next();
      response.status(410).type("application/activity+json").send(
        JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: item.iri, type: "Tombstone", formerType: "Event", deleted: item.deleted }),
      );
    } catch (error) {
      next(error);
    }
  });
}

/** Registers the calendar, the learning opportunity pages, their iCalendar files and the editor. */
export function registerLearningRoutes(router: Router, services: WebServices): void {
  const { store, config, learning } = services;
  const editors = requireRole(services, ["admin", "editor"]);
  const reviewers = requireRole(services, ["admin", "editor", "reviewer"]);

  async function notFound(request: Request, response: Response, status = 404) {
    const context = await pageContext(services, request, response);
    const [title, message] = status === 410 ? ["learning:page.goneTitle", "learning:page.gone"] : ["errors:notFoundTitle", "errors:notFound"];
    sendPage(response, html`<${MessagePage} context=${context} title=${context.t(title)} message=${context.t(message)} />`, status);
  }

  /** Builds the page context, with the notice a redirect requested (?notice=) taken from the learning translations. */
  async function learningContext(request: Request, response: Response) {
    const context = await pageContext(services, request, response);
    const notice = typeof request.query.notice === "string" ? context.t(`learning:notices.${request.query.notice}`, { defaultValue: "" }) : "";
    return notice ? { ...context, notice } : context;
  }

  async function showEditor(request: Request, response: Response, form: LearningForm, errors: Record<string, string>, existing: LearningOpportunity | null) {
    const context = await pageContext(services, request, response);
    const action = existing ? `${learningPath(existing.slug)}/edit` : "/learning";
    const deleteAction = existing && mayDelete(response.locals.account) ? `${learningPath(existing.slug)}/delete` : null;
    sendPage(
      response,
      html`<${LearningEditorPage} context=${context} form=${form} errors=${errors} action=${action} isNew=${existing === null} deleteAction=${deleteAction} />`,
      Object.keys(errors).length > 0 ? 422 : 200,
    );
  }

  /** Finds a local, undeleted item to edit, or sends 404. */
  async function editable(request: Request, response: Response): Promise<LearningOpportunity | null> {
    const item = await store.learning.bySlug(String(request.params.slug));
    if (item && item.local && !item.deleted) return item;
    await notFound(request, response);
    return null;
  }

  /** Finds an item readers may see: not deleted, and not hidden by moderation unless the reader is a moderator. */
  async function visible(request: Request, response: Response): Promise<LearningOpportunity | null> {
    const item = await store.learning.bySlug(String(request.params.slug));
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
    return item;
  }

  router.get("/calendar", async (request, response) => {
    const context = await learningContext(request, response);
    const now = new Date().toISOString();
    const [upcoming, past] = await Promise.all([
      store.learning.list({ when: "upcoming", now, limit: CALENDAR_PAGE_SIZE, offset: 0 }),
      store.learning.list({ when: "past", now, limit: CALENDAR_PAGE_SIZE, offset: 0 }),
    ]);
    // TODO: page through the calendar once an instance contains more than CALENDAR_PAGE_SIZE upcoming or past items; the page says how many are not shown.
    const names = await partnerNames(store, [...upcoming.items, ...past.items], context.language);
    sendPage(response, html`<${CalendarPage} context=${context} upcoming=${upcoming} past=${past} sourceNames=${names} />`);
  });

  router.get("/calendar.ics", async (request, response) => {
    const context = await pageContext(services, request, response);
    const now = new Date();
    const since = new Date(now.getTime() - ICS_RECENT_DAYS * 86_400_000).toISOString();
    const [upcoming, recent] = await Promise.all([
      store.learning.list({ when: "upcoming", now: now.toISOString(), limit: ICS_MAX_ITEMS, offset: 0 }),
      store.learning.list({ when: "upcoming", now: since, limit: ICS_MAX_ITEMS, offset: 0 }),
    ]);
    // Items that ended in the last ICS_RECENT_DAYS are "upcoming" as seen from `since`; the set removes the overlap.
    const items = [...new Map([...upcoming.items, ...recent.items].map((item) => [item.iri, item])).values()].slice(0, ICS_MAX_ITEMS);
    const entries = items.map((item) => ({ item, pageUrl: absolute(config.origin, learningPath(item.slug)) }));
    const body = buildCalendar(entries, { name: `${context.siteName} · ${context.t("learning:calendar.title")}`, language: context.language, now });
    response.status(200).type("text/calendar; charset=utf-8").set("Content-Disposition", 'inline; filename="calendar.ics"').send(body);
  });

  router.get("/learning/new", editors, async (request, response) => {
    await showEditor(request, response, { primaryLanguage: response.locals.language, timeZone: "UTC" }, {}, null);
  });

  router.post("/learning", editors, async (request, response) => {
    const form = request.body as LearningForm;
    const result = validateLearningFields(formToLearningInput(form));
    if (!result.ok) return showEditor(request, response, form, learningErrorsToFormFields(result.errors), null);
    const item = await learning.create(result.value, response.locals.account);
    response.redirect(303, `${learningPath(item.slug)}?notice=published`);
  });

  router.get("/learning/:slug.ics", async (request, response) => {
    const item = await visible(request, response);
    if (!item) return;
    const context = await pageContext(services, request, response);
    const body = buildCalendar([{ item, pageUrl: absolute(config.origin, learningPath(item.slug)) }], { name: context.siteName, language: context.language });
    response.status(200).type("text/calendar; charset=utf-8").set("Content-Disposition", `inline; filename="${item.slug}.ics"`).send(body);
  });

  async function showLearning(request: Request, response: Response, item: LearningOpportunity, replyForm: ReplyForm = EMPTY_REPLY_FORM, status = 200) {
    const context = await learningContext(request, response);
    const names = await partnerNames(store, [item], context.language);
    const sourceName = item.sourceActor ? (names.get(item.sourceActor) ?? null) : null;
    const { replies, likes, shares, replyTo } = await loadDiscussion(store, request, item.iri);
    sendPage(
      response,
      html`<${LearningPage} context=${context} item=${item} sourceName=${sourceName} canEdit=${canEdit(context.account, item)}
        replies=${replies} likes=${likes} shares=${shares} replyTo=${replyTo} replyForm=${replyForm} />`,
      status,
    );
  }

  router.get("/learning/:slug", async (request, response) => {
    const item = await visible(request, response);
    if (item) await showLearning(request, response, item);
  });

  // Local learning opportunities and partner copies share the /learning/ paths, so one route takes replies to both.
  router.post("/learning/:slug/replies", async (request, response) => {
    const item = await visible(request, response);
    if (!item) return;
    await receiveReply(services, request, response, {
      rootIri: item.iri,
      pagePath: learningPath(item.slug),
      show: (form) => showLearning(request, response, item, form, 422),
    });
  });

  router.get("/learning/:slug/edit", reviewers, async (request, response) => {
    const item = await editable(request, response);
    if (item) await showEditor(request, response, learningToForm(item), {}, item);
  });

  router.post("/learning/:slug/edit", reviewers, async (request, response) => {
    const item = await editable(request, response);
    if (!item) return;
    const form = request.body as LearningForm;
    const result = validateLearningFields(formToLearningInput(form));
    if (!result.ok) return showEditor(request, response, form, learningErrorsToFormFields(result.errors), item);
    const saved = await learning.update(item, result.value);
    response.redirect(303, `${learningPath(saved.slug)}?notice=saved`);
  });

  router.post("/learning/:slug/delete", editors, async (request, response) => {
    const item = await editable(request, response);
    if (!item) return;
    if (request.body.confirm !== "yes") return showEditor(request, response, learningToForm(item), { confirm: "confirmDelete" }, item);
    await learning.remove(item);
    response.redirect(303, "/calendar?notice=deleted");
  });
}
