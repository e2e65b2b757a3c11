import {
  emptyResourceText,
  fromXsdDuration,
  isMediaType,
  RESOURCE_TYPES,
  toXsdDuration,
  type CaptionTrack,
  type Resource,
  type ResourceFields,
  type ResourceFile,
  type ResourceText,
  type ResourceType,
} from "../src/domain/resource.ts";
import { htmlToText, plainTextToHtml, sanitizeRemoteHtml } from "../src/domain/text.ts";
import { isLanguage, LANGUAGES, LICENCES, REGIONS, THEME_IDS, THEMES, type Language, type Theme } from "../src/domain/vocabulary.ts";
import { ACTIVITYSTREAMS_CONTEXT, MINGA_CONTEXT, mingaContextUrl, PUBLIC_COLLECTION } from "./context.ts";

type JsonObject = Record<string, unknown>;

/**
 * Resource terms, sent inline after Minga's context (whose `minga`,
 * `schema` and `xsd` prefixes they use), so partners read them without a
 * new context document.
 */
export const RESOURCE_TERMS = {
  resourceType: "minga:resourceType",
  publisher: "schema:publisher",
  publicationDate: { "@id": "schema:datePublished", "@type": "xsd:date" },
  availableLanguages: { "@id": "schema:availableLanguage", "@container": "@set" },
  audioDescription: { "@id": "minga:audioDescription", "@type": "xsd:boolean" },
  description: { "@id": "minga:description", "@container": "@language" },
  transcript: { "@id": "minga:transcript", "@container": "@language" },
} as const;

/** The URLs a resource object links to, computed by the federation layer. */
export interface ResourceLinks {
  origin: string;
  followers: string;
  /** The OrderedCollection of the replies in the resource's discussion. */
  replies: string;
  /** The collection of the item and every reply in its discussion (FEP-7888), served as the object's `context`. */
  context: string;
  themeUrl: (theme: string) => string;
}

/** ActivityStreams type of a resource: Video or Audio for recordings, Page for everything else. */
export function activityTypeOf(resource: Pick<Resource, "resourceType">): "Page" | "Video" | "Audio" {
  if (resource.resourceType === "video") return "Video";
  if (resource.resourceType === "audio") return "Audio";
  return "Page";
}

function languageMap(resource: ResourceFields, pick: (text: ResourceText, language: Language) => string): Record<string, string> {
  const map: Record<string, string> = {};
  const languages = [resource.primaryLanguage, ...LANGUAGES.filter((language) => language !== resource.primaryLanguage)];
  for (const language of languages) {
    const text = resource.text[language];
    const value = text ? pick(text, language) : "";
    if (value) map[language] = value;
  }
  return map;
}

function absoluteFile(origin: string, file: ResourceFile): string {
  return new URL(file.href, origin).href;
}

/**
 * Serializes a resource as the object served at its id. A document is a Page
 * with the file as a Document (or the link as a Link) in `attachment`. A
 * recording is a Video or Audio whose `url` Links carry the media type, with
 * caption tracks as Links in `attachment` and the transcript in `content`.
 */
export function resourceToObject(resource: Resource, links: ResourceLinks): JsonObject {
  const primary = resource.primaryLanguage;
  const type = activityTypeOf(resource);
  const media = type !== "Page";
  const description = (text: ResourceText, language: Language) => resource.descriptionHtml?.[language] ?? plainTextToHtml(text.description);
  const transcript = (text: ResourceText) => plainTextToHtml(text.transcript);
  const nameMap = languageMap(resource, (text) => text.title);
  const summaryMap = languageMap(resource, (text) => text.summary);
  // Recordings carry their transcript in `content`, which is what Mastodon and PeerTube show as the text; other resources their description.
  const contentMap = languageMap(resource, (text, language) => (media ? transcript(text) || description(text, language) : description(text, language)));
  const object: JsonObject = {
    "@context": [ACTIVITYSTREAMS_CONTEXT, mingaContextUrl(links.origin), RESOURCE_TERMS],
    id: resource.iri,
    type,
    contentKind: "Resource",
    attributedTo: resource.attributedTo,
    name: nameMap[primary],
    nameMap,
    summary: summaryMap[primary],
    summaryMap,
  };
  if (contentMap[primary]) {
    object.content = contentMap[primary];
    object.contentMap = contentMap;
    object.mediaType = "text/html";
  }
  const attachment: JsonObject[] = [];
  if (media) {
    const urls: JsonObject[] = [{ type: "Link", mediaType: "text/html", href: resource.url }];
    if (resource.file) urls.push(fileLink(links.origin, resource.file));
    if (resource.link) urls.push({ type: "Link", href: resource.link });
    object.url = urls;
    if (resource.durationSeconds) object.duration = toXsdDuration(resource.durationSeconds);
    for (const caption of resource.captions) attachment.push(captionLink(links.origin, caption));
  } else {
    object.url = resource.url;
    if (resource.file) {
      attachment.push({ type: "Document", mediaType: resource.file.mediaType, name: resource.file.name, url: absoluteFile(links.origin, resource.file) });
    }
    if (resource.link) attachment.push({ type: "Link", mediaType: "text/html", name: nameMap[primary], href: resource.link });
  }
  if (attachment.length > 0) object.attachment = attachment;
  Object.assign(object, {
    published: resource.published ?? resource.updated,
    updated: resource.updated,
    to: [PUBLIC_COLLECTION],
    cc: [links.followers],
    replies: links.replies,
    context: links.context,
    tag: resource.themes.map((theme) => ({ type: "Hashtag", name: `#${THEMES[theme as Theme] ?? theme}`, href: links.themeUrl(theme) })),
    primaryLanguage: primary,
    resourceType: resource.resourceType,
    publisher: resource.publisher,
    availableLanguages: resource.languages,
    license: resource.licence,
    themes: resource.themes,
    regions: resource.regions,
    description: languageMap(resource, description),
  });
  if (resource.publicationDate) object.publicationDate = resource.publicationDate;
  // Archived resources stay public but are no longer current; partners mark their copies so.
  if (resource.status === "archived") object.archived = true;
  if (media) {
    object.transcript = languageMap(resource, (text) => text.transcript);
    object.audioDescription = resource.audioDescription;
  }
  return object;
}

function fileLink(origin: string, file: ResourceFile): JsonObject {
  return { type: "Link", mediaType: file.mediaType, href: absoluteFile(origin, file) };
}

function captionLink(origin: string, caption: CaptionTrack): JsonObject {
  const name = new Intl.DisplayNames(["en"], { type: "language" }).of(caption.language) ?? caption.language;
  return { type: "Link", rel: "captions", mediaType: "text/vtt", hreflang: caption.language, name, href: absoluteFile(origin, caption.file) };
}

/** The context remote resources are compacted into before they are read. */
export const RESOURCE_COMPACTION_CONTEXT = [ACTIVITYSTREAMS_CONTEXT, MINGA_CONTEXT["@context"], RESOURCE_TERMS];

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

function asLanguageMap(value: unknown): Partial<Record<Language, string>> {
  const map: Partial<Record<Language, string>> = {};
  if (!value || typeof value !== "object" || Array.isArray(value)) return map;
  for (const [key, text] of Object.entries(value as JsonObject)) {
    const language = key.toLowerCase().split("-")[0];
    if (isLanguage(language) && typeof text === "string" && map[language] === undefined) map[language] = text;
  }
  return map;
}

function httpUrl(value: unknown): string | null {
  const text = asString(value);
  return /^https?:\/\//.test(text) && URL.canParse(text) ? text : null;
}

/** A link of a `url` or `attachment` value: a bare URL, a Link with `href`, or an object with `url`. */
interface FoundLink {
  href: string;
  type: string;
  mediaType: string | null;
  language: string | null;
  rel: string[];
  name: string;
}

function readLinks(value: unknown): FoundLink[] {
  const found: FoundLink[] = [];
  for (const entry of asArray(value)) {
    if (typeof entry === "string") {
      const href = httpUrl(entry);
      if (href) found.push({ href, type: "Link", mediaType: null, language: null, rel: [], name: "" });
      continue;
    }
    if (!entry || typeof entry !== "object") continue;
    const object = entry as JsonObject;
    const href = httpUrl(object.href) ?? readLinks(object.url)[0]?.href ?? null;
    if (href) {
      found.push({
        href,
        type: asString(object.type) || "Link",
        mediaType: asString(object.mediaType) || null,
        language: asString(object.hreflang) || null,
        rel: asArray(object.rel).map(asString),
        name: asString(object.name),
      });
    }
    // PeerTube nests the MP4 files of an HLS playlist in the playlist Link's `tag`.
    found.push(...readLinks(object.tag).filter((link) => link.type === "Link"));
  }
  return found;
}

/** A remote resource read into resource fields, or the reason it cannot be. */
export type RemoteResourceResult =
  | {
      ok: true;
      fields: ResourceFields;
      file: ResourceFile | null;
      captions: CaptionTrack[];
      descriptionHtml: Partial<Record<Language, string>>;
      url: string;
      published: string | null;
      updated: string | null;
    }
  | { ok: false; reason: string };

/**
 * Reads a compacted Page, Video or Audio into resource fields. Text arrives
 * as HTML and is sanitized; remote files stay on their server and are linked.
 * Vocabulary values Minga cannot label are left out.
 */
export function objectToResourceFields(object: JsonObject, fallbackPublisher: string): RemoteResourceResult {
  const type = asArray(object.type).map(asString).find((candidate) => ["Page", "Video", "Audio"].includes(candidate));
  if (!type) return { ok: false, reason: `${asArray(object.type).map(asString).join(", ") || "untyped"} object is not a Page, Video or Audio` };
  const nameMap = asLanguageMap(object.nameMap);
  const summaryMap = asLanguageMap(object.summaryMap);
  const contentMap = asLanguageMap(object.contentMap);
  const descriptionMap = asLanguageMap(object.description);
  const transcriptMap = asLanguageMap(object.transcript);
  const candidate = asString(object.primaryLanguage).toLowerCase();
  const known = LANGUAGES.filter((language) => nameMap[language] || contentMap[language]);
  // NOTE: objects with no language map and no Minga primaryLanguage (PeerTube, Funkwhale) are assumed to be in English.
  const primary: Language = isLanguage(candidate) ? candidate : (known[0] ?? "en");
  if (!nameMap[primary] && asString(object.name)) nameMap[primary] = asString(object.name);
  if (!summaryMap[primary] && asString(object.summary)) summaryMap[primary] = asString(object.summary);
  if (!contentMap[primary] && asString(object.content)) contentMap[primary] = asString(object.content);
  if (!nameMap[primary]) return { ok: false, reason: `${type} has no name in English, French or Spanish` };

  const markdown = asString(object.mediaType) === "text/markdown";
  const fromMinga = Object.keys(descriptionMap).length > 0 || Object.keys(transcriptMap).length > 0;
  const text: Partial<Record<Language, ResourceText>> = {};
  const descriptionHtml: Partial<Record<Language, string>> = {};
  for (const language of LANGUAGES) {
    const title = nameMap[language];
    if (!title) continue;
    // Minga sends the description apart from `content`; other servers' `content` is the description.
    const rawDescription = fromMinga ? (descriptionMap[language] ?? "") : (contentMap[language] ?? "");
    const html = markdown ? plainTextToHtml(rawDescription) : sanitizeRemoteHtml(rawDescription);
    descriptionHtml[language] = html;
    text[language] = {
      ...emptyResourceText(),
      title: htmlToText(title).slice(0, 200),
      summary: htmlToText(summaryMap[language] ?? "").slice(0, 1000),
      description: htmlToText(html),
      transcript: (transcriptMap[language] ?? "").slice(0, 200_000),
    };
  }

  const urls = readLinks(object.url);
  const attachments = readLinks(object.attachment);
  const page = urls.find((link) => link.mediaType === "text/html" || link.mediaType === null);
  const mediaPrefix = { Video: "video/", Audio: "audio/", Page: null }[type];
  let file: ResourceFile | null = null;
  let link: string | null = null;
  if (mediaPrefix) {
    // Funkwhale writes `mimeType`, which no context defines, so an Audio's non-HTML link counts as its file.
    const mediaLink = urls.find((entry) => entry.mediaType?.startsWith(mediaPrefix)) ?? urls.find((entry) => entry.mediaType !== "text/html" && entry !== page && entry.mediaType === null && type === "Audio");
    if (mediaLink) file = { href: mediaLink.href, mediaType: mediaLink.mediaType, size: null, name: mediaLink.name || htmlToText(nameMap[primary]) };
    const external = urls.find((entry) => entry !== page && entry !== mediaLink && entry.mediaType === null);
    link = external?.href ?? null;
  } else {
    const document = attachments.find((entry) => entry.type === "Document" && entry.mediaType !== "text/html");
    if (document) file = { href: document.href, mediaType: document.mediaType, size: null, name: document.name || htmlToText(nameMap[primary]) };
    const external = attachments.find((entry) => entry.type === "Link") ?? urls.find((entry) => entry.href !== asString(object.id));
    link = external?.href ?? null;
  }
  const captions: CaptionTrack[] = attachments
    .filter((entry) => entry.mediaType === "text/vtt" && entry.language)
    .map((entry) => ({ language: entry.language!.toLowerCase(), file: { href: entry.href, mediaType: "text/vtt", size: null, name: entry.name || entry.language! } }));

  const strings = (value: unknown) => asArray(value).map(asString).filter(Boolean);
  const declaredType = asString(object.resourceType) as ResourceType;
  let resourceType: ResourceType = "other";
  if (type === "Video") resourceType = "video";
  else if (type === "Audio") resourceType = "audio";
  else if (RESOURCE_TYPES.includes(declaredType) && !isMediaType(declaredType)) resourceType = declaredType;
  const instant = (value: unknown) => {
    const candidateInstant = asString(value);
    return candidateInstant && !Number.isNaN(Date.parse(candidateInstant)) ? new Date(candidateInstant).toISOString() : null;
  };
  const publicationDate = asString(object.publicationDate).slice(0, 10);
  const languages = strings(object.availableLanguages).filter(isLanguage);
  const licence = asString(object.license);
  const fields: ResourceFields = {
    primaryLanguage: primary,
    text,
    resourceType,
    publisher: htmlToText(asString(object.publisher)).slice(0, 300) || fallbackPublisher,
    publicationDate: /^\d{4}-\d{2}-\d{2}$/.test(publicationDate) ? publicationDate : null,
    languages: languages.length > 0 ? languages : [primary],
    licence: (LICENCES as readonly string[]).includes(licence) ? licence : "all-rights-reserved",
    themes: strings(object.themes).filter((theme) => (THEME_IDS as string[]).includes(theme)),
    regions: strings(object.regions).filter((region) => (REGIONS as readonly string[]).includes(region)),
    link,
    durationSeconds: fromXsdDuration(asString(object.duration)),
    audioDescription: asString(object.audioDescription) === "true",
  };
  return { ok: true, fields, file, captions, descriptionHtml, url: page?.href ?? httpUrl(object.id) ?? "", published: instant(object.published), updated: instant(object.updated) };
}
