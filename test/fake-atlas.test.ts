/**
 * The fake Atlas (`atlas-invites/testing`): its documented example, its public exports, the order
 * in which it checks a request, its answers to bad input, the Cloud Users API operations, the
 * role rules, and the route matcher it shares with fault injection. The answers that rest on
 * public observations are checked against the corpus in test/observed-answers.test.ts; this file
 * checks the fake's own decisions, as docs/FAKE-ATLAS.md lists them.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  accessToken,
  apiKey,
  createAtlasInvites,
  isAtlasApiError,
  serviceAccount,
  type AtlasApiError,
  type AtlasInvites,
  type OrgMembershipStatus,
} from "../src/index.js";
import * as testing from "../src/testing/index.js";
import { startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";
import { LEGACY_LIST_VERSION } from "../src/testing/negotiation.js";
import { QUERY_TYPES } from "../src/testing/query.js";
import { SEED_PATTERNS, SEED_RULES } from "../src/testing/seed-values.js";
import { ROOT, typeCheck, writeConsumerTsconfig } from "./helpers/consumer-typecheck.js";
import { fakeRequest, type FakeRequestInit } from "./helpers/fake-request.js";
import { envWithoutAtlas, run } from "./helpers/processes.js";

const ORG = "4888442a3354817a7320eb61";
const GROUP = "32b6e34b3d91647abb20e7b8";
const NEW = "application/vnd.atlas.2025-02-19+json";
const OLD = "application/vnd.atlas.2023-01-01+json";

/** One request to the fake with plain fetch, its body read as text and, when it is, as JSON. */
async function send(fake: FakeAtlas, method: string, target: string, init: FakeRequestInit = {}) {
  const response = await fakeRequest(fake, method, target, init);
  const raw = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    // Left empty: the tests that need a body check the status first.
  }
  return { status: response.status, headers: response.headers, body, raw };
}

/** The fields every error body has; anything else must be a field the case expects. */
function expectNoCode(body: Record<string, unknown>, status: number): void {
  expect(body).not.toHaveProperty("errorCode");
  expect(body.error).toBe(status);
  expect(typeof body.detail).toBe("string");
  expect(Object.keys(body).sort()).toEqual(["detail", "error", "reason"]);
}

describe("docs/FAKE-ATLAS.md", () => {
  const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");
  let dir: string;
  let blocks: string[];

  beforeAll(async () => {
    const markdown = await readFile(path.join(ROOT, "docs/FAKE-ATLAS.md"), "utf8");
    blocks = [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    await mkdir(path.join(ROOT, ".tmp"), { recursive: true });
    dir = await mkdtemp(path.join(ROOT, ".tmp", "fake-atlas-doc-"));
    await writeConsumerTsconfig(dir);
    await Promise.all(blocks.map((code, i) => writeFile(path.join(dir, `block-${i}.ts`), code)));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("runs the first example as written", async () => {
    expect(blocks.length).toBeGreaterThan(0);
    const result = await run(process.execPath, [TSX_CLI, path.join(dir, "block-0.ts")], {
      cwd: dir,
      env: envWithoutAtlas(),
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    // The example prints each request it made, ending with the refused update.
    const lines = result.stdout.trim().split("\n");
    expect(lines.at(-1)).toBe("PATCH updateOrgUser 401");
    expect(lines).toContain("GET listOrgUsers 200");
  }, 60_000);

  it("marks keeping a field left out of an invitation update as a guess", async () => {
    // The spec says MongoDB does not document it for the three deprecated PATCH operations.
    const markdown = await readFile(path.join(ROOT, "docs/FAKE-ATLAS.md"), "utf8");
    const row = markdown.split("\n").find((line) => /keep the ones it leaves out/.test(line));
    expect(row).toBeDefined();
    for (const id of ["updateOrgInviteById", "updateGroupInvites", "updateGroupInviteById"]) {
      expect(row).toContain(`\`${id}\``);
    }
    expect(row!.split("|")[2]).toMatch(/^ guess: no public source/);
  });

  it("has examples that all compile against the package's types", () => {
    const { status, errors } = typeCheck(dir);
    expect([...errors.entries()]).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);
});

/**
 * A user's values are often optional ones (`{ orgId: options.orgId }`); every seed, fault and
 * rule takes them, under exactOptionalPropertyTypes too, since a field named undefined is a
 * field left out.
 */
const OPTIONAL_VALUES = `import { startFakeAtlas } from "atlas-invites/testing";
declare const text: string | undefined;
declare const count: number | undefined;
const fake = await startFakeAtlas({ port: count, rateLimit: count });
fake.invites.addOrgInvite({ orgId: text, id: text, username: text, orgName: text });
fake.invites.addGroupInvite({ groupId: text, username: text, roles: undefined });
fake.users.addOrgUser({ orgId: text, username: text, roles: { orgRoles: undefined }, lastAuth: text });
fake.users.addGroupUser({ groupId: text, orgId: text, roles: undefined, firstName: text });
fake.inject({ kind: "status", status: 503, retryAfter: count, operationId: undefined, times: count });
fake.inject({ kind: "html", status: count, path: text, when: undefined });
fake.roles.deny({ credential: text, orgId: text, groupId: text, operationId: undefined });
fake.tokenEndpoint.replyNext({ status: 500, contentType: text, delayMs: count });
export {};
`;

describe("the JSDoc examples of atlas-invites/testing, and optional values", () => {
  let dir: string;
  let names: string[];
  let result: ReturnType<typeof typeCheck>;

  beforeAll(async () => {
    const files = (await readdir(path.join(ROOT, "src/testing"))).filter((f) => f.endsWith(".ts"));
    const examples: string[] = [];
    for (const file of files.sort()) {
      const source = await readFile(path.join(ROOT, "src/testing", file), "utf8");
      for (const [, body] of source.matchAll(/@example\n((?:[ \t]*\*(?![/]).*\n)+)/g)) {
        examples.push(body!.replace(/^[ \t]*\* ?/gm, ""));
      }
    }
    await mkdir(path.join(ROOT, ".tmp"), { recursive: true });
    dir = await mkdtemp(path.join(ROOT, ".tmp", "fake-atlas-jsdoc-"));
    await writeConsumerTsconfig(dir);
    names = examples.map((_, i) => `example-${i}.ts`);
    // An example that imports nothing uses startFakeAtlas, as every one of them begins with it.
    const header = 'import { startFakeAtlas } from "atlas-invites/testing";\n';
    await Promise.all(
      examples.map((code, i) =>
        writeFile(
          path.join(dir, names[i]!),
          `${code.includes("import ") ? "" : header}${code}\nexport {};\n`,
        ),
      ),
    );
    await writeFile(path.join(dir, "optional-values.ts"), OPTIONAL_VALUES);
    result = typeCheck(dir);
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("compile as a user would copy them", () => {
    expect(names.length).toBeGreaterThan(5);
    expect(names.map((name) => [name, result.errors.get(name)])).toEqual(
      names.map((name) => [name, undefined]),
    );
  });

  it("take values that may be undefined wherever a field is optional", () => {
    expect(result.errors.get("optional-values.ts")).toBeUndefined();
    expect([...result.errors.keys()]).toEqual([]);
    expect(result.status).toBe(0);
  });
});

describe("close()", () => {
  const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");
  const DELAY_MS = 20_000;
  let dir: string;
  beforeAll(async () => {
    await mkdir(path.join(ROOT, ".tmp"), { recursive: true });
    dir = await mkdtemp(path.join(ROOT, ".tmp", "fake-atlas-close-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("drops token answers still waiting for their delay, so the process can exit at once", async () => {
    // A process of its own, because only a process that ends shows that no timer of the fake
    // keeps the event loop alive. It times each close() and the wait from the last one to exit.
    const script = `
      import { createAtlasInvites, serviceAccount } from ${JSON.stringify(path.join(ROOT, "src/index.ts"))};
      import { startFakeAtlas } from ${JSON.stringify(path.join(ROOT, "src/testing/index.ts"))};
      const timed = async (close) => { const t = performance.now(); await close(); return performance.now() - t; };
      const closes = [];

      // The configured delay, with a client that gave up before the token came.
      const slow = await startFakeAtlas({ serviceAccount: { tokenDelayMs: ${DELAY_MS} } });
      const atlas = createAtlasInvites({
        auth: serviceAccount(slow.credentials.serviceAccount),
        baseUrl: slow.url,
        retry: false,
        timeout: 100,
      });
      const call = await atlas.listOrgUsers({ orgId: "${ORG}" }).then(() => "answered", (e) => e.name);
      closes.push(await timed(() => atlas.close()), await timed(() => slow.close()));

      // A scripted answer's delay, still waiting when the fake closes.
      const scripted = await startFakeAtlas();
      scripted.tokenEndpoint.replyNext({ status: 200, body: { access_token: "t" }, delayMs: ${DELAY_MS} });
      const pending = fetch(scripted.url + "/api/oauth/token", { method: "POST" }).then(
        (r) => r.status,
        () => "cut",
      );
      await new Promise((r) => setTimeout(r, 100));
      closes.push(await timed(() => scripted.close()));
      const cut = await pending;

      const closed = performance.now();
      process.on("exit", () => {
        console.log(JSON.stringify({ call, cut, closes, exitMs: performance.now() - closed }));
      });
    `;
    const file = path.join(dir, "close.mts");
    await writeFile(file, script);
    const result = await run(process.execPath, [TSX_CLI, file], {
      cwd: dir,
      env: envWithoutAtlas(),
      timeoutMs: DELAY_MS / 2,
    });
    expect(result.stderr).toBe("");
    // Killed at the bound (a status other than 0) means a timer held the process open.
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      call: string;
      cut: unknown;
      closes: number[];
      exitMs: number;
    };
    expect(report.call).toBe("AtlasTimeoutError");
    expect(report.cut).toBe("cut");
    expect(report.closes).toHaveLength(3);
    for (const ms of report.closes) expect(ms).toBeLessThan(1_000);
    expect(report.exitMs).toBeLessThan(1_000);
  }, 60_000);
});

describe("reset()", () => {
  it("puts a fake shared by a suite back as it started, keeping its credentials and tokens", async () => {
    const fake = await startFakeAtlas({
      rateLimit: 2,
      lacksRole: [{ credential: "apiKey" }],
      serviceAccount: { tokenLifetimeSeconds: 600 },
    });
    const atlas = createAtlasInvites({
      auth: serviceAccount(fake.credentials.serviceAccount),
      baseUrl: fake.url,
      onDeprecation: false,
      retry: false,
    });
    try {
      // What one test leaves behind: seeds, a rule, a fault it did not use up, scripted token
      // answers, changed controls and a used-up rate limit.
      const user = fake.users.addOrgUser({ orgId: ORG });
      fake.invites.addOrgInvite({ orgId: ORG });
      await atlas.getOrgUser({ orgId: ORG, userId: user.id });
      const before = fake.tokenEndpoint.issued[0]!;
      fake.roles.deny("getOrgUser");
      const leftover = fake.inject({
        kind: "status",
        status: 503,
        times: 3,
        operationId: "getOrgUser",
      });
      fake.tokenEndpoint.replyNext({ status: 500 });
      fake.tokenEndpoint.delayMs = 50;
      fake.tokenEndpoint.lifetimeSeconds = 1;
      fake.digest.algorithms = ["SHA-256"];
      fake.digest.nonceLifetimeMs = 1;
      await atlas.listOrgUsers({ orgId: ORG });
      await send(fake, "GET", `/api/atlas/v2/orgs/${ORG}/users`, { accept: NEW });
      expect(fake.requests.at(-1)?.status).toBe(429);
      expect(leftover.remaining).toBe(3);

      fake.reset();

      expect(fake.users.listOrgUsers(ORG)).toEqual([]);
      expect(fake.invites.getOrgInvite(ORG, user.id)).toBeUndefined();
      expect(fake.requests).toEqual([]);
      expect(fake.stats).toEqual({
        exchanges: 0,
        tokenRequests: 0,
        revocations: 0,
        challenges: 0,
        ncReplays: 0,
      });
      expect(leftover.remaining).toBe(0);
      // The rules the options set are in force again, and only they.
      expect(fake.roles.denials.map((d) => d.rule)).toEqual([{ credential: "apiKey" }]);
      expect(fake.tokenEndpoint.delayMs).toBe(0);
      expect(fake.tokenEndpoint.lifetimeSeconds).toBe(600);
      expect(fake.digest.algorithms).toEqual(["MD5"]);
      expect(fake.digest.nonceLifetimeMs).toBe(300_000);
      // A token issued before still works, the rate limit starts over, no fault or scripted
      // token answer is left.
      expect(fake.tokenEndpoint.isActive(before)).toBe(true);
      const page = await atlas.listOrgUsers({ orgId: ORG });
      expect(page.results).toEqual([]);
      expect(fake.requests.map((r) => r.status)).toEqual([200]);
      const token = await fetch(`${fake.url}/api/oauth/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(
            `${fake.credentials.serviceAccount.clientId}:${fake.credentials.serviceAccount.clientSecret}`,
          ).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      });
      expect(token.status).toBe(200);
      expect(((await token.json()) as { expires_in: number }).expires_in).toBe(600);
    } finally {
      await atlas.close();
      await fake.close();
    }
  });
});

describe("atlas-invites/testing exports", () => {
  it("exports the fake's entry point and constants, and no internals", () => {
    expect(Object.keys(testing).sort()).toEqual([
      "DEFAULT_EXTRA_FIELDS",
      "DEFAULT_MAX_REQUEST_BYTES",
      "startFakeAtlas",
    ]);
  });

  it("keeps credentials in the shape the client's strategies take", async () => {
    const fake = await startFakeAtlas();
    fake.users.addOrgUser({ orgId: ORG });
    const strategies = [
      serviceAccount(fake.credentials.serviceAccount),
      apiKey(fake.credentials.apiKey),
      accessToken({ token: fake.credentials.accessToken }),
    ];
    try {
      for (const auth of strategies) {
        const atlas = createAtlasInvites({ auth, baseUrl: fake.url });
        const page = await atlas.listOrgUsers({ orgId: ORG });
        await atlas.close();
        expect(page.results).toHaveLength(1);
      }
      expect(
        fake.requests.filter((r) => r.status === 200 && r.operationId === "listOrgUsers"),
      ).toHaveLength(3);
      expect(
        fake.requests.filter((r) => r.status === 200).map((r) => r.credential ?? "token endpoint"),
      ).toEqual(["token endpoint", "serviceAccount", "token endpoint", "apiKey", "accessToken"]);
    } finally {
      await fake.close();
    }
  });
});

describe("accessTokens", () => {
  it("hands out the first token of the list, and accepts every token of it", async () => {
    const fake = await startFakeAtlas({ accessTokens: ["tok-1", "tok-2"] });
    fake.users.addOrgUser({ orgId: ORG });
    try {
      expect(fake.credentials.accessToken).toBe("tok-1");
      const statuses: unknown[] = [];
      for (const token of [fake.credentials.accessToken, "tok-2", "tok-3"]) {
        const atlas = createAtlasInvites({ auth: accessToken({ token }), baseUrl: fake.url });
        statuses.push(
          await atlas.listOrgUsers({ orgId: ORG }).then(
            (page) => page.results.length,
            (err: unknown) => (isAtlasApiError(err, 401) ? 401 : err),
          ),
        );
        await atlas.close();
      }
      expect(statuses).toEqual([1, 1, 401]);
    } finally {
      await fake.close();
    }
  });

  it("accepts no token with an empty list, the one it hands out included", async () => {
    const fake = await startFakeAtlas({ accessTokens: [] });
    try {
      expect(fake.credentials.accessToken).not.toBe("");
      const res = await send(fake, "GET", `/api/atlas/v2/orgs/${ORG}/users`);
      expect(res.status).toBe(401);
    } finally {
      await fake.close();
    }
  });
});

describe("options given as undefined", () => {
  it("take their defaults: every credential works and the defaults hold", async () => {
    const fake = await startFakeAtlas({
      port: undefined,
      accessTokens: undefined,
      rateLimit: undefined,
      rateLimitWindowMs: undefined,
      deprecationHeaders: undefined,
      authSchemes: undefined,
      serviceAccount: { clientId: undefined, clientSecret: undefined, tokenDelayMs: undefined },
      apiKey: { publicKey: undefined, privateKey: undefined, algorithms: undefined },
      lacksRole: undefined,
      maxRequestBytes: undefined,
    });
    fake.users.addOrgUser({ orgId: ORG });
    try {
      const { serviceAccount: account, apiKey: key } = fake.credentials;
      expect(account.clientId).toMatch(/^mdb_sa_id_/);
      expect(key.publicKey).toMatch(/^[a-z]{8}$/);
      const counts: number[] = [];
      for (const auth of [
        accessToken({ token: fake.credentials.accessToken }),
        serviceAccount(account),
        apiKey(key),
      ]) {
        const atlas = createAtlasInvites({ auth, baseUrl: fake.url, onDeprecation: false });
        counts.push((await atlas.listOrgUsers({ orgId: ORG })).results.length);
        await atlas.close();
      }
      expect(counts).toEqual([1, 1, 1]);
      // The default rate limit: 100 requests a window.
      const res = await send(fake, "GET", `/api/atlas/v2/orgs/${ORG}/users`);
      expect(res.headers.get("RateLimit-Limit")).toBe("100");
      // A pending user's invitation expires 30 days after it was made.
      const OTHER_ORG = "5e1f2a3b4c5d6e7f8a9b0c1d";
      const pending = fake.users.addOrgUser({ orgId: OTHER_ORG });
      expect(pending.orgMembershipStatus).toBe("PENDING");
      if (pending.orgMembershipStatus !== "PENDING") return;
      const made = Date.parse(String(pending.invitationCreatedAt));
      expect(Date.parse(String(pending.invitationExpiresAt)) - made).toBe(30 * 86_400_000);
      // A page holds 100 users unless itemsPerPage says otherwise.
      for (let i = 0; i < 100; i++) fake.users.addOrgUser({ orgId: OTHER_ORG });
      const page = await send(fake, "GET", `/api/atlas/v2/orgs/${OTHER_ORG}/users`);
      expect((page.body.results as unknown[]).length).toBe(100);
      expect(page.body.totalCount).toBe(101);
      // The window is a minute: the first 429 asks to come back within 60 s, not much sooner.
      let limited = page;
      for (let i = 0; i < 200 && limited.status !== 429; i++) {
        limited = await send(fake, "GET", `/api/atlas/v2/orgs/${ORG}/users`);
      }
      expect(limited.status).toBe(429);
      const wait = Number(limited.headers.get("Retry-After"));
      expect(wait).toBeGreaterThan(50);
      expect(wait).toBeLessThanOrEqual(60);
    } finally {
      await fake.close();
    }
  });
});

describe("options the fake cannot use", () => {
  // Each of these used to be ignored or half-used, so a test ran against another fake than the
  // one it described.
  it.each<[string, unknown, string]>([
    ["a misspelt option", { ratelimit: 5 }, "ratelimit is not an option (port, accessTokens,"],
    [
      "a misspelt service-account option",
      { serviceAccount: { tokenDelay: 5 } },
      "serviceAccount.tokenDelay is not an option",
    ],
    [
      "a misspelt API-key option",
      { apiKey: { algorithm: ["MD5"] } },
      "apiKey.algorithm is not an option",
    ],
    [
      "one rule where a list is asked for",
      { lacksRole: "updateOrgUser" },
      "lacksRole must be true, false or a list",
    ],
    [
      "one token where a list is asked for",
      { accessTokens: "tok-1" },
      "accessTokens must be a list of strings",
    ],
    [
      "a rate limit of NaN",
      { rateLimit: NaN },
      "rateLimit must be a whole number, 0 or more, or Infinity",
    ],
    [
      "a window of 0 ms",
      { rateLimitWindowMs: 0 },
      "rateLimitWindowMs must be a finite number above 0",
    ],
    [
      "a Digest algorithm the fake cannot compute",
      { apiKey: { algorithms: ["SHA-1"] } },
      "apiKey.algorithms: SHA-1 is not one of MD5,",
    ],
  ])("refuses %s, naming it", async (_label, options, message) => {
    await expect(startFakeAtlas(options as never)).rejects.toThrow(`startFakeAtlas: ${message}`);
  });

  it("still takes Infinity as a rate limit that never runs out, and false for a credential kind", async () => {
    const fake = await startFakeAtlas({
      rateLimit: Infinity,
      serviceAccount: false,
      apiKey: false,
    });
    try {
      // Past the default limit of 100 calls in a window, every call is still answered.
      const statuses = new Set<number>();
      const limits = new Set<string | null>();
      for (let i = 0; i < 110; i++) {
        const res = await send(fake, "GET", `/api/atlas/v2/orgs/${ORG}/users`);
        statuses.add(res.status);
        limits.add(res.headers.get("RateLimit-Limit") ?? res.headers.get("RateLimit-Remaining"));
      }
      expect([...statuses]).toEqual([200]);
      // No limit, no rate-limit headers: "Infinity" is not a number a client could read.
      expect([...limits]).toEqual([null]);
      // With service accounts off, no token is handed out.
      const { clientId, clientSecret } = fake.credentials.serviceAccount;
      const token = await fetch(`${fake.url}/api/oauth/token`, {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      });
      await token.arrayBuffer();
      expect(token.status).not.toBe(200);
      expect(fake.tokenEndpoint.issued).toEqual([]);
      // With API keys off, a 401 carries no Digest challenge.
      const refused = await send(fake, "GET", `/api/atlas/v2/orgs/${ORG}/users`, {
        authorization: null,
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toBeNull();
    } finally {
      await fake.close();
    }
  });

  it("lets any name set to undefined through, as an option left out", async () => {
    // Options built from a shared object may carry names of other settings, left undefined.
    const options = { ratelimit: undefined, apiKey: { realm: undefined } };
    const fake = await startFakeAtlas(options as never);
    await fake.close();
  });
});

describe("the fake's tables agree with the spec", () => {
  interface Spec {
    paths: Record<string, Record<string, unknown>>;
    components: {
      parameters: Record<string, { name: string; in: string; schema: Record<string, unknown> }>;
    };
  }
  let spec: Spec;
  beforeAll(async () => {
    spec = JSON.parse(await readFile(path.join(ROOT, "generated/openapi.json"), "utf8")) as Spec;
  });

  it("types each query parameter as the spec does", () => {
    const fromSpec: Record<string, string> = {};
    for (const p of Object.values(spec.components.parameters)) {
      if (p.in === "query") fromSpec[p.name] = String(p.schema.type);
    }
    expect(QUERY_TYPES).toEqual(fromSpec);
  });

  it("holds seeds to the patterns, formats and roles the spec gives the answers' fields", () => {
    const schemas = (spec.components as unknown as { schemas: Record<string, Schema> }).schemas;
    interface Schema {
      enum?: string[];
      pattern?: string;
      format?: string;
      properties?: Record<string, Schema>;
      allOf?: Schema[];
    }
    const field = (schema: string, name: string): Schema => {
      const s = schemas[schema]!;
      return s.properties?.[name] ?? s.allOf!.find((part) => part.properties)!.properties![name]!;
    };
    expect(SEED_PATTERNS.id.source).toBe(field("OrgUserResponse", "id").pattern);
    expect(SEED_PATTERNS.id.source).toBe(field("OrganizationInvitation", "orgId").pattern);
    expect(SEED_PATTERNS.country.source).toBe(field("OrgActiveUserResponse", "country").pattern);
    expect(SEED_PATTERNS.name.source).toBe(field("OrganizationInvitation", "orgName").pattern);
    expect(SEED_PATTERNS.name.source).toBe(field("GroupInvitation", "groupName").pattern);
    expect(field("OrgUserResponse", "username").format).toBe("email");
    expect(field("OrgPendingUserResponse", "invitationCreatedAt").format).toBe("date-time");
    expect(field("OrganizationInvitation", "createdAt").format).toBe("date-time");
    const check = (rule: keyof typeof SEED_RULES, value: unknown) => SEED_RULES[rule][0](value);
    for (const role of schemas.OrgRole!.enum!) expect(check("orgRole", role)).toBe(true);
    expect(check("orgRole", "GROUP_OWNER")).toBe(false);
  });

  it("serves the older list version exactly where the spec lists it, with its sunset", () => {
    const found: string[] = [];
    const sunsets = new Set<unknown>();
    for (const item of Object.values(spec.paths)) {
      for (const op of Object.values(item) as {
        operationId?: string;
        responses?: Record<string, { content?: Record<string, Record<string, unknown>> }>;
      }[]) {
        const content = op.responses?.["200"]?.content ?? {};
        const legacy = content[LEGACY_LIST_VERSION.mediaType];
        const current = Object.keys(content).some((type) => type !== LEGACY_LIST_VERSION.mediaType);
        if (legacy && current && op.operationId) {
          found.push(op.operationId);
          sunsets.add(legacy["x-sunset"]);
        }
      }
    }
    expect(found.sort()).toEqual([...LEGACY_LIST_VERSION.operations].sort());
    expect([...sunsets]).toEqual([LEGACY_LIST_VERSION.sunset]);
  });
});

describe("the order of the checks", () => {
  let fake: FakeAtlas;
  beforeEach(async () => {
    fake = await startFakeAtlas({ rateLimit: 1_000_000, maxRequestBytes: 4096 });
  });
  afterEach(() => fake.close());

  it.each([
    ["an unknown path", "GET", "/api/atlas/v2/nothing/here", undefined],
    ["a wrong method", "DELETE", `/api/atlas/v2/orgs/${ORG}/users`, undefined],
    ["a malformed escape", "GET", "/api/atlas/v2/orgs/%zz/users", undefined],
    ["bytes that are not UTF-8", "GET", "/api/atlas/v2/orgs/%C3%28/users", undefined],
    ["a bad id", "GET", "/api/atlas/v2/orgs/not-an-id/users", "listOrgUsers"],
    ["a bad body", "PATCH", `/api/atlas/v2/orgs/${ORG}/users/${ORG}`, "updateOrgUser"],
  ])(
    "authenticates before routing: %s without credentials gets the observed 401",
    async (_, method, target, operationId) => {
      const res = await send(fake, method, target, {
        authorization: null,
        ...(method === "PATCH" && { text: "{not json" }),
      });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        error: 401,
        reason: "Unauthorized",
        detail: "You are not authorized for this resource.",
      });
      expect(res.headers.get("www-authenticate")).toMatch(/^Digest realm="MMS Public API", /);
      // The record names the operation the request line routes to, refused or not.
      expect(fake.requests.at(-1)?.operationId).toBe(operationId);
    },
  );

  it("sends no Digest challenge when API keys are off", async () => {
    await fake.close();
    fake = await startFakeAtlas({ apiKey: false });
    const res = await send(fake, "GET", "/api/atlas/v2/nothing", { authorization: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBeNull();
    expect(fake.stats.challenges).toBe(0);
  });

  it("answers a right Digest answer with an expired nonce with stale=true", async () => {
    const challenges: string[] = [];
    const atlas = createAtlasInvites({
      auth: apiKey(fake.credentials.apiKey),
      baseUrl: fake.url,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const challenge = response.headers.get("www-authenticate");
        if (challenge !== null) challenges.push(challenge);
        return response;
      },
    });
    try {
      await atlas.listOrgUsers({ orgId: ORG });
      fake.digest.expireNonces();
      await atlas.listOrgUsers({ orgId: ORG });
    } finally {
      await atlas.close();
    }
    expect(challenges.map((c) => /stale=(\w+)$/.exec(c)?.[1])).toEqual(["false", "true"]);
    expect(fake.requests.map((r) => r.status)).toEqual([401, 200, 401, 200]);
  });

  it("reads the Bearer scheme name in any letter case (RFC 9110, section 11.1)", async () => {
    const { clientId, clientSecret } = fake.credentials.serviceAccount;
    const issued = await fetch(`${fake.url}/api/oauth/token`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    const { access_token: issuedToken } = (await issued.json()) as { access_token: string };
    const target = `/api/atlas/v2/orgs/${ORG}/users`;
    const statuses: [string, number, string | undefined][] = [];
    for (const authorization of [
      `bearer ${fake.credentials.accessToken}`,
      `BEARER ${fake.credentials.accessToken}`,
      `Bearer  ${fake.credentials.accessToken}`,
      `bEaReR ${issuedToken}`,
      "bearer not-a-token-it-knows",
    ]) {
      await send(fake, "GET", target, { authorization });
      const last = fake.requests.at(-1)!;
      statuses.push([authorization.split(" ")[0]!, last.status, last.credential]);
    }
    expect(statuses).toEqual([
      ["bearer", 200, "accessToken"],
      ["BEARER", 200, "accessToken"],
      ["Bearer", 200, "accessToken"],
      ["bEaReR", 200, "serviceAccount"],
      ["bearer", 401, undefined],
    ]);
  });

  it("answers paths outside /api/atlas/ with 404 without asking for credentials", async () => {
    const res = await send(fake, "GET", "/", { authorization: null });
    expect(res.status).toBe(404);
    expect(res.headers.get("www-authenticate")).toBeNull();
    expectNoCode(res.body, 404);
  });

  it.each([
    ["a % without two hex digits in the path", `/api/atlas/v2/orgs/${ORG}%2/users`],
    ["bytes that are not UTF-8 in the path", "/api/atlas/v2/orgs/%C3%28/users"],
    ["a malformed escape in the query", `/api/atlas/v2/orgs/${ORG}/users?username=%E0%A4%A`],
    ["a malformed escape in a query name", `/api/atlas/v2/orgs/${ORG}/users?user%zzname=a`],
  ])("answers %s with 400, not 500", async (_, target) => {
    const res = await send(fake, "GET", target);
    expect(res.status).toBe(400);
    expectNoCode(res.body, 400);
  });

  it("answers an unknown path with 404 and a wrong method with 405 and Allow, without codes", async () => {
    const unknown = await send(fake, "GET", "/api/atlas/v2/orgs");
    expect(unknown.status).toBe(404);
    expectNoCode(unknown.body, 404);
    const wrong = await send(fake, "PUT", `/api/atlas/v2/orgs/${ORG}/users/${ORG}`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, PATCH");
    expectNoCode(wrong.body, 405);
  });

  it("caps request bodies: 413 past maxRequestBytes, keeping only the first bytes in the log", async () => {
    const user = fake.users.addOrgUser({ orgId: ORG });
    const target = `/api/atlas/v2/orgs/${ORG}/users/${user.id}`;
    const huge = JSON.stringify({ teamIds: [], pad: "x".repeat(10_000) });
    const refused = await send(fake, "PATCH", target, { text: huge, authorization: null });
    expect(refused.status).toBe(413);
    expectNoCode(refused.body, 413);
    expect(fake.requests.at(-1)?.body).toBe(huge.slice(0, 4096));
    const fits = await send(fake, "PATCH", target, { body: { teamIds: [] } });
    expect(fits.status).toBe(200);
  });

  it("checks the version before the role, and the role before the body", async () => {
    const user = fake.users.addOrgUser({ orgId: ORG });
    fake.roles.deny("updateOrgUser");
    const target = `/api/atlas/v2/orgs/${ORG}/users/${user.id}`;
    const badVersion = await send(fake, "PATCH", target, { body: { bad: 1 }, accept: OLD });
    expect([badVersion.status, badVersion.body.errorCode]).toEqual([406, "INVALID_VERSION_DATE"]);
    const badBody = await send(fake, "PATCH", target, { body: { bad: 1 } });
    expect([badBody.status, badBody.body.errorCode]).toEqual([401, "USER_UNAUTHORIZED"]);
    fake.roles.reset();
    const allowed = await send(fake, "PATCH", target, { body: { bad: 1 } });
    expect([allowed.status, allowed.body.errorCode]).toEqual([400, "INVALID_ATTRIBUTE"]);
  });

  it("answers a failing custom auth scheme with 500, the fake's own failure", async () => {
    await fake.close();
    fake = await startFakeAtlas({
      authSchemes: [
        {
          check: () => {
            throw new Error("scheme broke");
          },
        },
      ],
    });
    const res = await send(fake, "GET", `/api/atlas/v2/orgs/${ORG}/users`);
    expect(res.status).toBe(500);
    expect(res.body.detail).toContain("scheme broke");
    expect(res.body).not.toHaveProperty("errorCode");
  });
});

describe("the service account's endpoints", () => {
  it("challenges wrong client credentials the same way at the token and revocation endpoints", async () => {
    const fake = await startFakeAtlas();
    const { clientId } = fake.credentials.serviceAccount;
    try {
      const answers: [unknown, number, string | null][] = [];
      for (const [endpoint, body] of [
        ["token", "grant_type=client_credentials"],
        ["revoke", "token=anything&token_type_hint=access_token"],
      ] as const) {
        const res = await fetch(`${fake.url}/api/oauth/${endpoint}`, {
          method: "POST",
          headers: {
            Authorization: `Basic ${Buffer.from(`${clientId}:wrong`).toString("base64")}`,
            "Content-Type": "application/x-www-form-urlencoded",
          },
          body,
        });
        answers.push([await res.json(), res.status, res.headers.get("www-authenticate")]);
      }
      // RFC 6749, section 5.2, which RFC 7009, section 2.1 applies to revocation: a 401 to a
      // client that sent the Authorization header carries the challenge. The body is the one
      // MongoDB's pages for both endpoints show:
      // https://www.mongodb.com/docs/atlas/api/service-accounts/generate-oauth2-token/ and
      // https://www.mongodb.com/docs/atlas/api/service-accounts/revoke-oauth2-token/.
      const documented = {
        error: "invalid_client",
        error_description: "Invalid credentials provided.",
      };
      expect(answers).toEqual([
        [documented, 401, 'Basic realm="Atlas"'],
        [documented, 401, 'Basic realm="Atlas"'],
      ]);
    } finally {
      await fake.close();
    }
  });

  it("refuses delays and lifetimes it cannot serve, naming the setting", async () => {
    // Node runs a timer set past 2^31 - 1 ms after 1 ms, so such a delay would answer at once;
    // JSON has no Infinity, so an endless lifetime would go out as "expires_in": null.
    await expect(startFakeAtlas({ serviceAccount: { tokenDelayMs: Infinity } })).rejects.toThrow(
      "startFakeAtlas: serviceAccount.tokenDelayMs must be from 0 to 2147483647",
    );
    await expect(
      startFakeAtlas({ serviceAccount: { tokenLifetimeSeconds: Infinity } }),
    ).rejects.toThrow("serviceAccount.tokenLifetimeSeconds must be a finite number, 0 or more");
    const fake = await startFakeAtlas();
    try {
      const endpoint = fake.tokenEndpoint;
      expect(() => (endpoint.delayMs = 2 ** 31)).toThrow("tokenEndpoint.delayMs must be");
      expect(() => (endpoint.lifetimeSeconds = NaN)).toThrow("tokenEndpoint.lifetimeSeconds");
      expect(() => endpoint.replyNext({ status: 500, delayMs: -1 })).toThrow("delayMs must be");
      // A refused value changes nothing; the longest timer is a delay the endpoint can hold.
      expect([endpoint.delayMs, endpoint.lifetimeSeconds]).toEqual([0, 3600]);
      endpoint.delayMs = 2 ** 31 - 1;
      expect(endpoint.delayMs).toBe(2 ** 31 - 1);
    } finally {
      await fake.close();
    }
  });

  it("answers another method than POST with 405 and Allow: POST, as the API's paths do", async () => {
    const fake = await startFakeAtlas();
    try {
      for (const endpoint of ["token", "revoke"]) {
        const res = await fetch(`${fake.url}/api/oauth/${endpoint}`);
        await res.body?.cancel();
        // RFC 9110, section 15.5.6: a 405 lists the methods the resource takes in Allow.
        expect([res.status, res.headers.get("allow")]).toEqual([405, "POST"]);
      }
    } finally {
      await fake.close();
    }
  });
});

describe("Accept", () => {
  let fake: FakeAtlas;
  beforeAll(async () => {
    fake = await startFakeAtlas({ rateLimit: 1_000_000 });
    fake.users.addOrgUser({ orgId: ORG, orgMembershipStatus: "ACTIVE", username: "a@example.com" });
    fake.users.addOrgUser({ orgId: ORG, username: "p@example.com" });
  });
  afterAll(() => fake.close());
  const list = `/api/atlas/v2/orgs/${ORG}/users`;

  it.each([
    ["missing", null],
    ["a wildcard", "*/*"],
    ["plain JSON", "application/json"],
    ["a version the operation does not serve", "application/vnd.atlas.2024-08-05+json"],
    ["the right version with q=0", `${NEW};q=0`],
    ["the right version with q=0.000", `${NEW}; q=0.000`],
    ["the right version with a weight that is not a qvalue", `${NEW};q=2`],
  ])("refuses %s with 406 INVALID_VERSION_DATE", async (_, accept) => {
    const res = await send(fake, "GET", list, { accept });
    expect(res.status).toBe(406);
    expect(res.body.errorCode).toBe("INVALID_VERSION_DATE");
  });

  it.each([
    ["with a weight", `${NEW};q=0.5`, NEW],
    ["among other types", `text/html, ${NEW}`, NEW],
    ["in any letter case", NEW.toUpperCase(), NEW],
    ["the newer of two equal weights", `${OLD}, ${NEW}`, NEW],
    ["the heavier of two weights", `${NEW};q=0.2, ${OLD};q=0.9`, OLD],
    ["the one not refused", `${NEW};q=0, ${OLD}`, OLD],
  ])("accepts the version %s", async (_, accept, expected) => {
    const res = await send(fake, "GET", list, { accept });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(expected);
  });

  it("answers the 2023-01-01 list version with active users only, in its own shape, with Sunset", async () => {
    const res = await send(fake, "GET", `${list}?orgMembershipStatuses=PENDING`, { accept: OLD });
    expect(res.status).toBe(200);
    const page = res.body as { results: Record<string, unknown>[]; totalCount: number };
    expect(page.results.map((u) => u.username)).toEqual(["a@example.com"]);
    expect(page.totalCount).toBe(1);
    const [user] = page.results;
    expect(user).toMatchObject({
      emailAddress: "a@example.com",
      firstName: "Test",
      lastName: "User",
      roles: [{ orgId: ORG, roleName: "ORG_MEMBER" }],
    });
    expect(user).not.toHaveProperty("orgMembershipStatus");
    expect(user).not.toHaveProperty("password");
    // The form MongoDB's versioning page shows for these headers: the day of the month unpadded
    // (https://www.mongodb.com/docs/atlas/api/versioned-api-overview/).
    expect(res.headers.get("sunset")).toBe("Thu, 1 Jul 2027 00:00:00 GMT");
    expect(res.headers.get("deprecation")).toBe("Sun, 1 Jun 2025 00:00:00 GMT");
  });

  it("serves 2023-01-01 to no Cloud Users API operation but the two lists", async () => {
    const user = fake.users.listOrgUsers(ORG)[0]!;
    const res = await send(fake, "GET", `${list}/${user.id}`, { accept: OLD });
    expect(res.status).toBe(406);
    const current = await send(fake, "GET", `${list}/${user.id}`);
    expect(current.headers.get("sunset")).toBeNull();
  });
});

describe("bad input", () => {
  let fake: FakeAtlas;
  let userPath: string;
  let rolePath: string;
  beforeAll(async () => {
    fake = await startFakeAtlas({ rateLimit: 1_000_000 });
    const user = fake.users.addGroupUser({ groupId: GROUP, orgId: ORG });
    userPath = `/api/atlas/v2/orgs/${ORG}/users/${user.id}`;
    rolePath = `/api/atlas/v2/groups/${GROUP}/users/${user.id}:addRole`;
  });
  afterAll(() => fake.close());

  it.each([
    [
      "a nested unknown field by its own key",
      { roles: { orgRoles: ["ORG_MEMBER"], extra: 1 } },
      "extra",
    ],
    ["an odd key whole", { "a b.c": 1 }, "a b.c"],
    ["a read-only field of the resource", { username: "x@example.com" }, "username"],
    [
      "an unknown field inside a list item",
      {
        roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [{ groupId: GROUP, role: "x" }] },
      },
      "role",
    ],
  ])("names %s in INVALID_ATTRIBUTE", async (_, body, name) => {
    const res = await send(fake, "PATCH", userPath, { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      errorCode: "INVALID_ATTRIBUTE",
      detail: `Invalid attribute ${name} specified.`,
      parameters: [name],
    });
  });

  it("reports the first problem a reader of the body meets", async () => {
    const first = await send(fake, "PATCH", userPath, {
      body: { teamIdz: [], roles: { orgRoles: ["NOPE"] } },
    });
    expect(first.body.detail).toBe("Invalid attribute teamIdz specified.");
    const second = await send(fake, "PATCH", userPath, {
      body: { roles: { orgRoles: ["NOPE"] }, teamIdz: [] },
    });
    expect(second.body.detail).toBe("An invalid enumeration value NOPE was specified.");
    // A missing field comes after anything the body holds that cannot be read...
    const third = await send(fake, "PATCH", userPath, { body: { roles: {}, teamIdz: [] } });
    expect(third.body.errorCode).toBe("INVALID_ATTRIBUTE");
    // ...and before any other rule.
    const fourth = await send(fake, "PATCH", userPath, {
      body: { teamIds: ["x", "x"], roles: {} },
    });
    expect(fourth.body).toMatchObject({
      errorCode: "MISSING_ATTRIBUTE",
      detail: "The required attribute orgRoles was not specified.",
    });
    expect(fourth.body).not.toHaveProperty("parameters");
  });

  it.each([
    ["a pattern", { teamIds: ["not-hex"] }, "teamIds[0]"],
    ["uniqueItems", { teamIds: [ORG, ORG] }, "teamIds[1]"],
    ["minItems", { roles: { orgRoles: [] } }, "roles.orgRoles"],
    ["a type", { teamIds: "one" }, "teamIds"],
    ["the body's own type", [1, 2], "value"],
  ])(
    "answers a broken %s rule with 400 without errorCode, naming the field",
    async (_, body, field) => {
      const res = await send(fake, "PATCH", userPath, { body });
      expect(res.status).toBe(400);
      expectNoCode(res.body, 400);
      expect(String(res.body.detail).startsWith(`${field}: `)).toBe(true);
    },
  );

  it("answers a body that is not JSON, a missing body and a wrong Content-Type without codes", async () => {
    const notJson = await send(fake, "POST", rolePath, { text: "{groupRole:" });
    expect(notJson.status).toBe(400);
    expectNoCode(notJson.body, 400);
    const empty = await send(fake, "POST", rolePath, { text: "" });
    expect(empty.status).toBe(400);
    expectNoCode(empty.body, 400);
    const wrongType = await send(fake, "POST", rolePath, {
      body: { groupRole: "GROUP_OWNER" },
      contentType: "text/plain",
    });
    expect(wrongType.status).toBe(415);
    expectNoCode(wrongType.body, 415);
    const plainJson = await send(fake, "POST", rolePath, {
      body: { groupRole: "GROUP_OWNER" },
      contentType: "application/json",
    });
    expect(plainJson.status).toBe(200);
  });

  it("checks query parameters: INVALID_ENUM_VALUE for a status, 400 without code for the rest", async () => {
    const list = `/api/atlas/v2/orgs/${ORG}/users`;
    const status = await send(
      fake,
      "GET",
      `${list}?orgMembershipStatuses=ACTIVE&orgMembershipStatuses=GONE`,
    );
    expect(status.body).toMatchObject({
      errorCode: "INVALID_ENUM_VALUE",
      detail: "An invalid enumeration value GONE was specified.",
    });
    const single = await send(fake, "GET", `${list}?orgMembershipStatus=GONE`);
    expect(single.body.errorCode).toBe("INVALID_ENUM_VALUE");
    for (const query of [
      "itemsPerPage=0",
      "itemsPerPage=501",
      "pageNum=0",
      "includeCount=yes",
      "username=nobody",
    ]) {
      const res = await send(fake, "GET", `${list}?${query}`);
      expect(res.status, query).toBe(400);
      expectNoCode(res.body, 400);
    }
    const bad = await send(fake, "GET", `/api/atlas/v2/orgs/${ORG.toUpperCase()}/users`);
    expect(bad.status).toBe(400);
    expectNoCode(bad.body, 400);
    const ignored = await send(fake, "GET", `${list}?notAParameter=1`);
    expect(ignored.status).toBe(200);
  });

  it("reads an integer parameter of any length as a number, as the client sends it", async () => {
    const list = `/api/atlas/v2/orgs/${ORG}/users`;
    // The largest pageNum the client sends (2^53 - 1) is a page past the end, not a bad value.
    const far = await send(fake, "GET", `${list}?pageNum=${2 ** 53 - 1}`);
    expect(far.status).toBe(200);
    expect(far.body.results).toEqual([]);
    const beyond = await send(fake, "GET", `${list}?pageNum=123456789012345678901`);
    expect(beyond.status).toBe(400);
    expectNoCode(beyond.body, 400);
    expect(beyond.body.detail).toBe(
      "pageNum: expected an integer, got an integer too large to be exact",
    );
  });
});

describe("the Cloud Users API", () => {
  let fake: FakeAtlas;
  let atlas: AtlasInvites;
  beforeEach(async () => {
    fake = await startFakeAtlas({ rateLimit: 1_000_000 });
    atlas = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
    });
  });
  afterEach(async () => {
    await atlas.close();
    await fake.close();
  });

  function seedEveryStatus() {
    return (["PENDING", "ACTIVE", "INVITATION_EXPIRED", "INVITATION_REJECTED"] as const).map(
      (orgMembershipStatus) =>
        fake.users.addOrgUser({
          orgId: ORG,
          orgMembershipStatus,
          username: `${orgMembershipStatus.toLowerCase()}@example.com`,
        }),
    );
  }

  it("stores users of every status with the fields of their status", async () => {
    const [pending, active, expired, rejected] = seedEveryStatus();
    for (const user of [pending!, expired!, rejected!]) {
      expect(Object.keys(user).sort()).toEqual([
        "id",
        "invitationCreatedAt",
        "invitationExpiresAt",
        "inviterUsername",
        "orgMembershipStatus",
        "roles",
        "teamIds",
        "username",
      ]);
    }
    expect(Object.keys(active!).sort()).toEqual([
      "createdAt",
      "firstName",
      "id",
      "lastName",
      "orgMembershipStatus",
      "roles",
      "teamIds",
      "username",
    ]);
    const read = await atlas.getOrgUser({
      orgId: ORG,
      userId: expired!.id,
      orgMembershipStatuses: ["INVITATION_EXPIRED"],
    });
    expect(read).toEqual(expired);
    const dropped = fake.users.addOrgUser({
      orgId: ORG,
      firstName: "Ana",
      invitationExpiresAt: null,
    });
    expect(dropped).not.toHaveProperty("firstName");
    expect(dropped).not.toHaveProperty("invitationExpiresAt");
  });

  it("refuses a seed field it would not read, naming it, and stores nothing", () => {
    const before = fake.users.listOrgUsers(ORG).length;
    // `status` for orgMembershipStatus used to leave the user PENDING without a word, and an
    // organization seed's roles given as a project list to give them ORG_MEMBER and no project.
    expect(() => fake.users.addOrgUser({ orgId: ORG, status: "ACTIVE" } as never)).toThrow(
      "users.addOrgUser: status is not a field of a seed (",
    );
    expect(() => fake.users.addOrgUser({ orgId: ORG, roles: ["ORG_OWNER"] } as never)).toThrow(
      "users.addOrgUser: roles must be { orgRoles, groupRoleAssignments }",
    );
    expect(() =>
      fake.users.addOrgUser({ orgId: ORG, roles: { groupRoles: ["GROUP_OWNER"] } } as never),
    ).toThrow("users.addOrgUser: roles.groupRoles is not a field");
    expect(() =>
      fake.users.addGroupUser({ groupId: GROUP, groupRoles: ["GROUP_OWNER"] } as never),
    ).toThrow("users.addGroupUser: groupRoles is not a field of a seed (");
    expect(() =>
      fake.users.addGroupUser({ groupId: GROUP, roles: { orgRoles: ["ORG_OWNER"] } } as never),
    ).toThrow("users.addGroupUser: roles must be the list of the user's project roles");
    expect(fake.users.listOrgUsers(ORG)).toHaveLength(before);
    // A name set to undefined is a field left out, as it is for every field of a seed.
    fake.users.addOrgUser({ orgId: ORG, status: undefined } as never);
    expect(fake.users.listOrgUsers(ORG)).toHaveLength(before + 1);
  });

  it("refuses a seed value of a shape Atlas never answers, naming the field, and stores nothing", () => {
    const before = fake.users.listOrgUsers(ORG).length;
    // Each used to be stored and answered as given, or (an unreadable invitationCreatedAt) to
    // throw a RangeError that named nothing.
    const refused: [() => unknown, string][] = [
      [
        () => fake.users.addOrgUser({ orgId: ORG, invitationCreatedAt: "not a date" }),
        'users.addOrgUser: invitationCreatedAt must be an RFC 3339 date-time such as 2025-05-04T09:42:00Z, got "not a date"',
      ],
      [
        () =>
          fake.users.addOrgUser({
            orgId: ORG,
            orgMembershipStatus: "ACTIVE",
            createdAt: "2025-05-04",
          }),
        "users.addOrgUser: createdAt must be an RFC 3339 date-time",
      ],
      [
        () => fake.users.addOrgUser({ orgId: ORG, id: "user-1" }),
        'users.addOrgUser: id must be 24 lowercase hex characters, got "user-1"',
      ],
      [
        () => fake.users.addOrgUser({ orgId: "ORG-1" }),
        "users.addOrgUser: orgId must be 24 lowercase hex characters",
      ],
      [
        () => fake.users.addOrgUser({ orgId: ORG, username: "bob" }),
        'users.addOrgUser: username must be an email address, got "bob"',
      ],
      [
        () => fake.users.addOrgUser({ orgId: ORG, roles: { orgRoles: ["ORG_ADMIN" as never] } }),
        'users.addOrgUser: roles.orgRoles[0] must be one of ORG_OWNER, ORG_MEMBER, ORG_GROUP_CREATOR, ORG_BILLING_ADMIN, ORG_BILLING_READ_ONLY, ORG_STREAM_PROCESSING_ADMIN, ORG_READ_ONLY, got "ORG_ADMIN"',
      ],
      [
        () =>
          fake.users.addOrgUser({
            orgId: ORG,
            roles: { groupRoleAssignments: [{ groupId: "g1", groupRoles: ["GROUP_OWNER"] }] },
          }),
        "users.addOrgUser: roles.groupRoleAssignments[0].groupId must be 24 lowercase hex characters",
      ],
      [
        () => fake.users.addOrgUser({ orgId: ORG, teamIds: ["team-a"] }),
        "users.addOrgUser: teamIds[0] must be 24 lowercase hex characters",
      ],
      [
        () => fake.users.addOrgUser({ orgId: ORG, orgMembershipStatus: "ACTIVE", country: "usa" }),
        'users.addOrgUser: country must be a two-letter ISO 3166-1 code such as US, got "usa"',
      ],
      [
        () => fake.users.addGroupUser({ groupId: "group-1" }),
        "users.addGroupUser: groupId must be 24 lowercase hex characters",
      ],
      [
        () => fake.users.addGroupUser({ groupId: GROUP, inviterUsername: "owner" }),
        "users.addGroupUser: inviterUsername must be an email address",
      ],
      [
        () => fake.users.addGroupUser({ groupId: GROUP, roles: [7 as never] }),
        "users.addGroupUser: roles[0] must be a string, got 7",
      ],
      [
        () => fake.invites.addOrgInvite({ id: "inv-1" }),
        "invites.addOrgInvite: id must be 24 lowercase hex characters",
      ],
      [
        () => fake.invites.addOrgInvite({ orgName: "" }),
        "invites.addOrgInvite: orgName must be 1 to 64 letters",
      ],
      [
        () => fake.invites.addOrgInvite({ roles: ["GROUP_OWNER" as never] }),
        "invites.addOrgInvite: roles[0] must be one of ORG_OWNER",
      ],
      [
        () => fake.invites.addOrgInvite({ groupRoleAssignments: [{ groupId: "p" }] }),
        "invites.addOrgInvite: groupRoleAssignments[0].groupId must be 24 lowercase hex characters",
      ],
      [
        () => fake.invites.addGroupInvite({ expiresAt: "tomorrow" }),
        "invites.addGroupInvite: expiresAt must be an RFC 3339 date-time",
      ],
      [
        () => fake.invites.addGroupInvite({ roles: "GROUP_OWNER" as never }),
        'invites.addGroupInvite: roles must be a list, got "GROUP_OWNER"',
      ],
    ];
    for (const [seed, message] of refused) {
      let thrown: unknown;
      try {
        seed();
      } catch (error) {
        thrown = error;
      }
      expect(thrown, message).toBeInstanceOf(TypeError);
      expect((thrown as Error).message, message).toContain(message);
    }
    expect(fake.users.listOrgUsers(ORG)).toHaveLength(before);
    // What the spec allows is stored: null leaves invitationExpiresAt out, an invitation's team
    // ids have no pattern, and a project role is any string.
    const user = fake.users.addOrgUser({
      orgId: ORG,
      username: "Zoe.O'Neil+atlas@example.co.uk",
      invitationCreatedAt: "2025-05-04T09:42:00.123+02:00",
      invitationExpiresAt: null,
    });
    expect(user).not.toHaveProperty("invitationExpiresAt");
    expect(fake.invites.addOrgInvite({ teamIds: ["team-a"] }).teamIds).toEqual(["team-a"]);
    expect(fake.users.addGroupUser({ groupId: GROUP, roles: ["GROUP_FUTURE_ROLE"] }).roles).toEqual(
      ["GROUP_FUTURE_ROLE"],
    );
  });

  it("keeps a copy of a seed's lists, so changing them afterwards changes nothing stored", () => {
    const roles: ("ORG_OWNER" | "ORG_MEMBER")[] = ["ORG_MEMBER"];
    const teamIds = ["6f6d5fe5a6d8e04d4a9b2c31"];
    const invite = fake.invites.addOrgInvite({ orgId: ORG, roles, teamIds });
    const projectRoles = ["GROUP_READ_ONLY"];
    const group = fake.invites.addGroupInvite({ groupId: GROUP, roles: projectRoles });
    const user = fake.users.addOrgUser({ orgId: ORG, roles: { orgRoles: roles }, teamIds });
    roles.push("ORG_OWNER");
    teamIds.length = 0;
    projectRoles.push("GROUP_OWNER");
    expect(fake.invites.getOrgInvite(ORG, invite.id)).toMatchObject({
      roles: ["ORG_MEMBER"],
      teamIds: ["6f6d5fe5a6d8e04d4a9b2c31"],
    });
    expect(fake.invites.getGroupInvite(GROUP, group.id)?.roles).toEqual(["GROUP_READ_ONLY"]);
    expect(fake.users.getOrgUser(ORG, user.id)).toMatchObject({
      roles: { orgRoles: ["ORG_MEMBER"] },
      teamIds: ["6f6d5fe5a6d8e04d4a9b2c31"],
    });
  });

  it("refuses a seed that would hold one address twice, or describe again a user it holds", () => {
    const org = "6a1b2c3d4e5f60718293a4b5";
    const ana = fake.users.addGroupUser({
      orgId: org,
      groupId: GROUP,
      username: "ana@example.com",
    });
    // The username filter ignores letter case, so ANA@ is the same address.
    expect(() => fake.users.addOrgUser({ orgId: org, username: "ANA@example.com" })).toThrow(
      `users.addOrgUser: organization ${org} already has user ${ana.id} for ANA@example.com`,
    );
    expect(() =>
      fake.users.addGroupUser({ orgId: org, groupId: GROUP, username: "ana@example.com" }),
    ).toThrow(`users.addGroupUser: organization ${org} already has user ${ana.id}`);
    // Adding a project to a user the store holds: the fields that describe the user would be
    // dropped without a word (the user stayed PENDING), so they are refused.
    const other = "5f1a7b3c9d2e4f6a8b0c1d2e";
    expect(() =>
      fake.users.addGroupUser({
        orgId: org,
        groupId: other,
        id: ana.id,
        orgMembershipStatus: "ACTIVE",
        firstName: "Ana",
      }),
    ).toThrow(
      `users.addGroupUser: user ${ana.id} is stored already; orgMembershipStatus, firstName would be ignored`,
    );
    expect(fake.users.listOrgUsers(org)).toHaveLength(1);
    expect(fake.users.getGroupUser(other, ana.id)).toBeUndefined();
    // groupId, orgId, id and roles add the project, as documented; the same id again for the
    // organization seed replaces the user.
    const added = fake.users.addGroupUser({
      orgId: org,
      groupId: other,
      id: ana.id,
      roles: ["GROUP_OWNER"],
    });
    expect([added.username, added.roles]).toEqual(["ana@example.com", ["GROUP_OWNER"]]);
    const replaced = fake.users.addOrgUser({
      orgId: org,
      id: ana.id,
      username: "ana@example.com",
      orgMembershipStatus: "ACTIVE",
    });
    expect(replaced.orgMembershipStatus).toBe("ACTIVE");
  });

  it("lists ACTIVE and PENDING users by default, and the statuses asked for otherwise", async () => {
    seedEveryStatus();
    const names = async (input: {
      orgId: string;
      orgMembershipStatuses?: OrgMembershipStatus[];
      orgMembershipStatus?: string;
      username?: string;
    }) => (await atlas.listOrgUsers(input)).results.map((u) => u.username);
    expect(await names({ orgId: ORG })).toEqual(["pending@example.com", "active@example.com"]);
    expect(
      await names({
        orgId: ORG,
        orgMembershipStatuses: ["INVITATION_REJECTED", "INVITATION_EXPIRED"],
      }),
    ).toEqual(["invitation_expired@example.com", "invitation_rejected@example.com"]);
    expect(await names({ orgId: ORG, orgMembershipStatus: "INVITATION_EXPIRED" })).toEqual([
      "invitation_expired@example.com",
    ]);
    expect(await names({ orgId: ORG, username: "ACTIVE@example.com" })).toEqual([
      "active@example.com",
    ]);
    const sent = fake.requests.filter((r) => r.operationId === "listOrgUsers")[1]!;
    expect(sent.url).toContain(
      "orgMembershipStatuses=INVITATION_REJECTED&orgMembershipStatuses=INVITATION_EXPIRED",
    );
  });

  it("hides a user whose status the get does not ask for", async () => {
    const [, , expired] = seedEveryStatus();
    const err = await atlas
      .getOrgUser({ orgId: ORG, userId: expired!.id })
      .catch((e: unknown) => e);
    expect(isAtlasApiError(err, 404)).toBe(true);
    expect((err as { errorCode?: string }).errorCode).toBeUndefined();
  });

  it("pages with pageNum, itemsPerPage, includeCount and links", async () => {
    for (let i = 0; i < 5; i++)
      fake.users.addOrgUser({ orgId: ORG, username: `u${i}@example.com` });
    const second = await atlas.listOrgUsers({ orgId: ORG, pageNum: 2, itemsPerPage: 2 });
    expect(second.results.map((u) => u.username)).toEqual(["u2@example.com", "u3@example.com"]);
    expect(second.totalCount).toBe(5);
    expect(second.links?.map((l) => l.rel)).toEqual(["self", "next", "previous"]);
    const next = new URL(second.links!.find((l) => l.rel === "next")!.href!);
    expect(next.origin).toBe(fake.url);
    expect(next.searchParams.get("pageNum")).toBe("3");
    expect(next.searchParams.get("itemsPerPage")).toBe("2");
    const last = await atlas.listOrgUsers({
      orgId: ORG,
      pageNum: 3,
      itemsPerPage: 2,
      includeCount: false,
    });
    expect(last.results).toHaveLength(1);
    expect(last).not.toHaveProperty("totalCount");
    expect(last.links?.map((l) => l.rel)).toEqual(["self", "previous"]);
    const all: string[] = [];
    for await (const user of atlas.paginate("listOrgUsers", { orgId: ORG, itemsPerPage: 2 })) {
      all.push(user.username);
    }
    expect(all).toEqual(["u0", "u1", "u2", "u3", "u4"].map((u) => `${u}@example.com`));
  });

  it("pages by number, so a user removed during paginate shifts the next one onto a page already read", async () => {
    // What README's "Pages" says: pages are offsets, and the list may change between them.
    const ids = ["u0", "u1", "u2", "u3", "u4"].map(
      (u) =>
        fake.users.addGroupUser({ groupId: GROUP, orgId: ORG, username: `${u}@example.com` }).id,
    );
    const seen: string[] = [];
    for await (const user of atlas.paginate("listGroupUsers", {
      groupId: GROUP,
      itemsPerPage: 2,
    })) {
      seen.push(user.username);
      if (seen.length === 2) {
        // Between pages 1 and 2: u0 leaves the project, and a new user joins it.
        await atlas.updateOrgUser({
          orgId: ORG,
          userId: ids[0]!,
          body: { roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [] } },
        });
        fake.users.addGroupUser({ groupId: GROUP, orgId: ORG, username: "late@example.com" });
      }
    }
    // u2 moved to page 1, already read: it is skipped. The newcomer, stored last, is read.
    expect(seen).toEqual(["u0", "u1", "u3", "u4", "late"].map((u) => `${u}@example.com`));
  });

  it("updateOrgUser replaces what the body holds and keeps the rest", async () => {
    const user = fake.users.addOrgUser({
      orgId: ORG,
      roles: {
        orgRoles: ["ORG_MEMBER"],
        groupRoleAssignments: [{ groupId: GROUP, groupRoles: ["GROUP_OWNER"] }],
      },
      teamIds: ["6f6d5fe5a6d8e04d4a9b2c31"],
    });
    const teamsOnly = await atlas.updateOrgUser({
      orgId: ORG,
      userId: user.id,
      body: { teamIds: [] },
    });
    expect(teamsOnly.teamIds).toEqual([]);
    expect(teamsOnly.roles).toEqual(user.roles);
    const orgRolesOnly = await atlas.updateOrgUser({
      orgId: ORG,
      userId: user.id,
      body: { roles: { orgRoles: ["ORG_READ_ONLY", "ORG_BILLING_ADMIN"] } },
    });
    expect(orgRolesOnly.roles).toEqual({
      orgRoles: ["ORG_READ_ONLY", "ORG_BILLING_ADMIN"],
      groupRoleAssignments: [{ groupId: GROUP, groupRoles: ["GROUP_OWNER"] }],
    });
    const other = "5f1a7b3c9d2e4f6a8b0c1d2e";
    const moved = await atlas.updateOrgUser({
      orgId: ORG,
      userId: user.id,
      body: {
        roles: {
          orgRoles: ["ORG_MEMBER"],
          groupRoleAssignments: [
            { groupId: GROUP, groupRoles: [] },
            { groupId: other, groupRoles: ["GROUP_READ_ONLY"] },
          ],
        },
      },
    });
    expect(moved.roles.groupRoleAssignments).toEqual([
      { groupId: other, groupRoles: ["GROUP_READ_ONLY"] },
    ]);
    // The same record, seen from the projects.
    expect(fake.users.listGroupUsers(GROUP)).toEqual([]);
    expect((await atlas.listGroupUsers({ groupId: other })).results.map((u) => u.id)).toEqual([
      user.id,
    ]);
    const cleared = await atlas.updateOrgUser({
      orgId: ORG,
      userId: user.id,
      body: { roles: { orgRoles: ["ORG_MEMBER"], groupRoleAssignments: [] } },
    });
    expect(cleared.roles.groupRoleAssignments).toEqual([]);
  });

  it("refuses to give a user roles in another organization's project", async () => {
    const groupId = "5f1a7b3c9d2e4f6a8b0c1d2e";
    fake.users.addGroupUser({ groupId, orgId: "6f6d5fe5a6d8e04d4a9b2c31" });
    const user = fake.users.addOrgUser({ orgId: ORG });
    const err = await atlas
      .updateOrgUser({
        orgId: ORG,
        userId: user.id,
        body: {
          roles: {
            orgRoles: ["ORG_MEMBER"],
            groupRoleAssignments: [{ groupId, groupRoles: ["GROUP_OWNER"] }],
          },
        },
      })
      .catch((e: unknown) => e);
    expect(isAtlasApiError(err, 400)).toBe(true);
    expect(fake.users.getOrgUser(ORG, user.id)?.roles.groupRoleAssignments).toEqual([]);
  });

  it("lists and reads project users, with their project roles", async () => {
    const member = fake.users.addGroupUser({
      groupId: GROUP,
      orgId: ORG,
      orgMembershipStatus: "ACTIVE",
      roles: ["GROUP_OWNER"],
      lastAuth: "2025-05-20T16:03:00Z",
    });
    const invited = fake.users.addGroupUser({ groupId: GROUP, roles: ["GROUP_READ_ONLY"] });
    fake.users.addOrgUser({ orgId: ORG, username: "org-only@example.com" });
    const page = await atlas.listGroupUsers({
      groupId: GROUP,
      flattenTeams: true,
      includeOrgUsers: true,
    });
    expect(page.results).toEqual([member, invited]);
    expect(fake.users.orgOf(GROUP)).toBe(ORG);
    expect(member).toMatchObject({ roles: ["GROUP_OWNER"], lastAuth: "2025-05-20T16:03:00Z" });
    expect(await atlas.getGroupUser({ groupId: GROUP, userId: invited.id })).toEqual(invited);
    const outsider = fake.users
      .listOrgUsers(ORG)
      .find((u) => u.username === "org-only@example.com")!;
    const err = await atlas
      .getGroupUser({ groupId: GROUP, userId: outsider.id })
      .catch((e: unknown) => e);
    expect(isAtlasApiError(err, 404)).toBe(true);
  });

  it("adds and removes project roles on the colon paths, with 409 for changes with nothing to do and 403 for a last role", async () => {
    const user = fake.users.addGroupUser({
      groupId: GROUP,
      orgId: ORG,
      roles: ["GROUP_READ_ONLY"],
    });
    const change = (op: "addGroupUserRole" | "removeGroupUserRole", groupRole: string) =>
      atlas[op]({ groupId: GROUP, userId: user.id, body: { groupRole } }).catch((e: unknown) => e);
    expect(await change("addGroupUserRole", "GROUP_OWNER")).toMatchObject({
      roles: ["GROUP_READ_ONLY", "GROUP_OWNER"],
    });
    expect(fake.requests.at(-1)?.url).toBe(
      `/api/atlas/v2/groups/${GROUP}/users/${user.id}:addRole`,
    );
    expect(await change("removeGroupUserRole", "GROUP_READ_ONLY")).toMatchObject({
      roles: ["GROUP_OWNER"],
    });
    for (const [op, role] of [
      ["addGroupUserRole", "GROUP_OWNER"],
      ["removeGroupUserRole", "GROUP_READ_ONLY"],
    ] as const) {
      const err = await change(op, role);
      expect(isAtlasApiError(err, 409), `${op} ${role}`).toBe(true);
      expect((err as { errorCode?: string }).errorCode).toBeUndefined();
    }
    // The user's only role: the code and detail MongoDB's error code list gives for taking every
    // role from a user (https://www.mongodb.com/docs/atlas/reference/api-errors/).
    const last = await change("removeGroupUserRole", "GROUP_OWNER");
    expect(isAtlasApiError(last, "CANNOT_REMOVE_ALL_USER_ROLES")).toBe(true);
    expect(last).toMatchObject({
      status: 403,
      detail: "You cannot remove all roles from a user. Specify at least one role.",
    });
    expect(fake.users.getGroupUser(GROUP, user.id)?.roles).toEqual(["GROUP_OWNER"]);
    const encoded = await send(
      fake,
      "POST",
      `/api/atlas/v2/groups/${GROUP}/users/${user.id}%3AaddRole`,
      {
        body: { groupRole: "GROUP_READ_ONLY" },
      },
    );
    expect(encoded.status).toBe(405);
    const getOnColon = await send(
      fake,
      "GET",
      `/api/atlas/v2/groups/${GROUP}/users/${user.id}:addRole`,
    );
    expect([getOnColon.status, getOnColon.headers.get("allow")]).toEqual([405, "POST"]);
  });

  it("keeps invitations and users apart", async () => {
    const invite = fake.invites.addOrgInvite({ orgId: ORG, username: "ana@example.com" });
    expect(fake.users.listOrgUsers(ORG)).toEqual([]);
    const err = await atlas.getOrgUser({ orgId: ORG, userId: invite.id }).catch((e: unknown) => e);
    expect(isAtlasApiError(err, 404)).toBe(true);
    const page = await atlas.listOrgUsers({ orgId: ORG, username: "ana@example.com" });
    expect(page.results).toEqual([]);
  });

  it("answers with the envelope and pretty-printed on request", async () => {
    const user = fake.users.addOrgUser({ orgId: ORG });
    const wrapped = await atlas.getOrgUser({ orgId: ORG, userId: user.id, envelope: true });
    expect(wrapped).toEqual({ status: 200, content: user });
    const pretty = await send(
      fake,
      "GET",
      `/api/atlas/v2/orgs/${ORG}/users/${user.id}?pretty=true`,
    );
    expect(pretty.raw).toBe(JSON.stringify(user, null, 2));
    // docs/FAKE-ATLAS.md: pretty=true indents a success, not an error (a guess).
    const missing = await send(fake, "GET", `/api/atlas/v2/orgs/${ORG}/users/${GROUP}?pretty=true`);
    expect(missing.status).toBe(404);
    expect(missing.raw).toBe(JSON.stringify(missing.body));
  });

  it("adds the status to a list's page on envelope=true instead of wrapping it", async () => {
    // MongoDB's description of `envelope` (every operation of the Atlas Admin API): endpoints
    // that return a list use the results object as the envelope and add `status` to it.
    const orgId = "7b2c3d4e5f60718293a4b5c6";
    const user = fake.users.addOrgUser({ orgId });
    const page = await atlas.listOrgUsers({ orgId, envelope: true, itemsPerPage: 1 });
    expect(page).not.toHaveProperty("content");
    expect(page.status).toBe(200);
    expect(page.results).toEqual([user]);
    expect(page.totalCount).toBe(1);
    expect(page.links?.[0]?.rel).toBe("self");
    // A single entity keeps the { status, content } wrapping.
    const one = await atlas.getOrgUser({ orgId, userId: user.id, envelope: true });
    expect(one).toEqual({ status: 200, content: user });
  });
});

describe("the invitation operations", () => {
  let fake: FakeAtlas;
  afterEach(() => fake.close());

  it("answers a project role named twice in updateOrgInviteById once, as uniqueItems asks", async () => {
    fake = await startFakeAtlas();
    const seeded = fake.invites.addOrgInvite({ orgId: ORG });
    const other = "5f1a7b3c9d2e4f6a8b0c1d2e";
    const atlas = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
    });
    try {
      const invite = await atlas.updateOrgInviteById({
        orgId: ORG,
        invitationId: seeded.id,
        body: {
          groupRoleAssignments: [
            { groupId: GROUP, roles: ["GROUP_OWNER"] },
            { groupId: other, roles: ["GROUP_OWNER"] },
            { groupId: GROUP, roles: ["GROUP_OWNER", "GROUP_READ_ONLY"] },
          ],
        },
      });
      const pairs = invite.groupRoleAssignments!.map((a) => `${a.groupId}/${a.groupRole}`);
      // OrganizationInvitation.groupRoleAssignments is uniqueItems (spec).
      expect(new Set(pairs).size).toBe(pairs.length);
      expect(invite.groupRoleAssignments).toEqual([
        { groupId: GROUP, groupRole: "GROUP_OWNER" },
        { groupId: other, groupRole: "GROUP_OWNER" },
        { groupId: GROUP, groupRole: "GROUP_READ_ONLY" },
      ]);
      expect(fake.invites.getOrgInvite(ORG, seeded.id)?.groupRoleAssignments).toEqual(
        invite.groupRoleAssignments,
      );
    } finally {
      await atlas.close();
    }
  });

  it("lets updateGroupInvites reach each of several invitations seeded without a username", async () => {
    fake = await startFakeAtlas();
    const atlas = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
      onDeprecation: false,
    });
    try {
      const first = fake.invites.addGroupInvite({ groupId: GROUP });
      const second = fake.invites.addGroupInvite({ groupId: GROUP });
      expect(second.username).not.toBe(first.username);
      const updated = await atlas.updateGroupInvites({
        groupId: GROUP,
        body: { username: second.username!, roles: ["GROUP_OWNER"] },
      });
      expect(updated.id).toBe(second.id);
      expect(fake.invites.getGroupInvite(GROUP, first.id)?.roles).toEqual(["GROUP_READ_ONLY"]);
      // Two invitations of one project for one address: updateGroupInvites could reach only
      // one of them, so the seed is refused; seeding the same id again replaces it.
      expect(() =>
        fake.invites.addGroupInvite({ groupId: GROUP, username: first.username }),
      ).toThrow(
        `invites.addGroupInvite: project ${GROUP} already has invitation ${first.id} for ${first.username}`,
      );
      const again = fake.invites.addGroupInvite({ ...first, roles: ["GROUP_OWNER"] });
      expect(fake.invites.getGroupInvite(GROUP, first.id)).toEqual(again);
    } finally {
      await atlas.close();
    }
  });
});

describe("seeding invitations", () => {
  it("gives fresh ids and defaults where the seed names fields undefined, and answers for them", async () => {
    // A seed built from optional values (`{ orgId: options.orgId }`) names the ids undefined.
    const seed: { orgId?: string; id?: string; groupId?: string } = {
      orgId: undefined,
      id: undefined,
      groupId: undefined,
    };
    const fake = await startFakeAtlas();
    const atlas = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
      onDeprecation: false,
    });
    try {
      const org = fake.invites.addOrgInvite(seed);
      expect(org.orgId).toMatch(/^[a-f0-9]{24}$/);
      expect(org.id).toMatch(/^[a-f0-9]{24}$/);
      expect(org.links?.[0]?.href).toBe(
        `${fake.url}/api/atlas/v2/orgs/${org.orgId}/invites/${org.id}`,
      );
      expect(await atlas.getOrgInvite({ orgId: org.orgId, invitationId: org.id })).toEqual(org);
      // Any other field named undefined keeps its default too, as in the user seeds.
      const blank = fake.invites.addOrgInvite({ username: undefined, orgName: undefined });
      expect(blank.orgName).toBe("Acme");
      expect(blank.username).toMatch(/^invitee-[a-f0-9]{8}@example\.com$/);

      const group = fake.invites.addGroupInvite(seed);
      expect(group.groupId).toMatch(/^[a-f0-9]{24}$/);
      expect(group.id).toMatch(/^[a-f0-9]{24}$/);
      expect(fake.invites.getGroupInvite(group.groupId, group.id)).toEqual(group);
      const updated = await atlas.updateGroupInviteById({
        groupId: group.groupId,
        invitationId: group.id,
        body: { roles: ["GROUP_OWNER"] },
      });
      expect([updated.id, updated.roles]).toEqual([group.id, ["GROUP_OWNER"]]);
    } finally {
      await atlas.close();
      await fake.close();
    }
  });
  it("refuses a field an invitation does not have, naming it, and stores nothing", async () => {
    const fake = await startFakeAtlas();
    try {
      // Stored as it was, a misspelt `role` kept the default roles and added itself to answers.
      expect(() => fake.invites.addOrgInvite({ role: ["ORG_OWNER"] } as never)).toThrow(
        "invites.addOrgInvite: role is not a field of a seed (createdAt,",
      );
      expect(() =>
        fake.invites.addGroupInvite({ groupId: GROUP, id: GROUP, orgId: ORG } as never),
      ).toThrow("invites.addGroupInvite: orgId is not a field of a seed (");
      expect(fake.invites.getGroupInvite(GROUP, GROUP)).toBeUndefined();
    } finally {
      await fake.close();
    }
  });
});

describe("updateGroupInvites without username", () => {
  let fake: FakeAtlas;
  afterEach(() => fake.close());

  // The client refuses such a call (the spec's x-client-required); the fake models Atlas, whose
  // schema leaves username optional, so it judges the body by the schema and finds no invitation.
  it("answers 404 around the client, as for an address with no invitation, and changes nothing", async () => {
    fake = await startFakeAtlas();
    const seeded = fake.invites.addGroupInvite({ groupId: GROUP, roles: ["GROUP_READ_ONLY"] });
    const target = `/api/atlas/v2/groups/${GROUP}/invites`;
    const media = { accept: OLD, contentType: OLD };
    const unknown = await send(fake, "PATCH", target, {
      body: { username: "nobody@example.com", roles: ["GROUP_OWNER"] },
      ...media,
    });
    expect(unknown.status).toBe(404);
    expectNoCode(unknown.body, 404);
    for (const body of [{}, { roles: ["GROUP_OWNER"] }]) {
      const res = await send(fake, "PATCH", target, { body, ...media });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(unknown.body);
    }
    expect(fake.invites.getGroupInvite(GROUP, seeded.id)?.roles).toEqual(["GROUP_READ_ONLY"]);
  });
});

describe("the envelope around errors", () => {
  let fake: FakeAtlas;
  beforeEach(async () => {
    fake = await startFakeAtlas({ rateLimit: 1_000_000 });
  });
  afterEach(() => fake.close());

  const unknownInvite = `/api/atlas/v2/orgs/${ORG}/invites/${GROUP}`;

  it("wraps an error answer as { status, content } on envelope=true, keeping the HTTP status", async () => {
    const plain = await send(fake, "GET", unknownInvite, { accept: OLD });
    expect(plain.status).toBe(404);
    expectNoCode(plain.body, 404);
    for (const query of ["envelope=true", "pretty=false&envelope=true&envelope=false"]) {
      const wrapped = await send(fake, "GET", `${unknownInvite}?${query}`, { accept: OLD });
      expect(wrapped.status).toBe(404);
      expect(wrapped.headers.get("content-type")).toBe("application/json");
      expect(wrapped.body).toEqual({ status: 404, content: plain.body });
      expect(fake.requests.at(-1)?.status).toBe(404);
    }
    for (const query of ["envelope=false", "envelope=false&envelope=true"]) {
      const unwrapped = await send(fake, "GET", `${unknownInvite}?${query}`, { accept: OLD });
      expect(unwrapped.body).toEqual(plain.body);
    }
  });

  it("wraps every kind of error the fake answers, observed ones with their fields", async () => {
    const user = fake.users.addOrgUser({ orgId: ORG });
    const target = `/api/atlas/v2/orgs/${ORG}/users/${user.id}?envelope=true`;
    const cases = [
      // Checked before anything else: credentials, then routing, then the version.
      await send(fake, "GET", target, { authorization: null }),
      await send(fake, "GET", `/api/atlas/v2/nothing/here?envelope=true`),
      await send(fake, "GET", target, { accept: "application/json" }),
      // The body, then the operation.
      await send(fake, "PATCH", target, { body: { roles: { orgRoles: ["ORG_OWNER"] }, nope: 1 } }),
      await send(fake, "PATCH", target, { text: "{not json" }),
    ];
    expect(cases.map((c) => [c.status, c.body.status])).toEqual([
      [401, 401],
      [404, 404],
      [406, 406],
      [400, 400],
      [400, 400],
    ]);
    expect(cases[0]!.headers.get("www-authenticate")).toMatch(/^Digest /);
    expect(cases[0]!.body.content).toEqual({
      error: 401,
      reason: "Unauthorized",
      detail: "You are not authorized for this resource.",
    });
    expect(cases[2]!.body.content).toMatchObject({ errorCode: "INVALID_VERSION_DATE" });
    expect(cases[3]!.body.content).toMatchObject({
      errorCode: "INVALID_ATTRIBUTE",
      parameters: ["nope"],
    });
  });

  it("leaves injected faults and the token endpoint as they are", async () => {
    fake.inject({ kind: "status", status: 503 });
    const faulted = await send(fake, "GET", `/api/atlas/v2/orgs/${ORG}/users?envelope=true`);
    expect(faulted.status).toBe(503);
    expectNoCode(faulted.body, 503);
    const token = await fetch(`${fake.url}/api/oauth/token?envelope=true`, { method: "POST" });
    expect(((await token.json()) as Record<string, unknown>).error).toBe("invalid_client");
  });

  it("gives the client's AtlasApiError the fields inside the envelope", async () => {
    const atlas = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
    });
    try {
      const err = (await atlas
        .getOrgInvite({ orgId: ORG, invitationId: GROUP, envelope: true })
        .catch((e: unknown) => e)) as AtlasApiError;
      expect(isAtlasApiError(err, 404)).toBe(true);
      expect(err.body).toMatchObject({ status: 404, content: { error: 404 } });
      expect(err.reason).toBe("Not Found");
      expect(err.detail).toBe("No pending invitation matches this request.");
      expect(err.message).toContain(err.detail);

      // A field the client's own checks would refuse, added on the wire by a middleware, so
      // that the fake answers INVALID_ATTRIBUTE, the observed error that has parameters.
      atlas.client.use({
        async onRequest({ request }) {
          if (request.method !== "PATCH") return undefined;
          const body = { ...((await request.clone().json()) as object), nope: 1 };
          const { url, method, headers } = request;
          return new Request(url, { method, headers, body: JSON.stringify(body) });
        },
      });
      const user = fake.users.addOrgUser({ orgId: ORG });
      const refused = (await atlas
        .updateOrgUser({ orgId: ORG, userId: user.id, envelope: true, body: { teamIds: [] } })
        .catch((e: unknown) => e)) as AtlasApiError;
      expect(refused.body).toMatchObject({ status: 400, content: { error: 400 } });
      expect(isAtlasApiError(refused, "INVALID_ATTRIBUTE")).toBe(true);
      expect([refused.status, refused.reason, refused.detail, refused.parameters]).toEqual([
        400,
        "Bad Request",
        "Invalid attribute nope specified.",
        ["nope"],
      ]);
      expect(refused.message).toBe(
        `[400 INVALID_ATTRIBUTE] PATCH /api/atlas/v2/orgs/{orgId}/users/{userId}: ${refused.detail}`,
      );
    } finally {
      await atlas.close();
    }
  });
});

describe("role rules", () => {
  let fake: FakeAtlas;
  afterEach(() => fake.close());

  async function statusOf(auth: "token" | "apiKey", target: string) {
    const atlas = createAtlasInvites({
      auth:
        auth === "token"
          ? accessToken({ token: fake.credentials.accessToken })
          : apiKey(fake.credentials.apiKey),
      baseUrl: fake.url,
    });
    try {
      const call =
        target === "org"
          ? atlas.listOrgUsers({ orgId: ORG })
          : atlas.listGroupUsers({ groupId: target });
      return await call.then(
        () => 200,
        (err: unknown) => (isAtlasApiError(err, "USER_UNAUTHORIZED") ? "refused" : err),
      );
    } finally {
      await atlas.close();
    }
  }

  it("narrows by credential kind, operation and project", async () => {
    const other = "5f1a7b3c9d2e4f6a8b0c1d2e";
    fake = await startFakeAtlas({
      lacksRole: [{ credential: "apiKey", operationId: ["listGroupUsers"], groupId: GROUP }],
    });
    expect(await statusOf("apiKey", GROUP)).toBe("refused");
    expect(await statusOf("apiKey", other)).toBe(200);
    expect(await statusOf("apiKey", "org")).toBe(200);
    expect(await statusOf("token", GROUP)).toBe(200);
    expect(fake.roles.denials.map((d) => d.hits)).toEqual([1]);
  });

  it("names one credential exactly, and lifts a rule on remove() or reset()", async () => {
    fake = await startFakeAtlas({ lacksRole: true });
    expect(await statusOf("token", "org")).toBe("refused");
    expect(await statusOf("apiKey", "org")).toBe("refused");
    fake.roles.reset();
    const rule = fake.roles.deny({ credential: fake.credentials.apiKey.publicKey });
    expect(await statusOf("apiKey", "org")).toBe("refused");
    expect(await statusOf("token", "org")).toBe(200);
    rule.remove();
    expect(fake.roles.denials).toEqual([]);
    expect(await statusOf("apiKey", "org")).toBe(200);
    expect(rule.hits).toBe(1);
  });

  it("keeps the Digest session: a refused call costs one exchange and no challenge", async () => {
    fake = await startFakeAtlas();
    const atlas = createAtlasInvites({ auth: apiKey(fake.credentials.apiKey), baseUrl: fake.url });
    try {
      await atlas.listOrgUsers({ orgId: ORG });
      const before = { ...fake.stats };
      fake.roles.deny("listOrgUsers");
      for (let i = 0; i < 3; i++) {
        const err = await atlas.listOrgUsers({ orgId: ORG }).catch((e: unknown) => e);
        expect(isAtlasApiError(err, "USER_UNAUTHORIZED")).toBe(true);
      }
      expect(fake.stats.exchanges - before.exchanges).toBe(3);
      expect(fake.stats.challenges).toBe(before.challenges);
    } finally {
      await atlas.close();
    }
  });

  it("names the operation in the record of a Digest challenge, as in the record of the call", async () => {
    fake = await startFakeAtlas();
    const atlas = createAtlasInvites({ auth: apiKey(fake.credentials.apiKey), baseUrl: fake.url });
    try {
      await atlas.listOrgUsers({ orgId: ORG });
      expect(fake.requests.map((r) => [r.operationId, r.status])).toEqual([
        ["listOrgUsers", 401],
        ["listOrgUsers", 200],
      ]);
    } finally {
      await atlas.close();
    }
  });

  it("refuses rules it cannot apply", async () => {
    fake = await startFakeAtlas();
    expect(() => fake.roles.deny("deleteEverything" as never)).toThrow(TypeError);
    expect(() => fake.roles.deny({ operation: "getOrgUser" } as never)).toThrow(/not a field/);
    expect(() => fake.roles.deny({ orgId: 5 } as never)).toThrow(/must be a string/);
    await expect(startFakeAtlas({ lacksRole: ["nope" as never] })).rejects.toThrow(TypeError);
  });
});

describe("faults and the fake share one route matcher", () => {
  let fake: FakeAtlas;
  beforeEach(async () => {
    fake = await startFakeAtlas({ rateLimit: 1_000_000 });
  });
  afterEach(() => fake.close());

  it("scopes an operation's fault to exactly the requests the server routes to it", async () => {
    const user = fake.users.addGroupUser({ groupId: GROUP, roles: ["GROUP_READ_ONLY"] });
    const onAdd = fake.inject({
      kind: "status",
      status: 503,
      operationId: "addGroupUserRole",
      times: Infinity,
    });
    const onGet = fake.inject({
      kind: "status",
      status: 502,
      operationId: "getGroupUser",
      times: Infinity,
    });
    const add = await send(fake, "POST", `/api/atlas/v2/groups/${GROUP}/users/${user.id}:addRole`, {
      body: { groupRole: "GROUP_OWNER" },
    });
    const get = await send(fake, "GET", `/api/atlas/v2/groups/${GROUP}/users/${user.id}`);
    const remove = await send(
      fake,
      "POST",
      `/api/atlas/v2/groups/${GROUP}/users/${user.id}:removeRole`,
      {
        body: { groupRole: "GROUP_READ_ONLY" },
      },
    );
    // The removal reached the fake itself: its answer to taking a user's only role.
    expect([add.status, get.status, remove.status]).toEqual([503, 502, 403]);
    expect([onAdd.hits, onGet.hits]).toEqual([1, 1]);
  });

  it("logs the operation of a request a fault answered, as of any other", async () => {
    fake.users.addOrgUser({ orgId: ORG });
    fake.inject({ kind: "status", status: 503, times: 2, operationId: "listOrgUsers" });
    fake.inject({ kind: "reset", operationId: "getOrgUser" });
    const atlas = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
      retry: { baseDelayMs: 1 },
    });
    try {
      await atlas.listOrgUsers({ orgId: ORG });
    } finally {
      await atlas.close();
    }
    await send(fake, "GET", `/api/atlas/v2/orgs/${ORG}/users/${ORG}`).catch(() => undefined);
    expect(fake.requests.map((r) => [r.operationId, r.status, r.fault])).toEqual([
      ["listOrgUsers", 503, "status"],
      ["listOrgUsers", 503, "status"],
      ["listOrgUsers", 200, undefined],
      ["getOrgUser", 0, "reset"],
    ]);
  });

  it("sends no invented errorCode in a status fault's default body", async () => {
    fake.inject({ kind: "status", status: 503, retryAfter: 2 });
    const res = await send(fake, "GET", `/api/atlas/v2/orgs/${ORG}/users`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expectNoCode(res.body, 503);
  });

  it("gives an injected 429 the body of Atlas's rate-limit page, its wait from Retry-After", async () => {
    fake.inject({ kind: "status", status: 429, retryAfter: 2 });
    const res = await send(fake, "GET", `/api/atlas/v2/orgs/${ORG}/users`);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
    const set = `api/atlas/v2/orgs/${ORG}/users`;
    expect(res.body).toEqual({
      error: 429,
      errorCode: "RATE_LIMITED_TOKEN_BUCKET",
      reason: "Too Many Requests",
      detail: `Rate limit exceeded for ${set}. Please retry after 2 seconds. Request capacity: 1000000. Refill rate: 1000000 per 60 seconds.`,
      parameters: [set, 2, 1_000_000, 1_000_000, 60],
    });
  });

  it("answers past the rate limit with 429, Retry-After, RateLimit headers and Atlas's body", async () => {
    await fake.close();
    fake = await startFakeAtlas({ rateLimit: 2 });
    const target = `/api/atlas/v2/orgs/${ORG}/users`;
    const ok = await send(fake, "GET", target);
    expect(ok.headers.get("ratelimit-remaining")).toBe("1");
    await send(fake, "GET", target);
    const limited = await send(fake, "GET", target);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("ratelimit-limit")).toBe("2");
    // As www.mongodb.com/docs/atlas/api/api-rate-limit shows it: the code, then the endpoint
    // set, the wait, the capacity and the refill in parameters.
    const wait = Number(limited.headers.get("retry-after"));
    expect(limited.body).toMatchObject({
      error: 429,
      errorCode: "RATE_LIMITED_TOKEN_BUCKET",
      parameters: [target.slice(1), wait, 2, 2, 60],
    });
  });
});
