import { ConfigError, loadConfig } from "./config.ts";
import { createInstance, OriginMismatchError } from "./instance.ts";
import { configureLogging, logger } from "./logging.ts";

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}

await configureLogging(config.logLevel);
const log = logger("main");
let instance;
try {
  instance = await createInstance(config);
} catch (error) {
  if (!(error instanceof OriginMismatchError)) throw error;
  log.fatal(error.message);
  process.exit(2);
}
try {
  await instance.listen(process.env.HOST || undefined);
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
  log.fatal("Port {port} is already in use: stop the program using it, or set PORT to a free port.", { port: config.port });
  await instance.close();
  process.exit(2);
}

if ((await instance.store.accounts.count()) === 0) {
  log.info("No accounts yet. Create the first admin with: npm run minga -- create-account --username admin --password-file FILE --role admin");
}
log.info("Open {origin} in a browser", { origin: config.origin });

// A last resort: a promise rejected outside any request is logged instead of ending the process.
process.on("unhandledRejection", (error) => log.error("Unhandled rejection: {error}", { error }));

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log.info("Stopping on {signal}", { signal });
    await instance.close();
    process.exit(0);
  });
}
