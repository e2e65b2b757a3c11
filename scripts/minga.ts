/**
 * Minga's command line: `npm run minga -- COMMAND [options]`.
 * Commands share the instance's database with a running server; activities
 * they send are queued there and delivered by the server's queue.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { ConfigError, loadConfig, SETTINGS } from "../src/config.ts";
import { AccountError, createAccount } from "../src/domain/accounts.ts";
import { saveOrganizationProfile } from "../src/domain/organization.ts";
import { slugify, validatePracticeFields } from "../src/domain/practice.ts";
import { validateConsultationFields, validateOutcome } from "../src/domain/consultation.ts";
import { validateLearningFields } from "../src/domain/learning.ts";
import { validateResourceFields } from "../src/domain/resource.ts";
import { createInstance, OriginMismatchError, type Instance } from "../src/instance.ts";
import { configureLogging } from "../src/logging.ts";
import { ROLES, type Role } from "../src/storage/types.ts";
import { followPartner, PartnerError, unfollowPartner } from "../federation/partners.ts";

const DEMO_CONTENT = path.resolve(import.meta.dirname, "seed/demo-content.json");
// Validation returns message keys; the command line shows their English text.
const ERROR_MESSAGES: Record<string, string> = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../locales/en/errors.json"), "utf8"));

const HELP = `Usage: npm run minga -- COMMAND [options]

Commands:
  help                                   Show this help.
  create-account --username U --password-file F --role admin|editor|reviewer|member [--display-name NAME]
                                         Create an account; the password is read from the first line of F.
  seed-demo                              Create the demo organization profile, good practices, learning opportunities, resources and consultations (safe to run again).
  import-practices FILE [--draft]        Import good practices from a JSON file: one practice object or an array.
  follow @handle@host                    Follow a partner organization; its practices arrive after it accepts.
  unfollow @handle@host                  Stop following a partner and remove its practices from the library.

Settings come from environment variables:
${SETTINGS.map((setting) => `  ${setting.name.padEnd(24)} ${setting.description} Default: ${setting.defaultValue}`).join("\n")}
`;

class UsageError extends Error {}

/** Creates the demo learning opportunities whose title's slug is still free, so running seed-demo twice changes nothing. */
async function importDemoLearning(instance: Instance, entries: Record<string, unknown>[]): Promise<{ created: number; skipped: number }> {
  let created = 0;
  let skipped = 0;
  for (const entry of entries) {
    const result = validateLearningFields(entry);
    if (!result.ok) throw new UsageError(`Demo learning opportunity is invalid: ${JSON.stringify(result.errors)}`);
    const title = result.value.text[result.value.primaryLanguage]!.title;
    if (await instance.store.learning.slugExists(slugify(title))) {
      skipped++;
      continue;
    }
    await instance.learning.create(result.value, null);
    created++;
  }
  return { created, skipped };
}

/** Creates the demo resources (links, no files) whose title's slug is still free. */
async function importDemoResources(instance: Instance, entries: Record<string, unknown>[]): Promise<{ created: number; skipped: number }> {
  let created = 0;
  let skipped = 0;
  for (const entry of entries) {
    const result = validateResourceFields(entry);
    if (!result.ok) throw new UsageError(`Demo resource is invalid: ${JSON.stringify(result.errors)}`);
    const title = result.value.text[result.value.primaryLanguage]!.title;
    if (await instance.store.resources.slugExists(slugify(title))) {
      skipped++;
      continue;
    }
    await instance.resources.create(result.value, { file: null, captions: [] }, null, { publish: true });
    created++;
  }
  return { created, skipped };
}

/** Creates the demo consultations whose title's slug is still free, with the summary of a closed one. */
async function importDemoConsultations(instance: Instance, entries: Record<string, unknown>[]): Promise<{ created: number; skipped: number }> {
  let created = 0;
  let skipped = 0;
  for (const { outcome, ...entry } of entries) {
    const result = validateConsultationFields(entry);
    if (!result.ok) throw new UsageError(`Demo consultation is invalid: ${JSON.stringify(result.errors)}`);
    const title = result.value.text[result.value.primaryLanguage]!.title;
    if (await instance.store.consultations.slugExists(slugify(title))) {
      skipped++;
      continue;
    }
    const consultation = await instance.consultations.create(result.value, null);
    if (outcome) {
      const summary = validateOutcome(outcome as Record<string, unknown>, result.value.primaryLanguage);
      if (!summary.ok) throw new UsageError(`Demo consultation summary is invalid: ${JSON.stringify(summary.errors)}`);
      await instance.consultations.publishOutcome(consultation, summary.value);
    }
    created++;
  }
  return { created, skipped };
}

interface ImportablePractice {
  slug?: string;
  [key: string]: unknown;
}

/** Imports practices; existing slugs are skipped, so running it twice changes nothing. */
async function importPractices(instance: Instance, entries: ImportablePractice[], publish: boolean): Promise<{ created: number; skipped: number }> {
  let created = 0;
  let skipped = 0;
  for (const [index, entry] of entries.entries()) {
    const result = validatePracticeFields(entry);
    if (!result.ok) {
      const details = Object.entries(result.errors).map(([field, error]) => `${field}: ${ERROR_MESSAGES[error] ?? error}`).join(" ");
      throw new UsageError(`Practice #${index + 1} (${entry.slug ?? "no slug"}) is invalid: ${details}`);
    }
    if (entry.slug && (await instance.store.practices.slugExists(entry.slug))) {
      skipped++;
      continue;
    }
    await instance.practices.create(result.value, null, { publish, slug: entry.slug });
    created++;
  }
  return { created, skipped };
}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help") {
    process.stdout.write(HELP);
    return;
  }
  const config = loadConfig();
  await configureLogging(config.logLevel === "info" ? "warning" : config.logLevel);
  const instance = await createInstance(config);
  try {
    switch (command) {
      case "create-account": {
        const { values } = parseArgs({
          args: rest,
          options: { username: { type: "string" }, "password-file": { type: "string" }, role: { type: "string" }, "display-name": { type: "string" } },
        });
        if (!values.username || !values["password-file"] || !values.role) {
          throw new UsageError("create-account needs --username, --password-file and --role");
        }
        if (!ROLES.includes(values.role as Role)) throw new UsageError(`Invalid role "${values.role}": use ${ROLES.join(", ")}`);
        let password: string;
        try {
          password = fs.readFileSync(values["password-file"], "utf8").split(/\r?\n/)[0];
        } catch (error) {
          throw new UsageError(`Could not read the password file ${values["password-file"]}: ${(error as Error).message}`);
        }
        const account = await createAccount(
          instance.store,
          { username: values.username, password, role: values.role as Role, displayName: values["display-name"] },
          instance.reservedHandles,
        );
        console.log(`Created ${account.role} account "${account.username}". Sign in at ${config.origin}/sign-in`);
        break;
      }
      case "seed-demo": {
        const content = JSON.parse(fs.readFileSync(DEMO_CONTENT, "utf8"));
        await saveOrganizationProfile(instance.store, { ...content.organization, primaryLanguage: config.defaultLanguage });
        const { created, skipped } = await importPractices(instance, content.practices, true);
        const learning = await importDemoLearning(instance, content.learning ?? []);
        const resources = await importDemoResources(instance, content.resources ?? []);
        const consultations = await importDemoConsultations(instance, content.consultations ?? []);
        console.log(
          `Demo organization profile saved; ${created} practices created, ${skipped} already present; ` +
            `${learning.created} learning opportunities, ${resources.created} resources and ${consultations.created} consultations created, ` +
            `${learning.skipped + resources.skipped + consultations.skipped} already present.`,
        );
        break;
      }
      case "import-practices": {
        const { values, positionals } = parseArgs({ args: rest, options: { draft: { type: "boolean" } }, allowPositionals: true });
        if (positionals.length !== 1) throw new UsageError("import-practices needs one JSON file");
        let parsed: unknown;
        try {
          parsed = JSON.parse(fs.readFileSync(positionals[0], "utf8"));
        } catch (error) {
          throw new UsageError(`Could not read ${positionals[0]} as JSON: ${(error as Error).message}`);
        }
        const entries = (Array.isArray(parsed) ? parsed : [parsed]) as ImportablePractice[];
        const { created, skipped } = await importPractices(instance, entries, !values.draft);
        console.log(`${created} practices imported, ${skipped} skipped because their slug already exists.`);
        break;
      }
      case "follow":
      case "unfollow": {
        if (rest.length !== 1) throw new UsageError(`${command} needs one handle, like @org@partner.example`);
        const context = instance.federation.context();
        if (command === "follow") {
          const following = await followPartner(context, rest[0]);
          console.log(`Follow request queued for ${following.handle}; a running server delivers it.`);
        } else {
          const { removedCopies } = await unfollowPartner(context, rest[0]);
          console.log(`Unfollowed ${rest[0]}; ${removedCopies} practices removed from the library.`);
        }
        break;
      }
      default:
        throw new UsageError(`Unknown command "${command}". Run "npm run minga -- help" for the list.`);
    }
  } finally {
    await instance.close();
  }
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError || error instanceof OriginMismatchError || error instanceof UsageError || error instanceof AccountError || error instanceof PartnerError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
