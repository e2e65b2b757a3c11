import { expect } from "chai";

import { addAccount, Browser, eventually, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";

const AP = { Accept: "application/activity+json" };
/** A 1×1 PNG; bytes appended after its end make images that differ in hash but still decode. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

describe("images in members' replies", function () {
  this.timeout(90_000);
  let a: RunningInstance;
  let b: RunningInstance;
  let editor: Browser;
  let member: Browser;
  let practicePath: string;

  before(async () => {
    a = await startInstance();
    b = await startInstance();
    await addAccount(a.instance, "editor", "editor");
    await addAccount(a.instance, "nadia", "member");
    editor = new Browser(a.origin);
    await editor.signIn("editor");
    member = new Browser(a.origin);
    await member.signIn("nadia");
    const created = await editor.post("/practices", practiceForm("Practice with pictures from members"));
    practicePath = new URL(created.headers.get("location")!, a.origin).pathname;
  });

  after(async () => {
    await a.stop();
    await b.stop();
  });

  it("asks for a description and keeps the image and the text", async () => {
    const image = Buffer.concat([PNG, Buffer.from("kept")]);
    const refused = await member.postMultipart(`${practicePath}/replies`, { content: "Our reception desk.", language: "en", description: "" }, { image: { name: "desk.png", content: image, type: "image/png" } });
    expect(refused.status).to.equal(422);
    const page = await refused.text();
    expect(page).to.contain('class="error-summary"');
    expect(page).to.contain('<a href="#reply-description">');
    expect(page).to.contain('id="reply-description-error"');
    expect(page).to.contain("Our reception desk.");
    const kept = /name="keptImage" value="([0-9a-f]{64}\.png)"/.exec(page);
    expect(kept, "the uploaded image is kept for the next post").to.not.equal(null);

    const saved = await member.postMultipart(`${practicePath}/replies`, { content: "Our reception desk.", language: "en", keptImage: kept![1], description: "A reception desk with leaflets in five languages" });
    expect(saved.status).to.equal(303);
    const shown = await (await fetch(`${a.origin}${practicePath}`)).text();
    expect(shown).to.contain(`<img src="/media/${kept![1]}" alt="A reception desk with leaflets in five languages"`);
  });

  it("points out a description without an image", async () => {
    const refused = await member.postMultipart(`${practicePath}/replies`, { content: "Text with a stray description.", language: "en", description: "A photo I forgot to choose" });
    expect(refused.status).to.equal(422);
    const page = await refused.text();
    expect(page).to.contain('id="reply-image-error"');
    expect(page).to.contain("A photo I forgot to choose");
  });

  it("refuses a file that is not an image", async () => {
    const refused = await member.postMultipart(`${practicePath}/replies`, { content: "A document instead.", language: "en", description: "Not really an image" }, { image: { name: "fake.png", content: Buffer.from("%PDF-1.4 not an image"), type: "image/png" } });
    expect(refused.status).to.equal(422);
    const page = await refused.text();
    expect(page).to.contain('id="reply-image-error"');
    expect(page).to.contain("not a PNG, JPEG, WebP or GIF image");
    expect(page).to.contain("A document instead.");
  });

  it("federates the image with its description, and a partner copies it", async () => {
    await addAccount(b.instance, "admin", "admin");
    await addAccount(b.instance, "omar", "member");
    const admin = new Browser(b.origin);
    await admin.signIn("admin");
    expect((await admin.post("/admin/federation/follow", { handle: `@org@${new URL(a.origin).host}` })).status).to.equal(303);
    const copy = await eventually(async () => (await b.instance.store.practices.byIri(`${a.origin}${practicePath}`)) ?? null, "B's copy of the practice");

    const omar = new Browser(b.origin);
    await omar.signIn("omar");
    const image = Buffer.concat([PNG, Buffer.from("from b")]);
    const posted = await omar.postMultipart(`/library/${copy.slug}/replies`, { content: "The same desk in our city.", language: "en", description: "A desk under a tent, with a queue of families" }, { image: { name: "tent.png", content: image, type: "image/png" } });
    expect(posted.status).to.equal(303);

    const [reply] = (await b.instance.store.replies.listForRoot(copy.iri)).filter((entry) => entry.local);
    const note = (await (await fetch(reply.iri, { headers: AP })).json()) as { attachment: { type: string; url: string; name: string; mediaType: string } };
    expect(note.attachment).to.deep.include({ type: "Image", name: "A desk under a tent, with a queue of families", mediaType: "image/png" });
    expect(note.attachment.url).to.match(new RegExp(`^${b.origin}/media/[0-9a-f]{64}\\.png$`));

    // A receives the reply, copies the image from B and shows its own copy with B's member's description.
    const page = await eventually(async () => {
      const text = await (await fetch(`${a.origin}${practicePath}`)).text();
      return /<img src="\/media\/[0-9a-f]{64}\.png" alt="A desk under a tent, with a queue of families"/.test(text) && text;
    }, "A to show the image of B's reply");
    expect(page).to.not.contain(`src="${b.origin}`);
  });

  it("lets authors delete their own replies, and only theirs", async () => {
    const posted = await member.post(`${practicePath}/replies`, { content: "I named the shelter by mistake.", language: "en" });
    expect(posted.status).to.equal(303);
    const reply = (await a.instance.store.replies.listForRoot(`${a.origin}${practicePath}`)).find((entry) => entry.contentHtml.includes("by mistake"))!;
    const page = await (await member.get(practicePath)).text();
    expect(page).to.contain(`/account/replies/delete?reply=${encodeURIComponent(reply.iri)}`);

    await addAccount(a.instance, "someone_else", "member");
    const other = new Browser(a.origin);
    await other.signIn("someone_else");
    expect((await other.get(`/account/replies/delete?reply=${encodeURIComponent(reply.iri)}`)).status).to.equal(404);
    expect((await other.post("/account/replies/delete", { reply: reply.iri, confirm: "yes" })).status).to.equal(404);

    expect((await member.get(`/account/replies/delete?reply=${encodeURIComponent(reply.iri)}`)).status).to.equal(200);
    const unconfirmed = await member.post("/account/replies/delete", { reply: reply.iri });
    expect(unconfirmed.status).to.equal(422);
    expect((await a.instance.store.replies.byIri(reply.iri))!.deleted).to.equal(null);
    const deleted = await member.post("/account/replies/delete", { reply: reply.iri, confirm: "yes" });
    expect(deleted.status).to.equal(303);
    const stored = (await a.instance.store.replies.byIri(reply.iri))!;
    expect(stored.deleted).to.not.equal(null);
    expect(stored.contentHtml).to.equal("");
  });
});
