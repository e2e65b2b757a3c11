import type { VNode } from "preact";

import { CONSULTATION_TEXT_FIELDS } from "../../src/domain/consultation.ts";
import type { FieldErrors } from "../../src/domain/practice.ts";
import { LANGUAGES, THEME_IDS } from "../../src/domain/vocabulary.ts";
import type { ConsultationForm } from "../../src/web/consultation-form.ts";
import { fieldId } from "../../src/web/practice-form.ts";
import { CsrfField, html, inFieldOrder, languageName, type PageContext } from "../html.ts";
import { Layout } from "../layout.ts";
import { Checkboxes, Select, TextInput } from "./editor.ts";
import { ErrorSummary } from "../components/error-summary.ts";

const ERROR_PREFIX = "consultations:errors.";

/** Returns the hint under a text field, if that field has one. */
function textHint(context: PageContext, field: string): string | undefined {
  if (field === "description") return context.t("editor.bodyHint");
  if (field === "questions") return context.t("consultations:editor.questionsHint");
  return undefined;
}

/** Label of a field in the error summary; text fields and summaries name their language. */
function fieldLabel(context: PageContext, name: string): string {
  const text = /^(?:text\.(en|fr|es)\.(\w+)|(outcome)\.(en|fr|es))$/.exec(name);
  if (text) return context.t(`consultations:editor.fieldNames.${text[2] ?? text[3]}`, { language: languageName(context.language, text[1] ?? text[4]) });
  return context.t(`consultations:editor.fieldNames.${name}`);
}

/** Renders the list of errors above a form, each linking to its field, in the order of the fields in `form` when given. */
function ConsultationErrors(props: { context: PageContext; errors: FieldErrors; form?: VNode }) {
  const { t } = props.context;
  const entries = props.form ? inFieldOrder(Object.entries(props.errors), props.form, fieldId) : Object.entries(props.errors);
  return html`<${ErrorSummary} t=${t}
    entries=${entries.map(([name, key]) => ({ id: fieldId(name), field: fieldLabel(props.context, name), message: t(`${ERROR_PREFIX}${key}`) }))} />`;
}

/**
 * Renders the consultation editor: text and guiding questions in up to
 * three languages, then dates, moderators and languages. Errors sit next
 * to their fields and are summarised on top.
 */
export function ConsultationEditorPage(props: { context: PageContext; form: ConsultationForm; errors: FieldErrors; action: string; isNew: boolean; deleteAction: string | null }) {
  const { t, language } = props.context;
  const common = { t, form: props.form, errors: props.errors, errorPrefix: ERROR_PREFIX };
  const title = props.isNew ? t("consultations:editor.newTitle") : t("consultations:editor.editTitle");
  const label = (name: string) => t(`consultations:editor.fieldNames.${name}`);
  const form = html`
      <form method="post" action=${props.action} class="editor" novalidate>
        <${CsrfField} context=${props.context} />
        <${Select} ...${common} name="primaryLanguage" required=${true} label=${label("primaryLanguage")} hint=${t("consultations:editor.primaryLanguageHint")}
          options=${LANGUAGES} labelOf=${(code: string) => languageName(language, code, true)} />
        ${LANGUAGES.map(
          (code) => html`
            <fieldset class="language-block" lang=${code}>
              <legend lang=${language}>${t("editor.textIn", { language: languageName(language, code) })}</legend>
              ${CONSULTATION_TEXT_FIELDS.map(
                (field) => html`<${TextInput} ...${common} name=${`text.${code}.${field}`} lang=${code}
                  label=${t(`consultations:editor.fieldNames.${field}`, { language: languageName(language, code) })}
                  multiline=${field !== "title"} rows=${field === "description" ? 8 : 4}
                  hint=${textHint(props.context, field)} />`,
              )}
            </fieldset>
          `,
        )}
        <fieldset>
          <legend>${t("consultations:editor.datesLegend")}</legend>
          <${TextInput} ...${common} name="opens" type="datetime-local" required=${true} label=${label("opens")} />
          <${TextInput} ...${common} name="closes" type="datetime-local" required=${true} label=${label("closes")} />
          <${TextInput} ...${common} name="timeZone" required=${true} label=${label("timeZone")} hint=${t("consultations:editor.timeZoneHint")} />
        </fieldset>
        <fieldset>
          <legend>${t("consultations:editor.participationLegend")}</legend>
          <${TextInput} ...${common} name="languages" required=${true} label=${label("languages")} hint=${t("consultations:editor.languagesHint")} />
          <${TextInput} ...${common} name="moderators" label=${label("moderators")} hint=${t("consultations:editor.moderatorsHint")} />
          <${Checkboxes} ...${common} name="themes" label=${label("themes")} options=${THEME_IDS} labelOf=${(id: string) => t(`vocabulary:themes.${id}`)} />
        </fieldset>
        <div class="actions">
          <button type="submit">${props.isNew ? t("editor.publish") : t("editor.saveChanges")}</button>
        </div>
      </form>
  `;
  return html`
    <${Layout} context=${props.context} title=${title}>
      <h1>${title}</h1>
      <${ConsultationErrors} context=${props.context} errors=${props.errors} form=${form} />
      ${form}
      ${props.deleteAction
        ? html`<form method="post" action=${props.deleteAction} class="danger-zone">
            <${CsrfField} context=${props.context} />
            <h2>${t("consultations:editor.deleteTitle")}</h2>
            <p>${t("consultations:editor.deleteWarning")}</p>
            <div class="choice">
              <input type="checkbox" id=${fieldId("confirm")} name="confirm" value="yes" required
                aria-invalid=${props.errors.confirm ? "true" : undefined} aria-describedby=${props.errors.confirm ? `${fieldId("confirm")}-error` : undefined} />
              <label for=${fieldId("confirm")}>${t("consultations:editor.deleteConfirm")}</label>
            </div>
            ${props.errors.confirm ? html`<p class="field-error" id=${`${fieldId("confirm")}-error`}>${t(`${ERROR_PREFIX}${props.errors.confirm}`)}</p>` : null}
            <button type="submit" class="danger">${t("editor.delete")}</button>
          </form>`
        : null}
    <//>
  `;
}

/** Renders the form for the summary of what was heard, one text per language, with the primary language required. */
export function OutcomeEditorPage(props: { context: PageContext; title: string; form: ConsultationForm; errors: FieldErrors; action: string; primaryLanguage: string }) {
  const { t, language } = props.context;
  const common = { t, form: props.form, errors: props.errors, errorPrefix: ERROR_PREFIX };
  const pageTitle = t("consultations:editor.outcomeTitle");
  return html`
    <${Layout} context=${props.context} title=${pageTitle}>
      <h1>${pageTitle}</h1>
      <p>${props.title}</p>
      <${ConsultationErrors} context=${props.context} errors=${props.errors} />
      <p>${t("consultations:editor.outcomeIntro")}</p>
      <form method="post" action=${props.action} class="editor" novalidate>
        <${CsrfField} context=${props.context} />
        ${LANGUAGES.map(
          (code) => html`<${TextInput} ...${common} name=${`outcome.${code}`} lang=${code} multiline=${true} rows=${10} required=${code === props.primaryLanguage}
            label=${t("consultations:editor.fieldNames.outcome", { language: languageName(language, code) })} hint=${t("consultations:editor.outcomeHint")} />`,
        )}
        <div class="actions">
          <button type="submit">${t("consultations:editor.publishOutcome")}</button>
        </div>
      </form>
    <//>
  `;
}
