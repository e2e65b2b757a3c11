import { z } from "zod";

import { isCalendarDate, type FieldErrors } from "./practice.ts";
import type { WorkflowStatus } from "./workflow.ts";
import { isLanguage, LANGUAGES, LICENCES, REGIONS, THEME_IDS, type Language } from "./vocabulary.ts";

/** Kinds of resource. `video` and `audio` are audio-video material, played on their page and federated as Video or Audio. */
export const RESOURCE_TYPES = [
  "manual",
  "guidance-note",
  "toolkit",
  "report",
  "policy-brief",
  "training-material",
  "dataset",
  "infographic",
  "other",
  "video",
  "audio",
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Library filter: practices, resources that are documents or links, or audio-video material. */
export const LIBRARY_KINDS = ["practice", "resource", "media"] as const;
export type LibraryKind = (typeof LIBRARY_KINDS)[number];

export function isMediaType(type: ResourceType): type is "video" | "audio" {
  return type === "video" || type === "audio";
}

/** The text of a resource in one language. Plain text: blank lines separate paragraphs. */
export interface ResourceText {
  title: string;
  summary: string;
  description: string;
  /** Text transcript of a recording; empty for other resources. */
  transcript: string;
}

export const RESOURCE_TEXT_FIELDS = ["title", "summary", "description", "transcript"] as const;

export function emptyResourceText(): ResourceText {
  return { title: "", summary: "", description: "", transcript: "" };
}

/**
 * A file of a resource. Local files live under `/files/` with a name made
 * of the SHA-256 of their content; remote ones are links to their origin.
 */
export interface ResourceFile {
  /** `/files/<sha256>.<ext>` for a local file, an absolute http(s) URL for a partner's file. */
  href: string;
  mediaType: string | null;
  /** Size in bytes, when known. */
  size: number | null;
  /** The name the file had when it was uploaded, shown in the download link. */
  name: string;
}

/** One caption track of a recording, in WebVTT. */
export interface CaptionTrack {
  language: string;
  file: ResourceFile;
}

/** Fields an editor writes. */
export interface ResourceFields {
  primaryLanguage: Language;
  text: Partial<Record<Language, ResourceText>>;
  resourceType: ResourceType;
  publisher: string;
  /** YYYY-MM-DD, or null when unknown. */
  publicationDate: string | null;
  /** Languages the resource itself is available in. */
  languages: string[];
  licence: string;
  themes: string[];
  regions: string[];
  /** Address of a resource published elsewhere; null for an uploaded file. */
  link: string | null;
  /** Length of a recording in whole seconds. */
  durationSeconds: number | null;
  /** Whether a recording includes audio description of what is shown. */
  audioDescription: boolean;
}

/** A resource as stored: local ones are ours, remote ones are partner copies kept current by their origin. */
export interface Resource extends ResourceFields {
  iri: string;
  slug: string;
  local: boolean;
  url: string;
  attributedTo: string;
  sourceActor: string | null;
  authorAccountId: number | null;
  status: WorkflowStatus;
  file: ResourceFile | null;
  captions: CaptionTrack[];
  /** Sanitized HTML description per language for partner copies; null for local resources. */
  descriptionHtml: Partial<Record<Language, string>> | null;
  published: string | null;
  updated: string;
  deleted: string | null;
  /** Why a partner copy is hidden by moderation ("domain:HOST"); kept by the store, never federated. */
  hidden?: string | null;
}

const trimmed = (max: number) => z.string().trim().max(max, { error: `must be at most ${max} characters` });

const textSchema = z.object({
  title: trimmed(200).min(1, { error: "required" }),
  summary: trimmed(1000).min(1, { error: "required" }),
  description: trimmed(50_000).default(""),
  transcript: trimmed(200_000).default(""),
});

/** Maximum duration of a recording, in seconds (100 hours), so a typo cannot produce a nonsense duration. */
const MAX_DURATION_SECONDS = 360_000;

export const resourceFieldsSchema = z
  .object({
    primaryLanguage: z.enum(LANGUAGES, { error: "language" }),
    text: z.partialRecord(z.enum(LANGUAGES), textSchema),
    resourceType: z.enum(RESOURCE_TYPES, { error: "choice" }),
    publisher: trimmed(300).min(1, { error: "required" }),
    publicationDate: z.string().refine(isCalendarDate, { error: "date" }).nullable().default(null),
    languages: z.array(z.enum(LANGUAGES, { error: "choice" })).min(1, { error: "atLeastOne" }),
    licence: z.enum(LICENCES, { error: "choice" }).default("CC-BY-4.0"),
    themes: z.array(z.enum(THEME_IDS as [string, ...string[]], { error: "choice" })).min(1, { error: "atLeastOne" }),
    regions: z.array(z.enum(REGIONS, { error: "choice" })).default([]),
    link: z
      .string()
      .trim()
      .max(2000, { error: "url" })
      .refine((value) => /^https?:\/\/[^\s]+$/.test(value) && URL.canParse(value), { error: "url" })
      .nullable()
      .default(null),
    durationSeconds: z.number({ error: "duration" }).int({ error: "duration" }).min(1, { error: "duration" }).max(MAX_DURATION_SECONDS, { error: "duration" }).nullable().default(null),
    audioDescription: z.boolean().default(false),
  })
  .superRefine((value, context) => {
    if (value.text[value.primaryLanguage] === undefined) {
      context.addIssue({ code: "custom", path: ["text", value.primaryLanguage, "title"], message: "primaryMissing" });
    }
  });

export type ResourceValidationResult = { ok: true; value: ResourceFields } | { ok: false; errors: FieldErrors };

/** Validates editor input; error messages are i18n keys under `errors.`. The caller, which has the upload, checks that a file or link is given. */
export function validateResourceFields(input: unknown): ResourceValidationResult {
  const parsed = resourceFieldsSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data as ResourceFields };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = (issue.path.filter((part) => typeof part === "string") as string[]).join(".");
    if (errors[key]) continue;
    // zod 4 leaves `issue.input` out unless asked, so the given value is looked up to tell a missing field from a wrong one.
    const given = issue.path.reduce<unknown>((value, part) => (value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[part] : undefined), input);
    errors[key] = issue.code === "invalid_type" && given === undefined ? "required" : /^[a-zA-Z]+$/.test(issue.message) ? issue.message : "invalid";
  }
  // zod runs the cross-field check only once every field is valid, so a missing main-language text is also reported here.
  const raw = (input ?? {}) as { primaryLanguage?: unknown; text?: Record<string, unknown> };
  if (isLanguage(raw.primaryLanguage) && raw.text?.[raw.primaryLanguage] === undefined) errors[`text.${raw.primaryLanguage}.title`] ??= "primaryMissing";
  return { ok: false, errors };
}

/**
 * Reads a duration typed as `h:mm:ss`, `mm:ss` or a number of seconds.
 * Returns null for an empty value and NaN for one that cannot be read.
 */
export function parseDuration(value: string): number | null {
  const text = value.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text);
  const match = /^(?:(\d+):)?([0-5]?\d):([0-5]\d)$/.exec(text);
  if (!match) return Number.NaN;
  return Number(match[1] ?? 0) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** Writes seconds as `h:mm:ss`, or `m:ss` under an hour. */
export function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

/** Writes seconds as an xsd:duration, such as PT1H2M3S, as ActivityStreams' `duration` expects. */
export function toXsdDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return `PT${hours ? `${hours}H` : ""}${minutes ? `${minutes}M` : ""}${rest || (!hours && !minutes) ? `${rest}S` : ""}`;
}

/** Reads an xsd:duration of days, hours, minutes and seconds (no years or months) into whole seconds, or null. */
export function fromXsdDuration(value: string): number | null {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value.trim());
  if (!match || value.trim() === "P" || value.trim().endsWith("T")) return null;
  const seconds = Number(match[1] ?? 0) * 86_400 + Number(match[2] ?? 0) * 3600 + Number(match[3] ?? 0) * 60 + Math.round(Number(match[4] ?? 0));
  return seconds > 0 ? seconds : null;
}

/**
 * Lists what a recording lacks to count as accessible: caption tracks and a
 * transcript. Empty for resources that are not recordings.
 */
export function missingAccessibility(resource: Pick<Resource, "resourceType" | "captions" | "text">): ("captions" | "transcript")[] {
  if (!isMediaType(resource.resourceType)) return [];
  const missing: ("captions" | "transcript")[] = [];
  if (resource.captions.length === 0) missing.push("captions");
  if (!Object.values(resource.text).some((text) => text?.transcript.trim())) missing.push("transcript");
  return missing;
}

/** Returns the locale key suffix naming what a recording lacks: "captions", "transcript" or "captionsAndTranscript". */
export function missingAccessibilityKey(missing: ("captions" | "transcript")[]): string {
  return missing.map((part, index) => (index === 0 ? part : part[0].toUpperCase() + part.slice(1))).join("And");
}
