import fs from "node:fs";
import path from "node:path";

import { validateConsultationFields, validateOutcome } from "../../src/domain/consultation.ts";
import { validateLearningFields } from "../../src/domain/learning.ts";
import { saveOrganizationProfile } from "../../src/domain/organization.ts";
import { slugify, validatePracticeFields } from "../../src/domain/practice.ts";
import { validateResourceFields } from "../../src/domain/resource.ts";
import type { Language } from "../../src/domain/vocabulary.ts";
import type { Instance } from "../../src/instance.ts";

const DEMO_CONTENT = path.resolve(import.meta.dirname, "demo-content.json");
const ERROR_MESSAGES: Record<string, string> = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../locales/en/errors.json"), "utf8"));

/** Error for invalid content given to a seeding or import command; its message names the entry and the reason. */
export class SeedError extends Error {}

/** Creates the demo learning opportunities whose title's slug is still free, so running seed-demo twice changes nothing. */
async function importDemoLearning(instance: Instance, entries: Record<string, unknown>[]): Promise<{ created: number; skipped: number }> {
  let created = 0;
  let skipped = 0;
  for (const entry of entries) {
    const result = validateLearningFields(entry);
    if (!result.ok) throw new SeedError(`Demo learning opportunity is invalid: ${JSON.stringify(result.errors)}`);
    const title = result.value.text[result.value.primaryLanguage]!.title;
    if (await instance.store.learning.slugExists(slugify(title))) {
      skipped++;
      continue;
    }
    await instance.learning.create(result.value, null);
    created++;
  }
  return { created, skipped };
}

/** Creates the demo resources (links, no files) whose title's slug is still free. */
async function importDemoResources(instance: Instance, entries: Record<string, unknown>[]): Promise<{ created: number; skipped: number }> {
  let created = 0;
  let skipped = 0;
  for (const entry of entries) {
    const result = validateResourceFields(entry);
    if (!result.ok) throw new SeedError(`Demo resource is invalid: ${JSON.stringify(result.errors)}`);
    const title = result.value.text[result.value.primaryLanguage]!.title;
    if (await instance.store.resources.slugExists(slugify(title))) {
      skipped++;
      continue;
    }
    await instance.resources.create(result.value, { file: null, captions: [] }, null, { publish: true });
    created++;
  }
  return { created, skipped };
}

/** Creates the demo consultations whose title's slug is still free, with the summary of a closed one. */
async function importDemoConsultations(instance: Instance, entries: Record<string, unknown>[]): Promise<{ created: number; skipped: number }> {
  let created = 0;
  let skipped = 0;
  for (const { outcome, ...entry } of entries) {
    const result = validateConsultationFields(entry);
    if (!result.ok) throw new SeedError(`Demo consultation is invalid: ${JSON.stringify(result.errors)}`);
    const title = result.value.text[result.value.primaryLanguage]!.title;
    if (await instance.store.consultations.slugExists(slugify(title))) {
      skipped++;
      continue;
    }
    const consultation = await instance.consultations.create(result.value, null);
    if (outcome) {
      const summary = validateOutcome(outcome as Record<string, unknown>, result.value.primaryLanguage);
      if (!summary.ok) throw new SeedError(`Demo consultation summary is invalid: ${JSON.stringify(summary.errors)}`);
      await instance.consultations.publishOutcome(consultation, summary.value);
    }
    created++;
  }
  return { created, skipped };
}

export interface ImportablePractice {
  slug?: string;
  [key: string]: unknown;
}

/** Imports practices; existing slugs are skipped, so running it twice changes nothing. */
export async function importPractices(instance: Instance, entries: ImportablePractice[], publish: boolean): Promise<{ created: number; skipped: number }> {
  let created = 0;
  let skipped = 0;
  for (const [index, entry] of entries.entries()) {
    const result = validatePracticeFields(entry);
    if (!result.ok) {
      const details = Object.entries(result.errors).map(([field, error]) => `${field}: ${ERROR_MESSAGES[error] ?? error}`).join(" ");
      throw new SeedError(`Practice #${index + 1} (${entry.slug ?? "no slug"}) is invalid: ${details}`);
    }
    if (entry.slug && (await instance.store.practices.slugExists(entry.slug))) {
      skipped++;
      continue;
    }
    await instance.practices.create(result.value, null, { publish, slug: entry.slug });
    created++;
  }
  return { created, skipped };
}

type Counts = { created: number; skipped: number };

/**
 * Saves the demo organization profile and creates the demo practices,
 * learning opportunities, resources and consultations that are not there
 * yet, so running it twice changes nothing.
 */
export async function seedDemo(instance: Instance, primaryLanguage: Language): Promise<{ practices: Counts; learning: Counts; resources: Counts; consultations: Counts }> {
  const content = JSON.parse(fs.readFileSync(DEMO_CONTENT, "utf8"));
  await saveOrganizationProfile(instance.store, { ...content.organization, primaryLanguage });
  return {
    practices: await importPractices(instance, content.practices, true),
    learning: await importDemoLearning(instance, content.learning ?? []),
    resources: await importDemoResources(instance, content.resources ?? []),
    consultations: await importDemoConsultations(instance, content.consultations ?? []),
  };
}
