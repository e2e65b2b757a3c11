import type { Consultation } from "../../src/domain/consultation.ts";

/** A stored consultation with every field set, for storage and mapping tests. */
export function sampleConsultation(slug: string, overrides: Partial<Consultation> = {}): Consultation {
  return {
    iri: `https://a.example/consultations/${slug}`,
    slug,
    local: true,
    url: `https://a.example/consultations/${slug}`,
    attributedTo: "https://a.example/actors/org",
    sourceActor: null,
    authorAccountId: null,
    descriptionHtml: null,
    outcome: null,
    closingAnnounced: null,
    published: "2026-01-05T09:00:00.000Z",
    updated: "2026-01-05T09:00:00.000Z",
    deleted: null,
    primaryLanguage: "en",
    text: {
      en: {
        title: "Safe shelters along the route",
        purpose: "We want to hear what makes a shelter safe for people on the move.",
        description: "Your answers will shape our guidance for shelter staff.\n\nWrite in your own words.",
        questions: ["What made you feel safe in a shelter?", "What should staff never do?"],
      },
      es: {
        title: "Albergues seguros en la ruta",
        purpose: "Queremos saber qué hace que un albergue sea seguro para las personas en movimiento.",
        description: "Sus respuestas orientarán nuestra guía para el personal.",
        questions: ["¿Qué le hizo sentirse seguro en un albergue?"],
      },
    },
    opens: "2026-03-01T08:00:00.000Z",
    closes: "2026-04-01T20:00:00.000Z",
    timeZone: "America/Bogota",
    moderators: ["editor"],
    languages: ["en", "es"],
    themes: ["missing-migrants"],
    ...overrides,
  };
}

/** Posted form of a consultation, as an editor fills it in; override fields to test errors. */
export function consultationForm(title: string, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    primaryLanguage: "en",
    "text.en.title": title,
    "text.en.purpose": "We want to hear what makes a shelter safe for people on the move.",
    "text.en.description": "Your answers will shape our guidance for shelter staff.",
    "text.en.questions": "What made you feel safe in a shelter?\nWhat should staff never do?",
    "text.es.title": "",
    "text.es.purpose": "",
    "text.es.description": "",
    "text.es.questions": "",
    opens: "2020-01-01T09:00",
    closes: "2099-12-31T18:00",
    timeZone: "America/Bogota",
    moderators: "",
    languages: "en, es",
    ...overrides,
  };
}
