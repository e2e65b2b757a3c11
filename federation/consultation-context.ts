/**
 * JSON-LD terms of consultations, part of Minga's context. Opening and
 * closing use ActivityStreams' `startTime`, `endTime` and `closed`, which
 * need no term here; the `timezone` and `availableLanguage` terms come from
 * the learning terms.
 */
export const CONSULTATION_TERMS = {
  consultationPurpose: { "@id": "minga:consultationPurpose", "@container": "@language" },
  consultationDescription: { "@id": "minga:consultationDescription", "@container": "@language" },
  guidingQuestions: { "@id": "minga:guidingQuestion", "@container": "@language" },
  consultationOutcome: { "@id": "minga:consultationOutcome", "@container": "@language" },
} as const;
