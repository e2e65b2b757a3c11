import fs from "node:fs";
import path from "node:path";

import { getDocumentLoader, preloadedContexts } from "@fedify/vocab-runtime";
import { expect } from "chai";

import { articleToConsultationFields } from "../federation/consultation-mapping.ts";
import { compactEvent } from "../federation/learning-mapping.ts";
import { startInstance, type RunningInstance } from "./support/instance.ts";
import { sampleConsultation } from "./support/consultation.ts";

const SNAPSHOT = path.resolve(import.meta.dirname, "snapshots/consultation-article.json");
/** Origin written in the snapshot in place of the test instance's loopback origin. */
const SNAPSHOT_ORIGIN = "https://minga.example";
const AP = { Accept: "application/activity+json" };

/** Loads only contexts Fedify preloads, so that the test never reaches the network. */
async function offlineLoader(url: string) {
  if (!(url in preloadedContexts)) throw new Error(`Offline test refused to load ${url}`);
  return getDocumentLoader()(url);
}

describe("consultation federation", () => {
  let running: RunningInstance;

  before(async () => {
    running = await startInstance();
  });
  after(async () => running.stop());

  function stored(slug: string, overrides: Parameters<typeof sampleConsultation>[1] = {}) {
    const origin = running.origin;
    return sampleConsultation(slug, { iri: `${origin}/consultations/${slug}`, url: `${origin}/consultations/${slug}`, attributedTo: `${origin}/actors/org`, ...overrides });
  }

  it("serves the Article of the snapshot", async () => {
    // Closed, with a summary, so that the snapshot contains `closed` and the summary too.
    const item = stored("snapshot-consultation", { opens: "2025-03-01T13:00:00.000Z", closes: "2025-04-01T22:00:00.000Z", outcome: { en: "People asked for lockers.", es: "Pidieron casilleros." } });
    await running.instance.store.consultations.save(item);
    const response = await fetch(item.iri, { headers: AP });
    expect(response.status).to.equal(200);
    const served = JSON.parse((await response.text()).replaceAll(running.origin, SNAPSHOT_ORIGIN));
    // Set UPDATE_SNAPSHOTS=1 to write the file again after an intended change, then review its diff.
    if (process.env.UPDATE_SNAPSHOTS === "1") fs.writeFileSync(SNAPSHOT, `${JSON.stringify(served, null, 2)}\n`);
    expect(served).to.deep.equal(JSON.parse(fs.readFileSync(SNAPSHOT, "utf8")));
  });

  it("reads its own Article back into the same fields", async () => {
    const item = stored("round-trip", { outcome: { en: "We heard about locks." } });
    await running.instance.store.consultations.save(item);
    const document = await (await fetch(item.iri, { headers: AP })).json();
    const loader = async (url: string) => (url.startsWith(running.origin) ? { contextUrl: null, documentUrl: url, document: await (await fetch(url)).json() } : offlineLoader(url));
    const parsed = articleToConsultationFields(await compactEvent(document, loader));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.fields.opens).to.equal(item.opens);
    expect(parsed.fields.closes).to.equal(item.closes);
    expect(parsed.fields.timeZone).to.equal(item.timeZone);
    expect(parsed.fields.languages).to.deep.equal(item.languages);
    expect(parsed.fields.themes).to.deep.equal(item.themes);
    expect(parsed.fields.moderators, "moderators are local accounts and stay home").to.deep.equal([]);
    expect(parsed.fields.text.en?.questions).to.deep.equal(item.text.en?.questions);
    expect(parsed.fields.text.es?.questions).to.deep.equal(item.text.es?.questions);
    expect(parsed.fields.text.en?.purpose, "the purpose comes back without the state line").to.equal(item.text.en?.purpose);
    expect(parsed.descriptionHtml.en, "the description comes back without the questions").to.not.contain("What should staff never do?");
    expect(parsed.outcome).to.deep.equal({ en: "We heard about locks." });
  });

  it("reads an Article from other software", async () => {
    const document = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: "https://b.example/posts/1",
      type: "Article",
      name: "Consulta sobre albergues",
      content: "<p>¿Qué necesita?</p><script>alert(1)</script>",
      published: "2026-02-01T00:00:00Z",
      endTime: "2026-03-01T00:00:00Z",
      contentMap: { es: "<p>¿Qué necesita?</p>" },
    };
    const parsed = articleToConsultationFields(await compactEvent(document, offlineLoader));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.fields.primaryLanguage).to.equal("es");
    expect(parsed.fields.opens, "opens when published").to.equal("2026-02-01T00:00:00.000Z");
    expect(parsed.fields.closes).to.equal("2026-03-01T00:00:00.000Z");
    expect(parsed.fields.timeZone).to.equal("UTC");
    expect(parsed.descriptionHtml.es).to.equal("<p>¿Qué necesita?</p>");
  });

  it("rejects an Article without an end", async () => {
    const parsed = articleToConsultationFields(await compactEvent({ "@context": "https://www.w3.org/ns/activitystreams", id: "https://b.example/a/1", type: "Article", name: "No end" }, offlineLoader));
    expect(parsed).to.deep.equal({ ok: false, reason: "Consultation has no valid endTime" });
  });
});
