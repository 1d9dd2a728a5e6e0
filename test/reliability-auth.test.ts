// Retries and authentication together, over real HTTP: the re-send after a 401 belongs to
// authentication, so it is not a retry and does not use up the retry budget.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKey,
  AtlasApiError,
  createAtlasInvites,
  isAtlasApiError,
  serviceAccount,
  type RetryInfo,
} from "../src/index.js";
import { startFakeAtlas, type FakeAtlas, type InjectedFault } from "../src/testing/index.js";
import { newCounts, rejection, writeCounts } from "./helpers/reliability.js";
import { OBSERVED_401_BODY, OBSERVED_USER_UNAUTHORIZED_BODY } from "./helpers/stub-fetch.js";

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
