// Retries and authentication together, over real HTTP: the re-send after a 401 belongs to
// authentication, so it is not a retry and does not use up the retry budget.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKey,
  AtlasApiError,
  AtlasTimeoutError,
  createAtlasInvites,
  isAtlasApiError,
  serviceAccount,
  type RetryInfo,
} from "../src/index.js";
import { startFakeAtlas, type FakeAtlas, type InjectedFault } from "../src/testing/index.js";
import { newCounts, rejection, writeCounts } from "./helpers/reliability.js";
import {
  OBSERVED_401_BODY,
  OBSERVED_USER_UNAUTHORIZED_BODY,
  stubFetch,
} from "./helpers/stub-fetch.js";

let fake: FakeAtlas;
const counts = newCounts();
const injected: InjectedFault[] = [];

beforeAll(async () => {
  fake = await startFakeAtlas({ rateLimit: 1_000_000 });
});
afterAll(async () => {
  counts.faultsInjected = injected.reduce((n, h) => n + h.hits, 0);
  writeCounts("reliability-auth", counts);
  await fake.close();
});

const API = /^\/api\/atlas\//;

describe("the 401 re-send is not a retry", () => {
  it("a service-account call that used its retries before a 401 still gets its retries after", async () => {
    counts.scenarios++;
    const retries: RetryInfo[] = [];
    const atlas = createAtlasInvites({
      auth: serviceAccount(fake.credentials.serviceAccount),
      baseUrl: fake.url,
      onDeprecation: false,
      retry: { maxRetries: 1, baseDelayMs: 1 },
      onRetry: (info) => retries.push(info),
    });
    const s = fake.invites.addOrgInvite();
    const ids = { orgId: s.orgId, invitationId: s.id };
    await atlas.getOrgInvite(ids);
    const first = `Bearer ${fake.tokenEndpoint.issued.at(-1)}`;
    const tokenRequests = fake.stats.tokenRequests;

    // The first attempt gets a 503 and uses the only retry; that retry meets a revoked token
    // (401). After the token is replaced, the re-sent call gets a 503 again, and must still be
    // allowed its own retry.
    fake.tokenEndpoint.revokeAll();
    injected.push(
      fake.inject({ kind: "status", status: 503, when: (r) => r.headers.authorization === first }),
      fake.inject({
        kind: "status",
        status: 503,
        operationId: "getOrgInvite",
        when: (r) => r.headers.authorization !== first,
      }),
    );
    fake.requests.length = 0;
    const invite = await atlas.getOrgInvite(ids);

    expect(invite.id).toBe(ids.invitationId);
    expect(fake.stats.tokenRequests).toBe(tokenRequests + 1);
    expect(fake.requests.filter((r) => API.test(r.url)).map((r) => r.status)).toEqual([
      503, 401, 503, 200,
    ]);
    expect(retries.map((r) => r.status)).toEqual([503, 503]);
    expect(injected.map((h) => h.hits)).toEqual([1, 1]);
    await atlas.close();
  });

  it("a second 401 after the re-send goes to the caller, with no more requests", async () => {
    counts.scenarios++;
    const atlas = createAtlasInvites({
      auth: serviceAccount(fake.credentials.serviceAccount),
      baseUrl: fake.url,
      onDeprecation: false,
      retry: { maxRetries: 3, baseDelayMs: 1 },
    });
    const s = fake.invites.addOrgInvite();
    const always401 = fake.inject({
      kind: "status",
      status: 401,
      body: OBSERVED_401_BODY,
      operationId: "getOrgInvite",
      times: Infinity,
    });
    injected.push(always401);
    fake.requests.length = 0;
    const err = await rejection(atlas.getOrgInvite({ orgId: s.orgId, invitationId: s.id }));
    expect(err).toBeInstanceOf(AtlasApiError);
    expect((err as AtlasApiError).status).toBe(401);
    // One call, one re-send after a fresh token; 401 is never retried by the retry policy.
    expect(always401.hits).toBe(2);
    always401.remove();
    await atlas.close();
  });
});

describe("a 401 for a missing role is neither re-sent nor retried", () => {
  it("an API key keeps its Digest session and answers the next call pre-emptively", async () => {
    counts.scenarios++;
    const atlas = createAtlasInvites({
      auth: apiKey(fake.credentials.apiKey),
      baseUrl: fake.url,
      onDeprecation: false,
      retry: { maxRetries: 3, baseDelayMs: 1 },
    });
    const s = fake.invites.addOrgInvite();
    const ids = { orgId: s.orgId, invitationId: s.id };
    await atlas.getOrgInvite(ids);
    const challenges = fake.stats.challenges;
    const role = fake.inject({
      kind: "status",
      status: 401,
      body: OBSERVED_USER_UNAUTHORIZED_BODY,
      operationId: "getOrgInvite",
    });
    injected.push(role);
    fake.requests.length = 0;
    const err = await rejection(atlas.getOrgInvite(ids));
    expect(isAtlasApiError(err, "USER_UNAUTHORIZED")).toBe(true);
    expect(role.hits).toBe(1);
    expect(fake.requests).toHaveLength(1);
    // The next call answers the same challenge again: no new challenge was needed.
    expect((await atlas.getOrgInvite(ids)).id).toBe(s.id);
    expect(fake.requests).toHaveLength(2);
    expect(fake.stats.challenges).toBe(challenges);
    await atlas.close();
  });
});

describe("a 401 whose body cannot be read", () => {
  // The client reads a 401's body for its errorCode before it decides whether the credentials
  // failed. When that read itself fails, the body says nothing about the credentials: the call
  // ends as a failed read ends any call, and the credentials are left as they are.
  function deniedAndStalled() {
    const s = fake.invites.addOrgInvite();
    const ids = { orgId: s.orgId, invitationId: s.id };
    // Atlas's answer for a missing role (401 USER_UNAUTHORIZED), cut off halfway and held open.
    const denial = fake.roles.deny("getOrgInvite");
    const stall = fake.inject({ kind: "truncate", ending: "stall", operationId: "getOrgInvite" });
    injected.push(stall);
    return { ids, denial, stall };
  }

  it("a 401 that stalls mid-body ends in AtlasTimeoutError, with no re-send and the token kept", async () => {
    counts.scenarios++;
    const atlas = createAtlasInvites({
      auth: serviceAccount(fake.credentials.serviceAccount),
      baseUrl: fake.url,
      onDeprecation: false,
      timeout: 300,
    });
    const s = fake.invites.addOrgInvite();
    await atlas.getOrgInvite({ orgId: s.orgId, invitationId: s.id });
    const tokenRequests = fake.stats.tokenRequests;
    const { ids, denial, stall } = deniedAndStalled();
    fake.requests.length = 0;
    const err = await rejection(atlas.getOrgInvite(ids));
    expect(err).toBeInstanceOf(AtlasTimeoutError);
    expect(stall.hits).toBe(1);
    expect(fake.requests.map((r) => r.status)).toEqual([401]);
    denial.remove();
    // The token was not dropped: the next call uses it, with no token request.
    expect((await atlas.getOrgInvite(ids)).id).toBe(ids.invitationId);
    expect(fake.stats.tokenRequests).toBe(tokenRequests);
    await atlas.close();
  });

  it("an abort while a 401's body is read ends the call with the reason, and the token is kept", async () => {
    counts.scenarios++;
    const atlas = createAtlasInvites({
      auth: serviceAccount(fake.credentials.serviceAccount),
      baseUrl: fake.url,
      onDeprecation: false,
    });
    const s = fake.invites.addOrgInvite();
    await atlas.getOrgInvite({ orgId: s.orgId, invitationId: s.id });
    const tokenRequests = fake.stats.tokenRequests;
    const { ids, denial } = deniedAndStalled();
    const controller = new AbortController();
    const reason = new Error("shutting down");
    // A middleware added later sees the answer before authentication does: the abort comes
    // exactly between the 401's headers and the read of its body.
    const abortOn401 = {
      onResponse({ response }: { response: Response }) {
        if (response.status === 401) controller.abort(reason);
      },
    };
    atlas.client.use(abortOn401);
    fake.requests.length = 0;
    const err = await rejection(atlas.getOrgInvite({ ...ids, signal: controller.signal }));
    expect(err).toBe(reason);
    atlas.client.eject(abortOn401);
    denial.remove();
    expect(fake.requests.map((r) => r.status)).toEqual([401]);
    expect((await atlas.getOrgInvite(ids)).id).toBe(ids.invitationId);
    expect(fake.stats.tokenRequests).toBe(tokenRequests);
    await atlas.close();
  });
});

describe("a retry of a request a middleware of the user's handed on", () => {
  // The README lets a middleware return a standard Request of its own. Authentication runs
  // before it and keeps its bookkeeping on the request it authorized; a retry renews the
  // credentials of the request the fetch sends. The two must stay one call's credentials.
  const handOn = {
    onRequest: ({ request }: { request: Request }) =>
      new Request(request.url, { method: request.method, headers: request.headers }),
  };

  it("an API key's first call that meets a 503 is retried at once, not left waiting for its own challenge", async () => {
    counts.scenarios++;
    const atlas = createAtlasInvites({
      auth: apiKey(fake.credentials.apiKey),
      baseUrl: fake.url,
      onDeprecation: false,
      timeout: 2_000,
      retry: { maxRetries: 1, baseDelayMs: 1 },
    });
    atlas.client.use(handOn);
    const s = fake.invites.addOrgInvite();
    const ids = { orgId: s.orgId, invitationId: s.id };
    const unavailable = fake.inject({ kind: "status", status: 503, operationId: "getOrgInvite" });
    injected.push(unavailable);
    fake.requests.length = 0;
    // The first call goes without credentials to fetch the challenge; the second waits for it.
    const started = Date.now();
    const invites = await Promise.all([atlas.getOrgInvite(ids), atlas.getOrgInvite(ids)]);
    expect(invites.map((i) => i.id)).toEqual([s.id, s.id]);
    expect(unavailable.hits).toBe(1);
    // 503, then the retry fetches the challenge (401) and both calls answer it.
    expect(fake.requests.map((r) => r.status)).toEqual([503, 401, 200, 200]);
    expect(Date.now() - started).toBeLessThan(1_000);
    await atlas.close();
  });

  it.each([
    ["sets its own", "Bearer token-of-the-middleware"],
    ["removes the", null],
  ] as const)(
    "a middleware that %s Authorization header gets it on the retry too",
    async (_, value) => {
      counts.scenarios++;
      const atlas = createAtlasInvites({
        auth: serviceAccount(fake.credentials.serviceAccount),
        baseUrl: fake.url,
        onDeprecation: false,
        retry: { maxRetries: 1, baseDelayMs: 1 },
      });
      const s = fake.invites.addOrgInvite();
      const ids = { orgId: s.orgId, invitationId: s.id };
      await atlas.getOrgInvite(ids);
      const inPlace = (request: Request) => {
        if (value === null) request.headers.delete("Authorization");
        else request.headers.set("Authorization", value);
      };
      // In place, and on a standard Request of its own.
      for (const middleware of [
        { onRequest: ({ request }: { request: Request }) => void inPlace(request) },
        {
          onRequest({ request }: { request: Request }) {
            const own = new Request(request.url, {
              method: request.method,
              headers: request.headers,
            });
            inPlace(own);
            return own;
          },
        },
      ]) {
        atlas.client.use(middleware);
        injected.push(fake.inject({ kind: "status", status: 503, operationId: "getOrgInvite" }));
        fake.requests.length = 0;
        // The fake refuses what the middleware sent: the retry's answer is a 401, as the first
        // try's would have been, and the call ends with it after the re-send.
        await atlas.getOrgInvite(ids).catch(() => undefined);
        const api = fake.requests.filter((r) => API.test(r.url));
        expect(api.map((r) => r.headers.authorization ?? null)).toEqual(api.map(() => value));
        expect(api.map((r) => r.status)).toEqual([503, 401, 401]);
        atlas.client.eject(middleware);
      }
      await atlas.close();
    },
  );

  it.each(["apiKey", "serviceAccount"] as const)(
    "%s: a retry whose new credentials are refused gets the one re-send with renewed ones",
    async (kind) => {
      counts.scenarios++;
      let waiting!: () => void;
      const inWait = new Promise<void>((resolve) => (waiting = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const atlas = createAtlasInvites({
        auth:
          kind === "apiKey"
            ? apiKey(fake.credentials.apiKey)
            : serviceAccount(fake.credentials.serviceAccount),
        baseUrl: fake.url,
        onDeprecation: false,
        retry: { maxRetries: 1, baseDelayMs: 1 },
        // Holds the retry until the test has changed the credentials twice.
        onRetry: async () => {
          waiting();
          await released;
        },
      });
      atlas.client.use(handOn);
      const s = fake.invites.addOrgInvite();
      const ids = { orgId: s.orgId, invitationId: s.id };
      await atlas.getOrgInvite(ids);
      const expire = () =>
        kind === "apiKey" ? fake.digest.expireNonces() : fake.tokenEndpoint.revokeAll();
      injected.push(fake.inject({ kind: "status", status: 503, operationId: "getOrgInvite" }));
      const call = atlas.getOrgInvite(ids);
      await inWait;
      // While the call waits to retry, its credentials die and another call renews them; then
      // the renewed ones die too, so the retry goes out with credentials Atlas refuses.
      expire();
      expect((await atlas.getOrgInvite(ids)).id).toBe(s.id);
      expire();
      fake.requests.length = 0;
      release();
      expect((await call).id).toBe(s.id);
      expect(fake.requests.filter((r) => API.test(r.url)).map((r) => r.status)).toEqual([401, 200]);
      await atlas.close();
    },
  );
});

describe("a token Atlas refused while other calls carried it", () => {
  const ORG = "4888442a3354817a7320eb61";
  const INVITE = {
    id: "5f1a7b3c9d2e4f6a8b0c1d2e",
    orgId: ORG,
    orgName: "Acme",
    username: "invitee@example.com",
    inviterUsername: "owner@example.com",
    createdAt: "2026-06-01T10:00:00Z",
    expiresAt: "2026-07-01T10:00:00Z",
    roles: ["ORG_MEMBER"],
    groupRoleAssignments: [],
    teamIds: [],
  };
  it("is still taken out of the errors of those calls, though close() does not revoke it", async () => {
    counts.scenarios++;
    const first = `refused-token-${"4".repeat(24)}`;
    const second = `fresh-token-${"5".repeat(24)}`;
    const tokens = [first, second];
    let renewed!: () => void;
    const renewal = new Promise<void>((resolve) => (renewed = resolve));
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { "Content-Type": "application/json" },
      });
    const fetch = stubFetch(async ({ url, headers }) => {
      if (url.pathname === "/api/oauth/token") {
        const token = tokens.shift()!;
        if (token === second) renewed();
        return json(200, { access_token: token, token_type: "Bearer", expires_in: 3600 });
      }
      if (url.pathname === "/api/oauth/revoke") return new Response(null, { status: 200 });
      const sent = headers.get("Authorization");
      if (url.pathname.includes("/invites/")) {
        // The first call's token is refused as failed credentials are (no errorCode).
        return sent === `Bearer ${first}` ? json(401, OBSERVED_401_BODY) : json(200, INVITE);
      }
      // The second call, sent with the same token, is answered only once the client has dropped
      // it, with an error that quotes it.
      await renewal;
      return json(400, {
        error: 400,
        errorCode: "INVALID_ATTRIBUTE",
        reason: "Bad Request",
        detail: `Rejected request with credentials ${sent ?? ""}`,
      });
    });
    const atlas = createAtlasInvites({
      auth: serviceAccount({ clientId: "mdb_sa_id_refused", clientSecret: "mdb_sa_sk_refused" }),
      fetch,
    });
    try {
      const [invite, error] = await Promise.all([
        atlas.getOrgInvite({ orgId: ORG, invitationId: INVITE.id }),
        rejection(atlas.listOrgUsers({ orgId: ORG })),
      ]);
      expect(invite.id).toBe(INVITE.id);
      expect(error).toBeInstanceOf(AtlasApiError);
      const seen = [
        (error as AtlasApiError).message,
        JSON.stringify((error as AtlasApiError).body),
        await (error as AtlasApiError).response.text(),
      ].join("\n");
      expect(seen).toContain("[redacted]");
      expect(seen).not.toContain(first);
    } finally {
      await atlas.close();
    }
    // The refused token is not revoked: only the one that replaced it is.
    const revoked = fetch.calls
      .filter((c) => c.url.pathname === "/api/oauth/revoke")
      .map((c) => new URLSearchParams(c.body ?? "").get("token"));
    expect(revoked).toEqual([second]);
  });
});
