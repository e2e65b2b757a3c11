import path from "node:path";
import { z } from "zod";

/** Instance settings read from the environment at start-up. */
export interface Config {
  port: number;
  /** Public base URL, without a trailing slash. */
  origin: string;
  dataDir: string;
  organizationHandle: string;
  organizationName: string;
  /** Lets federation reach loopback and private addresses; for local multi-instance setups and tests only. */
  allowPrivateAddresses: boolean;
  logLevel: LogLevel;
  /** Language used when neither the reader's choice nor Accept-Language matches one we have. */
  defaultLanguage: "en" | "fr" | "es";
  /** Inbox requests accepted per minute from one sending server. */
  inboxRateLimit: number;
  /** Form submissions accepted per minute from one account, or one address when signed out. */
  formRateLimit: number;
  /** Largest uploaded file accepted, in bytes. */
  maxUploadBytes: number;
  /** Seconds between two checks for consultations whose closing is due to be announced. */
  closingCheckSeconds: number;
}

export const LOG_LEVELS = ["trace", "debug", "info", "warning", "error", "fatal"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One line of the README's configuration table; also used by `minga help`. */
export interface SettingDescription {
  name: string;
  defaultValue: string;
  description: string;
}

export const SETTINGS: SettingDescription[] = [
  { name: "PORT", defaultValue: "8080", description: "TCP port the HTTP server listens on (1-65535)." },
  { name: "HOST", defaultValue: "all interfaces", description: "Address the HTTP server binds, such as localhost." },
  { name: "ORIGIN", defaultValue: "http://localhost:$PORT", description: "Public base URL of the instance; every ActivityPub id starts with it." },
  { name: "DATA_DIR", defaultValue: "./data", description: "Folder for the SQLite database; created if missing." },
  { name: "ORGANIZATION_HANDLE", defaultValue: "org", description: "Username of the organization's Group actor (acct:HANDLE@host)." },
  { name: "ORGANIZATION_NAME", defaultValue: "Minga", description: "Display name of the organization until an admin sets one per language." },
  { name: "ALLOW_PRIVATE_ADDRESSES", defaultValue: "false", description: "When true, federation may reach loopback and private addresses. Only for local multi-instance setups and tests." },
  { name: "LOG_LEVEL", defaultValue: "info", description: `Lowest level logged: ${LOG_LEVELS.join(", ")}.` },
  { name: "DEFAULT_LANGUAGE", defaultValue: "en", description: "Interface language when the reader's browser asks for none we have: en, fr or es." },
  { name: "INBOX_RATE_LIMIT", defaultValue: "1200", description: "Inbox requests accepted per minute from one sending server; more get 429." },
  { name: "FORM_RATE_LIMIT", defaultValue: "120", description: "Form submissions accepted per minute from one account, or one address when signed out; more get 429." },
  { name: "MAX_UPLOAD_MB", defaultValue: "100", description: "Largest file an editor may upload to a resource, in megabytes (1-10000); larger files are refused with a message." },
  { name: "CLOSING_CHECK_SECONDS", defaultValue: "60", description: "Seconds between two checks for consultations that have closed, whose closing is then announced to followers (1-86400)." },
];

const HANDLE_PATTERN = /^[a-z0-9_][a-z0-9_.-]{0,63}$/i;

const booleanSetting = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
  .transform((value) => value === "true" || value === "1" || value === "yes");

const perMinute = z.coerce
  .number({ error: "must be a whole number" })
  .int({ error: "must be a whole number" })
  .min(1, { error: "must be at least 1" })
  .max(1_000_000, { error: "must be at most 1000000" });

const environmentSchema = z.object({
  PORT: z.coerce
    .number({ error: "must be a whole number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be between 1 and 65535" })
    .max(65535, { error: "must be between 1 and 65535" })
    .default(8080),
  ORIGIN: z
    .string()
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "http:" || url.protocol === "https:") && url.pathname === "/" && !url.search && !url.hash;
      } catch {
        return false;
      }
    }, { error: "must be an http or https URL with no path, query or fragment, such as https://minga.example.org" })
    .optional(),
  DATA_DIR: z.string().min(1, { error: "must not be empty" }).default("./data"),
  ORGANIZATION_HANDLE: z
    .string()
    .regex(HANDLE_PATTERN, { error: "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter, digit or '_'" })
    .default("org"),
  ORGANIZATION_NAME: z.string().trim().min(1, { error: "must not be empty" }).max(200, { error: "must be at most 200 characters" }).default("Minga"),
  ALLOW_PRIVATE_ADDRESSES: booleanSetting.default(false),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  DEFAULT_LANGUAGE: z.enum(["en", "fr", "es"], { error: "must be en, fr or es" }).default("en"),
  INBOX_RATE_LIMIT: perMinute.default(1200),
  FORM_RATE_LIMIT: perMinute.default(120),
  MAX_UPLOAD_MB: z.coerce
    .number({ error: "must be a number" })
    .positive({ error: "must be more than 0" })
    .max(10_000, { error: "must be at most 10000" })
    .default(100),
  CLOSING_CHECK_SECONDS: z.coerce
    .number({ error: "must be a whole number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be between 1 and 86400" })
    .max(86_400, { error: "must be between 1 and 86400" })
    .default(60),
});

/** Invalid settings, one message per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads and checks the settings; throws a ConfigError listing every invalid variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(environment).filter(([key, value]) => key in environmentSchema.shape && value !== undefined && value !== ""),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      if (!problems.has(name)) problems.set(name, `${name}=${JSON.stringify(present[name])} ${issue.message}`);
    }
    throw new ConfigError([...problems.values()]);
  }
  const values = parsed.data;
  const origin = (values.ORIGIN ?? `http://localhost:${values.PORT}`).replace(/\/$/, "");
  return {
    port: values.PORT,
    origin,
    dataDir: path.resolve(values.DATA_DIR),
    organizationHandle: values.ORGANIZATION_HANDLE,
    organizationName: values.ORGANIZATION_NAME,
    allowPrivateAddresses: values.ALLOW_PRIVATE_ADDRESSES,
    logLevel: values.LOG_LEVEL,
    defaultLanguage: values.DEFAULT_LANGUAGE,
    inboxRateLimit: values.INBOX_RATE_LIMIT,
    formRateLimit: values.FORM_RATE_LIMIT,
    maxUploadBytes: Math.round(values.MAX_UPLOAD_MB * 1024 * 1024),
    closingCheckSeconds: values.CLOSING_CHECK_SECONDS,
  };
}
