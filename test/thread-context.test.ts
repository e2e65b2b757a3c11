import { expect } from "chai";

import { addAccount, Browser, practiceForm, startInstance, type RunningInstance } from "./support/instance.ts";
import { learningForm } from "./support/learning.ts";

const AP = { Accept: "application/activity+json" };

type Collection = { type: string; totalItems: number; orderedItems?: string[]; first?: string | { orderedItems: string[] } };

describe("thread context collections (FEP-7888)", function () {
  this.timeout(60_000);
  let running: RunningInstance;
  let editor: Browser;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "editor", "editor");
    editor = new Browser(running.origin);
    await editor.signIn("editor");
  });

  after(async () => running.stop());

  /** Reads an ordered collection with all its items, following its first page when it has one. */
  async function readCollection(url: string): Promise<{ totalItems: number; items: string[] }> {
    const response = await fetch(url, { headers: AP });
    expect(response.status, url).to.equal(200);
    const collection = (await response.json()) as Collection;
    if (collection.orderedItems) return { totalItems: collection.totalItems, items: collection.orderedItems };
    const first = typeof collection.first === "string" ? ((await (await fetch(collection.first, { headers: AP })).json()) as { orderedItems: string[] }) : collection.first!;
    return { totalItems: collection.totalItems, items: first.orderedItems };
  }

  it("lists a practice and its replies, and both point to it", async () => {
    const created = await editor.post("/practices", practiceForm("Practice with a thread"));
    const path = new URL(created.headers.get("location")!, running.origin).pathname;
    const slug = path.split("/")[2];
    await editor.post(`${path}/replies`, { content: "First reply.", language: "en" });
    await editor.post(`${path}/replies`, { content: "Second reply.", language: "en" });
    const contextUrl = `${running.origin}/contexts/practice/${slug}`;

    const article = (await (await fetch(`${running.origin}${path}`, { headers: AP })).json()) as { context: string };
    expect(article.context).to.equal(contextUrl);
    const { totalItems, items } = await readCollection(contextUrl);
    const replies = await running.instance.store.replies.listForRoot(`${running.origin}${path}`);
    expect(totalItems).to.equal(3);
    expect(items).to.deep.equal([`${running.origin}${path}`, ...replies.map((reply) => reply.iri)]);
    const note = (await (await fetch(replies[0].iri, { headers: AP })).json()) as { context: string };
    expect(note.context).to.equal(contextUrl);
  });

  it("serves learning opportunities too", async () => {
    const created = await editor.post("/learning", learningForm("Training with a thread"));
    const slug = new URL(created.headers.get("location")!, running.origin).pathname.split("/")[2];
    const event = (await (await fetch(`${running.origin}/learning/${slug}`, { headers: AP })).json()) as { context: string };
    expect(event.context).to.equal(`${running.origin}/contexts/learning/${slug}`);
    expect((await readCollection(event.context)).items).to.deep.equal([`${running.origin}/learning/${slug}`]);
  });

  it("hides drafts and unknown items", async () => {
    const draft = await editor.post("/practices", { ...practiceForm("Draft with no thread"), action: "draft" });
    const slug = new URL(draft.headers.get("location")!, running.origin).pathname.split("/")[2];
    expect((await fetch(`${running.origin}/contexts/practice/${slug}`, { headers: AP })).status).to.equal(404);
    expect((await fetch(`${running.origin}/contexts/practice/no-such-practice`, { headers: AP })).status).to.equal(404);
    expect((await fetch(`${running.origin}/contexts/nonsense/${slug}`, { headers: AP })).status).to.equal(404);
  });
});
