import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AtlasApiError,
  AtlasAuthError,
  AtlasError,
  AtlasTimeoutError,
  createAtlasInvites,
  isAtlasApiError,
  serviceAccount,
  type AtlasInvites,
  type AtlasInvitesOptions,
  type FetchLike,
  type OrganizationInvitation,
} from "../src/index.js";
import {
  startFakeAtlas,
  type FakeAtlas,
  type FakeAtlasOptions,
  type FakeTokenReply,
} from "../src/testing/index.js";
import { DEFAULT_TOKEN_LIFETIME_MS } from "../src/auth/service-account.js";
import { basicForms, leakedSecrets } from "./helpers/auth-secrets.js";
import { OBSERVED_USER_UNAUTHORIZED_BODY } from "./helpers/stub-fetch.js";

let fake: FakeAtlas;
let seeded: OrganizationInvitation;
const opened: AtlasInvites[] = [];

async function startFake(options: FakeAtlasOptions = {}): Promise<FakeAtlas> {
  fake = await startFakeAtlas({ rateLimit: 1_000_000, ...options });
  seeded = fake.invites.addOrgInvite();
  return fake;
}

beforeEach(async () => {
  await startFake();
});
afterEach(async () => {
  vi.useRealTimers();
  for (const atlas of opened.splice(0)) await atlas.close().catch(() => undefined);
  await fake.close();
});

function connect(
  options: Partial<AtlasInvitesOptions> = {},
  credentials: { clientId: string; clientSecret: string } = fake.credentials.serviceAccount,
): AtlasInvites {
  const atlas = createAtlasInvites({
    auth: serviceAccount(credentials),
    baseUrl: fake.url,
    onDeprecation: false,
    ...options,
  });
  opened.push(atlas);
  return atlas;
}

function get(atlas: AtlasInvites) {
  return atlas.getOrgInvite({ orgId: seeded.orgId!, invitationId: seeded.id! });
}

const tokenRequests = () => fake.requests.filter((r) => r.url === "/api/oauth/token");
const apiRequests = () => fake.requests.filter((r) => r.url.startsWith("/api/atlas/"));

/** Every form of every secret in play: the client secret (raw and in Basic) and each token. */
function secrets(clientSecret = fake.credentials.serviceAccount.clientSecret): string[] {
  const { clientId } = fake.credentials.serviceAccount;
  return [
    ...basicForms(clientId, clientSecret),
    ...basicForms(clientId, fake.credentials.serviceAccount.clientSecret),
    ...fake.tokenEndpoint.issued,
  ];
}

describe("getting and using a token", () => {
  it("posts client credentials with Basic auth of the raw id and secret, then calls with Bearer", async () => {
    await fake.close();
    // Characters that form-encoding would change must reach the token endpoint unchanged.
    const credentials = { clientId: "mdb_sa_id_a+b/c%d", clientSecret: "s3:cr+t/ %&=é" };
    await startFake({ serviceAccount: credentials });
    const atlas = connect({}, credentials);

    expect(await get(atlas)).toEqual(seeded);

    expect(fake.stats.tokenRequests).toBe(1);
    const [token] = tokenRequests();
    expect(token!.method).toBe("POST");
    expect(token!.headers.authorization).toBe(
      `Basic ${Buffer.from("mdb_sa_id_a+b/c%d:s3:cr+t/ %&=é", "utf8").toString("base64")}`,
    );
    expect(token!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(token!.headers.accept).toBe("application/json");
    expect(token!.headers["user-agent"]).toMatch(/^atlas-invites\//);
    expect(token!.body).toBe("grant_type=client_credentials");
    expect(token!.status).toBe(200);

    const [call] = apiRequests();
    expect(fake.tokenEndpoint.issued).toHaveLength(1);
    expect(call!.headers.authorization).toBe(`Bearer ${fake.tokenEndpoint.issued[0]}`);
    expect(call!.status).toBe(200);
  });

  it("reuses one token for a run of calls", async () => {
    const atlas = connect();
    for (let i = 0; i < 10; i++) await get(atlas);
    expect(fake.stats.tokenRequests).toBe(1);
    expect(fake.stats.exchanges).toBe(10);
    const headers = new Set(apiRequests().map((r) => r.headers.authorization));
    expect([...headers]).toEqual([`Bearer ${fake.tokenEndpoint.issued[0]}`]);
  });

  it("makes exactly one token request for 1,000 concurrent first calls", async () => {
    fake.tokenEndpoint.delayMs = 50;
    const atlas = connect();
    const results = await Promise.all(Array.from({ length: 1000 }, () => get(atlas)));
    expect(results.every((r) => r.id === seeded.id)).toBe(true);
    expect(fake.stats.tokenRequests).toBe(1);
    expect(fake.stats.exchanges).toBe(1000);
    expect(apiRequests().every((r) => r.status === 200)).toBe(true);
  });

  it("refreshes a minute before expiry, once, while the valid token keeps serving", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    const atlas = connect();
    await get(atlas);
    const [first] = fake.tokenEndpoint.issued;

    vi.setSystemTime(start + 3600_000 - 61_000);
    await get(atlas);
    expect(fake.stats.tokenRequests).toBe(1);

    vi.setSystemTime(start + 3600_000 - 30_000);
    const before = fake.requests.length;
    const results = await Promise.all(Array.from({ length: 1000 }, () => get(atlas)));
    expect(results).toHaveLength(1000);
    // The calls went out with the token that is still valid, without waiting for the new one.
    const sent = fake.requests.slice(before).filter((r) => r.url.startsWith("/api/atlas/"));
    expect(sent.every((r) => r.headers.authorization === `Bearer ${first}`)).toBe(true);
    await vi.waitFor(() => expect(fake.tokenEndpoint.issued).toHaveLength(2));
    expect(fake.stats.tokenRequests).toBe(2);

    await get(atlas);
    expect(apiRequests().at(-1)!.headers.authorization).toBe(
      `Bearer ${fake.tokenEndpoint.issued[1]}`,
    );
    expect(fake.stats.tokenRequests).toBe(2);
  });

  it("uses a tenth of the lifetime as the margin for short-lived tokens", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    fake.tokenEndpoint.lifetimeSeconds = 100;
    const start = Date.now();
    const atlas = connect();
    await get(atlas);

    vi.setSystemTime(start + 89_000);
    await get(atlas);
    expect(fake.stats.tokenRequests).toBe(1);

    vi.setSystemTime(start + 91_000);
    await get(atlas);
    await vi.waitFor(() => expect(fake.stats.tokenRequests).toBe(2));
  });

  for (const odd of [0, -60, "60", null]) {
    it(`takes expires_in ${JSON.stringify(odd)} as an hour, what Atlas issues`, async () => {
      vi.useFakeTimers({ toFake: ["Date"] });
      // The fake's token, answered with another expires_in. The client hands its fetch the URL as
      // a string.
      const fetch: FetchLike = async (input, init) => {
        const response = await globalThis.fetch(input, init);
        if (!(input as string).endsWith("/api/oauth/token")) return response;
        const body = (await response.json()) as Record<string, unknown>;
        return Response.json({ ...body, expires_in: odd });
      };
      const start = Date.now();
      const atlas = connect({ fetch });
      await get(atlas);

      vi.setSystemTime(start + 3600_000 - 61_000);
      await get(atlas);
      expect(fake.stats.tokenRequests).toBe(1);

      vi.setSystemTime(start + 3600_000 - 30_000);
      await get(atlas);
      await vi.waitFor(() => expect(fake.stats.tokenRequests).toBe(2));
    });
  }

  it("holds a token that claims to live ten days to a day, and renews it a minute before", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    fake.tokenEndpoint.lifetimeSeconds = 10 * 86_400;
    const start = Date.now();
    const atlas = connect();
    await get(atlas);

    vi.setSystemTime(start + 86_400_000 - 61_000);
    await get(atlas);
    expect(fake.stats.tokenRequests).toBe(1);

    vi.setSystemTime(start + 86_400_000 - 30_000);
    await get(atlas);
    await vi.waitFor(() => expect(fake.stats.tokenRequests).toBe(2));
  });

  it("pauses between background refreshes that fail, instead of trying on every call", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    // A secret that expired while its token still serves: the token endpoint refuses it. The
    // client hands its fetch the URL as a string.
    let refusing = false;
    let refusals = 0;
    const fetch: FetchLike = (input, init) => {
      if (refusing && (input as string).endsWith("/api/oauth/token")) {
        refusals++;
        return Promise.resolve(Response.json({ error: "invalid_client" }, { status: 401 }));
      }
      return globalThis.fetch(input, init);
    };
    const start = Date.now();
    const atlas = connect({ fetch, retry: false });
    await get(atlas);

    refusing = true;
    const failedAt = start + 3600_000 - 50_000;
    vi.setSystemTime(failedAt);
    for (let i = 0; i < 40; i++) await get(atlas);
    expect(refusals).toBe(1);

    // The pause is 5 s: 100 ms before it ends, calls still only use the current token.
    vi.setSystemTime(failedAt + 4_900);
    for (let i = 0; i < 10; i++) await get(atlas);
    expect(refusals).toBe(1);

    // Once the pause is over the next call tries again, and the new token takes over.
    refusing = false;
    vi.setSystemTime(failedAt + 5_000);
    await get(atlas);
    await vi.waitFor(() => expect(fake.tokenEndpoint.issued).toHaveLength(2));
    await get(atlas);
    expect(apiRequests().at(-1)!.headers.authorization).toBe(
      `Bearer ${fake.tokenEndpoint.issued[1]}`,
    );
    expect(apiRequests().every((r) => r.status === 200)).toBe(true);
  });

  it("after expiry, 1,000 concurrent calls wait for one new token", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    fake.tokenEndpoint.delayMs = 50;
    const start = Date.now();
    const atlas = connect();
    await get(atlas);

    vi.setSystemTime(start + 3601_000);
    const before = fake.requests.length;
    const results = await Promise.all(Array.from({ length: 1000 }, () => get(atlas)));
    expect(results.every((r) => r.id === seeded.id)).toBe(true);
    expect(fake.stats.tokenRequests).toBe(2);
    const sent = fake.requests.slice(before).filter((r) => r.url.startsWith("/api/atlas/"));
    expect(sent).toHaveLength(1000);
    expect(
      sent.every((r) => r.headers.authorization === `Bearer ${fake.tokenEndpoint.issued[1]}`),
    ).toBe(true);
  });

  it("takes a token without expires_in and keeps it until Atlas refuses it", async () => {
    fake.tokenEndpoint.replyNext({
      status: 200,
      body: { access_token: "mdb_sa_at_without_expiry", token_type: "Bearer" },
    });
    const atlas = connect();
    // The fake never issued this token, so the call is refused once and a real one is fetched.
    await get(atlas);
    expect(fake.stats.tokenRequests).toBe(2);
    expect(apiRequests()[0]!.headers.authorization).toBe("Bearer mdb_sa_at_without_expiry");
    expect(apiRequests()[0]!.status).toBe(401);
    expect(apiRequests()[1]!.status).toBe(200);
  });

  it("assumes tokens live one hour, as Atlas issues them", () => {
    expect(DEFAULT_TOKEN_LIFETIME_MS).toBe(3_600_000);
  });

  it("lets go of tokens that expired, so a client running for days does not pile them up", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    let issued = 0;
    const session = serviceAccount(fake.credentials.serviceAccount).start({
      baseUrl: "https://cloud.mongodb.com",
      userAgent: "test",
      send: () => {
        const body = { access_token: `mdb_sa_at_${++issued}`, expires_in: 3600 };
        return Promise.resolve({ status: 200, headers: new Headers(), text: JSON.stringify(body) });
      },
    });
    const request = { url: "https://cloud.mongodb.com/api/atlas/v2", method: "GET" };
    // A day and a half of hourly tokens: each call comes after the previous token expired.
    for (let hour = 0; hour < 36; hour++) {
      vi.setSystemTime(start + hour * 3601_000);
      await session.authorize({ ...request, headers: new Headers() });
    }
    expect(issued).toBe(36);
    // What the client scrubs from every error body: the secret, its Basic form and the tokens
    // that may still be valid, not every token the session ever had.
    const held = [...session.secrets!()];
    expect(held).toContain("mdb_sa_at_36");
    expect(held.length).toBeLessThanOrEqual(4);
  });

  it.each([
    ["missing", undefined],
    ["null", null],
    ["zero", 0],
    ["negative", -60],
    ["a string", "3600"],
    ["not a number", "soon"],
  ])(
    "keeps a token whose expires_in is %s for the default lifetime, not one call",
    async (_label, expiresIn) => {
      vi.useFakeTimers({ toFake: ["Date"] });
      const start = Date.now();
      // The fake issues real tokens; only the expires_in the client reads is replaced.
      const fetch: FetchLike = async (input, init) => {
        const response = await globalThis.fetch(input, init);
        // The client's fetch is always called with the URL as a string.
        if (!(input as string).endsWith("/api/oauth/token") || response.status !== 200) {
          return response;
        }
        const body = (await response.json()) as Record<string, unknown>;
        if (expiresIn === undefined) delete body.expires_in;
        else body.expires_in = expiresIn;
        return new Response(JSON.stringify(body), { status: 200, headers: response.headers });
      };
      const atlas = connect({ fetch });
      for (let i = 0; i < 5; i++) await get(atlas);
      expect(fake.stats.tokenRequests).toBe(1);

      // Still inside the default lifetime and before its refresh margin: the same token serves.
      vi.setSystemTime(start + DEFAULT_TOKEN_LIFETIME_MS - 61_000);
      await get(atlas);
      expect(fake.stats.tokenRequests).toBe(1);
      expect(new Set(apiRequests().map((r) => r.headers.authorization)).size).toBe(1);

      // Inside the margin, one background refresh fetches the next token.
      vi.setSystemTime(start + DEFAULT_TOKEN_LIFETIME_MS - 30_000);
      await get(atlas);
      await vi.waitFor(() => expect(fake.stats.tokenRequests).toBe(2));
    },
  );

  it("counts the wait for a token into the first attempt's timeout", async () => {
    fake.tokenEndpoint.delayMs = 200;
    fake.inject({ kind: "delay", ms: 200, operationId: "getOrgInvite", times: 2 });
    const atlas = connect({ timeout: 300 });
    // 200 ms for the token and 200 ms for the answer: each shorter than 300 ms, both longer.
    const err = await get(atlas).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasTimeoutError);
    expect((err as Error).message).toContain("timed out after 300 ms");
    // With the token in hand, the same answer time fits.
    expect((await get(atlas)).id).toBe(seeded.id);
    expect(fake.stats.tokenRequests).toBe(1);
  });

  it("gives a retry that waits for a new token its own attempt's time, not what is left of the call's", async () => {
    fake.tokenEndpoint.lifetimeSeconds = 1;
    fake.inject({ kind: "status", status: 503, retryAfter: 1, operationId: "getOrgInvite" });
    // The retry comes a second after the 503, past the call's first 800 ms, and its token has
    // expired by then: the wait for the new one counts against the retry's own 800 ms.
    const atlas = connect({ timeout: 800 });
    expect((await get(atlas)).id).toBe(seeded.id);
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests().map((r) => r.status)).toEqual([503, 200]);
  });

  it("counts a retry's wait for a new token and its answer against one timeout", async () => {
    fake.tokenEndpoint.lifetimeSeconds = 1;
    fake.inject({ kind: "status", status: 503, retryAfter: 1, operationId: "getOrgInvite" });
    // From the retry on, 200 ms for the token and 200 ms for the answer: each shorter than
    // 300 ms, both longer.
    const atlas = connect({
      timeout: 300,
      onRetry: () => {
        fake.tokenEndpoint.delayMs = 200;
        fake.inject({ kind: "delay", ms: 200, operationId: "getOrgInvite" });
      },
    });
    const err = await get(atlas).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasTimeoutError);
    expect((err as Error).message).toMatch(
      /^atlas-invites: GET http:\/\/127\.0\.0\.1:\d+\/api\/atlas\/v2\/orgs\/[a-f0-9]{24}\/invites\/[a-f0-9]{24} timed out after 300 ms$/,
    );
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests()).toHaveLength(2);
  });
});

describe("401 on an API call", () => {
  it("drops the token, fetches a new one and re-sends the call once, body intact", async () => {
    const atlas = connect();
    await get(atlas);
    fake.tokenEndpoint.revokeAll();

    const body = { roles: ["ORG_MEMBER" as const, "ORG_BILLING_ADMIN" as const] };
    const updated = await atlas.updateOrgInviteById({
      orgId: seeded.orgId!,
      invitationId: seeded.id!,
      body,
    });
    expect(updated.roles).toEqual(body.roles);
    expect(fake.stats.tokenRequests).toBe(2);
    expect(fake.stats.exchanges).toBe(3);
    const [, refused, again] = apiRequests();
    expect(refused!.status).toBe(401);
    expect(refused!.headers.authorization).toBe(`Bearer ${fake.tokenEndpoint.issued[0]}`);
    expect(again!.status).toBe(200);
    expect(again!.headers.authorization).toBe(`Bearer ${fake.tokenEndpoint.issued[1]}`);
    expect(again!.body).toBe(JSON.stringify(body));
    expect(refused!.body).toBe(again!.body);
  });

  it("gives AtlasApiError on a second 401, after exactly one retry", async () => {
    const unusable = (n: number): FakeTokenReply => ({
      status: 200,
      body: { access_token: `mdb_sa_at_unknown_${n}`, token_type: "Bearer", expires_in: 3600 },
    });
    fake.tokenEndpoint.replyNext(unusable(1), unusable(2));
    const atlas = connect();
    const err = await get(atlas).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasApiError);
    expect((err as AtlasApiError).status).toBe(401);
    expect(fake.stats.tokenRequests).toBe(2);
    expect(fake.stats.exchanges).toBe(2);
    expect(apiRequests().map((r) => r.headers.authorization)).toEqual([
      "Bearer mdb_sa_at_unknown_1",
      "Bearer mdb_sa_at_unknown_2",
    ]);
    expect(
      leakedSecrets(err, [...secrets(), "mdb_sa_at_unknown_1", "mdb_sa_at_unknown_2"]),
    ).toEqual([]);
  });

  it("has 200 concurrent calls refused after a revocation share one new token", async () => {
    const atlas = connect();
    await get(atlas);
    fake.tokenEndpoint.revokeAll();
    fake.tokenEndpoint.delayMs = 20;
    const results = await Promise.all(Array.from({ length: 200 }, () => get(atlas)));
    expect(results.every((r) => r.id === seeded.id)).toBe(true);
    expect(fake.stats.tokenRequests).toBe(2);
  });
});

describe("the caller's signal", () => {
  it("an already aborted signal sends nothing, not even a token request", async () => {
    const atlas = connect();
    const reason = new Error("cancelled before the call");
    const err = await atlas
      .getOrgInvite({
        orgId: seeded.orgId!,
        invitationId: seeded.id!,
        signal: AbortSignal.abort(reason),
      })
      .catch((e: unknown) => e);
    expect(err).toBe(reason);
    expect(fake.requests).toHaveLength(0);
  });

  it("aborting while the token is on its way rejects with the reason; the token serves the next call", async () => {
    fake.tokenEndpoint.delayMs = 200;
    const atlas = connect();
    const controller = new AbortController();
    const call = atlas
      .getOrgInvite({ orgId: seeded.orgId!, invitationId: seeded.id!, signal: controller.signal })
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(fake.stats.tokenRequests).toBe(1));
    const reason = new Error("user pressed cancel");
    controller.abort(reason);
    expect(await call).toBe(reason);
    expect(fake.stats.exchanges).toBe(0);
    expect((await get(atlas)).id).toBe(seeded.id);
    expect(fake.stats.tokenRequests).toBe(1);
  });
});

describe("401 that means a missing role", () => {
  it("is read from errorCode alone, even in a body that holds nothing else", async () => {
    const atlas = connect();
    await get(atlas);
    fake.inject({
      kind: "status",
      status: 401,
      body: { errorCode: "USER_UNAUTHORIZED" },
      operationId: "getOrgInvite",
    });
    const err = await get(atlas).catch((e: unknown) => e);
    expect((err as AtlasApiError).status).toBe(401);
    // The token is kept and nothing is sent again.
    expect(fake.stats.tokenRequests).toBe(1);
    expect(fake.stats.exchanges).toBe(2);
  });

  it("goes to the caller at once, and the token stays", async () => {
    const atlas = connect();
    await get(atlas);
    fake.inject({
      kind: "status",
      status: 401,
      body: OBSERVED_USER_UNAUTHORIZED_BODY,
      operationId: "getOrgInvite",
    });
    const err = await get(atlas).catch((e: unknown) => e);
    expect(isAtlasApiError(err, "USER_UNAUTHORIZED")).toBe(true);
    expect((err as AtlasApiError).status).toBe(401);
    expect((err as AtlasApiError).detail).toBe(OBSERVED_USER_UNAUTHORIZED_BODY.detail);
    // No new token and no second try: the credentials are fine, they lack a role.
    expect(fake.stats.tokenRequests).toBe(1);
    expect(fake.stats.exchanges).toBe(2);
    expect((await get(atlas)).id).toBe(seeded.id);
    expect(fake.stats.tokenRequests).toBe(1);
    expect(new Set(apiRequests().map((r) => r.headers.authorization)).size).toBe(1);
  });
});

describe("401 with any other error code", () => {
  it("is about something else than the credentials: no new token, no second try", async () => {
    // Atlas answers 401 API_KEY_ACCESS_LIST_ACCESS_DENIED to valid credentials that may not read
    // an access list (github.com/mongodb/terraform-provider-mongodbatlas/issues/3657), while
    // failed credentials get a 401 without any errorCode (atlas-observed-answers.md).
    const atlas = connect();
    await get(atlas);
    const detail =
      "API key access lists are only accessible by the API key or by a user administrator.";
    fake.inject({
      kind: "status",
      status: 401,
      body: {
        error: 401,
        errorCode: "API_KEY_ACCESS_LIST_ACCESS_DENIED",
        detail,
        reason: "Unauthorized",
      },
      operationId: "getOrgInvite",
    });
    const err = await get(atlas).catch((e: unknown) => e);
    expect(isAtlasApiError(err, "API_KEY_ACCESS_LIST_ACCESS_DENIED")).toBe(true);
    expect((err as AtlasApiError).detail).toBe(detail);
    expect(fake.stats.tokenRequests).toBe(1);
    expect(fake.stats.exchanges).toBe(2);
    // The token was kept: the next call uses it.
    expect((await get(atlas)).id).toBe(seeded.id);
    expect(fake.stats.tokenRequests).toBe(1);
    expect(new Set(apiRequests().map((r) => r.headers.authorization)).size).toBe(1);
  });
});

describe("401 that means a missing role, inside the envelope", () => {
  it("is read from the envelope's content: no new token, no second try, every field kept", async () => {
    // The fake wraps its USER_UNAUTHORIZED answer as { status, content } on envelope=true.
    fake.roles.deny({ credential: "serviceAccount", operationId: "getOrgInvite" });
    const atlas = connect();
    const call = { orgId: seeded.orgId!, invitationId: seeded.id!, envelope: true } as const;
    const viaMethod = (await atlas.getOrgInvite(call).catch((e: unknown) => e)) as AtlasApiError;
    expect(viaMethod.body).toMatchObject({ status: 401, content: { error: 401 } });
    expect(isAtlasApiError(viaMethod, "USER_UNAUTHORIZED")).toBe(true);
    expect(viaMethod.detail).toBe("Current user is not authorized to perform this action.");
    expect(viaMethod.reason).toBe("Unauthorized");
    const { orgId, invitationId, envelope } = call;
    const viaPath = await atlas.client.GET("/api/atlas/v2/orgs/{orgId}/invites/{invitationId}", {
      params: { path: { orgId, invitationId }, query: { envelope } },
    });
    expect(viaPath.response.status).toBe(401);
    // Both calls kept the one token and were sent once each.
    expect(fake.stats.tokenRequests).toBe(1);
    expect(fake.stats.exchanges).toBe(2);
    expect(fake.roles.denials[0]!.hits).toBe(2);
    expect(new Set(apiRequests().map((r) => r.headers.authorization)).size).toBe(1);
  });
});

describe("token endpoint failures", () => {
  async function failure(atlas: AtlasInvites): Promise<AtlasAuthError> {
    const err = await get(atlas).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasAuthError);
    expect(err).toBeInstanceOf(AtlasError);
    const authErr = err as AtlasAuthError;
    expect(authErr.name).toBe("AtlasAuthError");
    expect(authErr.message).toContain(
      `service account ${fake.credentials.serviceAccount.clientId}`,
    );
    expect(fake.stats.exchanges).toBe(0);
    return authErr;
  }

  it("names invalid_client for a wrong secret, never the secret", async () => {
    const wrong = `wrong-${fake.credentials.serviceAccount.clientSecret}`;
    const atlas = connect(
      {},
      { clientId: fake.credentials.serviceAccount.clientId, clientSecret: wrong },
    );
    const err = await failure(atlas);
    expect(err.status).toBe(401);
    expect(err.errorCode).toBe("invalid_client");
    expect(err.message).toContain(
      'answered 401: {"error":"invalid_client","error_description":"Invalid credentials provided."}',
    );
    expect(err.message).toContain("check the client id and secret");
    expect(leakedSecrets(err, secrets(wrong))).toEqual([]);
  });

  it("names Atlas's errorCode when the token endpoint answers with an Atlas error", async () => {
    // The token endpoint's rate limit, as the Terraform provider's guide quotes Atlas's answer
    // (github.com/mongodb/terraform-provider-mongodbatlas, docs/guides/provider-configuration.md).
    const body = {
      detail: "Resource /api/oauth/token is limited to 50 requests every 1 minutes.",
      error: 429,
      errorCode: "RATE_LIMITED",
      parameters: ["/api/oauth/token", 50, 1],
      reason: "Too Many Requests",
    };
    fake.tokenEndpoint.replyNext({ status: 429, body });
    const err = await failure(connect({ retry: false }));
    expect(err.status).toBe(429);
    expect(err.errorCode).toBe("RATE_LIMITED");
    expect(err.message).toContain(`answered 429: ${JSON.stringify(body)}`);
  });

  it("names the path it posted to, under a baseUrl with a path of its own", async () => {
    const atlas = connect({ baseUrl: `${fake.url}/prefix`, retry: false });
    const err = await get(atlas).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasAuthError);
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "POST /prefix/api/oauth/token",
    ]);
    expect((err as AtlasAuthError).status).toBe(404);
    expect((err as Error).message).toContain(
      "could not get an access token: POST /prefix/api/oauth/token answered 404: ",
    );

    // An answer without a token names the same path. The fetch drops the prefix on the way out,
    // as a proxy mounted there would, so that the fake's token endpoint answers.
    fake.tokenEndpoint.replyNext({ status: 200, body: { token_type: "Bearer" } });
    const proxied = connect({
      baseUrl: `${fake.url}/prefix`,
      retry: false,
      // The client hands its fetch the URL as a string.
      fetch: (input, init) => globalThis.fetch((input as string).replace("/prefix/", "/"), init),
    });
    const unusable = await get(proxied).catch((e: unknown) => e);
    expect(unusable).toBeInstanceOf(AtlasAuthError);
    expect((unusable as Error).message).toMatch(
      /: POST \/prefix\/api\/oauth\/token answered 200 without a usable Bearer access_token$/,
    );
    expect(fake.tokenEndpoint.issued).toEqual([]);
  });

  const replies: [string, FakeTokenReply, RegExp][] = [
    [
      "a 400 OAuth error",
      { status: 400, body: { error: "invalid_request", error_description: "grant missing" } },
      /answered 400: \{"error":"invalid_request","error_description":"grant missing"\}$/,
    ],
    [
      "a 503",
      { status: 503, body: "upstream unavailable", contentType: "text/plain" },
      /answered 503: upstream unavailable$/,
    ],
    [
      "an HTML error page",
      {
        status: 502,
        body: "<html><body><h1>502 Bad Gateway</h1></body></html>",
        contentType: "text/html",
      },
      /answered 502: <html><body><h1>502 Bad Gateway<\/h1><\/body><\/html>$/,
    ],
    ["an empty 500", { status: 500, body: "" }, /answered 500$/],
    [
      "a 200 that is not JSON",
      { status: 200, body: '{"access_token": "mdb_sa_at_cut_off' },
      /answered 200 with a body that is not JSON$/,
    ],
    [
      "a 200 without access_token",
      { status: 200, body: { token_type: "Bearer", expires_in: 3600 } },
      /answered 200 without a usable Bearer access_token$/,
    ],
    [
      "a 200 with a token that could break the header",
      { status: 200, body: { access_token: "abc\r\nX-Evil: 1", token_type: "Bearer" } },
      /answered 200 without a usable Bearer access_token$/,
    ],
    [
      "a 200 with another token type",
      { status: 200, body: { access_token: "mdb_sa_at_mac", token_type: "mac" } },
      /answered 200 without a usable Bearer access_token$/,
    ],
  ];
  for (const [name, reply, message] of replies) {
    it(`turns ${name} into AtlasAuthError`, async () => {
      fake.tokenEndpoint.replyNext(reply);
      const err = await failure(connect({ retry: false }));
      expect(err.message).toMatch(message);
      expect(err.status).toBe(reply.status);
      expect(fake.stats.tokenRequests).toBe(1);
      // A 2xx body may carry a token, so none of it is quoted.
      if (reply.status === 200) expect(err.message).not.toContain("mdb_sa_at_");
      expect(leakedSecrets(err, secrets())).toEqual([]);
    });
  }

  it("removes the secret if the token endpoint echoes it", async () => {
    const { clientSecret } = fake.credentials.serviceAccount;
    fake.tokenEndpoint.replyNext({
      status: 401,
      body: { error: "invalid_client", error_description: `secret ${clientSecret} is revoked` },
    });
    const err = await failure(connect());
    expect(err.message).toContain("secret [redacted] is revoked");
    expect(leakedSecrets(err, secrets())).toEqual([]);
  });

  it("times out a call whose token endpoint does not answer, every time", async () => {
    fake.tokenEndpoint.delayMs = 1_000;
    // The call's first attempt counts from the start of the call, before the token request
    // begins, so the call's own timeout is always the first to run out. Several rounds, because
    // the token request's timer runs out at nearly the same moment.
    for (let round = 0; round < 20; round++) {
      const err = await get(connect({ timeout: 100 })).catch((e: unknown) => e);
      expect(err, `round ${round}`).toBeInstanceOf(AtlasTimeoutError);
      expect((err as Error).message).toMatch(
        /^atlas-invites: GET http:\/\/127\.0\.0\.1:\d+\/api\/atlas\/v2\/orgs\/[a-f0-9]{24}\/invites\/[a-f0-9]{24} timed out after 100 ms while waiting for credentials$/,
      );
      expect((err as AtlasTimeoutError).timeoutMs).toBe(100);
      expect((err as AtlasTimeoutError).url).toBe(
        `${fake.url}/api/atlas/v2/orgs/${seeded.orgId}/invites/${seeded.id}`,
      );
      expect(leakedSecrets(err, secrets())).toEqual([]);
    }
    expect(fake.stats.exchanges).toBe(0);
  });

  it("lets a call with a longer timeout of its own wait for a token past the client's timeout", async () => {
    fake.tokenEndpoint.delayMs = 500;
    const atlas = connect({ timeout: 300 });
    const invite = await atlas.getOrgInvite({
      orgId: seeded.orgId!,
      invitationId: seeded.id!,
      timeout: 2_000,
    });
    expect(invite.id).toBe(seeded.id);
    // A call without a timeout waits for its token as long as it takes.
    const unbounded = connect({ timeout: 100 });
    const other = await unbounded.getOrgInvite({
      orgId: seeded.orgId!,
      invitationId: seeded.id!,
      timeout: 0,
    });
    expect(other.id).toBe(seeded.id);
    expect(fake.stats.tokenRequests).toBe(2);
  });

  it("keeps a shared token request going while a later call that allows longer waits for it", async () => {
    fake.tokenEndpoint.delayMs = 600;
    const atlas = connect({ timeout: 300 });
    const ids = { orgId: seeded.orgId!, invitationId: seeded.id! };
    const short = atlas.getOrgInvite({ ...ids, timeout: 250 }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(fake.stats.tokenRequests).toBe(1));
    const long = atlas.getOrgInvite({ ...ids, timeout: 2_000 });
    // The first call ends at its own deadline; the token request it started goes on for the
    // second one, past the client's 300 ms.
    const err = await short;
    expect(err).toBeInstanceOf(AtlasTimeoutError);
    expect((err as Error).message).toContain(
      "timed out after 250 ms while waiting for credentials",
    );
    expect((await long).id).toBe(seeded.id);
    expect(fake.stats.tokenRequests).toBe(1);
    expect(fake.stats.exchanges).toBe(1);
  });

  it("times out the token request under the client's timeout once no call waits longer", async () => {
    fake.tokenEndpoint.delayMs = 1_000;
    const atlas = connect({ timeout: 200 });
    const ids = { orgId: seeded.orgId!, invitationId: seeded.id! };
    const err = await atlas.getOrgInvite({ ...ids, timeout: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasTimeoutError);
    // Past the client's 200 ms the token request is given up, so the next call starts its own
    // instead of joining one that would answer at 1,000 ms.
    await new Promise((resolve) => setTimeout(resolve, 250));
    fake.tokenEndpoint.delayMs = 0;
    expect((await get(atlas)).id).toBe(seeded.id);
    expect(fake.stats.tokenRequests).toBe(2);
  });

  it("ends a call whose own timeout runs out while it waits for its token", async () => {
    fake.tokenEndpoint.delayMs = 1_000;
    const atlas = connect({ timeout: 5_000 });
    const err = await atlas
      .getOrgInvite({ orgId: seeded.orgId!, invitationId: seeded.id!, timeout: 100 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasTimeoutError);
    expect((err as Error).message).toMatch(
      /^atlas-invites: GET http:\/\/127\.0\.0\.1:\d+\/api\/atlas\/v2\/orgs\/[a-f0-9]{24}\/invites\/[a-f0-9]{24} timed out after 100 ms while waiting for credentials$/,
    );
    expect(fake.stats.exchanges).toBe(0);
    expect(leakedSecrets(err, secrets())).toEqual([]);
  });

  it("reports a token endpoint that cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const atlas = connect({ baseUrl: `http://127.0.0.1:${port}`, retry: false });
    const err = (await get(atlas).catch((e: unknown) => e)) as AtlasAuthError;
    expect(err).toBeInstanceOf(AtlasAuthError);
    expect(err.message).toMatch(/could not get an access token: .*ECONNREFUSED/);
    expect(err.cause).toBeInstanceOf(Error);
    expect(leakedSecrets(err, secrets())).toEqual([]);
  });

  it("retries a 503 from the token endpoint under the client's retry policy", async () => {
    fake.tokenEndpoint.replyNext({ status: 503, body: { error: "temporarily_unavailable" } });
    const atlas = connect({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    expect((await get(atlas)).id).toBe(seeded.id);
    expect(fake.stats.tokenRequests).toBe(2);
  });

  it("sends a token request again after its connection dropped, as a stale kept-alive one does", async () => {
    const reset = fake.inject({ kind: "reset", path: "/api/oauth/token" });
    const atlas = connect({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    expect((await get(atlas)).id).toBe(seeded.id);
    // The first token request met the reset; the second was served.
    expect([reset.hits, fake.stats.tokenRequests]).toEqual([1, 1]);
  });

  it("gives every concurrent waiter the error, and the first call 5 s later tries again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    fake.tokenEndpoint.delayMs = 30;
    fake.tokenEndpoint.replyNext({ status: 500, body: { error: "server_error" } });
    const atlas = connect({ retry: false });
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => get(atlas)));
    expect(outcomes.every((o) => o.status === "rejected")).toBe(true);
    const errors = outcomes.map((o) => (o as PromiseRejectedResult).reason as unknown);
    expect(errors.every((e) => e instanceof AtlasAuthError && e.status === 500)).toBe(true);
    expect(fake.stats.tokenRequests).toBe(1);
    expect(fake.stats.exchanges).toBe(0);

    vi.setSystemTime(Date.now() + 5_000);
    expect((await get(atlas)).id).toBe(seeded.id);
    expect(fake.stats.tokenRequests).toBe(2);
  });

  it("sends no token request for 5 s after one failed, however many calls need a token", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    const atlas = connect({ retry: false });
    await get(atlas);

    // The token expired, and the secret was deleted meanwhile: a service that goes on calling
    // must not send a token request per call (Atlas allows 50 a minute on that endpoint).
    vi.setSystemTime(start + 3601_000);
    const refusal = { status: 401, body: { error: "invalid_client" } };
    fake.tokenEndpoint.replyNext(refusal, refusal);
    const first = (await get(atlas).catch((e: unknown) => e)) as AtlasAuthError;
    expect(first).toBeInstanceOf(AtlasAuthError);
    expect(first.errorCode).toBe("invalid_client");
    for (let i = 0; i < 20; i++) {
      vi.setSystemTime(start + 3601_000 + i * 245);
      expect(await get(atlas).catch((e: unknown) => e)).toBe(first);
    }
    expect(fake.stats.tokenRequests).toBe(2);

    // 5 s after the failure the next call asks again, and the next after that once more 5 s on.
    vi.setSystemTime(start + 3606_000);
    const second = (await get(atlas).catch((e: unknown) => e)) as AtlasAuthError;
    expect(second).not.toBe(first);
    expect(second.errorCode).toBe("invalid_client");
    expect(fake.stats.tokenRequests).toBe(3);
    vi.setSystemTime(start + 3611_000);
    expect((await get(atlas)).id).toBe(seeded.id);
    expect(fake.stats.tokenRequests).toBe(4);
    expect(apiRequests().every((r) => r.status === 200)).toBe(true);
  });

  it("ends that pause when the clock is set back, instead of stretching it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const atlas = connect({ retry: false });
    fake.tokenEndpoint.replyNext({ status: 503, body: { error: "temporarily_unavailable" } });
    const failedAt = Date.now();
    expect(await get(atlas).catch((e: unknown) => e)).toBeInstanceOf(AtlasAuthError);
    // The wall clock is stepped back an hour (a correction, a restored snapshot).
    vi.setSystemTime(failedAt - 3600_000);
    expect((await get(atlas)).id).toBe(seeded.id);
    expect(fake.stats.tokenRequests).toBe(2);
  });
});

describe("close", () => {
  it("revokes the token and refuses later calls", async () => {
    const atlas = connect();
    await get(atlas);
    const [token] = fake.tokenEndpoint.issued;
    await atlas.close();

    expect(fake.stats.revocations).toBe(1);
    const revoke = fake.requests.find((r) => r.url === "/api/oauth/revoke")!;
    expect(revoke.method).toBe("POST");
    expect(revoke.headers.authorization).toBe(tokenRequests()[0]!.headers.authorization);
    expect(revoke.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(revoke.body).toBe(`token=${token}&token_type_hint=access_token`);
    expect(fake.tokenEndpoint.isActive(token!)).toBe(false);
    const direct = await fetch(
      `${fake.url}/api/atlas/v2/orgs/${seeded.orgId}/invites/${seeded.id}`,
      {
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/vnd.atlas.2023-01-01+json",
        },
      },
    );
    expect(direct.status).toBe(401);

    const sent = fake.requests.length;
    await expect(get(atlas)).rejects.toThrow(/this client was closed/);
    expect(fake.requests.length).toBe(sent);
    await atlas.close();
    expect(fake.stats.revocations).toBe(1);
  });

  it("sends no revocation when no token was fetched", async () => {
    await connect().close();
    expect(fake.stats.revocations).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("fails a call still waiting for its token as closed, never as a 401, and revokes the token", async () => {
    fake.tokenEndpoint.delayMs = 100;
    const atlas = connect();
    const call = get(atlas).catch((e: unknown) => e);
    await vi.waitFor(() => expect(fake.stats.tokenRequests).toBe(1));
    await atlas.close();
    // The call had not reached Atlas when close() began: it ends as closed, and nothing went out
    // with the token that close() revoked.
    const outcome = await call;
    expect(outcome).toBeInstanceOf(AtlasError);
    expect((outcome as Error).message).toMatch(/this client was closed/);
    expect(isAtlasApiError(outcome)).toBe(false);
    expect(fake.stats.exchanges).toBe(0);
    expect(fake.stats.revocations).toBe(1);
    expect(fake.tokenEndpoint.isActive(fake.tokenEndpoint.issued[0]!)).toBe(false);
    await expect(get(atlas)).rejects.toThrow(/this client was closed/);
  });

  it("waits for a call in flight before revoking the token it uses", async () => {
    const atlas = connect();
    await get(atlas);
    const [token] = fake.tokenEndpoint.issued;
    fake.inject({ kind: "delay", ms: 200, operationId: "getOrgInvite" });
    const order: string[] = [];
    const call = get(atlas).then((invite) => {
      order.push(`call settled, token active: ${fake.tokenEndpoint.isActive(token!)}`);
      return invite;
    });
    await vi.waitFor(() => expect(fake.stats.exchanges).toBe(2));
    const closing = atlas.close().then(() => order.push("closed"));
    // A call made after close() is refused at once, while the earlier one is still in flight.
    await expect(get(atlas)).rejects.toThrow(/this client was closed/);
    expect(fake.stats.exchanges).toBe(2);
    expect((await call).id).toBe(seeded.id);
    await closing;
    expect(order).toEqual(["call settled, token active: true", "closed"]);
    expect(fake.stats.revocations).toBe(1);
    expect(fake.tokenEndpoint.isActive(token!)).toBe(false);
  });

  it("lets a call in a Retry-After wait make its retry, then revokes the token", async () => {
    const order: string[] = [];
    let closing: Promise<unknown> | undefined;
    const atlas: AtlasInvites = connect({
      // Called before the wait: close() runs while the call waits to retry.
      onRetry: () => void (closing = atlas.close().then(() => order.push("closed"))),
    });
    await get(atlas);
    const [token] = fake.tokenEndpoint.issued;
    fake.inject({ kind: "status", status: 503, retryAfter: 1, operationId: "getOrgInvite" });
    const call = get(atlas).then((invite) => {
      order.push(`call settled, token active: ${fake.tokenEndpoint.isActive(token!)}`);
      return invite;
    });
    await vi.waitFor(() => expect(closing).toBeDefined());
    // A call made during the wait was not sent before close(): it is refused.
    await expect(get(atlas)).rejects.toThrow(/this client was closed/);
    expect((await call).id).toBe(seeded.id);
    await closing;
    expect(order).toEqual(["call settled, token active: true", "closed"]);
    expect(fake.requests.map((r) => [r.url.split("/")[2], r.status])).toEqual([
      ["oauth", 200],
      ["atlas", 200],
      ["atlas", 503],
      ["atlas", 200],
      ["oauth", 200],
    ]);
    expect(fake.requests.at(-1)!.url).toBe("/api/oauth/revoke");
    expect(fake.tokenEndpoint.isActive(token!)).toBe(false);
  });

  /**
   * Makes a call whose token Atlas refuses, answering it 200 ms late, and runs close() in between;
   * returns the order in which the call and close() settled.
   */
  async function closeDuringRefusedToken(atlas: AtlasInvites): Promise<string[]> {
    await get(atlas);
    fake.tokenEndpoint.revokeAll();
    fake.inject({ kind: "delay", ms: 200, operationId: "getOrgInvite" });
    const order: string[] = [];
    const call = get(atlas).then((invite) => {
      order.push("call settled");
      return invite;
    });
    await vi.waitFor(() => expect(fake.stats.exchanges).toBe(2));
    const closing = atlas.close().then(() => order.push("closed"));
    expect((await call).id).toBe(seeded.id);
    await closing;
    return order;
  }

  it("lets a call whose token Atlas refuses while close() runs get a new one, then revokes it", async () => {
    expect(await closeDuringRefusedToken(connect())).toEqual(["call settled", "closed"]);
    expect(apiRequests().map((r) => r.status)).toEqual([200, 401, 200]);
    const fresh = fake.tokenEndpoint.issued[1]!;
    expect(apiRequests()[2]!.headers.authorization).toBe(`Bearer ${fresh}`);
    const revoked = fake.requests
      .filter((r) => r.url === "/api/oauth/revoke")
      .map((r) => new URLSearchParams(r.body).get("token"));
    expect(revoked).toEqual([fresh]);
    expect(fake.tokenEndpoint.isActive(fresh)).toBe(false);
  });

  it("lets that re-send out while close() runs when a middleware replaced the request", async () => {
    const atlas = connect();
    // Written for plain openapi-fetch: it hands on a standard Request of its own.
    atlas.client.use({
      async onRequest({ request }) {
        const body = request.method === "GET" ? undefined : await request.text();
        const headers = new Headers(request.headers);
        headers.set("X-Trace", "replaced");
        return new Request(request.url, {
          method: request.method,
          headers,
          body,
          signal: request.signal,
        });
      },
    });
    expect(await closeDuringRefusedToken(atlas)).toEqual(["call settled", "closed"]);
    expect(apiRequests().map((r) => [r.status, r.headers["x-trace"]])).toEqual([
      [200, "replaced"],
      [401, "replaced"],
      [200, "replaced"],
    ]);
  });

  it("fails a call waiting for its token as closed at once, not when the token comes", async () => {
    fake.tokenEndpoint.delayMs = 1_000;
    const atlas = connect();
    const call = get(atlas).catch((e: unknown) => e);
    await vi.waitFor(() => expect(fake.stats.tokenRequests).toBe(1));
    const started = performance.now();
    const closing = atlas.close();
    const outcome = await call;
    expect(performance.now() - started).toBeLessThan(500);
    expect((outcome as Error).message).toBe(
      "atlas-invites: this client was closed before the call was sent (await each call before close())",
    );
    // The token still comes, and close() revokes it.
    await closing;
    expect(fake.stats.revocations).toBe(1);
    expect(fake.stats.exchanges).toBe(0);
  });

  /** Waits for close() to settle, failing (instead of hanging the test) after `ms`. */
  function closedWithin(atlas: AtlasInvites, ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`close() still pending after ${ms} ms`)), ms);
    });
    return Promise.race([atlas.close(), late]).finally(() => clearTimeout(timer));
  }

  it("with no timeout, abandons a token request no call waits for any more instead of hanging", async () => {
    // The token endpoint never answers, and the only call that waited ends by its own signal.
    fake.tokenEndpoint.delayMs = 600_000;
    const atlas = connect({ timeout: 0 });
    const ids = { orgId: seeded.orgId!, invitationId: seeded.id! };
    const err = await atlas
      .getOrgInvite({ ...ids, signal: AbortSignal.timeout(100) })
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe("TimeoutError");
    expect(fake.stats.tokenRequests).toBe(1);
    await closedWithin(atlas, 1_000);
    // The client went away: the fake's answer has nobody to reach, and no token was issued, so
    // there is nothing to revoke.
    await vi.waitFor(() => expect(fake.requests[0]!.status).toBe(0));
    expect(fake.tokenEndpoint.issued).toEqual([]);
    expect(fake.stats.revocations).toBe(0);
  });

  it("with no timeout, still revokes the token it has when it abandons a background refresh", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    const atlas = connect({ timeout: 0 });
    await get(atlas);
    const [token] = fake.tokenEndpoint.issued;
    // Inside the refresh margin the token keeps serving while a refresh goes out that never ends.
    fake.tokenEndpoint.delayMs = 600_000;
    vi.setSystemTime(start + 3600_000 - 30_000);
    await get(atlas);
    await vi.waitFor(() => expect(fake.stats.tokenRequests).toBe(2));
    await closedWithin(atlas, 1_000);
    expect(fake.stats.revocations).toBe(1);
    expect(fake.tokenEndpoint.isActive(token!)).toBe(false);
    expect(fake.tokenEndpoint.issued).toEqual([token]);
  });

  it("with no timeout, lets a call already sent wait for its new token while close() runs", async () => {
    fake.tokenEndpoint.delayMs = 300;
    const atlas = connect({ timeout: 0 });
    expect(await closeDuringRefusedToken(atlas)).toEqual(["call settled", "closed"]);
    expect(apiRequests().map((r) => r.status)).toEqual([200, 401, 200]);
    const fresh = fake.tokenEndpoint.issued[1]!;
    expect(fake.tokenEndpoint.isActive(fresh)).toBe(false);
    expect(fake.stats.revocations).toBe(1);
  });

  it("revokes every token that may still be live, not only the current one", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    const atlas = connect();
    await get(atlas);
    // Inside the refresh margin a second token arrives while the first is still valid.
    vi.setSystemTime(start + 3600_000 - 30_000);
    await get(atlas);
    await vi.waitFor(() => expect(fake.tokenEndpoint.issued).toHaveLength(2));
    const issued = [...fake.tokenEndpoint.issued];
    expect(issued.every((t) => fake.tokenEndpoint.isActive(t))).toBe(true);
    await atlas.close();
    const revoked = fake.requests
      .filter((r) => r.url === "/api/oauth/revoke")
      .map((r) => new URLSearchParams(r.body).get("token"));
    expect(revoked.sort()).toEqual(issued.sort());
    expect(issued.some((t) => fake.tokenEndpoint.isActive(t))).toBe(false);
  });

  it("rejects when the token cannot be revoked, saying it stays valid, and is closed anyway", async () => {
    const atlas = connect();
    await get(atlas);
    const [token] = fake.tokenEndpoint.issued;
    fake.inject({ kind: "status", status: 500, path: "/api/oauth/revoke", times: Infinity });
    const err = await atlas.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasAuthError);
    expect((err as Error).message).toMatch(
      /could not revoke an access token: POST \/api\/oauth\/revoke answered 500: \{"error":500,"reason":"Internal Server Error","detail":"Injected fault: 500 Internal Server Error"\}; the token stays valid until it expires \(\d{4}-\d\d-\d\dT[\d:.]+Z\)$/,
    );
    expect((err as AtlasAuthError).status).toBe(500);
    expect(fake.tokenEndpoint.isActive(token!)).toBe(true);
    expect(leakedSecrets(err, secrets())).toEqual([]);
    const sent = fake.requests.length;
    await expect(get(atlas)).rejects.toThrow(/this client was closed/);
    expect(fake.requests.length).toBe(sent);
  });

  it("rejects when the revocation endpoint cannot be reached, without the token in the error", async () => {
    const atlas = connect({ retry: false });
    await get(atlas);
    await fake.close();
    const err = await atlas.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasAuthError);
    expect((err as Error).message).toContain("could not revoke an access token");
    expect((err as Error).message).toContain("the token stays valid until it expires");
    expect(leakedSecrets(err, secrets())).toEqual([]);
    await expect(get(atlas)).rejects.toThrow(/closed/);
    await startFake();
  });
});

describe("secrets stay out of what we return", () => {
  it("keeps the secret and the token out of util.inspect and JSON of the client", async () => {
    const atlas = connect();
    await get(atlas);
    expect(leakedSecrets(atlas, secrets())).toEqual([]);
    expect(inspect(atlas)).toContain(`service account ${fake.credentials.serviceAccount.clientId}`);
    expect(JSON.parse(JSON.stringify(atlas))).toEqual({
      baseUrl: fake.url,
      auth: `service account ${fake.credentials.serviceAccount.clientId}`,
      closed: false,
    });
  });
});

describe("secrets a server echoes in an error answer", () => {
  /** Every body reader of `response`, each decoded to text. */
  async function everyReading(atlas: AtlasInvites, orgId: string) {
    const error = (await atlas.listOrgUsers({ orgId }).catch((e: unknown) => e)) as AtlasApiError;
    expect(error).toBeInstanceOf(AtlasApiError);
    const { response } = error;
    const decode = (bytes: ArrayBuffer | Uint8Array) => new TextDecoder().decode(bytes);
    const withBytes = response as Response & { bytes(): Promise<Uint8Array> };
    return {
      error,
      texts: [
        await response.text(),
        decode(await response.arrayBuffer()),
        await (await response.blob()).text(),
        decode(await withBytes.bytes()),
      ],
    };
  }

  it("reach no reader of the error's response: text, arrayBuffer, blob and bytes", async () => {
    const atlas = connect({ retry: false });
    await get(atlas);
    const [token] = fake.tokenEndpoint.issued;
    const { clientSecret } = fake.credentials.serviceAccount;
    fake.inject({
      kind: "status",
      status: 502,
      body: `<html>saw ${token} and ${clientSecret}</html>`,
    });
    const { error, texts } = await everyReading(atlas, seeded.orgId!);
    const clean = "<html>saw [redacted] and [redacted]</html>";
    expect(error.body).toBe(clean);
    expect(texts).toEqual([clean, clean, clean, clean]);
    expect(leakedSecrets(texts, secrets())).toEqual([]);
  });

  it("reach neither a path-based call's error nor a middleware that reads the body", async () => {
    const atlas = connect({ retry: false });
    await get(atlas);
    const [token] = fake.tokenEndpoint.issued;
    let read: string | undefined;
    atlas.client.use({
      async onResponse({ response }) {
        read = await response.text();
        return undefined;
      },
    });
    fake.inject({
      kind: "status",
      status: 400,
      operationId: "getOrgUser",
      body: { error: 400, detail: `you sent Bearer ${token}` },
    });
    const { error, response } = await atlas.client.GET(
      "/api/atlas/v2/orgs/{orgId}/users/{userId}",
      { params: { path: { orgId: seeded.orgId!, userId: "5f1a7b3c9d2e4f6a8b0c1d2e" } } },
    );
    expect(response.status).toBe(400);
    expect(error).toEqual({ error: 400, detail: "you sent Bearer [redacted]" });
    expect(read).toBe('{"error":400,"detail":"you sent Bearer [redacted]"}');
  });

  it("stay as they are in a successful answer, byte for byte", async () => {
    const { clientSecret } = fake.credentials.serviceAccount;
    const invite = fake.invites.addOrgInvite({ username: `${clientSecret}@example.com` });
    const atlas = connect();
    const got = await atlas.getOrgInvite({ orgId: invite.orgId, invitationId: invite.id });
    expect(got.username).toBe(`${clientSecret}@example.com`);
  });

  it("cannot be read from the raw stream of the error's response once the call returned", async () => {
    const atlas = connect({ retry: false });
    await get(atlas);
    fake.inject({ kind: "status", status: 502, body: `saw ${fake.tokenEndpoint.issued[0]}` });
    const error = (await get(atlas).catch((e: unknown) => e)) as AtlasApiError;
    const { response } = error;
    expect(response.bodyUsed).toBe(true);
    expect(() => response.body!.getReader()).toThrow(/locked/);
    expect(() => response.clone()).toThrow(/consumed/);
  });
});
