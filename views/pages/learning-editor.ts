import { LEARNING_FORMATS, LEARNING_TEXT_FIELDS, REGISTRATION_MODES } from "../../src/domain/learning.ts";
import type { FieldErrors } from "../../src/domain/practice.ts";
import { LANGUAGES, THEME_IDS } from "../../src/domain/vocabulary.ts";
import type { LearningForm } from "../../src/web/learning-form.ts";
import { fieldId } from "../../src/web/practice-form.ts";
import { CsrfField, html, inFieldOrder, languageName, type PageContext } from "../html.ts";
import { Layout } from "../layout.ts";
import { Checkboxes, Select, TextInput } from "./editor.ts";
import { ErrorSummary } from "../components/error-summary.ts";

const ERROR_PREFIX = "learning:errors.";

/** Label of a field in the error summary; text fields name their language. */
function fieldLabel(context: PageContext, name: string): string {
  const text = /^text\.(en|fr|es)\.(\w+)$/.exec(name);
  if (text) return context.t(`learning:editor.fieldNames.${text[2]}`, { language: languageName(context.language, text[1]) });
  return context.t(`learning:editor.fieldNames.${name.replace(/\./g, "_")}`);
}

/**
 * Renders the learning opportunity editor: text in up to three languages,
 * then when, where, registration and materials. Errors sit next to their
 * fields and are summarised on top.
 */
export function LearningEditorPage(props: { context: PageContext; form: LearningForm; errors: FieldErrors; action: string; isNew: boolean; deleteAction: string | null }) {
  const { t, language } = props.context;
  const common = { t, form: props.form, errors: props.errors, errorPrefix: ERROR_PREFIX };
  const title = props.isNew ? t("learning:editor.newTitle") : t("learning:editor.editTitle");
  const label = (name: string) => t(`learning:editor.fieldNames.${name}`);
  const form = html`
      <form method="post" action=${props.action} class="editor" novalidate>
        <${CsrfField} context=${props.context} />
        <${Select} ...${common} name="primaryLanguage" required=${true} label=${label("primaryLanguage")} hint=${t("learning:editor.primaryLanguageHint")}
          options=${LANGUAGES} labelOf=${(code: string) => languageName(language, code, true)} />
        ${LANGUAGES.map(
          (code) => html`
            <fieldset class="language-block" lang=${code}>
              <legend lang=${language}>${t("editor.textIn", { language: languageName(language, code) })}</legend>
              ${LEARNING_TEXT_FIELDS.map(
                (field) => html`<${TextInput} ...${common} name=${`text.${code}.${field}`} lang=${code}
                  label=${t(`learning:editor.fieldNames.${field}`, { language: languageName(language, code) })}
                  multiline=${field !== "title"} rows=${field === "description" ? 8 : 3}
                  hint=${field === "description" ? t("editor.bodyHint") : undefined} />`,
              )}
            </fieldset>
          `,
        )}
        <fieldset>
          <legend>${t("learning:editor.whenLegend")}</legend>
          <${Select} ...${common} name="format" required=${true} label=${label("format")} options=${LEARNING_FORMATS} allowEmpty=${true}
            labelOf=${(id: string) => t(`learning:formats.${id}`)} />
          <${TextInput} ...${common} name="start" type="datetime-local" required=${true} label=${label("start")} />
          <${TextInput} ...${common} name="end" type="datetime-local" required=${true} label=${label("end")} />
          <${TextInput} ...${common} name="timeZone" required=${true} label=${label("timeZone")} hint=${t("learning:editor.timeZoneHint")} />
        </fieldset>
        <fieldset>
          <legend>${t("learning:editor.whereLegend")}</legend>
          <p class="hint">${t("learning:editor.whereHint")}</p>
          <${TextInput} ...${common} name="onlineUrl" type="url" label=${label("onlineUrl")} />
          <${TextInput} ...${common} name="place.name" label=${label("place_name")} />
          <${TextInput} ...${common} name="place.address" label=${label("place_address")} />
          <${TextInput} ...${common} name="place.locality" label=${label("place_locality")} />
          <${TextInput} ...${common} name="place.country" label=${label("place_country")} hint=${t("editor.countriesHint")} />
        </fieldset>
        <fieldset>
          <legend>${t("learning:editor.participationLegend")}</legend>
          <${TextInput} ...${common} name="languages" required=${true} label=${label("languages")} hint=${t("learning:editor.languagesHint")} />
          <${TextInput} ...${common} name="interpretationLanguages" label=${label("interpretationLanguages")} hint=${t("learning:editor.languagesHint")} />
          <${Select} ...${common} name="registrationMode" required=${true} label=${label("registrationMode")} options=${REGISTRATION_MODES} allowEmpty=${true}
            labelOf=${(id: string) => t(`learning:registrationModes.${id}`)} />
          <${TextInput} ...${common} name="registrationUrl" type="url" label=${label("registrationUrl")} hint=${t("learning:editor.registrationUrlHint")} />
          <${TextInput} ...${common} name="capacity" type="number" label=${label("capacity")} hint=${t("learning:editor.capacityHint")} />
          <${TextInput} ...${common} name="organizer" required=${true} label=${label("organizer")} />
          <${Checkboxes} ...${common} name="themes" label=${label("themes")} options=${THEME_IDS} labelOf=${(id: string) => t(`vocabulary:themes.${id}`)} />
        </fieldset>
        <fieldset>
          <legend>${t("learning:editor.materialsLegend")}</legend>
          <${TextInput} ...${common} name="materials" multiline=${true} rows=${4} label=${label("materials")} hint=${t("learning:editor.materialsHint")} />
          <${TextInput} ...${common} name="recordingUrl" type="url" label=${label("recordingUrl")} hint=${t("learning:editor.recordingHint")} />
        </fieldset>
        <div class="actions">
          <button type="submit" name="action" value="publish">${props.isNew ? t("editor.publish") : t("editor.saveChanges")}</button>
        </div>
      </form>
  `;
  const errorEntries = inFieldOrder(Object.entries(props.errors), form, fieldId);
  return html`
    <${Layout} context=${props.context} title=${title}>
      <h1>${title}</h1>
      <${ErrorSummary} t=${t} entries=${errorEntries.map(([name, key]) => ({ id: fieldId(name), field: fieldLabel(props.context, name), message: t(`${ERROR_PREFIX}${key}`) }))} />
      ${form}
      ${props.deleteAction
        ? html`<form method="post" action=${props.deleteAction} class="danger-zone">
            <${CsrfField} context=${props.context} />
            <h2>${t("learning:editor.deleteTitle")}</h2>
            <p>${t("learning:editor.deleteWarning")}</p>
            <div class="choice">
              <input type="checkbox" id=${fieldId("confirm")} name="confirm" value="yes" required
                aria-invalid=${props.errors.confirm ? "true" : undefined} aria-describedby=${props.errors.confirm ? `${fieldId("confirm")}-error` : undefined} />
              <label for=${fieldId("confirm")}>${t("learning:editor.deleteConfirm")}</label>
            </div>
            ${props.errors.confirm ? html`<p class="field-error" id=${`${fieldId("confirm")}-error`}>${t(`${ERROR_PREFIX}${props.errors.confirm}`)}</p>` : null}
            <button type="submit" class="danger">${t("editor.delete")}</button>
          </form>`
        : null}
    <//>
  `;
}
