import { getDocumentLoader, preloadedContexts, type DocumentLoader } from "@fedify/vocab-runtime";

import { CONSULTATION_TERMS } from "./consultation-context.ts";
import { LEARNING_TERMS } from "./learning-context.ts";

/** Path at which every instance serves Minga's JSON-LD context. */
export const MINGA_CONTEXT_PATH = "/ns/minga-v1.jsonld";

/** Namespace of Minga's own terms; fixed for every instance so partners read the same vocabulary. */
export const MINGA_NAMESPACE = "https://minga.social/ns#";

export const ACTIVITYSTREAMS_CONTEXT = "https://www.w3.org/ns/activitystreams";
export const PUBLIC_COLLECTION = "https://www.w3.org/ns/activitystreams#Public";

/**
 * Returns a copy of a JSON-LD document with the ActivityStreams context
 * when it names no context at all, as Gancio's activities and objects do;
 * JSON-LD would otherwise give its terms no meaning. Other values are
 * returned as they are.
 */
export function withActivityStreamsContext(json: unknown): unknown {
  if (json === null || typeof json !== "object" || Array.isArray(json) || "@context" in json) return json;
  return { "@context": ACTIVITYSTREAMS_CONTEXT, ...json };
}

/**
 * Minga's JSON-LD context: practice fields as Minga terms, mapped to
 * schema.org where schema.org has the same meaning. Multilingual fields are
 * language maps, like ActivityStreams' nameMap.
 */
export const MINGA_CONTEXT = {
  "@context": {
    "@version": 1.1,
    minga: MINGA_NAMESPACE,
    schema: "http://schema.org/",
    xsd: "http://www.w3.org/2001/XMLSchema#",
    Hashtag: "https://www.w3.org/ns/activitystreams#Hashtag",
    contentKind: "minga:contentKind",
    primaryLanguage: "schema:inLanguage",
    themes: { "@id": "minga:theme", "@container": "@set" },
    gcmObjectives: { "@id": "minga:gcmObjective", "@type": "xsd:integer", "@container": "@set" },
    sdgTargets: { "@id": "minga:sdgTarget", "@container": "@set" },
    geographicScope: "minga:geographicScope",
    countries: { "@id": "schema:countryOfOrigin", "@container": "@set" },
    regions: { "@id": "minga:region", "@container": "@set" },
    targetGroups: { "@id": "schema:audience", "@container": "@set" },
    practiceType: "minga:practiceType",
    implementer: "minga:implementer",
    partners: { "@id": "minga:partner", "@container": "@set" },
    periodStart: { "@id": "schema:startDate", "@type": "xsd:date" },
    periodEnd: { "@id": "schema:endDate", "@type": "xsd:date" },
    practiceStatus: "minga:practiceStatus",
    evidenceLevel: "minga:evidenceLevel",
    archived: { "@id": "minga:archived", "@type": "xsd:boolean" },
    license: { "@id": "schema:license" },
    results: { "@id": "minga:results", "@container": "@language" },
    challenges: { "@id": "minga:challenges", "@container": "@language" },
    lessonsLearned: { "@id": "minga:lessonsLearned", "@container": "@language" },
    replicationConditions: { "@id": "minga:replicationConditions", "@container": "@language" },
    focalPoint: { "@id": "minga:focalPoint" },
    focalPointName: "schema:name",
    focalPointEmail: "schema:email",
    ...LEARNING_TERMS,
    ...CONSULTATION_TERMS,
  },
} as const;

/** Returns the context URL an instance publishes. */
export function mingaContextUrl(origin: string): string {
  return new URL(MINGA_CONTEXT_PATH, origin).href;
}

/**
 * Creates a loader that returns our own context from memory and everything
 * else from Fedify's preloaded contexts, rejecting other URLs. It never touches
 * the network, so our own documents can be parsed even when the server is
 * not listening.
 */
export function createOfflineContextLoader(origin: string): DocumentLoader {
  const preloaded = getDocumentLoader();
  const ownUrl = mingaContextUrl(origin);
  return async (url, options) => {
    if (url === ownUrl) return { contextUrl: null, documentUrl: url, document: MINGA_CONTEXT };
    if (!(url in preloadedContexts)) throw new Error(`Refusing to load ${url} while reading our own document offline`);
    return preloaded(url, options);
  };
}
