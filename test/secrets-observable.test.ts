/**
 * Secrets in what a user observes beyond the message of an error: the errors a transport threw
 * (kept as `cause` and handed to `onRetry`), the body of an answer the client refused, and the
 * requests a logging middleware prints. Each test plants the credential where a real transport
 * or server could put it and looks for it with util.inspect at full depth.
 */
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessToken,
  apiKey,
  AtlasApiError,
  AtlasError,
  createAtlasInvites,
  serviceAccount,
  type AtlasInvitesOptions,
  type RetryInfo,
} from "../src/index.js";
import { startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";
import { rejection } from "./helpers/reliability.js";

const ORG_ID = "4888442a3354817a7320eb61";
const INVITATION_ID = "5f1a7b3c9d2e4f6a8b0c1d2e";

let fake: FakeAtlas;
beforeAll(async () => {
  fake = await startFakeAtlas();
});
afterAll(async () => {
  await fake.close();
});

const shown = (value: unknown) => inspect(value, { depth: Infinity, showHidden: true });

function client(options: Partial<AtlasInvitesOptions> = {}) {
  return createAtlasInvites({
    auth: accessToken({ token: fake.credentials.accessToken }),
    baseUrl: fake.url,
    onDeprecation: false,
    ...options,
  });
}

describe("an error a transport threw", () => {
  /**
   * A fetch that fails the way a request-mocking library does when nothing matched: its message
   * lists the request, headers included, one cause deep. With ECONNRESET it is retried.
   */
  const echoing =
    (code = "ERR_NO_MATCH"): AtlasInvitesOptions["fetch"] =>
    (url, init) => {
      const headers = Object.fromEntries(new Headers(init?.headers));
      const listed = JSON.stringify({ url, headers });
      const unmatched = Object.assign(new Error(`No match for ${listed}`), { code });
      return Promise.reject(new TypeError("fetch failed", { cause: unmatched }));
    };

  it("is not shown with the token in the cause chain, and keeps its names and codes", async () => {
    const atlas = client({ fetch: echoing(), retry: { maxRetries: 0 } });
    const err = await rejection(atlas.getOrgInvite({ orgId: ORG_ID, invitationId: INVITATION_ID }));
    expect(err).toBeInstanceOf(AtlasError);
    expect(shown(err)).toContain("No match for");
    expect(shown(err)).not.toContain(fake.credentials.accessToken);
    const cause = err.cause as TypeError & { cause: Error & { code: string } };
    expect(cause.name).toBe("TypeError");
    expect(cause.message).toBe("fetch failed");
    expect(cause.cause.code).toBe("ERR_NO_MATCH");
    expect(cause.cause.message).toContain("[redacted]");
  });

  it("is not handed to onRetry with the token", async () => {
    const retries: RetryInfo[] = [];
    const atlas = client({
      fetch: echoing("ECONNRESET"),
      retry: { maxRetries: 1, baseDelayMs: 1 },
      onRetry: (info) => retries.push(info),
    });
    await atlas.getOrgInvite({ orgId: ORG_ID, invitationId: INVITATION_ID }).catch(() => undefined);
    expect(retries).toHaveLength(1);
    expect(shown(retries[0]!.error)).toContain("No match for");
    expect(shown(retries[0]!.error)).not.toContain(fake.credentials.accessToken);
  });

  it("whose causes loop is taken apart without running forever", async () => {
    const looped = new Error(`sent ${fake.credentials.accessToken}`);
    looped.cause = new Error("again", { cause: looped });
    const atlas = client({ fetch: () => Promise.reject(looped), retry: { maxRetries: 0 } });
    const err = await rejection(atlas.getOrgInvite({ orgId: ORG_ID, invitationId: INVITATION_ID }));
    expect(shown(err)).toContain("sent [redacted]");
    expect(shown(err)).not.toContain(fake.credentials.accessToken);
  });

  it("while the body streamed in is not shown with the token either", async () => {
    const token = fake.credentials.accessToken;
    const atlas = client({
      retry: { maxRetries: 0 },
      fetch: (_url, init) => {
        const sent = new Headers(init?.headers).get("Authorization");
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"id":'));
            controller.error(new Error(`stream of the request with ${sent} broke`));
          },
        });
        return Promise.resolve(new Response(body, { status: 200 }));
      },
    });
    const err = await rejection(atlas.getOrgInvite({ orgId: ORG_ID, invitationId: INVITATION_ID }));
    expect(err.message).toContain("the connection closed before the whole response body arrived");
    expect(shown(err)).toContain("stream of the request with Bearer [redacted] broke");
    expect(shown(err)).not.toContain(token);
  });

  it("without a secret in it, stays the very error the transport threw", async () => {
    const thrown = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") });
    const atlas = client({ fetch: () => Promise.reject(thrown), retry: { maxRetries: 0 } });
    const err = await rejection(atlas.getOrgInvite({ orgId: ORG_ID, invitationId: INVITATION_ID }));
    expect(err.cause).toBe(thrown);
  });
});

describe("an answer the client refused although its status was a success", () => {
  /** The response's body, through every reader a user may call. */
  async function bodies(err: AtlasApiError): Promise<string[]> {
    // bytes() is not in Node 20's types; the client's readers offer it all the same.
    const response = err.response as Response & { bytes(): Promise<Uint8Array> };
    const decode = (bytes: ArrayBuffer | Uint8Array) => new TextDecoder().decode(bytes);
    return [
      await response.text(),
      decode(await response.arrayBuffer()),
      decode(await response.bytes()),
      await (await response.blob()).text(),
    ];
  }

  it("hands out its body without an echoed token, as an error status's body is", async () => {
    const token = fake.credentials.accessToken;
    const echoed = `<html>signed in with Bearer ${token}</html>`;
    fake.inject({ kind: "status", status: 200, operationId: "getOrgInvite", body: echoed });
    const err = await rejection(
      client().getOrgInvite({ orgId: ORG_ID, invitationId: INVITATION_ID }),
    );
    expect(err).toBeInstanceOf(AtlasApiError);
    expect(err.message).toContain("not valid JSON");
    for (const body of await bodies(err as AtlasApiError)) {
      expect(body).toBe("<html>signed in with Bearer [redacted]</html>");
    }
  });

  it("hands out a JSON page without an echoed token through json() too", async () => {
    const token = fake.credentials.accessToken;
    const page = { echo: { authorization: `Bearer ${token}` } };
    fake.inject({ kind: "status", status: 200, operationId: "listOrgUsers", body: page });
    const pages = client().paginate("listOrgUsers", { orgId: ORG_ID })[Symbol.asyncIterator]();
    const err = (await rejection(pages.next())) as AtlasApiError;
    expect(err.message).toContain("the page has no results list");
    expect(await err.response.json()).toEqual({ echo: { authorization: "Bearer [redacted]" } });
    for (const body of await bodies(err)) expect(body).not.toContain(token);
  });
});

describe("a request a logging middleware prints", () => {
  it("shows its Authorization header's scheme but not the credentials", async () => {
    const token = fake.credentials.accessToken;
    const printed: string[] = [];
    const atlas = client();
    atlas.client.use({
      onRequest({ request }) {
        printed.push(shown(request));
      },
      onResponse({ request }) {
        printed.push(shown(request));
      },
    });
    await atlas.listOrgUsers({ orgId: ORG_ID });
    expect(printed).toHaveLength(2);
    for (const text of printed) {
      expect(text).toMatch(/^AtlasRequest \{/);
      expect(text).toContain("Authorization: 'Bearer [redacted]'");
      expect(text).toContain(`${fake.url}/api/atlas/v2/orgs/${ORG_ID}/users`);
      expect(text).not.toContain(token);
    }
  });

  it("hides an Authorization value without a scheme whole", async () => {
    const raw = "raw-credential-without-scheme-8c1e";
    const printed: string[] = [];
    const atlas = createAtlasInvites({
      auth: {
        label: "raw",
        start: () => ({ authorize: (r) => r.headers.set("Authorization", raw) }),
      },
      baseUrl: fake.url,
      onDeprecation: false,
    });
    atlas.client.use({
      onRequest({ request }) {
        printed.push(shown(request));
      },
    });
    await atlas.listOrgUsers({ orgId: ORG_ID }).catch(() => undefined);
    expect(printed[0]).toContain("Authorization: '[redacted]'");
    expect(printed[0]).not.toContain(raw);
  });

  it("still carries the credentials to the server", async () => {
    const atlas = client();
    let sent: string | null = null;
    atlas.client.use({
      onRequest({ request }) {
        shown(request);
        sent = request.headers.get("Authorization");
      },
    });
    await atlas.listOrgUsers({ orgId: ORG_ID });
    expect(sent).toBe(`Bearer ${fake.credentials.accessToken}`);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(sent);
  });
});

describe("the response of a path-based call that failed", () => {
  it("shows no echoed token in its headers, as its body and an AtlasApiError's do not", async () => {
    const token = fake.credentials.accessToken;
    fake.inject({
      kind: "status",
      status: 400,
      operationId: "getOrgUser",
      headers: { "X-Echo": `Bearer ${token}` },
      body: { error: 400, detail: `echo ${token}` },
    });
    const seen: Response[] = [];
    const atlas = client();
    atlas.client.use({
      onResponse({ response }) {
        seen.push(response);
      },
    });
    const { error, response } = await atlas.client.GET(
      "/api/atlas/v2/orgs/{orgId}/users/{userId}",
      { params: { path: { orgId: ORG_ID, userId: INVITATION_ID } } },
    );
    expect(error).toEqual({ error: 400, detail: "echo [redacted]" });
    expect(seen).toEqual([response]);
    expect(response.headers.get("X-Echo")).toBe("Bearer [redacted]");
    expect(shown(response)).not.toContain(token);
  });
});

/**
 * The error of a getOrgUser call whose 400 echoes the fake's access token, sent by a strategy of
 * the user's own that signs with `authorization` and names `secrets` (or none).
 */
async function echoedThrough(
  authorization: (token: string) => string,
  secrets?: (token: string) => Iterable<string>,
): Promise<{ err: Error; token: string }> {
  const token = fake.credentials.accessToken;
  fake.inject({
    kind: "status",
    status: 400,
    operationId: "getOrgUser",
    body: { error: 400, errorCode: "INVALID_ATTRIBUTE", detail: `echo ${token}` },
  });
  const atlas = createAtlasInvites({
    auth: {
      label: "vault",
      start: () => ({
        authorize: (r) => r.headers.set("Authorization", authorization(token)),
        ...(secrets && { secrets: () => secrets(token) }),
      }),
    },
    baseUrl: fake.url,
    onDeprecation: false,
  });
  const err = await rejection(atlas.getOrgUser({ orgId: ORG_ID, userId: INVITATION_ID }));
  return { err, token };
}

describe("a strategy of the user's own with secrets() as a JavaScript caller may write it", () => {
  it.each([
    // The second secret is not there yet.
    [
      "lists a value it has not got yet",
      (token: string) => [token, undefined as unknown as string],
    ],
    // A string is an Iterable<string> of its characters; it must count as one secret.
    ["returns one string", (token: string) => token as unknown as string[]],
  ])("%s: Atlas's error still comes, with the token scrubbed whole", async (_, secrets) => {
    const { err, token } = await echoedThrough((t) => `Bearer ${t}`, secrets);
    expect(err).toBeInstanceOf(AtlasApiError);
    expect(err.message).toBe(
      "[400 INVALID_ATTRIBUTE] GET /api/atlas/v2/orgs/{orgId}/users/{userId}: echo [redacted]",
    );
    expect(shown(err)).not.toContain(token);
  });
});

describe("a strategy of the user's own that does not name its secrets", () => {
  it.each(["bearer", "BEARER", "Bearer  "])(
    "has the token it sends with the scheme written %j scrubbed from an echo",
    async (scheme) => {
      const { err, token } = await echoedThrough((t) => `${scheme} ${t}`);
      expect(err.message).toContain("echo [redacted]");
      expect(shown(err)).not.toContain(token);
    },
  );
});

describe("the fake's record of the requests it received", () => {
  it("holds the credentials for assertions, and shows none in JSON, inspect or a snapshot", async () => {
    const own = await startFakeAtlas();
    try {
      const { serviceAccount: account, apiKey: key, accessToken: token } = own.credentials;
      const basic = Buffer.from(`${account.clientId}:${account.clientSecret}`).toString("base64");
      for (const auth of [serviceAccount(account), apiKey(key), accessToken({ token })]) {
        const atlas = createAtlasInvites({ auth, baseUrl: own.url, onDeprecation: false });
        await atlas.getOrgUser({ orgId: ORG_ID, userId: INVITATION_ID }).catch(() => undefined);
        await atlas.close();
      }
      const [issued] = own.tokenEndpoint.issued;
      const sent = own.requests.map((r) => r.headers.authorization);
      expect(sent).toEqual(expect.arrayContaining([`Basic ${basic}`, `Bearer ${issued}`]));
      expect(sent).toContain(`Bearer ${token}`);
      expect(sent.some((h) => String(h).startsWith(`Digest username="${key.publicKey}"`))).toBe(
        true,
      );
      const revoke = own.requests.find((r) => r.url === "/api/oauth/revoke")!;
      expect(revoke.body).toContain(`token=${issued}`);
      // What a snapshot of them writes: vitest's serializer, which calls toJSON.
      const { format } = await import("@vitest/pretty-format");
      for (const view of [
        JSON.stringify(own.requests),
        shown(own.requests),
        format(own.requests),
      ]) {
        for (const secret of [account.clientSecret, basic, issued!, token]) {
          expect(view).not.toContain(secret);
        }
        expect(view).toContain("Bearer [redacted]");
        expect(view).toContain("Basic [redacted]");
        expect(view).toContain("Digest [redacted]");
        expect(view).toContain("token=[redacted]");
        expect(view).toContain("/api/atlas/v2/orgs/");
      }
      // A record still compares equal to a plain copy of its fields.
      expect({ ...revoke, headers: { ...revoke.headers } }).toEqual(revoke);
    } finally {
      await own.close();
    }
  });

  it("shows no secret a token request carries in its form (client_secret_post, RFC 6749, 2.3.1)", async () => {
    const own = await startFakeAtlas();
    try {
      const { clientId, clientSecret } = own.credentials.serviceAccount;
      // Generic OAuth code may send the secret in the body instead of a Basic header; the fake
      // refuses it, but still records what came.
      const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret,
        refresh_token: "rt-secret-value",
      });
      const res = await fetch(`${own.url}/api/oauth/token`, { method: "POST", body: form });
      await res.arrayBuffer();
      const [record] = own.requests;
      expect(record!.body).toContain(`client_secret=${clientSecret}`);
      const { format } = await import("@vitest/pretty-format");
      for (const view of [JSON.stringify(record), shown(record), format(record)]) {
        expect(view).not.toContain(clientSecret);
        expect(view).not.toContain("rt-secret-value");
        expect(view).toContain("client_secret=[redacted]");
        expect(view).toContain(`client_id=${clientId}`);
      }
    } finally {
      await own.close();
    }
  });
});
