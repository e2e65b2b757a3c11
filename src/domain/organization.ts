import type { Config } from "../config.ts";
import type { RemoteActor, Store } from "../storage/types.ts";
import { pickLanguage } from "./text.ts";
import { isLanguage, LANGUAGES, REGIONS, type Language } from "./vocabulary.ts";

/** The organization's public identity, set by an admin or by seed-demo. */
export interface OrganizationProfile {
  name: Partial<Record<Language, string>>;
  summary: Partial<Record<Language, string>>;
  website: string | null;
  region: string | null;
  primaryLanguage: Language;
  requireFollowApproval: boolean;
  /** Stored file name of the logo under DATA_DIR/files, or null. */
  logo: string | null;
}

const PROFILE_KEY = "organization.profile";
const APPROVAL_KEY = "federation.requireFollowApproval";

export async function organizationProfile(store: Store, config: Config): Promise<OrganizationProfile> {
  const raw = await store.settings.get(PROFILE_KEY);
  const saved = raw ? (JSON.parse(raw) as Partial<OrganizationProfile>) : {};
  const primaryLanguage = isLanguage(saved.primaryLanguage) ? saved.primaryLanguage : config.defaultLanguage;
  const name = saved.name && Object.keys(saved.name).length > 0 ? saved.name : { [primaryLanguage]: config.organizationName };
  return {
    name,
    summary: saved.summary ?? {},
    website: saved.website ?? null,
    region: saved.region ?? null,
    primaryLanguage,
    requireFollowApproval: (await store.settings.get(APPROVAL_KEY)) === "true",
    logo: saved.logo ?? null,
  };
}

/** Saves the profile; a profile given without `logo` keeps the logo already saved. */
export async function saveOrganizationProfile(store: Store, profile: Omit<OrganizationProfile, "requireFollowApproval" | "logo"> & { logo?: string | null }): Promise<void> {
  let logo = profile.logo ?? null;
  if (profile.logo === undefined) {
    const raw = await store.settings.get(PROFILE_KEY);
    logo = raw ? ((JSON.parse(raw) as Partial<OrganizationProfile>).logo ?? null) : null;
  }
  await store.settings.set(PROFILE_KEY, JSON.stringify({ ...profile, logo }));
}

export async function setFollowApproval(store: Store, required: boolean): Promise<void> {
  await store.settings.set(APPROVAL_KEY, required ? "true" : "false");
}

export const MAX_ORGANIZATION_NAME = 200;
/** Largest logo accepted, in bytes. */
export const MAX_LOGO_BYTES = 2 * 1024 * 1024;
export const MAX_ORGANIZATION_SUMMARY = 2000;

/** What the profile form sends, field by field as typed. */
export type OrganizationForm = Record<string, string>;

/**
 * Checks the profile form: a name in the primary language, names and
 * summaries within their limits, a web address over http or https, and a
 * region from the list. Returns the profile or error keys by field name.
 */
export function validateOrganizationForm(form: OrganizationForm):
  | { ok: true; profile: Omit<OrganizationProfile, "requireFollowApproval" | "logo"> }
  | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const primaryLanguage = form.primaryLanguage;
  if (!isLanguage(primaryLanguage)) errors.primaryLanguage = "choice";
  const name: Partial<Record<Language, string>> = {};
  const summary: Partial<Record<Language, string>> = {};
  for (const language of LANGUAGES) {
    const typedName = (form[`name.${language}`] ?? "").trim();
    const typedSummary = (form[`summary.${language}`] ?? "").trim();
    if (typedName.length > MAX_ORGANIZATION_NAME) errors[`name.${language}`] = "organizationNameTooLong";
    if (typedSummary.length > MAX_ORGANIZATION_SUMMARY) errors[`summary.${language}`] = "organizationSummaryTooLong";
    if (typedName) name[language] = typedName;
    if (typedSummary) summary[language] = typedSummary;
  }
  if (isLanguage(primaryLanguage) && !name[primaryLanguage]) errors[`name.${primaryLanguage}`] = "required";
  const website = (form.website ?? "").trim();
  if (website) {
    let url: URL | null = null;
    try {
      url = new URL(website);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) errors.website = "url";
  }
  const region = form.region ?? "";
  if (region && !(REGIONS as readonly string[]).includes(region)) errors.region = "choice";
  if (Object.keys(errors).length > 0 || !isLanguage(primaryLanguage)) return { ok: false, errors };
  return { ok: true, profile: { name, summary, website: website || null, region: region || null, primaryLanguage } };
}

/** A text chosen for the reader and the language it is written in, or null when unknown. */
export interface ShownText {
  text: string;
  language: string | null;
}

/** Finds the language whose tagged value equals the untagged one, which is the language the actor writes in by default. */
function defaultLanguage(values: Record<string, string>, untagged: string | null, wanted: string): string {
  return Object.entries(values).find(([, value]) => value === untagged)?.[0] ?? wanted;
}

/**
 * Chooses a remote actor's name for a reader of `wanted`: the name in that
 * language, else in the actor's default language, else any tagged one, else
 * the untagged name, else its handle or host.
 */
export function remoteActorName(actor: RemoteActor, wanted: string): ShownText {
  const names = actor.names ?? {};
  const chosen = pickLanguage(names, wanted, defaultLanguage(names, actor.name, wanted));
  if (chosen) return { text: chosen.value, language: chosen.language };
  return { text: actor.name ?? actor.handle ?? new URL(actor.iri).host, language: null };
}

/** Chooses a remote actor's plain-text summary for a reader of `wanted`, as `remoteActorName` does; null when it has none. */
export function remoteActorSummary(actor: RemoteActor, wanted: string): ShownText | null {
  const summaries = actor.summaries ?? {};
  const names = actor.names ?? {};
  const chosen = pickLanguage(summaries, wanted, defaultLanguage(names, actor.name, wanted));
  if (!chosen) return null;
  // "und" marks a summary sent without a language tag.
  return { text: chosen.value, language: chosen.language === "und" ? null : chosen.language };
}
