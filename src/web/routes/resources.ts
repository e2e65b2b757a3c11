import fs from "node:fs";
import path from "node:path";
import { missingAccessibilityKey } from "../../domain/resource.ts";

import type { Express, Request, Response, Router } from "express";

import { mediaTypeOfExtension } from "../../domain/file-types.ts";
import { activityTypeOf } from "../../../federation/resource-mapping.ts";
import { isMediaType, validateResourceFields, type CaptionTrack, type Resource, type ResourceFile } from "../../domain/resource.ts";
import {
  InaccessibleMediaError,
  requiresAccessibleMedia,
  resourcePath,
  setRequireAccessibleMedia,
  type ResourceFiles,
} from "../../domain/resources.ts";
import { LANGUAGES } from "../../domain/vocabulary.ts";
import type { Account, Store } from "../../storage/types.ts";
import { html } from "../../../views/html.ts";
import { ResourceAdminPage, ResourceEditorPage } from "../../../views/pages/resource-editor.ts";
import { ResourcePage } from "../../../views/pages/resource.ts";
import { MessagePage } from "../../../views/pages/simple.ts";
import { pageContext, sendPage, type WebServices } from "../context.ts";
import { readUploadForm } from "../upload-form.ts";
import { partnerNames } from "../partner-names.ts";
import { EMPTY_REPLY_FORM, loadDiscussion, receiveReply, type ReplyForm } from "../discussion.ts";
import { resourceErrorsToFormFields, resourceFormToInput, resourceToForm, type ErrorParams, type ResourceForm } from "../resource-form.ts";
import { filesDirectory, keptFile, keptFileProof, STORED_FILE_NAME, type UploadResult } from "../uploads.ts";
import { isStaff, lockedForAuthor, mayEditPractice, requireRole, saveOptions, sendLocked } from "./editor.ts";
import { reviewActions, reviewHistory, seesReview } from "./review.ts";
import { ReviewPanel } from "../../../views/components/review.ts";
import { isPublic } from "../../domain/workflow.ts";


const ACTIVITYPUB_TYPES = ["application/activity+json", "application/ld+json"];

/** Media types a browser may show in place; anything else is sent as a download. */
const INLINE_TYPES = /^(application\/pdf|image\/(png|jpeg|webp|gif)|video\/|audio\/|text\/vtt$)/;

/**
 * Sends 410 with a Tombstone for deleted local resources requested as
 * ActivityPub. It runs before Fedify, whose object dispatchers cannot send 410.
 */
export function registerResourceTombstones(app: Express, store: Store): void {
  app.get("/resources/:slug", async (request, response, next) => {
    try {
      const accept = request.headers.accept ?? "";
      const resource = await store.resources.bySlug(request.params.slug);
      if (!resource?.local || !resource.deleted || !ACTIVITYPUB_TYPES.some((type) => accept.includes(type))) return next();
      const formerType = activityTypeOf(resource);
      response.status(410).type("application/activity+json").send(
        JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: resource.iri, type: "Tombstone", formerType, deleted: resource.deleted }),
      );
    } catch (error) {
      next(error);
    }
  });
}

function mayDelete(account: Account | null): boolean {
  return account?.role === "admin" || account?.role === "editor";
}

/**
 * Returns whether the reader may see a resource: a public one unless
 * moderation hid it from readers, and a draft or submission only as its
 * author or as staff.
 */
function maySee(account: Account | null, resource: Resource): boolean {
  const hiddenFromReader = resource.hidden && (account === null || account.role === "member");
  return !hiddenFromReader && (isPublic(resource.status) || seesReview(account, resource));
}

export function registerResourceRoutes(router: Router, services: WebServices) {
  const { store, config, resources } = services;
  const editors = requireRole(services, ["admin", "editor"]);
  const writers = requireRole(services, ["admin", "editor", "member"]);
  const signedIn = requireRole(services, ["admin", "editor", "reviewer", "member"]);
  const admins = requireRole(services, ["admin"]);
  const directory = filesDirectory(config.dataDir);
  const maxMegabytes = Math.round((config.maxUploadBytes / (1024 * 1024)) * 100) / 100;

  async function notFound(request: Request, response: Response) {
    const context = await pageContext(services, request, response);
    sendPage(response, html`<${MessagePage} context=${context} title=${context.t("errors:notFoundTitle")} message=${context.t("errors:notFound")} />`, 404);
  }

  async function showEditor(request: Request, response: Response, form: ResourceForm, errors: Record<string, string>, params: ErrorParams, existing: Resource | null) {
    const context = await pageContext(services, request, response);
    const action = existing ? `${resourcePath(existing)}/edit` : "/resources";
    const status = Object.keys(errors).length > 0 ? 422 : 200;
    sendPage(
      response,
      html`<${ResourceEditorPage} context=${context} form=${form} errors=${errors} params=${params} action=${action} isNew=${existing === null}
        published=${existing !== null && isPublic(existing.status)} submitOnly=${!isStaff(response.locals.account)} maxMegabytes=${maxMegabytes} requireAccessible=${await requiresAccessibleMedia(store)}
        deleteAction=${existing && mayDelete(response.locals.account) ? `${resourcePath(existing)}/delete` : null} />`,
      status,
    );
  }

  /** Returns the resource if the reader may edit it, as mayEditPractice decides for practices, and sends 404 otherwise. */
  async function editable(request: Request, response: Response): Promise<Resource | null> {
    const resource = await store.resources.bySlug(String(request.params.slug));
    const account = response.locals.account as Account | null;
    if (resource && resource.local && !resource.deleted && (mayDelete(account) || mayEditPractice(account, resource))) return resource;
    if (resource && lockedForAuthor(account, resource)) {
      await sendLocked(services, request, response);
      return null;
    }
    await notFound(request, response);
    return null;
  }

  /**
   * Reads the posted form with its uploads, works out which files the
   * resource keeps, and validates it. Sends the CSRF rejection itself and
   * then returns null.
   */
  async function readSubmission(request: Request, response: Response, existing: Resource | null) {
    let form: ResourceForm;
    let uploads: Record<string, UploadResult> = {};
    if (request.is("multipart/form-data")) {
      const parsed = await readUploadForm(services, request, response, {
        directory,
        maxBytes: config.maxUploadBytes,
        accepts: (field, type) => (field.startsWith("captions.") ? type.mediaType === "text/vtt" : type.mediaType !== "text/vtt"),
        captionFields: (field) => field.startsWith("captions."),
      });
      if (!parsed) return null;
      form = parsed.fields;
      uploads = parsed.files;
    } else {
      form = { ...(request.body as ResourceForm) };
    }

    const errors: Record<string, string> = {};
    const params: ErrorParams = {};
    const csrfToken = String(response.locals.csrfToken ?? "");
    // A kept file must be one this resource already has, or one this session uploaded (its proof is keyed by the session's token).
    const ownFiles = new Set([existing?.file?.href, ...(existing?.captions ?? []).map((caption) => caption.file.href)].filter((href): href is string => Boolean(href)));
    const uploadedOrKept = (field: string, keptField: string, removeField: string): ResourceFile | null => {
      const upload = uploads[field];
      if (upload?.ok) {
        form[keptField] = JSON.stringify({ ...upload.file, proof: keptFileProof(upload.file.href, csrfToken) });
        return upload.file;
      }
      if (upload && !upload.ok) {
        errors[field] = `resources:errors.${upload.error === "captionInvalid" && upload.line === 0 ? "captionEmpty" : upload.error}`;
        params[field] = { max: new Intl.NumberFormat(String(response.locals.language)).format(maxMegabytes), line: upload.line ?? 0 };
      }
      if (form[removeField] === "on") {
        delete form[keptField];
        return null;
      }
      return keptFile(form[keptField], directory, { csrfToken, ownFiles });
    };

    const file = uploadedOrKept("file", "keptFile", "removeFile");
    const captions: CaptionTrack[] = [];
    for (const language of LANGUAGES) {
      const caption = uploadedOrKept(`captions.${language}`, `keptCaption.${language}`, `removeCaption.${language}`);
      if (caption) captions.push({ language, file: caption });
    }

    const result = validateResourceFields(resourceFormToInput(form));
    if (!result.ok) Object.assign(errors, { ...resourceErrorsToFormFields(result.errors), ...errors });
    const type = result.ok ? result.value.resourceType : String(form.resourceType ?? "");
    const link = result.ok ? result.value.link : String(form.link ?? "").trim();
    if (!errors.file && !file && !link) errors.file = "resources:errors.fileOrLink";
    if (!errors.file && file && (type === "video" || type === "audio") && !file.mediaType?.startsWith(`${type}/`)) {
      errors.file = `resources:errors.mediaMismatch.${type}`;
    }
    const isMedia = isMediaType(type as Resource["resourceType"]);
    const files: ResourceFiles = { file, captions: isMedia ? captions : [] };
    return { form, errors, params, value: result.ok ? result.value : null, files };
  }

  router.get("/resources/new", writers, async (request, response) => {
    await showEditor(request, response, { licence: "CC-BY-4.0", primaryLanguage: response.locals.language, languages: [response.locals.language] }, {}, {}, null);
  });

  async function save(request: Request, response: Response, existing: Resource | null) {
    const submission = await readSubmission(request, response, existing);
    if (!submission) return;
    const { form, errors, params, value, files } = submission;
    if (Object.keys(errors).length > 0 || !value) return showEditor(request, response, form, errors, params, existing);
    const account = response.locals.account as Account;
    const options = saveOptions(account, form.action);
    try {
      const saved = existing ? await resources.update(existing, value, files, { ...options, by: account }) : await resources.create(value, files, account, options);
      const notices: Partial<Record<Resource["status"], string>> = { published: "published", submitted: "submitted" };
      let notice = notices[saved.status] ?? "draftSaved";
      if (existing) notice = saved.status === "submitted" && existing.status === "draft" ? "submitted" : "saved";
      response.redirect(303, `${resourcePath(saved)}?notice=${notice}`);
    } catch (error) {
      if (!(error instanceof InaccessibleMediaError)) throw error;
      return showEditor(request, response, form, { publish: `resources:errors.inaccessible.${missingAccessibilityKey(error.missing)}` }, params, existing);
    }
  }

  router.post("/resources", writers, (request, response) => save(request, response, null));

  router.get("/resources/:slug/edit", signedIn, async (request, response) => {
    const resource = await editable(request, response);
    if (resource) await showEditor(request, response, resourceToForm(resource), {}, {}, resource);
  });

  router.post("/resources/:slug/edit", signedIn, async (request, response) => {
    const resource = await editable(request, response);
    if (resource) await save(request, response, resource);
  });

  router.post("/resources/:slug/delete", editors, async (request, response) => {
    const resource = await editable(request, response);
    if (!resource) return;
    if (request.body.confirm !== "yes") return showEditor(request, response, resourceToForm(resource), { confirm: "confirmDelete" }, {}, resource);
    await resources.remove(resource);
    response.redirect(303, "/library?notice=resourceDeleted");
  });

  async function showResource(
    request: Request,
    response: Response,
    resource: Resource | null,
    reviewForm = { comment: "", error: null as string | null },
    status = 200,
    replyForm: ReplyForm = EMPTY_REPLY_FORM,
  ) {
    const notice = typeof request.query.notice === "string" && /^[a-zA-Z]+$/.test(request.query.notice) ? request.query.notice : null;
    const context = await pageContext(services, request, response);
    // Notices of the discussion and its moderation ("replyPosted", "replyHidden") come from the common translations.
    if (notice) context.notice = context.t(`resources:notices.${notice}`, { defaultValue: "" }) || context.notice;
    const account = context.account;
    if (!resource || !maySee(account, resource)) return notFound(request, response);
    if (resource.deleted) {
      return sendPage(response, html`<${MessagePage} context=${context} title=${context.t("resources:gone.title")} message=${context.t("resources:gone.message")} />`, 410);
    }
    const sourceName = resource.sourceActor ? ((await partnerNames(store, [resource], context.language)).get(resource.sourceActor) ?? null) : null;
    const review = seesReview(account, resource)
      ? html`<${ReviewPanel} context=${context} action=${`/resources/${encodeURIComponent(resource.slug)}/review`} status=${resource.status}
          history=${await reviewHistory(store, resource.iri)} actions=${reviewActions(account, resource)} comment=${reviewForm.comment} error=${reviewForm.error} />`
      : null;
    const { replies, likes, shares, replyTo } = await loadDiscussion(store, request, resource.iri);
    sendPage(
      response,
      html`<${ResourcePage} context=${context} resource=${resource} sourceName=${sourceName} canEdit=${mayEditPractice(account, resource)} review=${review} reviewError=${reviewForm.error}
        replies=${replies} likes=${likes} shares=${shares} replyTo=${replyTo} replyForm=${replyForm} />`,
      status,
    );
  }

  /** Adds a member's reply to a published resource's discussion; any other resource gets the page showResource sends for it. */
  async function reply(request: Request, response: Response, resource: Resource | null) {
    const account = response.locals.account as Account | null;
    if (!resource || !maySee(account, resource) || resource.deleted || !isPublic(resource.status)) return showResource(request, response, resource);
    await receiveReply(services, request, response, {
      rootIri: resource.iri,
      pagePath: resourcePath(resource),
      show: (form) => showResource(request, response, resource, undefined, 422, form),
    });
  }

  router.post("/resources/:slug/replies", async (request, response) => {
    const resource = await store.resources.bySlug(request.params.slug);
    await reply(request, response, resource?.local ? resource : null);
  });

  router.post("/library/resources/:slug/replies", async (request, response) => {
    const resource = await store.resources.bySlug(request.params.slug);
    await reply(request, response, resource && !resource.local ? resource : null);
  });

  router.get("/resources/:slug", async (request, response) => {
    const resource = await store.resources.bySlug(request.params.slug);
    await showResource(request, response, resource?.local ? resource : null);
  });

  router.get("/library/resources/:slug", async (request, response) => {
    const resource = await store.resources.bySlug(request.params.slug);
    if (resource?.local) return response.redirect(301, resourcePath(resource));
    await showResource(request, response, resource);
  });

  /**
   * Serves a stored file to those who may see a resource that uses it: anyone
   * for a public resource, only its author and the staff for a draft or a
   * submission. A file no live resource uses, such as one left by a rejected
   * form or a deleted resource, is not served at all. Names are the SHA-256 of
   * the content, so they cannot be guessed, but an address copied from a draft
   * must still not open it for other readers.
   */
  router.get("/files/:name", async (request, response) => {
    const name = request.params.name;
    const mediaType = STORED_FILE_NAME.test(name) ? mediaTypeOfExtension(name.split(".")[1]) : null;
    if (!mediaType || !fs.existsSync(path.join(directory, name))) return notFound(request, response);
    const resourcesUsingFile = (await store.resources.usingFile(`/files/${name}`)).filter((resource) => !resource.deleted);
    const isPublicFile = resourcesUsingFile.some((resource) => maySee(null, resource));
    if (!isPublicFile && !resourcesUsingFile.some((resource) => maySee(response.locals.account as Account | null, resource))) return notFound(request, response);
    response.setHeader("Content-Type", mediaType === "text/vtt" ? "text/vtt; charset=utf-8" : mediaType);
    if (!INLINE_TYPES.test(mediaType)) response.setHeader("Content-Disposition", "attachment");
    // A public file never changes under its hash, so caches may keep it for a year. A draft's file is cached
    // only by the reader's browser, which revalidates it on each request so that a later withdrawal takes effect.
    // NOTE: a file cached as public stays in shared caches for up to a year after its resource is withdrawn.
    const caching = isPublicFile ? { maxAge: "365d", immutable: true } : { cacheControl: false };
    if (!isPublicFile) response.setHeader("Cache-Control", "private, no-cache");
    // express's sendFile (through the send module) returns 206 for a single byte range and sets Accept-Ranges.
    await new Promise<void>((resolve, reject) => {
      response.sendFile(name, { root: directory, dotfiles: "deny", ...caching, acceptRanges: true, lastModified: false }, (error) => {
        const failure = error as (Error & { status?: number; headers?: Record<string, string> }) | undefined;
        if (!failure || response.headersSent) return resolve();
        // The send module reports 416 (with its Content-Range header) and 412 as errors that carry the status to send.
        if (failure.status && failure.status < 500) {
          response.status(failure.status).set(failure.headers ?? {}).end();
          return resolve();
        }
        reject(failure);
      });
    });
  });

  router.get("/admin/resources", admins, async (request, response) => {
    const context = await pageContext(services, request, response);
    const notice = request.query.notice === "saved" ? context.t("resources:notices.settingsSaved") : null;
    sendPage(response, html`<${ResourceAdminPage} context=${{ ...context, notice }} requireAccessible=${await requiresAccessibleMedia(store)} />`);
  });

  router.post("/admin/resources", admins, async (request, response) => {
    await setRequireAccessibleMedia(store, request.body.requireAccessible === "true");
    response.redirect(303, "/admin/resources?notice=saved");
  });
  return { showResource };
}
