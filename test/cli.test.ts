import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { temporaryDirectory } from "./support/instance.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Runs `npm run minga -- ARGS` as a user would, on its own data folder. */
async function minga(dataDir: string, ...args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/minga.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: "18999", LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, output };
}

describe("command line", function () {
  this.timeout(60_000);
  let dataDir: string;

  beforeEach(() => (dataDir = temporaryDirectory("cli")));
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("lists the commands and settings", async () => {
    const { code, output } = await minga(dataDir, "help");
    expect(code).to.equal(0);
    for (const command of ["create-account", "seed-demo", "import-practices", "follow", "unfollow"]) expect(output).to.contain(command);
    expect(output).to.contain("ALLOW_PRIVATE_ADDRESSES");
  });

  it("rejects bad account requests clearly", async () => {
    const passwordFile = path.join(dataDir, "password");
    fs.writeFileSync(passwordFile, "short\n");
    const badRole = await minga(dataDir, "create-account", "--username", "ana", "--password-file", passwordFile, "--role", "owner");
    expect(badRole.code).to.equal(2);
    expect(badRole.output).to.contain('Invalid role "owner"');
    const shortPassword = await minga(dataDir, "create-account", "--username", "ana", "--password-file", passwordFile, "--role", "member");
    expect(shortPassword.code).to.equal(2);
    expect(shortPassword.output).to.contain("Password too short");
    const missingFile = await minga(dataDir, "create-account", "--username", "ana", "--password-file", path.join(dataDir, "nope"), "--role", "member");
    expect(missingFile.output).to.contain("Could not read the password file");
  });

  it("seeds the demo only once", async () => {
    const first = await minga(dataDir, "seed-demo");
    expect(first.code, first.output).to.equal(0);
    expect(first.output).to.match(/(1[2-9]|[2-9]\d) practices created, 0 already present/);
    expect(first.output).to.match(/[1-9]\d* learning opportunities, [1-9]\d* resources and 2 consultations created, 0 already present/);
    const second = await minga(dataDir, "seed-demo");
    expect(second.output).to.match(/0 practices created, (1[2-9]|[2-9]\d) already present/);
    expect(second.output).to.match(/0 learning opportunities, 0 resources and 0 consultations created, [1-9]\d* already present/);
  });

  it("imports practices and rejects invalid ones", async () => {
    const demo = JSON.parse(fs.readFileSync(path.join(ROOT, "scripts/seed/demo-content.json"), "utf8"));
    const valid = path.join(dataDir, "valid.json");
    fs.writeFileSync(valid, JSON.stringify(demo.practices.slice(0, 2)));
    const invalid = path.join(dataDir, "invalid.json");
    fs.writeFileSync(invalid, JSON.stringify([{ ...demo.practices[2], themes: [] }]));
    const broken = path.join(dataDir, "broken.json");
    fs.writeFileSync(broken, "{ not json");

    const imported = await minga(dataDir, "import-practices", valid);
    expect(imported.output).to.contain("2 practices imported, 0 skipped");
    const again = await minga(dataDir, "import-practices", valid);
    expect(again.output).to.contain("0 practices imported, 2 skipped");
    const rejected = await minga(dataDir, "import-practices", invalid);
    expect(rejected.code).to.equal(2);
    expect(rejected.output).to.contain("themes: Choose at least one.");
    const unreadable = await minga(dataDir, "import-practices", broken);
    expect(unreadable.code).to.equal(2);
    expect(unreadable.output).to.contain("as JSON");
  });

  it("rejects a follow of something that is not a handle", async () => {
    const { code, output } = await minga(dataDir, "follow", "not a handle");
    expect(code).to.equal(2);
    expect(output).to.contain("is not a fediverse handle");
  });
});
