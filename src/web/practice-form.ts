import { TEXT_FIELDS, type FieldErrors, type Practice, type PracticeFields } from "../domain/practice.ts";
import { LANGUAGES } from "../domain/vocabulary.ts";

/** Values of the editor form exactly as typed, so a rejected form comes back unchanged. */
export type PracticeForm = Record<string, string | string[]>;

function many(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => item.trim()).filter(Boolean);
}

function one(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value ?? "").trim();
}

function splitList(value: string | string[] | undefined, separator: RegExp): string[] {
  return one(value).split(separator).map((item) => item.trim()).filter(Boolean);
}

/** Turns the posted form into the input shape the domain validates. Languages with no text at all are left out. */
export function formToInput(form: PracticeForm): Record<string, unknown> {
  const text: Record<string, Record<string, string>> = {};
  for (const language of LANGUAGES) {
    const values = Object.fromEntries(TEXT_FIELDS.map((field) => [field, one(form[`text.${language}.${field}`])]));
    if (Object.values(values).some(Boolean)) text[language] = values;
  }
  const focalName = one(form.focalPointName);
  const focalEmail = one(form.focalPointEmail);
  return {
    primaryLanguage: one(form.primaryLanguage),
    text,
    themes: many(form.themes),
    gcmObjectives: many(form.gcmObjectives),
    sdgTargets: splitList(form.sdgTargets, /[,\s]+/),
    scope: one(form.scope) || undefined,
    countries: splitList(form.countries, /[,\s]+/),
    regions: many(form.regions),
    targetGroups: many(form.targetGroups),
    practiceType: one(form.practiceType) || undefined,
    implementer: one(form.implementer),
    partners: splitList(form.partners, /\n/),
    periodStart: one(form.periodStart) || undefined,
    periodEnd: one(form.periodEnd) || null,
    practiceStatus: one(form.practiceStatus) || undefined,
    evidenceLevel: one(form.evidenceLevel) || undefined,
    licence: one(form.licence) || undefined,
    focalPoint: focalName || focalEmail ? { name: focalName, email: focalEmail, federate: one(form.focalPointFederate) === "on" } : null,
  };
}

/** Fills the form from a stored practice, for editing. */
export function practiceToForm(practice: PracticeFields | Practice): PracticeForm {
  const form: PracticeForm = {
    primaryLanguage: practice.primaryLanguage,
    themes: practice.themes,
    gcmObjectives: practice.gcmObjectives.map(String),
    sdgTargets: practice.sdgTargets.join(", "),
    scope: practice.scope,
    countries: practice.countries.join(", "),
    regions: practice.regions,
    targetGroups: practice.targetGroups,
    practiceType: practice.practiceType,
    implementer: practice.implementer,
    partners: practice.partners.join("\n"),
    periodStart: practice.periodStart,
    periodEnd: practice.periodEnd ?? "",
    practiceStatus: practice.practiceStatus,
    evidenceLevel: practice.evidenceLevel,
    licence: practice.licence,
    focalPointName: practice.focalPoint?.name ?? "",
    focalPointEmail: practice.focalPoint?.email ?? "",
    focalPointFederate: practice.focalPoint?.federate ? "on" : "",
  };
  for (const language of LANGUAGES) {
    const text = practice.text[language];
    if (!text) continue;
    for (const field of TEXT_FIELDS) form[`text.${language}.${field}`] = text[field];
  }
  return form;
}

/** Field errors keyed by form field name (validation paths use the same dotted names). */
export type FormErrors = FieldErrors;

/** The HTML id of a form field, used to tie error messages and the error summary to it. */
export function fieldId(name: string): string {
  return `field-${name.replace(/[^a-zA-Z0-9]+/g, "-")}`;
}

/** Validation paths whose form field has another name. */
const FORM_FIELD_OF_PATH: Record<string, string> = {
  "focalPoint.name": "focalPointName",
  "focalPoint.email": "focalPointEmail",
  text: "primaryLanguage",
};

/** Moves validation errors onto the names of the form fields that hold those values. */
export function errorsToFormFields(errors: FieldErrors): FormErrors {
  const mapped: FormErrors = {};
  for (const [path, key] of Object.entries(errors)) {
    const name = FORM_FIELD_OF_PATH[path] ?? path;
    mapped[name] ??= key;
  }
  return mapped;
}
