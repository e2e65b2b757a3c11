import fs from "node:fs";
import path from "node:path";

import { getDocumentLoader, preloadedContexts } from "@fedify/vocab-runtime";
import { expect } from "chai";

import { compactEvent, eventToLearningFields } from "../federation/learning-mapping.ts";
import { startInstance, type RunningInstance } from "./support/instance.ts";
import { sampleLearning } from "./support/learning.ts";

const SNAPSHOT = path.resolve(import.meta.dirname, "snapshots/learning-event.json");
const CORPUS = path.resolve(import.meta.dirname, "../../shared/corpus/activitypub");
/** Origin written in the snapshot in place of the test instance's loopback origin. */
const SNAPSHOT_ORIGIN = "https://minga.example";

/** Loads only contexts Fedify preloads, so that the test never reaches the network. */
async function offlineLoader(url: string) {
  if (!(url in preloadedContexts)) throw new Error(`Offline test refused to load ${url}`);
  return getDocumentLoader()(url);
}

describe("learning opportunity federation", () => {
  let running: RunningInstance;

  before(async () => {
    running = await startInstance();
  });
  after(async () => running.stop());

  it("serves the Event of the snapshot", async () => {
    const origin = running.origin;
    const sample = sampleLearning("snapshot-training");
    const item = { ...sample, iri: `${origin}/learning/snapshot-training`, url: `${origin}/learning/snapshot-training`, attributedTo: `${origin}/actors/org` };
    await running.instance.store.learning.save(item);
    const response = await fetch(item.iri, { headers: { Accept: "application/activity+json" } });
    expect(response.status).to.equal(200);
    const served = JSON.parse((await response.text()).replaceAll(origin, SNAPSHOT_ORIGIN));
    // Set UPDATE_SNAPSHOTS=1 to write the file again after an intended change, then review its diff.
    if (process.env.UPDATE_SNAPSHOTS === "1") fs.writeFileSync(SNAPSHOT, `${JSON.stringify(served, null, 2)}\n`);
    expect(served).to.deep.equal(JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")));
  });

  it("reads its own Event back into the same fields", async () => {
    const sample = sampleLearning("round-trip");
    const item = { ...sample, iri: `${running.origin}/learning/round-trip`, url: `${running.origin}/learning/round-trip`, attributedTo: `${running.origin}/actors/org` };
    await running.instance.store.learning.save(item);
    const document = await (await fetch(item.iri, { headers: { Accept: "application/activity+json" } })).json();
    const loader = async (url: string) => (url.startsWith(running.origin) ? { contextUrl: null, documentUrl: url, document: await (await fetch(url)).json() } : offlineLoader(url));
    const parsed = eventToLearningFields(await compactEvent(document, loader));
    if (!parsed.ok) throw new Error(parsed.reason);
    const { text, ...fields } = parsed.fields;
    const { text: sampleText, ...sampleFields } = sample;
    for (const key of Object.keys(fields) as (keyof typeof fields)[]) expect(fields[key], key).to.deep.equal(sampleFields[key]);
    expect(text.fr?.title).to.equal(sampleText.fr?.title);
    expect(text.en?.summary, "the summary comes back without the date line").to.equal(sampleText.en?.summary);
  });

  it("reads a Mobilizon Event with its address and time zone", async () => {
    const document = JSON.parse(fs.readFileSync(path.join(CORPUS, "mobilizon/event-object.json"), "utf8"));
    const parsed = eventToLearningFields(await compactEvent(document, offlineLoader));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.fields.text.en?.title).to.equal("Example folk dance class");
    expect(parsed.fields.timeZone).to.equal("Europe/London");
    expect(parsed.fields.start).to.equal("2022-12-11T19:00:00.000Z");
    expect(parsed.fields.end).to.equal("2022-12-11T21:00:00.000Z");
    expect(parsed.fields.place).to.deep.equal({ name: "Example Community Hall", address: "1 Example Road, EX1 1AA", locality: "Exampletown, England", country: "United Kingdom" });
    expect(parsed.fields.capacity, "Mobilizon's 0 means no limit").to.equal(null);
    expect(parsed.descriptionHtml.en).to.contain("folk dance night");
    expect(parsed.descriptionHtml.en).to.not.contain("target=");
  });

  it("rejects an Event without a start", async () => {
    const parsed = eventToLearningFields(await compactEvent({ "@context": "https://www.w3.org/ns/activitystreams", id: "https://b.example/e/1", type: "Event", name: "No date" }, offlineLoader));
    expect(parsed).to.deep.equal({ ok: false, reason: "Event has no valid startTime" });
  });
});
