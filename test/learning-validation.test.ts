import { expect } from "chai";

import { formatWhen, localToInstant, validateLearningFields } from "../src/domain/learning.ts";
import { formToLearningInput } from "../src/web/learning-form.ts";
import { learningForm } from "./support/learning.ts";

function validInput(overrides: Record<string, string | string[]> = {}) {
  return formToLearningInput({ ...learningForm(), ...overrides });
}

describe("learning opportunity validation", () => {
  it("accepts a complete form and stores instants in UTC", () => {
    const result = validateLearningFields(validInput());
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    // 14:00 in Paris in March 2030 is before the summer time change, so UTC+1.
    expect(result.value.start).to.equal("2030-03-10T13:00:00.000Z");
    expect(result.value.end).to.equal("2030-03-10T16:30:00.000Z");
    expect(result.value.place).to.deep.equal({ name: "Maison des associations", address: "12 rue de la Paix", locality: "Lyon", country: "FR" });
    expect(result.value.materials).to.deep.equal([
      { name: "Slides", url: "https://a.example/files/slides.pdf" },
      { name: "Reading list", url: "https://a.example/files/reading.html" },
    ]);
    expect(result.value.languages).to.deep.equal(["en", "fr"]);
    expect(result.value.capacity).to.equal(40);
    expect(result.value.registrationUrl).to.equal(null);
  });

  it("reports missing required fields", () => {
    const result = validateLearningFields(validInput({ "text.en.title": "", organizer: "", start: "", languages: "", registrationMode: "" }));
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.errors["text.en.title"]).to.equal("required");
    expect(result.errors.organizer).to.equal("required");
    expect(result.errors.start).to.equal("dateTime");
    expect(result.errors.languages).to.equal("atLeastOne");
    expect(result.errors.registrationMode).to.equal("choice");
  });

  it("rejects an end before the start", () => {
    const result = validateLearningFields(validInput({ end: "2030-03-10T13:59" }));
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors).to.deep.equal({ end: "endBeforeStart" });
  });

  it("reports the end with other errors at once", () => {
    const result = validateLearningFields(validInput({ end: "2030-03-09T10:00", organizer: "" }));
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors).to.deep.equal({ end: "endBeforeStart", organizer: "required" });
  });

  it("rejects an unknown time zone", () => {
    for (const timeZone of ["Mars/Olympus_Mons", "+02:00"]) {
      const result = validateLearningFields(validInput({ timeZone }));
      expect(result.ok, timeZone).to.equal(false);
      if (!result.ok) expect(result.errors.timeZone, timeZone).to.equal("timeZone");
    }
  });

  it("requires a time zone", () => {
    const result = validateLearningFields(validInput({ timeZone: " " }));
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors.timeZone).to.equal("required");
  });

  it("rejects invalid links, codes and numbers", () => {
    const result = validateLearningFields(
      validInput({ onlineUrl: "javascript:alert(1)", "place.country": "XX", languages: "en, not a tag", capacity: "-3", materials: "Slides ftp://files.example/a" }),
    );
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.errors.onlineUrl).to.equal("url");
    expect(result.errors["place.country"]).to.equal("country");
    expect(result.errors.languages).to.equal("languageTag");
    expect(result.errors.capacity).to.equal("capacity");
    expect(result.errors.materials).to.equal("materials");
  });

  it("needs an online address or a place", () => {
    const result = validateLearningFields(validInput({ onlineUrl: "", "place.name": "", "place.address": "", "place.locality": "", "place.country": "" }));
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors).to.deep.equal({ onlineUrl: "onlineOrPlace" });
  });

  it("checks a partly filled place", () => {
    const result = validateLearningFields(validInput({ "place.locality": "", "place.country": "" }));
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors).to.deep.equal({ "place.locality": "required", "place.country": "country" });
  });

  it("converts wall-clock times to UTC", () => {
    expect(localToInstant("2030-02-30T10:00", "Europe/Paris")).to.equal(null);
    // 02:30 does not exist in Paris on 31 March 2030; it moves forward by the hour skipped.
    expect(localToInstant("2030-03-31T02:30", "Europe/Paris")).to.equal("2030-03-31T01:30:00.000Z");
  });

  it("formats the time in the item's own zone, naming it", () => {
    const when = formatWhen({ start: "2030-03-10T13:00:00.000Z", end: "2030-03-10T16:30:00.000Z", timeZone: "America/Bogota" }, "en");
    expect(when).to.include("8:00");
    expect(when).to.include("11:30");
    expect(when).to.include("(America/Bogota)");
    expect(formatWhen({ start: "2030-03-10T13:00:00.000Z", end: null, timeZone: "Europe/Paris" }, "fr")).to.include("14:00");
  });
});
