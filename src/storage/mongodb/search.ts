import type { Db, Document, Filter } from "mongodb";

import type { Practice } from "../../domain/practice.ts";
import type { Resource } from "../../domain/resource.ts";
import { LANGUAGES } from "../../domain/vocabulary.ts";
import type { LibraryHit, LibrarySearchQuery, SearchRepository } from "../types.ts";
import { COLLECTIONS } from "./database.ts";

const MEDIA_TYPES = ["video", "audio"];

/** Fields of a collection's text index with their weights: title above summary above body, in every language. */
function textIndexFields(root: "practice" | "resource", bodyFields: string[]): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const language of LANGUAGES) {
    weights[`${root}.text.${language}.title`] = 10;
    weights[`${root}.text.${language}.summary`] = 5;
    for (const field of bodyFields) weights[`${root}.text.${language}.${field}`] = 1;
  }
  return weights;
}

/**
 * Creates the text indexes behind library search, one per collection (MongoDB
 * allows one). Version 3 text indexes ignore case and diacritics, and
 * language "none" turns off stemming and stop words, so words match as
 * typed in English, French or Spanish alike.
 */
export async function createSearchIndexes(database: Db): Promise<void> {
  const specification = (fields: Record<string, number>) => Object.fromEntries(Object.keys(fields).map((field) => [field, "text" as const]));
  const practiceFields = textIndexFields("practice", ["body", "results", "challenges", "lessonsLearned", "replication"]);
  const resourceFields = textIndexFields("resource", ["description", "transcript"]);
  await Promise.all([
    database.collection(COLLECTIONS.practices).createIndex(specification(practiceFields), {
      name: "practices_search",
      weights: practiceFields,
      default_language: "none",
      textIndexVersion: 3,
    }),
    database.collection(COLLECTIONS.resources).createIndex(specification(resourceFields), {
      name: "resources_search",
      weights: resourceFields,
      default_language: "none",
      textIndexVersion: 3,
    }),
  ]);
}

/**
 * Quotes every term as a $text phrase, so that operators in typed text
 * (a leading "-" negates a word in $text) are searched as plain words.
 * NOTE: this expects $text to require every quoted phrase. That and the rest
 * of this adapter are type-checked only, because no MongoDB server runs in
 * the test suite.
 * TODO: match the last term as a prefix, as SQLite does, once search moves to a
 * normalized field or Atlas Search; $text matches whole words only.
 */
function textSearch(terms: string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', " ")}"`).join(" ");
}

interface Scored {
  hit: LibraryHit;
  score: number;
  listedAt: string;
}

/** Orders by text score, then newest first, then by iri, as the SQLite adapter does. */
function byRelevance(a: Scored, b: Scored): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.listedAt !== b.listedAt) return a.listedAt < b.listedAt ? 1 : -1;
  return a.hit.item.iri.localeCompare(b.hit.item.iri);
}

/** Library search over the practices and resources collections, merged by text score. */
export class MongoSearchRepository implements SearchRepository {
  constructor(private readonly database: Db) {}

  async library(query: LibrarySearchQuery): Promise<{ hits: LibraryHit[]; total: number }> {
    if (query.terms.length === 0) return { hits: [], total: 0 };
    const search = { $search: textSearch(query.terms) };
    // Each collection returns its best offset + limit items, enough to cut the merged page from.
    const end = query.offset + query.limit;
    const results: { scored: Scored[]; total: number }[] = [];

    if (query.kind === null || query.kind === "practice") {
      const filter: Filter<Document> = { $text: search, "practice.deleted": null, "practice.status": { $in: ["published", "archived"] }, hidden: null };
      if (query.theme) filter["practice.themes"] = query.theme;
      results.push(await this.read(COLLECTIONS.practices, filter, end, (document) => ({ kind: "practice", item: { ...(document.practice as Practice), hidden: null } })));
    }
    if (query.kind !== "practice") {
      const filter: Filter<Document> = { $text: search, "resource.deleted": null, "resource.status": { $in: ["published", "archived"] }, hidden: null };
      if (query.kind === "resource") filter["resource.resourceType"] = { $nin: MEDIA_TYPES };
      if (query.kind === "media") filter["resource.resourceType"] = { $in: MEDIA_TYPES };
      if (query.theme) filter["resource.themes"] = query.theme;
      results.push(await this.read(COLLECTIONS.resources, filter, end, (document) => ({ kind: "resource", item: { ...(document.resource as Resource), hidden: null } })));
    }

    const merged = results.flatMap((result) => result.scored).sort(byRelevance);
    return { hits: merged.slice(query.offset, end).map((entry) => entry.hit), total: results.reduce((sum, result) => sum + result.total, 0) };
  }

  private async read(name: string, filter: Filter<Document>, end: number, toHit: (document: Document) => LibraryHit): Promise<{ scored: Scored[]; total: number }> {
    const collection = this.database.collection(name);
    const total = await collection.countDocuments(filter);
    if (end <= 0) return { scored: [], total };
    const documents = await collection
      .find(filter, { projection: { score: { $meta: "textScore" } } })
      .sort({ score: { $meta: "textScore" }, listedAt: -1, _id: 1 })
      .limit(end)
      .toArray();
    return { scored: documents.map((document) => ({ hit: toHit(document), score: document.score as number, listedAt: document.listedAt as string })), total };
  }
}
