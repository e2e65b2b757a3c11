import type { Config } from "../config.ts";
import type { Store } from "../storage/types.ts";
import { isLanguage, type Language } from "./vocabulary.ts";

/** The organization's public identity, set by an admin or by seed-demo. */
export interface OrganizationProfile {
  name: Partial<Record<Language, string>>;
  summary: Partial<Record<Language, string>>;
  website: string | null;
  region: string | null;
  primaryLanguage: Language;
  requireFollowApproval: boolean;
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
  };
}

export async function saveOrganizationProfile(store: Store, profile: Omit<OrganizationProfile, "requireFollowApproval">): Promise<void> {
  await store.settings.set(PROFILE_KEY, JSON.stringify(profile));
}

export async function setFollowApproval(store: Store, required: boolean): Promise<void> {
  await store.settings.set(APPROVAL_KEY, required ? "true" : "false");
}
