import { expect } from "chai";

import { setRequireAccessibleMedia } from "../src/domain/resources.ts";
import { allowedActions, federationChange, statusAfter } from "../src/domain/workflow.ts";
import { FIXTURES, resourceForm, videoForm } from "./support/files.ts";
import { addAccount, Browser, eventually, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";
import { RemoteServer } from "./support/remote-actor.ts";

describe("review workflow rules", () => {
  it("opens each step to the right people", () => {
    expect(allowedActions("draft", "member", true)).to.deep.equal(["submit", "comment"]);
    expect(allowedActions("draft", "member", false)).to.deep.equal([]);
    expect(allowedActions("submitted", "member", true)).to.deep.equal(["comment"]);
    expect(allowedActions("submitted", "reviewer", false)).to.deep.equal(["start", "changes", "publish", "comment"]);
    expect(allowedActions("published", "reviewer", false)).to.deep.equal(["comment"]);
    expect(allowedActions("published", "editor", false)).to.deep.equal(["archive", "unpublish", "comment"]);
    expect(allowedActions("archived", "admin", false)).to.deep.equal(["restore", "unpublish", "comment"]);
  });

  it("maps status changes to activities", () => {
    expect(statusAfter("in_review", "changes")).to.equal("draft");
    expect(federationChange("in_review", "published")).to.equal("create");
    expect(federationChange("published", "archived")).to.equal("update");
    expect(federationChange("archived", "draft")).to.equal("delete");
    expect(federationChange("draft", "submitted")).to.equal("none");
  });
});

describe("review workflow", function () {
  this.timeout(90_000);
  let running: RunningInstance;
  let follower: RemoteServer;
  let member: Browser;
  let reviewer: Browser;
  let editor: Browser;
  let slug = "";
  let iri = "";

  before(async () => {
    running = await startInstance();
    for (const [name, role] of [["member", "member"], ["reviewer", "reviewer"], ["editor", "editor"]] as const) await addAccount(running.instance, name, role);
    member = new Browser(running.origin);
    reviewer = new Browser(running.origin);
    editor = new Browser(running.origin);
    await member.signIn("member");
    await reviewer.signIn("reviewer");
    await editor.signIn("editor");
    follower = new RemoteServer();
    await follower.start();
    await follower.follow(running.origin, "/actors/org", `${follower.origin}/follows/1`);
  });

  after(async () => {
    await follower.stop();
    await running.stop();
  });

  const received = (type: string, objectId: string) =>
    follower.received.map((entry) => entry.body as { type?: string; object?: { id?: string; archived?: boolean } | string }).filter((body) => {
      const id = typeof body.object === "string" ? body.object : body.object?.id;
      return body.type === type && id === objectId;
    });

  async function review(browser: Browser, action: string, comment = ""): Promise<Response> {
    return browser.post(`/practices/${slug}/review`, { action, comment });
  }

  it("takes a member's submission through review to publication", async () => {
    const created = await member.post("/practices", practiceForm("Reviewed practice"));
    slug = new URL(created.headers.get("location")!, running.origin).pathname.split("/")[2];
    iri = `${running.origin}/practices/${slug}`;
    expect((await reviewer.get("/review").then((response) => response.text()))).to.contain("Reviewed practice");
    // Once submitted, the author's edit page explains the lock rather than claiming the page does not exist.
    const locked = await member.get(`/practices/${slug}/edit`);
    expect(locked.status).to.equal(403);
    expect(await locked.text()).to.contain("This item cannot be edited now");

    expect((await review(reviewer, "start")).status).to.equal(303);
    const refused = await review(reviewer, "changes", "   ");
    expect(refused.status).to.equal(422);
    const page = await refused.text();
    expect(page).to.contain('id="review-comment-error"');
    expect(page).to.contain('aria-describedby="review-comment-hint review-comment-error"');
    expect((await review(reviewer, "changes", "Please name the partner organizations.")).status).to.equal(303);
    expect((await running.instance.store.practices.bySlug(slug))?.status).to.equal("draft");

    // The author reads the comment, edits the draft and hands it in again.
    const own = await (await member.get(`/practices/${slug}`)).text();
    expect(own).to.contain("Please name the partner organizations.");
    expect(own, "the item page names the request").to.contain("<strong>Sent back for changes</strong>");
    expect(await (await member.get("/review")).text(), "so does the member's list").to.contain("Sent back for changes");
    const resubmitted = await member.post(`/practices/${slug}/edit`, { ...practiceForm("Reviewed practice"), partners: "Red de Apoyo", action: "submit" });
    expect(resubmitted.status).to.equal(303);
    expect((await running.instance.store.practices.bySlug(slug))?.status).to.equal("submitted");
    expect(received("Create", iri)).to.have.length(0);

    expect((await review(reviewer, "publish", "Clear and well documented.")).status).to.equal(303);
    await eventually(async () => received("Create", iri).length === 1, "the Create at the follower");
    expect((await fetch(iri)).status).to.equal(200);
    const history = await running.instance.store.reviews.forItem(iri);
    expect(history.map((entry) => entry.action)).to.deep.equal(["submit", "start", "changes", "submit", "publish"]);
  });

  it("archives with Update and withdraws with Delete", async () => {
    expect((await review(reviewer, "archive")).status, "reviewers do not archive").to.equal(403);
    expect((await review(editor, "archive")).status).to.equal(303);
    await eventually(async () => received("Update", iri).length > 0, "the Update at the follower");
    // Partners re-fetch the Article from its origin on Update, and the served document marks it archived.
    const served = (await (await fetch(iri, { headers: { Accept: "application/activity+json" } })).json()) as { archived?: boolean };
    expect(served.archived).to.equal(true);
    const archived = await (await fetch(iri)).text();
    expect(archived).to.contain("Archived");
    const library = await (await fetch(`${running.origin}/library`)).text();
    expect(library).to.match(/Reviewed practice[\s\S]*?<span class="badge">Archived<\/span>/);

    expect((await review(editor, "restore")).status).to.equal(303);
    expect((await review(editor, "unpublish", "Out of date.")).status).to.equal(303);
    await eventually(async () => received("Delete", iri).length === 1, "the Delete at the follower");
    expect((await fetch(iri)).status).to.equal(404);
    expect((await fetch(iri, { headers: { Accept: "application/activity+json" } })).status).to.equal(404);
    expect(await (await fetch(`${running.origin}/library`)).text()).not.to.contain("Reviewed practice");
  });

  it("takes a resource through review too", async () => {
    const created = await editor.postMultipart("/resources", { ...resourceForm("Reviewed guide", { link: "https://publisher.example/reviewed" }), action: "draft" });
    expect(created.status).to.equal(303);
    const resourceSlug = new URL(created.headers.get("location")!, running.origin).pathname.split("/")[2];
    const resourceIri = `${running.origin}/resources/${resourceSlug}`;
    expect((await editor.post(`/resources/${resourceSlug}/review`, { action: "submit", comment: "" })).status).to.equal(303);
    expect((await reviewer.get("/review").then((response) => response.text()))).to.contain("Reviewed guide");
    expect((await member.post(`/resources/${resourceSlug}/review`, { action: "publish", comment: "" })).status).to.equal(404);
    expect((await reviewer.post(`/resources/${resourceSlug}/review`, { action: "publish", comment: "" })).status).to.equal(303);
    await eventually(async () => received("Create", resourceIri).length === 1, "the resource's Create at the follower");
    expect((await running.instance.store.resources.bySlug(resourceSlug))?.status).to.equal("published");
  });

  it("explains a recording held back by the captions rule", async () => {
    await setRequireAccessibleMedia(running.instance.store, true);
    try {
      const created = await member.postMultipart("/resources", { ...videoForm("Recording without captions"), action: "submit" }, { file: { name: "talk.webm", content: FIXTURES.webm() } });
      expect(created.status, await created.clone().text()).to.equal(303);
      const videoSlug = new URL(created.headers.get("location")!, running.origin).pathname.split("/")[2];

      const refused = await reviewer.post(`/resources/${videoSlug}/review`, { action: "publish", comment: "Looks good." });
      expect(refused.status).to.equal(422);
      const page = await refused.text();
      expect(page).to.contain("Edit the resource to add at least one caption file");
      expect(page, "the comment is kept").to.contain("Looks good.");
      expect((await running.instance.store.resources.bySlug(videoSlug))?.status).to.equal("submitted");
    } finally {
      await setRequireAccessibleMedia(running.instance.store, false);
    }
  });

  it("lists a member's own drafts and submissions", async () => {
    const page = await (await member.get("/review")).text();
    expect(page).to.contain("<h1>Your drafts and submissions</h1>");
    expect(page).to.contain("Recording without captions");
    expect(page, "the practice withdrawn above is a draft again").to.contain("Reviewed practice");
    expect(page, "the queue is for reviewers").not.to.contain("Reviewed guide");
    const queue = await (await reviewer.get("/review")).text();
    expect(queue).to.contain("<h1>Waiting for review</h1>");
    expect(queue).to.contain('<h2 id="own-heading">Your drafts and submissions</h2>');
  });
});
