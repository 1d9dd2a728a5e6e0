import fc from "fast-check";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseChallenges } from "../src/auth/challenge.js";
import { digestResponse } from "../src/auth/digest.js";
import { AtlasRequest } from "../src/http/request.js";
import {
  apiKey,
  AtlasApiError,
  AtlasAuthError,
  createAtlasInvites,
  type AtlasInvites,
  type AtlasInvitesOptions,
  type FetchLike,
  type OrganizationInvitation,
} from "../src/index.js";
import {
  startFakeAtlas,
  type FakeAtlas,
  type FakeAtlasOptions,
  type FakeDigestAlgorithm,
  type RecordedRequest,
} from "../src/testing/index.js";
import { leakedSecrets } from "./helpers/auth-secrets.js";
import { OFFLINE_CONTEXT } from "./helpers/custom-auth.js";
import {
  authorizationFields,
  expectedFromHeader,
  referenceResponse,
} from "./helpers/digest-reference.js";

let fake: FakeAtlas;
let seeded: OrganizationInvitation;

async function startFake(options: FakeAtlasOptions = {}): Promise<void> {
  fake = await startFakeAtlas({ rateLimit: 1_000_000, ...options });
  seeded = fake.invites.addOrgInvite();
}

beforeEach(async () => {
  await startFake();
});
afterEach(async () => {
  await fake.close();
});

function connect(
  options: Partial<AtlasInvitesOptions> = {},
  keys: { publicKey: string; privateKey: string } = fake.credentials.apiKey,
): AtlasInvites {
  return createAtlasInvites({
    auth: apiKey(keys),
    baseUrl: fake.url,
    onDeprecation: false,
    ...options,
  });
}

function get(atlas: AtlasInvites) {
  return atlas.getOrgInvite({ orgId: seeded.orgId!, invitationId: seeded.id! });
}

/** A fetch that records the WWW-Authenticate of every answer, over the same real HTTP. */
function watchChallenges(): { fetch: FetchLike; challenges: (string | null)[] } {
  const challenges: (string | null)[] = [];
  return {
    challenges,
    fetch: async (input, init) => {
      const response = await globalThis.fetch(input, init);
      challenges.push(response.headers.get("WWW-Authenticate"));
      return response;
    },
  };
}

/** Checks a recorded answer against the independent reference and returns its fields. */
function verify(record: RecordedRequest, keys = fake.credentials.apiKey): Record<string, string> {
  const header = record.headers.authorization;
  expect(typeof header).toBe("string");
  const { fields, expected } = expectedFromHeader(
    header as string,
    keys,
    record.method,
    record.url,
  );
  expect(fields.response).toBe(expected);
  expect(fields.username).toBe(keys.publicKey);
  expect(fields.uri).toBe(record.url);
  expect(fields.qop).toBe("auth");
  expect(fields.nc).toMatch(/^[0-9a-f]{8}$/);
  expect(fields.cnonce).toMatch(/^\S{16,}$/);
  return fields;
}

describe("the RFC 7616 reference used by these tests", () => {
  // RFC 7616, section 3.9.1, and RFC 2617, section 3.5: published inputs and answers.
  const rfc7616 = {
    username: "Mufasa",
    password: "Circle of Life",
    realm: "http-auth@example.org",
    method: "GET",
    uri: "/dir/index.html",
    nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    nc: "00000001",
    cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
  };
  const rfc2617 = {
    algorithm: "MD5",
    username: "Mufasa",
    password: "Circle Of Life",
    realm: "testrealm@host.com",
    method: "GET",
    uri: "/dir/index.html",
    nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    nc: "00000001",
    cnonce: "0a4f113b",
  };

  it("reproduces the published examples, and so does the client", () => {
    const md5 = { ...rfc7616, algorithm: "MD5" };
    const sha = { ...rfc7616, algorithm: "SHA-256" };
    expect(referenceResponse({ ...md5, qop: "auth" })).toBe("8ca523f5e9506fed4657c9700eebdbec");
    expect(referenceResponse({ ...sha, qop: "auth" })).toBe(
      "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
    );
    expect(referenceResponse({ ...rfc2617, qop: "auth" })).toBe("6629fae49393a05397450978507c4ef1");
    expect(digestResponse(md5)).toBe("8ca523f5e9506fed4657c9700eebdbec");
    expect(digestResponse(sha)).toBe(
      "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
    );
    expect(digestResponse(rfc2617)).toBe("6629fae49393a05397450978507c4ef1");
  });

  it("agrees with the client on every algorithm for generated inputs", () => {
    const algorithms = [
      "MD5",
      "MD5-sess",
      "SHA-256",
      "SHA-256-sess",
      "SHA-512-256",
      "SHA-512-256-sess",
    ];
    const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(
        fc.constantFrom(...algorithms),
        fc.record({
          username: text,
          password: text,
          realm: text,
          method: fc.constantFrom("GET", "PATCH"),
          uri: text.map((t) => `/api/${encodeURIComponent(t)}`),
          nonce: fc.stringMatching(/^[A-Za-z0-9+/]{4,40}={0,2}$/),
          nc: fc.integer({ min: 1, max: 0xffffffff }).map((n) => n.toString(16).padStart(8, "0")),
          cnonce: fc.stringMatching(/^[0-9a-f]{8,32}$/),
        }),
        (algorithm, input) => {
          expect(digestResponse({ ...input, algorithm })).toBe(
            referenceResponse({ ...input, algorithm, qop: "auth" }),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("Digest over real HTTP", () => {
  it("answers the first challenge in one round and the next calls pre-emptively", async () => {
    const atlas = connect();
    expect(await get(atlas)).toEqual(seeded);
    expect(fake.stats.exchanges).toBe(2);
    const [bare, answered] = fake.requests;
    expect(bare!.headers.authorization).toBeUndefined();
    expect(bare!.status).toBe(401);
    expect(answered!.status).toBe(200);
    const fields = verify(answered!);
    expect(fields.realm).toBe("MMS Public API");
    expect(fields.algorithm).toBe("MD5");
    expect(fields.nc).toBe("00000001");
    expect(fields.opaque).toBeUndefined();
  });

  it("costs N+1 exchanges for N sequential calls while the nonce lives", async () => {
    const atlas = connect();
    const calls = 25;
    for (let i = 0; i < calls; i++) await get(atlas);
    expect(fake.stats.exchanges).toBe(calls + 1);
    expect(fake.stats.challenges).toBe(1);
    const answers = fake.requests.slice(1).map((r) => verify(r));
    expect(fake.requests.slice(1).every((r) => r.status === 200)).toBe(true);
    expect(new Set(answers.map((f) => f.nonce)).size).toBe(1);
    expect(answers.map((f) => parseInt(f.nc!, 16))).toEqual(
      Array.from({ length: calls }, (_, i) => i + 1),
    );
    expect(new Set(answers.map((f) => f.cnonce)).size).toBe(calls);
  });

  it("answers a retried attempt with a fresh nonce count", async () => {
    const atlas = connect({ retry: { baseDelayMs: 1, maxRetries: 2 } });
    await get(atlas);
    fake.inject({
      kind: "status",
      status: 503,
      when: (r) => r.headers.authorization !== undefined,
    });
    const invite = await get(atlas);
    expect(invite.id).toBe(seeded.id);
    const [failed, retried] = fake.requests.slice(-2).map((r) => verify(r));
    expect(fake.requests.slice(-2).map((r) => r.status)).toEqual([503, 200]);
    expect(parseInt(retried!.nc!, 16)).toBe(parseInt(failed!.nc!, 16) + 1);
    expect(fake.stats.ncReplays).toBe(0);
  });

  it("signs the path and query exactly as sent", async () => {
    const group = fake.invites.addGroupInvite();
    const atlas = connect();
    await atlas.updateGroupInvites({
      groupId: group.groupId,
      envelope: true,
      pretty: true,
      body: { username: group.username!, roles: ["GROUP_OWNER"] },
    });
    const answered = fake.requests[1]!;
    expect(answered.url).toBe(
      `/api/atlas/v2/groups/${group.groupId}/invites?envelope=true&pretty=true`,
    );
    expect(verify(answered).uri).toBe(answered.url);
  });

  it("replays a PATCH body byte-identical after the challenge", async () => {
    const atlas = connect();
    const body = {
      roles: ["ORG_MEMBER" as const],
      groupRoleAssignments: [{ groupId: "32b6e34b3d91647abb20e7b8", roles: ["GROUP_OWNER"] }],
      teamIds: ["5f1a7b3c9d2e4f6a8b0c1d2e"],
    };
    await atlas.updateOrgInviteById({ orgId: seeded.orgId!, invitationId: seeded.id!, body });
    const [bare, answered] = fake.requests;
    expect(bare!.status).toBe(401);
    expect(answered!.status).toBe(200);
    expect(bare!.body).toBe(JSON.stringify(body));
    expect(answered!.body).toBe(bare!.body);
    expect(answered!.headers["content-type"]).toBe(bare!.headers["content-type"]);
    verify(answered!);
  });

  const algorithms: FakeDigestAlgorithm[] = [
    "MD5",
    "MD5-sess",
    "SHA-256",
    "SHA-256-sess",
    "SHA-512-256",
    "SHA-512-256-sess",
  ];
  for (const algorithm of algorithms) {
    it(`answers ${algorithm}`, async () => {
      fake.digest.algorithms = [algorithm];
      const atlas = connect();
      await get(atlas);
      await get(atlas);
      expect(fake.stats.exchanges).toBe(3);
      for (const record of fake.requests.slice(1)) {
        expect(record.status).toBe(200);
        expect(verify(record).algorithm).toBe(algorithm);
      }
    });
  }

  it("picks SHA-256 over MD5 when one header offers both, in either order", async () => {
    for (const offered of [
      ["MD5", "SHA-256"],
      ["SHA-256", "MD5"],
    ] as FakeDigestAlgorithm[][]) {
      fake.digest.algorithms = offered;
      const watch = watchChallenges();
      const atlas = connect({ fetch: watch.fetch });
      await get(atlas);
      const challenges = parseChallenges(watch.challenges[0]!);
      expect(challenges.map((c) => c.params.algorithm)).toEqual(offered);
      expect(verify(fake.requests.at(-1)!).algorithm).toBe("SHA-256");
    }
  });

  it("echoes opaque", async () => {
    await fake.close();
    await startFake({ apiKey: { opaque: true } });
    const atlas = connect();
    await get(atlas);
    await get(atlas);
    expect(fake.digest.opaque).toMatch(/\S/);
    for (const record of fake.requests.slice(1)) {
      expect(record.status).toBe(200);
      expect(verify(record).opaque).toBe(fake.digest.opaque);
    }
  });

  it("takes a stale nonce's new challenge at the cost of one extra exchange", async () => {
    const watch = watchChallenges();
    const atlas = connect({ fetch: watch.fetch });
    for (let i = 0; i < 5; i++) await get(atlas);
    expect(fake.stats.exchanges).toBe(6);
    const oldNonce = verify(fake.requests.at(-1)!).nonce;

    fake.digest.expireNonces();
    await get(atlas);
    expect(fake.stats.exchanges).toBe(8);
    const [refused, again] = fake.requests.slice(-2);
    expect(refused!.status).toBe(401);
    expect(verify(refused!).nonce).toBe(oldNonce);
    expect(parseChallenges(watch.challenges.at(-2)!)[0]!.params.stale).toBe("true");
    expect(again!.status).toBe(200);
    const fresh = verify(again!);
    expect(fresh.nonce).not.toBe(oldNonce);
    expect(fresh.nc).toBe("00000001");

    await get(atlas);
    expect(fake.stats.exchanges).toBe(9);
    expect(verify(fake.requests.at(-1)!).nc).toBe("00000002");
  });

  it("does not loop when every nonce is stale", async () => {
    fake.digest.nonceLifetimeMs = -1;
    const atlas = connect();
    for (const expected of [2, 4]) {
      const err = await get(atlas).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AtlasApiError);
      expect((err as AtlasApiError).status).toBe(401);
      expect(fake.stats.exchanges).toBe(expected);
    }
  });

  it("retries once when a pre-emptive answer is refused without stale", async () => {
    const watch = watchChallenges();
    const atlas = connect({ fetch: watch.fetch });
    await get(atlas);
    await get(atlas);
    fake.digest.forgetNonces();
    expect((await get(atlas)).id).toBe(seeded.id);
    expect(fake.stats.exchanges).toBe(5);
    expect(parseChallenges(watch.challenges.at(-2)!)[0]!.params.stale).toBe("false");
    expect(fake.requests.at(-1)!.status).toBe(200);
    expect(verify(fake.requests.at(-1)!).nc).toBe("00000001");
  });

  it("goes on counting when a 401 repeats the nonce in use, instead of replaying a count", async () => {
    const atlas = connect();
    await get(atlas);
    await get(atlas);
    const { nonce } = verify(fake.requests.at(-1)!);
    // A 401 about something else than the key that carries the challenge again, same nonce.
    fake.inject({
      kind: "status",
      status: 401,
      headers: {
        "WWW-Authenticate": `Digest realm="MMS Public API", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=false`,
      },
      body: { error: 401, errorCode: "USER_UNAUTHORIZED", reason: "Unauthorized" },
      operationId: "getOrgInvite",
    });
    expect(await get(atlas).catch((e: unknown) => e)).toBeInstanceOf(AtlasApiError);
    expect((await get(atlas)).id).toBe(seeded.id);
    // RFC 7616, section 3.4: nc counts the requests sent with that nonce, whatever the answers.
    const last = verify(fake.requests.at(-1)!);
    expect([last.nonce, last.nc]).toEqual([nonce, "00000004"]);
    expect(fake.stats.ncReplays).toBe(0);
    expect(fake.stats.exchanges).toBe(5);
  });

  it("gives AtlasApiError 401 for wrong keys after one challenge round, every time", async () => {
    const wrong = { publicKey: fake.credentials.apiKey.publicKey, privateKey: "not-the-key-0000" };
    const atlas = connect({}, wrong);
    for (const expected of [2, 4, 6]) {
      const err = await get(atlas).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AtlasApiError);
      expect((err as AtlasApiError).status).toBe(401);
      expect(fake.stats.exchanges).toBe(expected);
      expect(leakedSecrets(err, [wrong.privateKey, fake.credentials.apiKey.privateKey])).toEqual(
        [],
      );
    }
    // The answers were well formed; only the key was wrong.
    const answered = fake.requests.filter((r) => r.headers.authorization);
    for (const record of answered) verify(record, wrong);
  });

  it("never reuses a nonce count across concurrent calls", async () => {
    const atlas = connect();
    await get(atlas);
    const results = await Promise.all(Array.from({ length: 300 }, () => get(atlas)));
    expect(results.every((r) => r.id === seeded.id)).toBe(true);
    expect(fake.stats.exchanges).toBe(302);
    expect(fake.stats.ncReplays).toBe(0);
    const counts = fake.requests.slice(1).map((r) => parseInt(verify(r).nc!, 16));
    expect(new Set(counts).size).toBe(301);
    expect(Math.max(...counts)).toBe(301);
  });

  it("shares the first challenge among concurrent first calls without replays", async () => {
    const atlas = connect();
    const results = await Promise.all(Array.from({ length: 50 }, () => get(atlas)));
    expect(results.every((r) => r.id === seeded.id)).toBe(true);
    // One call fetches the challenge; the other 49 wait for it and answer pre-emptively.
    expect(fake.stats.exchanges).toBe(51);
    expect(fake.stats.challenges).toBe(1);
    expect(fake.stats.ncReplays).toBe(0);
    const answered = fake.requests.filter((r) => r.headers.authorization).map((r) => verify(r));
    expect(new Set(answered.map((f) => `${f.nonce}/${f.nc}`)).size).toBe(50);
    // Every call answered the nonce the first challenge brought, so the next call needs no challenge.
    expect(new Set(answered.map((f) => f.nonce)).size).toBe(1);
    await get(atlas);
    expect(fake.stats.exchanges).toBe(52);
  });

  it("lets a first call whose challenge is on its way when close() runs answer it and finish", async () => {
    // The challenge comes 150 ms late; close() runs in between.
    fake.inject({ kind: "delay", ms: 150, operationId: "getOrgInvite" });
    const atlas = connect();
    const order: string[] = [];
    const call = get(atlas).then((invite) => {
      order.push("call settled");
      return invite;
    });
    await vi.waitFor(() => expect(fake.stats.exchanges).toBe(1));
    // A second first call waits for that challenge: it was not sent, and fails as closed.
    const waiting = get(atlas).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closing = atlas.close().then(() => order.push("closed"));
    expect((await call).id).toBe(seeded.id);
    await closing;
    expect(order).toEqual(["call settled", "closed"]);
    expect(fake.requests.map((r) => r.status)).toEqual([401, 200]);
    expect(((await waiting) as Error).message).toBe(
      "atlas-invites: this client was closed before the call was sent (await each call before close())",
    );
  });

  it("lets waiting first calls go on when the challenge request fails", async () => {
    const atlas = connect({ retry: false });
    fake.inject({ kind: "reset", when: (r) => r.headers.authorization === undefined });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => get(atlas)));
    // The first call's connection was reset; the others did not hang behind it.
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(4);
    expect(fake.stats.ncReplays).toBe(0);
  });

  it("retries a challenge request that met a 503 without waiting on itself", async () => {
    const atlas = connect({ retry: { baseDelayMs: 1, maxRetries: 2 } });
    fake.inject({
      kind: "status",
      status: 503,
      when: (r) => r.headers.authorization === undefined,
    });
    const invite = await get(atlas);
    expect(invite.id).toBe(seeded.id);
    expect(fake.requests.map((r) => r.status)).toEqual([503, 401, 200]);
  });

  it.each([
    ["an algorithm", 'algorithm=SHA-512, qop="auth"', "algorithm=SHA-512"],
    ["a qop", 'algorithm=MD5, qop="auth-int"', "qop=auth-int"],
  ])(
    "reports a Digest challenge with %s it cannot answer as AtlasAuthError",
    async (_label, params, named) => {
      await fake.close();
      await startFake({
        apiKey: false,
        authSchemes: [
          {
            check: () => ({ verdict: "absent" }),
            challenge: () => `Digest realm="r", nonce="n1", ${params}`,
          },
        ],
      });
      const err = await get(connect()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AtlasAuthError);
      expect((err as Error).message).toContain(`Atlas asked for HTTP Digest with ${named},`);
      expect((err as Error).message).toContain(`API key ${fake.credentials.apiKey.publicKey}`);
      expect(fake.stats.exchanges).toBe(1);
    },
  );

  it("hands a 401 without a Digest challenge to the caller after one exchange", async () => {
    await fake.close();
    await startFake({ apiKey: false });
    const err = await get(connect()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasApiError);
    expect((err as AtlasApiError).status).toBe(401);
    expect(fake.stats.exchanges).toBe(1);
  });

  it("keeps the private key out of util.inspect and JSON of the client", async () => {
    const atlas = connect();
    await get(atlas);
    const { publicKey, privateKey } = fake.credentials.apiKey;
    expect(leakedSecrets(atlas, [privateKey])).toEqual([]);
    expect(inspect(atlas)).toContain(`API key ${publicKey}`);
    expect(JSON.stringify(atlas)).toContain(`API key ${publicKey}`);
  });
});

describe("Digest with middleware of your own after authentication", () => {
  type Hooks = Parameters<AtlasInvites["client"]["use"]>[0];
  /** What a middleware added with atlas.client.use() may do to the first call's challenge. */
  const firstCallEndings: [string, (first: () => boolean) => Hooks][] = [
    [
      "hands on a request of its own, as the README shows",
      () => ({
        onRequest: ({ request }) =>
          new Request(request.url, { method: request.method, headers: request.headers }),
      }),
    ],
    [
      "throws before the request goes out",
      (first) => ({
        onRequest() {
          if (first()) throw new Error("not now");
        },
      }),
    ],
    [
      "answers in the client's place",
      (first) => ({
        onRequest: () => (first() ? new Response("{}", { status: 503 }) : undefined),
      }),
    ],
    [
      "throws on the 401 that carries the challenge",
      (first) => ({
        onResponse({ response }) {
          if (first() && response.status === 401) throw new Error("refused");
        },
      }),
    ],
  ];

  it.each(firstCallEndings)(
    "keeps working when that middleware %s, and calls waiting for the challenge go on",
    async (_what, middleware) => {
      const atlas = connect({ timeout: 1000, retry: false });
      let calls = 0;
      atlas.client.use(middleware(() => ++calls === 1));
      // The first call and the calls that wait for its challenge.
      const first = await Promise.allSettled([get(atlas), get(atlas), get(atlas)]);
      expect(first.slice(1).map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
      // And the calls after them, each in one exchange now that the challenge is known.
      const before = fake.stats.exchanges;
      for (let i = 0; i < 3; i++) expect((await get(atlas)).id).toBe(seeded.id);
      expect(fake.stats.exchanges - before).toBe(3);
      await atlas.close();
    },
  );

  it("tells concurrent path-based calls that share one options object apart", async () => {
    const atlas = connect({ timeout: 1000 });
    const init = {
      params: { path: { orgId: seeded.orgId!, invitationId: seeded.id! } },
      headers: { "X-Trace": "shared" },
    };
    const path = "/api/atlas/v2/orgs/{orgId}/invites/{invitationId}" as const;
    const answers = await Promise.all([1, 2, 3].map(() => atlas.client.GET(path, init)));
    expect(answers.map((a) => a.response.status)).toEqual([200, 200, 200]);
    expect(fake.stats.exchanges).toBe(4);
    await atlas.close();
  });
});

describe("reading WWW-Authenticate", () => {
  it("reads Atlas's challenge", () => {
    const header =
      'Digest realm="MMS Public API", domain="", nonce="OJx5ZoE/bw+Zx2rNuvNgP6SYaJGlYvPu", algorithm=MD5, qop="auth", stale=false';
    expect(parseChallenges(header)).toEqual([
      {
        scheme: "digest",
        params: {
          realm: "MMS Public API",
          domain: "",
          nonce: "OJx5ZoE/bw+Zx2rNuvNgP6SYaJGlYvPu",
          algorithm: "MD5",
          qop: "auth",
          stale: "false",
        },
      },
    ]);
  });

  it("separates several challenges and keeps commas and escapes inside quotes", () => {
    const header =
      'Negotiate YII=, Basic realm="simple", DIGEST Realm="a \\"quoted\\", realm" ,\tNONCE = "x,y=z" , algorithm=SHA-256,qop="auth,auth-int",, Bearer';
    expect(parseChallenges(header)).toEqual([
      { scheme: "negotiate", params: {}, token68: "YII=" },
      { scheme: "basic", params: { realm: "simple" } },
      {
        scheme: "digest",
        params: {
          realm: 'a "quoted", realm',
          nonce: "x,y=z",
          algorithm: "SHA-256",
          qop: "auth,auth-int",
        },
      },
      { scheme: "bearer", params: {} },
    ]);
  });

  it("reads back any parameters it is given, quoted with escapes", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    const value = fc.string({ unit: "grapheme-ascii", maxLength: 30 });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, value), { selector: (p) => p[0], minLength: 1 }),
        (pairs) => {
          const rendered = pairs
            .map(([k, v]) => `${k}="${v.replace(/[\\"]/g, "\\$&")}"`)
            .join(", ");
          const [challenge, ...rest] = parseChallenges(`Digest ${rendered}, Basic realm="x"`);
          expect(rest).toEqual([{ scheme: "basic", params: { realm: "x" } }]);
          expect(challenge).toEqual({ scheme: "digest", params: Object.fromEntries(pairs) });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("takes an unquoted value whole, up to the next comma or space, as curl and requests do", () => {
    // RFC 7616 quotes nonce, opaque and domain; a server that leaves them bare still means the
    // whole value, base64 and path characters included.
    const header =
      "Digest realm=atlas, nonce=OJx5ZoE/bw+Zx2rNuvNgP6SY==, opaque=v1:2@x, domain=/api/atlas, algorithm=MD5, qop=auth";
    expect(parseChallenges(header)).toEqual([
      {
        scheme: "digest",
        params: {
          realm: "atlas",
          nonce: "OJx5ZoE/bw+Zx2rNuvNgP6SY==",
          opaque: "v1:2@x",
          domain: "/api/atlas",
          algorithm: "MD5",
          qop: "auth",
        },
      },
    ]);
  });

  /**
   * Calls getOrgInvite on a server of its own that sends `challenge` and accepts an answer to
   * it with `nonce` that the reference computes from `keys`; returns the Authorization headers
   * it received.
   */
  async function answerOwnServer(challenge: string, nonce: string): Promise<string[]> {
    const keys = { publicKey: "abcdefgh", privateKey: "pk-secret-own-server-5e1d" };
    const seen: string[] = [];
    const server = createServer((req, res) => {
      const header = req.headers.authorization;
      if (header !== undefined) {
        seen.push(header);
        const { fields, expected } = expectedFromHeader(header, keys, req.method!, req.url!);
        if (fields.nonce === nonce && fields.response === expected) {
          res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(seeded));
          return;
        }
      }
      res
        .writeHead(401, { "Content-Type": "application/json", "WWW-Authenticate": challenge })
        .end(JSON.stringify({ error: 401, reason: "Unauthorized" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const atlas = createAtlasInvites({
        auth: apiKey(keys),
        baseUrl: `http://127.0.0.1:${port}`,
        onDeprecation: false,
        retry: false,
      });
      await expect(get(atlas)).resolves.toEqual(seeded);
      await atlas.close();
      return seen;
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it("answers a server that sends its nonce unquoted with that very nonce", async () => {
    const nonce = "OJx5ZoE/bw+Zx2rNuvNgP6SY==";
    const seen = await answerOwnServer(
      `Digest realm="MMS Public API", nonce=${nonce}, algorithm=MD5, qop=auth`,
      nonce,
    );
    expect(seen).toHaveLength(1);
    expect(authorizationFields(seen[0]!).nonce).toBe(nonce);
  });

  it("answers a challenge whose realm is empty, which RFC 7616's quoted-string allows", async () => {
    const seen = await answerOwnServer('Digest realm="", nonce="bm9uY2U=", qop="auth"', "bm9uY2U=");
    expect(seen).toHaveLength(1);
    expect(authorizationFields(seen[0]!).realm).toBe("");
  });

  it("answers a challenge written in unusual case and spacing", async () => {
    const strategy = apiKey({ publicKey: "abcdefgh", privateKey: "pk-secret-7f3a" });
    const session = strategy.start(OFFLINE_CONTEXT);
    const first = new AtlasRequest("https://cloud.mongodb.com/api/atlas/v2/orgs/x?y=1");
    await session.authorize(first);
    expect(first.headers.get("Authorization")).toBeNull();
    const challenge = new Response(null, {
      status: 401,
      headers: {
        "WWW-Authenticate":
          'Basic realm="x", digest   REALM = "R, 1" , NONCE="n\\"1",QOP="auth-int, auth", ALGORITHM=sha-256',
      },
    });
    session.onResponse!(first, challenge);
    expect(await session.onUnauthorized!(first, challenge)).toBe(true);
    const again = first.clone();
    await session.authorize(again);
    const fields = authorizationFields(again.headers.get("Authorization")!);
    expect(fields).toMatchObject({
      username: "abcdefgh",
      realm: "R, 1",
      nonce: 'n"1',
      uri: "/api/atlas/v2/orgs/x?y=1",
      algorithm: "sha-256",
      qop: "auth",
      nc: "00000001",
    });
    expect(fields.response).toBe(
      referenceResponse({
        algorithm: "SHA-256",
        username: "abcdefgh",
        password: "pk-secret-7f3a",
        realm: "R, 1",
        method: "GET",
        uri: "/api/atlas/v2/orgs/x?y=1",
        nonce: 'n"1',
        nc: "00000001",
        cnonce: fields.cnonce!,
        qop: "auth",
      }),
    );
    for (const value of [strategy, session]) {
      expect(inspect(value, { showHidden: true, depth: 5 })).not.toContain("pk-secret-7f3a");
      expect(JSON.stringify(value)).not.toContain("pk-secret-7f3a");
    }
    // The key lives in closures only; the values hold functions and the public label.
    expect(Object.keys(strategy).sort()).toEqual(["label", "start"]);
    expect(strategy.label).toBe("API key abcdefgh");
    expect(Object.keys(session).sort()).toEqual([
      "authorize",
      "onError",
      "onResponse",
      "onUnauthorized",
      "secrets",
    ]);
    expect(Object.values(session).every((v) => typeof v === "function")).toBe(true);
  });
});
