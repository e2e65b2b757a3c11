import { expect } from "chai";

import { formatDateTime, formatDay, localizeDateText } from "../src/domain/dates.ts";
import { formatInstant } from "../src/domain/consultation.ts";
import { formatWhen } from "../src/domain/learning.ts";

describe("date formatting", () => {
  it("writes the first of the month as an ordinal in French", () => {
    expect(formatDay("fr", "2026-01-01")).to.equal("1er janvier 2026");
    expect(formatDateTime("fr", "2026-03-01T09:30:00Z")).to.match(/^1er mars 2026/);
    expect(formatInstant("2026-05-01T10:00:00Z", "Europe/Paris", "fr")).to.match(/^vendredi 1er mai 2026/);
    expect(formatWhen({ start: "2026-08-01T08:00:00Z", end: "2026-08-01T10:00:00Z", timeZone: "UTC" }, "fr")).to.match(/^samedi 1er août 2026/);
  });

  it("leaves other days and languages alone", () => {
    expect(formatDay("fr", "2026-01-11")).to.equal("11 janvier 2026");
    expect(formatDay("fr", "2026-01-21")).to.equal("21 janvier 2026");
    expect(formatDay("es", "2026-01-01")).to.equal("1 de enero de 2026");
    expect(formatDay("en", "2026-01-01")).to.equal("January 1, 2026");
    expect(localizeDateText("1 janvier", "en")).to.equal("1 janvier");
  });
});
