/**
 * Shared pieces of the reliability tests: a fetch that counts what leaves the process, a watch
 * for unhandled rejections, and the counters each test file writes to .tmp/reliability/ for
 * `npm run reliability:report`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, expect } from "vitest";
import type { FetchLike } from "../../src/index.js";
import type { FakeAtlas, Fault, InjectedFault } from "../../src/testing/index.js";

export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const COUNTS_DIR = path.join(PROJECT_ROOT, ".tmp", "reliability");

/** The figures docs/RELIABILITY.md reports; every file fills in the ones it measures. */
export interface ReliabilityCounts {
  /** Inputs (ids, bodies, call shapes) handed to the client. */
  inputsTried: number;
  /** Faults the fake Atlas or a test server actually served. */
  faultsInjected: number;
  /** Requests that left the process when the input should have been refused. */
  requestsWronglySent: number;
  /** Secret occurrences found in anything observable. */
  secretsLeaked: number;
  /** Property-test cases run (fast-check), summed over properties. */
  propertyRuns: number;
  /** Scenarios (test cases) the file ran. */
  scenarios: number;
  /** Free-form details, e.g. per-strategy secret counts. */
  details?: Record<string, unknown>;
}

export function newCounts(): ReliabilityCounts {
  return {
    inputsTried: 0,
    faultsInjected: 0,
    requestsWronglySent: 0,
    secretsLeaked: 0,
    propertyRuns: 0,
    scenarios: 0,
  };
}

/** Writes one file's counts as .tmp/reliability/<name>.json. */
export function writeCounts(name: string, counts: ReliabilityCounts): void {
  mkdirSync(COUNTS_DIR, { recursive: true });
  const file = path.join(COUNTS_DIR, `${name}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ file: `test/${name}.test.ts`, writtenAt: new Date().toISOString(), ...counts }, null, 2)}\n`,
  );
}

/** A fetch that forwards to the real one and counts the requests it was given. */
export function countingFetch(inner: FetchLike = globalThis.fetch): FetchLike & {
  calls: number;
} {
  const wrapped = ((input: string | URL | Request, init?: RequestInit) => {
    wrapped.calls++;
    return inner(input, init);
  }) as FetchLike & { calls: number };
  wrapped.calls = 0;
  return wrapped;
}

/**
 * Collects unhandled rejections while a test file runs. Vitest reports them too, but only as a
 * failure of the whole run; this makes "none happened" an assertion of the test that caused it.
 */
export function watchUnhandledRejections(): { readonly reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on("unhandledRejection", listener);
  return {
    reasons,
    stop() {
      process.off("unhandledRejection", listener);
    },
  };
}

/** Lets pending rejections surface: a macrotask runs after every microtask queued before it. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The error a promise rejects with, or a failure when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error("expected the call to fail, and it succeeded");
}

/**
 * The bookkeeping every fault-injection test file shares: after each test, wait for stray
 * promises, assert none was rejected unhandled, count and remove the faults it injected and
 * forget the fake's requests; after the file, write its counts.
 */
export function trackFaults(
  name: string,
  fake: () => FakeAtlas,
): { counts: ReliabilityCounts; inject: (fault: Fault) => InjectedFault } {
  const counts = newCounts();
  const watch = watchUnhandledRejections();
  const injected: InjectedFault[] = [];
  afterEach(async () => {
    await settle();
    expect(watch.reasons).toEqual([]);
    for (const handle of injected) {
      counts.faultsInjected += handle.hits;
      handle.remove();
    }
    injected.length = 0;
    counts.scenarios++;
    fake().requests.length = 0;
  });
  afterAll(() => {
    watch.stop();
    writeCounts(name, counts);
  });
  return {
    counts,
    inject: (fault) => {
      const handle = fake().inject(fault);
      injected.push(handle);
      return handle;
    },
  };
}
