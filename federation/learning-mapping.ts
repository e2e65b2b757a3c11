import fs from "node:fs";
import path from "node:path";

import jsonld from "jsonld";

import {
  formatPlace,
  formatWhen,
  isLanguageTag,
  isTimeZone,
  learningLanguages,
  LEARNING_FORMATS,
  REGISTRATION_MODES,
  type LearningFields,
  type LearningOpportunity,
  type LearningText,
  type NamedLink,
} from "../src/domain/learning.ts";
import { htmlToText, plainTextToHtml, sanitizeRemoteHtml } from "../src/domain/text.ts";
import { isLanguage, LANGUAGES, THEME_IDS, THEMES, type Language, type Theme } from "../src/domain/vocabulary.ts";
import { ACTIVITYSTREAMS_CONTEXT, MINGA_CONTEXT, mingaContextUrl, PUBLIC_COLLECTION } from "./context.ts";

type JsonObject = Record<string, unknown>;

/** The URLs an Event links to, computed by the federation layer. */
export interface EventLinks {
  origin: string;
  followers: string;
  /** The OrderedCollection of the replies in the learning opportunity's discussion. */
  replies: string;
  /** The collection of the item and every reply in its discussion (FEP-7888), served as the object's `context`. */
  context: string;
  themeUrl: (theme: string) => string;
}

/**
 * The word for an online meeting in each language, for the `summary` that
 * Mastodon shows. It comes from the interface translations, so that the
 * pages and the federated text say the same thing.
 */
const ONLINE_WORD: Record<Language, string> = Object.fromEntries(
  LANGUAGES.map((language) => {
    const file = path.resolve(import.meta.dirname, `../locales/${language}/learning.json`);
    return [language, (JSON.parse(fs.readFileSync(file, "utf8")) as { fields: { online: string } }).fields.online];
  }),
) as Record<Language, string>;

/**
 * Writes the date, time zone and place in front of the summary, in the
 * summary's language. Mastodon shows an Event as its name, summary and link
 * only, so without this its readers would not learn when or where. No link
 * goes in, since Mastodon would make a preview card of it.
 */
export function eventSummary(item: LearningFields, language: Language, summary: string): string {
  const where = [item.place ? formatPlace(item.place, language) : null, item.onlineUrl ? ONLINE_WORD[language] : null].filter(Boolean).join(" · ");
  const heading = [formatWhen(item, language), where].filter(Boolean).join(" · ");
  return summary ? `${heading}. ${summary}` : heading;
}

function languageMap(item: LearningFields, pick: (text: LearningText, language: Language) => string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const language of learningLanguages(item)) {
    const text = item.text[language];
    const value = text ? pick(text, language) : "";
    if (value) map[language] = value;
  }
  return map;
}

/**
 * Serializes a learning opportunity as the ActivityStreams Event served at
 * its id: name, summary and content in the primary language and as maps
 * with every language (primary first, which Mastodon takes as the post's
 * language), startTime and endTime, a Place, the online address, materials
 * as Links, a Hashtag per theme, and the other fields in Minga's context.
 */
export function learningToEvent(item: LearningOpportunity, links: EventLinks): JsonObject {
  const primary = item.primaryLanguage;
  const nameMap = languageMap(item, (text) => text.title);
  const summaryMap = languageMap(item, (text, language) => eventSummary(item, language, text.summary));
  const contentMap = languageMap(item, (text, language) => item.descriptionHtml?.[language] ?? plainTextToHtml(text.description));
  const event: JsonObject = {
    "@context": [ACTIVITYSTREAMS_CONTEXT, mingaContextUrl(links.origin)],
    id: item.iri,
    type: "Event",
    contentKind: "LearningOpportunity",
    learningFormat: item.format,
    attributedTo: item.attributedTo,
    name: nameMap[primary],
    nameMap,
    summary: summaryMap[primary],
    summaryMap,
    learningSummary: languageMap(item, (text) => text.summary),
    mediaType: "text/html",
    url: item.url,
    published: item.published,
    updated: item.updated,
    to: [PUBLIC_COLLECTION],
    cc: [links.followers],
    replies: links.replies,
    context: links.context,
    startTime: item.start,
    timezone: item.timeZone,
    isOnline: item.onlineUrl !== null,
    primaryLanguage: primary,
    availableLanguage: item.languages,
    interpretationLanguages: item.interpretationLanguages,
    registrationMode: item.registrationMode,
    organizerName: item.organizer,
    themes: item.themes,
    tag: item.themes.map((theme) => ({ type: "Hashtag", name: `#${THEMES[theme as Theme] ?? theme}`, href: links.themeUrl(theme) })),
    attachment: item.materials.map((material) => ({ type: "Link", name: material.name, href: material.url })),
  };
  if (Object.keys(contentMap).length > 0) {
    event.content = contentMap[primary] ?? Object.values(contentMap)[0];
    event.contentMap = contentMap;
  }
  if (item.end) event.endTime = item.end;
  if (item.place) {
    event.location = {
      type: "Place",
      name: item.place.name,
      address: { type: "PostalAddress", streetAddress: item.place.address, addressLocality: item.place.locality, addressCountry: item.place.country },
    };
  }
  if (item.onlineUrl) event.onlineAddress = item.onlineUrl;
  if (item.registrationUrl) event.registrationUrl = item.registrationUrl;
  if (item.capacity !== null) event.maximumAttendeeCapacity = item.capacity;
  if (item.recordingUrl) event.recording = item.recordingUrl;
  return event;
}

/** Mobilizon writes schema.org terms under "http://schema.org#" where schema.org itself uses "http://schema.org/". */
const SCHEMA_HASH = "http://schema.org#";
const SCHEMA_SLASH = "http://schema.org/";
/** Mobilizon maps `location` to schema.org's location, which means what ActivityStreams' location means. */
const SAME_PROPERTY: Record<string, string> = { "http://schema.org/location": "https://www.w3.org/ns/activitystreams#location" };

/** Rewrites the property IRIs of an expanded document that other servers spell differently, so that one compaction reads them all. */
function normalizeSchemaIris(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeSchemaIris);
  if (!value || typeof value !== "object") return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value as JsonObject)) {
    const slashKey = key.startsWith(SCHEMA_HASH) ? SCHEMA_SLASH + key.slice(SCHEMA_HASH.length) : key;
    const normalizedKey = SAME_PROPERTY[slashKey] ?? slashKey;
    if (key !== "@type") {
      result[normalizedKey] = normalizeSchemaIris(item);
      continue;
    }
    result[key] = [item].flat().map((type) => (typeof type === "string" && type.startsWith(SCHEMA_HASH) ? SCHEMA_SLASH + type.slice(SCHEMA_HASH.length) : type));
  }
  return result;
}

/**
 * Compacts a fetched Event into the shape `learningToEvent` writes, whatever
 * context its sender used. A document without `@context`, as Gancio sends,
 * is read with the ActivityStreams context, whose terms it uses.
 */
export async function compactEvent(document: JsonObject, documentLoader: (url: string) => Promise<unknown>): Promise<JsonObject> {
  const input = "@context" in document ? document : { "@context": ACTIVITYSTREAMS_CONTEXT, ...document };
  // jsonld's loader type is narrower than Fedify's; both return {contextUrl, documentUrl, document}.
  const options = { documentLoader: documentLoader as never, safe: false };
  const expanded = normalizeSchemaIris(await jsonld.expand(input as never, options));
  const context = [ACTIVITYSTREAMS_CONTEXT, MINGA_CONTEXT["@context"]];
  return (await jsonld.compact(expanded as never, context as never, options)) as JsonObject;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function asString(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value && typeof value === "object" && "@value" in value) return String((value as JsonObject)["@value"]);
  return "";
}

function asObject(value: unknown): JsonObject | null {
  const first = asArray(value)[0];
  return first && typeof first === "object" ? (first as JsonObject) : null;
}

/** Reads a language map into our languages; a value tagged with another language, or "und" as Mobilizon sends, is returned as `other`. */
function readLanguageMap(value: unknown): { map: Partial<Record<Language, string>>; other: string | null } {
  const map: Partial<Record<Language, string>> = {};
  let other: string | null = null;
  if (!value || typeof value !== "object" || Array.isArray(value)) return { map, other };
  for (const [key, text] of Object.entries(value as JsonObject)) {
    const language = key.toLowerCase().split("-")[0];
    const string = asString(asArray(text)[0]);
    if (!string) continue;
    if (isLanguage(language)) map[language] ??= string;
    else other ??= string;
  }
  return { map, other };
}

function httpUrl(value: unknown): string | null {
  const candidate = typeof value === "string" ? value : asString((value as JsonObject | null)?.id ?? (value as JsonObject | null)?.href);
  return /^https?:\/\/\S+$/i.test(candidate) && URL.canParse(candidate) ? candidate : null;
}

function instant(value: unknown): string | null {
  const candidate = asString(asArray(value)[0]);
  return candidate && !Number.isNaN(Date.parse(candidate)) ? new Date(candidate).toISOString() : null;
}

/** A remote Event read into learning opportunity fields, or the reason it cannot be. */
export type RemoteLearningResult =
  | { ok: true; fields: LearningFields; descriptionHtml: Partial<Record<Language, string>>; url: string; published: string | null; updated: string | null }
  | { ok: false; reason: string };

function readPlace(event: JsonObject): LearningFields["place"] {
  const location = asObject(event.location);
  if (!location || asArray(location.type).includes("Link")) return null;
  // Mobilizon tags every string "und", which compacts into a nameMap.
  const names = readLanguageMap(location.nameMap);
  const name = htmlToText(asString(location.name) || Object.values(names.map)[0] || names.other || "").slice(0, 300);
  const address = asObject(location.address);
  const street = address ? [address.streetAddress, address.postalCode].map(asString).filter(Boolean).join(", ") : asString(location.address);
  const locality = address ? [address.addressLocality, address.addressRegion].map(asString).filter(Boolean).join(", ") : "";
  const country = address ? asString(address.addressCountry) : "";
  if (!name && !street && !locality) return null;
  return { name: name || locality || street, address: htmlToText(street).slice(0, 500), locality: htmlToText(locality).slice(0, 200), country: htmlToText(country).slice(0, 100) };
}

function readMaterials(event: JsonObject): NamedLink[] {
  const materials: NamedLink[] = [];
  for (const entry of asArray(event.attachment)) {
    if (!entry || typeof entry !== "object" || !asArray((entry as JsonObject).type).includes("Link")) continue;
    const url = httpUrl((entry as JsonObject).href);
    if (url) materials.push({ name: htmlToText(asString((entry as JsonObject).name)).slice(0, 300) || url, url });
  }
  return materials.slice(0, 50);
}

/**
 * Reads a compacted Event into learning opportunity fields. Text arrives
 * as HTML and is sanitized; titles and summaries become plain text. Values
 * outside our vocabularies are dropped or replaced by a neutral default,
 * which the calendar can always label.
 */
export function eventToLearningFields(event: JsonObject): RemoteLearningResult {
  const names = readLanguageMap(event.nameMap);
  const summaries = readLanguageMap(event.learningSummary ?? event.summaryMap);
  const contents = readLanguageMap(event.contentMap);
  const declared = asString(event.primaryLanguage).toLowerCase().split("-")[0];
  const written = LANGUAGES.filter((language) => names.map[language]);
  const primary: Language = isLanguage(declared) ? declared : (written[0] ?? "en");
  // Plain values, and values in a language we do not offer, belong to the primary language.
  names.map[primary] ??= asString(event.name) || names.other || undefined;
  summaries.map[primary] ??= (event.learningSummary ? undefined : asString(event.summary)) || summaries.other || undefined;
  contents.map[primary] ??= asString(event.content) || contents.other || undefined;
  if (!names.map[primary]) return { ok: false, reason: "Event has no name" };

  const start = instant(event.startTime);
  if (!start) return { ok: false, reason: "Event has no valid startTime" };
  const endCandidate = instant(event.endTime);
  const end = endCandidate && Date.parse(endCandidate) > Date.parse(start) ? endCandidate : null;

  const text: Partial<Record<Language, LearningText>> = {};
  const descriptionHtml: Partial<Record<Language, string>> = {};
  for (const language of LANGUAGES) {
    const title = names.map[language];
    if (!title) continue;
    const html = sanitizeRemoteHtml(contents.map[language] ?? "");
    descriptionHtml[language] = html;
    text[language] = {
      title: htmlToText(title).slice(0, 200),
      summary: htmlToText(summaries.map[language] ?? "").slice(0, 1000),
      description: htmlToText(html),
    };
  }

  const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T => {
    const candidate = asString(value) as T;
    return allowed.includes(candidate) ? candidate : fallback;
  };
  const languageTags = (value: unknown) => asArray(value).map(asString).filter(isLanguageTag).slice(0, 20);
  const timeZone = asString(event.timezone);
  const capacity = Number(asString(event.maximumAttendeeCapacity));
  const url = asArray(event.url).map(httpUrl).find((entry) => entry !== null);
  const fields: LearningFields = {
    primaryLanguage: primary,
    text,
    format: oneOf(event.learningFormat, LEARNING_FORMATS, "training"),
    start,
    end,
    timeZone: isTimeZone(timeZone) ? timeZone : "UTC",
    onlineUrl: httpUrl(event.onlineAddress),
    place: readPlace(event),
    languages: languageTags(event.availableLanguage).length > 0 ? languageTags(event.availableLanguage) : [primary],
    interpretationLanguages: languageTags(event.interpretationLanguages),
    registrationUrl: httpUrl(event.registrationUrl),
    registrationMode: oneOf(event.registrationMode, REGISTRATION_MODES, "open"),
    // Mobilizon sends 0 for "no limit".
    capacity: Number.isInteger(capacity) && capacity > 0 ? capacity : null,
    organizer: htmlToText(asString(event.organizerName)).slice(0, 300),
    materials: readMaterials(event),
    recordingUrl: httpUrl(event.recording),
    themes: asArray(event.themes).map(asString).filter((theme) => (THEME_IDS as string[]).includes(theme)),
  };
  return { ok: true, fields, descriptionHtml, url: url ?? asString(event.id), published: instant(event.published), updated: instant(event.updated) };
}
