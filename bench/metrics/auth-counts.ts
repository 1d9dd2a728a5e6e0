/**
 * The two counting metrics, against the fake Atlas over real HTTP:
 * - Digest exchanges per call: 200 sequential calls (the four invitation operations in turn) with an API
 *   key, counted by the fake, next to a naive Digest client that is challenged on every call.
 * - Token requests for 1,000 concurrent first calls with a service account, while the fake's
 *   token endpoint takes 50 ms to answer.
 */
import type { FakeAtlas } from "../../src/testing/index.js";
import { naiveDigestFetch } from "../lib/naive-digest.js";
import type { MetricReport } from "../lib/results.js";
import type { ClientModule, TestingModule } from "../lib/runtime.js";
import { GROUP_ID, INVITATION_ID, ORG_ID } from "../lib/fixtures.js";
import { operations } from "../../generated/operations.js";

export const DIGEST_CALLS = 200;
export const DIGEST_LIMIT = 1.01;
export const CONCURRENT_CALLS = 1_000;
export const TOKEN_DELAY_MS = 50;

const USERNAME = "invitee@example.com";

/** One call of each operation: path values, query and body, shared by both Digest clients. */
const CALLS = [
  { op: operations.getOrgInvite, path: { orgId: ORG_ID, invitationId: INVITATION_ID } },
  {
    op: operations.updateOrgInviteById,
    path: { orgId: ORG_ID, invitationId: INVITATION_ID },
    body: { roles: ["ORG_MEMBER"] },
  },
  {
    op: operations.updateGroupInvites,
    path: { groupId: GROUP_ID },
    body: { username: USERNAME, roles: ["GROUP_READ_ONLY"] },
  },
  {
    op: operations.updateGroupInviteById,
    path: { groupId: GROUP_ID, invitationId: INVITATION_ID },
    body: { roles: ["GROUP_OWNER"] },
  },
] as const;

function seed(fake: FakeAtlas): void {
  fake.invites.addOrgInvite({ orgId: ORG_ID, id: INVITATION_ID });
  fake.invites.addGroupInvite({ groupId: GROUP_ID, id: INVITATION_ID, username: USERNAME });
}

/** Requests the fake received, by every route (API calls and token endpoint alike). */
function received(fake: FakeAtlas, from: number, pathPrefix = ""): number {
  return fake.requests.slice(from).filter((r) => r.url.startsWith(pathPrefix)).length;
}

export async function measureDigest(
  { createAtlasInvites, apiKey }: ClientModule,
  { startFakeAtlas }: TestingModule,
): Promise<MetricReport> {
  const fake = await startFakeAtlas({ rateLimit: 1_000_000, serviceAccount: false });
  try {
    seed(fake);
    const keys = fake.credentials.apiKey;
    const atlas = createAtlasInvites({
      auth: apiKey(keys),
      baseUrl: fake.url,
      onDeprecation: false,
    });
    const start = fake.requests.length;
    const counted = fake.stats.exchanges;
    for (let i = 0; i < DIGEST_CALLS; i++) {
      const { op, path, ...rest } = CALLS[i % CALLS.length]!;
      const method = atlas[op.operationId] as (input: object) => Promise<{ id?: string }>;
      const result = await method({ ...path, ...rest });
      if (result.id !== INVITATION_ID) throw new Error(`digest: ${op.operationId} gave no invite`);
    }
    const ours = received(fake, start);
    const countedByFake = fake.stats.exchanges - counted;
    const challengesSeen = fake.requests.slice(start).filter((r) => r.status === 401).length;
    await atlas.close();

    const naiveStart = fake.requests.length;
    for (let i = 0; i < DIGEST_CALLS; i++) {
      const { op, path, ...rest } = CALLS[i % CALLS.length]!;
      const urlPath = Object.entries(path).reduce<string>(
        (p, [name, value]) => p.replace(`{${name}}`, value),
        op.path,
      );
      const body = "body" in rest ? JSON.stringify(rest.body) : undefined;
      const headers: Record<string, string> = { Accept: op.mediaType };
      if (body !== undefined) headers["Content-Type"] = op.mediaType;
      const response = await naiveDigestFetch(keys, `${fake.url}${urlPath}`, {
        method: op.method,
        headers,
        body,
      });
      if (response.status !== 200)
        throw new Error(`naive digest: ${op.operationId} got ${response.status}`);
      await response.arrayBuffer();
    }
    const naive = received(fake, naiveStart);

    const value = ours / DIGEST_CALLS;
    const baseline = naive / DIGEST_CALLS;
    return {
      results: [
        {
          name: "Digest exchanges per call",
          value,
          unit: "exchanges/call",
          baseline,
          ratio: value / baseline,
          target: `<= ${DIGEST_LIMIT}`,
          met: value <= DIGEST_LIMIT,
        },
      ],
      details: [
        `Digest: ${DIGEST_CALLS} sequential calls (the four invitation operations in turn) cost ${ours} HTTP ` +
          `exchanges with our client (${challengesSeen} of them answered 401 with a challenge) and ` +
          `${naive} with the naive client, counted from the requests the fake Atlas recorded ` +
          `(its own exchange counter saw ${countedByFake} for our client).`,
      ],
      commands: [
        `in-process: startFakeAtlas() on 127.0.0.1 (Digest ${fake.digest.algorithms.join(", ")}, ` +
          `nonce lifetime ${fake.digest.nonceLifetimeMs / 1000} s); ` +
          "createAtlasInvites({ auth: apiKey({ publicKey, privateKey }) }) vs bench/lib/naive-digest.ts",
      ],
    };
  } finally {
    await fake.close();
  }
}

export async function measureTokenRequests(
  { createAtlasInvites, serviceAccount }: ClientModule,
  { startFakeAtlas }: TestingModule,
): Promise<MetricReport> {
  const fake = await startFakeAtlas({
    rateLimit: 1_000_000,
    apiKey: false,
    serviceAccount: { tokenDelayMs: TOKEN_DELAY_MS },
  });
  try {
    seed(fake);
    const atlas = createAtlasInvites({
      auth: serviceAccount(fake.credentials.serviceAccount),
      baseUrl: fake.url,
      onDeprecation: false,
    });
    const start = fake.requests.length;
    const counted = fake.stats.tokenRequests;
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: CONCURRENT_CALLS }, () =>
        atlas.getOrgInvite({ orgId: ORG_ID, invitationId: INVITATION_ID }),
      ),
    );
    const ms = performance.now() - started;
    if (results.some((r) => r.id !== INVITATION_ID))
      throw new Error("token: a call gave no invite");
    const tokenRequests = received(fake, start, "/api/oauth/token");
    const apiCalls = received(fake, start, "/api/atlas/");
    const countedByFake = fake.stats.tokenRequests - counted;
    await atlas.close();
    return {
      results: [
        {
          name: "Token requests for 1,000 concurrent first calls",
          value: tokenRequests,
          unit: "requests",
          baseline: null,
          ratio: null,
          target: "= 1",
          met: tokenRequests === 1,
        },
      ],
      details: [
        `Service account: ${CONCURRENT_CALLS.toLocaleString("en-US")} concurrent first calls made ` +
          `${tokenRequests} token request(s) and ${apiCalls.toLocaleString("en-US")} API requests ` +
          `in ${ms.toFixed(0)} ms, with the token endpoint answering after ${TOKEN_DELAY_MS} ms ` +
          `(the fake's own token counter saw ${countedByFake}).`,
      ],
      commands: [
        `in-process: startFakeAtlas({ serviceAccount: { tokenDelayMs: ${TOKEN_DELAY_MS} } }); ` +
          `Promise.all of ${CONCURRENT_CALLS} getOrgInvite calls on a new client with serviceAccount({ clientId, clientSecret })`,
      ],
    };
  } finally {
    await fake.close();
  }
}
