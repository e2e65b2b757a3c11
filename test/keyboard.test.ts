import fs from "node:fs";

import { expect } from "chai";
import { chromium, type Browser as ChromiumBrowser, type Page } from "playwright-core";

import { CHROMIUM, CHROMIUM_FLAGS } from "./support/chromium.ts";
import { resourceForm } from "./support/files.ts";
import { addAccount, Browser, eventually, startInstance, type RunningInstance } from "./support/instance.ts";

/** Most Tab presses allowed to reach one control; the practice editor has about a hundred. */
const MAX_TABS = 250;

/**
 * Presses Tab until the element matching `selector` has focus, checking on
 * the way that each focused element shows a visible focus indicator and
 * comes after the previous one in the document, as WCAG 2.4.3 and 2.4.7 ask.
 */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let presses = 0; presses < MAX_TABS; presses++) {
    await page.keyboard.press("Tab");
    const state = await page.evaluate((target) => {
      const active = document.activeElement as HTMLElement | null;
      const style = active ? getComputedStyle(active) : null;
      const visible = style !== null && ((style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none");
      const previous = (window as unknown as { lastFocused?: Element }).lastFocused;
      const inOrder = !previous || !active || previous === active || (previous.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
      (window as unknown as { lastFocused?: Element }).lastFocused = active ?? undefined;
      return { matches: active?.matches(target) ?? false, visible, inOrder, description: active ? `${active.tagName.toLowerCase()}#${active.id}` : "nothing" };
    }, selector);
    expect(state.visible, `visible focus on ${state.description}`).to.equal(true);
    expect(state.inOrder, `focus order at ${state.description}`).to.equal(true);
    if (state.matches) return;
  }
  throw new Error(`${selector} was not reached with ${MAX_TABS} presses of Tab`);
}

/** Presses Enter on the focused control and waits for the page it leads to. */
async function submit(page: Page): Promise<void> {
  await Promise.all([page.waitForEvent("framenavigated"), page.keyboard.press("Enter")]);
  await page.waitForLoadState("load");
}

async function signIn(page: Page, origin: string, username: string): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await tabTo(page, "#username");
  await page.keyboard.type(username);
  await tabTo(page, "#password");
  await page.keyboard.type("a long test password");
  await submit(page);
}

describe("main tasks with the keyboard alone", function () {
  this.timeout(120_000);
  let running: RunningInstance;
  let partner: RunningInstance;
  let browser: ChromiumBrowser;

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package or set CHROMIUM_PATH`);
    running = await startInstance();
    partner = await startInstance();
    await addAccount(running.instance, "editor", "editor");
    await addAccount(running.instance, "admin", "admin");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });

  after(async () => {
    await browser?.close();
    await running?.stop();
    await partner?.stop();
  });

  it("publishes a practice", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: "en-US" });
    const page = await context.newPage();
    await signIn(page, running.origin, "editor");
    await page.goto(`${running.origin}/practices/new`);
    await page.evaluate(() => delete (window as unknown as { lastFocused?: Element }).lastFocused);

    const typeInto = async (selector: string, text: string) => {
      await tabTo(page, selector);
      await page.keyboard.type(text);
    };
    const chooseNext = async (selector: string) => {
      await tabTo(page, selector);
      await page.keyboard.press("ArrowDown");
      expect(await page.locator(selector).inputValue(), selector).to.not.equal("");
    };
    await typeInto("#field-text-en-title", "Legal clinics on wheels");
    await typeInto("#field-text-en-summary", "A van brings lawyers to informal settlements every week.");
    await typeInto("#field-text-en-body", "Lawyers and interpreters travel together.");
    await tabTo(page, "#field-themes-access-to-justice");
    await page.keyboard.press("Space");
    await chooseNext("#field-scope");
    await chooseNext("#field-practiceType");
    await typeInto("#field-implementer", "Clínica Jurídica Móvil");
    await tabTo(page, "#field-periodStart");
    // Chromium lays the date field out in the browser locale's order: month, day, year for en-US.
    await page.keyboard.type("01152024");
    expect(await page.locator("#field-periodStart").inputValue()).to.equal("2024-01-15");
    await chooseNext("#field-practiceStatus");
    await chooseNext("#field-evidenceLevel");
    await tabTo(page, "form.editor button[value=publish]");
    await submit(page);

    expect(page.url()).to.match(/\/practices\/legal-clinics-on-wheels\?notice=published/);
    expect(await page.locator("h1").textContent()).to.equal("Legal clinics on wheels");
    expect(await page.locator('[role="status"]').first().textContent()).to.not.equal("");
    await context.close();
  });

  it("replies to a resource", async () => {
    const editor = new Browser(running.origin);
    await editor.signIn("editor");
    const created = await editor.post("/resources", resourceForm("Guide discussed with the keyboard", { link: "https://publisher.example/guide" }));
    const resourcePath = new URL(created.headers.get("location")!, running.origin).pathname;
    const context = await browser.newContext({ javaScriptEnabled: false, locale: "en-US" });
    const page = await context.newPage();
    await signIn(page, running.origin, "editor");
    await page.goto(`${running.origin}${resourcePath}`);
    await tabTo(page, "#reply-content");
    await page.keyboard.type("Our caseworkers use it every day.");
    await tabTo(page, "#reply-form button[type=submit]");
    await submit(page);

    expect(page.url()).to.contain(`${resourcePath}?notice=replyPosted#reply-`);
    expect(await page.locator(".reply-content").last().textContent()).to.contain("Our caseworkers use it every day.");
    expect(await page.locator('[role="status"]').first().textContent()).to.not.equal("");
    await context.close();
  });

  it("follows a partner", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, running.origin, "admin");
    await page.goto(`${running.origin}/admin/federation`);
    await tabTo(page, "#partner-handle");
    await page.keyboard.type(`@org@${new URL(partner.origin).host}`);
    await submit(page);
    expect(page.url()).to.contain("notice=followSent");
    expect(await page.locator('[role="status"]').first().textContent()).to.not.equal("");
    await eventually(async () => (await running.instance.store.following.list()).find((entry) => entry.status === "accepted"), "the partner's Accept");
    await context.close();
  });
});
