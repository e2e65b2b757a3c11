import { expect } from "chai";
import jsonld from "jsonld";
import { getDocumentLoader, preloadedContexts } from "@fedify/vocab-runtime";

import { ACTIVITYSTREAMS_CONTEXT, MINGA_CONTEXT, mingaContextUrl } from "../federation/context.ts";
import { addAccount, Browser, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";
import { RemoteServer } from "./support/remote-actor.ts";

const AP = { Accept: "application/activity+json" };

function slugFrom(location: string | null): string {
  return new URL(location ?? "", "http://x").pathname.split("/")[2];
}

describe("practices over HTTP", () => {
  let running: RunningInstance;
  let editor: Browser;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "editor", "editor");
    await addAccount(running.instance, "member", "member");
    editor = new Browser(running.origin);
    await editor.signIn("editor");
  });

  after(async () => running.stop());

  it("shows the form again with errors and typed text", async () => {
    const form = practiceForm("Kept title");
    delete form["text.en.summary"];
    form.themes = [];
    form.countries = "CO, XX1";
    const response = await editor.post("/practices", form);
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain('value="Kept title"');
    expect(page).to.contain("Premier paragraphe.");
    expect(page).to.match(/id="field-text-en-summary"[^>]*aria-invalid="true"/);
    expect(page).to.contain('id="field-text-en-summary-error"');
    expect(page).to.match(/id="field-themes"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="field-themes"/);
    expect(page).to.contain('id="field-countries-error"');
    expect(page).to.contain('class="error-summary"');
    expect((await running.instance.store.practices.list({ limit: 10, offset: 0, includeDrafts: true })).total).to.equal(0);
  });

  it("lets members submit but not publish", async () => {
    const member = new Browser(running.origin);
    await member.signIn("member");
    const submitted = await member.post("/practices", practiceForm("Submitted by a member"));
    expect(submitted.status).to.equal(303);
    expect(submitted.headers.get("location")).to.contain("notice=submitted");
    const slug = slugFrom(submitted.headers.get("location"));
    expect((await running.instance.store.practices.bySlug(slug))?.status).to.equal("submitted");
    // Nothing public yet: readers and partners get 404 until a reviewer publishes it.
    expect((await fetch(`${running.origin}/practices/${slug}`)).status).to.equal(404);
    expect((await fetch(`${running.origin}/practices/${slug}`, { headers: AP })).status).to.equal(404);
    // A member cannot edit it once handed in, nor take a reviewer's step.
    expect((await member.get(`/practices/${slug}/edit`)).status).to.equal(403);
    expect((await member.post(`/practices/${slug}/review`, { action: "publish", comment: "" })).status).to.equal(403);
    expect((await new Browser(running.origin).post("/practices", practiceForm())).status).to.equal(303);
    expect((await running.instance.store.practices.list({ limit: 10, offset: 0 })).total).to.equal(0);
  });

  it("serves one URL as HTML and JSON-LD", async () => {
    const created = await editor.post("/practices", practiceForm("Two faces"));
    expect(created.status).to.equal(303);
    const slug = slugFrom(created.headers.get("location"));
    const page = await fetch(`${running.origin}/practices/${slug}`);
    expect(page.headers.get("content-type")).to.contain("text/html");
    expect(page.headers.get("content-security-policy")).to.contain("script-src 'self'");
    expect(page.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(page.headers.get("x-frame-options")).to.equal("DENY");
    expect(await page.text()).to.contain("<h1>Two faces</h1>");
    for (const accept of ["application/activity+json", 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"']) {
      const json = await fetch(`${running.origin}/practices/${slug}`, { headers: { Accept: accept } });
      expect(json.headers.get("content-type")).to.contain("application/activity+json");
      const article = await json.json();
      expect(article.type).to.equal("Article");
      expect(article.id).to.equal(`${running.origin}/practices/${slug}`);
    }
  });

  it("publishes an Article with every field", async () => {
    const created = await editor.post("/practices", practiceForm("Full article"));
    const slug = slugFrom(created.headers.get("location"));
    const article = await (await fetch(`${running.origin}/practices/${slug}`, { headers: AP })).json();
    expect(article.name).to.equal("Full article");
    expect(Object.keys(article.nameMap)).to.deep.equal(["en", "fr", "es"]);
    expect(article.summaryMap.fr).to.contain("interprètes");
    expect(article.contentMap.en).to.contain("<ul><li>one</li><li>two</li></ul>");
    expect(article.url).to.equal(`${running.origin}/practices/${slug}`);
    expect(article.tag.map((tag: { name: string }) => tag.name)).to.deep.equal(["#ChildProtection", "#AccessToJustice"]);
    expect(article.focalPoint, "focal point is private without consent").to.equal(undefined);

    // Expand and compact offline: only preloaded contexts and our own are allowed.
    const preloaded = getDocumentLoader();
    const contextUrl = mingaContextUrl(running.origin);
    const loader = async (url: string) => {
      if (url === contextUrl) return { contextUrl: null, documentUrl: url, document: MINGA_CONTEXT };
      if (url in preloadedContexts) return preloaded(url);
      throw new Error(`Offline test refused to load ${url}`);
    };
    const expanded = await jsonld.expand(article, { documentLoader: loader as never });
    const compacted = (await jsonld.compact(expanded, [ACTIVITYSTREAMS_CONTEXT, MINGA_CONTEXT["@context"]] as never, { documentLoader: loader as never })) as Record<string, unknown>;
    expect(compacted.themes).to.deep.equal(["child-protection", "access-to-justice"]);
    expect(compacted.gcmObjectives).to.deep.equal([7, 16]);
    expect(compacted.sdgTargets).to.deep.equal(["10.7", "16.2"]);
    expect(compacted.geographicScope).to.equal("national");
    expect(compacted.countries).to.deep.equal(["CO", "EC"]);
    expect(compacted.regions).to.deep.equal(["americas"]);
    expect(compacted.targetGroups).to.deep.equal(["children", "women"]);
    expect(compacted.practiceType).to.equal("service");
    expect(compacted.implementer).to.equal("Red de Intérpretes");
    expect(compacted.partners).to.deep.equal(["Ministry of the Interior", "City of Ipiales"]);
    expect(compacted.periodStart).to.equal("2022-03-01");
    expect(compacted.practiceStatus).to.equal("ongoing");
    expect(compacted.evidenceLevel).to.equal("documented");
    expect(compacted.license).to.equal("CC-BY-4.0");
    expect(compacted.primaryLanguage).to.equal("en");
    expect(compacted.results).to.deep.equal({ en: "1,200 people assisted." });
    expect(compacted.lessonsLearned).to.deep.equal({ en: "Train interpreters in protection principles." });
    expect((compacted.nameMap as Record<string, string>).es).to.equal("Full article (ES)");
  });

  it("answers 410 with a Tombstone after deletion", async () => {
    const created = await editor.post("/practices", practiceForm("Short-lived"));
    const slug = slugFrom(created.headers.get("location"));
    expect((await editor.post(`/practices/${slug}/delete`, {})).status, "needs confirmation").to.equal(422);
    expect((await editor.post(`/practices/${slug}/delete`, { confirm: "yes" })).status).to.equal(303);
    const json = await fetch(`${running.origin}/practices/${slug}`, { headers: AP });
    expect(json.status).to.equal(410);
    expect((await json.json()).type).to.equal("Tombstone");
    expect((await fetch(`${running.origin}/practices/${slug}`)).status).to.equal(410);
    const again = await editor.post("/practices", practiceForm("Short-lived"));
    expect(slugFrom(again.headers.get("location")), "a deleted slug is never reused").to.not.equal(slug);
  });

  it("threads member replies under the practice", async () => {
    const created = await editor.post("/practices", practiceForm("Discussed"));
    const slug = slugFrom(created.headers.get("location"));
    const member = new Browser(running.origin);
    await member.signIn("member");
    const empty = await member.post(`/practices/${slug}/replies`, { content: "   ", language: "en" });
    expect(empty.status).to.equal(422);
    // The error is summarised at the top, where the reader lands, and links to the field.
    const emptyPage = await empty.text();
    expect(emptyPage).to.match(/<title>Reply not sent: Discussed/);
    expect(emptyPage.indexOf('class="error-summary"')).to.be.lessThan(emptyPage.indexOf('id="reply-content"'));
    expect(emptyPage).to.contain('<a href="#reply-content">');
    expect((await member.post(`/practices/${slug}/replies`, { content: "First <b>thought</b>", language: "en" })).status).to.equal(303);
    const practice = await running.instance.store.practices.bySlug(slug);
    const [first] = await running.instance.store.replies.listForRoot(practice!.iri);
    expect((await member.post(`/practices/${slug}/replies`, { content: "An answer", language: "fr", inReplyTo: first.iri })).status).to.equal(303);
    const page = await (await fetch(`${running.origin}/practices/${slug}`)).text();
    expect(page).to.contain("First &lt;b&gt;thought&lt;/b&gt;");
    expect(page).to.match(/First &lt;b&gt;thought&lt;\/b&gt;[\s\S]*<ol class="thread">[\s\S]*An answer/);
    const replies = await (await fetch(`${running.origin}/practices/${slug}/replies`, { headers: AP })).json();
    expect(replies.totalItems).to.equal(2);
    const note = await (await fetch(first.iri, { headers: AP })).json();
    expect(note.type).to.equal("Note");
    expect(note.inReplyTo).to.equal(practice!.iri);
  });

  describe("inbox", () => {
    let remote: RemoteServer;
    let practiceIri: string;

    before(async () => {
      remote = new RemoteServer();
      await remote.start();
      const created = await editor.post("/practices", practiceForm("Inbox target"));
      practiceIri = `${running.origin}/practices/${slugFrom(created.headers.get("location"))}`;
    });
    after(async () => remote.stop());

    function reply(id: string, content: string, attributedTo = remote.actorId) {
      return {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${id}/activity`,
        type: "Create",
        actor: remote.actorId,
        object: { id, type: "Note", attributedTo, inReplyTo: practiceIri, content, to: ["https://www.w3.org/ns/activitystreams#Public"] },
      };
    }

    it("rejects a missing or forged signature with 401", async () => {
      const unsigned = await remote.post(`${running.origin}/inbox`, reply(`${remote.origin}/notes/unsigned`, "<p>unsigned</p>"), { sign: false });
      expect(unsigned.status).to.equal(401);
      const forged = await remote.post(`${running.origin}/inbox`, reply(`${remote.origin}/notes/forged`, "<p>forged</p>"), { key: await remote.otherKey() });
      expect(forged.status).to.equal(401);
      expect(await running.instance.store.replies.byIri(`${remote.origin}/notes/forged`)).to.equal(null);
    });

    it("stores a signed reply, sanitized", async () => {
      const id = `${remote.origin}/notes/1`;
      const response = await remote.post(`${running.origin}/inbox`, reply(id, '<p>Useful <script>alert(1)</script><a href="javascript:x()">link</a> idea</p>'));
      expect(response.status).to.be.within(200, 299);
      const stored = await running.instance.store.replies.byIri(id);
      expect(stored?.contentHtml).to.not.contain("script");
      expect(stored?.contentHtml).to.not.contain("javascript:");
      const page = await (await fetch(practiceIri)).text();
      expect(page).to.contain("Useful");
      expect(page).to.contain("Remote Tester");
    });

    it("refuses a reply attributed to someone else", async () => {
      const id = `${remote.origin}/notes/impostor`;
      await remote.post(`${running.origin}/inbox`, reply(id, "<p>impostor</p>", "https://elsewhere.example/users/victim"));
      expect(await running.instance.store.replies.byIri(id)).to.equal(null);
      const [entry] = await running.instance.store.inboundLog.recent(1);
      expect(entry.outcome).to.equal("rejected");
      expect(entry.reason).to.contain("attributed");
    });

    it("refuses to delete another origin's practice", async () => {
      await remote.post(`${running.origin}/inbox`, {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${remote.origin}/deletes/1`,
        type: "Delete",
        actor: remote.actorId,
        object: practiceIri,
      });
      const practice = await running.instance.store.practices.byIri(practiceIri);
      expect(practice?.deleted).to.equal(null);
      const [entry] = await running.instance.store.inboundLog.recent(1);
      expect(entry.outcome).to.equal("rejected");
    });

    it("counts likes once and withdraws them on Undo", async () => {
      const like = { "@context": "https://www.w3.org/ns/activitystreams", id: `${remote.origin}/likes/1`, type: "Like", actor: remote.actorId, object: practiceIri };
      await remote.post(`${running.origin}/inbox`, like);
      await remote.post(`${running.origin}/inbox`, { ...like, id: `${remote.origin}/likes/2` });
      expect((await running.instance.store.reactions.count(practiceIri)).like).to.equal(1);
      await remote.post(`${running.origin}/inbox`, { "@context": "https://www.w3.org/ns/activitystreams", id: `${remote.origin}/undo/1`, type: "Undo", actor: remote.actorId, object: like });
      expect((await running.instance.store.reactions.count(practiceIri)).like).to.equal(0);
    });

    it("accepts a Follow and delivers the next practice", async () => {
      await remote.follow(running.origin, "/actors/org");
      const follower = await running.instance.store.followers.get("org", remote.actorId);
      expect(follower?.status).to.equal("accepted");
      const created = await editor.post("/practices", practiceForm("Delivered"));
      const iri = `${running.origin}/practices/${slugFrom(created.headers.get("location"))}`;
      const deadline = Date.now() + 20_000;
      while (!remote.received.some((entry) => (entry.body as { type?: string; object?: { id?: string } }).object?.id === iri) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const types = remote.received.map((entry) => (entry.body as { type: string }).type);
      expect(types).to.include("Accept");
      expect(remote.received.some((entry) => (entry.body as { type?: string; object?: { id?: string } }).object?.id === iri)).to.equal(true);
    });

    it("sends member replies to followers and the answered author", async () => {
      const remoteNote = `${remote.origin}/notes/1`;
      const slug = new URL(practiceIri).pathname.split("/")[2];
      const member = new Browser(running.origin);
      await member.signIn("member");
      const response = await member.post(`/practices/${slug}/replies`, { content: "Thanks, we will try it.", language: "en", inReplyTo: remoteNote });
      expect(response.status).to.equal(303);
      const replies = await running.instance.store.replies.listForRoot(practiceIri);
      const answer = replies.find((reply) => reply.local && reply.inReplyTo === remoteNote);
      expect(answer, "reply stored under the remote note").to.not.equal(undefined);
      type Delivery = { type?: string; object?: string | { id?: string; inReplyTo?: string } };
      const delivered = (predicate: (body: Delivery) => boolean) => remote.received.some((entry) => predicate(entry.body as Delivery));
      const deadline = Date.now() + 20_000;
      const created = (body: Delivery) => body.type === "Create" && typeof body.object === "object" && body.object.id === answer!.iri && body.object.inReplyTo === remoteNote;
      const announced = (body: Delivery) => body.type === "Announce" && body.object === answer!.iri;
      while (!(delivered(created) && delivered(announced)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(delivered(created), "Create(Note) reached the answered author").to.equal(true);
      expect(delivered(announced), "the Group announced the reply to its followers").to.equal(true);
    });
  });
});
