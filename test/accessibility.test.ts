import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import AxeBuilder from "@axe-core/playwright";
import { expect } from "chai";
import { chromium, type Browser as ChromiumBrowser, type BrowserContext, type Page } from "playwright-core";

import { setRegistrationOpen } from "../src/domain/accounts.ts";
import { createInvitation } from "../src/domain/invitations.ts";
import { createPasswordReset } from "../src/domain/password-resets.ts";
import { validatePracticeFields } from "../src/domain/practice.ts";
import { mediaDirectory } from "../src/web/uploads.ts";
import { addAccount, Browser, startInstance, type RunningInstance } from "./support/instance.ts";
import { consultationForm } from "./support/consultation.ts";
import { learningForm } from "./support/learning.ts";
import { CHROMIUM, CHROMIUM_FLAGS } from "./support/chromium.ts";
import { FIXTURES, resourceForm, videoForm } from "./support/files.ts";

const LANGUAGES = ["en", "fr", "es"];

/** Runs axe's WCAG 2.x A and AA rules on the pages that exist so far, signed out and signed in, in each language. */
describe("accessibility of the pages", function () {
  this.timeout(180_000);
  let running: RunningInstance;
  let browser: ChromiumBrowser;
  let slug = "";
  let replyIri = "";
  let invitationPath = "";
  let resetPath = "";
  let learningPath = "";
  let fileResource = "";
  let videoResource = "";
  let consultationPath = "";
  let closedConsultationPath = "";
  let memberDraftResource = "";

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "admin", "admin");
    const demo = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../scripts/seed/demo-content.json"), "utf8"));
    for (const entry of demo.practices.slice(0, 3)) {
      const result = validatePracticeFields(entry);
      if (!result.ok) throw new Error(`Demo practice ${entry.slug} is invalid`);
      await running.instance.practices.create(result.value, null, { publish: true, slug: entry.slug });
    }
    slug = demo.practices[0].slug;
    const member = new Browser(running.origin);
    await member.signIn("admin");
    await member.post(`/practices/${slug}/replies`, { content: "A reply so the thread is not empty.", language: "en" });
    await member.post(`/practices/${slug}/replies`, { content: "A reply the moderators hid.", language: "en" });
    const slugOf = (response: Response) => new URL(response.headers.get("location")!, running.origin).pathname.split("/")[2];
    fileResource = slugOf(await member.postMultipart("/resources", resourceForm("Reception guide"), { file: { name: "guide.pdf", content: FIXTURES.pdf() } }));
    videoResource = slugOf(
      await member.postMultipart("/resources", videoForm("Rights at the border"), {
        file: { name: "rights.webm", content: FIXTURES.webm() },
        "captions.en": { name: "en.vtt", content: FIXTURES.vtt() },
      }),
    );
    // Resource and learning opportunity pages with a discussion.
    await member.post(`/resources/${fileResource}/replies`, { content: "We print this guide for every shelter.", language: "en" });
    // Moderation pages with something in them: a report, a hidden reply, domain rules, a blocked account.
    const admin = (await running.instance.store.accounts.byUsername("admin"))!;
    const replies = await running.instance.store.replies.listForRoot(`${running.origin}/practices/${slug}`);
    replyIri = replies[0].iri;
    await running.instance.moderation.reportReply(admin, replies[0], "Please check the names in this reply.");
    await running.instance.moderation.hideReply(admin, replies[1]);
    await running.instance.moderation.blockDomain(admin, "spam.example", "Spam", true);
    await running.instance.moderation.allowDomain(admin, "partner.example", "");
    await running.instance.moderation.blockActor(admin, "https://elsewhere.example/users/troll", "Harassment");
    const store = running.instance.store;
    // A remote reply in French with a copied image described by its author, one left undescribed, and a linked video.
    const picture = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
    const pictureName = `${crypto.createHash("sha256").update(picture).digest("hex")}.png`;
    fs.mkdirSync(mediaDirectory(running.dataDir), { recursive: true });
    fs.writeFileSync(path.join(mediaDirectory(running.dataDir), pictureName), picture);
    const image = { kind: "image" as const, mediaType: "image/png", width: null, height: null, failure: null };
    await store.replies.save({
      iri: "https://elsewhere.example/notes/pictures", rootIri: `${running.origin}/practices/${slug}`, inReplyTo: `${running.origin}/practices/${slug}`,
      authorIri: "https://elsewhere.example/users/photographer", authorAccountId: null, contentHtml: "<p>Voici nos photos de l'atelier.</p>", language: "fr",
      url: null, published: new Date().toISOString(), updated: null, deleted: null, local: false, hidden: null,
      attachments: [
        { ...image, url: "https://elsewhere.example/media/1.png", description: "Des bénévoles accueillent des familles à la gare", file: pictureName },
        { ...image, url: "https://elsewhere.example/media/2.png", description: null, file: pictureName },
        { ...image, kind: "video", mediaType: "video/mp4", url: "https://elsewhere.example/media/3.mp4", description: "Enregistrement de l'atelier", file: null },
      ],
    });
    await setRegistrationOpen(store, true);
    await addAccount(running.instance, "member", "member");
    // A member's draft, sent back by the admin with a comment, so the member's pages show a review history and the submissions list has an entry.
    const writer = new Browser(running.origin);
    await writer.signIn("member");
    memberDraftResource = slugOf(await writer.postMultipart("/resources", { ...resourceForm("Member guide"), action: "submit" }, { file: { name: "member.pdf", content: FIXTURES.pdf() } }));
    await member.post(`/resources/${memberDraftResource}/review`, { action: "changes", comment: "Please add a summary in Spanish." });
    invitationPath = `/invitations/${(await createInvitation(store, { role: "editor", days: 7, createdBy: null })).token}`;
    resetPath = `/reset/${(await createPasswordReset(store, (await store.accounts.byUsername("member"))!, null)).token}`;
    // A learning opportunity with every field, and a past one, so both parts of the calendar have entries.
    const learning = await member.post("/learning", learningForm("Screening for trafficking indicators"));
    learningPath = new URL(learning.headers.get("location")!, running.origin).pathname;
    await member.post(`${learningPath}/replies`, { content: "Is there interpretation into Arabic?", language: "en" });
    await member.post("/learning", { ...learningForm("Past webinar on referral"), start: "2024-05-02T10:00", end: "2024-05-02T11:30", "place.name": "", "place.address": "", "place.locality": "", "place.country": "" });
    // An open consultation with a submission, an upcoming one, and a closed one with its summary, so that every part of the list has entries.
    const consultation = await member.post("/consultations", consultationForm("Safe shelters along the route", { moderators: "member" }));
    consultationPath = new URL(consultation.headers.get("location")!, running.origin).pathname;
    await member.post(`${consultationPath}/replies`, { content: "Lockers and night staff.", language: "en" });
    await member.post("/consultations", consultationForm("Reception of unaccompanied children", { opens: "2098-01-01T09:00" }));
    const closed = await member.post("/consultations", consultationForm("Interpreting at the border", { opens: "2020-01-01T09:00", closes: "2021-01-01T09:00" }));
    closedConsultationPath = new URL(closed.headers.get("location")!, running.origin).pathname;
    await member.post(`${closedConsultationPath}/outcome`, { "outcome.en": "People asked for interpreters of their own gender.", "outcome.es": "Pidieron intérpretes de su mismo género." });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });

  after(async () => {
    await browser?.close();
    await running?.stop();
  });

  async function violations(context: BrowserContext, pagePath: string): Promise<string[]> {
    const page = await context.newPage();
    await page.goto(`${running.origin}${pagePath}`);
    const found = await violationsOn(page);
    await page.close();
    return found;
  }

  async function violationsOn(page: Page): Promise<string[]> {
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    return results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  }

  it("detects a known violation", async () => {
    // Guards the check itself: a page with an unlabelled field must not pass.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><input type="text"></main></body></html>');
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
    expect(results.violations.map((violation) => violation.id)).to.include("label");
    await context.close();
  });

  for (const language of LANGUAGES) {
    it(`has no violations as a member (${language})`, async () => {
      const context = await browser.newContext({ locale: language });
      const page = await context.newPage();
      await page.goto(`${running.origin}/sign-in?lang=${language}`);
      await page.fill("#username", "member");
      await page.fill("#password", "a long test password");
      await Promise.all([page.waitForURL(`${running.origin}/`), page.click("form.narrow button[type=submit]")]);
      for (const pagePath of ["/review", "/resources/new", `/resources/${memberDraftResource}`, `/resources/${memberDraftResource}/edit`]) {
        expect(await violations(context, `${pagePath}?lang=${language}`), pagePath).to.deep.equal([]);
      }
      // The member's resource editor as it comes back with errors.
      await page.goto(`${running.origin}/resources/new?lang=${language}`);
      await Promise.all([page.waitForLoadState("load"), page.click("form.editor button[value=submit]")]);
      expect(await page.locator(".error-summary").count(), "member's resource form shows errors").to.equal(1);
      expect(await violationsOn(page), "member's resource editor with errors").to.deep.equal([]);
      await context.close();
    });

    it(`has no violations signed out (${language})`, async () => {
      const context = await browser.newContext({ locale: language });
      for (const pagePath of [
        "/", "/library", `/library?theme=child-protection`, "/library?kind=media", `/practices/${slug}`,
        // Search: results, nothing found with a filter, and a query rejected as too long.
        "/library?q=border", "/library?q=nonexistentword&kind=practice", `/library?q=${"a".repeat(300)}`,
        "/organizations", "/sign-in", "/nowhere", "/sign-up", invitationPath, resetPath,
        `/resources/${fileResource}`, `/resources/${videoResource}`, "/calendar", learningPath, "/consultations", consultationPath, closedConsultationPath,
      ]) {
        expect(await violations(context, `${pagePath}${pagePath.includes("?") ? "&" : "?"}lang=${language}`), pagePath).to.deep.equal([]);
      }
      // The sign-up and reset forms as they come back with errors.
      const page = await context.newPage();
      for (const [pagePath, button] of [[invitationPath, "main form button[type=submit]"], [resetPath, "main form button[type=submit]"]]) {
        await page.goto(`${running.origin}${pagePath}?lang=${language}`);
        await Promise.all([page.waitForLoadState("load"), page.click(button)]);
        expect(await page.locator(".error-summary").count(), `${pagePath} shows errors`).to.equal(1);
        expect(await violationsOn(page), `${pagePath} with errors`).to.deep.equal([]);
      }
      await context.close();
    });

    it(`has no violations signed in (${language})`, async () => {
      const context = await browser.newContext({ locale: language });
      const page = await context.newPage();
      await page.goto(`${running.origin}/sign-in?lang=${language}`);
      await page.fill("#username", "admin");
      await page.fill("#password", "a long test password");
      await Promise.all([page.waitForURL(`${running.origin}/`), page.click("form.narrow button[type=submit]")]);
      const reply = encodeURIComponent(replyIri);
      for (const pagePath of [
        `/practices/${slug}`,
        `/practices/${slug}/edit`,
        "/practices/new",
        "/admin/federation",
        "/account/password",
        "/account/profile",
        "/members/admin",
        "/moderation",
        "/admin/domains",
        "/admin/domains/mode?mode=allowlist",
        "/admin/audit",
        `/report?reply=${reply}`,
        `/moderation/replies/delete?reply=${reply}`,
        "/admin/accounts",
        "/admin/organization",
        "/review",
        "/calendar",
        learningPath,
        "/learning/new",
        `${learningPath}/edit`,
        "/resources/new",
        `/resources/${fileResource}`,
        `/resources/${fileResource}/edit`,
        `/resources/${videoResource}/edit`,
        "/admin/resources",
        "/consultations",
        consultationPath,
        closedConsultationPath,
        "/consultations/new",
        `${consultationPath}/edit`,
        `${closedConsultationPath}/outcome`,
      ]) {
        expect(await violations(context, `${pagePath}${pagePath.includes("?") ? "&" : "?"}lang=${language}`), pagePath).to.deep.equal([]);
      }
      // The domain form and the report form as they come back with errors.
      await page.goto(`${running.origin}/admin/domains?lang=${language}`);
      await Promise.all([page.waitForLoadState("load"), page.click("form[action='/admin/domains'] button[type=submit]")]);
      expect((await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze()).violations.map((violation) => violation.id), "domain form with errors").to.deep.equal([]);
      await page.goto(`${running.origin}/admin/organization?lang=${language}`);
      await page.fill("#org-website", "not a web address");
      await Promise.all([page.waitForLoadState("load"), page.click("form[action='/admin/organization'] button[type=submit]")]);
      expect((await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze()).violations.map((violation) => violation.id), "profile form with errors").to.deep.equal([]);
      await page.goto(`${running.origin}/account/password?lang=${language}`);
      await Promise.all([page.waitForLoadState("load"), page.click("form[action='/account/password'] button[type=submit]")]);
      expect(await page.locator(".error-summary").count(), "password form shows errors").to.equal(1);
      expect(await violationsOn(page), "password form with errors").to.deep.equal([]);
      await page.goto(`${running.origin}/report?reply=${reply}&lang=${language}`);
      await Promise.all([page.waitForLoadState("load"), page.click("form[action='/report'] button[type=submit]")]);
      expect((await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze()).violations.map((violation) => violation.id), "report form with errors").to.deep.equal([]);
      // Resource and learning opportunity pages as they come back with an empty reply.
      for (const pagePath of [`/resources/${fileResource}`, learningPath]) {
        await page.goto(`${running.origin}${pagePath}?lang=${language}`);
        await Promise.all([page.waitForLoadState("load"), page.click("#reply-form button[type=submit]")]);
        expect(await page.locator(".error-summary").count(), `${pagePath} shows the reply error`).to.equal(1);
        expect(await violationsOn(page), `${pagePath} with a reply error`).to.deep.equal([]);
      }
      // The editor as it comes back with errors.
      await page.goto(`${running.origin}/practices/new?lang=${language}`);
      await Promise.all([page.waitForLoadState("load"), page.click("form.editor button[value=publish]")]);
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      expect(results.violations.map((violation) => violation.id), "editor with errors").to.deep.equal([]);
      // The learning opportunity editor as it comes back with errors.
      await page.goto(`${running.origin}/learning/new?lang=${language}`);
      await Promise.all([page.waitForLoadState("load"), page.click("form.editor button[value=publish]")]);
      expect(await page.locator(".error-summary").count(), "learning editor shows errors").to.equal(1);
      expect(await violationsOn(page), "learning editor with errors").to.deep.equal([]);
      // The resource editor as it comes back with errors.
      await page.goto(`${running.origin}/resources/new?lang=${language}`);
      await Promise.all([page.waitForLoadState("load"), page.click("form.editor button[value=publish]")]);
      expect(await page.locator(".error-summary").count(), "resource form shows errors").to.equal(1);
      expect(await violationsOn(page), "resource editor with errors").to.deep.equal([]);
      // The consultation editor and the summary form as they come back with errors.
      await page.goto(`${running.origin}/consultations/new?lang=${language}`);
      await Promise.all([page.waitForLoadState("load"), page.click("form.editor button[type=submit]")]);
      expect(await page.locator(".error-summary").count(), "consultation editor shows errors").to.equal(1);
      expect(await violationsOn(page), "consultation editor with errors").to.deep.equal([]);
      await page.goto(`${running.origin}${closedConsultationPath}/outcome?lang=${language}`);
      await page.fill("#field-outcome-en", "");
      await Promise.all([page.waitForLoadState("load"), page.click("form.editor button[type=submit]")]);
      expect(await page.locator(".error-summary").count(), "summary form shows errors").to.equal(1);
      expect(await violationsOn(page), "summary form with errors").to.deep.equal([]);
      // The accounts page showing a new invitation link, then refusing to demote the only admin.
      await page.goto(`${running.origin}/admin/accounts?lang=${language}`);
      await Promise.all([page.waitForLoadState("load"), page.click("form[action='/admin/invitations'] button[type=submit]")]);
      expect(await page.locator("#new-link").count(), "new link shown").to.equal(1);
      expect(await violationsOn(page), "accounts page with a new link").to.deep.equal([]);
      const adminId = (await running.instance.store.accounts.byUsername("admin"))!.id;
      await page.selectOption(`#role-${adminId}`, "member");
      await Promise.all([page.waitForLoadState("load"), page.click(`form.role-form:has(#role-${adminId}) button[type=submit]`)]);
      expect(await page.locator(".error-summary").count(), "last admin refused").to.equal(1);
      expect(await violationsOn(page), "accounts page with an error").to.deep.equal([]);
      await context.close();
    });
  }
});
