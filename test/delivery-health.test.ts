import { expect } from "chai";

import { addAccount, Browser, eventually, freePort, startInstance, type RunningInstance } from "./support/instance.ts";
import { RemoteServer } from "./support/remote-actor.ts";

describe("delivery health", function () {
  this.timeout(60_000);
  let running: RunningInstance;
  let reachable: RemoteServer;
  let unreachable: RemoteServer;
  let deadHost = "";

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "admin", "admin");
    reachable = new RemoteServer();
    unreachable = new RemoteServer();
    await reachable.start();
    await unreachable.start();
    // The second follower's inbox is a loopback port nothing listens on, so every delivery to it fails.
    const deadPort = await freePort();
    deadHost = `localhost:${deadPort}`;
    const actor = unreachable.documents.get(unreachable.actorId) as Record<string, unknown>;
    unreachable.documents.set(unreachable.actorId, { ...actor, inbox: `http://${deadHost}/inbox` });
  });

  after(async () => {
    await reachable.stop();
    await unreachable.stop();
    await running.stop();
  });

  it("counts deliveries and failures per server", async () => {
    await reachable.follow(running.origin, "/actors/org", `${reachable.origin}/follows/1`);
    await unreachable.follow(running.origin, "/actors/org", `${unreachable.origin}/follows/1`);
    const reachableHost = new URL(reachable.origin).host;
    const health = await eventually(async () => {
      const list = await running.instance.store.deliveries.list(10);
      const good = list.find((entry) => entry.host === reachableHost);
      const bad = list.find((entry) => entry.host === deadHost);
      return good && bad ? { good, bad, list } : null;
    }, "both deliveries to be tried");
    expect(health.good.delivered).to.be.greaterThan(0);
    expect(health.good.failed).to.equal(0);
    expect(health.bad.delivered).to.equal(0);
    expect(health.bad.failed).to.be.greaterThan(0);
    expect(health.bad.lastError).to.equal("ECONNREFUSED");
    // Failing servers come first.
    expect(health.list[0].host).to.equal(deadHost);
  });

  it("shows the table and the queue to admins", async () => {
    const admin = new Browser(running.origin);
    await admin.signIn("admin");
    const page = await (await admin.get("/admin/federation")).text();
    expect(page).to.contain("Delivery health");
    expect(page).to.contain(deadHost);
    expect(page).to.contain("Failing");
    expect(page).to.contain("ECONNREFUSED");
    // The failed Accept waits in the queue for its next retry.
    expect(running.instance.federation.pendingDeliveries().count).to.be.greaterThan(0);
    expect(page).to.match(/deliver(y is|ies are) waiting/);
  });
});
