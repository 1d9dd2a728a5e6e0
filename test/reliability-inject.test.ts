// fake.inject() on the wire, seen by plain fetch and node:http rather than by our client, so the
// faults are what they claim to be for anyone testing their own code against them.
import { Agent, request as httpRequest } from "node:http";
import type { Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeAtlas, type FakeAtlas, type Fault } from "../src/testing/index.js";

let fake: FakeAtlas;
let path: string;
let headers: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeAtlas({ rateLimit: 1_000_000 });
  const s = fake.invites.addOrgInvite();
  path = `/api/atlas/v2/orgs/${s.orgId}/invites/${s.id}`;
  headers = {
    Authorization: `Bearer ${fake.credentials.accessToken}`,
    Accept: "application/vnd.atlas.2023-01-01+json",
  };
});
afterEach(() => {
  fake.requests.length = 0;
});
afterAll(() => fake.close());

function get(extra: RequestInit = {}): Promise<Response> {
  return fetch(`${fake.url}${path}`, { headers, ...extra });
}

/** The raw exchange through node:http: status, headers, and the bytes that arrived before the end. */
function raw(): Promise<{
  status: number;
  length: string | undefined;
  bytes: number;
  error?: string;
}> {
  return new Promise((resolve) => {
    const req = httpRequest(`${fake.url}${path}`, { headers, agent: false }, (res) => {
      let bytes = 0;
      res.on("data", (c: Buffer) => (bytes += c.length));
      const done = (error?: string) =>
        resolve({
          status: res.statusCode!,
          length: res.headers["content-length"],
          bytes,
          ...(error && { error }),
        });
      res.on("end", () => done());
      res.on("error", (e) => done(e.message));
      res.on("aborted", () => done("aborted"));
    });
    req.on("error", (e) =>
      resolve({
        status: 0,
        length: undefined,
        bytes: 0,
        error: (e as NodeJS.ErrnoException).code ?? e.message,
      }),
    );
    req.end();
  });
}

describe("fake.inject", () => {
  it("status: an Atlas-style error with Retry-After, once by default", async () => {
    const handle = fake.inject({ kind: "status", status: 503, retryAfter: "2" });
    const first = await get();
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("2");
    // No public source shows the errorCode of a 503, so the fake sends none.
    const body = (await first.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 503, reason: "Service Unavailable" });
    expect(body).not.toHaveProperty("errorCode");
    expect((await get()).status).toBe(200);
    expect(handle.hits).toBe(1);
    expect(handle.remaining).toBe(0);
    expect(fake.requests.map((r) => [r.status, r.fault])).toEqual([
      [503, "status"],
      [200, undefined],
    ]);
  });

  it("status: a Date becomes an HTTP date, and a 503 carries no invented errorCode", async () => {
    const when = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    fake.inject({ kind: "status", status: 503, retryAfter: when });
    const res = await get();
    expect(res.headers.get("retry-after")).toBe("Wed, 02 Jan 2030 03:04:05 GMT");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 503, reason: "Service Unavailable" });
    expect(body).not.toHaveProperty("errorCode");
  });

  it("status: a 429's wait in its body counts to the Date of its Retry-After", async () => {
    fake.inject({ kind: "status", status: 429, retryAfter: new Date(Date.now() + 90_500) });
    const res = await get();
    const body = (await res.json()) as { errorCode: string; parameters: unknown[] };
    expect(body.errorCode).toBe("RATE_LIMITED_TOKEN_BUCKET");
    // 90.5 s ahead, less the time the answer took, rounded up; then this fake's bucket.
    expect(body.parameters.slice(1)).toEqual([91, 1_000_000, 1_000_000, 60]);
  });

  it("status: a 429's wait in its body is what its Retry-After says, in any form", async () => {
    const waits = async (retryAfter: string | Date) => {
      fake.inject({ kind: "status", status: 429, retryAfter });
      const res = await get();
      return ((await res.json()) as { parameters: unknown[] }).parameters[1];
    };
    // A date already past means now (RFC 9110, section 10.2.3), not the whole window.
    expect(await waits(new Date(Date.now() - 5_000))).toBe(0);
    expect(await waits("Thu, 01 Jan 2015 00:00:00 GMT")).toBe(0);
    // An HTTP-date given as text is read as one: about 30 s, not the 60 s window.
    const later = await waits(new Date(Date.now() + 30_000).toUTCString());
    expect(later).toBeGreaterThanOrEqual(29);
    expect(later).toBeLessThanOrEqual(30);
    expect(await waits("7")).toBe(7);
  });

  it("status: a 429 injected into a fake without a rate limit has numbers in its body", async () => {
    const open = await startFakeAtlas({ rateLimit: Infinity });
    try {
      open.inject({ kind: "status", status: 429, retryAfter: 3 });
      const res = await fetch(`${open.url}/api/atlas/v2/orgs/${"a".repeat(24)}/users`, {
        headers: { ...headers, Authorization: `Bearer ${open.credentials.accessToken}` },
      });
      const body = (await res.json()) as { detail: string; parameters: unknown[] };
      // JSON has no Infinity: it would arrive as null. The fake's default limit is reported.
      expect(body.parameters.slice(1)).toEqual([3, 100, 100, 60]);
      expect(body.detail).toContain("Request capacity: 100. Refill rate: 100 per 60 seconds.");
    } finally {
      await open.close();
    }
  });

  it("times, Infinity and remove()", async () => {
    const handle = fake.inject({ kind: "status", status: 500, times: Infinity });
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(500);
    handle.remove();
    expect((await get()).status).toBe(200);
    expect(handle.hits).toBe(3);
    fake.inject({ kind: "status", status: 502, times: 2 });
    expect([(await get()).status, (await get()).status, (await get()).status]).toEqual([
      502, 502, 200,
    ]);
  });

  it("faults apply first injected first", async () => {
    fake.inject({ kind: "status", status: 500 });
    fake.inject({ kind: "status", status: 502 });
    expect([(await get()).status, (await get()).status]).toEqual([500, 502]);
  });

  it("operationId, path and when narrow a fault", async () => {
    const byOp = fake.inject({ kind: "status", status: 500, operationId: "updateOrgInviteById" });
    const byPath = fake.inject({ kind: "status", status: 502, path: "/elsewhere" });
    const byHeader = fake.inject({
      kind: "status",
      status: 504,
      when: (req) => req.headers["x-trace"] === "1",
    });
    expect((await get()).status).toBe(200);
    expect((await get({ headers: { ...headers, "X-Trace": "1" } })).status).toBe(504);
    expect([byOp.hits, byPath.hits, byHeader.hits]).toEqual([0, 0, 1]);
    byOp.remove();
    byPath.remove();
  });

  it("a RegExp path with the g or y flag matches every request, not every other one", async () => {
    // RegExp.prototype.test advances lastIndex on such a pattern, so a second test of the same
    // path started past its end and failed.
    const sticky = fake.inject({ kind: "status", status: 503, path: /invites/g, times: 3 });
    const statuses = [(await get()).status, (await get()).status, (await get()).status];
    sticky.remove();
    expect([statuses, sticky.hits]).toEqual([[503, 503, 503], 3]);
  });

  it("hang: the request is read and never answered", async () => {
    const handle = fake.inject({ kind: "hang" });
    const controller = new AbortController();
    const pending = get({ signal: controller.signal }).catch((e: unknown) => e);
    await expect.poll(() => handle.openConnections).toBe(1);
    expect(fake.requests[0]!.status).toBe(0);
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await expect.poll(() => handle.openConnections).toBe(0);
  });

  it("reset: the connection is reset without an answer", async () => {
    fake.inject({ kind: "reset" });
    const result = await raw();
    expect(result.status).toBe(0);
    expect(result.error).toBe("ECONNRESET");
  });

  it("truncate: the full Content-Length is announced, half of it arrives, then the end", async () => {
    fake.inject({ kind: "truncate" });
    const result = await raw();
    expect(result.status).toBe(200);
    expect(result.bytes).toBe(Math.floor(Number(result.length) / 2));
    expect(result.error).toBeDefined();
  });

  it("html, empty and invalidJson send what they say", async () => {
    fake.inject({ kind: "html" });
    const html = await get();
    expect([html.status, html.headers.get("content-type")]).toEqual([
      502,
      "text/html; charset=utf-8",
    ]);
    expect(await html.text()).toMatch(/^<!DOCTYPE html>/);

    fake.inject({ kind: "empty", status: 500 });
    const empty = await get();
    expect([empty.status, empty.headers.get("content-length"), await empty.text()]).toEqual([
      500,
      "0",
      "",
    ]);

    fake.inject({ kind: "invalidJson" });
    const bad = await get();
    expect(bad.status).toBe(200);
    await expect(bad.json()).rejects.toThrow(SyntaxError);
  });

  it("huge and extraFields reshape the real answer", async () => {
    fake.inject({ kind: "huge", bytes: 100_000 });
    const huge = await get();
    const text = await huge.text();
    expect(Number(huge.headers.get("content-length"))).toBe(Buffer.byteLength(text));
    expect(Math.abs(text.length - 100_000)).toBeLessThan(100);
    expect(JSON.parse(text)).toMatchObject({ orgName: "Acme" });

    fake.inject({ kind: "extraFields", fields: { added: true } });
    const extra = (await (await get()).json()) as Record<string, unknown>;
    expect(extra.added).toBe(true);
    expect(extra.orgName).toBe("Acme");
  });

  it("delay holds the answer, then sends it unchanged", async () => {
    const handle = fake.inject({ kind: "delay", ms: 100 });
    const pending = get();
    await expect.poll(() => handle.openConnections).toBe(1);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(handle.openConnections).toBe(0);
  });

  it("delay records status 0 while it holds the answer, and keeps 0 when the client leaves first", async () => {
    const handle = fake.inject({ kind: "delay", ms: 60_000 });
    const controller = new AbortController();
    const pending = get({ signal: controller.signal }).catch((e: unknown) => e);
    await expect.poll(() => handle.openConnections).toBe(1);
    // Nothing was answered yet: the record must not claim the status the fake computed.
    expect(fake.requests.map((r) => [r.status, r.fault])).toEqual([[0, "delay"]]);
    controller.abort();
    await pending;
    await expect.poll(() => handle.openConnections).toBe(0);
    expect(fake.requests.map((r) => r.status)).toEqual([0]);
    // An answer the delay did send is recorded with its status.
    fake.inject({ kind: "delay", ms: 1 });
    expect((await get()).status).toBe(200);
    expect(fake.requests.map((r) => r.status)).toEqual([0, 200]);
  });

  it("a token endpoint that holds its answer records status 0 until it answers", async () => {
    const { clientId, clientSecret } = fake.credentials.serviceAccount;
    const token = (signal?: AbortSignal) =>
      fetch(`${fake.url}/api/oauth/token`, {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
        ...(signal && { signal }),
      });
    fake.tokenEndpoint.delayMs = 60_000;
    const controller = new AbortController();
    try {
      const pending = token(controller.signal).catch((e: unknown) => e);
      await expect.poll(() => fake.requests.length).toBe(1);
      expect(fake.requests[0]!.status).toBe(0);
      controller.abort();
      await pending;
    } finally {
      fake.tokenEndpoint.delayMs = 0;
    }
    expect((await token()).status).toBe(200);
    expect(fake.requests.map((r) => r.status)).toEqual([0, 200]);
  });

  it("delay leaves nothing behind on a kept-alive connection, however many answers it held", async () => {
    // One connection, kept alive, carries every request; the fault's `when` sees each request's
    // socket and how many close listeners it has on arrival.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const seen: { socket: Socket; listeners: number }[] = [];
    const handle = fake.inject({
      kind: "delay",
      ms: 1,
      times: 15,
      when: (req) =>
        !!seen.push({ socket: req.socket, listeners: req.socket.listenerCount("close") }),
    });
    const once = () =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${fake.url}${path}`, { headers, agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode!));
        });
        req.on("error", reject);
        req.end();
      });
    try {
      for (let i = 0; i < 15; i++) expect(await once()).toBe(200);
    } finally {
      agent.destroy();
    }
    expect(handle.hits).toBe(15);
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
    // Each held answer let go of its listeners once sent: the last request found as many as the
    // first, instead of one more per answer until Node warned of a leak at the eleventh.
    expect(seen.map((s) => s.listeners)).toEqual(seen.map(() => seen[0]!.listeners));
  });

  it.each<[string, unknown]>([
    ["an unknown kind", { kind: "explode" }],
    ["a status outside 200-599", { kind: "status", status: 99 }],
    ["zero times", { kind: "hang", times: 0 }],
    ["fractional times", { kind: "hang", times: 1.5 }],
    ["an unknown operation", { kind: "hang", operationId: "deleteEverything" }],
    ["negative bytes", { kind: "huge", bytes: -1 }],
    // Node runs a timer set past 2^31 - 1 ms after 1 ms, so these would answer at once.
    ["an endless delay", { kind: "delay", ms: Infinity }],
    ["a delay past the longest timer", { kind: "delay", ms: 2 ** 31 }],
    ["endless padding", { kind: "huge", bytes: Infinity }],
    // Retry-After is whole seconds or an HTTP-date (RFC 9110, section 10.2.3).
    ["Retry-After of NaN seconds", { kind: "status", status: 503, retryAfter: NaN }],
    ["Retry-After of a fraction of a second", { kind: "status", status: 503, retryAfter: 1.5 }],
    ["Retry-After as an invalid Date", { kind: "status", status: 503, retryAfter: new Date("x") }],
    ["a bad ending", { kind: "truncate", ending: "later" }],
    ["a when that is not a function", { kind: "hang", when: true }],
  ])("refuses %s", (_label, fault) => {
    expect(() => fake.inject(fault as Fault)).toThrow(TypeError);
  });

  it("names the field and its range when it refuses a number", () => {
    expect(() => fake.inject({ kind: "delay", ms: 2 ** 31 })).toThrow(
      "inject: ms must be a number from 0 to 2147483647",
    );
    // The longest timer itself is a delay the fake can serve.
    fake.inject({ kind: "delay", ms: 2 ** 31 - 1, times: 1 }).remove();
  });
});
