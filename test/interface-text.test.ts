import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";

const ROOT = path.resolve(import.meta.dirname, "..");
/** Attributes that screen readers or browsers show to people, so they must be translated too. */
const VISIBLE_ATTRIBUTES = ["title", "aria-label", "alt", "placeholder", "aria-placeholder", "aria-roledescription"];

function sourceFiles(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Returns the static markup of every html`` template in a source file, nested ones included, with each ${…} expression replaced by a NUL. */
export function templateMarkup(source: string): string[] {
  const templates: string[] = [];
  let start = 0;
  while ((start = source.indexOf("html`", start)) !== -1) {
    start += 5;
    let index = start;
    let markup = "";
    while (index < source.length && source[index] !== "`") {
      if (source[index] === "$" && source[index + 1] === "{") {
        index = skipExpression(source, index + 2);
        markup += "\u0000";
        continue;
      }
      markup += source[index];
      index++;
    }
    templates.push(markup);
  }
  return templates;
}

/** Skips a ${…} expression, nested templates and strings included; returns the index after its closing brace. */
function skipExpression(source: string, start: number): number {
  let depth = 1;
  let index = start;
  while (index < source.length && depth > 0) {
    const character = source[index];
    if (character === "`") {
      index++;
      while (index < source.length && source[index] !== "`") {
        if (source[index] === "$" && source[index + 1] === "{") index = skipExpression(source, index + 2);
        else index += source[index] === "\\" ? 2 : 1;
      }
    } else if (character === '"' || character === "'") {
      const quote = character;
      index++;
      while (index < source.length && source[index] !== quote) index += source[index] === "\\" ? 2 : 1;
    } else if (character === "{") {
      depth++;
    } else if (character === "}") {
      depth--;
    }
    index++;
  }
  return index;
}

/** Words written straight into markup: text between tags and visible attribute values. */
export function untranslatedText(markup: string): string[] {
  const found: string[] = [];
  for (const attribute of VISIBLE_ATTRIBUTES) {
    for (const match of markup.matchAll(new RegExp(`\\s${attribute}="([^"\\u0000]*)"`, "g"))) if (/\p{L}{2,}/u.test(match[1])) found.push(`${attribute}="${match[1]}"`);
  }
  const text = markup.replace(/<[^>]*>/g, "\u0000");
  // A colon between two values is punctuation French spaces differently, so it must come from a translation too.
  for (const piece of text.split("\u0000")) if (/\p{L}{2,}/u.test(piece) || /^\s*:\s*$/.test(piece)) found.push(piece.trim());
  return found;
}

describe("interface text", () => {
  it("finds literal text in a sample", () => {
    const sample = 'html`<p>Hello ${name}</p><a title="Open it" href=${url}>${t("open")}</a><img alt=${alt} />`';
    expect(templateMarkup(sample).flatMap(untranslatedText)).to.deep.equal(['title="Open it"', "Hello"]);
  });

  it("skips nested templates and strings", () => {
    const sample = 'html`<ul>${items.map((item) => html`<li>${item}</li>`)}${"Not markup"}</ul>`';
    expect(templateMarkup(sample).flatMap(untranslatedText)).to.deep.equal([]);
  });

  it("finds a colon between two values", () => {
    expect(templateMarkup("html`<li>${label}: ${error}</li>`").flatMap(untranslatedText)).to.deep.equal([":"]);
  });

  it("checks templates nested in expressions", () => {
    const sample = 'html`<div>${open ? html`<p>Literal ${name}</p>` : null}</div>`';
    expect(templateMarkup(sample).flatMap(untranslatedText)).to.deep.equal(["Literal"]);
  });

  it("passes every view through i18next", () => {
    const offenders: string[] = [];
    for (const file of [...sourceFiles(path.join(ROOT, "views")), ...sourceFiles(path.join(ROOT, "src/web"))]) {
      for (const markup of templateMarkup(fs.readFileSync(file, "utf8"))) {
        for (const text of untranslatedText(markup)) offenders.push(`${path.relative(ROOT, file)}: ${text}`);
      }
    }
    expect(offenders).to.deep.equal([]);
  });
});
