import { CONSULTATION_TEXT_FIELDS, type Consultation, type ConsultationFields } from "../domain/consultation.ts";
import { instantToLocal } from "../domain/learning.ts";
import type { FieldErrors } from "../domain/practice.ts";
import { LANGUAGES } from "../domain/vocabulary.ts";

/** Values of the consultation form exactly as typed, so a rejected form comes back unchanged. */
export type ConsultationForm = Record<string, string | string[]>;

function one(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value ?? "").trim();
}

function many(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => item.trim()).filter(Boolean);
}

function commaList(value: string | string[] | undefined): string[] {
  return one(value).split(/[,;\s]+/).map((item) => item.trim()).filter(Boolean);
}

/** Reads one guiding question per line, ignoring blank lines. */
function lines(value: string | string[] | undefined): string[] {
  return one(value).split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
}

/** Turns the posted form into the input shape the domain validates. Languages with no text at all are left out. */
export function formToConsultationInput(form: ConsultationForm): Record<string, unknown> {
  const text: Record<string, Record<string, string | string[]>> = {};
  for (const language of LANGUAGES) {
    const values = {
      title: one(form[`text.${language}.title`]),
      purpose: one(form[`text.${language}.purpose`]),
      description: one(form[`text.${language}.description`]),
      questions: lines(form[`text.${language}.questions`]),
    };
    if (values.title || values.purpose || values.description || values.questions.length > 0) text[language] = values;
  }
  return {
    primaryLanguage: one(form.primaryLanguage),
    text,
    opens: one(form.opens),
    closes: one(form.closes),
    timeZone: one(form.timeZone),
    moderators: commaList(form.moderators).map((name) => name.replace(/^@/, "")),
    languages: commaList(form.languages),
    themes: many(form.themes),
  };
}

/** Fills the form from a stored consultation, for editing; dates are shown in its own time zone. */
export function consultationToForm(item: ConsultationFields | Consultation): ConsultationForm {
  const form: ConsultationForm = {
    primaryLanguage: item.primaryLanguage,
    opens: instantToLocal(item.opens, item.timeZone),
    closes: instantToLocal(item.closes, item.timeZone),
    timeZone: item.timeZone,
    moderators: item.moderators.join(", "),
    languages: item.languages.join(", "),
    themes: item.themes,
  };
  for (const language of LANGUAGES) {
    const text = item.text[language];
    if (!text) continue;
    for (const field of CONSULTATION_TEXT_FIELDS) form[`text.${language}.${field}`] = field === "questions" ? text.questions.join("\n") : text[field];
  }
  return form;
}

/** Moves validation errors onto the names of the form fields that hold those values. */
export function consultationErrorsToFormFields(errors: FieldErrors): FieldErrors {
  const mapped: FieldErrors = {};
  for (const [path, key] of Object.entries(errors)) mapped[path === "text" ? "primaryLanguage" : path] ??= key;
  return mapped;
}
