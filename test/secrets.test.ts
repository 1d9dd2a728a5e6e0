// End to end, for each auth strategy: every bad-input and fault scenario is run against the fake
// Atlas, and everything a user could see (results, errors with their stacks and cause chains,
// util.inspect and JSON of errors and of the client, an error response's body, onRetry events,
// process warnings, console calls, and every byte written to stdout/stderr) is scanned for the
// client secret, the private key and the access tokens, as sent and JSON-escaped. The expected
// count of hits is zero.
import { createHash } from "node:crypto";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessToken,
  apiKey,
  AtlasApiError,
  AtlasValidationError,
  createAtlasInvites,
  serviceAccount,
  type AtlasInvites,
  type AtlasInvitesOptions,
  type AuthStrategy,
  type OperationId,
  type RetryInfo,
} from "../src/index.js";
import { startFakeAtlas, type FakeAtlas, type Fault } from "../src/testing/index.js";
import { BAD_BODIES, BAD_IDS, BAD_SHAPES, VALID_ID, validInput } from "./helpers/bad-input.js";
import { secretsManager } from "./helpers/custom-auth.js";
import { FAULT_MATRIX, callOf } from "./helpers/fault-cases.js";
import { freshPackage } from "./helpers/fresh-module.js";
import { newCounts, settle, watchUnhandledRejections, writeCounts } from "./helpers/reliability.js";

let fake: FakeAtlas;
const counts = newCounts();
const watch = watchUnhandledRejections();

// ---------------------------------------------------------------- what is secret

const WRONG = {
  token: `wrong-token-${"7".repeat(24)}`,
  clientSecret: `mdb_sa_sk_wrong_${"8".repeat(24)}`,
  privateKey: `wrong-private-key-${"9".repeat(24)}`,
};

const basic = (id: string, secret: string) =>
  Buffer.from(`${id}:${secret}`, "utf8").toString("base64");

/**
 * Two ways a server's JSON may write a secret inside a string (RFC 8259, section 7): every
 * character as \uXXXX, or HTML-safe, "/" as \/ and "=" as \u003d (a Basic credential ends in "=").
 */
const escapeEach = (text: string) =>
  text.replace(/[^]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const escapeHtmlSafe = (text: string) => text.replaceAll("/", "\\/").replaceAll("=", "\\u003d");

/**
 * Every secret of the fake and of the wrong credentials, in each form it travels in and in the
 * escaped forms a server's JSON may echo it in.
 */
function secrets(): Map<string, string> {
  const { accessToken, serviceAccount, apiKey } = fake.credentials;
  // Digest's HA1 is as good as the password to an attacker (RFC 7616, section 5.13).
  const ha1 = (algorithm: "md5" | "sha256", key: string) =>
    createHash(algorithm).update(`${apiKey.publicKey}:MMS Public API:${key}`).digest("hex");
  const found = new Map<string, string>([
    ["access token", accessToken],
    ["client secret", serviceAccount.clientSecret],
    ["client secret (Basic)", basic(serviceAccount.clientId, serviceAccount.clientSecret)],
    ["private key", apiKey.privateKey],
    ["private key (HA1 MD5)", ha1("md5", apiKey.privateKey)],
    ["private key (HA1 SHA-256)", ha1("sha256", apiKey.privateKey)],
    ["wrong token", WRONG.token],
    ["wrong client secret", WRONG.clientSecret],
    ["wrong client secret (Basic)", basic(serviceAccount.clientId, WRONG.clientSecret)],
    ["wrong private key", WRONG.privateKey],
  ]);
  fake.tokenEndpoint.issued.forEach((token, i) => found.set(`issued token ${i + 1}`, token));
  for (const [name, secret] of [...found]) {
    found.set(`${name} (JSON, each escaped)`, escapeEach(secret));
    const htmlSafe = escapeHtmlSafe(secret);
    if (htmlSafe !== secret) found.set(`${name} (JSON, HTML-safe)`, htmlSafe);
  }
  return found;
}

// ---------------------------------------------------------------- how it is looked for

/** Every printable rendering of a value, following causes and aggregated errors. */
function renderings(value: unknown, out: string[] = [], seen = new Set<unknown>()): string[] {
  if (value === null || value === undefined) return out;
  if (typeof value !== "object" && typeof value !== "function") {
    out.push(
      typeof value === "symbol"
        ? value.toString()
        : `${value as string | number | bigint | boolean}`,
    );
    return out;
  }
  if (seen.has(value)) return out;
  seen.add(value);
  out.push(inspect(value, { showHidden: true, depth: 20, getters: true }));
  out.push(inspect(value, { showHidden: true, depth: 20, customInspect: false }));
  try {
    out.push(JSON.stringify(value) ?? "");
  } catch {
    // Circular values: the inspections above still show them.
  }
  if (value instanceof Error) {
    out.push(value.message, value.stack ?? "");
    renderings(value.cause, out, seen);
    if (value instanceof AggregateError) for (const e of value.errors) renderings(e, out, seen);
  } else if (Array.isArray(value)) {
    for (const item of value) renderings(item, out, seen);
  }
  return out;
}

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

interface Hit {
  where: string;
  secret: string;
  count: number;
}

/** Scans some observed values; returns the hits, naming where each secret was seen. */
function scan(where: string, values: unknown[]): Hit[] {
  const text = values.flatMap((v) => renderings(v)).join("\n");
  const hits: Hit[] = [];
  for (const [name, secret] of secrets()) {
    const count = occurrences(text, secret);
    if (count > 0) hits.push({ where, secret: name, count });
  }
  return hits;
}

// ---------------------------------------------------------------- what is captured globally

const written: string[] = [];
const warnings: unknown[] = [];
const consoleCalls: unknown[] = [];
const restore: (() => void)[] = [];

type AnyFunction = (...args: unknown[]) => unknown;

/** Replaces `target[name]` with `wrap(original)` until restored, leaving the object as it was. */
function intercept(
  target: object,
  name: string,
  wrap: (original: AnyFunction) => AnyFunction,
): void {
  const hadOwn = Object.prototype.hasOwnProperty.call(target, name);
  const original = Reflect.get(target, name) as AnyFunction;
  Reflect.set(target, name, wrap(original));
  restore.push(() => {
    if (hadOwn) Reflect.set(target, name, original);
    else Reflect.deleteProperty(target, name);
  });
}

function capture(): void {
  for (const stream of [process.stdout, process.stderr]) {
    intercept(stream, "write", (original) => (chunk: unknown, ...rest: unknown[]) => {
      written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
      return original.call(stream, chunk, ...rest);
    });
  }
  const onWarning = (w: Error) => warnings.push(w);
  process.on("warning", onWarning);
  restore.push(() => process.off("warning", onWarning));
  for (const level of ["log", "info", "warn", "error", "debug", "trace"]) {
    intercept(console, level, (original) => (...args: unknown[]) => {
      consoleCalls.push(args);
      original.apply(console, args);
    });
  }
}

beforeAll(async () => {
  fake = await startFakeAtlas({ rateLimit: 1_000_000 });
  capture();
});
afterAll(async () => {
  for (const undo of restore.splice(0).reverse()) undo();
  watch.stop();
  writeCounts("secrets", counts);
  await fake.close();
});

// ---------------------------------------------------------------- the strategies

interface Strategy {
  name: string;
  auth(): AuthStrategy;
  wrong(): AuthStrategy;
  /** The secrets a client with `auth()` holds before its first call. */
  held(): string[];
}

const STRATEGIES: Strategy[] = [
  {
    name: "accessToken",
    auth: () => accessToken({ token: fake.credentials.accessToken }),
    wrong: () => accessToken({ token: WRONG.token }),
    held: () => [fake.credentials.accessToken],
  },
  {
    name: "serviceAccount",
    auth: () => serviceAccount(fake.credentials.serviceAccount),
    wrong: () =>
      serviceAccount({
        clientId: fake.credentials.serviceAccount.clientId,
        clientSecret: WRONG.clientSecret,
      }),
    held: () => {
      const { clientId, clientSecret } = fake.credentials.serviceAccount;
      return [clientSecret, basic(clientId, clientSecret)];
    },
  },
  {
    name: "apiKey",
    auth: () => apiKey(fake.credentials.apiKey),
    wrong: () =>
      apiKey({ publicKey: fake.credentials.apiKey.publicKey, privateKey: WRONG.privateKey }),
    held: () => [fake.credentials.apiKey.privateKey],
  },
  {
    // A strategy of the user's own that does not name its secrets: the client must still keep
    // the bearer tokens it sends out of everything it shows.
    name: "secretsManager",
    auth: () => secretsManager(() => Promise.resolve(fake.credentials.accessToken)),
    wrong: () => secretsManager(() => Promise.resolve(WRONG.token)),
    held: () => [fake.credentials.accessToken],
  },
];

// ---------------------------------------------------------------- the scenarios

/** `held`: the secrets the strategy's client holds (see Strategy.held). */
type Run = (atlas: AtlasInvites, held: string[]) => Promise<unknown>;
interface Scenario {
  name: string;
  run: Run;
  /** Faults to inject, given the secrets the strategy's client holds. */
  faults?: Fault[] | ((held: string[]) => Fault[]);
  options?: Partial<AtlasInvitesOptions>;
  wrongCredentials?: boolean;
  /** Create the client from a freshly loaded package, with no warning raised in this process yet. */
  freshPackage?: boolean;
}

type Call = (input: unknown) => Promise<unknown>;
const method = (atlas: AtlasInvites, id: OperationId): Call =>
  (atlas as unknown as Record<OperationId, Call>)[id];

const TOKEN_PATH = "/api/oauth/token";

function scenarios(): Scenario[] {
  const list: Scenario[] = [];
  for (const [label, value] of BAD_IDS) {
    list.push({
      name: `bad id: ${label}`,
      run: (a) =>
        method(
          a,
          "updateOrgInviteById",
        )({ ...validInput("updateOrgInviteById"), invitationId: value }),
    });
  }
  for (const [id, label, body] of BAD_BODIES) {
    list.push({
      name: `bad body: ${label}`,
      run: (a) => method(a, id)({ ...validInput(id), body }),
    });
  }
  for (const [label, id, input] of BAD_SHAPES) {
    list.push({ name: `bad call: ${label}`, run: (a) => method(a, id)(input) });
  }
  for (const id of ["getOrgInvite", "updateOrgInviteById"] as const) {
    for (const [label, fault, outcome] of FAULT_MATRIX) {
      list.push({
        name: `fault on ${id}: ${label}`,
        faults: [{ ...fault, operationId: id }],
        run: (a) => callOf(fake, a, id, outcome === "data" ? {} : { timeout: 250 }),
      });
    }
  }
  const tokenFaults: [string, Fault][] = [
    ["500", { kind: "status", status: 500, times: 2 }],
    ["401 invalid_client", { kind: "status", status: 401, body: { error: "invalid_client" } }],
    ["HTML page", { kind: "html", status: 502, times: 2 }],
    ["hang", { kind: "hang" }],
    ["reset", { kind: "reset", times: 2 }],
    ["invalid JSON", { kind: "invalidJson" }],
    ["empty", { kind: "empty" }],
    ["cut off", { kind: "truncate" }],
  ];
  for (const [label, fault] of tokenFaults) {
    list.push({
      name: `token endpoint fault: ${label}`,
      faults: [{ ...fault, path: TOKEN_PATH }],
      options: { timeout: 250 },
      run: (a) => callOf(fake, a, "getOrgInvite"),
    });
  }
  list.push(
    {
      // A server that echoes what it was sent, in an error body Atlas's own shape.
      name: "an error body that echoes the credentials",
      faults: (held) => [
        {
          kind: "status",
          status: 400,
          operationId: "updateOrgInviteById",
          body: {
            error: 400,
            errorCode: "INVALID_ATTRIBUTE",
            detail: `Invalid attribute ${held.join(" ")} specified.`,
            parameters: held,
          },
        },
      ],
      run: (a) => callOf(fake, a, "updateOrgInviteById"),
    },
    {
      // The same echo with the secrets JSON-escaped: each character from the API, HTML-safe from
      // the token endpoint (whose error the client quotes only so far).
      name: "an error body that echoes the credentials JSON-escaped",
      faults: (held) => {
        const each = held.map(escapeEach).join(" ");
        const htmlSafe = held.map(escapeHtmlSafe).join(" ");
        return [
          {
            kind: "status",
            status: 400,
            operationId: "updateOrgInviteById",
            body: `{"error":400,"errorCode":"INVALID_ATTRIBUTE","detail":"Invalid attribute ${each} specified."}`,
          },
          {
            kind: "status",
            status: 401,
            path: TOKEN_PATH,
            body: `{"error":"invalid_client","error_description":"${htmlSafe}"}`,
          },
        ];
      },
      run: (a) => callOf(fake, a, "updateOrgInviteById"),
    },
    {
      // A redirect's target is named by its origin, whose host a server can fill with a secret.
      name: "a redirect whose target echoes the credentials",
      faults: (held) => [
        {
          kind: "status",
          status: 302,
          operationId: "getOrgInvite",
          headers: { Location: `http://${held[0]}.example/` },
        },
      ],
      run: (a) => callOf(fake, a, "getOrgInvite"),
    },
    {
      // A Digest challenge this client cannot answer is named in the error, with its algorithm.
      name: "a Digest challenge that echoes the credentials",
      faults: (held) => [
        {
          kind: "status",
          status: 401,
          operationId: "getOrgInvite",
          headers: {
            "WWW-Authenticate": `Digest realm="r", nonce="bm9uY2U=", algorithm="${held.join(" ")}", qop="auth"`,
          },
        },
      ],
      run: (a) => callOf(fake, a, "getOrgInvite"),
    },
    {
      // A caller who mixes up their variables hands a credential over as an id, a parameter name,
      // a query value or a body value; the refusal names the place without quoting it. The first
      // call lets a strategy that only learns its token on use hold it.
      name: "the client's own credentials given as input",
      run: async (a, held) => {
        await callOf(fake, a, "getOrgInvite");
        const org = validInput("getOrgUser");
        const refusals = [];
        for (const secret of held) {
          const calls = [
            () => a.getOrgUser({ ...org, orgId: secret } as never),
            () => a.getOrgUser({ ...org, [secret]: true } as never),
            () => a.listOrgUsers({ orgId: VALID_ID, username: secret }),
            () => a.addGroupUserRole({ ...org, groupId: VALID_ID, body: { [secret]: 1 } } as never),
            () => a.updateOrgUser({ ...org, body: { roles: { orgRoles: [secret] } } } as never),
          ];
          for (const call of calls) refusals.push(await call().catch((error: unknown) => error));
        }
        expect(refusals.length).toBeGreaterThan(0);
        for (const r of refusals) expect(r).toBeInstanceOf(AtlasValidationError);
        return refusals;
      },
    },
    {
      name: "wrong credentials",
      wrongCredentials: true,
      run: (a) => callOf(fake, a, "updateOrgInviteById"),
    },
    {
      name: "credentials revoked between calls",
      run: async (a) => {
        await callOf(fake, a, "getOrgInvite");
        fake.tokenEndpoint.revokeAll();
        return callOf(fake, a, "getOrgInvite");
      },
    },
    {
      name: "a call after close",
      run: async (a) => {
        await callOf(fake, a, "getOrgInvite");
        await a.close();
        return callOf(fake, a, "getOrgInvite");
      },
    },
    {
      // Deprecation notices quote these headers; a fresh package has told nothing yet, so the
      // spec's warning and then the headers' one are emitted.
      name: "deprecation headers that echo the credentials, through process.emitWarning",
      faults: (held) => [
        {
          kind: "status",
          status: 400,
          operationId: "getOrgInvite",
          headers: { Deprecation: `echo ${held.join(" ")}`, Sunset: `echo ${held.join(" ")}` },
        },
      ],
      options: { onDeprecation: undefined },
      freshPackage: true,
      run: async (a) => {
        const outcome = await callOf(fake, a, "getOrgInvite").catch((error: unknown) => error);
        await settle();
        return outcome;
      },
    },
    {
      name: "deprecation warnings through process.emitWarning",
      options: { onDeprecation: undefined },
      freshPackage: true,
      run: async (a) => {
        const value = await callOf(fake, a, "getOrgInvite");
        // Warnings are emitted on the next tick.
        await settle();
        return value;
      },
    },
  );
  return list;
}

interface Tally {
  scenarios: number;
  faultsInjected: number;
  observed: number;
  hits: number;
  /** How the scenarios ended: "data", or the name of the error class. */
  outcomes: Record<string, number>;
}
const perStrategy: Record<string, Tally> = {};

describe("a long secret given as input", () => {
  it("shows no part of an access token longer than a refusal quotes", async () => {
    // Refusals quote the first 60 characters of a longer value; an opaque token from a secrets
    // manager can be far longer, and its start is as secret as the rest.
    const token = "tok_" + createHash("sha256").update("long token").digest("hex").repeat(2);
    const a = createAtlasInvites({ auth: accessToken({ token }), baseUrl: fake.url });
    const before = fake.requests.length;
    const refusals = [
      await a.getOrgUser({ orgId: token, userId: VALID_ID }).catch((e: unknown) => e),
      await a.listOrgUsers({ orgId: VALID_ID, username: token }).catch((e: unknown) => e),
    ];
    for (const r of refusals) {
      expect(r).toBeInstanceOf(AtlasValidationError);
      const text = `${(r as Error).message} ${inspect(r, { depth: Infinity })}`;
      expect(text).toContain("[redacted]");
      expect(text).not.toContain(token.slice(0, 20));
    }
    expect(fake.requests.length).toBe(before);
    await a.close();
  });
});

describe("the scanner itself", () => {
  it("finds a planted secret in a message, a deep cause, a hidden field and an inspect", () => {
    const planted = fake.credentials.serviceAccount.clientSecret;
    const deep = new Error("outer", {
      cause: new Error("middle", { cause: new Error(`inner ${planted}`) }),
    });
    const hidden = new Error("plain");
    Object.defineProperty(hidden, "detail", { value: { nested: [planted] }, enumerable: false });
    expect(scan("canary", [deep]).map((h) => h.secret)).toEqual(["client secret"]);
    expect(scan("canary", [hidden]).map((h) => h.secret)).toEqual(["client secret"]);
    expect(
      scan("canary", [{ a: { b: { c: { d: fake.credentials.apiKey.privateKey } } } }]),
    ).toHaveLength(1);
    expect(scan("canary", [new Error("clean")])).toEqual([]);
  });
});

describe.each(STRATEGIES)("$name", (strategy) => {
  const tally: Tally = { scenarios: 0, faultsInjected: 0, observed: 0, hits: 0, outcomes: {} };
  perStrategy[strategy.name] = tally;

  it.each(scenarios().map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    const retries: RetryInfo[] = [];
    const faults =
      typeof scenario.faults === "function"
        ? scenario.faults(strategy.held())
        : (scenario.faults ?? []);
    const handles = faults.map((f) => fake.inject(f));
    const create = scenario.freshPackage
      ? (await freshPackage()).createAtlasInvites
      : createAtlasInvites;
    const atlas = create({
      auth: scenario.wrongCredentials ? strategy.wrong() : strategy.auth(),
      baseUrl: fake.url,
      timeout: 2_000,
      retry: { baseDelayMs: 1, maxRetries: 1 },
      onRetry: (info) => retries.push(info),
      onDeprecation: false,
      ...scenario.options,
    });
    const outcome = await scenario.run(atlas, strategy.held()).then(
      (data) => ({ data }),
      (error: unknown) => ({ error }),
    );
    const closed = await atlas.close().then(
      () => undefined,
      (error: unknown) => error,
    );
    await settle();
    for (const h of handles) {
      counts.faultsInjected += h.hits;
      tally.faultsInjected += h.hits;
      h.remove();
    }
    const ending = "data" in outcome ? "data" : ((outcome.error as Error)?.name ?? "non-Error");
    tally.outcomes[ending] = (tally.outcomes[ending] ?? 0) + 1;
    // The body an error answer's response hands out (a read that fails is scanned as its error).
    const body =
      "error" in outcome && outcome.error instanceof AtlasApiError
        ? await outcome.error.response.text().catch((error: unknown) => error)
        : undefined;
    const observed = [outcome, body, retries, atlas, closed, atlas.rateLimit];
    const hits = scan(`${strategy.name} / ${scenario.name}`, observed);
    counts.inputsTried++;
    counts.scenarios++;
    tally.scenarios++;
    tally.observed += observed.length;
    tally.hits += hits.reduce((n, h) => n + h.count, 0);
    counts.secretsLeaked += hits.reduce((n, h) => n + h.count, 0);
    expect(hits).toEqual([]);
    expect(watch.reasons).toEqual([]);
  });
});

describe("process-wide output", () => {
  it("saw the output it captures (a canary written to stdout is found)", () => {
    const before = written.length;
    process.stdout.write("secrets-scan canary\n");
    expect(written.slice(before).join("")).toContain("secrets-scan canary");
  });

  it("nothing written to stdout or stderr, no warning and no console call holds a secret", () => {
    const hits = [
      ...scan("stdout/stderr", [written.join("")]),
      ...scan("process warnings", warnings),
      ...scan("console calls", consoleCalls),
    ];
    counts.secretsLeaked += hits.reduce((n, h) => n + h.count, 0);
    counts.details = {
      perStrategy,
      bytesWrittenToStdoutAndStderr: written.join("").length,
      processWarnings: warnings.length,
      consoleCalls: consoleCalls.length,
      secretsLookedFor: [...secrets().keys()].filter(
        (k) => !k.startsWith("issued token") && !k.includes("(JSON"),
      ),
      issuedTokensLookedFor: fake.tokenEndpoint.issued.length,
    };
    expect(hits).toEqual([]);
    // Each strategy's deprecation scenario emitted its warning (from the spec; the fake's headers
    // name the same sunset, which adds none), and its echoing-headers scenario two (the spec's,
    // then the headers'), so the warning channel was exercised every time.
    const deprecations = warnings.filter((w) => (w as Error).name === "DeprecationWarning");
    expect(deprecations).toHaveLength(STRATEGIES.length * 3);
    const fromHeaders = deprecations.filter((w) => (w as Error).message.includes("Sunset: echo"));
    expect(fromHeaders).toHaveLength(STRATEGIES.length);
  });
});
