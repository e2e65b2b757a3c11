import fs from "node:fs";
import http from "node:http";
import path from "node:path";

import type { Config } from "./config.ts";
import { ClosingScheduler } from "./domain/closing-scheduler.ts";
import { ConsultationService } from "./domain/consultation-service.ts";
import { LearningService } from "./domain/learning-service.ts";
import { PracticeService } from "./domain/practices.ts";
import { ResourceService } from "./domain/resources.ts";
import { Moderation } from "./domain/moderation.ts";
import { logger } from "./logging.ts";
import { createSqliteStore, openDatabase } from "./storage/sqlite/index.ts";
import type { Store } from "./storage/types.ts";
import { createApp } from "./web/app.ts";
import { createI18n } from "./web/i18n.ts";
import { mediaDirectory } from "./web/uploads.ts";
import { createMingaFederation, type MingaFederation } from "../federation/index.ts";
import { ConsultationOutbound } from "../federation/consultations.ts";
import { LearningOutbound } from "../federation/learning.ts";
import type { Outbound } from "../federation/outbound.ts";
import { KeyPairs } from "../federation/keys.ts";
import { RemoteMedia } from "../federation/remote-media.ts";
import { INSTANCE_ACTOR } from "../federation/services.ts";

const log = logger("instance");

export const VERSION: string = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../package.json"), "utf8")).version;

/** A wired instance: storage, federation, domain services and the web application. */
export interface Instance {
  config: Config;
  store: Store;
  federation: MingaFederation;
  practices: PracticeService;
  learning: LearningService;
  resources: ResourceService;
  consultations: ConsultationService;
  moderation: Moderation;
  /** Announces consultation closings on a timer while the instance listens. */
  closingScheduler: ClosingScheduler;
  /** Serves HTTP, runs the delivery queue and the closing scheduler until close(). */
  listen(host?: string): Promise<http.Server>;
  close(): Promise<void>;
  /** Usernames no account may take, because actors of the instance use them. */
  reservedHandles: string[];
}

/** The data folder and the ORIGIN setting disagree; using both would mix ids of two instances. */
export class OriginMismatchError extends Error {}

/**
 * Records the origin the first time a data folder is used, and refuses a
 * different one later: every stored id starts with it, so a command run
 * with another PORT or ORIGIN would publish ids that no server serves.
 */
async function claimOrigin(store: Store, config: Config): Promise<void> {
  const stored = await store.settings.get("instance.origin");
  if (stored === null) return store.settings.set("instance.origin", config.origin);
  if (stored !== config.origin) {
    await store.close();
    throw new OriginMismatchError(
      `The data folder ${config.dataDir} belongs to the instance at ${stored}, but ORIGIN is ${config.origin}. ` +
        `Run with ORIGIN=${stored} (or the PORT it was created with), or use another DATA_DIR.`,
    );
  }
}

/** Parts of an instance that an embedding program or a test may replace. */
export interface InstanceOptions {
  /** Fetches remote images; tests pass one that reaches only their own loopback listeners. */
  fetch?: typeof fetch;
}

export async function createInstance(config: Config, options: InstanceOptions = {}): Promise<Instance> {
  // TODO: open the MongoDB store (src/storage/mongodb) and Fedify's MongoDB queues when a
  // DATABASE_URL setting names a MongoDB server; until then only SQLite runs an instance.
  const database = openDatabase(config.dataDir);
  const store = createSqliteStore(database);
  await claimOrigin(store, config);
  // Moderation sends through the outbound deliveries, which themselves ask moderation whom they may reach.
  let outbound: Outbound | null = null;
  const moderation = new Moderation(store, config, { replyDeleted: async (reply) => outbound?.replyDeleted(reply) });
  const media = new RemoteMedia({
    store,
    directory: mediaDirectory(config.dataDir),
    allowPrivateAddresses: config.allowPrivateAddresses,
    permits: (url) => moderation.permits(url),
    fetch: options.fetch ?? fetch,
  });
  const services = { config, store, keyPairs: new KeyPairs(store.keys), moderation, media };
  const federation = createMingaFederation(database, services, VERSION);
  outbound = federation.outbound;
  const groupIri = federation.context().getActorUri(config.organizationHandle).href;
  const practices = new PracticeService(store, config.origin, groupIri, federation.outbound);
  const learning = new LearningService(store, config.origin, groupIri, new LearningOutbound(federation.federation, services));
  const resources = new ResourceService(store, config.origin, groupIri, federation.outbound);
  const consultations = new ConsultationService(store, config.origin, groupIri, new ConsultationOutbound(federation.federation, services));
  const closingScheduler = new ClosingScheduler(consultations, config.closingCheckSeconds * 1000);
  const i18n = await createI18n(config.defaultLanguage);
  const reservedHandles = [config.organizationHandle, INSTANCE_ACTOR];
  const app = createApp({ config, store, federation, practices, learning, resources, consultations, i18n, moderation, reservedHandles });

  let server: http.Server | null = null;
  const queueStop = new AbortController();
  let queueRun: Promise<void> | null = null;

  return {
    config,
    store,
    federation,
    practices,
    learning,
    resources,
    consultations,
    moderation,
    reservedHandles,
    closingScheduler,
    async listen(host?: string) {
      server = http.createServer(app);
      await new Promise<void>((resolve, reject) => {
        server!.once("error", reject);
        server!.listen(config.port, host, () => resolve());
      });
      // Fedify's startQueue settles only when the signal aborts, so it is not awaited here.
      queueRun = federation.startQueue(queueStop.signal).catch((error) => log.error("Delivery queue stopped: {error}", { error }));
      closingScheduler.start();
      log.info("Minga is listening at {origin}", { origin: config.origin, port: config.port, dataDir: config.dataDir });
      return server;
    },
    async close() {
      // Stopped first, because its check queues deliveries in the store.
      await closingScheduler.stop();
      queueStop.abort();
      await media.close();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      await queueRun;
      await store.close();
    },
  };
}
