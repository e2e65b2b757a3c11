import { AsyncLocalStorage } from "node:async_hooks";
import { configure, getConsoleSink, getLogger, type LogLevel, type LogRecord, type Sink } from "@logtape/logtape";

let configured = false;

/**
 * Sets up LogTape once per process: Minga's categories start with "minga",
 * Fedify's with "fedify". Extra sinks let tests read what was logged.
 */
export async function configureLogging(level: LogLevel, extraSinks: Sink[] = []): Promise<void> {
  if (configured) return;
  configured = true;
  const sinks: Record<string, Sink> = { console: getConsoleSink() };
  extraSinks.forEach((sink, index) => (sinks[`extra${index}`] = sink));
  const sinkNames = Object.keys(sinks);
  await configure({
    sinks,
    contextLocalStorage: new AsyncLocalStorage(),
    loggers: [
      { category: ["minga"], sinks: sinkNames, lowestLevel: level },
      // Fedify's own records are mostly per-request detail, so below debug level it logs warnings at most.
      { category: ["fedify"], sinks: sinkNames, lowestLevel: level === "info" ? "warning" : level },
      { category: ["logtape", "meta"], sinks: ["console"], lowestLevel: "warning" },
    ],
  });
}

/** Returns the logger for one module, under ["minga", layer, module]. */
export function logger(...category: string[]) {
  return getLogger(["minga", ...category]);
}

export type { LogRecord };
