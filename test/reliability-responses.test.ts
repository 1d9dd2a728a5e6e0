// Odd responses over real HTTP: each yields data or an AtlasApiError (an AtlasError at worst),
// never an unhandled rejection, a parse crash or a hang.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessToken,
  AtlasApiError,
  AtlasTimeoutError,
  createAtlasInvites,
  isAtlasApiError,
  type AtlasInvites,
} from "../src/index.js";
import { DEFAULT_EXTRA_FIELDS, startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";
import { FAULT_MATRIX, OPERATIONS, callOf } from "./helpers/fault-cases.js";
import { rejection, trackFaults } from "./helpers/reliability.js";

let fake: FakeAtlas;
let atlas: AtlasInvites;
const { counts, inject } = trackFaults("reliability-responses", () => fake);

beforeAll(async () => {
  fake = await startFakeAtlas({ rateLimit: 1_000_000 });
  atlas = createAtlasInvites({
    auth: accessToken({ token: fake.credentials.accessToken }),
    baseUrl: fake.url,
    onDeprecation: false,
    timeout: 2_000,
    retry: { baseDelayMs: 1, maxRetries: 1 },
  });
});
afterAll(async () => {
  await atlas.close();
  await fake.close();
});

describe("every fault kind against every operation", () => {
  const cases = OPERATIONS.flatMap((id) =>
    FAULT_MATRIX.map(([label, fault, outcome]) => [id, label, fault, outcome] as const),
  );
  it.each(cases)("%s with %s", async (id, _label, fault, outcome) => {
    counts.inputsTried++;
    const handle = inject({ ...fault, operationId: id });
    // A short per-call timeout where the timeout is the expected end, to keep the run quick.
    const settled = await callOf(
      fake,
      atlas,
      id,
      outcome === AtlasTimeoutError ? { timeout: 250 } : {},
    ).then(
      (data) => ({ data }),
      (error: unknown) => ({ error }),
    );
    expect(handle.hits).toBeGreaterThan(0);
    if (outcome === "data") {
      expect(settled).toHaveProperty("data");
      expect((settled as { data: { id: string } }).data.id).toMatch(/^[a-f0-9]{24}$/);
    } else {
      expect(settled).toHaveProperty("error");
      const error = (settled as { error: unknown }).error;
      // The very class, not a subclass: every error class extends AtlasError, so a network
      // failure that became a timeout or an API error would still be "an AtlasError".
      expect((error as Error).constructor).toBe(outcome);
      // One line, and never the whole body.
      expect((error as Error).message).not.toMatch(/\n/);
      expect((error as Error).message.length).toBeLessThan(600);
    }
  });
});

describe("odd bodies, in detail", () => {
  it("an HTML error page from a proxy becomes AtlasApiError with the status and the first bytes", async () => {
    inject({ kind: "html", status: 502, times: 2 });
    const err = (await rejection(callOf(fake, atlas, "getOrgInvite"))) as AtlasApiError;
    expect(err).toBeInstanceOf(AtlasApiError);
    expect(err.status).toBe(502);
    expect(err.errorCode).toBeUndefined();
    expect(err.message).toContain("response body is not an Atlas error: <!DOCTYPE html>");
    expect(err.response.headers.get("content-type")).toContain("text/html");
  });

  it("a 200 whose body is an HTML page is not data", async () => {
    inject({ kind: "html", status: 200 });
    const err = (await rejection(callOf(fake, atlas, "getOrgInvite"))) as AtlasApiError;
    expect(err.status).toBe(200);
    expect(err.message).toContain("response body is not valid JSON");
  });

  it("an empty 200 says so", async () => {
    inject({ kind: "empty", status: 200 });
    const err = (await rejection(callOf(fake, atlas, "updateOrgInviteById"))) as AtlasApiError;
    expect(err.status).toBe(200);
    expect(err.message).toContain("empty response body");
  });

  it("an empty error answer keeps its status", async () => {
    inject({ kind: "empty", status: 404 });
    const err = (await rejection(callOf(fake, atlas, "getOrgInvite"))) as AtlasApiError;
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/^\[404\] GET .*: empty response body$/);
  });

  it("JSON cut off in the middle is AtlasApiError, not a SyntaxError", async () => {
    inject({ kind: "invalidJson" });
    const err = (await rejection(callOf(fake, atlas, "getOrgInvite"))) as AtlasApiError;
    expect(err).toBeInstanceOf(AtlasApiError);
    expect(err.message).toContain(
      'response body is not valid JSON: {"id":"5f1a7b3c9d2e4f6a8b0c1d2e"',
    );
  });

  it("a body cut off by a closed connection is AtlasApiError with the status it had", async () => {
    inject({ kind: "truncate", operationId: "updateGroupInviteById" });
    const err = (await rejection(callOf(fake, atlas, "updateGroupInviteById"))) as AtlasApiError;
    expect(err.status).toBe(200);
    expect(err.message).toContain("the connection closed before the whole response body arrived");
  });

  it("a body a middleware took from response.body is named as such, not as a closed connection", async () => {
    const reading = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
      onDeprecation: false,
    });
    try {
      for (const take of [
        async (body: ReadableStream<Uint8Array>) => await new Response(body).text(),
        (body: ReadableStream<Uint8Array>) => void body.getReader(),
        // Read through and let go: the stream is unlocked again, and empty.
        async (body: ReadableStream<Uint8Array>) => {
          for await (const chunk of body) void chunk;
        },
      ]) {
        const use = {
          onResponse: async ({ response }: { response: Response }) =>
            void (await take(response.body!)),
        };
        reading.client.use(use);
        const err = (await rejection(callOf(fake, reading, "getOrgInvite"))) as AtlasApiError;
        reading.client.eject(use);
        expect(err).toBeInstanceOf(AtlasApiError);
        expect(err.status).toBe(200);
        expect(err.message).toContain("a middleware read response.body before the client");
        expect(err.message).not.toContain("connection closed");
      }
    } finally {
      await reading.close();
    }
  });

  const MIB = 1024 * 1024;

  it("a 20 MB body is over the default 16 MiB limit: an AtlasApiError that says so", async () => {
    inject({ kind: "huge", bytes: 20 * MIB });
    const err = (await rejection(callOf(fake, atlas, "getOrgInvite"))) as AtlasApiError;
    expect(err).toBeInstanceOf(AtlasApiError);
    expect(err.status).toBe(200);
    expect(err.message).toMatch(
      /the response body is \d+ bytes, more than maxResponseBytes allows \(16777216 bytes\)$/,
    );
    expect(err.message.length).toBeLessThan(300);
  });

  it("a 20 MB body is read in full and returned as data under a higher limit", async () => {
    const bytes = 20 * MIB;
    inject({ kind: "huge", bytes });
    const roomy = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
      onDeprecation: false,
      maxResponseBytes: 32 * MIB,
    });
    const s = fake.invites.addOrgInvite({ username: "big@example.com" });
    const invite = (await roomy.getOrgInvite({
      orgId: s.orgId,
      invitationId: s.id,
    })) as unknown as Record<string, unknown>;
    expect(invite.username).toBe("big@example.com");
    expect(invite.id).toBe(s.id);
    const padding = invite.padding as string;
    expect(padding.length).toBeGreaterThan(bytes - 2_000);
    expect(/^x+$/.test(padding)).toBe(true);
    await roomy.close();
  });

  it("a retried answer is thrown away unread, so its declared length over the limit does not stop the retry", async () => {
    // A load balancer's 503 page, larger than a tight limit; Node declares its Content-Length.
    const page = `<html><body>${"Service Unavailable. ".repeat(250)}</body></html>`;
    const small = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
      onDeprecation: false,
      maxResponseBytes: 4096,
      retry: { baseDelayMs: 1 },
    });
    try {
      inject({ kind: "status", status: 503, body: page, headers: { "Content-Type": "text/html" } });
      const s = fake.invites.addOrgInvite();
      const invite = await small.getOrgInvite({ orgId: s.orgId, invitationId: s.id });
      expect(invite.id).toBe(s.id);
      expect(fake.requests.map((r) => r.status)).toEqual([503, 200]);
    } finally {
      await small.close();
    }
  });

  it("a 20 MB error body gives an AtlasApiError with a short message, under either limit", async () => {
    const unknown = { orgId: "4888442a3354817a7320eb61", invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e" };
    inject({ kind: "huge", bytes: 20 * MIB });
    const over = (await rejection(atlas.getOrgInvite(unknown))) as AtlasApiError;
    expect(isAtlasApiError(over, 404)).toBe(true);
    expect(over.message).toContain("more than maxResponseBytes allows");
    expect(over.message.length).toBeLessThan(300);

    inject({ kind: "huge", bytes: 20 * MIB });
    const roomy = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
      onDeprecation: false,
      maxResponseBytes: 32 * MIB,
    });
    const read = (await rejection(roomy.getOrgInvite(unknown))) as AtlasApiError;
    expect(isAtlasApiError(read, 404)).toBe(true);
    // The body was read as an Atlas error, and the message quotes only the start of it.
    expect(typeof read.detail).toBe("string");
    expect(read.message.length).toBeLessThan(300);
    await roomy.close();
  });

  it("unknown fields Atlas may add are kept, not dropped", async () => {
    inject({ kind: "extraFields" });
    const s = fake.invites.addOrgInvite();
    const invite = await atlas.getOrgInvite({ orgId: s.orgId, invitationId: s.id });
    expect(invite).toEqual({ ...s, ...DEFAULT_EXTRA_FIELDS });
  });

  it("unknown fields inside the envelope are kept too", async () => {
    inject({ kind: "extraFields", fields: { traceId: "abc", content2: [1] } });
    const s = fake.invites.addGroupInvite();
    const wrapped = await atlas.updateGroupInviteById({
      groupId: s.groupId,
      invitationId: s.id,
      body: { roles: ["GROUP_OWNER"] },
      envelope: true,
    });
    expect(wrapped).toMatchObject({ status: 200, traceId: "abc", content2: [1] });
    expect(wrapped.content.roles).toEqual(["GROUP_OWNER"]);
  });

  it("unknown fields in an error body are kept on AtlasApiError.body", async () => {
    inject({
      kind: "status",
      status: 409,
      body: { error: 409, errorCode: "CONFLICT", detail: "busy", hint: "later" },
    });
    const err = (await rejection(callOf(fake, atlas, "getOrgInvite"))) as AtlasApiError;
    expect(err.errorCode).toBe("CONFLICT");
    expect(err.body).toMatchObject({ hint: "later" });
  });

  // 200 KB of brackets: JSON.parse reads them, but a recursive walk or JSON.stringify of the
  // result overflows the stack.
  const DEEP = 100_000;

  it("an error body nested 100,000 levels deep is AtlasApiError, not a RangeError", async () => {
    inject({ kind: "status", status: 404, body: "[".repeat(DEEP) + "]".repeat(DEEP) });
    const err = (await rejection(callOf(fake, atlas, "getOrgInvite"))) as AtlasApiError;
    expect(err).toBeInstanceOf(AtlasApiError);
    expect(err.status).toBe(404);
    expect(err.message).toContain("response body is not an Atlas error: [[[[");
    expect(err.message.length).toBeLessThan(600);
  });

  it("an Atlas error with a field nested that deep keeps its errorCode and detail", async () => {
    const deep = "[".repeat(DEEP) + '"x"' + "]".repeat(DEEP);
    inject({
      kind: "status",
      status: 400,
      body: `{"error":400,"errorCode":"INVALID_ATTRIBUTE","detail":"Invalid attribute x specified.","parameters":${deep}}`,
    });
    const err = (await rejection(callOf(fake, atlas, "getOrgInvite"))) as AtlasApiError;
    expect(err).toBeInstanceOf(AtlasApiError);
    expect(err.errorCode).toBe("INVALID_ATTRIBUTE");
    expect(err.detail).toBe("Invalid attribute x specified.");
    expect(Array.isArray(err.parameters)).toBe(true);
  });

  it("a plain-text error body is kept as its first bytes", async () => {
    inject({
      kind: "status",
      status: 400,
      body: "Bad Request\r\n\r\nsomething  broke",
      headers: { "Content-Type": "text/plain" },
    });
    const err = (await rejection(callOf(fake, atlas, "getOrgInvite"))) as AtlasApiError;
    expect(err.status).toBe(400);
    // Line breaks are written as escapes, so the message stays one line and shows them.
    expect(err.message).toContain(
      "response body is not an Atlas error: Bad Request\\r\\n\\r\\nsomething  broke",
    );
    expect(err.message).not.toMatch(/[\r\n]/);
  });
});
