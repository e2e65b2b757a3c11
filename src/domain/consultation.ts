import { z } from "zod";

import { localizeDateText } from "./dates.ts";
import { isLanguageTag, isTimeZone, localToInstant } from "./learning.ts";
import type { FieldErrors } from "./practice.ts";
import { LANGUAGES, THEME_IDS, type Language } from "./vocabulary.ts";

/** The text of a consultation in one language. Plain text: blank lines separate paragraphs. */
export interface ConsultationText {
  title: string;
  /** Reason the consultation is held, shown as its summary. */
  purpose: string;
  description: string;
  /** Guiding questions, in the order participants should read them. */
  questions: string[];
}

export const CONSULTATION_TEXT_FIELDS = ["title", "purpose", "description", "questions"] as const;

/** Maximum number of guiding questions per language. */
export const MAX_QUESTIONS = 20;

/** Fields an editor writes; the same shape is federated, except `moderators`, which name local accounts. */
export interface ConsultationFields {
  primaryLanguage: Language;
  text: Partial<Record<Language, ConsultationText>>;
  /** Opening and closing as UTC instants (ISO 8601). */
  opens: string;
  closes: string;
  /** IANA time zone the dates were announced in, used to show them. */
  timeZone: string;
  /** Usernames of local accounts that moderate the submissions. */
  moderators: string[];
  /** BCP 47 tags of the languages in which submissions are welcome. */
  languages: string[];
  themes: string[];
}

/** A consultation as stored: local ones are ours, partner copies are kept current by their origin. */
export interface Consultation extends ConsultationFields {
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
  /** Summary of what was heard, written by an editor after closing: plain text per language, or null until then. */
  outcome: Partial<Record<Language, string>> | null;
  /** When the Update carrying `closed` was sent to followers; null until then, and always null for partner copies. */
  closingAnnounced: string | null;
  published: string;
  updated: string;
  deleted: string | null;
  /** Why a partner copy is hidden by moderation ("domain:HOST"); kept by the store, never federated. */
  hidden?: string | null;
}

export type ConsultationState = "upcoming" | "open" | "closed";

/** Returns the state of a consultation at `now`. Submissions are accepted from its opening (included) to its closing (excluded). */
export function consultationState(item: Pick<ConsultationFields, "opens" | "closes">, now = new Date()): ConsultationState {
  if (now.getTime() < Date.parse(item.opens)) return "upcoming";
  return now.getTime() < Date.parse(item.closes) ? "open" : "closed";
}

/** Formats an instant in a locale and in the consultation's own time zone, naming the zone: "Tuesday, 10 March 2026, 14:00 (Europe/Paris)". */
export function formatInstant(instant: string, timeZone: string, locale: string): string {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short", timeZone });
  return `${localizeDateText(format.format(new Date(instant)), locale)} (${timeZone})`;
}

/**
 * Returns the interface languages in which members may reply to a
 * consultation: those whose primary subtag matches one of its submission
 * languages ("es" for "es-CO"). Returns an empty list when none matches,
 * and then any reply language is taken.
 */
export function replyLanguages(item: Pick<ConsultationFields, "languages">): Language[] {
  const wanted = new Set(item.languages.map((tag) => tag.split("-")[0].toLowerCase()));
  return LANGUAGES.filter((language) => wanted.has(language));
}

/** The languages a consultation is written in, primary language first. */
export function consultationLanguages(item: Pick<ConsultationFields, "primaryLanguage" | "text">): Language[] {
  return [item.primaryLanguage, ...LANGUAGES.filter((language) => language !== item.primaryLanguage && item.text[language])];
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const USERNAME = /^[a-z0-9_]{1,30}$/i;

const trimmed = (max: number) => z.string().trim().max(max, { error: "tooLong" });

const textSchema = z.object({
  title: trimmed(200).min(1, { error: "required" }),
  purpose: trimmed(1000).min(1, { error: "required" }),
  description: trimmed(50_000).default(""),
  questions: z.array(trimmed(500).min(1, { error: "required" })).max(MAX_QUESTIONS, { error: "tooManyQuestions" }).default([]),
});

/**
 * Validation of editor input. `opens` and `closes` arrive as wall-clock
 * times in `timeZone` ("2026-03-10T14:00") and leave as UTC instants.
 * Error messages are i18n keys under `consultations:errors.`.
 */
const consultationInputSchema = z.object({
  primaryLanguage: z.enum(LANGUAGES, { error: "language" }),
  text: z.partialRecord(z.enum(LANGUAGES), textSchema),
  opens: z.string().regex(LOCAL_DATE_TIME, { error: "dateTime" }),
  closes: z.string().regex(LOCAL_DATE_TIME, { error: "dateTime" }),
  timeZone: z.string().trim().min(1, { error: "required", abort: true }).refine(isTimeZone, { error: "timeZone" }),
  moderators: z.array(z.string().trim().regex(USERNAME, { error: "username" })).max(20, { error: "tooMany" }).default([]),
  languages: z.array(z.string().trim().refine(isLanguageTag, { error: "languageTag" })).min(1, { error: "atLeastOne" }),
  themes: z.array(z.enum(THEME_IDS as [string, ...string[]], { error: "choice" })).default([]),
});

export type ConsultationValidationResult = { ok: true; value: ConsultationFields } | { ok: false; errors: FieldErrors };

/** Checks that need several fields, run even when other fields are invalid so that every error shows at once. */
function crossFieldErrors(input: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  const text = (input.text ?? {}) as Record<string, { questions?: unknown } | undefined>;
  if (typeof input.primaryLanguage === "string" && (LANGUAGES as readonly string[]).includes(input.primaryLanguage)) {
    const primary = text[input.primaryLanguage];
    if (primary === undefined) errors[`text.${input.primaryLanguage}.title`] = "primaryMissing";
    else if (!Array.isArray(primary.questions) || primary.questions.length === 0) errors[`text.${input.primaryLanguage}.questions`] = "atLeastOneQuestion";
  }
  const timeZone = typeof input.timeZone === "string" ? input.timeZone.trim() : "";
  const opens = typeof input.opens === "string" ? localToInstant(input.opens, timeZone) : null;
  const closes = typeof input.closes === "string" ? localToInstant(input.closes, timeZone) : null;
  if (opens && closes && Date.parse(closes) <= Date.parse(opens)) errors.closes = "closesBeforeOpens";
  return errors;
}

/** Validates editor input into consultation fields, or field errors keyed by dotted path ("text.fr.questions", "closes"). */
export function validateConsultationFields(input: unknown): ConsultationValidationResult {
  const raw = (input ?? {}) as Record<string, unknown>;
  const parsed = consultationInputSchema.safeParse(raw);
  const errors = crossFieldErrors(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // An error on one question, moderator or language belongs to the field that lists them.
      const key = (issue.path.filter((part) => typeof part === "string") as string[]).join(".");
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
      moderators: [...new Set(value.moderators.map((username) => username.toLowerCase()))],
      opens: localToInstant(value.opens, value.timeZone)!,
      closes: localToInstant(value.closes, value.timeZone)!,
    } as ConsultationFields,
  };
}

/** Maximum length of the summary of what was heard, per language. */
export const MAX_OUTCOME_LENGTH = 50_000;

/**
 * Validates the summary of what was heard: text per language, with the
 * consultation's primary language required. Errors are keyed
 * "outcome.LANGUAGE" with keys under `consultations:errors.`.
 */
export function validateOutcome(input: Partial<Record<string, unknown>>, primaryLanguage: Language): { ok: true; value: Partial<Record<Language, string>> } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const value: Partial<Record<Language, string>> = {};
  for (const language of LANGUAGES) {
    const text = typeof input[language] === "string" ? (input[language] as string).trim() : "";
    if (text.length > MAX_OUTCOME_LENGTH) errors[`outcome.${language}`] = "tooLong";
    else if (text) value[language] = text;
  }
  if (!value[primaryLanguage] && !errors[`outcome.${primaryLanguage}`]) errors[`outcome.${primaryLanguage}`] = "outcomeRequired";
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** Why a submission is refused at `now`, as an i18n key under `consultations:errors.`, or null while the consultation is open. */
export function submissionRefusal(item: Pick<ConsultationFields, "opens" | "closes">, now = new Date()): "notOpenYet" | "closed" | null {
  const state = consultationState(item, now);
  if (state === "upcoming") return "notOpenYet";
  return state === "closed" ? "closed" : null;
}
