import { z } from "zod";

import type { WorkflowStatus } from "./workflow.ts";

import {
  EVIDENCE_LEVELS,
  GCM_OBJECTIVES,
  isCountryCode,
  LANGUAGES,
  LICENCES,
  PRACTICE_STATUSES,
  PRACTICE_TYPES,
  REGIONS,
  SCOPES,
  TARGET_GROUPS,
  THEME_IDS,
  type Language,
} from "./vocabulary.ts";

/** The text of a practice in one language. Plain text: blank lines separate paragraphs. */
export interface PracticeText {
  title: string;
  summary: string;
  body: string;
  results: string;
  challenges: string;
  lessonsLearned: string;
  replication: string;
}

export const TEXT_FIELDS = ["title", "summary", "body", "results", "challenges", "lessonsLearned", "replication"] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Fields an editor writes; the same shape is imported from JSON and federated. */
export interface PracticeFields {
  primaryLanguage: Language;
  text: Partial<Record<Language, PracticeText>>;
  themes: string[];
  gcmObjectives: number[];
  sdgTargets: string[];
  scope: (typeof SCOPES)[number];
  countries: string[];
  regions: string[];
  targetGroups: string[];
  practiceType: (typeof PRACTICE_TYPES)[number];
  implementer: string;
  partners: string[];
  periodStart: string;
  periodEnd: string | null;
  practiceStatus: (typeof PRACTICE_STATUSES)[number];
  evidenceLevel: (typeof EVIDENCE_LEVELS)[number];
  licence: string;
  /** Contact person; federated only when `federate` is true. */
  focalPoint: { name: string; email: string; federate: boolean } | null;
}

/** A practice as stored: local ones are ours, remote ones are copies kept current by their origin. */
export interface Practice extends PracticeFields {
  /** ActivityPub id. */
  iri: string;
  slug: string;
  local: boolean;
  /** Page on its origin instance. */
  url: string;
  /** Actor that published it (our Group for local practices). */
  attributedTo: string;
  /** Partner actor whose instance it came from; null for local practices. */
  sourceActor: string | null;
  /** Local account that wrote it; null for remote practices. */
  authorAccountId: number | null;
  status: WorkflowStatus;
  /**
   * Sanitized HTML body per language, for remote copies whose body arrives as
   * HTML; null for local practices, whose body is rendered from `text`.
   */
  bodyHtml: Partial<Record<Language, string>> | null;
  published: string | null;
  updated: string;
  deleted: string | null;
  /**
   * Why a library copy is hidden by moderation ("domain:HOST"), kept by the
   * store beside the practice and never part of what federates.
   */
  hidden?: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written YYYY-MM-DD (so 2024-02-30 is refused). */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
/** Sustainable Development Goal target: goal 1 to 17, then a number or a letter, as in 10.7 or 16.a. */
export const SDG_TARGET = /^(1[0-7]|[1-9])\.([1-9][0-9]?|[a-z])$/;
const trimmed = (max: number) => z.string().trim().max(max, { error: `must be at most ${max} characters` });

const textSchema = z.object({
  title: trimmed(200).min(1, { error: "required" }),
  summary: trimmed(1000).min(1, { error: "required" }),
  body: trimmed(50_000).min(1, { error: "required" }),
  results: trimmed(20_000).default(""),
  challenges: trimmed(20_000).default(""),
  lessonsLearned: trimmed(20_000).default(""),
  replication: trimmed(20_000).default(""),
});

/** Validation of editor and import input; error messages are i18n keys under `errors.`. */
export const practiceFieldsSchema = z
  .object({
    primaryLanguage: z.enum(LANGUAGES, { error: "language" }),
    text: z.partialRecord(z.enum(LANGUAGES), textSchema),
    themes: z.array(z.enum(THEME_IDS as [string, ...string[]], { error: "choice" })).min(1, { error: "atLeastOne" }),
    gcmObjectives: z.array(z.coerce.number().int().refine((n) => GCM_OBJECTIVES.includes(n), { error: "gcm" })).default([]),
    sdgTargets: z.array(z.string().trim().regex(SDG_TARGET, { error: "sdg" })).default([]),
    scope: z.enum(SCOPES, { error: "choice" }),
    countries: z.array(z.string().trim().toUpperCase().refine(isCountryCode, { error: "country" })).default([]),
    regions: z.array(z.enum(REGIONS, { error: "choice" })).default([]),
    targetGroups: z.array(z.enum(TARGET_GROUPS, { error: "choice" })).default([]),
    practiceType: z.enum(PRACTICE_TYPES, { error: "choice" }),
    implementer: trimmed(300).min(1, { error: "required" }),
    partners: z.array(trimmed(300).min(1)).default([]),
    periodStart: z.string().refine(isCalendarDate, { error: "date" }),
    periodEnd: z.string().refine(isCalendarDate, { error: "date" }).nullable().default(null),
    practiceStatus: z.enum(PRACTICE_STATUSES, { error: "choice" }),
    evidenceLevel: z.enum(EVIDENCE_LEVELS, { error: "choice" }),
    licence: z.enum(LICENCES, { error: "choice" }).default("CC-BY-4.0"),
    focalPoint: z
      .object({ name: trimmed(200).min(1, { error: "required" }), email: z.email({ error: "email" }), federate: z.boolean().default(false) })
      .nullable()
      .default(null),
  })
  .superRefine((value, context) => {
    if (value.text[value.primaryLanguage] === undefined) {
      context.addIssue({ code: "custom", path: ["text", value.primaryLanguage, "title"], message: "primaryMissing" });
    }
    if (value.periodEnd !== null && value.periodEnd < value.periodStart) {
      context.addIssue({ code: "custom", path: ["periodEnd"], message: "endBeforeStart" });
    }
  });

/** Field path (dotted, like "text.fr.title") to an i18n error key. */
export type FieldErrors = Record<string, string>;

export type ValidationResult = { ok: true; value: PracticeFields } | { ok: false; errors: FieldErrors };

export function validatePracticeFields(input: unknown): ValidationResult {
  const parsed = practiceFieldsSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data as PracticeFields };
  const errors: FieldErrors = {};
  // zod runs the cross-field checks only once every field is valid; the period is checked here too so all errors show at once.
  const raw = (input ?? {}) as { periodStart?: unknown; periodEnd?: unknown };
  if (typeof raw.periodStart === "string" && typeof raw.periodEnd === "string" && isCalendarDate(raw.periodStart) && isCalendarDate(raw.periodEnd) && raw.periodEnd < raw.periodStart) {
    errors.periodEnd = "endBeforeStart";
  }
  for (const issue of parsed.error.issues) {
    // Errors on one item of a list belong to the list's field.
    const pathParts = issue.path.filter((part) => typeof part === "string") as string[];
    const key = pathParts.join(".");
    if (errors[key]) continue;
    errors[key] = issue.code === "invalid_type" && issue.input === undefined ? "required" : issue.message.match(/^[a-zA-Z]+$/) ? issue.message : "invalid";
  }
  return { ok: false, errors };
}

/** Builds a URL slug from a title: ASCII letters and digits joined by hyphens. */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug || "practice";
}

/** The languages a practice is written in, primary language first. */
export function practiceLanguages(practice: Pick<PracticeFields, "primaryLanguage" | "text">): Language[] {
  const others = LANGUAGES.filter((language) => language !== practice.primaryLanguage && practice.text[language]);
  return [practice.primaryLanguage, ...others];
}

/** Builds an empty text block, for forms and for remote copies missing a field. */
export function emptyText(): PracticeText {
  return { title: "", summary: "", body: "", results: "", challenges: "", lessonsLearned: "", replication: "" };
}
