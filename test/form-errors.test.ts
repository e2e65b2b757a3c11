import fs from "node:fs";

import { expect } from "chai";
import { chromium, type Browser as ChromiumBrowser, type Page } from "playwright-core";

import { CHROMIUM, CHROMIUM_FLAGS } from "./support/chromium.ts";
import { addAccount, Browser, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";

/** Returns the switcher's link to `language` from a page's HTML. */
function switcherLink(page: string, language: string): string {
  const match = new RegExp(`<a href="([^"]*)" lang="${language}" hreflang="${language}"`).exec(page);
  if (!match) throw new Error(`no language link to ${language} on the page`);
  return match[1].replaceAll("&amp;", "&");
}

/** Returns the error summary's markup, or null when the page has none. */
function summaryOf(page: string): string | null {
  const start = page.indexOf('<div class="error-summary"');
  return start === -1 ? null : page.slice(start, page.indexOf("</div>", start));
}

/** Checks that every summary link points at an element of the page, in the order of those elements. */
function expectSummaryInFieldOrder(page: string): void {
  const summary = summaryOf(page);
  expect(summary, "an error summary").to.not.equal(null);
  const targets = [...summary!.matchAll(/href="#([^"]+)"/g)].map((match) => match[1]);
  expect(targets.length, "summary links").to.be.above(0);
  const positions = targets.map((id) => page.indexOf(` id="${id}"`));
  for (const [index, position] of positions.entries()) expect(position, `element #${targets[index]}`).to.be.above(-1);
  expect(positions, `summary order ${targets.join(", ")}`).to.deep.equal([...positions].sort((a, b) => a - b));
}

/** Returns the heading levels of a page, in document order. */
function headingLevels(page: string): number[] {
  return [...page.matchAll(/<h([1-6])[\s>]/g)].map((match) => Number(match[1]));
}

async function signIn(page: Page, origin: string, username: string): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.fill("#username", username);
  await page.fill("#password", "a long test password");
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith("/sign-in")), page.click("form[action='/sign-in'] button[type=submit]")]);
}

/** Submits the page's editor form as it is and waits for the response page to load. */
async function submitEditor(page: Page): Promise<void> {
  await Promise.all([page.waitForEvent("framenavigated"), page.click("form.editor button[type=submit] >> nth=0")]);
  await page.waitForLoadState("load");
}

describe("form errors and recovery", function () {
  this.timeout(120_000);
  let running: RunningInstance;
  let admin: Browser;
  let member: Browser;
  let chromiumBrowser: ChromiumBrowser;

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package or set CHROMIUM_PATH`);
    running = await startInstance();
    await addAccount(running.instance, "admin", "admin");
    await addAccount(running.instance, "member", "member");
    admin = new Browser(running.origin);
    await admin.signIn("admin");
    member = new Browser(running.origin);
    await member.signIn("member");
    chromiumBrowser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });

  after(async () => {
    await chromiumBrowser?.close();
    await running?.stop();
  });

  describe("language switcher after a failed post", () => {
    it("links to the form page the form names", async () => {
      const failed = await admin.post("/practices", { ...practiceForm(""), _page: "/practices/new?lang=en" });
      expect(failed.status).to.equal(422);
      const link = switcherLink(await failed.text(), "fr");
      expect(link).to.equal("/practices/new?lang=fr");
      const followed = await admin.get(link);
      expect(followed.status).to.equal(200);
      expect(await followed.text()).to.contain('<html lang="fr">');
      // The switcher stores the choice in a cookie, so switch back to English for the other tests.
      await admin.get("/?lang=en");
    });

    it("falls back to a same-origin Referer", async () => {
      const body = new URLSearchParams({ ...practiceForm(""), _csrf: admin.csrfToken } as Record<string, string>);
      const failed = await admin.request("/practices", {
        method: "POST",
        body,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Referer: `${running.origin}/practices/new` },
      });
      expect(failed.status).to.equal(422);
      expect(switcherLink(await failed.text(), "es")).to.equal("/practices/new?lang=es");
    });

    it("ignores a foreign form page", async () => {
      for (const foreign of ["//elsewhere.test/practices/new", "http://elsewhere.test/practices/new", "/\\elsewhere.test/x"]) {
        const failed = await admin.post("/practices", { ...practiceForm(""), _page: foreign });
        expect(switcherLink(await failed.text(), "fr"), foreign).to.equal("/?lang=fr");
      }
    });

    it("links home without a form page or Referer", async () => {
      const failed = await admin.post("/practices", practiceForm(""));
      expect(switcherLink(await failed.text(), "fr")).to.equal("/?lang=fr");
    });

    it("keeps a GET page's own address", async () => {
      expect(switcherLink(await (await admin.get("/library?q=water")).text(), "es")).to.equal("/library?q=water&lang=es");
    });
  });

  describe("error summary in Chromium without JavaScript", () => {
    for (const formPath of ["/practices/new", "/resources/new", "/learning/new", "/consultations/new"]) {
      it(`focuses the summary of ${formPath}`, async () => {
        const context = await chromiumBrowser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
        const page = await context.newPage();
        await signIn(page, running.origin, "admin");
        await page.goto(`${running.origin}${formPath}`);
        await submitEditor(page);
        // A second failure: the form page the switcher needs must survive it.
        await submitEditor(page);

        const state = await page.evaluate(() => {
          const active = document.activeElement as HTMLElement | null;
          const summary = document.querySelector(".error-summary");
          const box = summary?.getBoundingClientRect();
          return {
            activeIsSummary: active !== null && active === summary,
            autofocused: document.querySelectorAll("[autofocus]").length,
            top: box?.top ?? -1,
            viewportHeight: window.innerHeight,
          };
        });
        expect(state.activeIsSummary, "focus on the error summary").to.equal(true);
        expect(state.autofocused, "elements with autofocus").to.equal(1);
        expect(state.top, "summary top inside the first screen").to.be.at.least(0);
        expect(state.top, "summary top inside the first screen").to.be.below(state.viewportHeight);

        const [response] = await Promise.all([page.waitForResponse((candidate) => candidate.request().isNavigationRequest()), page.click("nav.languages a[lang=fr]")]);
        expect(response.status(), "the French switcher link").to.equal(200);
        expect(new URL(page.url()).pathname).to.equal(formPath);
        expect(await page.getAttribute("html", "lang")).to.equal("fr");
        await context.close();
      });
    }
  });

  describe("error summaries", () => {
    it("lists editor errors in field order", async () => {
      for (const action of ["/practices", "/learning", "/consultations"]) {
        const failed = await admin.post(action, { _page: `${action}/new` });
        expect(failed.status, action).to.equal(422);
        expectSummaryInFieldOrder(await failed.text());
      }
      const resource = await admin.postMultipart("/resources", { "text.en.title": "Only a title", primaryLanguage: "en" });
      expect(resource.status).to.equal(422);
      expectSummaryInFieldOrder(await resource.text());
    });

    it("lists profile errors in field order", async () => {
      const failed = await member.post("/account/profile", { displayName: "", affiliation: "a".repeat(1000), bio: "b".repeat(10_000), languages: "xx" });
      expect(failed.status).to.equal(422);
      const page = await failed.text();
      expect([...summaryOf(page)!.matchAll(/href="#([^"]+)"/g)].map((match) => match[1])).to.deep.equal(["profile-displayName", "profile-affiliation", "profile-languages", "profile-bio"]);
      expectSummaryInFieldOrder(page);
    });

    it("summarizes the password form", async () => {
      const failed = await member.post("/account/password", { current: "not the password", next: "short", confirmation: "other" });
      expect(failed.status).to.equal(422);
      const page = await failed.text();
      expect(summaryOf(page)).to.contain('<a href="#password-current">Current password: The current password is wrong.</a>');
      expect(summaryOf(page)).to.contain("autofocus");
      expectSummaryInFieldOrder(page);
    });

    it("summarizes the follow form", async () => {
      const failed = await admin.post("/admin/federation/follow", { handle: "not a handle" });
      expect(failed.status).to.equal(422);
      const page = await failed.text();
      expect(summaryOf(page)).to.contain('<a href="#partner-handle">');
      expect(summaryOf(page)).to.contain("autofocus");
    });

    it("focuses the sign-in error", async () => {
      const failed = await new Browser(running.origin).post("/sign-in", { username: "nobody", password: "wrong password here", next: "/" });
      expect(failed.status).to.equal(401);
      expect(await failed.text()).to.match(/<p class="field-error" role="alert" id="sign-in-error" tabindex="-1" autofocus>/);
    });

    it("summarizes the review comment", async () => {
      const created = await member.post("/practices", { ...practiceForm("Practice sent back for changes"), action: "submit" });
      const path = new URL(created.headers.get("location")!, running.origin).pathname;
      const failed = await admin.post(`${path}/review`, { action: "changes", comment: "" });
      expect(failed.status).to.equal(422);
      const page = await failed.text();
      const summary = summaryOf(page);
      expect(summary).to.contain('<a href="#review-comment">Comment: ');
      expect(page.indexOf('class="error-summary"'), "summary above the article").to.be.below(page.indexOf("<article"));
      expect(page).to.contain("<title>Review step not saved: Practice sent back for changes");
    });

    it("names the field in the report summary", async () => {
      const created = await admin.post("/practices", practiceForm("Practice with a reported reply"));
      const path = new URL(created.headers.get("location")!, running.origin).pathname;
      await admin.post(`${path}/replies`, { content: "A reply to report", language: "en" });
      const practice = await running.instance.store.practices.bySlug(path.split("/")[2]);
      const reply = (await running.instance.store.replies.listForRoot(practice!.iri))[0];
      const failed = await member.post("/report", { reply: reply.iri, comment: " " });
      expect(failed.status).to.equal(422);
      expect(summaryOf(await failed.text())).to.contain('<a href="#report-comment">Description of the problem: Say what is wrong with this reply.</a>');
    });
  });

  describe("confirmation of dangerous admin actions", () => {
    const partner = "http://localhost:1/actors/confirmed";

    before(async () => {
      await running.instance.store.following.save({
        actorIri: partner, handle: "@confirmed@localhost:1", name: "Confirmed partner", inbox: "http://localhost:1/inbox",
        followIri: "http://localhost:1/follows/confirmed", status: "accepted", created: new Date().toISOString(),
      });
    });

    it("asks before unfollowing", async () => {
      const federation = await (await admin.get("/admin/federation")).text();
      expect(federation).to.not.contain('action="/admin/federation/unfollow"');
      const confirmPath = `/admin/federation/unfollow?actor=${encodeURIComponent(partner)}`;
      expect(federation).to.contain(`href="${confirmPath}"`);
      const confirmation = await admin.get(confirmPath);
      expect(confirmation.status).to.equal(200);
      const page = await confirmation.text();
      expect(page).to.contain("<h1>Unfollow Confirmed partner?</h1>");
      expect(page).to.contain("No item from this partner is in the library, so nothing is removed.");
      expect(page).to.contain('action="/admin/federation/unfollow"');
      expect((await admin.get(`/admin/federation/unfollow?actor=${encodeURIComponent("http://localhost:1/actors/unknown")}`)).status).to.equal(404);
    });

    it("asks before switching to the allowlist", async () => {
      const domains = await (await admin.get("/admin/domains")).text();
      expect(domains).to.not.contain('name="mode" value="allowlist"');
      expect(domains).to.contain('href="/admin/domains/mode?mode=allowlist"');
      const page = await (await admin.get("/admin/domains/mode?mode=allowlist")).text();
      expect(page).to.contain("No domain is on the allowlist, so this instance will stop federating with every server");
      expect(page).to.contain("@confirmed@localhost:1");
      expect(page).to.contain('<input type="hidden" name="mode" value="allowlist"/>');
      expect((await admin.post("/admin/domains/mode", { mode: "allowlist" })).status).to.equal(303);
      expect(await running.instance.moderation.mode()).to.equal("allowlist");
      const again = await admin.get("/admin/domains/mode?mode=allowlist");
      expect(again.status, "nothing to confirm once on").to.equal(303);
      await admin.post("/admin/domains/mode", { mode: "open" });
    });
  });

  describe("members' own drafts", () => {
    it("lists a member's saved draft", async () => {
      const home = await (await member.get("/")).text();
      expect(home).to.contain('href="/practices/new"');
      expect(home).to.contain('href="/resources/new"');
      expect(home).to.contain('<a href="/review">My submissions</a>');
      const saved = await member.post("/practices", { ...practiceForm("Draft only the member sees"), action: "draft" });
      expect(saved.status).to.equal(303);
      expect(await (await member.get("/review")).text()).to.contain("Draft only the member sees");
    });
  });

  describe("heading levels", () => {
    it("never skips a level on list pages", async () => {
      await admin.post("/practices", practiceForm("Practice listed in the library"));
      for (const path of ["/library", "/library?q=listed", "/calendar", "/consultations", "/organizations", "/review", "/"]) {
        const levels = headingLevels(await (await admin.get(path)).text());
        expect(levels[0], `${path} starts with h1`).to.equal(1);
        for (let index = 1; index < levels.length; index++) {
          expect(levels[index], `${path} heading ${index + 1} after h${levels[index - 1]}`).to.be.at.most(levels[index - 1] + 1);
        }
      }
    });
  });
});
