/**
 * Measures requests per second and latency percentiles of the library (listed
 * and searched) and practice pages under concurrent load, beside a bare
 * Express page served the same way, so the figures can be compared on one
 * machine in one run.
 * Every server listens on loopback and every request goes there.
 *
 *   npm run bench:pages [-- --seconds 10 --concurrency 32]
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const ROOT = path.resolve(import.meta.dirname, "../..");
const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, concurrency: { type: "string", default: "32" } } });
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const MINGA_PORT = 18_801;
const BARE_PORT = 18_802;

function start(command: string[], env: NodeJS.ProcessEnv, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, command, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes(ready)) resolve(child);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${command.join(" ")} exited with ${code}:\n${output}`)));
  });
}

async function run(command: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, command, { cwd: ROOT, env: { ...process.env, ...env }, stdio: "ignore" });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`${command.join(" ")} exited with ${code}`);
}

/** Sends requests from CONCURRENCY loops for SECONDS and returns throughput and latency percentiles. */
async function load(url: string) {
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status !== 200) failures++;
      latencies.push(performance.now() - started);
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { requests: latencies.length, perSecond: latencies.length / elapsed, p50: percentile(50), p99: percentile(99), failures };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "minga-bench-"));
const mingaEnv = { PORT: String(MINGA_PORT), DATA_DIR: dataDir, HOST: "localhost", LOG_LEVEL: "error" };
const children: ChildProcess[] = [];
try {
  await run(["--import", "tsx", "scripts/minga.ts", "seed-demo"], mingaEnv);
  children.push(await start(["--import", "tsx", "src/main.ts"], { ...mingaEnv, LOG_LEVEL: "info" }, "is listening"));
  children.push(await start(["--import", "tsx", "scripts/bench/bare-express.ts"], { PORT: String(BARE_PORT) }, "listening"));
  const library = await (await fetch(`http://localhost:${MINGA_PORT}/library`)).text();
  const practicePath = library.match(/href="(\/practices\/[^"]+)"/)![1];
  const targets: [string, string][] = [
    ["bare Express page", `http://localhost:${BARE_PORT}/`],
    ["library listing (first page)", `http://localhost:${MINGA_PORT}/library`],
    ["library search (\"protection\")", `http://localhost:${MINGA_PORT}/library?q=protection`],
    ["practice page", `http://localhost:${MINGA_PORT}${practicePath}`],
  ];
  console.log(`${SECONDS} s per page, ${CONCURRENCY} concurrent requests, Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model})`);
  console.log("| page | requests/s | p50 ms | p99 ms | non-200 |");
  console.log("|---|---|---|---|---|");
  for (const [name, url] of targets) {
    await load(url); // warm-up pass, not reported
    const result = await load(url);
    console.log(`| ${name} | ${result.perSecond.toFixed(0)} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} | ${result.failures} |`);
  }
} finally {
  for (const child of children) child.kill("SIGTERM");
  fs.rmSync(dataDir, { recursive: true, force: true });
}
