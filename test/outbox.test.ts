import { expect } from "chai";

import { startInstance, type RunningInstance } from "./support/instance.ts";
import { sampleConsultation } from "./support/consultation.ts";
import { sampleLearning } from "./support/learning.ts";

const AP = { Accept: "application/activity+json" };

describe("group outbox", () => {
  let running: RunningInstance;
  const expected: string[] = [];

  before(async () => {
    running = await startInstance();
    const { origin, instance } = running;
    const group = `${origin}/actors/org`;
    // 13 learning opportunities and 12 consultations, published one minute apart and interleaved, so that pages mix the kinds.
    for (let index = 0; index < 25; index++) {
      const published = new Date(Date.UTC(2026, 0, 1, 9, index)).toISOString();
      const slug = `item-${String(index).padStart(2, "0")}`;
      if (index % 2 === 0) {
        const iri = `${origin}/learning/${slug}`;
        await instance.store.learning.save(sampleLearning(slug, { iri, url: iri, attributedTo: group, published, updated: published }));
        expected.push(iri);
      } else {
        const iri = `${origin}/consultations/${slug}`;
        await instance.store.consultations.save(sampleConsultation(slug, { iri, url: iri, attributedTo: group, published, updated: published }));
        expected.push(iri);
      }
    }
    expected.reverse();
    const deleted = `${origin}/learning/deleted-item`;
    await instance.store.learning.save(sampleLearning("deleted-item", { iri: deleted, url: deleted, attributedTo: group, published: "2026-02-01T00:00:00.000Z", deleted: "2026-02-02T00:00:00.000Z" }));
  });
  after(async () => running.stop());

  it("pages every kind newest first", async () => {
    const collection = await (await fetch(`${running.origin}/actors/org/outbox`, { headers: AP })).json();
    expect(collection.totalItems, "the deleted item is left out").to.equal(25);
    const seen: string[] = [];
    let next: string | undefined = collection.first;
    let pages = 0;
    while (next) {
      const page = await (await fetch(next, { headers: AP })).json();
      for (const item of page.orderedItems as { id: string; object: { id: string } }[]) {
        expect(item.id).to.equal(`${item.object.id}#create`);
        seen.push(item.object.id);
      }
      next = page.next;
      pages++;
    }
    expect(pages, "20 items per page").to.equal(2);
    expect(seen).to.deep.equal(expected);
  });

  it("starts over on an unreadable cursor", async () => {
    const page = await (await fetch(`${running.origin}/actors/org/outbox?cursor=20`, { headers: AP })).json();
    expect(page.orderedItems[0].object.id).to.equal(expected[0]);
  });
});
