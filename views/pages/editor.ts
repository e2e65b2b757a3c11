import { TEXT_FIELDS } from "../../src/domain/practice.ts";
import {
  EVIDENCE_LEVELS,
  GCM_OBJECTIVES,
  LANGUAGES,
  LICENCES,
  PRACTICE_STATUSES,
  PRACTICE_TYPES,
  REGIONS,
  SCOPES,
  TARGET_GROUPS,
  THEME_IDS,
} from "../../src/domain/vocabulary.ts";
import { fieldId, type FormErrors, type PracticeForm } from "../../src/web/practice-form.ts";
import { CsrfField, html, inFieldOrder, languageName, type PageContext, type Translate } from "../html.ts";
import { Layout } from "../layout.ts";
import { ErrorSummary } from "../components/error-summary.ts";

export interface FieldProps {
  t: Translate;
  name: string;
  label: string;
  required?: boolean;
  form: PracticeForm;
  errors: FormErrors;
  hint?: string;
  /** Namespace and prefix of the error message keys; practices use "errors:". */
  errorPrefix?: string;
}

/** Height of each multi-line text field, in rows. */
const TEXT_ROWS: Partial<Record<string, number>> = { body: 10, summary: 3 };

function value(form: PracticeForm, name: string): string {
  const current = form[name];
  return Array.isArray(current) ? (current[0] ?? "") : (current ?? "");
}

function selected(form: PracticeForm, name: string): string[] {
  const current = form[name];
  if (Array.isArray(current)) return current;
  return current ? [current] : [];
}

function describedBy(props: FieldProps): string | undefined {
  const ids = [props.hint ? `${fieldId(props.name)}-hint` : null, props.errors[props.name] ? `${fieldId(props.name)}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

/** Returns the label text, with a visible marker on fields the form cannot be saved without. */
function labelText(props: FieldProps): string {
  return props.required ? `${props.label} ${props.t("editor.required")}` : props.label;
}

function FieldMessages(props: FieldProps) {
  return html`
    ${props.hint ? html`<p class="hint" id=${`${fieldId(props.name)}-hint`}>${props.hint}</p>` : null}
    ${props.errors[props.name] ? html`<p class="field-error" id=${`${fieldId(props.name)}-error`}>${props.t(`${props.errorPrefix ?? "errors:"}${props.errors[props.name]}`)}</p>` : null}
  `;
}

export function TextInput(props: FieldProps & { type?: string; multiline?: boolean; rows?: number; lang?: string }) {
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

export function Select(props: FieldProps & { options: readonly string[]; labelOf: (option: string) => string; allowEmpty?: boolean }) {
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

export function Checkboxes(props: FieldProps & { options: readonly (string | number)[]; labelOf: (option: string) => string }) {
  const chosen = selected(props.form, props.name);
  const base = fieldId(props.name);
  return html`
    <fieldset class="checkboxes" aria-invalid=${props.errors[props.name] ? "true" : undefined} aria-describedby=${describedBy(props)} id=${base}>
      <legend>${labelText(props)}</legend>
      ${props.options.map((option) => {
        const id = `${base}-${option}`;
        return html`<div class="choice">
          <input type="checkbox" id=${id} name=${props.name} value=${String(option)} checked=${chosen.includes(String(option))} />
          <label for=${id}>${props.labelOf(String(option))}</label>
        </div>`;
      })}
      <${FieldMessages} ...${props} />
    </fieldset>
  `;
}

/** Renders the practice editor: text in up to three languages, then the practice profile. Errors sit next to their fields and are summarised on top. */
export function EditorPage(props: {
  context: PageContext;
  form: PracticeForm;
  errors: FormErrors;
  action: string;
  isNew: boolean;
  published: boolean;
  deleteAction: string | null;
  /** A member writing a practice hands it in for review instead of publishing it. */
  submitOnly?: boolean;
}) {
  const { t } = props.context;
  const common = { t, form: props.form, errors: props.errors };
  const title = props.isNew ? t("editor.newTitle") : t("editor.editTitle");
  const form = html`
      <form method="post" action=${props.action} class="editor" novalidate>
        <${CsrfField} context=${props.context} />
        <${Select} ...${common} name="primaryLanguage" required=${true} label=${t("editor.primaryLanguage")} hint=${t("editor.primaryLanguageHint")}
          options=${LANGUAGES} labelOf=${(code: string) => languageName(props.context.language, code, true)} />
        ${LANGUAGES.map(
          (language) => html`
            <fieldset class="language-block" lang=${language}>
              <legend lang=${props.context.language}>${t("editor.textIn", { language: languageName(props.context.language, language) })}</legend>
              ${TEXT_FIELDS.map(
                (field) => html`<${TextInput} ...${common} name=${`text.${language}.${field}`} lang=${language}
                  label=${t(`editor.fieldNames.${field}`, { language: languageName(props.context.language, language) })}
                  multiline=${field !== "title"} rows=${TEXT_ROWS[field] ?? 4}
                  hint=${field === "body" ? t("editor.bodyHint") : undefined} />`,
              )}
            </fieldset>
          `,
        )}
        <fieldset>
          <legend>${t("practice.profile")}</legend>
          <${Checkboxes} ...${common} name="themes" required=${true} label=${t("practice.fields.themes")} options=${THEME_IDS} labelOf=${(id: string) => t(`vocabulary:themes.${id}`)} />
          <${Checkboxes} ...${common} name="gcmObjectives" label=${t("practice.fields.gcmObjectives")} options=${GCM_OBJECTIVES}
            labelOf=${(n: string) => t("vocabulary:gcmObjectiveNamed", { number: n, name: t(`vocabulary:gcmObjectives.${n}`) })} />
          <${TextInput} ...${common} name="sdgTargets" label=${t("practice.fields.sdgTargets")} hint=${t("editor.sdgHint")} />
          <${Select} ...${common} name="scope" required=${true} label=${t("practice.fields.scope")} options=${SCOPES} allowEmpty=${true} labelOf=${(id: string) => t(`vocabulary:scopes.${id}`)} />
          <${TextInput} ...${common} name="countries" label=${t("practice.fields.countries")} hint=${t("editor.countriesHint")} />
          <${Checkboxes} ...${common} name="regions" label=${t("practice.fields.regions")} options=${REGIONS} labelOf=${(id: string) => t(`vocabulary:regions.${id}`)} />
          <${Checkboxes} ...${common} name="targetGroups" label=${t("practice.fields.targetGroups")} options=${TARGET_GROUPS} labelOf=${(id: string) => t(`vocabulary:targetGroups.${id}`)} />
          <${Select} ...${common} name="practiceType" required=${true} label=${t("practice.fields.practiceType")} options=${PRACTICE_TYPES} allowEmpty=${true} labelOf=${(id: string) => t(`vocabulary:practiceTypes.${id}`)} />
          <${TextInput} ...${common} name="implementer" required=${true} label=${t("practice.fields.implementer")} />
          <${TextInput} ...${common} name="partners" label=${t("practice.fields.partners")} multiline=${true} rows=${3} hint=${t("editor.partnersHint")} />
          <${TextInput} ...${common} name="periodStart" required=${true} type="date" label=${t("editor.fieldNames.periodStart")} />
          <${TextInput} ...${common} name="periodEnd" type="date" label=${t("editor.fieldNames.periodEnd")} hint=${t("editor.periodEndHint")} />
          <${Select} ...${common} name="practiceStatus" required=${true} label=${t("practice.fields.practiceStatus")} options=${PRACTICE_STATUSES} allowEmpty=${true} labelOf=${(id: string) => t(`vocabulary:practiceStatuses.${id}`)} />
          <${Select} ...${common} name="evidenceLevel" required=${true} label=${t("practice.fields.evidenceLevel")} options=${EVIDENCE_LEVELS} allowEmpty=${true} labelOf=${(id: string) => t(`vocabulary:evidenceLevels.${id}`)} />
          <${Select} ...${common} name="licence" label=${t("practice.fields.licence")} options=${LICENCES} labelOf=${(id: string) => t(`vocabulary:licences.${id}`)} />
        </fieldset>
        <fieldset>
          <legend>${t("practice.fields.focalPoint")}</legend>
          <${TextInput} ...${common} name="focalPointName" label=${t("editor.fieldNames.focalPointName")} />
          <${TextInput} ...${common} name="focalPointEmail" type="email" label=${t("editor.fieldNames.focalPointEmail")} />
          <div class="choice">
            <input type="checkbox" id="field-focalPointFederate" name="focalPointFederate" checked=${value(props.form, "focalPointFederate") === "on"} />
            <label for="field-focalPointFederate">${t("editor.focalPointFederate")}</label>
          </div>
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
      <${ErrorSummary} t=${t} entries=${errorEntries.map(([name, key]) => ({
        id: fieldId(name),
        field: t(`editor.fieldNames.${name.replace(/^text\.(en|fr|es)\./, "")}`, { language: name.startsWith("text.") ? languageName(props.context.language, name.split(".")[1]) : "" }),
        message: t(`errors:${key}`),
      }))} />
      ${form}
      ${props.deleteAction
        ? html`<form method="post" action=${props.deleteAction} class="danger-zone">
            <${CsrfField} context=${props.context} />
            <h2>${t("editor.deleteTitle")}</h2>
            <p>${t("editor.deleteWarning")}</p>
            <div class="choice">
              <input type="checkbox" id="confirm-delete" name="confirm" value="yes" required />
              <label for="confirm-delete">${t("editor.deleteConfirm")}</label>
            </div>
            <button type="submit" class="danger">${t("editor.delete")}</button>
          </form>`
        : null}
    <//>
  `;
}
