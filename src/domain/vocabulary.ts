/**
 * Controlled vocabularies of the practice profile. Ids are stable and
 * federated; their labels live in the locales under the same ids.
 */

export const LANGUAGES = ["en", "fr", "es"] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** Protection themes, each also published as a hashtag. */
export const THEMES = {
  "trafficking-in-persons": "TraffickingInPersons",
  "gender-based-violence": "GenderBasedViolence",
  "child-protection": "ChildProtection",
  "alternatives-to-detention": "AlternativesToDetention",
  "return-and-reintegration": "ReturnAndReintegration",
  "mental-health-psychosocial-support": "MHPSS",
  "labour-exploitation": "LabourExploitation",
  "missing-migrants": "MissingMigrants",
  "emergencies": "MigrantsInEmergencies",
  "access-to-justice": "AccessToJustice",
  "social-inclusion": "SocialInclusion",
} as const;
export type Theme = keyof typeof THEMES;
export const THEME_IDS = Object.keys(THEMES) as Theme[];

export const TARGET_GROUPS = [
  "children",
  "unaccompanied-children",
  "women",
  "persons-with-disabilities",
  "trafficking-survivors",
  "lgbtiq-persons",
  "older-persons",
  "migrant-workers",
  "families",
  "host-communities",
] as const;
export type TargetGroup = (typeof TARGET_GROUPS)[number];

export const REGIONS = ["africa", "americas", "asia-pacific", "europe-central-asia", "middle-east-north-africa"] as const;
export type Region = (typeof REGIONS)[number];

export const SCOPES = ["local", "national", "regional", "global"] as const;
export type Scope = (typeof SCOPES)[number];

export const PRACTICE_TYPES = ["policy", "programme", "service", "tool", "partnership"] as const;
export type PracticeType = (typeof PRACTICE_TYPES)[number];

export const PRACTICE_STATUSES = ["ongoing", "completed"] as const;
export type PracticeStatus = (typeof PRACTICE_STATUSES)[number];

export const EVIDENCE_LEVELS = ["anecdotal", "documented", "evaluated", "independently-evaluated"] as const;
export type EvidenceLevel = (typeof EVIDENCE_LEVELS)[number];

/** Global Compact for Safe, Orderly and Regular Migration: objectives 1 to 23. */
export const GCM_OBJECTIVES = Array.from({ length: 23 }, (_, index) => index + 1);

export const LICENCES = ["CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "all-rights-reserved"] as const;
export type Licence = (typeof LICENCES)[number];

/** ISO 3166-1 alpha-2 check through the runtime's region names, so no list is kept here. */
const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  const name = regionNames.of(code);
  return name !== undefined && name !== code && code !== "ZZ" && !/^X[A-Z]$/.test(code) && code !== "EU" && code !== "UN";
}
