import fs from "node:fs";
import path from "node:path";

import { Article } from "@fedify/vocab";
import { expect } from "chai";

import { createOfflineContextLoader } from "../federation/context.ts";
import { practiceToArticle } from "../federation/mapping.ts";
import type { Practice } from "../src/domain/practice.ts";

/** Origin of the samples; every id in the snapshots starts with it. */
const ORIGIN = "https://minga.example";
const SNAPSHOTS = path.resolve(import.meta.dirname, "snapshots");

function sample(slug: string, overrides: Partial<Practice> = {}): Practice {
  return {
    iri: `${ORIGIN}/practices/${slug}`,
    slug,
    local: true,
    url: `${ORIGIN}/practices/${slug}`,
    attributedTo: `${ORIGIN}/actors/org`,
    sourceActor: null,
    authorAccountId: 1,
    status: "published",
    bodyHtml: null,
    published: "2026-03-01T10:00:00.000Z",
    updated: "2026-03-02T09:30:00.000Z",
    deleted: null,
    primaryLanguage: "es",
    text: {
      es: {
        title: "Intérpretes comunitarios en la frontera",
        summary: "Intérpretes formados ayudan a las personas recién llegadas a entender sus derechos.",
        body: "Primer párrafo.\n\n- uno\n- dos",
        results: "1.200 personas atendidas.",
        challenges: "",
        lessonsLearned: "Formar a los intérpretes en principios de protección.",
        replication: "",
      },
      en: { title: "Community interpreters at the border", summary: "Trained interpreters help new arrivals understand their rights.", body: "First paragraph.", results: "", challenges: "", lessonsLearned: "", replication: "" },
    },
    themes: ["child-protection", "access-to-justice"],
    gcmObjectives: [7, 16],
    sdgTargets: ["10.7", "16.2"],
    scope: "national",
    countries: ["CO", "EC"],
    regions: ["americas"],
    targetGroups: ["children", "women"],
    practiceType: "service",
    implementer: "Red de Protección",
    partners: ["Cruz Roja"],
    periodStart: "2023-01-15",
    periodEnd: null,
    practiceStatus: "ongoing",
    evidenceLevel: "documented",
    licence: "CC-BY-4.0",
    focalPoint: { name: "Ana Pérez", email: "ana@example.org", federate: true },
    ...overrides,
  };
}

const SAMPLES: Record<string, Practice> = {
  "practice-article": sample("interpreters"),
  "practice-archived": sample("archived-practice", { status: "archived", focalPoint: { name: "Ana Pérez", email: "ana@example.org", federate: false } }),
};

/** Serializes a sample as the Article dispatcher does: parsed by Fedify, then written back. */
async function served(practice: Practice): Promise<unknown> {
  const json = practiceToArticle(
    practice,
    {
      origin: ORIGIN,
      group: `${ORIGIN}/actors/org`,
      followers: `${ORIGIN}/actors/org/followers`,
      replies: `${practice.iri}/replies`,
      context: `${ORIGIN}/contexts/practice/${practice.slug}`,
      themeUrl: (theme) => `${ORIGIN}/library?theme=${theme}`,
    },
    { likes: 2, shares: 1, replies: 3 },
  );
  const loader = createOfflineContextLoader(ORIGIN);
  const article = await Article.fromJsonLd(json, { documentLoader: loader, contextLoader: loader });
  return article.toJsonLd({ contextLoader: loader });
}

/**
 * Compares the Article of fixed practices with the checked-in files under
 * test/snapshots/. Run with UPDATE_SNAPSHOTS=1 to rewrite them after a
 * deliberate change, and review the diff.
 */
describe("practice JSON-LD snapshots", () => {
  for (const [name, practice] of Object.entries(SAMPLES)) {
    it(`matches ${name}.json`, async () => {
      const actual = await served(practice);
      const file = path.join(SNAPSHOTS, `${name}.json`);
      if (process.env.UPDATE_SNAPSHOTS === "1") fs.writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).to.deep.equal(JSON.parse(fs.readFileSync(file, "utf8")));
    });
  }

  it("marks only archived practices", async () => {
    expect((await served(SAMPLES["practice-article"])) as Record<string, unknown>).not.to.have.property("archived");
    expect(((await served(SAMPLES["practice-archived"])) as Record<string, unknown>).archived).to.equal(true);
  });

  it("federates the focal point only with consent", async () => {
    expect(JSON.stringify(await served(SAMPLES["practice-article"]))).to.contain("ana@example.org");
    expect(JSON.stringify(await served(SAMPLES["practice-archived"]))).not.to.contain("ana@example.org");
  });
});
