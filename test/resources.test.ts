import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { setRequireAccessibleMedia } from "../src/domain/resources.ts";
import { addAccount, Browser, eventually, startInstance, type RunningInstance } from "./support/instance.ts";
import { FIXTURES, resourceForm, videoForm } from "./support/files.ts";
import { RemoteServer } from "./support/remote-actor.ts";

const AP = { Accept: "application/activity+json" };

function slugFrom(location: string | null): string {
  return new URL(location ?? "", "http://x").pathname.split("/")[2];
}

function storedFiles(dataDir: string): string[] {
  const directory = path.join(dataDir, "files");
  return fs.existsSync(directory) ? fs.readdirSync(directory).filter((name) => !name.startsWith(".")) : [];
}

describe("resources over HTTP", () => {
  let running: RunningInstance;
  let editor: Browser;

  before(async () => {
    // A limit of about 10 kB lets the test send a file over it without a large body.
    running = await startInstance({ MAX_UPLOAD_MB: "0.01" });
    await addAccount(running.instance, "editor", "editor");
    await addAccount(running.instance, "admin", "admin");
    editor = new Browser(running.origin);
    await editor.signIn("editor");
  });

  after(async () => running.stop());

  it("publishes an uploaded PDF as a Page with a Document", async () => {
    const created = await editor.postMultipart("/resources", resourceForm("Reception guide"), { file: { name: "guide.pdf", content: FIXTURES.pdf() } });
    expect(created.status, await created.clone().text()).to.equal(303);
    const slug = slugFrom(created.headers.get("location"));
    const page = await (await fetch(`${running.origin}/resources/${slug}`)).text();
    expect(page).to.contain("<h1>Reception guide</h1>");
    expect(page).to.match(/<a href="\/files\/[0-9a-f]{64}\.pdf">Download guide\.pdf \(PDF, 0\.1 kB\)<\/a>/);
    expect(page).to.contain("Red de Protección");

    const object = await (await fetch(`${running.origin}/resources/${slug}`, { headers: AP })).json();
    expect(object.type).to.equal("Page");
    expect(object.id).to.equal(`${running.origin}/resources/${slug}`);
    expect(object.attachment).to.have.length(1);
    expect(object.attachment[0].type).to.equal("Document");
    expect(object.attachment[0].mediaType).to.equal("application/pdf");
    expect(object.attachment[0].name).to.equal("guide.pdf");
    expect(object.attachment[0].url).to.match(new RegExp(`^${running.origin}/files/[0-9a-f]{64}\\.pdf$`));
    expect(Object.keys(object.nameMap)).to.deep.equal(["en", "fr", "es"]);
    expect(object.resourceType).to.equal("manual");

    const file = await fetch(object.attachment[0].url);
    expect(file.status).to.equal(200);
    expect(file.headers.get("content-type")).to.equal("application/pdf");
    expect(Buffer.from(await file.arrayBuffer()).equals(FIXTURES.pdf())).to.equal(true);
  });

  it("names stored files by their SHA-256", async () => {
    const before = storedFiles(running.dataDir);
    await editor.postMultipart("/resources", resourceForm("Same file again"), { file: { name: "copy.pdf", content: FIXTURES.pdf() } });
    expect(storedFiles(running.dataDir), "the same content is stored once").to.deep.equal(before);
    const { createHash } = await import("node:crypto");
    expect(before).to.include(`${createHash("sha256").update(FIXTURES.pdf()).digest("hex")}.pdf`);
  });

  it("publishes a link resource", async () => {
    const created = await editor.post("/resources", resourceForm("Toolkit elsewhere", { resourceType: "toolkit", link: "https://publisher.example/toolkit" }));
    expect(created.status).to.equal(303);
    const slug = slugFrom(created.headers.get("location"));
    const page = await (await fetch(`${running.origin}/resources/${slug}`)).text();
    expect(page).to.contain('href="https://publisher.example/toolkit"');
    const object = await (await fetch(`${running.origin}/resources/${slug}`, { headers: AP })).json();
    expect(object.attachment).to.deep.equal([{ type: "Link", mediaType: "text/html", name: "Toolkit elsewhere", href: "https://publisher.example/toolkit" }]);
  });

  it("keeps the form and the uploaded file on errors", async () => {
    const form = resourceForm("Kept title", { publisher: "", themes: [] });
    const response = await editor.postMultipart("/resources", form, { file: { name: "kept.pdf", content: FIXTURES.pdf() } });
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain('value="Kept title"');
    expect(page).to.match(/id="field-publisher"[^>]*aria-invalid="true"/);
    expect(page).to.contain('id="field-publisher-error"');
    expect(page).to.contain('class="error-summary"');
    expect(page).to.contain("Already uploaded: kept.pdf");
    const kept = /name="keptFile" value="([^"]*)"/.exec(page)![1].replace(/&quot;/g, '"');
    // Sending the form again with only the hidden field keeps the same file.
    const again = await editor.postMultipart("/resources", { ...resourceForm("Kept title"), keptFile: kept });
    expect(again.status).to.equal(303);
    const saved = await running.instance.store.resources.bySlug(slugFrom(again.headers.get("location")));
    expect(saved?.file?.name).to.equal("kept.pdf");
  });

  it("does not let another session claim a kept file", async () => {
    const response = await editor.postMultipart("/resources", resourceForm("Someone's file", { publisher: "" }), { file: { name: "private.pdf", content: FIXTURES.pdf() } });
    const kept = /name="keptFile" value="([^"]*)"/.exec(await response.text())![1].replace(/&quot;/g, '"');
    await addAccount(running.instance, "other_editor", "editor");
    const other = new Browser(running.origin);
    await other.signIn("other_editor");
    // The same hidden field from another session, and one naming the file with no proof at all.
    for (const claimed of [kept, JSON.stringify({ href: JSON.parse(kept).href, name: "private.pdf" })]) {
      const attempt = await other.postMultipart("/resources", { ...resourceForm("Claimed file"), keptFile: claimed });
      expect(attempt.status, claimed).to.equal(422);
      expect(await attempt.text()).to.contain('id="field-file-error"');
    }
  });

  it("answers 400 to a cut-off upload", async () => {
    await editor.get("/");
    const boundary = "----minga-test";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${editor.csrfToken}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 cut`;
    const response = await editor.request("/resources", { method: "POST", body, headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` } });
    expect(response.status).to.equal(400);
    expect(await response.text()).to.contain("The form could not be read");
    const leftovers = () => fs.readdirSync(path.join(running.dataDir, "files")).filter((name) => name.startsWith(".upload-"));
    await eventually(async () => leftovers().length === 0, "the partial upload to be removed");
  });

  it("refuses a resource with neither file nor link", async () => {
    const response = await editor.post("/resources", resourceForm("Nothing attached"));
    expect(response.status).to.equal(422);
    expect(await response.text()).to.contain("Choose a file to upload or give a link.");
  });

  it("refuses a file over the size limit", async () => {
    const filesBefore = storedFiles(running.dataDir);
    const response = await editor.postMultipart("/resources", resourceForm("Too big"), { file: { name: "big.pdf", content: Buffer.concat([FIXTURES.pdf(), Buffer.alloc(20_000, 32)]) } });
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain("This file is larger than 0.01 MB");
    expect(page).to.match(/id="field-file"[^>]*aria-invalid="true"/);
    expect(page).to.contain('value="Too big"');
    expect(storedFiles(running.dataDir)).to.deep.equal(filesBefore);
  });

  it("refuses a file whose content is not an accepted type", async () => {
    const response = await editor.postMultipart("/resources", resourceForm("Fake PDF"), { file: { name: "report.pdf", content: FIXTURES.text(), type: "application/pdf" } });
    expect(response.status).to.equal(422);
    expect(await response.text()).to.contain("is not one of the accepted formats");
  });

  it("refuses a caption file with a bad cue timing", async () => {
    const response = await editor.postMultipart("/resources", videoForm("Bad captions"), {
      file: { name: "talk.webm", content: FIXTURES.webm() },
      "captions.en": { name: "en.vtt", content: FIXTURES.badVtt() },
    });
    expect(response.status).to.equal(422);
    const page = await response.text();
    expect(page).to.contain("Line 6 of this caption file");
    expect(page).to.contain("Already uploaded: talk.webm");
  });

  it("refuses a caption file that is not WebVTT", async () => {
    const response = await editor.postMultipart("/resources", videoForm("Captions as PNG"), {
      file: { name: "talk.webm", content: FIXTURES.webm() },
      "captions.fr": { name: "fr.vtt", content: FIXTURES.png() },
    });
    expect(response.status).to.equal(422);
    expect(await response.text()).to.contain("This is not a WebVTT caption file");
  });

  it("refuses an audio file for a video", async () => {
    const response = await editor.postMultipart("/resources", videoForm("Wrong media"), { file: { name: "talk.mp3", content: FIXTURES.mp3() } });
    expect(response.status).to.equal(422);
    expect(await response.text()).to.contain("A video needs a video file");
  });

  it("plays a video with captions and its transcript", async () => {
    const created = await editor.postMultipart("/resources", videoForm("Rights video"), {
      file: { name: "rights.webm", content: FIXTURES.webm() },
      "captions.en": { name: "en.vtt", content: FIXTURES.vtt() },
      "captions.fr": { name: "fr.vtt", content: FIXTURES.vtt("Bonjour") },
    });
    expect(created.status, await created.clone().text()).to.equal(303);
    const slug = slugFrom(created.headers.get("location"));
    const page = await (await fetch(`${running.origin}/resources/${slug}`)).text();
    expect(page).to.match(/<video controls preload="metadata"/);
    expect(page).to.match(/<track kind="captions" src="\/files\/[0-9a-f]{64}\.vtt" srclang="en" label="English" default\/>/);
    expect(page).to.match(/<track kind="captions" src="\/files\/[0-9a-f]{64}\.vtt" srclang="fr" label="French"/);
    expect(page).to.contain("This video explains your rights at the border.");
    expect(page).to.not.contain("Not yet accessible");

    const object = await (await fetch(`${running.origin}/resources/${slug}`, { headers: AP })).json();
    expect(object.type).to.equal("Video");
    expect(object.duration).to.equal("PT2M5S");
    expect(object.url[0]).to.deep.equal({ type: "Link", mediaType: "text/html", href: `${running.origin}/resources/${slug}` });
    expect(object.url[1].mediaType).to.equal("video/webm");
    expect(object.attachment.map((link: { hreflang: string }) => link.hreflang)).to.deep.equal(["en", "fr"]);
    expect(object.attachment[0].mediaType).to.equal("text/vtt");
    expect(object.content).to.contain("This video explains your rights");
    expect(object.audioDescription).to.equal(true);

    const caption = await fetch(new URL(object.attachment[0].href));
    expect(caption.headers.get("content-type")).to.equal("text/vtt; charset=utf-8");
  });

  it("marks a recording without captions as not yet accessible", async () => {
    const created = await editor.postMultipart("/resources", { ...videoForm("Audio without captions"), resourceType: "audio" }, { file: { name: "talk.mp3", content: FIXTURES.mp3() } });
    expect(created.status).to.equal(303);
    const page = await (await fetch(`${running.origin}/resources/${slugFrom(created.headers.get("location"))}`)).text();
    expect(page).to.contain("<audio controls");
    expect(page).to.contain("Not yet accessible: this recording has no captions yet.");
  });

  it("holds back inaccessible media when the setting is on", async () => {
    const admin = new Browser(running.origin);
    await admin.signIn("admin");
    expect((await admin.post("/admin/resources", { requireAccessible: "true" })).status).to.equal(303);
    try {
      const refused = await editor.postMultipart("/resources", videoForm("Held back"), { file: { name: "held.webm", content: FIXTURES.webm() } });
      expect(refused.status).to.equal(422);
      expect(await refused.text()).to.contain("This instance publishes recordings only with captions.");
      const draft = await editor.postMultipart("/resources", { ...videoForm("Held back"), action: "draft" }, { file: { name: "held.webm", content: FIXTURES.webm() } });
      expect(draft.status, "a draft may lack captions").to.equal(303);
      const slug = slugFrom(draft.headers.get("location"));
      expect((await running.instance.store.resources.bySlug(slug))?.status).to.equal("draft");
    } finally {
      await setRequireAccessibleMedia(running.instance.store, false);
    }
  });

  describe("file serving", () => {
    let fileUrl = "";
    let size = 0;

    before(async () => {
      const content = FIXTURES.mp4();
      size = content.length;
      const created = await editor.postMultipart("/resources", { ...videoForm("Ranged video") }, { file: { name: "ranged.mp4", content } });
      const resource = await running.instance.store.resources.bySlug(slugFrom(created.headers.get("location")));
      fileUrl = `${running.origin}${resource!.file!.href}`;
    });

    it("sends type, length and Accept-Ranges", async () => {
      const response = await fetch(fileUrl);
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.equal("video/mp4");
      expect(response.headers.get("content-length")).to.equal(String(size));
      expect(response.headers.get("accept-ranges")).to.equal("bytes");
      expect(response.headers.get("x-content-type-options")).to.equal("nosniff");
    });

    it("answers a single range with 206", async () => {
      const response = await fetch(fileUrl, { headers: { Range: "bytes=4-11" } });
      expect(response.status).to.equal(206);
      expect(response.headers.get("content-range")).to.equal(`bytes 4-11/${size}`);
      expect(response.headers.get("content-length")).to.equal("8");
      expect(Buffer.from(await response.arrayBuffer()).toString("latin1")).to.equal("ftypmp42");
      const tail = await fetch(fileUrl, { headers: { Range: "bytes=-10" } });
      expect(tail.status).to.equal(206);
      expect(tail.headers.get("content-range")).to.equal(`bytes ${size - 10}-${size - 1}/${size}`);
    });

    it("answers an unsatisfiable range with 416", async () => {
      const response = await fetch(fileUrl, { headers: { Range: `bytes=${size + 10}-${size + 20}` } });
      expect(response.status).to.equal(416);
      expect(response.headers.get("content-range")).to.equal(`bytes */${size}`);
    });

    it("answers 404 for unknown names", async () => {
      expect((await fetch(`${running.origin}/files/${"0".repeat(64)}.pdf`)).status).to.equal(404);
      expect((await fetch(`${running.origin}/files/..%2Fminga.sqlite`)).status).to.equal(404);
    });
  });

  describe("CSRF on uploads", () => {
    it("rejects a multipart post without a token", async () => {
      const before = storedFiles(running.dataDir);
      const response = await editor.postMultipart("/resources", resourceForm("Forged"), { file: { name: "forged.png", content: FIXTURES.png() } }, { csrf: false });
      expect(response.status).to.equal(403);
      expect(storedFiles(running.dataDir)).to.deep.equal(before);
    });

    it("rejects a wrong token", async () => {
      const response = await editor.postMultipart("/resources", { _csrf: "x".repeat(43), ...resourceForm("Forged") }, { file: { name: "forged.png", content: FIXTURES.png() } }, { csrf: false });
      expect(response.status).to.equal(403);
    });

    it("rejects a token sent after the file", async () => {
      const form = new FormData();
      for (const [key, value] of Object.entries(resourceForm("Late token"))) for (const item of [value].flat()) form.append(key, item);
      form.append("file", new Blob([new Uint8Array(FIXTURES.png())]), "late.png");
      form.append("_csrf", editor.csrfToken);
      const response = await editor.request("/resources", { method: "POST", body: form });
      expect(response.status).to.equal(403);
    });

    it("left no forged resource", async () => {
      const { items } = await running.instance.store.resources.list({ includeDrafts: true, limit: 100, offset: 0 });
      expect(items.map((resource) => resource.text.en?.title)).to.not.include.members(["Forged", "Late token"]);
    });
  });

  it("edits, then deletes with a Tombstone", async () => {
    const created = await editor.post("/resources", resourceForm("Short-lived resource", { link: "https://publisher.example/a" }));
    const slug = slugFrom(created.headers.get("location"));
    const edit = await (await editor.get(`/resources/${slug}/edit`)).text();
    expect(edit).to.contain('value="Short-lived resource"');
    expect((await editor.post(`/resources/${slug}/edit`, resourceForm("Renamed resource", { link: "https://publisher.example/a" }))).status).to.equal(303);
    expect((await running.instance.store.resources.bySlug(slug))?.text.en?.title).to.equal("Renamed resource");
    expect((await editor.post(`/resources/${slug}/delete`, {})).status, "needs confirmation").to.equal(422);
    expect((await editor.post(`/resources/${slug}/delete`, { confirm: "yes" })).status).to.equal(303);
    const json = await fetch(`${running.origin}/resources/${slug}`, { headers: AP });
    expect(json.status).to.equal(410);
    const tombstone = await json.json();
    expect(tombstone.type).to.equal("Tombstone");
    expect(tombstone.formerType).to.equal("Page");
    expect((await fetch(`${running.origin}/resources/${slug}`)).status).to.equal(410);
  });

  it("filters the library by kind", async () => {
    const all = await (await fetch(`${running.origin}/library`)).text();
    expect(all).to.contain("Reception guide");
    expect(all).to.contain("Rights video");
    const media = await (await fetch(`${running.origin}/library?kind=media`)).text();
    expect(media).to.contain("Rights video");
    expect(media).to.not.contain("Reception guide");
    const documents = await (await fetch(`${running.origin}/library?kind=resource`)).text();
    expect(documents).to.contain("Reception guide");
    expect(documents).to.not.contain("Rights video");
    const practices = await (await fetch(`${running.origin}/library?kind=practice`)).text();
    expect(practices).to.not.contain("Reception guide");
  });

  describe("from a partner", () => {
    let remote: RemoteServer;

    before(async () => {
      remote = new RemoteServer();
      await remote.start();
      await running.instance.store.following.save({
        actorIri: remote.actorId, handle: "@tester@remote", name: "Remote Tester", inbox: `${remote.actorId}/inbox`,
        followIri: `${running.origin}/actors/org#follows/1`, status: "accepted", created: new Date().toISOString(),
      });
      // Following a partner remembers its actor, whose name the library shows.
      await running.instance.store.remoteActors.save({
        iri: remote.actorId, handle: "@tester@remote", name: "Remote Tester", url: null, type: "Person", inbox: `${remote.actorId}/inbox`, sharedInbox: null, fetched: new Date().toISOString(),
      });
    });
    after(async () => remote.stop());

    function video(id: string, name: string, updated: string) {
      return {
        "@context": "https://www.w3.org/ns/activitystreams",
        id,
        type: "Video",
        attributedTo: remote.actorId,
        name,
        content: "<p>Talk <script>alert(1)</script>about rights</p>",
        duration: "PT1M30S",
        url: [
          { type: "Link", mediaType: "text/html", href: `${id}/watch` },
          { type: "Link", mediaType: "video/mp4", href: `${remote.origin}/media/talk.mp4` },
        ],
        attachment: [{ type: "Link", rel: "captions", mediaType: "text/vtt", hreflang: "es", href: `${remote.origin}/media/talk.es.vtt` }],
        published: "2026-01-01T00:00:00Z",
        updated,
        to: ["https://www.w3.org/ns/activitystreams#Public"],
      };
    }

    it("receives Create, Update and Delete as a follower", async () => {
      await remote.follow(running.origin, "/actors/org", `${remote.origin}/follows/resources`);
      type Delivery = { type?: string; object?: { id?: string; type?: string; duration?: string } };
      const created = await editor.postMultipart("/resources", videoForm("Delivered video"), { file: { name: "delivered.webm", content: FIXTURES.webm() } });
      const slug = slugFrom(created.headers.get("location"));
      const iri = `${running.origin}/resources/${slug}`;
      const delivery = (type: string) => eventually(async () => remote.received.map((entry) => entry.body as Delivery).find((body) => body.type === type && body.object?.id === iri), `${type} of ${iri}`);
      const create = await delivery("Create");
      expect(create.object?.type).to.equal("Video");
      const stored = await running.instance.store.resources.bySlug(slug);
      const edited = await editor.postMultipart(`/resources/${slug}/edit`, { ...videoForm("Delivered video, edited"), keptFile: JSON.stringify(stored!.file) });
      expect(edited.status).to.equal(303);
      const update = await delivery("Update");
      expect(update.object?.type).to.equal("Video");
      expect((await editor.post(`/resources/${slug}/delete`, { confirm: "yes" })).status).to.equal(303);
      const deletion = await delivery("Delete");
      expect(deletion.object?.type).to.equal("Tombstone");
    });

    it("stores the origin's copy, not the embedded one", async () => {
      const id = `${remote.origin}/videos/1`;
      remote.documents.set(id, video(id, "Partner talk", "2026-01-01T00:00:00Z"));
      const response = await remote.post(`${running.origin}/inbox`, {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${id}/create`,
        type: "Create",
        actor: remote.actorId,
        object: { ...video(id, "Forged embedded title", "2026-01-01T00:00:00Z") },
      });
      expect(response.status).to.be.within(200, 299);
      const stored = await running.instance.store.resources.byIri(id);
      expect(stored?.text.en?.title).to.equal("Partner talk");
      expect(stored?.file?.href).to.equal(`${remote.origin}/media/talk.mp4`);
      expect(stored?.captions.map((caption) => caption.language)).to.deep.equal(["es"]);
      expect(stored?.durationSeconds).to.equal(90);
      expect(stored?.descriptionHtml?.en).to.not.contain("script");
      const library = await (await fetch(`${running.origin}/library?kind=media`)).text();
      expect(library).to.contain("Partner talk");
      expect(library).to.contain("From Remote Tester");
      const page = await (await fetch(`${running.origin}/library/resources/${stored!.slug}`)).text();
      expect(page).to.contain(`href="${remote.origin}/media/talk.mp4"`);
      expect(page).to.not.contain("<video");
      expect(page).to.contain(`href="${remote.origin}/media/talk.es.vtt" hreflang="es"`);
    });

    it("applies Update and Delete from the origin", async () => {
      const id = `${remote.origin}/videos/1`;
      remote.documents.set(id, video(id, "Partner talk, revised", "2026-02-01T00:00:00Z"));
      const updated = await remote.post(`${running.origin}/inbox`, {
        "@context": "https://www.w3.org/ns/activitystreams", id: `${id}/update`, type: "Update", actor: remote.actorId, object: video(id, "ignored", "2026-02-01T00:00:00Z"),
      });
      expect(updated.status).to.be.within(200, 299);
      expect((await running.instance.store.resources.byIri(id))?.text.en?.title).to.equal("Partner talk, revised");
      const deleted = await remote.post(`${running.origin}/inbox`, {
        "@context": "https://www.w3.org/ns/activitystreams", id: `${id}/delete`, type: "Delete", actor: remote.actorId, object: { id, type: "Tombstone" },
      });
      expect(deleted.status).to.be.within(200, 299);
      expect(await running.instance.store.resources.byIri(id)).to.equal(null);
    });

    it("hides a blocked partner's copies", async () => {
      const id = `${remote.origin}/pages/1`;
      remote.documents.set(id, {
        "@context": "https://www.w3.org/ns/activitystreams", id, type: "Page", attributedTo: remote.actorId, name: "Partner report",
        attachment: [{ type: "Document", mediaType: "application/pdf", name: "report.pdf", url: `${remote.origin}/files/report.pdf` }],
        published: "2026-01-01T00:00:00Z", to: ["https://www.w3.org/ns/activitystreams#Public"],
      });
      await remote.post(`${running.origin}/inbox`, { "@context": "https://www.w3.org/ns/activitystreams", id: `${id}/create`, type: "Create", actor: remote.actorId, object: id });
      const stored = await running.instance.store.resources.byIri(id);
      expect(stored?.file?.href).to.equal(`${remote.origin}/files/report.pdf`);
      const admin = (await running.instance.store.accounts.byUsername("admin"))!;
      const domain = new URL(remote.origin).host;
      await running.instance.moderation.blockDomain(admin, domain, "", true);
      expect((await running.instance.store.resources.byIri(id))?.hidden).to.equal(`domain:${domain}`);
      expect(await (await fetch(`${running.origin}/library`)).text()).to.not.contain("Partner report");
      await running.instance.moderation.removeDomainRule(admin, domain);
      expect((await running.instance.store.resources.byIri(id))?.hidden).to.equal(null);
    });
  });
});
