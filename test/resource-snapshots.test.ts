import fs from "node:fs";
import path from "node:path";

import { Audio, Page, Video } from "@fedify/vocab";
import { expect } from "chai";

import { createOfflineContextLoader } from "../federation/context.ts";
import { activityTypeOf, objectToResourceFields, resourceToObject } from "../federation/resource-mapping.ts";
import type { Resource } from "../src/domain/resource.ts";

/** Origin of the samples; every id in the snapshots starts with it. */
const ORIGIN = "https://minga.example";
const SNAPSHOTS = path.resolve(import.meta.dirname, "snapshots");
const SHA = "3f".repeat(32);

function sample(slug: string, overrides: Partial<Resource>): Resource {
  return {
    iri: `${ORIGIN}/resources/${slug}`,
    slug,
    local: true,
    url: `${ORIGIN}/resources/${slug}`,
    attributedTo: `${ORIGIN}/actors/org`,
    sourceActor: null,
    authorAccountId: 1,
    status: "published",
    file: null,
    captions: [],
    descriptionHtml: null,
    published: "2026-03-01T10:00:00.000Z",
    updated: "2026-03-02T09:30:00.000Z",
    deleted: null,
    primaryLanguage: "en",
    text: {
      en: { title: "Reception guide", summary: "Guidance for reception staff.", description: "First paragraph.\n\n- one\n- two", transcript: "" },
      fr: { title: "Guide de l'accueil", summary: "Conseils pour le personnel d'accueil.", description: "Premier paragraphe.", transcript: "" },
    },
    resourceType: "manual",
    publisher: "Red de Protección",
    publicationDate: "2024-05-02",
    languages: ["en", "fr"],
    licence: "CC-BY-4.0",
    themes: ["child-protection"],
    regions: ["americas"],
    link: null,
    durationSeconds: null,
    audioDescription: false,
    ...overrides,
  };
}

const SAMPLES: Record<string, Resource> = {
  "resource-file": sample("reception-guide", { file: { href: `/files/${SHA}.pdf`, mediaType: "application/pdf", size: 48_213, name: "reception-guide.pdf" } }),
  "resource-link": sample("toolkit", { resourceType: "toolkit", link: "https://publisher.example/toolkit", publicationDate: null }),
  "resource-video": sample("rights-video", {
    resourceType: "video",
    file: { href: `/files/${SHA}.webm`, mediaType: "video/webm", size: 5_000_000, name: "rights.webm" },
    captions: [
      { language: "en", file: { href: `/files/${"1a".repeat(32)}.vtt`, mediaType: "text/vtt", size: 800, name: "en.vtt" } },
      { language: "fr", file: { href: `/files/${"2b".repeat(32)}.vtt`, mediaType: "text/vtt", size: 820, name: "fr.vtt" } },
    ],
    text: {
      en: { title: "Rights at the border", summary: "A short video.", description: "Made with partners.", transcript: "Welcome.\n\nThis video explains your rights." },
      fr: { title: "Vos droits à la frontière", summary: "Une courte vidéo.", description: "", transcript: "Bienvenue." },
    },
    durationSeconds: 125,
    audioDescription: true,
  }),
};

/** Serializes a sample as the object dispatcher does: parsed by Fedify, then written back. */
async function served(resource: Resource): Promise<unknown> {
  const json = resourceToObject(resource, {
    origin: ORIGIN,
    followers: `${ORIGIN}/actors/org/followers`,
    replies: `${ORIGIN}/resources/${resource.slug}/replies`,
    context: `${ORIGIN}/contexts/resource/${resource.slug}`,
    themeUrl: (theme) => `${ORIGIN}/library?theme=${theme}`,
  });
  const loader = createOfflineContextLoader(ORIGIN);
  const type = { Page, Video, Audio }[activityTypeOf(resource)];
  const object = await type.fromJsonLd(json, { documentLoader: loader, contextLoader: loader });
  return object.toJsonLd({ contextLoader: loader });
}

/**
 * Compares the JSON-LD of fixed samples with the checked-in files under
 * test/snapshots/. Run with UPDATE_SNAPSHOTS=1 to rewrite them after a
 * deliberate change, and review the diff.
 */
describe("resource JSON-LD snapshots", () => {
  for (const [name, resource] of Object.entries(SAMPLES)) {
    it(`matches ${name}.json`, async () => {
      const actual = await served(resource);
      const file = path.join(SNAPSHOTS, `${name}.json`);
      if (process.env.UPDATE_SNAPSHOTS === "1") fs.writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).to.deep.equal(JSON.parse(fs.readFileSync(file, "utf8")));
    });
  }

  it("reads its own video back", () => {
    const json = resourceToObject(SAMPLES["resource-video"], { origin: ORIGIN, followers: `${ORIGIN}/actors/org/followers`, replies: `${ORIGIN}/resources/video/replies`, context: `${ORIGIN}/contexts/resource/video`, themeUrl: () => ORIGIN });
    const parsed = objectToResourceFields(json, "fallback");
    expect(parsed.ok).to.equal(true);
    if (!parsed.ok) return;
    expect(parsed.fields.resourceType).to.equal("video");
    expect(parsed.fields.durationSeconds).to.equal(125);
    expect(parsed.fields.text.en?.transcript).to.contain("This video explains your rights.");
    expect(parsed.fields.text.en?.description).to.equal("Made with partners.");
    expect(parsed.file?.href).to.equal(`${ORIGIN}/files/${SHA}.webm`);
    expect(parsed.captions.map((caption) => caption.language)).to.deep.equal(["en", "fr"]);
    expect(parsed.fields.publisher).to.equal("Red de Protección");
    expect(parsed.fields.audioDescription).to.equal(true);
  });
});
