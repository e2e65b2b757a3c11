import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

import { expect } from "chai";

import { Browser, eventually, practiceForm } from "./support/instance.ts";
import { InstanceProcess } from "./support/process.ts";
import { RemoteServer } from "./support/remote-actor.ts";

/**
 * A follower's inbox that fails deliveries; the instance is killed
 * while the retry waits in its queue, and the delivery must arrive after
 * the restart.
 */
describe("delivery across a restart", function () {
  this.timeout(120_000);
  let instance: InstanceProcess;
  let follower: RemoteServer;
  let inbox: http.Server;
  const deliveries: { status: number; body: { type?: string; object?: { id?: string } } }[] = [];
  // Every Create fails until the instance has been killed, so the retry can only succeed after the restart.
  let failing = true;

  before(async () => {
    follower = new RemoteServer();
    await follower.start();
    inbox = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk) => chunks.push(chunk));
      request.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        const status = failing && body.type === "Create" ? 503 : 202;
        deliveries.push({ status, body });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => inbox.listen(0, "localhost", resolve));
    const inboxUrl = `http://localhost:${(inbox.address() as AddressInfo).port}/inbox`;
    // The follower's actor document names the failing listener as its inbox.
    const actor = follower.documents.get(follower.actorId) as Record<string, unknown>;
    follower.documents.set(follower.actorId, { ...actor, inbox: inboxUrl });

    instance = await InstanceProcess.create("restart");
    await instance.createAccount("editor", "editor");
    await instance.start();
  });

  after(async () => {
    await instance?.stop();
    instance?.cleanUp();
    await follower?.stop();
    inbox?.closeAllConnections();
    await new Promise<void>((resolve) => inbox.close(() => resolve()));
  });

  it("delivers a queued Create after a crash", async () => {
    await follower.follow(instance.origin, "/actors/org");
    const editor = new Browser(instance.origin);
    await editor.signIn("editor");
    const created = await editor.post("/practices", practiceForm("Survives a restart"));
    const iri = `${instance.origin}${new URL(created.headers.get("location")!, instance.origin).pathname}`;

    await eventually(async () => deliveries.some((delivery) => delivery.status === 503), "the first, failing delivery");
    // Wait until the retry is written to the queue table, then kill the process without warning.
    const database = new DatabaseSync(path.join(instance.dataDir, "minga.sqlite"), { readOnly: true });
    try {
      await eventually(async () => ((database.prepare("SELECT COUNT(*) AS n FROM fedify_outbox").get() as { n: number }).n > 0), "the retry to be queued");
    } finally {
      database.close();
    }
    await instance.stop("SIGKILL");
    failing = false;
    const beforeRestart = deliveries.length;

    await instance.start();
    const delivered = await eventually(
      async () => deliveries.slice(beforeRestart).find((delivery) => delivery.status === 202 && delivery.body.type === "Create"),
      "the Create to be delivered after the restart",
      60_000,
    );
    expect(delivered.body.object?.id).to.equal(iri);
  });
});
