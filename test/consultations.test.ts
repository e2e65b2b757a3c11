import { expect } from "chai";

import { addAccount, Browser, eventually, startInstance, type RunningInstance } from "./support/instance.ts";
import { consultationForm, sampleConsultation } from "./support/consultation.ts";
import { RemoteServer } from "./support/remote-actor.ts";

const AP = { Accept: "application/activity+json" };
const AS = "https://www.w3.org/ns/activitystreams";
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

function slugFrom(location: string | null): string {
  return new URL(location ?? "", "http://x").pathname.split("/")[2];
}

describe("consultations over HTTP", () => {
  let running: RunningInstance;
  let editor: Browser;
  let member: Browser;
  let remote: RemoteServer;
  let noteCount = 0;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "editor", "editor");
    await addAccount(running.instance, "alice", "member");
    await addAccount(running.instance, "bruno", "member");
    await addAccount(running.instance, "admin", "admin");
    editor = new Browser(running.origin);
    await editor.signIn("editor");
    member = new Browser(running.origin);
    await member.signIn("alice");
    remote = new RemoteServer();
    await remote.start();
  });

  after(async () => {
    await remote.stop();
    await running.stop();
  });

  async function create(title: string, overrides: Record<string, string> = {}): Promise<string> {
    const response = await editor.post("/consultations", consultationForm(title, overrides));
    expect(response.status, `creating ${title}`).to.equal(303);
    return slugFrom(response.headers.get("location"));
  }

  /** Moves a consultation's dates in the store, as time passing would. */
  async function setDates(slug: string, opens: string, closes: string): Promise<void> {
    const item = (await running.instance.store.consultations.bySlug(slug))!;
    await running.instance.store.consultations.save({ ...item, opens, closes });
  }

  async function remoteReply(inReplyTo: string, text: string): Promise<{ id: string; response: Response }> {
    const id = `${remote.origin}/notes/${++noteCount}`;
    const response = await remote.post(`${running.origin}/inbox`, {
      "@context": AS,
      id: `${id}/activity`,
      type: "Create",
      actor: remote.actorId,
      object: { id, type: "Note", attributedTo: remote.actorId, inReplyTo, content: `<p>${text}</p>`, to: [PUBLIC] },
    });
    return { id, response };
  }

  it("shows the form again with errors and typed text", async () => {
    const form = consultationForm("Kept title", { "text.en.questions": "", opens: "2030-05-01T10:00", closes: "2030-04-01T10:00", moderators: "nobody" });
    const response = await editor.post("/consultations", form);
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain('value="Kept title"');
    expect(page).to.contain('class="error-summary"');
    expect(page).to.match(/id="field-text-en-questions"[^>]*aria-invalid="true"/);
    expect(page).to.contain('id="field-text-en-questions-error"');
    expect(page).to.contain("Ask at least one question.");
    expect(page).to.contain('id="field-closes-error"');
    expect(page).to.contain("The closing must come after the opening.");
    expect(page).to.contain('href="#field-closes"');
    expect((await running.instance.store.consultations.list({ state: "upcoming", now: new Date().toISOString(), limit: 10, offset: 0 })).total).to.equal(0);
  });

  it("rejects a moderator who is not a member", async () => {
    const response = await editor.post("/consultations", consultationForm("Unknown moderator", { moderators: "nobody" }));
    expect(response.status).to.equal(422);
    expect(await response.text()).to.contain("At least one of these usernames belongs to no member of this instance.");
  });

  it("publishes and shows state, dates and questions", async () => {
    const slug = await create("Safe shelters along the route", { moderators: "bruno" });
    const page = await (await member.get(`/consultations/${slug}`)).text();
    expect(page).to.contain("<h1>Safe shelters along the route</h1>");
    expect(page).to.contain("What made you feel safe in a shelter?");
    expect(page).to.contain("Open for submissions until");
    expect(page).to.contain("(America/Bogota)");
    expect(page).to.contain('id="reply-form"');
    const list = await (await fetch(`${running.origin}/consultations`)).text();
    expect(list).to.contain(`href="/consultations/${slug}"`);
    expect(list).to.contain('href="/consultations"');
  });

  it("accepts a member's submission while open", async () => {
    const slug = await create("Open for members");
    const response = await member.post(`/consultations/${slug}/replies`, { content: "Locks on the inside of the doors.", language: "en" });
    expect(response.status).to.equal(303);
    const page = await (await fetch(`${running.origin}/consultations/${slug}`)).text();
    expect(page).to.contain("Locks on the inside of the doors.");
  });

  it("refuses a member's submission after closing", async () => {
    const slug = await create("Closed for members");
    await setDates(slug, "2020-01-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z");
    const before = await (await member.get(`/consultations/${slug}`)).text();
    expect(before).to.not.contain('id="reply-form"');
    expect(before).to.contain("Submissions are closed.");
    const response = await member.post(`/consultations/${slug}/replies`, { content: "Too late, but still typed.", language: "en" });
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain("This consultation is closed, so your reply was not sent.");
    expect(page).to.match(/<textarea id="reply-content"[^>]*aria-invalid="true"[^>]*>Too late, but still typed\.<\/textarea>/);
    expect(page, "the error is also summarised at the top, linked to the field").to.match(/class="error-summary"[\s\S]*<a href="#reply-content">/);
    const item = (await running.instance.store.consultations.bySlug(slug))!;
    expect(await running.instance.store.replies.countForRoot(item.iri)).to.equal(0);
  });

  it("refuses a member's submission before opening", async () => {
    const slug = await create("Not open yet", { opens: "2098-01-01T09:00" });
    const response = await member.post(`/consultations/${slug}/replies`, { content: "Early words.", language: "es" }, {});
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain("This consultation is not open yet, so your reply was not sent.");
    expect(page).to.contain("Early words.");
  });

  it("offers only the consultation's reply languages", async () => {
    const slug = await create("Held in Spanish and English", { languages: "es, en" });
    const page = await (await member.get(`/consultations/${slug}?lang=fr`)).text();
    const select = page.match(/<select id="reply-language"[\s\S]*?<\/select>/)?.[0] ?? "";
    expect(select, "Spanish is offered").to.contain('value="es"');
    expect(select, "English is offered").to.contain('value="en"');
    expect(select, "French is not offered").to.not.contain('value="fr"');
  });

  it("refuses a member's reply in another language", async () => {
    const slug = await create("Spanish and English only", { languages: "es, en" });
    await member.get("/consultations?lang=en");
    const response = await member.post(`/consultations/${slug}/replies`, { content: "Une réponse en français.", language: "fr" });
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain("This consultation takes replies only in the languages it lists.");
    expect(page, "the error is tied to the language field").to.match(/<select id="reply-language"[^>]*aria-invalid="true"[^>]*aria-describedby="reply-language-error"/);
    expect(page, "the error is summarised at the top").to.match(/class="error-summary"[\s\S]*<a href="#reply-language">/);
    expect(page, "the text is kept").to.contain("Une réponse en français.");
    const item = (await running.instance.store.consultations.bySlug(slug))!;
    expect(await running.instance.store.replies.countForRoot(item.iri)).to.equal(0);
    const accepted = await member.post(`/consultations/${slug}/replies`, { content: "Una respuesta en español.", language: "es" });
    expect(accepted.status, "a reply in a listed language is taken").to.equal(303);
  });

  it("takes a fediverse reply in another language", async () => {
    const slug = await create("Spanish only, federated", { languages: "es" });
    const iri = `${running.origin}/consultations/${slug}`;
    const id = `${remote.origin}/notes/${++noteCount}`;
    const response = await remote.post(`${running.origin}/inbox`, {
      "@context": AS,
      id: `${id}/activity`,
      type: "Create",
      actor: remote.actorId,
      object: { id, type: "Note", attributedTo: remote.actorId, inReplyTo: iri, contentMap: { fr: "<p>Réponse venue du fédivers.</p>" }, to: [PUBLIC] },
    });
    expect(response.status).to.be.within(200, 299);
    const reply = await running.instance.store.replies.byIri(id);
    expect(reply?.rootIri).to.equal(iri);
    expect(reply?.language).to.equal("fr");
  });

  it("attaches a fediverse reply while open", async () => {
    const slug = await create("Open to the fediverse");
    const iri = `${running.origin}/consultations/${slug}`;
    const { id, response } = await remoteReply(iri, "From Mastodon: shelters need lockers.");
    expect(response.status).to.be.within(200, 299);
    const reply = await running.instance.store.replies.byIri(id);
    expect(reply?.rootIri).to.equal(iri);
    const threaded = await remoteReply(id, "A reply to the reply.");
    expect((await running.instance.store.replies.byIri(threaded.id))?.rootIri, "a reply to a submission belongs to the consultation").to.equal(iri);
  });

  it("counts a fediverse like of a consultation", async () => {
    const slug = await create("Liked from the fediverse");
    const iri = `${running.origin}/consultations/${slug}`;
    const response = await remote.post(`${running.origin}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams", id: `${remote.origin}/likes/${slug}`, type: "Like", actor: remote.actorId, object: iri,
    });
    expect(response.status).to.be.within(200, 299);
    expect((await running.instance.store.reactions.count(iri)).like).to.equal(1);
    expect(await (await fetch(iri)).text()).to.contain("1 like");
  });

  it("does not attach a fediverse reply after closing", async () => {
    const slug = await create("Closed to the fediverse");
    await setDates(slug, "2020-01-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z");
    const iri = `${running.origin}/consultations/${slug}`;
    const { id } = await remoteReply(iri, "Too late from Mastodon.");
    expect(await running.instance.store.replies.byIri(id)).to.equal(null);
    const [entry] = await running.instance.store.inboundLog.recent(1);
    expect(entry.outcome).to.equal("rejected");
    expect(entry.reason).to.equal(`Consultation ${iri} closed on 2021-01-01T00:00:00.000Z; submissions are no longer accepted`);
  });

  it("does not attach a fediverse reply before opening", async () => {
    const slug = await create("Later to the fediverse", { opens: "2098-01-01T09:00" });
    const iri = `${running.origin}/consultations/${slug}`;
    const { id } = await remoteReply(iri, "Too early from Mastodon.");
    expect(await running.instance.store.replies.byIri(id)).to.equal(null);
    const [entry] = await running.instance.store.inboundLog.recent(1);
    expect(entry.reason).to.contain("submissions are not accepted yet");
  });

  it("serves the Article with closed once closed", async () => {
    const slug = await create("Served as an Article");
    const iri = `${running.origin}/consultations/${slug}`;
    const open = await (await fetch(iri, { headers: AP })).json();
    expect(open.type).to.equal("Article");
    expect(open.endTime).to.be.a("string");
    expect(open.closed).to.equal(undefined);
    expect(open.replies).to.equal(`${iri}/replies`);
    expect(open.content).to.contain("<li>What should staff never do?</li>");
    await setDates(slug, "2020-01-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z");
    const closed = await (await fetch(iri, { headers: AP })).json();
    expect(closed.closed).to.equal("2021-01-01T00:00:00.000Z");
    const replies = await fetch(`${iri}/replies`, { headers: AP });
    expect(replies.status).to.equal(200);
    expect((await replies.json()).type).to.equal("OrderedCollection");
  });

  it("lets named moderators hide submissions", async () => {
    const slug = await create("Moderated by a member", { moderators: "bruno" });
    const iri = `${running.origin}/consultations/${slug}`;
    const { id } = await remoteReply(iri, "A submission to hide.");
    const bruno = new Browser(running.origin);
    await bruno.signIn("bruno");
    const page = await (await bruno.get(`/consultations/${slug}`)).text();
    expect(page).to.contain('action="/moderation/replies/hide"');
    expect(page, "blocking stays with the instance's moderators").to.not.contain('action="/moderation/accounts/block"');
    const hidden = await bruno.post("/moderation/replies/hide", { reply: id });
    expect(hidden.status).to.equal(303);
    expect(hidden.headers.get("location")).to.contain(`/consultations/${slug}`);
    expect((await running.instance.store.replies.byIri(id))?.hidden).to.equal("moderator");
    const refused = await member.post("/moderation/replies/show", { reply: id });
    expect(refused.status, "a member who is not named may not").to.equal(403);
  });

  it("writes the summary after closing", async () => {
    const slug = await create("Summarised after closing");
    const early = await editor.get(`/consultations/${slug}/outcome`);
    expect(early.status, "no summary while open").to.equal(303);
    await setDates(slug, "2020-01-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z");
    const empty = await editor.post(`/consultations/${slug}/outcome`, { "outcome.en": "  ", "outcome.es": "Escuchamos." });
    expect(empty.status).to.equal(422);
    const form = await empty.text();
    expect(form).to.contain('id="field-outcome-en-error"');
    expect(form).to.contain('href="#field-outcome-en"');
    expect(form).to.contain("Escuchamos.");
    const saved = await editor.post(`/consultations/${slug}/outcome`, { "outcome.en": "People asked for lockers and night staff.", "outcome.es": "" });
    expect(saved.status).to.equal(303);
    const page = await (await fetch(`${running.origin}/consultations/${slug}`)).text();
    expect(page).to.contain("What we heard");
    expect(page.indexOf("People asked for lockers and night staff.")).to.be.lessThan(page.indexOf('id="discussion-heading"'));
    const member403 = await member.post(`/consultations/${slug}/outcome`, { "outcome.en": "Not mine to write." });
    expect(member403.status).to.equal(403);
  });

  it("answers 410 with a Tombstone after deletion", async () => {
    const slug = await create("Deleted consultation");
    const unconfirmed = await editor.post(`/consultations/${slug}/delete`, {});
    expect(unconfirmed.status).to.equal(422);
    expect(await unconfirmed.text()).to.contain("Tick the box to confirm the deletion.");
    const deleted = await editor.post(`/consultations/${slug}/delete`, { confirm: "yes" });
    expect(deleted.status).to.equal(303);
    const response = await fetch(`${running.origin}/consultations/${slug}`, { headers: AP });
    expect(response.status).to.equal(410);
    expect((await response.json()).type).to.equal("Tombstone");
    expect((await fetch(`${running.origin}/consultations/${slug}`)).status).to.equal(410);
  });

  it("hides a blocked partner's copies", async () => {
    const source = "https://partner.example/actors/org";
    const copy = sampleConsultation("partner-example-copy", { local: false, sourceActor: source, attributedTo: source, iri: "https://partner.example/c/1", opens: "2020-01-01T00:00:00.000Z", closes: "2099-01-01T00:00:00.000Z" });
    await running.instance.store.consultations.save(copy);
    const listed = async () => (await (await fetch(`${running.origin}/consultations`)).text()).includes('href="/consultations/partner-example-copy"');
    expect(await listed()).to.equal(true);
    const admin = (await running.instance.store.accounts.byUsername("admin"))!;
    await running.instance.moderation.blockDomain(admin, "partner.example", "Spam", true);
    expect(await listed(), "hidden from the list").to.equal(false);
    expect((await fetch(`${running.origin}/consultations/partner-example-copy`)).status, "hidden from readers").to.equal(404);
    await running.instance.moderation.removeDomainRule(admin, "partner.example");
    expect(await listed(), "shown again once the block is lifted").to.equal(true);
  });

  it("keeps the report link after closing", async () => {
    const slug = await create("Reports after closing");
    const { id } = await remoteReply(`${running.origin}/consultations/${slug}`, "A submission someone may report.");
    await setDates(slug, "2020-01-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z");
    const page = await (await member.get(`/consultations/${slug}`)).text();
    expect(page).to.contain(`/report?reply=${encodeURIComponent(id)}`);
    expect(page, "no answer link once closed").to.not.contain("?replyTo=");
  });

  describe("delivery", () => {
    let follower: RemoteServer;

    before(async () => {
      follower = new RemoteServer();
      await follower.start();
      await follower.follow(running.origin, "/actors/org");
    });
    after(async () => follower.stop());

    type Delivery = { type?: string; object?: string | { id?: string; type?: string; closed?: string; endTime?: string } };
    const delivered = (type: string, iri: string, check: (body: Delivery) => boolean = () => true) =>
      follower.received.find((entry) => {
        const body = entry.body as Delivery;
        const objectId = typeof body.object === "string" ? body.object : body.object?.id;
        return body.type === type && objectId === iri && check(body);
      });

    it("sends Create, Update and Delete to followers", async () => {
      const slug = await create("Delivered consultation");
      const iri = `${running.origin}/consultations/${slug}`;
      const created = await eventually(async () => delivered("Create", iri), "Create to reach the follower");
      const object = (created.body as Delivery).object as { type: string; endTime: string };
      expect(object.type).to.equal("Article");
      expect(object.endTime).to.be.a("string");
      await editor.post(`/consultations/${slug}/edit`, consultationForm("Delivered consultation, edited"));
      await eventually(async () => delivered("Update", iri), "Update to reach the follower");
      await editor.post(`/consultations/${slug}/delete`, { confirm: "yes" });
      await eventually(async () => delivered("Delete", iri), "Delete to reach the follower");
    });

    it("sends an Update when a page shows the closing", async () => {
      const slug = await create("Closing announced");
      const iri = `${running.origin}/consultations/${slug}`;
      await eventually(async () => delivered("Create", iri), "Create to reach the follower");
      await setDates(slug, "2020-01-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z");
      expect(delivered("Update", iri), "no Update before anyone reads it").to.equal(undefined);
      await fetch(`${running.origin}/consultations/${slug}`);
      const closing = await eventually(async () => delivered("Update", iri), "closing Update to reach the follower");
      // Fedify drops `closed` from the embedded Article, so the receiver reads it from the document the Update points to.
      const announced = (await running.instance.store.consultations.bySlug(slug))!;
      // Compared as instants: the serializer drops trailing zeros of the milliseconds ("…18.17Z" for "…18.170Z").
      expect(Date.parse(((closing.body as Delivery) as { updated?: string }).updated ?? "")).to.equal(Date.parse(announced.updated));
      expect((await (await fetch(iri, { headers: AP })).json()).closed).to.equal("2021-01-01T00:00:00.000Z");
      expect((await running.instance.store.consultations.bySlug(slug))?.closingAnnounced).to.be.a("string");
      await fetch(`${running.origin}/consultations`);
      await editor.post(`/consultations/${slug}/outcome`, { "outcome.en": "We heard enough." });
      await eventually(async () => follower.received.filter((entry) => (entry.body as Delivery).type === "Update" && ((entry.body as Delivery).object as { id?: string })?.id === iri).length >= 2 || null, "summary Update");
      const updates = follower.received.filter((entry) => (entry.body as Delivery).type === "Update" && ((entry.body as Delivery).object as { id?: string })?.id === iri);
      expect(updates.length, "reading the list again sends no second closing Update").to.equal(2);
    });
  });
});
