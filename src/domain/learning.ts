import { Temporal } from "@js-temporal/polyfill";
import { z } from "zod";

import { localizeDateText } from "./dates.ts";
import type { FieldErrors } from "./practice.ts";
import { isCountryCode, LANGUAGES, THEME_IDS, type Language } from "./vocabulary.ts";

/** Kinds of learning opportunity; ids are stable and federated, labels live in the locales. */
export const LEARNING_FORMATS = ["course", "training", "webinar"] as const;
export type LearningFormat = (typeof LEARNING_FORMATS)[number];

/** How people register when there is no registration link. */
export const REGISTRATION_MODES = ["open", "on-request", "closed", "not-needed"] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** The text of a learning opportunity in one language. Plain text: blank lines separate paragraphs. */
export interface LearningText {
  title: string;
  summary: string;
  description: string;
}

export const LEARNING_TEXT_FIELDS = ["title", "summary", "description"] as const;

/** Where people meet in person. `country` is an ISO 3166 code for local items; partner copies may carry a country name instead. */
export interface LearningPlace {
  name: string;
  address: string;
  locality: string;
  country: string;
}

/** A link with a human-readable name, such as a slide deck or a reading list. */
export interface NamedLink {
  name: string;
  url: string;
}

/** Fields an editor writes; the same shape is federated. */
export interface LearningFields {
  primaryLanguage: Language;
  text: Partial<Record<Language, LearningText>>;
  format: LearningFormat;
  /** Start as a UTC instant (ISO 8601). */
  start: string;
  /** End as a UTC instant; null only for partner copies whose origin gave no end. */
  end: string | null;
  /** IANA time zone the organizer announced it in, used to show its times. */
  timeZone: string;
  onlineUrl: string | null;
  place: LearningPlace | null;
  /** BCP 47 language tags of the sessions and of the interpretation offered. */
  languages: string[];
  interpretationLanguages: string[];
  registrationUrl: string | null;
  registrationMode: RegistrationMode;
  capacity: number | null;
  organizer: string;
  materials: NamedLink[];
  recordingUrl: string | null;
  themes: string[];
}

/** A learning opportunity as stored: local ones are ours, partner copies are kept current by their origin. */
export interface LearningOpportunity extends LearningFields {
  /** ActivityPub id. */
  iri: string;
  slug: string;
  local: boolean;
  /** Page on its origin instance. */
  url: string;
  attributedTo: string;
  /** Partner actor whose instance it came from; null for local items. */
  sourceActor: string | null;
  authorAccountId: number | null;
  /** Sanitized HTML description per language, for partner copies; null for local items. */
  descriptionHtml: Partial<Record<Language, string>> | null;
  published: string;
  updated: string;
  deleted: string | null;
  /** Why a partner copy is hidden by moderation ("domain:HOST"); kept by the store, never federated. */
  hidden?: string | null;
}

/** True for an IANA time zone name the runtime knows, such as "Europe/Paris" or "UTC"; offsets such as "+02:00" are refused. */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** True for a well-formed BCP 47 language tag such as "ar" or "pt-BR". */
export function isLanguageTag(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1 && /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(value);
  } catch {
    return false;
  }
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/**
 * Converts a wall-clock time ("2026-03-10T14:00") in a time zone to a UTC
 * instant, or null when either is invalid. A time skipped by a daylight
 * saving change moves forward, as calendar applications do.
 */
export function localToInstant(local: string, timeZone: string): string | null {
  if (!LOCAL_DATE_TIME.test(local) || !isTimeZone(timeZone)) return null;
  try {
    const instant = Temporal.PlainDateTime.from(local, { overflow: "reject" }).toZonedDateTime(timeZone).toInstant();
    // Stored instants share one form (milliseconds and "Z"), so the store can compare them as strings.
    return new Date(instant.epochMilliseconds).toISOString();
  } catch {
    return null;
  }
}

/** Converts a UTC instant to the wall-clock time ("2026-03-10T14:00") of a time zone, for forms. */
export function instantToLocal(instant: string, timeZone: string): string {
  return Temporal.Instant.from(instant).toZonedDateTimeISO(timeZone).toPlainDateTime().toString({ smallestUnit: "minute" });
}

const trimmed = (max: number) => z.string().trim().max(max, { error: "tooLong" });
const httpUrl = z
  .string()
  .trim()
  .max(2000, { error: "tooLong" })
  .refine((value) => /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value), { error: "url" });
const optionalUrl = z.union([z.literal("").transform(() => null), httpUrl]).nullable().default(null);

const textSchema = z.object({
  title: trimmed(200).min(1, { error: "required" }),
  summary: trimmed(1000).min(1, { error: "required" }),
  description: trimmed(50_000).default(""),
});

const placeSchema = z.object({
  name: trimmed(300).min(1, { error: "required" }),
  address: trimmed(500).default(""),
  locality: trimmed(200).min(1, { error: "required" }),
  country: z.string().trim().toUpperCase().refine(isCountryCode, { error: "country" }),
});

/**
 * Validation of editor input. `start` and `end` arrive as wall-clock times
 * in `timeZone` ("2026-03-10T14:00") and leave as UTC instants. Error
 * messages are i18n keys under `errors.`.
 */
const learningInputSchema = z.object({
  primaryLanguage: z.enum(LANGUAGES, { error: "language" }),
  text: z.partialRecord(z.enum(LANGUAGES), textSchema),
  format: z.enum(LEARNING_FORMATS, { error: "choice" }),
  start: z.string().regex(LOCAL_DATE_TIME, { error: "dateTime" }),
  end: z.string().regex(LOCAL_DATE_TIME, { error: "dateTime" }),
  timeZone: z.string().trim().min(1, { error: "required", abort: true }).refine(isTimeZone, { error: "timeZone" }),
  onlineUrl: optionalUrl,
  place: placeSchema.nullable().default(null),
  languages: z.array(z.string().trim().refine(isLanguageTag, { error: "languageTag" })).min(1, { error: "atLeastOne" }),
  interpretationLanguages: z.array(z.string().trim().refine(isLanguageTag, { error: "languageTag" })).default([]),
  registrationUrl: optionalUrl,
  registrationMode: z.enum(REGISTRATION_MODES, { error: "choice" }),
  capacity: z.coerce.number({ error: "capacity" }).int({ error: "capacity" }).min(1, { error: "capacity" }).max(1_000_000, { error: "capacity" }).nullable().default(null),
  organizer: trimmed(300).min(1, { error: "required" }),
  materials: z.array(z.object({ name: trimmed(300).min(1, { error: "required" }), url: httpUrl })).max(50, { error: "tooMany" }).default([]),
  recordingUrl: optionalUrl,
  themes: z.array(z.enum(THEME_IDS as [string, ...string[]], { error: "choice" })).default([]),
});

export type LearningValidationResult = { ok: true; value: LearningFields } | { ok: false; errors: FieldErrors };

/** Checks that need several fields, run even when other fields are invalid so that every error shows at once. */
function crossFieldErrors(input: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  const text = (input.text ?? {}) as Record<string, unknown>;
  // An invalid main language has its own error, and an error keyed on it would link to no field.
  if (typeof input.primaryLanguage === "string" && (LANGUAGES as readonly string[]).includes(input.primaryLanguage) && text[input.primaryLanguage] === undefined) {
    errors[`text.${input.primaryLanguage}.title`] = "primaryMissing";
  }
  if (!input.onlineUrl && !input.place) errors.onlineUrl = "onlineOrPlace";
  const timeZone = typeof input.timeZone === "string" ? input.timeZone.trim() : "";
  const start = typeof input.start === "string" ? localToInstant(input.start, timeZone) : null;
  const end = typeof input.end === "string" ? localToInstant(input.end, timeZone) : null;
  if (start && end && Date.parse(end) <= Date.parse(start)) errors.end = "endBeforeStart";
  return errors;
}

/** Validates editor or import input into learning opportunity fields, or field errors keyed by dotted path ("text.fr.title", "place.country"). */
export function validateLearningFields(input: unknown): LearningValidationResult {
  const raw = (input ?? {}) as Record<string, unknown>;
  const parsed = learningInputSchema.safeParse(raw);
  const errors = crossFieldErrors(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // Errors on one item of a list belong to the list's field.
      const key = (issue.path.filter((part) => typeof part === "string") as string[]).join(".");
      // Each material is a name and a link on one line of a single field, so any error in one belongs to that field.
      if (key.startsWith("materials")) {
        errors.materials ??= "materials";
        continue;
      }
      if (errors[key]) continue;
      errors[key] = issue.code === "invalid_type" && issue.input === undefined ? "required" : /^[a-zA-Z]+$/.test(issue.message) ? issue.message : "invalid";
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const value = parsed.data;
  return {
    ok: true,
    value: {
      ...value,
      start: localToInstant(value.start, value.timeZone)!,
      end: localToInstant(value.end, value.timeZone)!,
    } as LearningFields,
  };
}

/** The languages a learning opportunity is written in, primary language first. */
export function learningLanguages(item: Pick<LearningFields, "primaryLanguage" | "text">): Language[] {
  return [item.primaryLanguage, ...LANGUAGES.filter((language) => language !== item.primaryLanguage && item.text[language])];
}

/** True once the learning opportunity has ended (or started, when it has no end). */
export function isPast(item: Pick<LearningFields, "start" | "end">, now = new Date()): boolean {
  return Date.parse(item.end ?? item.start) < now.getTime();
}

/**
 * Formats when a learning opportunity takes place, in a locale and in the
 * opportunity's own time zone, naming the zone: "Tuesday, 10 March 2026,
 * 14:00–16:00 (Europe/Paris)".
 */
export function formatWhen(item: Pick<LearningFields, "start" | "end" | "timeZone">, locale: string): string {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short", timeZone: item.timeZone });
  const start = new Date(item.start);
  const range = item.end ? format.formatRange(start, new Date(item.end)) : format.format(start);
  return `${localizeDateText(range, locale)} (${item.timeZone})`;
}

/** One line naming the place, in the reader's locale for the country: "Centro Cultural, Calle 5, Quito, Ecuador". */
export function formatPlace(place: LearningPlace, locale: string): string {
  let country = place.country;
  if (isCountryCode(place.country)) country = new Intl.DisplayNames([locale], { type: "region" }).of(place.country) ?? place.country;
  return [place.name, place.address, place.locality, country].filter(Boolean).join(", ");
}
