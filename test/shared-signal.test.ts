// One AbortSignal given to many calls at once, as a service passes its shutdown signal to every
// call: Node warns (MaxListenersExceededWarning) when a signal gets more than 10 listeners, so the
// client must not add one per call, while every call still ends when the signal aborts.
import { getEventListeners } from "node:events";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAtlasInvites, serviceAccount } from "../src/index.js";
import { startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";
import { run } from "./helpers/processes.js";
import { PROJECT_ROOT } from "./helpers/temp-project.js";

let fake: FakeAtlas;
let warnings: Error[];
const onWarning = (warning: Error) => warnings.push(warning);

beforeAll(async () => {
  fake = await startFakeAtlas({ rateLimit: Infinity });
});
afterAll(() => fake.close());
beforeEach(() => {
  warnings = [];
  process.on("warning", onWarning);
});
afterEach(() => {
  process.off("warning", onWarning);
});

const CALLS = 25;
const orgId = "4888442a3354817a7320eb61";

/** Lets process warnings, emitted on the next tick, arrive. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

function client() {
  return createAtlasInvites({
    auth: serviceAccount(fake.credentials.serviceAccount),
    baseUrl: fake.url,
    onDeprecation: false,
    retry: { maxRetries: 1, baseDelayMs: 1 },
  });
}

describe("one signal shared by many concurrent calls", () => {
  it("raises no MaxListenersExceededWarning while the calls wait for a token, retry and get their answers", async () => {
    const atlas = client();
    const signal = new AbortController().signal;
    fake.tokenEndpoint.delayMs = 50;
    // Every call's first attempt gets a 503, so all of them wait out a retry delay together: the
    // first attempts all arrive within the second the fault asks to wait.
    const fault = fake.inject({
      kind: "status",
      status: 503,
      retryAfter: "1",
      times: CALLS,
      operationId: "listOrgUsers",
    });
    try {
      const calls = Array.from({ length: CALLS }, () => atlas.listOrgUsers({ orgId, signal }));
      const outcomes = await Promise.allSettled(calls);
      await tick();
      expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
      expect(fault.hits).toBe(CALLS);
      expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
      // Once the calls ended, the client keeps no listener on the caller's signal.
      expect(getEventListeners(signal, "abort")).toEqual([]);
    } finally {
      fake.tokenEndpoint.delayMs = 0;
      await atlas.close();
    }
  });

  it("still ends every call in flight with the signal's reason when it aborts", async () => {
    const atlas = client();
    const controller = new AbortController();
    fake.inject({ kind: "hang", times: CALLS, operationId: "listOrgUsers" });
    try {
      const calls = Array.from({ length: CALLS }, () =>
        atlas.listOrgUsers({ orgId, signal: controller.signal }),
      );
      // The calls are on the wire once the hanging fault has received all of them.
      await expect.poll(() => fake.requests.filter((r) => r.fault === "hang").length).toBe(CALLS);
      const reason = new Error("shutting down");
      controller.abort(reason);
      const outcomes = await Promise.allSettled(calls);
      expect(outcomes).toEqual(Array(CALLS).fill({ status: "rejected", reason }));
      await tick();
      expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
    } finally {
      await atlas.close();
    }
  });
});

describe("one long-lived signal given to every call", () => {
  it("costs no memory per call when a middleware hands on a standard Request", async () => {
    // On Node 20, AbortSignal.any() keeps an entry on its sources for every signal it makes, for
    // as long as they live: about 55 bytes per call here (5.6 MB for these calls) before the
    // client stopped using it. What is left now is the heap's noise (within 0.2 MB in our runs).
    const calls = 100_000;
    const result = await run(
      process.execPath,
      [
        "--expose-gc",
        "--import",
        "tsx",
        path.join("test", "fixtures", "signal-memory.ts"),
        `${calls}`,
      ],
      { cwd: PROJECT_ROOT, timeoutMs: 60_000 },
    );
    expect(result.stderr).toBe("");
    const { grewBy } = JSON.parse(result.stdout) as { grewBy: number };
    expect(grewBy).toBeLessThan(2_500_000);
  }, 70_000);
});
