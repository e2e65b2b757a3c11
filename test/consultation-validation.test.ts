import { expect } from "chai";

import { consultationState, formatInstant, submissionRefusal, validateConsultationFields, validateOutcome } from "../src/domain/consultation.ts";
import { formToConsultationInput } from "../src/web/consultation-form.ts";
import { consultationForm } from "./support/consultation.ts";

function validInput(overrides: Record<string, string | string[]> = {}) {
  return formToConsultationInput(consultationForm("Safe shelters", overrides));
}

describe("consultation validation", () => {
  it("accepts a complete form and stores instants in UTC", () => {
    const result = validateConsultationFields(validInput({ opens: "2030-03-10T09:00", closes: "2030-04-10T18:00", moderators: "@Editor, reviewer" }));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    // Bogotá is UTC-5 all year.
    expect(result.value.opens).to.equal("2030-03-10T14:00:00.000Z");
    expect(result.value.closes).to.equal("2030-04-10T23:00:00.000Z");
    expect(result.value.text.en?.questions).to.deep.equal(["What made you feel safe in a shelter?", "What should staff never do?"]);
    expect(result.value.text.es, "a language left empty is left out").to.equal(undefined);
    expect(result.value.moderators).to.deep.equal(["editor", "reviewer"]);
    expect(result.value.languages).to.deep.equal(["en", "es"]);
  });

  it("requires a closing after the opening", () => {
    const result = validateConsultationFields(validInput({ opens: "2030-03-10T09:00", closes: "2030-03-10T09:00" }));
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors.closes).to.equal("closesBeforeOpens");
  });

  it("requires a question in the main language", () => {
    const result = validateConsultationFields(validInput({ "text.en.questions": "\n  \n" }));
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors["text.en.questions"]).to.equal("atLeastOneQuestion");
  });

  it("reports every invalid field at once", () => {
    const result = validateConsultationFields(validInput({ "text.en.title": "", opens: "soon", timeZone: "Mars/Base", languages: "", moderators: "no spaces!" }));
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.errors["text.en.title"]).to.equal("required");
    expect(result.errors.opens).to.equal("dateTime");
    expect(result.errors.timeZone).to.equal("timeZone");
    expect(result.errors.languages).to.equal("atLeastOne");
    expect(result.errors.moderators).to.equal("username");
  });

  it("requires a time zone", () => {
    const result = validateConsultationFields(validInput({ timeZone: "" }));
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors.timeZone).to.equal("required");
  });

  it("requires the main language's text", () => {
    const result = validateConsultationFields(validInput({ primaryLanguage: "fr" }));
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors["text.fr.title"]).to.equal("primaryMissing");
  });

  it("limits the number of questions", () => {
    const questions = Array.from({ length: 21 }, (_, index) => `Question ${index + 1}?`).join("\n");
    const result = validateConsultationFields(validInput({ "text.en.questions": questions }));
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors["text.en.questions"]).to.equal("tooManyQuestions");
  });

  it("requires the summary in the main language", () => {
    expect(validateOutcome({ en: "", es: "Escuchamos mucho." }, "en")).to.deep.equal({ ok: false, errors: { "outcome.en": "outcomeRequired" } });
    expect(validateOutcome({ en: " We heard a lot. ", fr: "" }, "en")).to.deep.equal({ ok: true, value: { en: "We heard a lot." } });
    expect(validateOutcome({ en: "x".repeat(50_001) }, "en")).to.deep.equal({ ok: false, errors: { "outcome.en": "tooLong" } });
  });
});

describe("consultation state", () => {
  const item = { opens: "2030-03-10T14:00:00.000Z", closes: "2030-04-10T23:00:00.000Z" };

  it("is upcoming before the opening", () => {
    expect(consultationState(item, new Date("2030-03-10T13:59:59.999Z"))).to.equal("upcoming");
    expect(submissionRefusal(item, new Date("2030-03-10T13:59:59.999Z"))).to.equal("notOpenYet");
  });

  it("is open from the opening to the closing", () => {
    expect(consultationState(item, new Date("2030-03-10T14:00:00.000Z"))).to.equal("open");
    expect(submissionRefusal(item, new Date("2030-04-10T22:59:59.999Z"))).to.equal(null);
  });

  it("is closed from the closing instant", () => {
    expect(consultationState(item, new Date("2030-04-10T23:00:00.000Z"))).to.equal("closed");
    expect(submissionRefusal(item, new Date("2030-04-10T23:00:00.000Z"))).to.equal("closed");
  });

  it("formats an instant in its zone and names it", () => {
    const text = formatInstant("2030-04-10T23:00:00.000Z", "America/Bogota", "en");
    expect(text).to.contain("April 10, 2030");
    expect(text).to.contain("6:00");
    expect(text).to.match(/\(America\/Bogota\)$/);
  });
});
