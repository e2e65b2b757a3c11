import { expect } from "chai";

import { DEFAULT_THROTTLE, SignInThrottle } from "../src/web/sign-in-throttle.ts";
import { addAccount, Browser, startInstance, type RunningInstance } from "./support/instance.ts";

describe("sign-in throttle", () => {
  function throttleAt(clock: { now: number }) {
    return new SignInThrottle({ ...DEFAULT_THROTTLE, now: () => clock.now });
  }

  it("slows after five failures", () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock);
    const delays = Array.from({ length: 8 }, () => throttle.recordFailure("ana", "10.0.0.1").delayMs);
    expect(delays.slice(0, 5)).to.deep.equal([0, 0, 0, 0, 0]);
    expect(delays.slice(5)).to.deep.equal([250, 500, 1000]);
  });

  it("locks an account, then lets it in again", () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock);
    for (let attempt = 1; attempt < 10; attempt++) expect(throttle.recordFailure("ana", `192.0.2.${attempt}`).locked).to.equal(false);
    expect(throttle.recordFailure("ana", "192.0.2.10").locked).to.equal(true);
    expect(throttle.lockedFor("ANA", "198.51.100.1")).to.equal(15 * 60);
    expect(throttle.lockedFor("bea", "198.51.100.1"), "other accounts are not locked").to.equal(0);
    clock.now += 15 * 60_000;
    expect(throttle.lockedFor("ana", "198.51.100.1")).to.equal(0);
  });

  it("locks an address across accounts", () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock);
    for (let attempt = 0; attempt < 50; attempt++) throttle.recordFailure(`user${attempt}`, "203.0.113.7");
    expect(throttle.lockedFor("someone-else", "203.0.113.7")).to.be.greaterThan(0);
    expect(throttle.lockedFor("someone-else", "203.0.113.8")).to.equal(0);
  });

  it("forgets failures after a success", () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock);
    for (let attempt = 0; attempt < 9; attempt++) throttle.recordFailure("ana", "192.0.2.1");
    throttle.recordSuccess("ana");
    expect(throttle.recordFailure("ana", "192.0.2.2").locked).to.equal(false);
  });
});

describe("sign-in over HTTP", function () {
  this.timeout(60_000);
  let running: RunningInstance;

  before(async () => {
    running = await startInstance();
    await addAccount(running.instance, "ana", "member");
  });
  after(async () => running.stop());

  it("keeps the username after a wrong password", async () => {
    const response = await new Browser(running.origin).post("/sign-in", { username: "ana", password: "wrong password!" });
    expect(response.status).to.equal(401);
    const page = await response.text();
    expect(page).to.contain('value="ana"');
    expect(page).to.contain('role="alert"');
  });

  it("changes the session id at sign-in", async () => {
    const browser = new Browser(running.origin);
    const first = await browser.post("/sign-in", { username: "ana", password: "a long test password" });
    const second = await browser.post("/sign-in", { username: "ana", password: "a long test password" });
    const session = (response: Response) => response.headers.getSetCookie().find((cookie) => cookie.startsWith("minga_session="));
    expect(session(first)).to.contain("HttpOnly");
    expect(session(first)).to.contain("SameSite=Lax");
    expect(session(first)).to.not.equal(session(second));
  });

  it("changes a password with the current one", async () => {
    await addAccount(running.instance, "bea", "member");
    const browser = new Browser(running.origin);
    await browser.signIn("bea");
    const wrong = await browser.post("/account/password", { current: "not my password", next: "short", confirmation: "short" });
    expect(wrong.status).to.equal(422);
    const page = await wrong.text();
    expect(page).to.contain('id="password-current-error"');
    expect(page).to.contain('id="password-next-error"');
    const mismatch = await browser.post("/account/password", { current: "a long test password", next: "a new long password", confirmation: "another one entirely" });
    expect(await mismatch.text()).to.contain('id="password-confirmation-error"');
    const changed = await browser.post("/account/password", { current: "a long test password", next: "a new long password", confirmation: "a new long password" });
    expect(changed.status).to.equal(303);
    const again = new Browser(running.origin);
    expect((await again.post("/sign-in", { username: "bea", password: "a long test password" })).status).to.equal(401);
    expect((await again.post("/sign-in", { username: "bea", password: "a new long password" })).status).to.equal(303);
  });

  it("refuses an account after ten failures", async () => {
    const browser = new Browser(running.origin);
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await browser.post("/sign-in", { username: "ana", password: `wrong ${attempt}` })).status).to.equal(401);
    }
    const refused = await browser.post("/sign-in", { username: "ana", password: "a long test password" });
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get("retry-after"))).to.be.greaterThan(0);
    expect(await refused.text()).to.contain("Too many failed sign-ins");
  });
});
