/**
 * Renders the main pages in English, French and Spanish to PNG files under
 * docs/screenshots, from a throw-away instance seeded with the demo content
 * and served on a loopback port. Needs Debian's Chromium (CHROMIUM_PATH).
 *
 *   npm run screenshots
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { chromium } from "playwright-core";

import { loadConfig } from "../src/config.ts";
import { slugify } from "../src/domain/practice.ts";
import { createInstance } from "../src/instance.ts";
import { configureLogging } from "../src/logging.ts";
import { CHROMIUM, CHROMIUM_FLAGS } from "../test/support/chromium.ts";
import { seedDemo } from "./seed/demo.ts";

const OUTPUT = path.resolve(import.meta.dirname, "../docs/screenshots");
const DEMO_CONTENT = path.resolve(import.meta.dirname, "seed/demo-content.json");
const PORT = Number(process.env.SCREENSHOT_PORT ?? 18_765);
const LANGUAGES = ["en", "fr", "es"] as const;

await configureLogging("error");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "minga-screens-"));
const instance = await createInstance(loadConfig({ PORT: String(PORT), DATA_DIR: dataDir }));
try {
  await seedDemo(instance, "en");
  const demo = JSON.parse(fs.readFileSync(DEMO_CONTENT, "utf8"));
  // A practice written in all three languages, so each screenshot shows its own language.
  const featured = demo.practices.find((practice: { text: Record<string, unknown> }) => Object.keys(practice.text).length === 3).slug;
  const openConsultation = slugify(demo.consultations[0].text[demo.consultations[0].primaryLanguage].title);
  await instance.listen("localhost");

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  fs.mkdirSync(OUTPUT, { recursive: true });
  for (const language of LANGUAGES) {
    const context = await browser.newContext({ locale: language, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const pages: [string, string][] = [
      ["home", "/"],
      ["library", "/library"],
      ["practice", `/practices/${featured}`],
      ["calendar", "/calendar"],
      ["organizations", "/organizations"],
      ["consultation", `/consultations/${openConsultation}`],
      ["search", "/library?q=proteccion"],
    ];
    for (const [name, pagePath] of pages) {
      await page.goto(`http://localhost:${PORT}${pagePath}${pagePath.includes("?") ? "&" : "?"}lang=${language}`);
      const file = path.join(OUTPUT, `${name}-${language}.png`);
      await page.screenshot({ path: file });
      console.log(`Wrote ${path.relative(process.cwd(), file)}`);
    }
    await context.close();
  }
  await browser.close();
} finally {
  await instance.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
