import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";

const ROOT = path.resolve(import.meta.dirname, "..");
const LANGUAGES = ["en", "fr", "es"];

function flatten(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object") return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => flatten(child, prefix ? `${prefix}.${key}` : key));
}

function keysOf(language: string): Set<string> {
  const folder = path.join(ROOT, "locales", language);
  const keys = new Set<string>();
  for (const file of fs.readdirSync(folder).filter((name) => name.endsWith(".json"))) {
    const namespace = file.replace(/\.json$/, "");
    for (const key of flatten(JSON.parse(fs.readFileSync(path.join(folder, file), "utf8")))) keys.add(`${namespace}:${key}`);
  }
  return keys;
}

/** Literal keys passed to t() in views and routes, as namespace:key. */
function keysUsedInCode(): string[] {
  const files = ["views", "src/web"].flatMap((folder) => fs.readdirSync(path.join(ROOT, folder), { recursive: true, encoding: "utf8" }).map((file) => path.join(ROOT, folder, file)));
  const used: string[] = [];
  for (const file of files.filter((name) => name.endsWith(".ts"))) {
    for (const match of fs.readFileSync(file, "utf8").matchAll(/\bt\("([a-zA-Z:.]+)"/g)) {
      used.push(match[1].includes(":") ? match[1] : `common:${match[1]}`);
    }
  }
  return used;
}

describe("locales", () => {
  const english = keysOf("en");

  for (const language of LANGUAGES.filter((code) => code !== "en")) {
    it(`${language} has exactly the English keys`, () => {
      const keys = keysOf(language);
      expect([...english].filter((key) => !keys.has(key)), "missing").to.deep.equal([]);
      expect([...keys].filter((key) => !english.has(key)), "extra").to.deep.equal([]);
    });
  }

  it("defines every literal key the code uses", () => {
    const used = keysUsedInCode();
    expect(used.length, "the scan finds keys").to.be.greaterThan(50);
    // Plural keys exist only with their suffixes.
    const missing = used.filter((key) => !english.has(key) && !english.has(`${key}_one`) && !english.has(`${key}_other`));
    expect([...new Set(missing)]).to.deep.equal([]);
  });
});
