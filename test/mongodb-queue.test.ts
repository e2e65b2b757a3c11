import { Temporal as Polyfill } from "@js-temporal/polyfill";
import { expect } from "chai";
import type { Db, MongoClient } from "mongodb";

/**
 * The Fedify key-value store and message queue over MongoDB. They run only
 * when MONGODB_URL names a server; each test uses a database of its own and
 * drops it afterwards.
 */
describe("MongoDB key-value store and queue", function () {
  this.timeout(120_000);
  const url = process.env.MONGODB_URL;
  if (!url) {
    it("runs when MONGODB_URL is set", function () {
      console.log("    MongoDB queue tests skipped: MONGODB_URL is not set.");
      this.skip();
    });
    return;
  }

  // Imported here so that a run without MONGODB_URL never loads the driver.
  let mongodb: typeof import("mongodb");
  let adapters: typeof import("../federation/mongodb.ts");
  const clients: MongoClient[] = [];
  let databaseName: string;

  /** Opens a client of its own on this test's database, as a separate process would. */
  async function openDatabase(): Promise<Db> {
    const client = await new mongodb.MongoClient(url!).connect();
    clients.push(client);
    return client.db(databaseName);
  }

  /** Closes every client this test opened, e.g. to simulate a process exit. */
  async function closeClients(): Promise<void> {
    for (const client of clients.splice(0)) await client.close();
  }

  function milliseconds(count: number): Temporal.Duration {
    // Fedify types durations with TypeScript's built-in Temporal and runs on the polyfill.
    return Polyfill.Duration.from({ milliseconds: count }) as unknown as Temporal.Duration;
  }

  before(async () => {
    mongodb = await import("mongodb");
    adapters = await import("../federation/mongodb.ts");
  });
  beforeEach(() => {
    databaseName = `minga_test_${crypto.randomUUID().replaceAll("-", "")}`;
  });
  afterEach(async () => {
    await closeClients();
    const admin = await new mongodb.MongoClient(url).connect();
    try {
      await admin.db(databaseName).dropDatabase();
    } finally {
      await admin.close();
    }
  });

  describe("MongoKvStore", () => {
    it("stores, replaces and deletes values", async () => {
      const kv = new adapters.MongoKvStore(await openDatabase());
      const value = { "@context": "https://www.w3.org/ns/activitystreams", id: "https://b.example/u/1", count: 3, nested: [1, null, "x"] };
      expect(await kv.get(["actor", "1"])).to.equal(undefined);
      await kv.set(["actor", "1"], value);
      expect(await kv.get(["actor", "1"])).to.deep.equal(value);
      await kv.set(["actor", "1"], "replaced");
      expect(await kv.get(["actor", "1"])).to.equal("replaced");
      await kv.delete(["actor", "1"]);
      expect(await kv.get(["actor", "1"])).to.equal(undefined);
    });

    it("hides entries whose TTL passed", async () => {
      const kv = new adapters.MongoKvStore(await openDatabase());
      await kv.set(["short"], "value", { ttl: milliseconds(300) });
      await kv.set(["long"], "value", { ttl: milliseconds(60_000) });
      expect(await kv.get(["short"])).to.equal("value");
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await kv.get(["short"]), "expired entry").to.equal(undefined);
      expect(await kv.get(["long"]), "unexpired entry").to.equal("value");
      const listed = [];
      for await (const entry of kv.list()) listed.push(entry.key);
      expect(listed).to.deep.equal([["long"]]);
    });

    it("lists keys by prefix", async () => {
      const kv = new adapters.MongoKvStore(await openDatabase());
      for (const key of [["a", "b"], ["a", "b", "c"], ["a", "bc"], ["x"], ["a.*"], ["ab"]] as const) await kv.set(key, key.join("/"));
      const listed = async (prefix?: readonly [string, ...string[]]) => {
        const keys = [];
        for await (const entry of kv.list(prefix)) keys.push(entry.key);
        return keys;
      };
      expect(await listed(["a", "b"])).to.deep.equal([["a", "b"], ["a", "b", "c"]]);
      expect(await listed(["a.*"]), "regular-expression characters match literally").to.deep.equal([["a.*"]]);
      expect(await listed(), "no prefix").to.have.length(6);
    });

    it("swaps only the expected value", async () => {
      const kv = new adapters.MongoKvStore(await openDatabase());
      expect(await kv.cas(["lock"], undefined, { owner: 1 }), "absent to set").to.equal(true);
      expect(await kv.cas(["lock"], undefined, { owner: 2 }), "expected absent but set").to.equal(false);
      expect(await kv.cas(["lock"], { owner: 2 }, { owner: 3 }), "wrong expected value").to.equal(false);
      expect(await kv.get(["lock"])).to.deep.equal({ owner: 1 });
      expect(await kv.cas(["lock"], { owner: 1 }, { owner: 3 }), "matching expected value").to.equal(true);
      expect(await kv.get(["lock"])).to.deep.equal({ owner: 3 });
      expect(await kv.cas(["lock"], { owner: 3 }, undefined), "delete").to.equal(true);
      expect(await kv.get(["lock"])).to.equal(undefined);
    });

    it("lets one of concurrent swaps win", async () => {
      const kv = new adapters.MongoKvStore(await openDatabase());
      await kv.set(["counter"], 0);
      const results = await Promise.all(Array.from({ length: 10 }, (_, index) => kv.cas(["counter"], 0, index + 1)));
      expect(results.filter(Boolean)).to.have.length(1);
    });
  });

  describe("MongoMessageQueue", () => {
    it("passes Fedify's queue tests", async () => {
      const { testMessageQueue } = await import("@fedify/testing");
      await testMessageQueue(
        async () => new adapters.MongoMessageQueue(await openDatabase(), { pollIntervalMs: 500 }),
        ({ controller }) => controller.abort(),
        { testOrderingKey: true },
      );
    });

    it("keeps messages across a restart", async () => {
      const beforeRestart = new adapters.MongoMessageQueue(await openDatabase());
      await beforeRestart.enqueue({ id: 1 });
      await beforeRestart.enqueue({ id: 2 }, { delay: milliseconds(500) });
      expect(await beforeRestart.getDepth()).to.deep.include({ queued: 2 });
      await closeClients();

      const afterRestart = new adapters.MongoMessageQueue(await openDatabase(), { pollIntervalMs: 200 });
      const received: unknown[] = [];
      const controller = new AbortController();
      const listening = afterRestart.listen((message) => void received.push(message), { signal: controller.signal });
      const deadline = Date.now() + 10_000;
      while (received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      controller.abort();
      await listening;
      expect(received).to.deep.equal([{ id: 1 }, { id: 2 }]);
      expect(await afterRestart.getDepth()).to.deep.include({ queued: 0 });
    });

    it("waits for a dead holder's ordering lock to lapse", async () => {
      const database = await openDatabase();
      const queue = new adapters.MongoMessageQueue(database, { pollIntervalMs: 200 });
      await queue.initialize();
      // A lock left by a process that died while handling a message with this key.
      const lapses = Date.now() + 1500;
      await database.collection<{ _id: string; holder: string; expiresAt: Date }>("fedify_message_locks").insertOne({ _id: "key", holder: "dead", expiresAt: new Date(lapses) });
      await queue.enqueue("after the lock", { orderingKey: "key" });

      let handledAt = 0;
      const controller = new AbortController();
      const listening = queue.listen(() => void (handledAt = Date.now()), { signal: controller.signal });
      const deadline = Date.now() + 10_000;
      while (handledAt === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      controller.abort();
      await listening;
      expect(handledAt, "message handled").to.be.greaterThan(0);
      expect(handledAt, "handled after the lock lapsed").to.be.at.least(lapses);
    });
  });
});
