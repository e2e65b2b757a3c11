import type { LearningOpportunity } from "../../src/domain/learning.ts";

/** A stored learning opportunity with every field set, for storage and mapping tests. */
export function sampleLearning(slug: string, overrides: Partial<LearningOpportunity> = {}): LearningOpportunity {
  return {
    iri: `https://a.example/learning/${slug}`,
    slug,
    local: true,
    url: `https://a.example/learning/${slug}`,
    attributedTo: "https://a.example/actors/org",
    sourceActor: null,
    authorAccountId: null,
    descriptionHtml: null,
    published: "2026-01-05T09:00:00.000Z",
    updated: "2026-01-05T09:00:00.000Z",
    deleted: null,
    primaryLanguage: "en",
    text: {
      en: { title: "Screening for trafficking indicators", summary: "A hands-on training for reception staff.", description: "Day one covers indicators.\n\nDay two covers referral." },
      fr: { title: "Repérer les indices de traite", summary: "Une formation pratique pour le personnel d’accueil.", description: "Le premier jour porte sur les indices." },
    },
    format: "training",
    start: "2026-03-10T13:00:00.000Z",
    end: "2026-03-10T16:30:00.000Z",
    timeZone: "Europe/Paris",
    onlineUrl: "https://meet.example/screening",
    place: { name: "Maison des associations", address: "12 rue de la Paix", locality: "Lyon", country: "FR" },
    languages: ["en", "fr"],
    interpretationLanguages: ["ar"],
    registrationUrl: "https://a.example/register/screening",
    registrationMode: "open",
    capacity: 40,
    organizer: "Red de Intérpretes",
    materials: [{ name: "Slides", url: "https://a.example/files/slides.pdf" }],
    recordingUrl: null,
    themes: ["trafficking-in-persons"],
    ...overrides,
  };
}

/** A valid learning opportunity form, as the editor posts it. */
export function learningForm(title = "Screening for trafficking indicators"): Record<string, string | string[]> {
  return {
    primaryLanguage: "en",
    "text.en.title": title,
    "text.en.summary": "A hands-on training for reception staff.",
    "text.en.description": "Day one covers indicators.\n\nDay two covers referral.",
    "text.es.title": `${title} (ES)`,
    "text.es.summary": "Una formación práctica para el personal de acogida.",
    "text.es.description": "",
    format: "training",
    start: "2030-03-10T14:00",
    end: "2030-03-10T17:30",
    timeZone: "Europe/Paris",
    onlineUrl: "https://meet.example/screening",
    "place.name": "Maison des associations",
    "place.address": "12 rue de la Paix",
    "place.locality": "Lyon",
    "place.country": "FR",
    languages: "en, fr",
    interpretationLanguages: "ar",
    registrationUrl: "",
    registrationMode: "on-request",
    capacity: "40",
    organizer: "Red de Intérpretes",
    materials: "Slides https://a.example/files/slides.pdf\nReading list https://a.example/files/reading.html",
    recordingUrl: "",
    themes: ["trafficking-in-persons"],
  };
}
