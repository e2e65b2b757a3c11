import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { MAX_IMAGE_BYTES, RemoteMedia } from "../federation/remote-media.ts";
import type { Reply } from "../src/storage/types.ts";
import { mediaDirectory } from "../src/web/uploads.ts";
import { addAccount, Browser, eventually, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";
import { RemoteServer } from "./support/remote-actor.ts";

const AS = "https://www.w3.org/ns/activitystreams";
const PUBLIC = `${AS}#Public`;
/** A 1×1 PNG; bytes appended after its end make images that differ in hash but still decode. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

function png(label: string): Buffer {
  return Buffer.concat([PNG, Buffer.from(label)]);
}

function storedName(content: Buffer): string {
  return `${crypto.createHash("sha256").update(content).digest("hex")}.png`;
}

describe("images in remote replies", function () {
  this.timeout(60_000);
  let running: RunningInstance;
  let server: RemoteServer;
  let practicePath: string;
  let practiceIri: string;
  let notes = 0;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "editor", "editor");
    const editor = new Browser(running.origin);
    await editor.signIn("editor");
    const created = await editor.post("/practices", practiceForm("Practice with pictures in its discussion"));
    practicePath = new URL(created.headers.get("location")!, running.origin).pathname;
    practiceIri = `${running.origin}${practicePath}`;
    server = new RemoteServer();
    await server.start();
  });
  after(async () => {
    await server.stop();
    await running.stop();
  });

  /** Sends a public reply to the practice with the given content and attachments, and returns its stored form once its images were handled. */
  async function reply(content: string, attachment: unknown[]): Promise<Reply> {
    const id = `${server.origin}/notes/${++notes}`;
    const response = await server.post(`${running.origin}/inbox`, {
      "@context": AS,
      id: `${id}/activity`,
      type: "Create",
      actor: server.actorId,
      object: { id, type: "Note", attributedTo: server.actorId, inReplyTo: practiceIri, content, attachment, to: [PUBLIC] },
    });
    expect(response.status, await response.text()).to.equal(202);
    await running.instance.federation.services.media.idle();
    const stored = await running.instance.store.replies.byIri(id);
    expect(stored, "reply stored").to.not.equal(null);
    return stored!;
  }

  function pageHtml(): Promise<string> {
    return fetch(`${running.origin}${practicePath}`).then((response) => response.text());
  }

  it("copies images, shows them with the author's description, and says when there is none", async () => {
    const described = png("described");
    const undescribed = png("undescribed");
    const inline = png("inline");
    server.files.set(`${server.origin}/media/chart.png`, { type: "image/png", body: described });
    server.files.set(`${server.origin}/media/photo.png`, { type: "image/png", body: undescribed });
    server.files.set(`${server.origin}/media/route.png`, { type: "image/png", body: inline });
    const stored = await reply(`<p>Our figures <img src="${server.origin}/media/route.png" alt="Map of the route from the border to the shelter"></p>`, [
      { type: "Document", mediaType: "image/png", url: `${server.origin}/media/chart.png`, name: "Bar chart of arrivals by month, rising in summer", width: 640, height: 480 },
      { type: "Image", mediaType: "image/png", url: `${server.origin}/media/photo.png` },
      { type: "Document", mediaType: "video/mp4", url: `${server.origin}/media/talk.mp4`, name: "Recording of the workshop" },
    ]);

    expect(stored.attachments!.map((attachment) => [attachment.kind, attachment.file, attachment.failure])).to.deep.equal([
      ["image", storedName(described), null],
      ["image", storedName(undescribed), null],
      ["video", null, null],
      ["image", storedName(inline), null],
    ]);
    // Videos are linked, never fetched.
    expect(server.fileRequests).to.have.members([`${server.origin}/media/chart.png`, `${server.origin}/media/photo.png`, `${server.origin}/media/route.png`]);

    const page = await pageHtml();
    expect(page).to.include(`<img src="/media/${storedName(described)}" alt="Bar chart of arrivals by month, rising in summer" width="640" height="480"`);
    expect(page).to.include(`<img src="/media/${storedName(inline)}" alt="Map of the route from the border to the shelter"`);
    // Preact writes an empty alt as the bare attribute, which HTML reads as alt="".
    expect(page).to.include(`<img src="/media/${storedName(undescribed)}" alt loading="lazy"`);
    expect(page).to.include("The author gave no description of this image.");
    expect(page).to.include(`href="${server.origin}/media/talk.mp4"`);
    expect(page).to.include("Video: Recording of the workshop");
    // The page never makes the reader's browser load anything from the sender.
    expect(page).to.not.match(new RegExp(`src="${server.origin}`));

    const file = await fetch(`${running.origin}/media/${storedName(described)}`);
    expect(file.status).to.equal(200);
    expect(file.headers.get("content-type")).to.equal("image/png");
    expect(Buffer.from(await file.arrayBuffer()).equals(described)).to.equal(true);
  });

  it("keeps a reply made only of an image", async () => {
    const picture = png("alone");
    server.files.set(`${server.origin}/media/alone.png`, { type: "image/png", body: picture });
    const stored = await reply("", [{ type: "Document", mediaType: "image/png", url: `${server.origin}/media/alone.png`, name: "Poster of the information session" }]);
    expect(stored.attachments![0].file).to.equal(storedName(picture));
    expect(await pageHtml()).to.include('alt="Poster of the information session"');
  });

  it("links images it cannot keep, with the reason recorded", async () => {
    server.files.set(`${server.origin}/media/page.png`, { type: "image/png", body: Buffer.from("<html><script>alert(1)</script></html>") });
    server.files.set(`${server.origin}/media/huge.png`, { type: "image/png", body: Buffer.concat([PNG, Buffer.alloc(MAX_IMAGE_BYTES)]) });
    for (let hop = 0; hop < 5; hop++) server.files.set(`${server.origin}/media/loop${hop}.png`, { location: `${server.origin}/media/loop${hop + 1}.png` });
    const moved = png("moved");
    server.files.set(`${server.origin}/media/old.png`, { location: `${server.origin}/media/new.png` });
    server.files.set(`${server.origin}/media/new.png`, { type: "image/png", body: moved });
    const stored = await reply("<p>Several pictures</p>", [
      { type: "Document", mediaType: "image/png", url: `${server.origin}/media/page.png`, name: "A page pretending to be a picture" },
      { type: "Document", mediaType: "image/png", url: `${server.origin}/media/huge.png`, name: "An enormous picture" },
      { type: "Document", mediaType: "image/png", url: `${server.origin}/media/loop0.png` },
      { type: "Document", mediaType: "image/png", url: `${server.origin}/media/missing.png`, name: "A picture that is gone" },
      { type: "Document", mediaType: "image/png", url: `${server.origin}/media/old.png`, name: "A picture that moved" },
      { type: "Document", mediaType: "image/png", url: "javascript:alert(1)", name: "Not a link" },
    ]);
    const outcomes = Object.fromEntries(stored.attachments!.map((attachment) => [attachment.url.split("/").pop(), attachment.file ?? attachment.failure]));
    expect(outcomes).to.deep.equal({
      "page.png": "its content is not a PNG, JPEG, WebP or GIF image",
      "huge.png": `it is larger than ${MAX_IMAGE_BYTES} bytes`,
      "loop0.png": "more than 3 redirects",
      "missing.png": "the server responded 404",
      "old.png": storedName(moved),
    });
    const page = await pageHtml();
    expect(page).to.include(`<a href="${server.origin}/media/page.png" rel="nofollow noopener noreferrer ugc">Image: A page pretending to be a picture</a>`);
    expect(page).to.include("Image without a description");
    expect(page).to.include(`on ${new URL(server.origin).host}`);
    expect(page).to.not.include("javascript:");
    expect(fs.readdirSync(mediaDirectory(running.dataDir)).filter((name) => name.endsWith(".part"))).to.deep.equal([]);
  });

  it("keeps copies when the author edits the reply, and fetches only new images", async () => {
    const first = png("first");
    const second = png("second");
    server.files.set(`${server.origin}/media/first.png`, { type: "image/png", body: first });
    server.files.set(`${server.origin}/media/second.png`, { type: "image/png", body: second });
    const stored = await reply("<p>Before</p>", [{ type: "Document", mediaType: "image/png", url: `${server.origin}/media/first.png`, name: "First picture" }]);
    const before = server.fileRequests.length;
    const response = await server.post(`${running.origin}/inbox`, {
      "@context": AS,
      id: `${stored.iri}/update`,
      type: "Update",
      actor: server.actorId,
      object: {
        id: stored.iri, type: "Note", attributedTo: server.actorId, inReplyTo: practiceIri, content: "<p>After</p>", to: [PUBLIC], updated: new Date().toISOString(),
        attachment: [
          { type: "Document", mediaType: "image/png", url: `${server.origin}/media/first.png`, name: "First picture, described better" },
          { type: "Document", mediaType: "image/png", url: `${server.origin}/media/second.png`, name: "Second picture" },
        ],
      },
    });
    expect(response.status).to.equal(202);
    await running.instance.federation.services.media.idle();
    const updated = (await running.instance.store.replies.byIri(stored.iri))!;
    expect(updated.attachments!.map((attachment) => [attachment.description, attachment.file])).to.deep.equal([
      ["First picture, described better", storedName(first)],
      ["Second picture", storedName(second)],
    ]);
    expect(server.fileRequests.slice(before)).to.deep.equal([`${server.origin}/media/second.png`]);
  });

  it("shows the images of the corpus's Mastodon post as links, since tests reach no other host", async () => {
    // The loopback-only fetch of the test instances rejects files.example; the link and description remain.
    const stored = await reply("<p>Elsewhere</p>", [{ type: "Document", mediaType: "image/png", url: "https://files.example/media/1.png", name: "A picture on another host" }]);
    expect(stored.attachments![0].failure).to.match(/^could not be fetched \(Tests reach only loopback listeners/);
    expect(await pageHtml()).to.include('<a href="https://files.example/media/1.png" rel="nofollow noopener noreferrer ugc">Image: A picture on another host</a>');
  });
});

describe("remote image address checks", () => {
  it("rejects private image addresses without requests", async () => {
    const requested: string[] = [];
    const saved: Reply[] = [];
    const replyIri = "https://remote.example/notes/1";
    const addresses = ["http://127.0.0.1/a.png", "http://localhost:9/b.png", "http://10.0.0.8/c.png", "http://169.254.169.254/latest/meta-data", "http://[::1]/d.png", "http://192.168.1.1/e.png"];
    const reply: Reply = {
      iri: replyIri, rootIri: "https://local.example/practices/x", inReplyTo: "https://local.example/practices/x", authorIri: "https://remote.example/users/a",
      authorAccountId: null, contentHtml: "<p>x</p>", language: "en", url: null, published: new Date().toISOString(), updated: null, deleted: null, local: false, hidden: null,
      attachments: addresses.map((url) => ({ url, kind: "image" as const, mediaType: "image/png", description: null, width: null, height: null, file: null, failure: null })),
    };
    const store = { replies: { byIri: async () => saved.at(-1) ?? reply, save: async (value: Reply) => void saved.push(value) } };
    const media = new RemoteMedia({
      store: store as never,
      directory: path.join(fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "minga-media-")), "files"),
      allowPrivateAddresses: false,
      permits: async () => true,
      fetch: async (input) => {
        requested.push(String(input));
        throw new Error("no request may be made");
      },
    });
    await media.copyImages(replyIri);
    expect(requested).to.deep.equal([]);
    expect(saved.at(-1)!.attachments!.map((attachment) => attachment.failure)).to.deep.equal(addresses.map(() => "its address is private, loopback or not public"));
  });

  it("refuses images on servers moderation blocks", async () => {
    const requested: string[] = [];
    const saved: Reply[] = [];
    const reply = {
      iri: "https://remote.example/notes/2", deleted: null,
      attachments: [{ url: "https://blocked.example/a.png", kind: "image" as const, mediaType: null, description: null, width: null, height: null, file: null, failure: null }],
    } as unknown as Reply;
    const media = new RemoteMedia({
      store: { replies: { byIri: async () => saved.at(-1) ?? reply, save: async (value: Reply) => void saved.push(value) } } as never,
      directory: "/nonexistent",
      allowPrivateAddresses: true,
      permits: async (url) => new URL(url).host !== "blocked.example",
      fetch: async (input) => {
        requested.push(String(input));
        throw new Error("no request may be made");
      },
    });
    await media.copyImages(reply.iri);
    expect(requested).to.deep.equal([]);
    expect(saved.at(-1)!.attachments![0].failure).to.equal("blocked.example is blocked or not on the allowlist");
  });
});
