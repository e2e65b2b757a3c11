import { parseDuration, RESOURCE_TEXT_FIELDS, formatDuration, type Resource } from "../domain/resource.ts";
import { LANGUAGES } from "../domain/vocabulary.ts";

/** Extra values for error messages, by form field (the upload limit, the bad line of a caption file). */
export type ErrorParams = Record<string, Record<string, string | number>>;

/** Values of the resource form exactly as typed, so a rejected form comes back unchanged. */
export type ResourceForm = Record<string, string | string[]>;

function many(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => item.trim()).filter(Boolean);
}

function one(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : (value ?? "")).trim();
}

/** Turns the posted form into the input shape the domain validates. Languages with no text at all are left out. */
export function resourceFormToInput(form: ResourceForm): Record<string, unknown> {
  const text: Record<string, Record<string, string>> = {};
  for (const language of LANGUAGES) {
    const values = Object.fromEntries(RESOURCE_TEXT_FIELDS.map((field) => [field, one(form[`text.${language}.${field}`])]));
    if (Object.values(values).some(Boolean)) text[language] = values;
  }
  const duration = parseDuration(one(form.duration));
  return {
    primaryLanguage: one(form.primaryLanguage),
    text,
    resourceType: one(form.resourceType) || undefined,
    publisher: one(form.publisher),
    publicationDate: one(form.publicationDate) || null,
    languages: many(form.languages),
    licence: one(form.licence) || undefined,
    themes: many(form.themes),
    regions: many(form.regions),
    link: one(form.link) || null,
    // NaN is not a number zod accepts, so an unreadable duration is reported as such.
    durationSeconds: duration === null ? null : Number.isNaN(duration) ? "invalid" : duration,
    audioDescription: one(form.audioDescription) === "on",
  };
}

/** Fills the form from a stored resource, for editing; files travel in hidden fields as JSON. */
export function resourceToForm(resource: Resource): ResourceForm {
  const form: ResourceForm = {
    primaryLanguage: resource.primaryLanguage,
    resourceType: resource.resourceType,
    publisher: resource.publisher,
    publicationDate: resource.publicationDate ?? "",
    languages: resource.languages,
    licence: resource.licence,
    themes: resource.themes,
    regions: resource.regions,
    link: resource.link ?? "",
    duration: resource.durationSeconds ? formatDuration(resource.durationSeconds) : "",
    audioDescription: resource.audioDescription ? "on" : "",
  };
  if (resource.file) form.keptFile = JSON.stringify(resource.file);
  for (const caption of resource.captions) form[`keptCaption.${caption.language}`] = JSON.stringify(caption.file);
  for (const language of LANGUAGES) {
    const text = resource.text[language];
    if (!text) continue;
    for (const field of RESOURCE_TEXT_FIELDS) form[`text.${language}.${field}`] = text[field];
  }
  return form;
}

/** Validation paths whose form field has another name. */
const FORM_FIELD_OF_PATH: Record<string, string> = { durationSeconds: "duration", text: "primaryLanguage" };

/** Moves validation paths onto the names of the form fields that hold those values. */
export function resourceErrorsToFormFields(errors: Record<string, string>): Record<string, string> {
  const mapped: Record<string, string> = {};
  for (const [path, key] of Object.entries(errors)) {
    const name = FORM_FIELD_OF_PATH[path] ?? path;
    // The resource schema's own messages are translated in the resources namespace, the shared ones under errors.
    mapped[name] ??= key === "url" || key === "duration" ? `resources:errors.${key}` : key;
  }
  return mapped;
}
