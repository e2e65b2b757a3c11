import fs from "node:fs";
import path from "node:path";

import i18next, { type i18n, type Resource, type TFunction } from "i18next";

import { LANGUAGES, type Language } from "../domain/vocabulary.ts";

const LOCALES_DIR = path.resolve(import.meta.dirname, "../../locales");

/** Loads every namespace file under locales/<language>/ into one i18next instance. */
export async function createI18n(defaultLanguage: Language): Promise<i18n> {
  const resources: Resource = {};
  const namespaces = new Set<string>();
  for (const language of LANGUAGES) {
    resources[language] = {};
    const folder = path.join(LOCALES_DIR, language);
    for (const file of fs.readdirSync(folder).filter((name) => name.endsWith(".json"))) {
      const namespace = file.replace(/\.json$/, "");
      namespaces.add(namespace);
      resources[language][namespace] = JSON.parse(fs.readFileSync(path.join(folder, file), "utf8"));
    }
  }
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: defaultLanguage,
    fallbackLng: defaultLanguage,
    supportedLngs: [...LANGUAGES],
    ns: [...namespaces],
    defaultNS: "common",
    // Preact escapes text already; escaping here too would show &amp;lt;.
    interpolation: { escapeValue: false },
  });
  return instance;
}

/**
 * Picks the interface language: an explicit ?lang= choice, then the
 * remembered cookie, then Accept-Language, then the instance default.
 */
export function negotiateLanguage(query: unknown, cookie: string | undefined, acceptLanguage: string | undefined, fallback: Language): Language {
  for (const candidate of [query, cookie]) {
    if (typeof candidate === "string" && (LANGUAGES as readonly string[]).includes(candidate)) return candidate as Language;
  }
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag, ...parameters] = part.trim().split(";");
      const quality = parameters.find((parameter) => parameter.trim().startsWith("q="));
      return { language: tag.trim().toLowerCase().split("-")[0], quality: quality ? Number(quality.split("=")[1]) : 1 };
    })
    .filter((entry) => entry.language && !Number.isNaN(entry.quality) && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality);
  const match = ranked.find((entry) => (LANGUAGES as readonly string[]).includes(entry.language));
  return (match?.language as Language | undefined) ?? fallback;
}

export type { TFunction };
