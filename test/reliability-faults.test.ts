// Faults on the wire, over real HTTP against the fake Atlas: timeouts, the caller's signal,
// retries with Retry-After and backoff, and what is never retried.
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  accessToken,
  AtlasApiError,
  AtlasError,
  AtlasTimeoutError,
  createAtlasInvites,
  type AtlasInvites,
  type AtlasInvitesOptions,
  type AuthStrategy,
  type FetchLike,
  type RetryInfo,
} from "../src/index.js";
import { parseRetryAfter, retryDelay } from "../src/http/retry.js";
import { startFakeAtlas, type FakeAtlas, type InjectedFault } from "../src/testing/index.js";
import { OTHER_ID, VALID_ID } from "./helpers/bad-input.js";
import { rejection, trackFaults } from "./helpers/reliability.js";
import { json, stubFetch } from "./helpers/stub-fetch.js";

/** Generous: proves "does not hang", never "is fast". */
const NO_HANG_MS = 10_000;

let fake: FakeAtlas;
const { inject } = trackFaults("reliability-faults", () => fake);
const clients: AtlasInvites[] = [];

beforeAll(async () => {
  fake = await startFakeAtlas({ rateLimit: 1_000_000 });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await fake.close();
});

function client(options: Partial<AtlasInvitesOptions> = {}): AtlasInvites {
  const atlas = createAtlasInvites({
    auth: accessToken({ token: fake.credentials.accessToken }),
    baseUrl: fake.url,
    onDeprecation: false,
    retry: { baseDelayMs: 5, maxDelayMs: 2_000 },
    ...options,
  });
  clients.push(atlas);
  return atlas;
}

function seededOrgInvite() {
  const seeded = fake.invites.addOrgInvite();
  return { orgId: seeded.orgId, invitationId: seeded.id };
}

async function released(handle: InjectedFault): Promise<void> {
  await vi.waitFor(() => expect(handle.openConnections).toBe(0), {
    timeout: 5_000,
    interval: 10,
  });
}

describe("timeouts and the caller's signal", () => {
  it("a server that never answers ends in AtlasTimeoutError, and the socket is closed", async () => {
    const hang = inject({ kind: "hang" });
    const atlas = client({ timeout: 200 });
    const ids = seededOrgInvite();
    const started = Date.now();
    const err = await rejection(atlas.getOrgInvite(ids));
    expect(Date.now() - started).toBeLessThan(NO_HANG_MS);
    expect(err).toBeInstanceOf(AtlasTimeoutError);
    const url = `${fake.url}/api/atlas/v2/orgs/${ids.orgId}/invites/${ids.invitationId}`;
    expect(err.message).toBe(`atlas-invites: GET ${url} timed out after 200 ms`);
    // The same facts as fields, for a caller that reports or decides on them.
    const { method, url: where, timeoutMs } = err as AtlasTimeoutError;
    expect({ method, url: where, timeoutMs }).toEqual({ method: "GET", url, timeoutMs: 200 });
    expect(hang.hits).toBe(1);
    await released(hang);
    // A timeout is final: the retry policy does not send the call again.
    expect(fake.requests).toHaveLength(1);
  });

  it("a server that stops mid-body ends in AtlasTimeoutError too, and the socket is closed", async () => {
    const stall = inject({ kind: "truncate", ending: "stall" });
    const atlas = client({ timeout: 300 });
    const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
    expect(err).toBeInstanceOf(AtlasTimeoutError);
    expect(err.message).toContain("timed out after 300 ms");
    expect(fake.requests[0]!.status).toBe(200);
    expect(stall.hits).toBe(1);
    await released(stall);
  });

  it("the per-call timeout overrides the client's, including 'no timeout'", async () => {
    const hang = inject({ kind: "hang" });
    const atlas = client({ timeout: 0 });
    const err = await rejection(atlas.getOrgInvite({ ...seededOrgInvite(), timeout: 150 }));
    expect(err).toBeInstanceOf(AtlasTimeoutError);
    expect(err.message).toContain("timed out after 150 ms");
    await released(hang);
  });

  it("a slow answer inside the timeout is data, not an error", async () => {
    inject({ kind: "delay", ms: 100 });
    const atlas = client({ timeout: 5_000 });
    const ids = seededOrgInvite();
    const invite = await atlas.getOrgInvite(ids);
    expect(invite.id).toBe(ids.invitationId);
  });

  it("a slow answer past the timeout is a timeout", async () => {
    const late = inject({ kind: "delay", ms: 2_000 });
    const atlas = client({ timeout: 100 });
    const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
    expect(err).toBeInstanceOf(AtlasTimeoutError);
    await released(late);
  });

  it("by default gives an attempt 30 s, counted from the start of the call", async () => {
    // Credentials that take `waitMs` on the clock, and no real time.
    let waitMs = 0;
    const slow: AuthStrategy = {
      label: "slow store",
      start: () => ({
        authorize(request) {
          vi.setSystemTime(Date.now() + waitMs);
          request.headers.set("Authorization", `Bearer ${fake.credentials.accessToken}`);
        },
      }),
    };
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const atlas = client({ auth: slow, timeout: undefined });
      const ids = seededOrgInvite();
      waitMs = 29_000;
      expect((await atlas.getOrgInvite(ids)).id).toBe(ids.invitationId);
      waitMs = 31_000;
      const err = await rejection(atlas.getOrgInvite(ids));
      expect(err).toBeInstanceOf(AtlasTimeoutError);
      expect((err as AtlasTimeoutError).timeoutMs).toBe(30_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a middleware's request.clone() keeps the call's start, so the timeout still covers the wait for credentials", async () => {
    // Credentials take 400 ms and the answer 300 ms: within a 500 ms timeout each, not together.
    const slow: AuthStrategy = {
      label: "slow store",
      start: () => ({
        async authorize(request) {
          await new Promise((resolve) => setTimeout(resolve, 400));
          request.headers.set("Authorization", `Bearer ${fake.credentials.accessToken}`);
        },
      }),
    };
    for (const cloning of [false, true]) {
      const late = inject({ kind: "delay", ms: 300 });
      const atlas = client({ auth: slow, timeout: 500 });
      if (cloning) atlas.client.use({ onRequest: ({ request }) => request.clone() });
      const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
      expect(err).toBeInstanceOf(AtlasTimeoutError);
      await released(late);
    }
  });

  it("aborting the signal while waiting rejects with the signal's reason, socket closed", async () => {
    const hang = inject({ kind: "hang" });
    const atlas = client({ timeout: 0 });
    const controller = new AbortController();
    const reason = new Error("user pressed cancel");
    const call = atlas.getOrgInvite({ ...seededOrgInvite(), signal: controller.signal });
    await vi.waitFor(() => expect(hang.hits).toBe(1));
    controller.abort(reason);
    // As fetch does: the caller's own abort is not a timeout.
    expect(await rejection(call)).toBe(reason);
    await released(hang);
  });

  it("a falsy reason (abort(null), abort(0)) is what the call rejects with, on both paths", async () => {
    const atlas = client({ timeout: 0 });
    for (const reason of [null, 0, "", false]) {
      for (const path of [false, true]) {
        const hang = inject({ kind: "hang" });
        const controller = new AbortController();
        const input = { ...seededOrgInvite(), signal: controller.signal };
        const call = path
          ? atlas.client.GET("/api/atlas/v2/orgs/{orgId}/invites/{invitationId}", {
              params: { path: { orgId: input.orgId, invitationId: input.invitationId } },
              signal: controller.signal,
            })
          : atlas.getOrgInvite(input);
        await vi.waitFor(() => expect(hang.hits).toBe(1));
        controller.abort(reason);
        const outcome = await call.then(
          () => "resolved",
          (error: unknown) => ({ error }),
        );
        expect(outcome).toEqual({ error: reason });
        await released(hang);
      }
    }
  });

  it("aborting the signal mid-body rejects with the reason too", async () => {
    const stall = inject({ kind: "truncate", ending: "stall" });
    const atlas = client({ timeout: 0 });
    const controller = new AbortController();
    const call = atlas.getOrgInvite({ ...seededOrgInvite(), signal: controller.signal });
    await vi.waitFor(() => expect(stall.openConnections).toBe(1));
    controller.abort();
    const err = await rejection(call);
    expect(err).toBe(controller.signal.reason);
    expect(err.name).toBe("AbortError");
    expect(err).not.toBeInstanceOf(AtlasTimeoutError);
    await released(stall);
  });

  it("an already aborted signal sends nothing", async () => {
    const atlas = client();
    const reason = new Error("cancelled before the call");
    const err = await rejection(
      atlas.getOrgInvite({ ...seededOrgInvite(), signal: AbortSignal.abort(reason) }),
    );
    expect(err).toBe(reason);
    expect(fake.requests).toHaveLength(0);
  });

  it("aborting during a retry wait stops the retries", async () => {
    inject({ kind: "status", status: 503, retryAfter: "1" });
    const atlas = client({ retry: { maxDelayMs: 5_000 } });
    const controller = new AbortController();
    const call = atlas.getOrgInvite({
      ...seededOrgInvite(),
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    controller.abort();
    const err = await rejection(call);
    expect(err).toBe(controller.signal.reason);
    expect(fake.requests).toHaveLength(1);
  });

  it("a signal that times out is the caller's abort, and a timeout of the client's is AtlasTimeoutError", async () => {
    const hang = inject({ kind: "hang", times: 2 });
    const atlas = client({ timeout: 0 });
    const signal = AbortSignal.timeout(100);
    const err = await rejection(atlas.getOrgInvite({ ...seededOrgInvite(), signal }));
    expect(err).toBe(signal.reason);
    expect(err.name).toBe("TimeoutError");
    const own = await rejection(atlas.getOrgInvite({ ...seededOrgInvite(), timeout: 100 }));
    expect(own).toBeInstanceOf(AtlasTimeoutError);
    await released(hang);
  });
});

describe("timers and the life of the process", () => {
  /** Runs `body` as an ES module in a Node process of its own, with `atlas-invites` from src. */
  function script(body: string): Promise<{ code: number; stdout: string; ms: number }> {
    const source = `import { accessToken, createAtlasInvites } from ${JSON.stringify(new URL("../src/index.ts", import.meta.url).href)};
const ids = { orgId: "${VALID_ID}", invitationId: "${OTHER_ID}" };
${body}`;
    const started = Date.now();
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "--eval", source],
        { timeout: 30_000 },
        (error, stdout) => {
          const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
          resolve({ code, stdout: stdout.trim(), ms: Date.now() - started });
        },
      );
    });
  }

  it("a fetch that holds nothing open (a stub that never answers) still ends in AtlasTimeoutError", async () => {
    // Nothing but the attempt's timer is left in the event loop: it must keep the process up.
    const run = await script(`
const hanging = (_url, init) =>
  new Promise((_resolve, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
const atlas = createAtlasInvites({ auth: accessToken({ token: "hang-token-0123456789" }), fetch: hanging, onDeprecation: false, timeout: 200 });
await atlas.getOrgInvite(ids).then(() => console.log("data"), (e) => console.log(e.constructor.name));
`);
    expect(run).toMatchObject({ code: 0, stdout: "AtlasTimeoutError" });
  });

  it("an answer whose body nobody reads does not keep the process alive until its timeout", async () => {
    const run = await script(`
const endless = () => new Response(new ReadableStream({ pull() { return new Promise(() => {}); } }), { status: 200 });
const atlas = createAtlasInvites({ auth: accessToken({ token: "hang-token-0123456789" }), fetch: endless, onDeprecation: false, timeout: 60_000 });
const { response } = await atlas.client.GET("/api/atlas/v2/orgs/{orgId}/invites/{invitationId}", { params: { path: ids }, parseAs: "stream" });
console.log(response.status);
`);
    expect(run).toMatchObject({ code: 0, stdout: "200" });
    expect(run.ms).toBeLessThan(30_000);
  });
});

describe("retries", () => {
  it("503 with Retry-After in seconds waits that long, then succeeds", async () => {
    const fault = inject({ kind: "status", status: 503, retryAfter: "1" });
    const retries: RetryInfo[] = [];
    const atlas = client({ onRetry: (info) => retries.push(info) });
    const ids = seededOrgInvite();
    const invite = await atlas.getOrgInvite(ids);
    expect(invite.id).toBe(ids.invitationId);
    expect(fault.hits).toBe(1);
    expect(fake.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(retries).toEqual([
      {
        attempt: 1,
        delayMs: 1_000,
        method: "GET",
        url: `${fake.url}/api/atlas/v2/orgs/${ids.orgId}/invites/${ids.invitationId}`,
        status: 503,
        error: undefined,
      },
    ]);
  });

  it("reports a backoff wait in whole milliseconds, as a timer counts it", async () => {
    inject({ kind: "status", status: 503, times: 2 });
    const retries: RetryInfo[] = [];
    const atlas = client({
      onRetry: (info) => retries.push(info),
      retry: { baseDelayMs: 7, maxDelayMs: 50 },
    });
    await atlas.getOrgInvite(seededOrgInvite());
    expect(retries.map((r) => Number.isInteger(r.delayMs))).toEqual([true, true]);
  });

  it("429 with Retry-After as an HTTP date waits until then", async () => {
    // HTTP dates have whole seconds: two seconds ahead is between one and two seconds away.
    const when = new Date(Date.now() + 2_000);
    inject({ kind: "status", status: 429, retryAfter: when });
    const retries: RetryInfo[] = [];
    const atlas = client({ onRetry: (info) => retries.push(info) });
    await atlas.getOrgInvite(seededOrgInvite());
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(retries).toHaveLength(1);
    expect(retries[0]!.status).toBe(429);
    expect(retries[0]!.delayMs).toBeGreaterThan(0);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(2_000);
  });

  it("a Retry-After longer than maxDelayMs hands the 429 to the caller instead of retrying early", async () => {
    inject({ kind: "status", status: 429, retryAfter: "120" });
    const onRetry = vi.fn();
    const atlas = client({ onRetry, retry: { maxDelayMs: 10_000 } });
    const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
    expect(err).toBeInstanceOf(AtlasApiError);
    expect((err as AtlasApiError).status).toBe(429);
    // The fake sends the body of Atlas's rate-limit page (www.mongodb.com/docs/atlas/api/api-rate-limit).
    expect((err as AtlasApiError).errorCode).toBe("RATE_LIMITED_TOKEN_BUCKET");
    expect((err as AtlasApiError).response.headers.get("Retry-After")).toBe("120");
    // The message says how long Atlas asked to wait, so a log shows why no retry was made.
    expect((err as AtlasApiError).message).toMatch(/ \(Retry-After: 120\)$/);
    expect(onRetry).not.toHaveBeenCalled();
    expect(fake.requests).toHaveLength(1);
  });

  it.each([500, 502, 504])(
    "a Retry-After on a %i is not read: backoff applies, as RFC 9110 gives it to 503 only",
    async (status) => {
      inject({ kind: "status", status, retryAfter: "120" });
      const atlas = client();
      const ids = seededOrgInvite();
      expect((await atlas.getOrgInvite(ids)).id).toBe(ids.invitationId);
      expect(fake.requests.map((r) => r.status)).toEqual([status, 200]);
    },
  );

  it("a Retry-After past the time budget is not waited for", async () => {
    inject({ kind: "status", status: 503, retryAfter: "2" });
    const atlas = client({ retry: { maxElapsedMs: 500, maxDelayMs: 5_000 } });
    const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
    expect((err as AtlasApiError).status).toBe(503);
    expect(fake.requests).toHaveLength(1);
  });

  it.each([500, 502, 503, 504, 429])(
    "%i without Retry-After retries with jittered exponential backoff",
    async (status) => {
      const fault = inject({ kind: "status", status, times: 2 });
      const retries: RetryInfo[] = [];
      const atlas = client({
        retry: { baseDelayMs: 20, maxRetries: 3 },
        onRetry: (info) => retries.push(info),
      });
      const ids = seededOrgInvite();
      expect((await atlas.getOrgInvite(ids)).id).toBe(ids.invitationId);
      expect(fault.hits).toBe(2);
      expect(fake.requests.map((r) => r.status)).toEqual([status, status, 200]);
      expect(retries.map((r) => [r.attempt, r.status])).toEqual([
        [1, status],
        [2, status],
      ]);
      // Full jitter: each wait lies in [0, base * 2^(attempt-1)).
      for (const r of retries) {
        expect(r.delayMs).toBeGreaterThanOrEqual(0);
        expect(r.delayMs).toBeLessThan(20 * 2 ** (r.attempt - 1));
      }
    },
  );

  it("connection resets are retried", async () => {
    const reset = inject({ kind: "reset", times: 2 });
    const retries: RetryInfo[] = [];
    const atlas = client({ onRetry: (info) => retries.push(info) });
    const ids = seededOrgInvite();
    expect((await atlas.getOrgInvite(ids)).id).toBe(ids.invitationId);
    expect(reset.hits).toBe(2);
    expect(retries).toHaveLength(2);
    for (const r of retries) {
      expect(r.status).toBeUndefined();
      expect(r.error).toBeInstanceOf(Error);
    }
  });

  it("a connection closed mid-body with the request answered is not retried", async () => {
    const cut = inject({ kind: "truncate" });
    const onRetry = vi.fn();
    const atlas = client({ onRetry });
    const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
    expect(err).toBeInstanceOf(AtlasApiError);
    expect((err as AtlasApiError).status).toBe(200);
    expect(err.message).toContain("the connection closed before the whole response body arrived");
    expect(err.cause).toBeInstanceOf(Error);
    expect(cut.hits).toBe(1);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it("gives up after maxRetries with the last answer", async () => {
    inject({ kind: "status", status: 503, times: Infinity });
    const onRetry = vi.fn();
    const atlas = client({ retry: { maxRetries: 2, baseDelayMs: 1 }, onRetry });
    const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
    expect((err as AtlasApiError).status).toBe(503);
    expect(fake.requests).toHaveLength(3);
    expect(onRetry).toHaveBeenCalledTimes(2);
  });

  it("by default makes 2 retries", async () => {
    inject({ kind: "status", status: 503, retryAfter: "0", times: Infinity });
    const atlas = client({ retry: undefined });
    const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
    expect((err as AtlasApiError).status).toBe(503);
    expect(fake.requests).toHaveLength(3);
  });

  it("by default retries within 60 s of the call's start", async () => {
    inject({ kind: "status", status: 503, retryAfter: "0", times: Infinity });
    // Each answer takes 31 s on the clock: the first retry starts 31 s in, a second would 62 s in.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const slow: FetchLike = async (input, init) => {
        const response = await globalThis.fetch(input, init);
        vi.setSystemTime(Date.now() + 31_000);
        return response;
      };
      const atlas = client({ retry: undefined, timeout: 0, fetch: slow });
      const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
      expect((err as AtlasApiError).status).toBe(503);
      expect(fake.requests).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("gives up on resets after maxRetries with an AtlasError that keeps the socket error", async () => {
    inject({ kind: "reset", times: Infinity });
    const atlas = client({ retry: { maxRetries: 2, baseDelayMs: 1 } });
    const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
    expect(err).toBeInstanceOf(AtlasError);
    expect(err.message).toMatch(
      /^atlas-invites: GET http:\/\/127\.0\.0\.1:\d+\/api\/atlas\/v2\/orgs\/[a-f0-9]{24}\/invites\/[a-f0-9]{24} failed after 3 attempts: /,
    );
    let cause: unknown = err.cause;
    const codes: unknown[] = [];
    while (cause instanceof Error) {
      codes.push((cause as { code?: unknown }).code);
      cause = cause.cause;
    }
    expect(codes.some((c) => c === "ECONNRESET" || c === "UND_ERR_SOCKET")).toBe(true);
    expect(fake.requests).toHaveLength(3);
  });

  it("the time budget stops backoff retries", async () => {
    inject({ kind: "status", status: 500, times: Infinity });
    const retries: RetryInfo[] = [];
    const atlas = client({
      retry: { maxRetries: 50, baseDelayMs: 40, maxElapsedMs: 300 },
      onRetry: (info) => retries.push(info),
    });
    const started = Date.now();
    const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
    expect((err as AtlasApiError).status).toBe(500);
    expect(Date.now() - started).toBeLessThan(NO_HANG_MS);
    // A retry is made only when its wait ends within the 300 ms budget, so the waits taken add up
    // to no more than that; without the budget, 50 retries would wait far longer.
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.length).toBeLessThan(50);
    expect(retries.reduce((ms, r) => ms + r.delayMs, 0)).toBeLessThanOrEqual(300);
    expect(fake.requests).toHaveLength(retries.length + 1);
  });

  it.each([400, 401, 403, 404, 405, 406, 408, 409, 415, 422])(
    "%i is never retried",
    async (status) => {
      inject({ kind: "status", status, times: Infinity });
      const onRetry = vi.fn();
      const atlas = client({ onRetry });
      const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
      expect((err as AtlasApiError).status).toBe(status);
      expect(fake.requests).toHaveLength(1);
      expect(onRetry).not.toHaveBeenCalled();
    },
  );

  it("a retried PATCH arrives byte-identical, headers included", async () => {
    const seeded = fake.invites.addOrgInvite();
    inject({ kind: "status", status: 503, times: 2, operationId: "updateOrgInviteById" });
    const atlas = client();
    const body = {
      roles: ["ORG_BILLING_ADMIN" as const, "ORG_MEMBER" as const],
      teamIds: ["équipe ☃", 'team "two"'],
      groupRoleAssignments: [{ groupId: "32b6e34b3d91647abb20e7b8", roles: ["GROUP_OWNER"] }],
    };
    const result = await atlas.updateOrgInviteById({
      orgId: seeded.orgId,
      invitationId: seeded.id,
      body,
    });
    expect(result.roles).toEqual(body.roles);
    expect(fake.requests).toHaveLength(3);
    const [first, ...rest] = fake.requests;
    expect(first!.body).toBe(JSON.stringify(body));
    for (const again of rest) {
      expect(again.body).toBe(first!.body);
      expect(again.url).toBe(first!.url);
      expect(again.headers["content-type"]).toBe(first!.headers["content-type"]);
      expect(again.headers["content-length"]).toBe(first!.headers["content-length"]);
      expect(again.headers.authorization).toBe(first!.headers.authorization);
      expect(again.headers.accept).toBe(first!.headers.accept);
    }
  });

  it("retry: false sends once", async () => {
    inject({ kind: "status", status: 503, times: Infinity });
    const onRetry = vi.fn();
    const atlas = client({ retry: false, onRetry });
    const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
    expect((err as AtlasApiError).status).toBe(503);
    expect(fake.requests).toHaveLength(1);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it("retry: false still turns a reset into an AtlasError", async () => {
    inject({ kind: "reset" });
    const atlas = client({ retry: false });
    const err = await rejection(atlas.getOrgInvite(seededOrgInvite()));
    expect(err).toBeInstanceOf(AtlasError);
    expect(err.message).toMatch(/ failed: /);
    expect(fake.requests).toHaveLength(1);
  });

  it("faults limited to one operation leave the others alone", async () => {
    const fault = inject({
      kind: "status",
      status: 500,
      operationId: "updateGroupInviteById",
      times: Infinity,
    });
    const atlas = client({ retry: false });
    await atlas.getOrgInvite(seededOrgInvite());
    const group = fake.invites.addGroupInvite();
    const err = await rejection(
      atlas.updateGroupInviteById({ groupId: group.groupId, invitationId: group.id, body: {} }),
    );
    expect((err as AtlasApiError).status).toBe(500);
    expect(fault.hits).toBe(1);
  });
});

describe("backoff, measured with pinned jitter", () => {
  it("doubles the ceiling on each retry and caps it at maxDelayMs", async () => {
    inject({ kind: "status", status: 502, times: 4 });
    const retries: RetryInfo[] = [];
    const random = vi.spyOn(Math, "random").mockReturnValue(0.5);
    try {
      const atlas = client({
        retry: { maxRetries: 4, baseDelayMs: 10, maxDelayMs: 50, maxElapsedMs: 60_000 },
        onRetry: (info) => retries.push(info),
      });
      const ids = seededOrgInvite();
      expect((await atlas.getOrgInvite(ids)).id).toBe(ids.invitationId);
    } finally {
      random.mockRestore();
    }
    expect(fake.requests.map((r) => r.status)).toEqual([502, 502, 502, 502, 200]);
    expect(retries.map((r) => r.delayMs)).toEqual([5, 10, 20, 25]);
  });

  it("with baseDelayMs 0, a retry past the 1024th waits 0 ms and still keeps to the time budget", () => {
    // 2^1024 is Infinity in floating point, and 0 × Infinity is NaN.
    const policy = { maxRetries: 5_000, baseDelayMs: 0, maxDelayMs: 30_000, maxElapsedMs: 1_000 };
    const unavailable = new Response(null, { status: 503 });
    for (const n of [1, 1_023, 1_024, 4_000]) {
      expect(retryDelay(policy, n, "GET", false, unavailable, undefined, 999, 0.5)).toBe(0);
      expect(
        retryDelay(policy, n, "GET", false, unavailable, undefined, 1_001, 0.5),
      ).toBeUndefined();
    }
  });

  it("retries authentication's own POSTs only after a 429, a 503 or a connection failure", () => {
    // The README's retry row says so: a token or revocation request that a 500 ended may have
    // been acted on and failed there, so it is not sent again.
    const policy = { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 1_000, maxElapsedMs: 60_000 };
    const answer = (status: number) => new Response(null, { status });
    const failed = (code: string) =>
      Object.assign(new TypeError("fetch failed"), { cause: { code } });
    const own = (response?: Response, error?: unknown) =>
      retryDelay(policy, 0, "POST", true, response, error, 0, 0.5);
    expect(own(answer(429))).toBe(5);
    expect(own(answer(503))).toBe(5);
    expect(own(undefined, failed("ECONNREFUSED"))).toBe(5);
    for (const status of [500, 502, 504]) expect(own(answer(status))).toBeUndefined();
    for (const code of ["ECONNRESET", "UND_ERR_SOCKET"])
      expect(own(undefined, failed(code))).toBe(5);
    expect(own(undefined, failed("ERR_SOMETHING_ELSE"))).toBeUndefined();
  });
});

describe("onRetry", () => {
  it("an exception it throws ends the call with that very error, and nothing more is sent", async () => {
    inject({ kind: "status", status: 503, times: Infinity });
    const stop = new Error("stop retrying");
    const onRetry = vi.fn(() => {
      throw stop;
    });
    const atlas = client({ onRetry });
    expect(await rejection(atlas.getOrgInvite(seededOrgInvite()))).toBe(stop);
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(fake.requests).toHaveLength(1);
  });
});

describe("an async onRetry", () => {
  it("is waited for before the retry is sent", async () => {
    inject({ kind: "status", status: 503 });
    let release!: () => void;
    const onRetry = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const atlas = client({ onRetry });
    const ids = seededOrgInvite();
    const call = atlas.getOrgInvite(ids);
    await vi.waitFor(() => expect(onRetry).toHaveBeenCalledTimes(1));
    // Far longer than the backoff (at most 5 ms here): a retry not held back would be sent by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.requests).toHaveLength(1);
    release();
    expect((await call).id).toBe(ids.invitationId);
    expect(fake.requests).toHaveLength(2);
  });

  it("still pending when the caller aborts: the call ends at once with the signal's reason, nothing more sent", async () => {
    inject({ kind: "status", status: 503, times: Infinity });
    let release!: () => void;
    const onRetry = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const atlas = client({ onRetry });
    const controller = new AbortController();
    const call = atlas.getOrgInvite({ ...seededOrgInvite(), signal: controller.signal });
    await vi.waitFor(() => expect(onRetry).toHaveBeenCalledTimes(1));
    const reason = new Error("user pressed cancel");
    controller.abort(reason);
    // Settled before onRetry's promise is: a logger that hangs does not hold the call.
    const outcome = await Promise.race([
      rejection(call),
      new Promise((resolve) => setTimeout(resolve, 1_000, "still pending")),
    ]);
    expect(outcome).toBe(reason);
    release();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.requests).toHaveLength(1);
  });

  it("that rejects ends the call with that very error, nothing more sent, nothing unhandled", async () => {
    inject({ kind: "status", status: 503, times: Infinity });
    const stop = new Error("stop retrying, later");
    const onRetry = vi.fn(async () => {
      await Promise.resolve();
      throw stop;
    });
    const atlas = client({ onRetry });
    expect(await rejection(atlas.getOrgInvite(seededOrgInvite()))).toBe(stop);
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(fake.requests).toHaveLength(1);
  });

  it("that aborts the call and then rejects ends it with the signal's reason, nothing unhandled", async () => {
    // A "give up" onRetry: it aborts the caller's signal, then its promise rejects. The signal is
    // already aborted when the wait begins; the rejection must still be caught, or Node ends the
    // process over it (--unhandled-rejections=throw, its default). This file's afterEach asserts
    // that no rejection went unhandled.
    inject({ kind: "status", status: 503, times: Infinity });
    const controller = new AbortController();
    const reason = new Error("gave up");
    const atlas = client({
      onRetry: () => {
        controller.abort(reason);
        return Promise.reject(new Error("no more retries"));
      },
    });
    const call = atlas.getOrgInvite({ ...seededOrgInvite(), signal: controller.signal });
    expect(await rejection(call)).toBe(reason);
    expect(fake.requests).toHaveLength(1);
  });
});

describe("role changes (POST) are retried only when Atlas cannot have acted on them", () => {
  /** A network failure the way undici reports it: "fetch failed" with the socket error as cause. */
  const dropped = (code: string) =>
    Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error(`socket ${code}`), { code }),
    });

  function twice(failure: number | string) {
    // The first attempt fails, a second one would succeed.
    return stubFetch((_call, n) => {
      if (n > 0) return json(200, { id: OTHER_ID });
      if (typeof failure === "string") throw dropped(failure);
      return json(failure, { error: failure, detail: "injected" });
    });
  }
  function roleClient(fetch: ReturnType<typeof stubFetch>) {
    return createAtlasInvites({
      auth: accessToken({ token: "retry-token-0123456789" }),
      fetch,
      onDeprecation: false,
      retry: { baseDelayMs: 1, maxRetries: 2 },
    });
  }
  const role = { groupId: VALID_ID, userId: OTHER_ID, body: { groupRole: "GROUP_READ_ONLY" } };

  it.each([
    [429, 2],
    [503, 1],
    ["ECONNREFUSED", 2],
    ["EAI_AGAIN", 2],
    [500, 1],
    [502, 1],
    [504, 1],
    ["ECONNRESET", 1],
    ["UND_ERR_SOCKET", 1],
  ])("addGroupUserRole after %s: %i attempt(s)", async (failure, attempts) => {
    const fetch = twice(failure);
    const outcome = await roleClient(fetch)
      .addGroupUserRole(role)
      .then(
        () => "data",
        (e: unknown) => e,
      );
    expect(fetch.calls).toHaveLength(attempts);
    expect(fetch.calls.every((c) => c.method === "POST")).toBe(true);
    if (attempts === 2) expect(outcome).toBe("data");
    else if (typeof failure === "number") expect((outcome as AtlasApiError).status).toBe(failure);
    // A network failure is a plain AtlasError, not a timeout or any other subclass.
    else expect((outcome as Error).constructor).toBe(AtlasError);
  });

  it.each([500, 502, 503, 504, "ECONNRESET"])(
    "removeGroupUserRole is not retried after %s, while updateOrgUser (PATCH) is",
    async (failure) => {
      const post = twice(failure);
      await rejection(roleClient(post).removeGroupUserRole(role));
      expect(post.calls).toHaveLength(1);
      const patch = twice(failure);
      await roleClient(patch).updateOrgUser({
        orgId: VALID_ID,
        userId: OTHER_ID,
        body: { roles: { orgRoles: ["ORG_MEMBER"] } },
      });
      expect(patch.calls.map((c) => c.method)).toEqual(["PATCH", "PATCH"]);
    },
  );
});

describe("Retry-After parsing (RFC 9110, section 10.2.3)", () => {
  const now = Date.UTC(1994, 10, 6, 8, 49, 30);
  it.each([
    ["7", 7_000],
    ["0", 0],
    [" 3 ", 3_000],
    ["Sun, 06 Nov 1994 08:49:37 GMT", 7_000],
    ["Sunday, 06-Nov-94 08:49:37 GMT", 7_000],
    ["Sun Nov  6 08:49:37 1994", 7_000],
    ["Sun, 06 Nov 1994 08:49:00 GMT", 0],
  ])("reads %j as %i ms", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each([
    "-1",
    "1.5",
    "1e3",
    "soon",
    "",
    "Sun, 31 Feb 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 25:49:37 GMT",
    "2 days",
  ])("ignores %j", (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
