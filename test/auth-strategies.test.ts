// Auth strategies as values: what each factory and fromEnv() accept and refuse (checked when the
// strategy is created, naming the field and never its value), the options of createAtlasInvites,
// and a strategy a user writes against the public AuthStrategy interface.
import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  accessToken,
  apiKey,
  AtlasApiError,
  AtlasError,
  AtlasTimeoutError,
  AtlasValidationError,
  createAtlasInvites,
  fromEnv,
  isAtlasApiError,
  serviceAccount,
  type AuthContext,
  type AuthStrategy,
  type SignableRequest,
} from "../src/index.js";
import { AtlasRequest } from "../src/http/request.js";
import { startFakeAtlas } from "../src/testing/index.js";
import { basicForms, leakedSecrets } from "./helpers/auth-secrets.js";
import { OFFLINE_CONTEXT, secretsManager } from "./helpers/custom-auth.js";
import { authorizationFields, referenceResponse } from "./helpers/digest-reference.js";
import { stubFetch } from "./helpers/stub-fetch.js";

const ID = "MONGODB_ATLAS_CLIENT_ID";
const SECRET = "MONGODB_ATLAS_CLIENT_SECRET";
const PUBLIC = "MONGODB_ATLAS_PUBLIC_KEY";
const PRIVATE = "MONGODB_ATLAS_PRIVATE_KEY";
// The Atlas CLI's names for an API key (mongodb.com/docs/atlas/cli/current/atlas-cli-env-variables).
const CLI_PUBLIC = "MONGODB_ATLAS_PUBLIC_API_KEY";
const CLI_PRIVATE = "MONGODB_ATLAS_PRIVATE_API_KEY";

const clientSecret = "mdb_sa_sk_0f9e8d7c6b5a49382716";
const privateKey = "2d5e3c1a-7b9f-4e6d-8a0c-1f2e3d4c5b6a";
const token = "eyJhbGciOiJSUzI1NiJ9.payload-0123456789.signature";
/** What a call ended by close(), or made after it, rejects with. */
const CLOSED =
  "atlas-invites: this client was closed before the call was sent (await each call before close())";

afterEach(() => {
  vi.unstubAllEnvs();
});

function thrown(fn: () => unknown): AtlasValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AtlasValidationError);
    return err as AtlasValidationError;
  }
  throw new Error("expected a validation error");
}

// ------------------------------------------------------------------ what a strategy sends

/** The Basic header a service-account strategy sends to the token endpoint. */
async function basicHeaderOf(strategy: AuthStrategy): Promise<string | null> {
  let sent: Headers | undefined;
  const context: AuthContext = {
    ...OFFLINE_CONTEXT,
    send(_path, init) {
      sent = new Headers(init.headers);
      const text = JSON.stringify({ access_token: "mdb_sa_at_x", token_type: "Bearer" });
      return Promise.resolve({ status: 200, headers: new Headers(), text });
    },
  };
  const request: SignableRequest = {
    url: "https://cloud.mongodb.com/api/atlas/v2/orgs/x",
    method: "GET",
    headers: new Headers(),
  };
  await strategy.start(context).authorize(request);
  expect(request.headers.get("Authorization")).toBe("Bearer mdb_sa_at_x");
  return sent?.get("Authorization") ?? null;
}

/**
 * Whether an API-key strategy answers a Digest challenge with these keys: the answer is
 * recomputed by the independent RFC 7616 reference.
 */
async function answersDigestWith(
  strategy: AuthStrategy,
  keys: { publicKey: string; privateKey: string },
): Promise<boolean> {
  const session = strategy.start(OFFLINE_CONTEXT);
  const first = new AtlasRequest("https://cloud.mongodb.com/api/atlas/v2/orgs/x");
  await session.authorize(first);
  const challenge = new Response(null, {
    status: 401,
    headers: { "WWW-Authenticate": 'Digest realm="MMS Public API", nonce="n0", qop="auth"' },
  });
  session.onResponse!(first, challenge);
  await session.onUnauthorized!(first, challenge);
  const again = first.clone();
  await session.authorize(again);
  const fields = authorizationFields(again.headers.get("Authorization")!);
  const expected = referenceResponse({
    algorithm: "MD5",
    username: keys.publicKey,
    password: keys.privateKey,
    realm: "MMS Public API",
    method: "GET",
    uri: "/api/atlas/v2/orgs/x",
    nonce: "n0",
    nc: fields.nc!,
    cnonce: fields.cnonce!,
    qop: "auth",
  });
  return fields.username === keys.publicKey && fields.response === expected;
}

describe("fromEnv", () => {
  it("reads a service account", async () => {
    const strategy = fromEnv({ [ID]: "mdb_sa_id_1", [SECRET]: clientSecret });
    expect(strategy.label).toBe("service account mdb_sa_id_1");
    expect(await basicHeaderOf(strategy)).toBe(
      `Basic ${basicForms("mdb_sa_id_1", clientSecret)[1]}`,
    );
  });

  it("reads an API key", async () => {
    const strategy = fromEnv({ [PUBLIC]: "abcdefgh", [PRIVATE]: privateKey });
    expect(strategy.label).toBe("API key abcdefgh");
    expect(await answersDigestWith(strategy, { publicKey: "abcdefgh", privateKey })).toBe(true);
    expect(await answersDigestWith(strategy, { publicKey: "abcdefgh", privateKey: "other" })).toBe(
      false,
    );
  });

  it("reads an API key under the Atlas CLI's names, before the older ones", async () => {
    const strategy = fromEnv({ [CLI_PUBLIC]: "abcdefgh", [CLI_PRIVATE]: privateKey });
    expect(strategy.label).toBe("API key abcdefgh");
    expect(await answersDigestWith(strategy, { publicKey: "abcdefgh", privateKey })).toBe(true);

    const both = fromEnv({
      [PUBLIC]: "olderkey",
      [PRIVATE]: "older-private",
      [CLI_PUBLIC]: "abcdefgh",
      [CLI_PRIVATE]: privateKey,
    });
    expect(both.label).toBe("API key abcdefgh");
    expect(await answersDigestWith(both, { publicKey: "abcdefgh", privateKey })).toBe(true);
  });

  it("prefers the service account when both pairs are complete", () => {
    const strategy = fromEnv({
      [ID]: "mdb_sa_id_1",
      [SECRET]: clientSecret,
      [PUBLIC]: "abcdefgh",
      [PRIVATE]: privateKey,
    });
    expect(strategy.label).toBe("service account mdb_sa_id_1");
  });

  it("refuses a half-set pair before the complete one rather than skip it, naming both variables", () => {
    // A service account with its secret forgotten or blank, and an API key also set: the user meant
    // the service account, so using the key without a word would hide the mistake.
    for (const secret of [undefined, "", "   "]) {
      const env = {
        [ID]: "mdb_sa_id_visible",
        [SECRET]: secret,
        [CLI_PUBLIC]: "abc",
        [CLI_PRIVATE]: privateKey,
      };
      const err = thrown(() => fromEnv(env));
      expect(err.message).toBe(
        `atlas-invites: fromEnv: ${ID} is set but ${SECRET} is not: set both, or unset both to use ${CLI_PUBLIC} and ${CLI_PRIVATE}`,
      );
      expect(err.violations).toEqual([
        { path: SECRET, rule: "required", message: `${SECRET} is not set` },
      ]);
      expect(leakedSecrets(err, [privateKey, "mdb_sa_id_visible"])).toEqual([]);
    }
    // Only the secret set; the older names complete, the Atlas CLI's names unset.
    const secretOnly = thrown(() =>
      fromEnv({ [SECRET]: clientSecret, [PUBLIC]: "abcdefgh", [PRIVATE]: privateKey }),
    );
    expect(secretOnly.message).toBe(
      `atlas-invites: fromEnv: ${SECRET} is set but ${ID} is not: set both, or unset both to use ${PUBLIC} and ${PRIVATE}`,
    );
    expect(leakedSecrets(secretOnly, [clientSecret, privateKey])).toEqual([]);
    // The Atlas CLI's names half set before the older ones complete.
    const cli = thrown(() =>
      fromEnv({ [CLI_PRIVATE]: privateKey, [PUBLIC]: "abcdefgh", [PRIVATE]: privateKey }),
    );
    expect(cli.message).toBe(
      `atlas-invites: fromEnv: ${CLI_PRIVATE} is set but ${CLI_PUBLIC} is not: set both, or unset both to use ${PUBLIC} and ${PRIVATE}`,
    );
  });

  it("ignores a half-set pair after the complete one it prefers", () => {
    const account = fromEnv({
      [ID]: "mdb_sa_id_1",
      [SECRET]: clientSecret,
      [CLI_PUBLIC]: "abcdefgh",
      [PRIVATE]: privateKey,
    });
    expect(account.label).toBe("service account mdb_sa_id_1");
    const key = fromEnv({ [CLI_PUBLIC]: "abcdefgh", [CLI_PRIVATE]: privateKey, [PUBLIC]: "older" });
    expect(key.label).toBe("API key abcdefgh");
  });

  it("names every variable it reads when none is set", () => {
    const err = thrown(() => fromEnv({ [SECRET]: "  ", [PRIVATE]: "" }));
    expect(err.message).toBe(
      `atlas-invites: no complete Atlas credentials in the environment: missing ${ID} and ${SECRET}, or ${CLI_PUBLIC} and ${CLI_PRIVATE}, or ${PUBLIC} and ${PRIVATE}`,
    );
    const all = [ID, SECRET, CLI_PUBLIC, CLI_PRIVATE, PUBLIC, PRIVATE];
    expect(err.violations.map((v) => v.path)).toEqual(all);
  });

  it("names only what is missing from the pairs that were started, never the values", () => {
    const env = { [ID]: "mdb_sa_id_visible", [PRIVATE]: privateKey };
    const err = thrown(() => fromEnv(env));
    expect(err.message).toBe(
      `atlas-invites: no complete Atlas credentials in the environment: missing ${SECRET}, or ${PUBLIC}`,
    );
    expect(leakedSecrets(err, [privateKey, "mdb_sa_id_visible"])).toEqual([]);

    const half = thrown(() => fromEnv({ [SECRET]: clientSecret }));
    expect(half.message).toContain(`missing ${ID}`);
    expect(half.message).not.toContain(PUBLIC);
    expect(leakedSecrets(half, [clientSecret])).toEqual([]);
  });

  it("refuses variables that hold unusable credentials, naming the variables, not the values", () => {
    const broken = `${clientSecret}\r\nX-Injected: 1`;
    const err = thrown(() => fromEnv({ [ID]: "mdb_sa_id_1", [SECRET]: broken }));
    expect(err.message).toBe(
      `atlas-invites: fromEnv: ${ID} and ${SECRET} do not hold usable credentials: serviceAccount: clientSecret must be a non-empty string without line breaks or control characters`,
    );
    expect(err.violations.map((v) => v.path)).toEqual(["clientSecret"]);
    expect(leakedSecrets(err, [clientSecret, "X-Injected"])).toEqual([]);

    const key = thrown(() => fromEnv({ [PUBLIC]: 'ab"cd', [PRIVATE]: privateKey }));
    expect(key.message).toContain(`${PUBLIC} and ${PRIVATE} do not hold usable credentials`);
    expect(leakedSecrets(key, [privateKey, 'ab"cd'])).toEqual([]);
  });

  it("refuses an argument that is not an object, and a variable that is not a string, by name", () => {
    for (const env of [null, "MONGODB_ATLAS_CLIENT_ID=x", 5]) {
      const err = thrown(() => fromEnv(env as never));
      expect(err.message).toBe(
        "atlas-invites: fromEnv: its argument must be an object of environment variables, such as process.env",
      );
      expect(err.violations.map((v) => v.path)).toEqual(["its argument"]);
    }
    // A number, and an object whose string form would be the secret: named, never shown.
    const secretish = { toString: () => clientSecret };
    for (const value of [5, secretish, null]) {
      const err = thrown(() => fromEnv({ [ID]: value, [SECRET]: clientSecret } as never));
      expect(err.message).toBe(`atlas-invites: fromEnv: ${ID} must be a string`);
      expect(err.violations).toEqual([
        { path: ID, rule: "type", message: `${ID} must be a string` },
      ]);
      expect(leakedSecrets(err, [clientSecret])).toEqual([]);
    }
    const key = thrown(() => fromEnv({ [PUBLIC]: "abcdefgh", [PRIVATE]: 42 } as never));
    expect(key.message).toBe(`atlas-invites: fromEnv: ${PRIVATE} must be a string`);
  });

  it("reads process.env by default, when it is called", () => {
    vi.stubEnv(ID, "mdb_sa_id_from_env");
    vi.stubEnv(SECRET, clientSecret);
    const strategy = fromEnv();
    vi.stubEnv(ID, "mdb_sa_id_changed_later");
    expect(strategy.label).toBe("service account mdb_sa_id_from_env");
  });
});

describe("fromEnv() with a client", () => {
  function clearEnv() {
    for (const name of [ID, SECRET, CLI_PUBLIC, CLI_PRIVATE, PUBLIC, PRIVATE]) {
      vi.stubEnv(name, "");
    }
  }

  it("authenticates with a service account from the environment", async () => {
    const fake = await startFakeAtlas();
    try {
      clearEnv();
      vi.stubEnv(ID, fake.credentials.serviceAccount.clientId);
      vi.stubEnv(SECRET, fake.credentials.serviceAccount.clientSecret);
      const atlas = createAtlasInvites({
        auth: fromEnv(),
        baseUrl: fake.url,
        onDeprecation: false,
      });
      const seeded = fake.invites.addOrgInvite();
      expect((await atlas.getOrgInvite({ orgId: seeded.orgId, invitationId: seeded.id })).id).toBe(
        seeded.id,
      );
      expect(fake.stats.tokenRequests).toBe(1);
      expect(inspect(atlas)).toContain(fake.credentials.serviceAccount.clientId);
      await atlas.close();
    } finally {
      await fake.close();
    }
  });

  it("authenticates with an API key from the environment", async () => {
    const fake = await startFakeAtlas();
    try {
      clearEnv();
      vi.stubEnv(PUBLIC, fake.credentials.apiKey.publicKey);
      vi.stubEnv(PRIVATE, fake.credentials.apiKey.privateKey);
      const atlas = createAtlasInvites({
        auth: fromEnv(),
        baseUrl: fake.url,
        onDeprecation: false,
      });
      const seeded = fake.invites.addOrgInvite();
      await atlas.getOrgInvite({ orgId: seeded.orgId, invitationId: seeded.id });
      expect(fake.stats.exchanges).toBe(2);
      expect(fake.requests[1]!.headers.authorization).toMatch(/^Digest /);
      expect(fake.stats.tokenRequests).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it("refuses before a client exists when the environment holds no complete pair", () => {
    clearEnv();
    vi.stubEnv(PRIVATE, privateKey);
    const err = thrown(() => createAtlasInvites({ auth: fromEnv() }));
    expect(err.message).toContain(`missing ${PUBLIC}`);
    expect(leakedSecrets(err, [privateKey])).toEqual([]);
  });
});

describe("strategy input is checked when the strategy is created", () => {
  // What each credential field must be: one message per field, whatever is wrong with it.
  const CLIENT_ID_RULE =
    /serviceAccount: clientId must be a non-empty string of visible ASCII characters only, without ':'$/;
  const CLIENT_SECRET_RULE =
    /serviceAccount: clientSecret must be a non-empty string without line breaks or control characters$/;
  const PUBLIC_KEY_RULE =
    /apiKey: publicKey must be a non-empty string of visible ASCII characters only, without '"' or '\\'$/;
  const PRIVATE_KEY_RULE =
    /apiKey: privateKey must be a non-empty string without line breaks or control characters$/;
  const TOKEN_RULE =
    /accessToken: token must be a non-empty string of visible ASCII characters only$/;
  const cases: [string, () => unknown, string, RegExp][] = [
    [
      "an empty client id",
      () => serviceAccount({ clientId: "", clientSecret }),
      "clientId",
      CLIENT_ID_RULE,
    ],
    [
      "a client id that is not a string",
      () => serviceAccount({ clientId: 42 as unknown as string, clientSecret }),
      "clientId",
      /serviceAccount: clientId must be a non-empty string/,
    ],
    [
      "a client id with a colon",
      () => serviceAccount({ clientId: "mdb:sa", clientSecret }),
      "clientId",
      CLIENT_ID_RULE,
    ],
    [
      "a client id with a space",
      () => serviceAccount({ clientId: "mdb sa", clientSecret }),
      "clientId",
      CLIENT_ID_RULE,
    ],
    [
      "a client id with a line break",
      () => serviceAccount({ clientId: "mdb_sa_id_1\nX: y", clientSecret }),
      "clientId",
      CLIENT_ID_RULE,
    ],
    [
      "a client id beyond ASCII",
      () => serviceAccount({ clientId: "mdb_sa_id_é", clientSecret }),
      "clientId",
      CLIENT_ID_RULE,
    ],
    [
      "an empty client secret",
      () => serviceAccount({ clientId: "mdb_sa_id_1", clientSecret: "" }),
      "clientSecret",
      CLIENT_SECRET_RULE,
    ],
    [
      "a blank client secret",
      () => serviceAccount({ clientId: "mdb_sa_id_1", clientSecret: " \t" }),
      "clientSecret",
      CLIENT_SECRET_RULE,
    ],
    [
      "a client secret with a line break",
      () => serviceAccount({ clientId: "mdb_sa_id_1", clientSecret: `${clientSecret}\r\nX: y` }),
      "clientSecret",
      CLIENT_SECRET_RULE,
    ],
    [
      "a client secret with a NUL",
      () => serviceAccount({ clientId: "mdb_sa_id_1", clientSecret: `${clientSecret}\u0000` }),
      "clientSecret",
      CLIENT_SECRET_RULE,
    ],
    [
      "a client secret with DEL",
      () => serviceAccount({ clientId: "mdb_sa_id_1", clientSecret: `${clientSecret}\u007f` }),
      "clientSecret",
      CLIENT_SECRET_RULE,
    ],
    [
      "an empty public key",
      () => apiKey({ publicKey: "", privateKey }),
      "publicKey",
      PUBLIC_KEY_RULE,
    ],
    [
      "a public key with spaces",
      () => apiKey({ publicKey: "ab cd", privateKey }),
      "publicKey",
      PUBLIC_KEY_RULE,
    ],
    [
      "a public key with a quote",
      () => apiKey({ publicKey: 'ab"cd', privateKey }),
      "publicKey",
      PUBLIC_KEY_RULE,
    ],
    [
      "a public key with a backslash",
      () => apiKey({ publicKey: "ab\\cd", privateKey }),
      "publicKey",
      PUBLIC_KEY_RULE,
    ],
    [
      "an empty private key",
      () => apiKey({ publicKey: "abcdefgh", privateKey: "" }),
      "privateKey",
      PRIVATE_KEY_RULE,
    ],
    [
      "a private key with a line break",
      () => apiKey({ publicKey: "abcdefgh", privateKey: `${privateKey}\nX: y` }),
      "privateKey",
      PRIVATE_KEY_RULE,
    ],
    [
      "a private key with a NUL",
      () => apiKey({ publicKey: "abcdefgh", privateKey: `${privateKey}\u0000` }),
      "privateKey",
      PRIVATE_KEY_RULE,
    ],
    ["an empty token", () => accessToken({ token: "" }), "token", TOKEN_RULE],
    ["a token with a space", () => accessToken({ token: `${token} X: y` }), "token", TOKEN_RULE],
    [
      "a token with a line break",
      () => accessToken({ token: `${token}\r\nX: y` }),
      "token",
      TOKEN_RULE,
    ],
    ["a token with a NUL", () => accessToken({ token: `${token}\u0000` }), "token", TOKEN_RULE],
    ["a token beyond ASCII", () => accessToken({ token: `${token}é` }), "token", TOKEN_RULE],
    [
      "a public key given to a service account",
      () => serviceAccount({ clientId: "mdb_sa_id_1", clientSecret, publicKey: "a" } as never),
      "publicKey",
      /serviceAccount: publicKey is not an option; it takes clientId and clientSecret/,
    ],
    [
      "a token next to an API key",
      () => apiKey({ publicKey: "abcdefgh", privateKey, token } as never),
      "token",
      /apiKey: token is not an option; it takes publicKey and privateKey/,
    ],
    [
      "an unknown field",
      () => serviceAccount({ clientId: "mdb_sa_id_1", clientSecret, scope: clientSecret } as never),
      "scope",
      /serviceAccount: scope is not an option; it takes clientId and clientSecret/,
    ],
    [
      "no argument",
      () => serviceAccount(undefined as never),
      "its argument",
      /serviceAccount: its argument must be an object with clientId and clientSecret/,
    ],
    [
      "a string for an API key",
      () => apiKey(privateKey as never),
      "its argument",
      /apiKey: its argument must be an object with publicKey and privateKey/,
    ],
    [
      "null for a token",
      () => accessToken(null as never),
      "its argument",
      /accessToken: its argument must be an object with token/,
    ],
  ];
  it.each(cases)(
    "refuses %s, naming the field, never the value",
    (_label, create, field, message) => {
      const err = thrown(create);
      expect(err.message).toMatch(message);
      expect(err.message).toMatch(/^atlas-invites: /);
      expect(err.violations.map((v) => v.path)).toEqual([field]);
      expect(leakedSecrets(err, [clientSecret, privateKey, token, "X: y"])).toEqual([]);
    },
  );

  // Slips a newcomer makes when copying credentials: the message names what went wrong.
  const slips: [string, () => unknown, string][] = [
    [
      "a token copied with its Authorization scheme",
      () => accessToken({ token: `Bearer ${token}` }),
      'atlas-invites: accessToken: token must be a non-empty string of visible ASCII characters only; give the token without "Bearer "',
    ],
    [
      "a token read from a file with its final line break",
      () => accessToken({ token: `${token}\n` }),
      "atlas-invites: accessToken: token must be a non-empty string of visible ASCII characters only; it has a space or line break at its start or end",
    ],
    [
      "a client id pasted with a space before it",
      () => serviceAccount({ clientId: " mdb_sa_id_1", clientSecret }),
      "atlas-invites: serviceAccount: clientId must be a non-empty string of visible ASCII characters only, without ':'; it has a space or line break at its start or end",
    ],
    [
      "a private key from a file with CRLF line endings",
      () => apiKey({ publicKey: "abcdefgh", privateKey: `${privateKey}\r` }),
      "atlas-invites: apiKey: privateKey must be a non-empty string without line breaks or control characters; it has a space or line break at its start or end",
    ],
  ];
  it.each(slips)("says what is wrong with %s, without the value", (_label, create, message) => {
    const err = thrown(create);
    expect(err.message).toBe(message);
    expect(leakedSecrets(err, [clientSecret, privateKey, token])).toEqual([]);
  });

  it("accepts secrets with any printable text, which form encoding would change", async () => {
    const strategy = serviceAccount({
      clientId: "mdb_sa_id_a+b/c%d",
      clientSecret: "s3:cr+t/ %&=é",
    });
    expect(await basicHeaderOf(strategy)).toBe(
      `Basic ${Buffer.from("mdb_sa_id_a+b/c%d:s3:cr+t/ %&=é", "utf8").toString("base64")}`,
    );
    expect(() =>
      apiKey({ publicKey: "abc-DEF_123", privateKey: "ключ с пробелами" }),
    ).not.toThrow();
  });
});

describe("options checked when the client is created", () => {
  const strategy = apiKey({ publicKey: "abcdefgh", privateKey });

  const authCases: [string, unknown][] = [
    ["no auth", undefined],
    ['the retired "env" shorthand', "env"],
    ["an unknown shorthand", "environment"],
    ["the retired object form", { type: "serviceAccount", clientId: "mdb_sa_id_1", clientSecret }],
    ["a secret passed as the type", { type: clientSecret, publicKey: "abcdefgh", privateKey }],
    ["an object with a label and no start", { label: "mine" }],
    ["a strategy factory not called", serviceAccount],
  ];
  it.each(authCases)("refuses %s as auth, without echoing a secret", (_label, auth) => {
    const fetch = stubFetch(() => new Response("{}"));
    const err = thrown(() =>
      createAtlasInvites({ auth: auth as AuthStrategy, fetch, onDeprecation: false }),
    );
    expect(err.message).toBe(
      "atlas-invites: options.auth must be an auth strategy: serviceAccount(), apiKey(), accessToken(), fromEnv(), or your own object with a label and start()",
    );
    expect(err.violations.map((v) => v.path)).toEqual(["auth"]);
    expect(leakedSecrets(err, [clientSecret, privateKey])).toEqual([]);
    expect(fetch.calls).toHaveLength(0);
  });

  it.each([
    ["nothing", undefined],
    ["a promise of a session", Promise.resolve({ authorize: () => undefined })],
    ["a session without authorize", { onUnauthorized: () => false }],
  ])("refuses a strategy whose start() returns %s, when the client is created", (_l, session) => {
    const fetch = stubFetch(() => new Response("{}"));
    const auth = { label: "mine", start: () => session } as unknown as AuthStrategy;
    const err = thrown(() => createAtlasInvites({ auth, fetch, onDeprecation: false }));
    expect(err.message).toBe(
      "atlas-invites: options.auth: its start() must return a session with an authorize(request) function",
    );
    expect(err.violations.map((v) => v.path)).toEqual(["auth"]);
    expect(fetch.calls).toHaveLength(0);
  });

  it.each([
    "cloud.mongodb.com",
    "cloud.mongodb.com/api/atlas/v2",
    `${privateKey}@cloud.mongodb.com`,
  ])("refuses a baseUrl that is not an absolute URL, saying what one looks like: %s", (baseUrl) => {
    const err = thrown(() => createAtlasInvites({ auth: strategy, baseUrl }));
    expect(err.message).toBe(
      "atlas-invites: options.baseUrl is not an absolute URL, such as https://cloud.mongodb.com",
    );
    expect(err.violations.map((v) => v.path)).toEqual(["baseUrl"]);
  });

  it.each([
    ["https://cloud.mongodb.com/api/atlas/v2", "/api/atlas"],
    ["https://cloud.mongodb.com/api/atlas/v2/", "/api/atlas"],
    ["https://proxy.example/mongo/api/atlas", "/api/atlas"],
    ["https://cloud.mongodb.com/api/oauth", "/api/oauth"],
  ])("refuses a baseUrl holding a path the client adds itself: %s", (baseUrl, part) => {
    const fetch = stubFetch(() => new Response("{}"));
    const err = thrown(() => createAtlasInvites({ auth: strategy, baseUrl, fetch }));
    expect(err.message).toBe(
      `atlas-invites: options.baseUrl must not contain ${part}, which the client adds to every path; give what comes before it, such as https://cloud.mongodb.com`,
    );
    expect(err.violations.map((v) => v.path)).toEqual(["baseUrl"]);
    expect(fetch.calls).toHaveLength(0);
  });

  it("accepts a baseUrl with a path prefix of a proxy's own", () => {
    expect(() =>
      createAtlasInvites({ auth: strategy, baseUrl: "https://proxy.example/mongo/api" }),
    ).not.toThrow();
  });

  it("accepts https anywhere and plain http only on loopback", () => {
    for (const baseUrl of [
      "https://cloud.mongodb.com",
      "https://cloud.mongodbgov.com/",
      "http://127.0.0.1:8080",
      "http://localhost:8080",
      "http://[::1]:8080",
    ]) {
      expect(() => createAtlasInvites({ auth: strategy, baseUrl })).not.toThrow();
    }
    for (const baseUrl of ["http://cloud.mongodb.com", "http://10.0.0.1", "ftp://127.0.0.1"]) {
      expect(thrown(() => createAtlasInvites({ auth: strategy, baseUrl })).message).toMatch(
        /options\.baseUrl must use https \(plain http is allowed only for localhost, 127\.0\.0\.1, \[::1\]\)/,
      );
    }
    const withPassword = thrown(() =>
      createAtlasInvites({
        auth: strategy,
        baseUrl: `https://user:${privateKey}@cloud.mongodb.com`,
      }),
    );
    expect(withPassword.message).toMatch(/must not contain credentials/);
    expect(leakedSecrets(withPassword, [privateKey])).toEqual([]);
  });

  it.each([
    "https://cloud.mongodb.com?",
    "https://cloud.mongodb.com/#",
    "https://cloud.mongodb.com/?envelope=true",
    "https://cloud.mongodb.com/#part",
  ])("refuses a baseUrl with a query or fragment, even an empty one: %s", (baseUrl) => {
    const err = thrown(() => createAtlasInvites({ auth: strategy, baseUrl }));
    expect(err.message).toBe(
      "atlas-invites: options.baseUrl must not have a query string or fragment",
    );
  });

  it.each([
    [
      "an unknown option",
      { retries: 3 },
      /options\.retries is not an option of createAtlasInvites/,
    ],
    [
      "an unknown retry option",
      { retry: { maxRetry: 1 } },
      /options\.retry\.maxRetry is not a retry option; it takes maxRetries, maxElapsedMs, baseDelayMs, maxDelayMs$/,
    ],
    [
      "a retry option in the wrong case",
      { retry: { maxretries: 1 } },
      /options\.retry\.maxretries is not a retry option \(did you mean maxRetries\?\); it takes maxRetries, /,
    ],
    [
      "a misspelt option",
      { timout: 5_000 },
      /^atlas-invites: options\.timout is not an option of createAtlasInvites \(did you mean timeout\?\); it takes auth, /,
    ],
    [
      "a timeout named with its unit, as other clients name it",
      { timeoutMs: 5_000 },
      /^atlas-invites: options\.timeoutMs is not an option of createAtlasInvites \(did you mean timeout\?\); it takes auth, /,
    ],
    [
      "an option in the wrong case",
      { BaseUrl: "https://cloud.mongodb.com" },
      /options\.BaseUrl is not an option of createAtlasInvites \(did you mean baseUrl\?\)/,
    ],
    [
      "a negative timeout",
      { timeout: -1 },
      /options\.timeout must be a number of milliseconds from 0 to 2147483647/,
    ],
    [
      "a timeout longer than a timer keeps",
      { timeout: 3_000_000_000 },
      /options\.timeout must be a number of milliseconds from 0 to 2147483647 \(about 24\.8 days\)/,
    ],
    [
      "a retry delay longer than a timer keeps",
      { retry: { maxDelayMs: 2 ** 31 } },
      /options\.retry\.maxDelayMs must be a number of milliseconds from 0 to 2147483647/,
    ],
    [
      "a retry count that is not finite",
      { retry: { maxRetries: Infinity } },
      /options\.retry\.maxRetries must be a whole number of at least 0/,
    ],
    [
      "a retry count that is not whole",
      { retry: { maxRetries: 1.5 } },
      /options\.retry\.maxRetries must be a whole number of at least 0/,
    ],
    ["a retry that is not an object", { retry: true }, /options\.retry must be an object or false/],
    [
      "an onRetry that is not a function",
      { onRetry: "log" },
      /options\.onRetry must be a function/,
    ],
    [
      "onDeprecation true",
      { onDeprecation: true },
      /options\.onDeprecation must be a function or false/,
    ],
    ["a fetch that is not a function", { fetch: "fetch" }, /options\.fetch must be a function/],
  ])("refuses %s", (_label, options, message) => {
    const err = thrown(() =>
      createAtlasInvites({ auth: strategy, ...(options as Record<string, unknown>) }),
    );
    expect(err.message).toMatch(message);
    // The same mistake, as one violation a program can list.
    const [only, ...others] = err.violations;
    expect(others).toEqual([]);
    expect(message.test(`atlas-invites: options.${only!.message.replace(": ", " ")}`)).toBe(true);
  });

  it.each([undefined, null, "auth"])("refuses %j in place of the options object", (options) => {
    const err = thrown(() => createAtlasInvites(options as never));
    expect(err).toBeInstanceOf(AtlasValidationError);
    expect(err.message).toBe("atlas-invites: createAtlasInvites needs an options object");
    expect(err.violations).toEqual([
      {
        path: "",
        rule: "type",
        message: `options: expected an options object, got ${options === "auth" ? "a string" : String(options)}`,
      },
    ]);
  });
});

describe("strategies keep secrets in closures", () => {
  const strategies: [string, () => AuthStrategy, string[]][] = [
    [
      "serviceAccount",
      () => serviceAccount({ clientId: "mdb_sa_id_1", clientSecret }),
      basicForms("mdb_sa_id_1", clientSecret),
    ],
    ["apiKey", () => apiKey({ publicKey: "abcdefgh", privateKey }), [privateKey]],
    ["accessToken", () => accessToken({ token }), [token]],
  ];
  it.each(strategies)(
    "%s: nothing in its fields, its session, util.inspect or JSON",
    (_n, make, secrets) => {
      const strategy = make();
      expect(leakedSecrets(strategy, secrets)).toEqual([]);
      expect(Object.values(strategy).filter((v) => typeof v !== "function")).toEqual([
        strategy.label,
      ]);
      expect(leakedSecrets(strategy.start(OFFLINE_CONTEXT), secrets)).toEqual([]);
      const atlas = createAtlasInvites({ auth: strategy, onDeprecation: false });
      expect(leakedSecrets(atlas, secrets)).toEqual([]);
      expect(inspect(atlas)).toContain(strategy.label);
    },
  );
});

describe("a strategy of your own", () => {
  it("authenticates with a token read from an asynchronous secrets manager", async () => {
    const stored = `mdb_custom_${"a".repeat(32)}`;
    const fake = await startFakeAtlas({ accessTokens: [stored] });
    try {
      const auth = secretsManager(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return stored;
      });
      const atlas = createAtlasInvites({ auth, baseUrl: fake.url, onDeprecation: false });
      const seeded = fake.invites.addOrgInvite();
      const ids = { orgId: seeded.orgId, invitationId: seeded.id };
      const results = await Promise.all([atlas.getOrgInvite(ids), atlas.getOrgInvite(ids)]);
      expect(results.map((r) => r.id)).toEqual([seeded.id, seeded.id]);
      await atlas.getOrgInvite(ids);
      expect(auth.stats.reads).toBe(1);
      expect(fake.requests.map((r) => r.headers.authorization)).toEqual(
        Array(3).fill(`Bearer ${stored}`),
      );
      expect(inspect(atlas)).toContain("secrets manager");
      expect(leakedSecrets(atlas, [stored])).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it("is sent once more after a 401 when it renews its token, and only once", async () => {
    const stale = `mdb_custom_stale_${"b".repeat(24)}`;
    const fresh = `mdb_custom_fresh_${"c".repeat(24)}`;
    const fake = await startFakeAtlas({ accessTokens: [fresh] });
    try {
      const store = [stale, fresh];
      const auth = secretsManager(() => Promise.resolve(store.shift() ?? fresh));
      const atlas = createAtlasInvites({ auth, baseUrl: fake.url, onDeprecation: false });
      const seeded = fake.invites.addOrgInvite();
      const invite = await atlas.getOrgInvite({ orgId: seeded.orgId, invitationId: seeded.id });
      expect(invite.id).toBe(seeded.id);
      expect(fake.requests.map((r) => [r.headers.authorization, r.status])).toEqual([
        [`Bearer ${stale}`, 401],
        [`Bearer ${fresh}`, 200],
      ]);
      expect(auth.stats).toEqual({ reads: 2, refused: 1 });

      // A store that keeps answering the refused token: no second try, the 401 goes back.
      const stuck = secretsManager(() => Promise.resolve(stale));
      const other = createAtlasInvites({ auth: stuck, baseUrl: fake.url, onDeprecation: false });
      fake.requests.length = 0;
      const err = await other
        .getOrgInvite({ orgId: seeded.orgId, invitationId: seeded.id })
        .catch((e: unknown) => e);
      expect(isAtlasApiError(err, 401)).toBe(true);
      expect(fake.requests).toHaveLength(1);
      expect(leakedSecrets(err, [stale])).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it("has its bearer token scrubbed from errors, though it never named it as a secret", async () => {
    const stored = `mdb_custom_${"d".repeat(32)}`;
    const fake = await startFakeAtlas({ accessTokens: [stored] });
    try {
      fake.inject({
        kind: "status",
        status: 400,
        body: {
          error: 400,
          errorCode: "INVALID_ATTRIBUTE",
          detail: `Invalid attribute ${stored} specified.`,
          parameters: [stored],
        },
      });
      const auth = secretsManager(() => Promise.resolve(stored));
      const atlas = createAtlasInvites({ auth, baseUrl: fake.url, onDeprecation: false });
      const err = (await atlas
        .getOrgInvite({
          orgId: "4888442a3354817a7320eb61",
          invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e",
        })
        .catch((e: unknown) => e)) as AtlasApiError;
      expect(err).toBeInstanceOf(AtlasApiError);
      expect(err.message).toContain("Invalid attribute [redacted] specified.");
      expect(err.parameters).toEqual(["[redacted]"]);
      expect(leakedSecrets(err, [stored])).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it("is waited for before a retry within that attempt's timeout, not the call's", async () => {
    const stored = `mdb_custom_${"e".repeat(32)}`;
    const fake = await startFakeAtlas({ accessTokens: [stored] });
    try {
      // Reads the store before every request, the retry too, and the read takes 20 ms. The
      // retry comes after a Retry-After of one second, past the call's first 500 ms.
      let reads = 0;
      const auth: AuthStrategy = {
        label: "store read every time",
        start: () => ({
          async authorize(request) {
            reads++;
            await new Promise((resolve) => setTimeout(resolve, 20));
            request.headers.set("Authorization", `Bearer ${stored}`);
          },
        }),
      };
      fake.inject({ kind: "status", status: 429, retryAfter: 1, operationId: "getOrgInvite" });
      const atlas = createAtlasInvites({
        auth,
        baseUrl: fake.url,
        onDeprecation: false,
        timeout: 500,
      });
      const seeded = fake.invites.addOrgInvite();
      const invite = await atlas.getOrgInvite({ orgId: seeded.orgId, invitationId: seeded.id });
      expect(invite.id).toBe(seeded.id);
      expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
      expect(reads).toBe(2);
      await atlas.close();
    } finally {
      await fake.close();
    }
  });

  it("is waited for after a 401 no longer than the call's signal and timeout allow", async () => {
    const fake = await startFakeAtlas({ accessTokens: [`mdb_custom_${"f".repeat(32)}`] });
    try {
      // A store that takes two seconds to renew a token Atlas refused.
      const timers: NodeJS.Timeout[] = [];
      const auth: AuthStrategy = {
        label: "slow store",
        start: () => ({
          authorize(request) {
            request.headers.set("Authorization", `Bearer mdb_custom_refused_${"g".repeat(24)}`);
          },
          onUnauthorized: () =>
            new Promise<boolean>((resolve) => timers.push(setTimeout(resolve, 2_000, false))),
        }),
      };
      const atlas = createAtlasInvites({ auth, baseUrl: fake.url, onDeprecation: false });
      const seeded = fake.invites.addOrgInvite();
      const ids = { orgId: seeded.orgId, invitationId: seeded.id };

      const controller = new AbortController();
      const reason = new Error("the caller gave up");
      setTimeout(() => controller.abort(reason), 100);
      let started = Date.now();
      const aborted = await atlas
        .getOrgInvite({ ...ids, signal: controller.signal })
        .catch((e: unknown) => e);
      expect(aborted).toBe(reason);
      expect(Date.now() - started).toBeLessThan(1_000);

      started = Date.now();
      const late = await atlas.getOrgInvite({ ...ids, timeout: 200 }).catch((e: unknown) => e);
      expect(late).toBeInstanceOf(AtlasTimeoutError);
      expect((late as Error).message).toContain(
        "timed out after 200 ms while waiting for credentials",
      );
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(fake.requests.map((r) => r.status)).toEqual([401, 401]);
      for (const timer of timers) clearTimeout(timer);
      await atlas.close();
    } finally {
      await fake.close();
    }
  });

  it("ends the call with the strategy's own error, before anything is sent", async () => {
    const failure = new Error("the secrets manager is unreachable");
    const auth = secretsManager(() => Promise.reject(failure));
    const fetch = stubFetch(() => new Response("{}"));
    const atlas = createAtlasInvites({ auth, fetch, onDeprecation: false });
    const err = await atlas
      .getOrgInvite({ orgId: "4888442a3354817a7320eb61", invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e" })
      .catch((e: unknown) => e);
    expect(err).toBe(failure);
    expect(fetch.calls).toHaveLength(0);
  });
});

describe("close() ends calls the same way for every strategy", () => {
  /** An error that is a plain AtlasError, not one of its subclasses, saying the client closed. */
  function expectClosed(err: unknown) {
    expect(err).toBeInstanceOf(AtlasError);
    expect((err as Error).constructor).toBe(AtlasError);
    expect((err as Error).message).toBe(CLOSED);
  }

  it("fails a call made without await just before close() as not sent, saying to await it", async () => {
    const fake = await startFakeAtlas();
    try {
      const { accessToken: token, serviceAccount: account } = fake.credentials;
      const seeded = fake.invites.addOrgInvite();
      const ids = { orgId: seeded.orgId, invitationId: seeded.id };
      for (const auth of [serviceAccount(account), accessToken({ token })]) {
        const atlas = createAtlasInvites({ auth, baseUrl: fake.url, onDeprecation: false });
        // The slip: the promise is neither awaited nor kept before the client closes.
        const forgotten = atlas.getOrgInvite(ids).catch((e: unknown) => e);
        await atlas.close();
        const err = await forgotten;
        expectClosed(err);
        expect((err as Error).message).toContain("await");
      }
      expect(fake.requests).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });

  it("fails every call after close() as closed, whatever the credentials, sending nothing", async () => {
    const fake = await startFakeAtlas();
    try {
      const { accessToken: token, apiKey: keys, serviceAccount: account } = fake.credentials;
      const strategies = [
        serviceAccount(account),
        apiKey(keys),
        accessToken({ token }),
        secretsManager(() => Promise.resolve(token)),
      ];
      const seeded = fake.invites.addOrgInvite();
      const ids = { orgId: seeded.orgId, invitationId: seeded.id };
      for (const auth of strategies) {
        const atlas = createAtlasInvites({ auth, baseUrl: fake.url, onDeprecation: false });
        expect((await atlas.getOrgInvite(ids)).id).toBe(seeded.id);
        await atlas.close();
        const sent = fake.requests.length;
        expectClosed(await atlas.getOrgInvite(ids).catch((e: unknown) => e));
        expect(fake.requests.length).toBe(sent);
        // Before the first call as well: a fresh client closed at once.
        const unused = createAtlasInvites({ auth, baseUrl: fake.url, onDeprecation: false });
        await unused.close();
        expectClosed(await unused.getOrgInvite(ids).catch((e: unknown) => e));
        expect(fake.requests.length).toBe(sent);
      }
    } finally {
      await fake.close();
    }
  });

  it("fails a call as closed when close() runs while it waits for credentials that then fail", async () => {
    const fake = await startFakeAtlas();
    try {
      const seeded = fake.invites.addOrgInvite();
      const ids = { orgId: seeded.orgId, invitationId: seeded.id };

      // A service account whose token request is refused after close() began.
      fake.tokenEndpoint.replyNext({ status: 500, body: { error: "server_error" }, delayMs: 100 });
      const atlas = createAtlasInvites({
        auth: serviceAccount(fake.credentials.serviceAccount),
        baseUrl: fake.url,
        onDeprecation: false,
        retry: false,
      });
      const waiting = atlas.getOrgInvite(ids).catch((e: unknown) => e);
      await vi.waitFor(() => expect(fake.stats.tokenRequests).toBe(1));
      await atlas.close();
      expectClosed(await waiting);

      // A strategy of your own whose store fails after close() began.
      let fail!: (reason: Error) => void;
      const auth = secretsManager(() => new Promise<string>((_, reject) => (fail = reject)));
      const own = createAtlasInvites({ auth, baseUrl: fake.url, onDeprecation: false });
      const pending = own.getOrgInvite(ids).catch((e: unknown) => e);
      await vi.waitFor(() => expect(auth.stats.reads).toBe(1));
      const closing = own.close();
      fail(new Error("the secrets manager is unreachable"));
      await closing;
      expectClosed(await pending);
      expect(fake.stats.exchanges).toBe(0);
    } finally {
      await fake.close();
    }
  });
});
