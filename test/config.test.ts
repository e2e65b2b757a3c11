import { expect } from "chai";

import { ConfigError, loadConfig } from "../src/config.ts";

describe("configuration", () => {
  it("uses documented defaults", () => {
    const config = loadConfig({});
    expect(config.port).to.equal(8080);
    expect(config.origin).to.equal("http://localhost:8080");
    expect(config.organizationHandle).to.equal("org");
    expect(config.allowPrivateAddresses).to.equal(false);
    expect(config.logLevel).to.equal("info");
  });

  it("derives the origin from PORT", () => {
    expect(loadConfig({ PORT: "9001" }).origin).to.equal("http://localhost:9001");
  });

  it("reports every invalid variable once", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "eighty", ORIGIN: "ftp://x/y", LOG_LEVEL: "loud", ALLOW_PRIVATE_ADDRESSES: "maybe", ORGANIZATION_HANDLE: "no spaces" });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).to.have.length(5);
    expect(problems.find((problem) => problem.startsWith("PORT="))).to.contain("whole number");
    expect(problems.find((problem) => problem.startsWith("ORIGIN="))).to.contain("http or https");
    expect(problems.find((problem) => problem.startsWith("LOG_LEVEL="))).to.contain("one of");
    expect(problems.find((problem) => problem.startsWith("ALLOW_PRIVATE_ADDRESSES="))).to.contain("true or false");
    expect(problems.find((problem) => problem.startsWith("ORGANIZATION_HANDLE="))).to.exist;
  });

  it("accepts an https origin and strips its slash", () => {
    expect(loadConfig({ ORIGIN: "https://minga.example.org/" }).origin).to.equal("https://minga.example.org");
  });
});
