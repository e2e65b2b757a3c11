import { expect } from "chai";

import { validatePracticeFields } from "../src/domain/practice.ts";
import { formToInput } from "../src/web/practice-form.ts";
import { practiceForm } from "./support/instance.ts";

function errorsFor(changes: Record<string, string | string[]>) {
  const result = validatePracticeFields(formToInput({ ...practiceForm(), ...changes }));
  return result.ok ? {} : result.errors;
}

describe("practice validation", () => {
  it("accepts the complete form", () => {
    expect(validatePracticeFields(formToInput(practiceForm())).ok).to.equal(true);
  });

  it("rejects SDG targets outside goals 1-17", () => {
    expect(errorsFor({ sdgTargets: "99.x" }).sdgTargets).to.equal("sdg");
    expect(errorsFor({ sdgTargets: "16.a, 10.7" }).sdgTargets).to.equal(undefined);
  });

  it("reports the period with other errors", () => {
    const errors = errorsFor({ periodStart: "2024-01-01", periodEnd: "2023-01-01", themes: [] });
    expect(errors.periodEnd).to.equal("endBeforeStart");
    expect(errors.themes).to.equal("atLeastOne");
  });

  it("requires the primary language's text", () => {
    const errors = errorsFor({ primaryLanguage: "fr", "text.fr.title": "", "text.fr.summary": "", "text.fr.body": "" });
    expect(Object.keys(errors).some((key) => key.startsWith("text.fr"))).to.equal(true);
  });

  it("rejects unknown vocabulary and countries", () => {
    const errors = errorsFor({ themes: ["astrology"], countries: "ZZ", scope: "galactic" });
    expect(errors.themes).to.equal("choice");
    expect(errors.countries).to.equal("country");
    expect(errors.scope).to.equal("choice");
  });
});
