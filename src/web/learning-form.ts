import { instantToLocal, LEARNING_TEXT_FIELDS, type LearningFields, type LearningOpportunity } from "../domain/learning.ts";
import type { FieldErrors } from "../domain/practice.ts";
import { LANGUAGES } from "../domain/vocabulary.ts";

/** Values of the learning opportunity form exactly as typed, so a rejected form comes back unchanged. */
export type LearningForm = Record<string, string | string[]>;

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

/** Reads one material per line, written "Name https://link"; a line without a link keeps an empty URL so validation reports it. */
function materials(value: string | string[] | undefined): { name: string; url: string }[] {
  return one(value)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const match = /^(.*?)\s*(\S+:\/\/\S+)$/.exec(line);
      return match ? { name: match[1].trim() || match[2], url: match[2] } : { name: line, url: "" };
    });
}

/** Turns the posted form into the input shape the domain validates. Languages with no text at all are left out, as is a place with no field filled. */
export function formToLearningInput(form: LearningForm): Record<string, unknown> {
  const text: Record<string, Record<string, string>> = {};
  for (const language of LANGUAGES) {
    const values = Object.fromEntries(LEARNING_TEXT_FIELDS.map((field) => [field, one(form[`text.${language}.${field}`])]));
    if (Object.values(values).some(Boolean)) text[language] = values;
  }
  const place = { name: one(form["place.name"]), address: one(form["place.address"]), locality: one(form["place.locality"]), country: one(form["place.country"]) };
  const capacity = one(form.capacity);
  return {
    primaryLanguage: one(form.primaryLanguage),
    text,
    format: one(form.format),
    start: one(form.start),
    end: one(form.end),
    timeZone: one(form.timeZone),
    onlineUrl: one(form.onlineUrl) || null,
    place: Object.values(place).some(Boolean) ? place : null,
    languages: commaList(form.languages),
    interpretationLanguages: commaList(form.interpretationLanguages),
    registrationUrl: one(form.registrationUrl) || null,
    registrationMode: one(form.registrationMode),
    capacity: capacity === "" ? null : capacity,
    organizer: one(form.organizer),
    materials: materials(form.materials),
    recordingUrl: one(form.recordingUrl) || null,
    themes: many(form.themes),
  };
}

/** Fills the form from a stored learning opportunity, for editing; times are shown in its own time zone. */
export function learningToForm(item: LearningFields | LearningOpportunity): LearningForm {
  const form: LearningForm = {
    primaryLanguage: item.primaryLanguage,
    format: item.format,
    start: instantToLocal(item.start, item.timeZone),
    end: item.end ? instantToLocal(item.end, item.timeZone) : "",
    timeZone: item.timeZone,
    onlineUrl: item.onlineUrl ?? "",
    "place.name": item.place?.name ?? "",
    "place.address": item.place?.address ?? "",
    "place.locality": item.place?.locality ?? "",
    "place.country": item.place?.country ?? "",
    languages: item.languages.join(", "),
    interpretationLanguages: item.interpretationLanguages.join(", "),
    registrationUrl: item.registrationUrl ?? "",
    registrationMode: item.registrationMode,
    capacity: item.capacity === null ? "" : String(item.capacity),
    organizer: item.organizer,
    materials: item.materials.map((material) => `${material.name} ${material.url}`).join("\n"),
    recordingUrl: item.recordingUrl ?? "",
    themes: item.themes,
  };
  for (const language of LANGUAGES) {
    const text = item.text[language];
    if (!text) continue;
    for (const field of LEARNING_TEXT_FIELDS) form[`text.${language}.${field}`] = text[field];
  }
  return form;
}

/** Moves validation errors onto the names of the form fields that hold those values. */
export function learningErrorsToFormFields(errors: FieldErrors): FieldErrors {
  const mapped: FieldErrors = {};
  for (const [path, key] of Object.entries(errors)) mapped[path === "text" ? "primaryLanguage" : path] ??= key;
  return mapped;
}
