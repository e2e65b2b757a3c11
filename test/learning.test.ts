import { expect } from "chai";

import { addAccount, Browser, eventually, startInstance, type RunningInstance } from "./support/instance.ts";
import { learningForm } from "./support/learning.ts";
import { RemoteServer } from "./support/remote-actor.ts";

const AP = { Accept: "application/activity+json" };
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

function slugFrom(location: string | null): string {
  return new URL(location ?? "", "http://x").pathname.split("/")[2];
}

describe("learning opportunities over HTTP", () => {
  let running: RunningInstance;
  let editor: Browser;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "editor", "editor");
    await addAccount(running.instance, "reviewer", "reviewer");
    editor = new Browser(running.origin);
    await editor.signIn("editor");
  });

  after(async () => running.stop());

  it("shows the form again with errors and typed text", async () => {
    const form = { ...learningForm("Kept title"), "text.en.summary": "", end: "", timeZone: "Mars/Base" };
    const response = await editor.post("/learning", form);
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain('value="Kept title"');
    expect(page).to.contain("Una formación práctica para el personal de acogida.");
    expect(page).to.contain('value="Mars/Base"');
    expect(page).to.match(/id="field-text-en-summary"[^>]*aria-invalid="true"/);
    expect(page).to.match(/id="field-timeZone"[^>]*aria-invalid="true"[^>]*aria-describedby="field-timeZone-hint field-timeZone-error"/);
    expect(page).to.contain('id="field-timeZone-error"');
    expect(page).to.contain('id="field-end-error"');
    expect(page).to.contain('class="error-summary"');
    expect(page).to.contain('href="#field-timeZone"');
    expect(page).to.contain('name="_csrf"');
    const stored = await running.instance.store.learning.list({ when: "upcoming", now: new Date().toISOString(), limit: 10, offset: 0 });
    expect(stored.total).to.equal(0);
  });

  it("publishes from the form and shows every field", async () => {
    const created = await editor.post("/learning", learningForm("Round trip training"));
    expect(created.status).to.equal(303);
    const slug = slugFrom(created.headers.get("location"));
    const page = await (await editor.get(`/learning/${slug}`)).text();
    expect(page).to.contain("<h1>Round trip training</h1>");
    // 14:00 in Paris, shown in Paris time with the zone named.
    expect(page).to.contain("2:00");
    expect(page).to.contain("(Europe/Paris)");
    expect(page).to.contain("Maison des associations, 12 rue de la Paix, Lyon, France");
    expect(page).to.contain('href="https://meet.example/screening"');
    expect(page).to.contain("English, French");
    expect(page).to.contain("Arabic");
    expect(page).to.contain("Registration on request");
    expect(page).to.contain("40 places");
    expect(page).to.contain('href="https://a.example/files/reading.html"');
    expect(page).to.contain(`href="/learning/${slug}.ics"`);
    expect(page).to.contain(`href="/learning/${slug}/edit"`);

    const spanish = await (await fetch(`${running.origin}/learning/${slug}?lang=es`)).text();
    expect(spanish).to.contain("Round trip training (ES)");
    const french = await (await fetch(`${running.origin}/learning/${slug}?lang=fr`)).text();
    expect(french, "the English text is marked as English on a French page").to.contain('<h1 lang="en">Round trip training</h1>');
    expect(french).to.contain("Europe/Paris");

    const calendar = await (await fetch(`${running.origin}/calendar`)).text();
    expect(calendar).to.contain(`href="/learning/${slug}"`);
    expect(calendar).to.contain("Upcoming");

    const edit = await (await editor.get(`/learning/${slug}/edit`)).text();
    expect(edit).to.contain('value="2030-03-10T14:00"');
    expect(edit).to.contain("Slides https://a.example/files/slides.pdf");
  });

  it("lets a reviewer edit but not delete", async () => {
    const created = await editor.post("/learning", learningForm("Reviewed session"));
    const slug = slugFrom(created.headers.get("location"));
    const reviewer = new Browser(running.origin);
    await reviewer.signIn("reviewer");
    const edited = await reviewer.post(`/learning/${slug}/edit`, { ...learningForm("Reviewed session, corrected"), timeZone: "America/Bogota" });
    expect(edited.status).to.equal(303);
    const item = await running.instance.store.learning.bySlug(slug);
    expect(item?.text.en?.title).to.equal("Reviewed session, corrected");
    expect(item?.start, "14:00 in Bogota is 19:00 UTC").to.equal("2030-03-10T19:00:00.000Z");
    expect((await reviewer.post(`/learning/${slug}/delete`, { confirm: "yes" })).status).to.equal(403);
  });

  it("serves one URL as HTML and as an Event", async () => {
    const created = await editor.post("/learning", learningForm("Two faces webinar"));
    const slug = slugFrom(created.headers.get("location"));
    const event = await (await fetch(`${running.origin}/learning/${slug}`, { headers: AP })).json();
    expect(event.type).to.equal("Event");
    expect(event.id).to.equal(`${running.origin}/learning/${slug}`);
    expect(event.startTime).to.equal("2030-03-10T13:00:00.000Z");
    expect(event.endTime).to.equal("2030-03-10T16:30:00.000Z");
    expect(event.timezone).to.equal("Europe/Paris");
    expect(event.location).to.deep.include({ type: "Place", name: "Maison des associations" });
    expect(event.onlineAddress).to.equal("https://meet.example/screening");
    expect(event.attributedTo).to.equal(`${running.origin}/actors/org`);
    expect(event.summary).to.contain("(Europe/Paris)");
    expect(event.summary).to.contain("Lyon");
    expect(event.summary).to.contain("Online");
    expect(event.summary).to.not.contain("http");
    expect(event.summaryMap.es).to.contain("En línea");
    expect(Object.keys(event.nameMap)).to.deep.equal(["en", "es"]);
    expect(event.tag).to.deep.equal([{ type: "Hashtag", name: "#TraffickingInPersons", href: `${running.origin}/library?theme=trafficking-in-persons` }]);
  });

  it("answers 410 with a Tombstone after deletion", async () => {
    const created = await editor.post("/learning", learningForm("Short-lived course"));
    const slug = slugFrom(created.headers.get("location"));
    expect((await editor.post(`/learning/${slug}/delete`, {})).status, "needs confirmation").to.equal(422);
    expect((await editor.post(`/learning/${slug}/delete`, { confirm: "yes" })).status).to.equal(303);
    const json = await fetch(`${running.origin}/learning/${slug}`, { headers: AP });
    expect(json.status).to.equal(410);
    expect(await json.json()).to.deep.include({ type: "Tombstone", formerType: "Event" });
    expect((await fetch(`${running.origin}/learning/${slug}`)).status).to.equal(410);
    expect((await fetch(`${running.origin}/learning/${slug}.ics`)).status).to.equal(410);
    const again = await editor.post("/learning", learningForm("Short-lived course"));
    expect(slugFrom(again.headers.get("location")), "a deleted slug is never reused").to.not.equal(slug);
  });

  it("exports iCalendar files", async () => {
    const created = await editor.post("/learning", { ...learningForm("Calendar; export, with \\ escapes"), "text.en.summary": "Line one\nLine two" });
    const slug = slugFrom(created.headers.get("location"));
    const one = await fetch(`${running.origin}/learning/${slug}.ics`);
    expect(one.status).to.equal(200);
    expect(one.headers.get("content-type")).to.equal("text/calendar; charset=utf-8");
    const body = await one.text();
    expect(body.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")).to.equal(true);
    expect(body).to.contain(`UID:${running.origin}/learning/${slug}\r\n`);
    expect(body).to.contain("DTSTART:20300310T130000Z\r\n");
    expect(body).to.contain("DTEND:20300310T163000Z\r\n");
    expect(body).to.contain("SUMMARY:Calendar\\; export\\, with \\\\ escapes\r\n");
    expect(body.replace(/\r\n /g, "")).to.contain("DESCRIPTION:Line one\\nLine two\\n\\nDay one");
    expect(body.endsWith("END:VCALENDAR\r\n")).to.equal(true);
    expect(body.split("\r\n").every((line) => Buffer.byteLength(line) <= 75)).to.equal(true);

    const whole = await (await fetch(`${running.origin}/calendar.ics`)).text();
    expect(whole.match(/BEGIN:VEVENT/g)?.length, "one VEVENT per item not deleted").to.equal(5);
    expect(whole).to.contain(`UID:${running.origin}/learning/${slug}\r\n`);
  });

  describe("federation", () => {
    let remote: RemoteServer;

    before(async () => {
      remote = new RemoteServer();
      await remote.start();
    });
    after(async () => remote.stop());

    type Delivery = { type?: string; object?: string | { id?: string; type?: string; name?: string } };
    const deliveredFor = (type: string, iri: string) =>
      remote.received.find((entry) => {
        const body = entry.body as Delivery;
        const objectId = typeof body.object === "string" ? body.object : body.object?.id;
        return body.type === type && objectId === iri;
      });

    it("sends Create, Update and Delete to followers", async () => {
      await remote.follow(running.origin, "/actors/org");
      const created = await editor.post("/learning", learningForm("Delivered webinar"));
      const slug = slugFrom(created.headers.get("location"));
      const iri = `${running.origin}/learning/${slug}`;
      const create = await eventually(async () => deliveredFor("Create", iri), "Create to reach the follower");
      expect((create.body as { object: { type: string } }).object.type).to.equal("Event");
      await editor.post(`/learning/${slug}/edit`, learningForm("Delivered webinar, moved"));
      await eventually(async () => deliveredFor("Update", iri), "Update to reach the follower");
      await editor.post(`/learning/${slug}/delete`, { confirm: "yes" });
      await eventually(async () => deliveredFor("Delete", iri), "Delete to reach the follower");
    });

    describe("from a partner", () => {
      const eventId = () => `${remote.origin}/events/1`;

      function event(name: string, attributedTo = remote.actorId) {
        return {
          "@context": ["https://www.w3.org/ns/activitystreams", { mz: "https://joinmobilizon.org/ns#", timezone: "mz:timezone" }],
          id: eventId(),
          type: "Event",
          attributedTo,
          name,
          summary: "<p>Open to caseworkers.</p>",
          content: "<p>Bring <script>alert(1)</script>questions.</p>",
          startTime: "2031-05-04T08:00:00Z",
          endTime: "2031-05-04T10:00:00Z",
          timezone: "America/Bogota",
          location: { type: "Place", name: "Casa del Migrante" },
          url: `${remote.origin}/events/1/page`,
          updated: name.includes("moved") ? "2026-02-02T00:00:00Z" : "2026-01-01T00:00:00Z",
          to: [PUBLIC],
        };
      }

      function activity(type: string, object: unknown, id: string) {
        return { "@context": "https://www.w3.org/ns/activitystreams", id, type, actor: remote.actorId, object };
      }

      it("ignores Events from an actor not followed", async () => {
        remote.documents.set(eventId(), event("Unsolicited session"));
        expect((await remote.post(`${running.origin}/inbox`, activity("Create", event("Unsolicited session"), `${remote.origin}/create/0`))).status).to.be.within(200, 299);
        expect(await running.instance.store.learning.byIri(eventId())).to.equal(null);
        const [entry] = await running.instance.store.inboundLog.recent(1);
        expect(entry.outcome).to.equal("ignored");
        expect(entry.reason).to.contain("does not follow");
      });

      it("stores the origin's copy, not the embedded one", async () => {
        await running.instance.store.following.save({
          actorIri: remote.actorId, handle: "@tester@remote", name: "Remote Tester", inbox: `${remote.actorId}/inbox`,
          followIri: `${running.origin}/actors/org#follows/test`, status: "accepted", created: new Date().toISOString(),
        });
        remote.documents.set(eventId(), event("Partner workshop"));
        await remote.post(`${running.origin}/inbox`, activity("Create", event("Forged embedded title"), `${remote.origin}/create/1`));
        const stored = await running.instance.store.learning.byIri(eventId());
        expect(stored?.text.en?.title).to.equal("Partner workshop");
        expect(stored?.descriptionHtml?.en).to.not.contain("script");
        expect(stored?.timeZone).to.equal("America/Bogota");
        const calendar = await (await fetch(`${running.origin}/calendar`)).text();
        expect(calendar).to.contain("Partner workshop");
        expect(calendar).to.contain("From Remote Tester");
        const page = await (await fetch(`${running.origin}/learning/${stored!.slug}`)).text();
        expect(page).to.contain("3:00");
        expect(page).to.contain("(America/Bogota)");
        expect(page).to.contain("Casa del Migrante");
      });

      it("refreshes on Update and removes on Delete", async () => {
        remote.documents.set(eventId(), event("Partner workshop, moved"));
        await remote.post(`${running.origin}/inbox`, activity("Update", event("Partner workshop, moved"), `${remote.origin}/update/1`));
        expect((await running.instance.store.learning.byIri(eventId()))?.text.en?.title).to.equal("Partner workshop, moved");
        await remote.post(`${running.origin}/inbox`, activity("Delete", eventId(), `${remote.origin}/delete/1`));
        expect(await running.instance.store.learning.byIri(eventId())).to.equal(null);
        expect(await (await fetch(`${running.origin}/calendar`)).text()).to.not.contain("Partner workshop");
      });

      it("rejects an Event attributed to someone else", async () => {
        remote.documents.set(eventId(), event("Borrowed session", "https://elsewhere.example/actors/org"));
        await remote.post(`${running.origin}/inbox`, activity("Create", eventId(), `${remote.origin}/create/2`));
        expect(await running.instance.store.learning.byIri(eventId())).to.equal(null);
        const [entry] = await running.instance.store.inboundLog.recent(1);
        expect(entry.outcome).to.equal("rejected");
        expect(entry.reason).to.contain("not attributed");
      });

      it("refuses to delete a local learning opportunity", async () => {
        const created = await editor.post("/learning", learningForm("Local session"));
        const iri = `${running.origin}/learning/${slugFrom(created.headers.get("location"))}`;
        await remote.post(`${running.origin}/inbox`, activity("Delete", iri, `${remote.origin}/delete/2`));
        expect((await running.instance.store.learning.byIri(iri))?.deleted).to.equal(null);
        const [entry] = await running.instance.store.inboundLog.recent(1);
        expect(entry.outcome).to.equal("rejected");
      });

      it("hides copies of a blocked domain until the block is lifted", async () => {
        remote.documents.set(eventId(), event("Blockable session"));
        await remote.post(`${running.origin}/inbox`, activity("Create", eventId(), `${remote.origin}/create/3`));
        const stored = await running.instance.store.learning.byIri(eventId());
        expect(stored).to.not.equal(null);
        const admin = { id: 0, username: "admin", displayName: "Admin", passwordHash: "", role: "admin" as const, bio: "", created: "" };
        const host = new URL(remote.origin).host;
        await running.instance.moderation.blockDomain(admin, host, "test", true);
        expect(await (await fetch(`${running.origin}/calendar`)).text()).to.not.contain("Blockable session");
        expect((await fetch(`${running.origin}/learning/${stored!.slug}`)).status).to.equal(404);
        await running.instance.moderation.removeDomainRule(admin, host);
        expect(await (await fetch(`${running.origin}/calendar`)).text()).to.contain("Blockable session");
      });
    });
  });
});
