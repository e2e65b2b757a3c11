import type { AccountProfile } from "../storage/types.ts";
import { MAX_DISPLAY_NAME_LENGTH } from "./accounts.ts";
import { isLanguage } from "./vocabulary.ts";

export const MAX_BIO_LENGTH = 2000;
export const MAX_AFFILIATION_LENGTH = 200;

/**
 * Languages a member may list as working languages: the interface languages and
 * those most spoken along migration routes, as ISO 639-1 codes. Pages show
 * them by name through Intl.DisplayNames in the reader's language.
 */
export const MEMBER_LANGUAGES = ["en", "fr", "es", "ar", "pt", "ru", "uk", "fa", "ps", "ur", "bn", "hi", "zh", "tr", "de", "it", "sw", "so", "ti", "am", "ha", "wo", "ln", "ht"] as const;

/** Fields of the profile form: text as typed, and every ticked language. */
export interface ProfileForm {
  displayName: string;
  bio: string;
  /** Language the biography is written in. */
  bioLanguage: string;
  affiliation: string;
  languages: string[];
}

/** Checks the profile form; returns the profile, or error keys (under `errors:`) by field name. */
export function validateProfile(form: ProfileForm): { ok: true; profile: AccountProfile } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const displayName = form.displayName.trim();
  const bio = form.bio.trim();
  const affiliation = form.affiliation.trim();
  if (!displayName) errors.displayName = "required";
  else if (displayName.length > MAX_DISPLAY_NAME_LENGTH) errors.displayName = "displayNameTooLong";
  if (bio.length > MAX_BIO_LENGTH) errors.bio = "bioTooLong";
  if (affiliation.length > MAX_AFFILIATION_LENGTH) errors.affiliation = "affiliationTooLong";
  const known = new Set<string>(MEMBER_LANGUAGES);
  if (form.languages.some((language) => !known.has(language))) errors.languages = "choice";
  // The form's menu always sends a language; one left out by another client leaves the biography's language unknown.
  if (form.bioLanguage && !isLanguage(form.bioLanguage)) errors.bioLanguage = "choice";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const languages = MEMBER_LANGUAGES.filter((language) => form.languages.includes(language));
  return { ok: true, profile: { displayName, bio, bioLanguage: bio && isLanguage(form.bioLanguage) ? form.bioLanguage : null, affiliation, languages } };
}
