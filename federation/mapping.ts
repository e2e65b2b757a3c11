import jsonld from "jsonld";

import { emptyText, isCalendarDate, practiceLanguages, SDG_TARGET, type Practice, type PracticeFields, type PracticeText } from "../src/domain/practice.ts";
import { htmlToText, plainTextToHtml, sanitizeRemoteHtml } from "../src/domain/text.ts";
import { isLanguage, LANGUAGES, REGIONS, TARGET_GROUPS, THEME_IDS, THEMES, type Language, type Theme } from "../src/domain/vocabulary.ts";
import { ACTIVITYSTREAMS_CONTEXT, MINGA_CONTEXT, mingaContextUrl, PUBLIC_COLLECTION } from "./context.ts";

/** The URLs an Article links to, computed by the federation layer. */
export interface ArticleLinks {
  origin: string;
  group: string;
  followers: string;
  replies: string;
  /** The collection of the item and every reply in its discussion (FEP-7888), served as the object's `context`. */
  context: string;
  themeUrl: (theme: string) => string;
}

type JsonObject = Record<string, unknown>;

/** Orders a language map with the primary language first, as Mastodon takes the first key as the post's language. */
function languageMap(practice: PracticeFields, pick: (text: PracticeText, language: Language) => string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const language of practiceLanguages(practice)) {
    const text = practice.text[language];
    if (!text) continue;
    const value = pick(text, language);
    if (value) map[language] = value;
  }
  return map;
}

/**
 * Serializes a practice as the ActivityStreams Article served at its id:
 * plain name, summary and content in the primary language, the same in
 * every language as maps, a Hashtag per theme and the practice fields in
 * Minga's context. The focal point is included only with consent.
 */
export function practiceToArticle(practice: Practice, links: ArticleLinks, counts: { likes: number; shares: number; replies: number }): JsonObject {
  const primary = practice.primaryLanguage;
  const bodyHtml = (text: PracticeText, language: Language) => practice.bodyHtml?.[language] ?? plainTextToHtml(text.body);
  const nameMap = languageMap(practice, (text) => text.title);
  const summaryMap = languageMap(practice, (text) => text.summary);
  const contentMap = languageMap(practice, bodyHtml);
  const article: JsonObject = {
    "@context": [ACTIVITYSTREAMS_CONTEXT, mingaContextUrl(links.origin)],
    id: practice.iri,
    type: "Article",
    contentKind: "GoodPractice",
    attributedTo: practice.attributedTo,
    name: nameMap[primary],
    nameMap,
    summary: summaryMap[primary],
    summaryMap,
    content: contentMap[primary],
    contentMap,
    mediaType: "text/html",
    url: practice.url,
    published: practice.published ?? practice.updated,
    updated: practice.updated,
    to: [PUBLIC_COLLECTION],
    cc: [links.followers],
    tag: practice.themes.map((theme) => ({
      type: "Hashtag",
      name: `#${THEMES[theme as Theme] ?? theme}`,
      href: links.themeUrl(theme),
    })),
    replies: { id: links.replies, type: "OrderedCollection", totalItems: counts.replies },
    context: links.context,
    likes: { id: `${practice.iri}#likes`, type: "Collection", totalItems: counts.likes },
    shares: { id: `${practice.iri}#shares`, type: "Collection", totalItems: counts.shares },
    primaryLanguage: primary,
    themes: practice.themes,
    gcmObjectives: practice.gcmObjectives,
    sdgTargets: practice.sdgTargets,
    geographicScope: practice.scope,
    countries: practice.countries,
    regions: practice.regions,
    targetGroups: practice.targetGroups,
    practiceType: practice.practiceType,
    implementer: practice.implementer,
    partners: practice.partners,
    periodStart: practice.periodStart,
    practiceStatus: practice.practiceStatus,
    evidenceLevel: practice.evidenceLevel,
    license: practice.licence,
    results: languageMap(practice, (text) => text.results),
    challenges: languageMap(practice, (text) => text.challenges),
    lessonsLearned: languageMap(practice, (text) => text.lessonsLearned),
    replicationConditions: languageMap(practice, (text) => text.replication),
  };
  if (practice.periodEnd) article.periodEnd = practice.periodEnd;
  // Archived practices stay public but are no longer current; readers and partners show them so.
  if (practice.status === "archived") article.archived = true;
  if (practice.focalPoint?.federate) {
    article.focalPoint = { focalPointName: practice.focalPoint.name, focalPointEmail: practice.focalPoint.email };
  }
  return article;
}

/** Compacts any JSON-LD document into the shape `practiceToArticle` writes, whatever context its sender used. */
export async function compactArticle(document: JsonObject, documentLoader: (url: string) => Promise<unknown>): Promise<JsonObject> {
  const context = [ACTIVITYSTREAMS_CONTEXT, MINGA_CONTEXT["@context"]];
  // jsonld's loader type is narrower than Fedify's; both return {contextUrl, documentUrl, document}.
  const options = { documentLoader: documentLoader as never, safe: false };
  return (await jsonld.compact(document as never, context as never, options)) as JsonObject;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function asString(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "@value" in value) return String((value as JsonObject)["@value"]);
  return "";
}

function asLanguageMap(value: unknown): Partial<Record<Language, string>> {
  const map: Partial<Record<Language, string>> = {};
  if (!value || typeof value !== "object" || Array.isArray(value)) return map;
  for (const [key, text] of Object.entries(value as JsonObject)) {
    const language = key.toLowerCase().split("-")[0];
    if (isLanguage(language) && typeof text === "string" && map[language] === undefined) map[language] = text;
  }
  return map;
}

/** A remote Article read into practice fields, or the reason it cannot be. */
export type RemotePracticeResult =
  | { ok: true; fields: PracticeFields; bodyHtml: Partial<Record<Language, string>>; url: string; published: string | null; updated: string | null }
  | { ok: false; reason: string };

/**
 * Reads a compacted Article into practice fields. Text arrives as HTML and
 * is sanitized; titles and summaries become plain text. Unknown vocabulary
 * values are kept out so our filters only see values we can label.
 */
export function articleToPracticeFields(article: JsonObject): RemotePracticeResult {
  const nameMap = asLanguageMap(article.nameMap);
  const summaryMap = asLanguageMap(article.summaryMap);
  const contentMap = asLanguageMap(article.contentMap);
  const primaryCandidate = asString(article.primaryLanguage).toLowerCase();
  const knownLanguages = LANGUAGES.filter((language) => nameMap[language] || contentMap[language]);
  const primary: Language = isLanguage(primaryCandidate) && knownLanguages.includes(primaryCandidate) ? primaryCandidate : knownLanguages[0] ?? "en";
  // Plain values without a map belong to the primary language.
  if (!nameMap[primary] && asString(article.name)) nameMap[primary] = asString(article.name);
  if (!summaryMap[primary] && asString(article.summary)) summaryMap[primary] = asString(article.summary);
  if (!contentMap[primary] && asString(article.content)) contentMap[primary] = asString(article.content);
  if (!nameMap[primary]) return { ok: false, reason: "Article has no name in English, French or Spanish" };

  const extra = {
    results: asLanguageMap(article.results),
    challenges: asLanguageMap(article.challenges),
    lessonsLearned: asLanguageMap(article.lessonsLearned),
    replication: asLanguageMap(article.replicationConditions),
  };
  const text: Partial<Record<Language, PracticeText>> = {};
  const bodyHtml: Partial<Record<Language, string>> = {};
  for (const language of LANGUAGES) {
    const title = nameMap[language];
    if (!title) continue;
    const html = sanitizeRemoteHtml(contentMap[language] ?? "");
    bodyHtml[language] = html;
    text[language] = {
      ...emptyText(),
      title: htmlToText(title).slice(0, 200),
      summary: htmlToText(summaryMap[language] ?? "").slice(0, 1000),
      body: htmlToText(html),
      results: extra.results[language] ?? "",
      challenges: extra.challenges[language] ?? "",
      lessonsLearned: extra.lessonsLearned[language] ?? "",
      replication: extra.replication[language] ?? "",
    };
  }

  const strings = (value: unknown) => asArray(value).map(asString).filter(Boolean);
  const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T => {
    const candidate = asString(value) as T;
    return allowed.includes(candidate) ? candidate : fallback;
  };
  const date = (value: unknown) => {
    const candidate = asString(value).slice(0, 10);
    return isCalendarDate(candidate) ? candidate : null;
  };
  const instant = (value: unknown) => {
    const candidate = asString(value);
    return candidate && !Number.isNaN(Date.parse(candidate)) ? new Date(candidate).toISOString() : null;
  };
  const focal = article.focalPoint as JsonObject | undefined;
  const url = asArray(article.url)
    .map((entry) => (typeof entry === "string" ? entry : asString((entry as JsonObject)?.href)))
    .find((entry) => /^https?:\/\//.test(entry));

  const fields: PracticeFields = {
    primaryLanguage: primary,
    text,
    themes: strings(article.themes).filter((theme) => (THEME_IDS as string[]).includes(theme)),
    gcmObjectives: asArray(article.gcmObjectives).map((value) => Number(asString(value) || value)).filter((n) => Number.isInteger(n) && n >= 1 && n <= 23),
    sdgTargets: strings(article.sdgTargets).filter((target) => SDG_TARGET.test(target)),
    scope: oneOf(article.geographicScope, ["local", "national", "regional", "global"] as const, "national"),
    countries: strings(article.countries).map((code) => code.toUpperCase()).filter((code) => /^[A-Z]{2}$/.test(code)),
    regions: strings(article.regions).filter((region) => (REGIONS as readonly string[]).includes(region)),
    targetGroups: strings(article.targetGroups).filter((group) => (TARGET_GROUPS as readonly string[]).includes(group)),
    practiceType: oneOf(article.practiceType, ["policy", "programme", "service", "tool", "partnership"] as const, "programme"),
    implementer: htmlToText(asString(article.implementer)).slice(0, 300),
    partners: strings(article.partners).map((partner) => htmlToText(partner).slice(0, 300)),
    periodStart: date(article.periodStart) ?? instant(article.published)?.slice(0, 10) ?? "1970-01-01",
    periodEnd: date(article.periodEnd),
    practiceStatus: oneOf(article.practiceStatus, ["ongoing", "completed"] as const, "ongoing"),
    evidenceLevel: oneOf(article.evidenceLevel, ["anecdotal", "documented", "evaluated", "independently-evaluated"] as const, "anecdotal"),
    licence: asString(article.license) || "all-rights-reserved",
    focalPoint: focal ? { name: htmlToText(asString(focal.focalPointName)), email: asString(focal.focalPointEmail), federate: true } : null,
  };
  return {
    ok: true,
    fields,
    bodyHtml,
    url: url ?? asString(article.id),
    published: instant(article.published),
    updated: instant(article.updated),
  };
}
