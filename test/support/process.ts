import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { freePort, temporaryDirectory } from "./instance.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** An instance running as its own process, as `npm start` runs it. */
export class InstanceProcess {
  child: ChildProcess | null = null;
  output = "";
  origin = "";
  port = 0;
  dataDir = "";

  static async create(name: string): Promise<InstanceProcess> {
    const instance = new InstanceProcess();
    instance.port = await freePort();
    instance.origin = `http://localhost:${instance.port}`;
    instance.dataDir = temporaryDirectory(name);
    return instance;
  }

  get environment(): NodeJS.ProcessEnv {
    return { ...process.env, PORT: String(this.port), DATA_DIR: this.dataDir, ALLOW_PRIVATE_ADDRESSES: "true", HOST: "localhost", LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "info" };
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: ROOT, env: this.environment, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.on("data", (chunk) => (this.output += chunk));
    this.child.stderr!.on("data", (chunk) => (this.output += chunk));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.output.includes("is listening")) return;
      if (this.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Instance at ${this.origin} did not start:\n${this.output}`);
  }

  /** Runs `npm run minga -- ...` against this instance's data folder. */
  async cli(...args: string[]): Promise<string> {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/minga.ts", ...args], { cwd: ROOT, env: this.environment, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    if (code !== 0) throw new Error(`minga ${args.join(" ")} exited with ${code}:\n${output}`);
    return output;
  }

  async createAccount(username: string, role: string, password = "a long test password"): Promise<void> {
    const file = path.join(this.dataDir, `${username}.password`);
    fs.writeFileSync(file, `${password}\n`);
    await this.cli("create-account", "--username", username, "--password-file", file, "--role", role);
  }

  /** Stops the process: SIGTERM for a clean stop, SIGKILL to simulate a crash. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  }

  cleanUp(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
