/**
 * JSON-LD terms of learning opportunities, part of Minga's context. Terms
 * Mobilizon also uses keep Mobilizon's names and IRIs (`timezone`,
 * `isOnline`), and place and capacity use schema.org, so that Mobilizon and
 * other calendar software read them.
 */
export const LEARNING_TERMS = {
  mz: "https://joinmobilizon.org/ns#",
  timezone: "mz:timezone",
  isOnline: { "@id": "mz:isOnline", "@type": "xsd:boolean" },
  learningFormat: "minga:learningFormat",
  learningSummary: { "@id": "minga:learningSummary", "@container": "@language" },
  onlineAddress: { "@id": "minga:onlineAddress", "@type": "@id" },
  availableLanguage: { "@id": "schema:availableLanguage", "@container": "@set" },
  interpretationLanguages: { "@id": "minga:interpretationLanguage", "@container": "@set" },
  registrationUrl: { "@id": "minga:registrationUrl", "@type": "@id" },
  registrationMode: "minga:registrationMode",
  maximumAttendeeCapacity: { "@id": "schema:maximumAttendeeCapacity", "@type": "xsd:integer" },
  organizerName: "minga:organizerName",
  recording: { "@id": "minga:recording", "@type": "@id" },
  address: "schema:address",
  PostalAddress: "schema:PostalAddress",
  streetAddress: "schema:streetAddress",
  postalCode: "schema:postalCode",
  addressLocality: "schema:addressLocality",
  addressRegion: "schema:addressRegion",
  addressCountry: "schema:addressCountry",
} as const;
