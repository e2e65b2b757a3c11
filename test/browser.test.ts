import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { chromium, type Browser as ChromiumBrowser, type Page } from "playwright-core";

import { validatePracticeFields } from "../src/domain/practice.ts";
import { CHROMIUM, CHROMIUM_FLAGS } from "./support/chromium.ts";
import { addAccount, Browser, startInstance, temporaryDirectory, type RunningInstance } from "./support/instance.ts";


/** Presses Enter on a link or button reached without the mouse, and waits for the page it leads to. */
async function activate(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().focus();
  await Promise.all([page.waitForEvent("framenavigated"), page.keyboard.press("Enter")]);
  await page.waitForLoadState("load");
}

describe("pages in Chromium without JavaScript", function () {
  this.timeout(120_000);
  let running: RunningInstance;
  let browser: ChromiumBrowser;
  let page: Page;
  let theme = "";

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package or set CHROMIUM_PATH`);
    running = await startInstance();
    await addAccount(running.instance, "member", "member");
    const demo = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../scripts/seed/demo-content.json"), "utf8"));
    theme = demo.practices[0].themes[0];
    for (const entry of demo.practices.slice(0, 6)) {
      const result = validatePracticeFields(entry);
      if (!result.ok) throw new Error(`Demo practice ${entry.slug} is invalid: ${JSON.stringify(result.errors)}`);
      await running.instance.practices.create(result.value, null, { publish: true, slug: entry.slug });
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    const context = await browser.newContext({ javaScriptEnabled: false, locale: "fr-FR" });
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await running?.stop();
  });

  it("starts in the browser's language with a skip link", async () => {
    await page.goto(running.origin);
    expect(await page.getAttribute("html", "lang")).to.equal("fr");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("href"))).to.equal("#main");
    expect(await page.locator("h1").count()).to.equal(1);
  });

  it("filters the library by theme", async () => {
    await activate(page, 'nav a[href="/library"]');
    await page.locator("#theme").focus();
    await page.selectOption("#theme", theme);
    await activate(page, "form.filters button");
    expect(page.url()).to.contain(`theme=${theme}`);
    const titles = await page.locator(".card h3").allTextContents();
    expect(titles.length).to.be.greaterThan(0);
    const vocabulary = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../locales/fr/vocabulary.json"), "utf8"));
    for (const card of await page.locator(".card").allTextContents()) expect(card).to.contain(vocabulary.themes[theme]);
  });

  it("searches the library from the keyboard", async () => {
    await page.selectOption("#theme", "");
    await page.locator("#q").focus();
    await page.keyboard.type("TAPACHULA");
    await Promise.all([page.waitForEvent("framenavigated"), page.keyboard.press("Enter")]);
    await page.waitForLoadState("load");
    expect(new URL(page.url()).searchParams.get("q")).to.equal("TAPACHULA");
    expect(await page.inputValue("#q"), "keeps the query").to.equal("TAPACHULA");
    expect(await page.locator("[role=status]").textContent()).to.equal("1 résultat pour « TAPACHULA »");
    expect(await page.locator(".card h3").allTextContents()).to.have.length(1);
  });

  it("marks content shown in another language", async () => {
    await activate(page, ".card h3 a");
    const notice = page.locator("header .notice");
    if ((await notice.count()) > 0) {
      const lang = await page.locator("h1").getAttribute("lang");
      expect(lang).to.match(/^(en|es)$/);
    } else {
      expect(await page.locator("h1").getAttribute("lang")).to.equal(null);
    }
  });

  it("signs in and replies using only the keyboard", async () => {
    const practiceUrl = page.url().split("?")[0];
    await activate(page, '.discussion a[href^="/sign-in"]');
    await page.locator("#username").focus();
    await page.keyboard.type("member");
    await page.keyboard.press("Tab");
    await page.keyboard.type("a long test password");
    await Promise.all([page.waitForEvent("framenavigated"), page.keyboard.press("Enter")]);
    await page.waitForURL(practiceUrl);
    await page.locator("#reply-content").focus();
    await page.keyboard.type("Nous avons adapté cette pratique à Dakar.");
    await activate(page, "#reply-form button[type=submit]");
    expect(await page.locator('[role="status"]').first().textContent()).to.not.equal("");
    expect(await page.locator(".reply-content").last().textContent()).to.contain("Nous avons adapté cette pratique à Dakar.");
    const screenshot = path.join(temporaryDirectory("screens"), "practice-fr.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(fs.statSync(screenshot).size).to.be.greaterThan(10_000);
  });

  it("reports a reply using only the keyboard", async () => {
    const practiceUrl = page.url().split("?")[0].split("#")[0];
    await addAccount(running.instance, "neighbour", "member");
    const neighbour = new Browser(running.origin);
    await neighbour.signIn("neighbour");
    await neighbour.post(`${new URL(practiceUrl).pathname}/replies`, { content: "Une réponse à signaler.", language: "fr" });
    await page.goto(practiceUrl);
    await activate(page, '.discussion a[href^="/report"]');
    expect(page.url()).to.contain("/report?reply=");
    await page.locator("#report-comment").focus();
    await page.keyboard.type("Cette réponse cite une personne qui ne voulait pas être nommée.");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("type"))).to.equal("submit");
    await Promise.all([page.waitForEvent("framenavigated"), page.keyboard.press("Enter")]);
    await page.waitForLoadState("load");
    expect(page.url()).to.contain("notice=reportSent");
    expect(await page.locator('[role="status"]').first().textContent()).to.not.equal("");
    const [report] = await running.instance.store.moderation.reports("open", 1);
    expect(report.comment).to.equal("Cette réponse cite une personne qui ne voulait pas être nommée.");
  });
});
