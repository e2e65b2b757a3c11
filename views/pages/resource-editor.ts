import { RESOURCE_TEXT_FIELDS, RESOURCE_TYPES, type ResourceFile } from "../../src/domain/resource.ts";
import { LANGUAGES, LICENCES, REGIONS, THEME_IDS } from "../../src/domain/vocabulary.ts";
import type { ErrorParams, ResourceForm } from "../../src/web/resource-form.ts";
import { fieldId } from "../../src/web/practice-form.ts";
import { formatSize } from "../components/resource-card.ts";
import { AdminNav, Layout } from "../layout.ts";
import { CsrfField, html, inFieldOrder, languageName, type PageContext, type Translate } from "../html.ts";
import { ErrorSummary } from "../components/error-summary.ts";

interface FieldProps {
  t: Translate;
  name: string;
  label: string;
  required?: boolean;
  form: ResourceForm;
  errors: Record<string, string>;
  params: ErrorParams;
  hint?: string;
}

function value(form: ResourceForm, name: string): string {
  const current = form[name];
  return Array.isArray(current) ? (current[0] ?? "") : (current ?? "");
}

function selected(form: ResourceForm, name: string): string[] {
  const current = form[name];
  if (Array.isArray(current)) return current;
  return current ? [current] : [];
}

/** Translates an error key: resource keys carry their namespace, the shared ones live under `errors:`. */
export function errorMessage(t: Translate, key: string, params: Record<string, string | number> = {}): string {
  return t(key.includes(":") ? key : `errors:${key}`, params);
}

function describedBy(props: FieldProps): string | undefined {
  const ids = [props.hint ? `${fieldId(props.name)}-hint` : null, props.errors[props.name] ? `${fieldId(props.name)}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function labelText(props: FieldProps): string {
  return props.required ? `${props.label} ${props.t("editor.required")}` : props.label;
}

function FieldMessages(props: FieldProps) {
  const error = props.errors[props.name];
  return html`
    ${props.hint ? html`<p class="hint" id=${`${fieldId(props.name)}-hint`}>${props.hint}</p>` : null}
    ${error ? html`<p class="field-error" id=${`${fieldId(props.name)}-error`}>${errorMessage(props.t, error, props.params[props.name])}</p>` : null}
  `;
}

function TextInput(props: FieldProps & { type?: string; multiline?: boolean; rows?: number; lang?: string }) {
  const id = fieldId(props.name);
  const invalid = props.errors[props.name] ? "true" : undefined;
  return html`
    <div class="field">
      <label for=${id}>${labelText(props)}</label>
      ${props.multiline
        ? html`<textarea id=${id} name=${props.name} rows=${props.rows ?? 4} lang=${props.lang} aria-invalid=${invalid} aria-describedby=${describedBy(props)}>${value(props.form, props.name)}</textarea>`
        : html`<input id=${id} name=${props.name} type=${props.type ?? "text"} value=${value(props.form, props.name)} lang=${props.lang}
            aria-required=${props.required ? "true" : undefined} aria-invalid=${invalid} aria-describedby=${describedBy(props)} />`}
      <${FieldMessages} ...${props} />
    </div>
  `;
}

function Select(props: FieldProps & { options: readonly string[]; labelOf: (option: string) => string; allowEmpty?: boolean }) {
  const id = fieldId(props.name);
  const current = value(props.form, props.name);
  return html`
    <div class="field">
      <label for=${id}>${labelText(props)}</label>
      <select id=${id} name=${props.name} aria-required=${props.required ? "true" : undefined} aria-invalid=${props.errors[props.name] ? "true" : undefined} aria-describedby=${describedBy(props)}>
        ${props.allowEmpty ? html`<option value="">${props.t("editor.choose")}</option>` : null}
        ${props.options.map((option) => html`<option value=${option} selected=${option === current}>${props.labelOf(option)}</option>`)}
      </select>
      <${FieldMessages} ...${props} />
    </div>
  `;
}

function Checkboxes(props: FieldProps & { options: readonly string[]; labelOf: (option: string) => string }) {
  const chosen = selected(props.form, props.name);
  const base = fieldId(props.name);
  return html`
    <fieldset class="checkboxes" aria-invalid=${props.errors[props.name] ? "true" : undefined} aria-describedby=${describedBy(props)} id=${base}>
      <legend>${labelText(props)}</legend>
      ${props.options.map((option) => {
        const id = `${base}-${option}`;
        return html`<div class="choice">
          <input type="checkbox" id=${id} name=${props.name} value=${option} checked=${chosen.includes(option)} />
          <label for=${id}>${props.labelOf(option)}</label>
        </div>`;
      })}
      <${FieldMessages} ...${props} />
    </fieldset>
  `;
}

function keptFileOf(form: ResourceForm, name: string): ResourceFile | null {
  try {
    const parsed = JSON.parse(value(form, name)) as ResourceFile;
    return typeof parsed.href === "string" ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * Renders a file input. A file stored by an earlier post of the form travels
 * in a hidden field, is named beside the input and can be removed. A rejected
 * file must be chosen again, and its error message tells the editor so.
 */
function FileInput(props: FieldProps & { keptName: string; removeName: string; accept: string; language: string }) {
  const id = fieldId(props.name);
  const kept = keptFileOf(props.form, props.keptName);
  const removeId = fieldId(props.removeName);
  return html`
    <div class="field">
      <label for=${id}>${labelText(props)}</label>
      ${kept
        ? html`<input type="hidden" name=${props.keptName} value=${JSON.stringify(kept)} />
            <p class="hint" id=${`${id}-kept`}>${props.t("resources:editor.keptFile", { name: kept.name, size: kept.size !== null ? formatSize(kept.size, props.language) : "" })}</p>`
        : null}
      <input id=${id} name=${props.name} type="file" accept=${props.accept} aria-invalid=${props.errors[props.name] ? "true" : undefined}
        aria-describedby=${[describedBy(props), kept ? `${id}-kept` : null].filter(Boolean).join(" ") || undefined} />
      <${FieldMessages} ...${props} />
      ${kept
        ? html`<div class="choice">
            <input type="checkbox" id=${removeId} name=${props.removeName} checked=${value(props.form, props.removeName) === "on"} />
            <label for=${removeId}>${props.t("resources:editor.removeFile", { name: kept.name })}</label>
          </div>`
        : null}
    </div>
  `;
}

const FILE_ACCEPT = ".pdf,.odt,.ods,.odp,.docx,.xlsx,.pptx,.png,.jpg,.jpeg,.webp,.gif,.mp4,.m4a,.webm,.mp3,.ogg,.ogv,.wav";

/** Returns the field name that starts an error's line in the summary. */
function summaryLabel(t: Translate, interfaceLanguage: string, name: string): string {
  const text = /^text\.(en|fr|es)\.(\w+)$/.exec(name);
  if (text) return t(`resources:fields.${text[2]}InLanguage`, { language: languageName(interfaceLanguage, text[1]) });
  const caption = /^captions\.(en|fr|es)$/.exec(name);
  if (caption) return t("resources:fields.captionIn", { language: languageName(interfaceLanguage, caption[1]) });
  return t(`resources:fields.${name}`);
}

/** Renders the resource editor: text in up to three languages, the file or link, the recording's accessibility, then the details. */
export function ResourceEditorPage(props: {
  context: PageContext;
  form: ResourceForm;
  errors: Record<string, string>;
  params: ErrorParams;
  action: string;
  isNew: boolean;
  published: boolean;
  /** For members, whose only way to publication is review: Submit for review instead of Publish. */
  submitOnly?: boolean;
  maxMegabytes: number;
  requireAccessible: boolean;
  deleteAction: string | null;
}) {
  const { t, language } = props.context;
  const common = { t, form: props.form, errors: props.errors, params: props.params };
  const title = props.isNew ? t("resources:editor.newTitle") : t("resources:editor.editTitle");
  const form = html`
      <form method="post" action=${props.action} enctype="multipart/form-data" class="editor" novalidate>
        <${CsrfField} context=${props.context} />
        <${Select} ...${common} name="resourceType" required=${true} label=${t("resources:fields.resourceType")} options=${RESOURCE_TYPES} allowEmpty=${true}
          labelOf=${(id: string) => t(`resources:types.${id}`)} />
        <${Select} ...${common} name="primaryLanguage" required=${true} label=${t("editor.primaryLanguage")} hint=${t("resources:editor.primaryLanguageHint")}
          options=${LANGUAGES} labelOf=${(code: string) => languageName(language, code, true)} />
        ${LANGUAGES.map(
          (code) => html`
            <fieldset class="language-block" lang=${code}>
              <legend lang=${language}>${t("editor.textIn", { language: languageName(language, code) })}</legend>
              ${RESOURCE_TEXT_FIELDS.map(
                (field) => html`<${TextInput} ...${common} name=${`text.${code}.${field}`} lang=${code}
                  label=${t(`resources:fields.${field}InLanguage`, { language: languageName(language, code) })}
                  multiline=${field !== "title"} rows=${field === "summary" ? 3 : 6}
                  hint=${field === "transcript" ? t("resources:editor.transcriptHint") : undefined} />`,
              )}
            </fieldset>
          `,
        )}
        <fieldset>
          <legend>${t("resources:editor.fileOrLink")}</legend>
          <${FileInput} ...${common} name="file" keptName="keptFile" removeName="removeFile" accept=${FILE_ACCEPT} language=${language}
            label=${t("resources:fields.file")} hint=${t("resources:editor.fileHint", { max: new Intl.NumberFormat(language).format(props.maxMegabytes) })} />
          <${TextInput} ...${common} name="link" type="url" label=${t("resources:fields.link")} hint=${t("resources:editor.linkHint")} />
        </fieldset>
        <fieldset id=${fieldId("publish")}>
          <legend>${t("resources:editor.recording")}</legend>
          <p class="hint">${t(props.requireAccessible ? "resources:editor.recordingRequired" : "resources:editor.recordingHint")}</p>
          ${props.errors.publish ? html`<p class="field-error">${errorMessage(t, props.errors.publish)}</p>` : null}
          <${TextInput} ...${common} name="duration" label=${t("resources:fields.duration")} hint=${t("resources:editor.durationHint")} />
          ${LANGUAGES.map(
            (code) => html`<${FileInput} ...${common} name=${`captions.${code}`} keptName=${`keptCaption.${code}`} removeName=${`removeCaption.${code}`}
              accept=".vtt,text/vtt" language=${language} label=${t("resources:fields.captionIn", { language: languageName(language, code) })} />`,
          )}
          <div class="choice">
            <input type="checkbox" id="field-audioDescription" name="audioDescription" checked=${value(props.form, "audioDescription") === "on"} />
            <label for="field-audioDescription">${t("resources:fields.audioDescription")}</label>
          </div>
        </fieldset>
        <fieldset>
          <legend>${t("resources:details")}</legend>
          <${TextInput} ...${common} name="publisher" required=${true} label=${t("resources:fields.publisher")} />
          <${TextInput} ...${common} name="publicationDate" type="date" label=${t("resources:fields.publicationDate")} />
          <${Checkboxes} ...${common} name="languages" required=${true} label=${t("resources:fields.languages")} options=${LANGUAGES}
            labelOf=${(code: string) => languageName(language, code, true)} />
          <${Select} ...${common} name="licence" label=${t("practice.fields.licence")} options=${LICENCES} labelOf=${(id: string) => t(`vocabulary:licences.${id}`)} />
          <${Checkboxes} ...${common} name="themes" required=${true} label=${t("practice.fields.themes")} options=${THEME_IDS} labelOf=${(id: string) => t(`vocabulary:themes.${id}`)} />
          <${Checkboxes} ...${common} name="regions" label=${t("practice.fields.regions")} options=${REGIONS} labelOf=${(id: string) => t(`vocabulary:regions.${id}`)} />
        </fieldset>
        <div class="actions">
          ${props.published
            ? html`<button type="submit" name="action" value="publish">${t("editor.saveChanges")}</button>`
            : props.submitOnly
              ? html`<button type="submit" name="action" value="submit">${t("review.submitForReview")}</button>
                  <button type="submit" name="action" value="draft" class="secondary">${t("editor.saveDraft")}</button>`
              : html`<button type="submit" name="action" value="publish">${t("editor.publish")}</button>
                  <button type="submit" name="action" value="draft" class="secondary">${t(props.isNew ? "editor.saveDraft" : "review.saveWithoutPublishing")}</button>`}
        </div>
      </form>
  `;
  const errorEntries = inFieldOrder(Object.entries(props.errors), form, fieldId);
  return html`
    <${Layout} context=${props.context} title=${title}>
      <h1>${title}</h1>
      <${ErrorSummary} t=${t}
        entries=${errorEntries.map(([name, key]) => ({ id: fieldId(name), field: summaryLabel(t, language, name), message: errorMessage(t, key, props.params[name]) }))} />
      ${form}
      ${props.deleteAction
        ? html`<form method="post" action=${props.deleteAction} class="danger-zone">
            <${CsrfField} context=${props.context} />
            <h2>${t("resources:editor.deleteTitle")}</h2>
            <p>${t("resources:editor.deleteWarning")}</p>
            ${props.errors.confirm ? html`<p class="field-error" id="field-confirm-error">${errorMessage(t, props.errors.confirm)}</p>` : null}
            <div class="choice">
              <input type="checkbox" id=${fieldId("confirm")} name="confirm" value="yes" required aria-invalid=${props.errors.confirm ? "true" : undefined}
                aria-describedby=${props.errors.confirm ? "field-confirm-error" : undefined} />
              <label for=${fieldId("confirm")}>${t("resources:editor.deleteConfirm")}</label>
            </div>
            <button type="submit" class="danger">${t("editor.delete")}</button>
          </form>`
        : null}
    <//>
  `;
}

/** Renders the admin page for resources, which sets whether recordings need captions and a transcript before they are published. */
export function ResourceAdminPage(props: { context: PageContext; requireAccessible: boolean }) {
  const { t } = props.context;
  return html`
    <${Layout} context=${props.context} title=${t("resources:admin.title")}>
      <${AdminNav} context=${props.context} current="/admin/resources" />
      <h1>${t("resources:admin.title")}</h1>
      <form method="post" action="/admin/resources" class="narrow">
        <${CsrfField} context=${props.context} />
        <fieldset>
          <legend>${t("resources:admin.requireLegend")}</legend>
          <div class="choice">
            <input type="radio" id="require-yes" name="requireAccessible" value="true" checked=${props.requireAccessible} />
            <label for="require-yes">${t("resources:admin.requireYes")}</label>
          </div>
          <div class="choice">
            <input type="radio" id="require-no" name="requireAccessible" value="false" checked=${!props.requireAccessible} />
            <label for="require-no">${t("resources:admin.requireNo")}</label>
          </div>
        </fieldset>
        <button type="submit">${t("resources:admin.save")}</button>
      </form>
    <//>
  `;
}
