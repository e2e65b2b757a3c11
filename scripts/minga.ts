/**
 * Minga's command line: `npm run minga -- COMMAND [options]`.
 * Commands share the instance's database with a running server; activities
 * they send are queued there and delivered by the server's queue.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";

import { ConfigError, loadConfig, SETTINGS } from "../src/config.ts";
import { AccountError, createAccount } from "../src/domain/accounts.ts";
import { createInstance, OriginMismatchError } from "../src/instance.ts";
import { configureLogging } from "../src/logging.ts";
import { ROLES, type Role } from "../src/storage/types.ts";
import { followPartner, PartnerError, unfollowPartner } from "../federation/partners.ts";
import { importPractices, SeedError, seedDemo, type ImportablePractice } from "./seed/demo.ts";

// Validation returns message keys; the command line shows their English text.

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
        const { practices, learning, resources, consultations } = await seedDemo(instance, config.defaultLanguage);
        const { created, skipped } = practices;
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
  if (error instanceof ConfigError || error instanceof OriginMismatchError || error instanceof UsageError || error instanceof SeedError || error instanceof AccountError || error instanceof PartnerError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
