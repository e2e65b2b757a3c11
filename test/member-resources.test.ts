import { expect } from "chai";

import { FIXTURES, resourceForm, videoForm } from "./support/files.ts";
import { Browser, eventually } from "./support/instance.ts";
import { InstanceProcess } from "./support/process.ts";

const AP = { Accept: "application/activity+json" };

function slugFrom(location: string | null): string {
  return new URL(location ?? "", "http://x").pathname.split("/")[2];
}

/** Finds the address of the first stored file a resource page links to. */
function fileHref(page: string, extension: string): string {
  const match = new RegExp(`/files/[0-9a-f]{64}\\.${extension}`).exec(page);
  if (!match) throw new Error(`No .${extension} file linked from the page`);
  return match[0];
}

/**
 * A member's resource on its way through review, on instance A, while
 * instance B follows A: both run as their own processes on loopback.
 */
describe("member resources", function () {
  this.timeout(120_000);
  let a: InstanceProcess;
  let b: InstanceProcess;
  let member: Browser;
  let otherMember: Browser;
  let reviewer: Browser;
  let slug = "";
  let fileAddress = "";

  before(async () => {
    a = await InstanceProcess.create("member-a");
    b = await InstanceProcess.create("member-b");
    await a.createAccount("member", "member");
    await a.createAccount("other", "member");
    await a.createAccount("reviewer", "reviewer");
    await b.createAccount("admin", "admin");
    await Promise.all([a.start(), b.start()]);
    member = new Browser(a.origin);
    await member.signIn("member");
    otherMember = new Browser(a.origin);
    await otherMember.signIn("other");
    reviewer = new Browser(a.origin);
    await reviewer.signIn("reviewer");

    const admin = new Browser(b.origin);
    await admin.signIn("admin");
    const followed = await admin.post("/admin/federation/follow", { handle: `@org@localhost:${a.port}` });
    expect(followed.status, await followed.clone().text()).to.equal(303);
    await eventually(async () => (await (await admin.get("/admin/federation")).text()).includes("Following</td>"), "B to see A's Accept");
  });

  afterEach(function () {
    // The processes' own logs show why a step timed out.
    if (this.currentTest?.state === "failed") console.log(`--- A ---\n${a.output.slice(-4000)}\n--- B ---\n${b.output.slice(-4000)}`);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    a?.cleanUp();
    b?.cleanUp();
  });

  it("offers members the form and their submissions", async () => {
    const home = await (await member.get("/")).text();
    expect(home).to.contain('href="/resources/new"');
    expect(home).to.contain('href="/review"');
    const form = await member.get("/resources/new");
    expect(form.status).to.equal(200);
    const page = await form.text();
    expect(page).to.contain('value="submit"');
    expect(page, "members cannot publish from the editor").not.to.contain('value="publish"');
  });

  it("keeps a member's typed values on errors", async () => {
    const response = await member.postMultipart(
      "/resources",
      resourceForm("", { publisher: "", themes: [], "text.en.summary": "Typed summary that must survive", action: "submit" }),
      { file: { name: "member-guide.pdf", content: FIXTURES.pdf() } },
    );
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain('class="error-summary"');
    expect(page).to.contain('id="field-text-en-title-error"');
    expect(page).to.match(/id="field-text-en-title"[^>]*aria-invalid="true"/);
    expect(page).to.contain('id="field-publisher-error"');
    expect(page).to.contain('id="field-themes-error"');
    expect(page).to.contain("Typed summary that must survive");
    expect(page).to.contain('value="2024-05-02"');
    expect(page, "the uploaded file is kept for the next post").to.match(/name="keptFile" value="[^"]*member-guide\.pdf/);
  });

  it("submits a member's upload for review", async () => {
    const created = await member.postMultipart("/resources", resourceForm("Member reception guide", { action: "submit" }), {
      file: { name: "member-guide.pdf", content: FIXTURES.pdf() },
    });
    expect(created.status, await created.clone().text()).to.equal(303);
    expect(created.headers.get("location")).to.contain("notice=submitted");
    slug = slugFrom(created.headers.get("location"));

    const own = await (await member.get(`/resources/${slug}`)).text();
    expect(own).to.contain("Submitted for review");
    expect(own).to.contain("submitted it for review");
    fileAddress = fileHref(own, "pdf");
    const ownFile = await member.get(fileAddress);
    expect(ownFile.status, "the author downloads their file").to.equal(200);
    expect(ownFile.headers.get("cache-control")).to.equal("private, no-cache");

    const submissions = await (await member.get("/review")).text();
    expect(submissions).to.contain("Member reception guide");
    expect(submissions).to.contain("Submitted for review");
    expect(await (await reviewer.get("/review")).text()).to.contain("Member reception guide");
  });

  it("hides a submission from other readers", async () => {
    expect((await fetch(`${a.origin}/resources/${slug}`)).status, "anonymous page").to.equal(404);
    expect((await fetch(`${a.origin}/resources/${slug}`, { headers: AP })).status, "anonymous ActivityPub").to.equal(404);
    expect((await otherMember.get(`/resources/${slug}`)).status, "another member's page").to.equal(404);
    expect((await fetch(`${a.origin}${fileAddress}`)).status, "anonymous file").to.equal(404);
    expect((await otherMember.get(fileAddress)).status, "another member's file").to.equal(404);
    expect((await reviewer.get(fileAddress)).status, "the reviewer's file").to.equal(200);
    expect(await (await fetch(`${a.origin}/library`)).text()).not.to.contain("Member reception guide");
  });

  it("keeps a submission out of the author's hands", async () => {
    expect((await member.get(`/resources/${slug}/edit`)).status, "edit form while submitted").to.equal(403);
    const edited = await member.postMultipart(`/resources/${slug}/edit`, resourceForm("Member reception guide, changed", { link: "https://publisher.example/changed" }));
    expect(edited.status, "edit while submitted").to.equal(403);
    expect((await member.post(`/resources/${slug}/review`, { action: "publish", comment: "" })).status, "publish by the author").to.equal(403);
    expect((await otherMember.post(`/resources/${slug}/review`, { action: "comment", comment: "Mine now" })).status, "another member's comment").to.equal(404);
  });

  it("returns a resource for changes", async () => {
    expect((await reviewer.post(`/resources/${slug}/review`, { action: "start", comment: "" })).status).to.equal(303);
    const refused = await reviewer.post(`/resources/${slug}/review`, { action: "changes", comment: "  " });
    expect(refused.status).to.equal(422);
    expect(await refused.text()).to.contain('id="review-comment-error"');
    expect((await reviewer.post(`/resources/${slug}/review`, { action: "changes", comment: "Please add the Spanish summary." })).status).to.equal(303);

    const own = await (await member.get(`/resources/${slug}`)).text();
    expect(own).to.contain("Please add the Spanish summary.");
    expect(own).to.contain(`href="/resources/${slug}/edit"`);
    expect((await member.get(`/resources/${slug}/edit`)).status).to.equal(200);
  });

  it("resubmits a member's edit", async () => {
    const form = await (await member.get(`/resources/${slug}/edit`)).text();
    const kept = /name="keptFile" value="([^"]*)"/.exec(form)![1].replace(/&quot;/g, '"');
    const resubmitted = await member.postMultipart(`/resources/${slug}/edit`, {
      ...resourceForm("Member reception guide", { "text.es.summary": "Resumen revisado en español.", action: "submit" }),
      keptFile: kept,
    });
    expect(resubmitted.status, await resubmitted.clone().text()).to.equal(303);
    expect(resubmitted.headers.get("location")).to.contain("notice=submitted");
    const page = await (await member.get(`/resources/${slug}?lang=es`)).text();
    expect(page).to.contain("Resumen revisado en español.");
    expect(page).to.contain("Enviado a revisión");
    // The language chosen with ?lang= stays in the browser's cookie, so the steps below switch back to English.
    await member.get("/?lang=en");
    expect((await fetch(`${a.origin}/resources/${slug}`)).status, "still hidden after the edit").to.equal(404);
  });

  it("publishes it to the following instance", async () => {
    expect((await reviewer.post(`/resources/${slug}/review`, { action: "publish", comment: "Ready." })).status).to.equal(303);
    expect((await fetch(`${a.origin}/resources/${slug}`)).status).to.equal(200);
    const file = await fetch(`${a.origin}${fileAddress}`);
    expect(file.status, "the file is public now").to.equal(200);
    expect(file.headers.get("cache-control")).to.contain("immutable");
    const object = (await (await fetch(`${a.origin}/resources/${slug}`, { headers: AP })).json()) as { type: string };
    expect(object.type).to.equal("Page");

    const library = await eventually(async () => {
      const page = await (await fetch(`${b.origin}/library?kind=resource`)).text();
      return page.includes("Member reception guide") ? page : null;
    }, "B's library to show the member's resource");
    expect(library).to.contain("From ");

    const history = await (await member.get(`/resources/${slug}`)).text();
    const actions = [...history.matchAll(/· (submitted it for review|started the review|asked for changes|published it)</g)].map((match) => match[1]);
    expect(actions).to.deep.equal(["submitted it for review", "started the review", "asked for changes", "submitted it for review", "published it"]);
    expect((await member.get(`/resources/${slug}/edit`)).status, "no edits once published").to.equal(403);
  });

  it("takes a member's recording as a draft", async () => {
    const created = await member.postMultipart("/resources", { ...videoForm("Member video on rights"), action: "draft" }, {
      file: { name: "rights.webm", content: FIXTURES.webm() },
      "captions.en": { name: "rights.en.vtt", content: FIXTURES.vtt("Member captions") },
    });
    expect(created.status, await created.clone().text()).to.equal(303);
    expect(created.headers.get("location")).to.contain("notice=draftSaved");
    const videoSlug = slugFrom(created.headers.get("location"));
    const page = await (await member.get(`/resources/${videoSlug}`)).text();
    expect(page).to.contain("<video");
    expect(page).to.contain("This video explains your rights at the border.");
    const caption = fileHref(page, "vtt");
    expect((await member.get(caption)).status, "the author's captions").to.equal(200);
    expect((await fetch(`${a.origin}${caption}`)).status, "anonymous captions").to.equal(404);

    expect((await member.post(`/resources/${videoSlug}/review`, { action: "submit", comment: "" })).status).to.equal(303);
    expect(await (await member.get(`/resources/${videoSlug}`)).text()).to.contain("Submitted for review");
    expect((await fetch(`${a.origin}/resources/${videoSlug}`)).status).to.equal(404);
  });
});
