import fs from "node:fs";
import path from "node:path";

import AxeBuilder from "@axe-core/playwright";
import { expect } from "chai";
import { chromium, type Browser as ChromiumBrowser, type BrowserContext } from "playwright-core";

import { validatePracticeFields } from "../src/domain/practice.ts";
import { CHROMIUM, CHROMIUM_FLAGS } from "./support/chromium.ts";
import { addAccount, Browser, startInstance, type RunningInstance } from "./support/instance.ts";

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** Checks the pages at 320 CSS pixels wide and under the colour, contrast and motion preferences people set. */
describe("pages at 320 px and under user preferences", function () {
  this.timeout(180_000);
  let running: RunningInstance;
  let browser: ChromiumBrowser;
  let slug = "";
  const signedOutPages = () => ["/", "/library", `/practices/${slug}`, "/sign-in"];
  const adminPages = () => [`/practices/${slug}`, "/practices/new", "/admin/federation", "/admin/domains", "/admin/accounts", "/admin/audit", "/moderation"];

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "admin", "admin");
    const demo = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../scripts/seed/demo-content.json"), "utf8"));
    for (const entry of demo.practices.slice(0, 4)) {
      const result = validatePracticeFields(entry);
      if (!result.ok) throw new Error(`Demo practice ${entry.slug} is invalid`);
      await running.instance.practices.create(result.value, null, { publish: true, slug: entry.slug });
    }
    slug = demo.practices[0].slug;
    const admin = new Browser(running.origin);
    await admin.signIn("admin");
    await admin.post(`/practices/${slug}/replies`, { content: "A reply with a rather long unbroken word: interinstitutionalisation.", language: "en" });
    // Tables and reports with long values, which must not widen the page.
    const account = (await running.instance.store.accounts.byUsername("admin"))!;
    const [reply] = await running.instance.store.replies.listForRoot(`${running.origin}/practices/${slug}`);
    await running.instance.moderation.reportReply(account, reply, `Look at ${"x".repeat(600)} please.`);
    await running.instance.moderation.blockDomain(account, "a-rather-long-subdomain.of-a-spam-network.example", "Sends the same advertisement to every inbox", true);
    await running.instance.moderation.blockActor(account, `https://elsewhere.example/users/${"troll".repeat(20)}`, "Harassment");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });

  after(async () => {
    await browser?.close();
    await running?.stop();
  });

  async function signIn(context: BrowserContext): Promise<void> {
    const page = await context.newPage();
    await page.goto(`${running.origin}/sign-in`);
    await page.fill("#username", "admin");
    await page.fill("#password", "a long test password");
    await Promise.all([page.waitForURL(`${running.origin}/`), page.click("form.narrow button[type=submit]")]);
    await page.close();
  }

  /** Width by which the page overflows the viewport sideways, ignoring tables inside their own scrolling box. */
  async function overflow(context: BrowserContext, pagePath: string): Promise<number> {
    const page = await context.newPage();
    await page.goto(`${running.origin}${pagePath}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.close();
    return width;
  }

  for (const language of ["en", "fr", "es"]) {
    it(`reflows at 320 px (${language})`, async () => {
      const context = await browser.newContext({ viewport: { width: 320, height: 640 }, locale: language });
      const wide: string[] = [];
      for (const pagePath of signedOutPages()) if ((await overflow(context, `${pagePath}?lang=${language}`)) > 0) wide.push(pagePath);
      await signIn(context);
      for (const pagePath of adminPages()) if ((await overflow(context, `${pagePath}?lang=${language}`)) > 0) wide.push(pagePath);
      await context.close();
      expect(wide).to.deep.equal([]);
    });
  }

  for (const preferences of [{ colorScheme: "dark" as const }, { colorScheme: "light" as const, contrast: "more" as const }, { colorScheme: "dark" as const, contrast: "more" as const }]) {
    it(`keeps contrast with ${JSON.stringify(preferences)}`, async () => {
      const context = await browser.newContext({ ...preferences, reducedMotion: "reduce" });
      await signIn(context);
      const failures: string[] = [];
      // The pages whose colours differ most: forms, tables, the discussion and the notices.
      for (const pagePath of ["/", `/practices/${slug}`, "/practices/new", "/admin/domains", "/moderation"]) {
        const page = await context.newPage();
        await page.goto(`${running.origin}${pagePath}`);
        const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
        for (const violation of results.violations) failures.push(`${pagePath} ${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
        await page.close();
      }
      await context.close();
      expect(failures).to.deep.equal([]);
    });
  }

  it("stops motion when it is reduced", async () => {
    const motion = async (reducedMotion: "reduce" | "no-preference") => {
      const context = await browser.newContext({ reducedMotion });
      const page = await context.newPage();
      await page.goto(`${running.origin}/library`);
      const result = await page.evaluate(() => ({
        moving: [...document.querySelectorAll("a, button")].filter((element) => getComputedStyle(element).transitionDuration.split(",").some((part) => Number.parseFloat(part) > 0)).length,
        scroll: getComputedStyle(document.documentElement).scrollBehavior,
      }));
      await context.close();
      return result;
    };
    const usual = await motion("no-preference");
    expect(usual.moving).to.be.greaterThan(0);
    expect(usual.scroll).to.equal("smooth");
    expect(await motion("reduce")).to.deep.equal({ moving: 0, scroll: "auto" });
  });
});
