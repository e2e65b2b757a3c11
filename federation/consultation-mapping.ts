import fs from "node:fs";
import path from "node:path";

import {
  consultationLanguages,
  consultationState,
  formatInstant,
  MAX_QUESTIONS,
  type Consultation,
  type ConsultationFields,
  type ConsultationText,
} from "../src/domain/consultation.ts";
import { isLanguageTag, isTimeZone } from "../src/domain/learning.ts";
import { htmlToText, plainTextToHtml, sanitizeRemoteHtml } from "../src/domain/text.ts";
import { isLanguage, LANGUAGES, THEME_IDS, THEMES, type Language, type Theme } from "../src/domain/vocabulary.ts";
import { ACTIVITYSTREAMS_CONTEXT, mingaContextUrl, PUBLIC_COLLECTION } from "./context.ts";

type JsonObject = Record<string, unknown>;

/** The URLs an Article of a consultation links to, computed by the federation layer. */
export interface ConsultationLinks {
  origin: string;
  followers: string;
  replies: string;
  /** The collection of the item and every reply in its discussion (FEP-7888), served as the object's `context`. */
  context: string;
  themeUrl: (theme: string) => string;
}

interface Headings {
  questions: string;
  outcome: string;
  open: string;
  closed: string;
  upcoming: string;
}

/**
 * Headings and state lines in each language, read from the interface
 * translations so that the pages and the federated text say the same thing.
 */
const HEADINGS: Record<Language, Headings> = Object.fromEntries(
  LANGUAGES.map((language) => {
    const file = path.resolve(import.meta.dirname, `../locales/${language}/consultations.json`);
    const strings = JSON.parse(fs.readFileSync(file, "utf8")) as { fields: { questions: string }; page: Record<string, string> };
    return [
      language,
      { questions: strings.fields.questions, outcome: strings.page.outcomeTitle, open: strings.page.stateOpen, closed: strings.page.stateClosed, upcoming: strings.page.stateUpcoming },
    ];
  }),
) as Record<Language, Headings>;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Formats the state line ("Open for submissions until …") in one language, for the summary Mastodon shows. */
function stateLine(item: Consultation, language: Language, now: Date): string {
  const state = consultationState(item, now);
  const date = formatInstant(state === "upcoming" ? item.opens : item.closes, item.timeZone, language);
  return HEADINGS[language][state].replace("{{date}}", date);
}

function languageMap<T>(item: Consultation, pick: (text: ConsultationText, language: Language) => T | null): Record<string, T> {
  const map: Record<string, T> = {};
  for (const language of consultationLanguages(item)) {
    const text = item.text[language];
    const value = text ? pick(text, language) : null;
    if (value !== null && value !== "" && !(Array.isArray(value) && value.length === 0)) map[language] = value;
  }
  return map;
}

/** Builds the HTML content in one language: the description, the guiding questions as a list, and the summary of what was heard once there is one. */
function contentHtml(item: Consultation, text: ConsultationText, language: Language): string {
  const parts = [item.descriptionHtml?.[language] ?? plainTextToHtml(text.description)];
  if (text.questions.length > 0) {
    parts.push(`<h2>${escapeHtml(HEADINGS[language].questions)}</h2>`, `<ol>${text.questions.map((question) => `<li>${escapeHtml(question)}</li>`).join("")}</ol>`);
  }
  const outcome = item.outcome?.[language];
  if (outcome) parts.push(`<h2>${escapeHtml(HEADINGS[language].outcome)}</h2>`, plainTextToHtml(outcome));
  return parts.filter(Boolean).join("\n");
}

/**
 * Serializes a consultation as the ActivityStreams Article served at its
 * id. Name, summary and content come in the primary language and as maps
 * with every language, primary first. `startTime` and `endTime` are the
 * opening and closing, and `closed` appears once `now` is past the
 * closing. The guiding questions are both in the content and in Minga's
 * `guidingQuestions`. The summary of what was heard, a Hashtag per theme
 * and the `replies` collection of submissions complete it.
 */
export function consultationToArticle(item: Consultation, links: ConsultationLinks, now = new Date()): JsonObject {
  const primary = item.primaryLanguage;
  const nameMap = languageMap(item, (text) => text.title);
  const summaryMap = languageMap(item, (text, language) => `${stateLine(item, language, now)} ${text.purpose}`);
  const contentMap = languageMap(item, (text, language) => contentHtml(item, text, language));
  const article: JsonObject = {
    "@context": [ACTIVITYSTREAMS_CONTEXT, mingaContextUrl(links.origin)],
    id: item.iri,
    type: "Article",
    contentKind: "Consultation",
    attributedTo: item.attributedTo,
    name: nameMap[primary],
    nameMap,
    summary: summaryMap[primary],
    summaryMap,
    consultationPurpose: languageMap(item, (text) => text.purpose),
    content: contentMap[primary],
    contentMap,
    // The description alone, so that a partner's copy does not show the questions and summary twice.
    consultationDescription: languageMap(item, (text, language) => item.descriptionHtml?.[language] ?? plainTextToHtml(text.description)),
    guidingQuestions: languageMap(item, (text) => text.questions),
    mediaType: "text/html",
    url: item.url,
    published: item.published,
    updated: item.updated,
    to: [PUBLIC_COLLECTION],
    cc: [links.followers],
    startTime: item.opens,
    endTime: item.closes,
    timezone: item.timeZone,
    primaryLanguage: primary,
    availableLanguage: item.languages,
    themes: item.themes,
    tag: item.themes.map((theme) => ({ type: "Hashtag", name: `#${THEMES[theme as Theme] ?? theme}`, href: links.themeUrl(theme) })),
    replies: links.replies,
    context: links.context,
  };
  if (item.outcome && Object.keys(item.outcome).length > 0) article.consultationOutcome = item.outcome;
  if (consultationState(item, now) === "closed") article.closed = item.closes;
  return article;
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

function instant(value: unknown): string | null {
  const candidate = asString(asArray(value)[0]);
  return candidate && !Number.isNaN(Date.parse(candidate)) ? new Date(candidate).toISOString() : null;
}

/** Reads a language map into our languages, with every value of a key; values in other languages are dropped. */
function readLanguageMap(value: unknown): Partial<Record<Language, string[]>> {
  const map: Partial<Record<Language, string[]>> = {};
  if (!value || typeof value !== "object" || Array.isArray(value)) return map;
  for (const [key, entry] of Object.entries(value as JsonObject)) {
    const language = key.toLowerCase().split("-")[0];
    const strings = asArray(entry).map(asString).filter(Boolean);
    if (isLanguage(language) && strings.length > 0) map[language] = [...(map[language] ?? []), ...strings];
  }
  return map;
}

/** A remote consultation Article read into consultation fields, or the reason it cannot be. */
export type RemoteConsultationResult =
  | {
      ok: true;
      fields: ConsultationFields;
      descriptionHtml: Partial<Record<Language, string>>;
      outcome: Partial<Record<Language, string>> | null;
      url: string;
      published: string | null;
      updated: string | null;
    }
  | { ok: false; reason: string };

/**
 * Reads a compacted Article with `endTime` into consultation fields. Titles,
 * purposes and questions become plain text. The description is Minga's
 * `consultationDescription`, else the whole sanitized content, because
 * other software writes its questions there. Moderators are local accounts, so a copy has
 * none.
 */
export function articleToConsultationFields(article: JsonObject): RemoteConsultationResult {
  const names = readLanguageMap(article.nameMap);
  const purposes = readLanguageMap(article.consultationPurpose ?? article.summaryMap);
  const contents = readLanguageMap(article.consultationDescription ?? article.contentMap);
  const questions = readLanguageMap(article.guidingQuestions);
  const declared = asString(article.primaryLanguage).toLowerCase().split("-")[0];
  // Software that sends only a plain name still tags its content's language.
  const written = LANGUAGES.filter((language) => names[language] || contents[language]);
  const primary: Language = isLanguage(declared) ? declared : (written[0] ?? "en");
  // Plain values belong to the primary language.
  if (!names[primary] && asString(article.name)) names[primary] = [asString(article.name)];
  if (!purposes[primary] && asString(article.summary)) purposes[primary] = [asString(article.summary)];
  if (!contents[primary] && asString(article.content)) contents[primary] = [asString(article.content)];
  if (!names[primary]) return { ok: false, reason: "Consultation has no name" };

  const closes = instant(article.endTime);
  if (!closes) return { ok: false, reason: "Consultation has no valid endTime" };
  const startCandidate = instant(article.startTime) ?? instant(article.published);
  // Without an opening, the consultation is taken as open since it was published, or since its closing at worst.
  const opens = startCandidate && Date.parse(startCandidate) < Date.parse(closes) ? startCandidate : closes;

  const text: Partial<Record<Language, ConsultationText>> = {};
  const descriptionHtml: Partial<Record<Language, string>> = {};
  for (const language of LANGUAGES) {
    const title = names[language]?.[0];
    if (!title) continue;
    const html = sanitizeRemoteHtml(contents[language]?.[0] ?? "");
    descriptionHtml[language] = html;
    text[language] = {
      title: htmlToText(title).slice(0, 200),
      purpose: htmlToText(purposes[language]?.[0] ?? "").slice(0, 1000),
      description: htmlToText(html),
      questions: (questions[language] ?? []).map((question) => htmlToText(question).slice(0, 500)).filter(Boolean).slice(0, MAX_QUESTIONS),
    };
  }
  const outcomes = readLanguageMap(article.consultationOutcome);
  const outcome: Partial<Record<Language, string>> = {};
  for (const language of LANGUAGES) if (outcomes[language]?.[0]) outcome[language] = htmlToText(outcomes[language]![0]).slice(0, 50_000);

  const timeZone = asString(article.timezone);
  const languages = asArray(article.availableLanguage).map(asString).filter(isLanguageTag).slice(0, 20);
  const url = asArray(article.url).map((entry) => asString(typeof entry === "object" && entry ? ((entry as JsonObject).href ?? (entry as JsonObject).id) : entry)).find((entry) => /^https?:\/\//i.test(entry));
  const fields: ConsultationFields = {
    primaryLanguage: primary,
    text,
    opens,
    closes,
    timeZone: isTimeZone(timeZone) ? timeZone : "UTC",
    moderators: [],
    languages: languages.length > 0 ? languages : [primary],
    themes: asArray(article.themes).map(asString).filter((theme) => (THEME_IDS as string[]).includes(theme)),
  };
  return {
    ok: true,
    fields,
    descriptionHtml,
    outcome: Object.keys(outcome).length > 0 ? outcome : null,
    url: url ?? asString(article.id),
    published: instant(article.published),
    updated: instant(article.updated),
  };
}
