import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuthStrategy, type AuthOptions } from "../src/auth/index.js";
import {
  AtlasValidationError,
  createAtlasInvites,
  credentialsFromEnv,
  type AtlasInvitesOptions,
} from "../src/index.js";
import { startFakeAtlas } from "../src/testing/index.js";
import { basicForms, leakedSecrets } from "./helpers/auth-secrets.js";

const ID = "MONGODB_ATLAS_CLIENT_ID";
const SECRET = "MONGODB_ATLAS_CLIENT_SECRET";
const PUBLIC = "MONGODB_ATLAS_PUBLIC_KEY";
const PRIVATE = "MONGODB_ATLAS_PRIVATE_KEY";

const clientSecret = "mdb_sa_sk_0f9e8d7c6b5a49382716";
const privateKey = "2d5e3c1a-7b9f-4e6d-8a0c-1f2e3d4c5b6a";

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

describe("credentialsFromEnv", () => {
  it("reads a service account", () => {
    expect(credentialsFromEnv({ [ID]: "mdb_sa_id_1", [SECRET]: clientSecret })).toEqual({
      type: "serviceAccount",
      clientId: "mdb_sa_id_1",
      clientSecret,
    });
  });

  it("reads an API key", () => {
    expect(credentialsFromEnv({ [PUBLIC]: "abcdefgh", [PRIVATE]: privateKey })).toEqual({
      type: "apiKey",
      publicKey: "abcdefgh",
      privateKey,
    });
  });

  it("prefers the service account when both pairs are complete", () => {
    const auth = credentialsFromEnv({
      [ID]: "mdb_sa_id_1",
      [SECRET]: clientSecret,
      [PUBLIC]: "abcdefgh",
      [PRIVATE]: privateKey,
    });
    expect(auth.type).toBe("serviceAccount");
  });

  it("falls back to the API key when the service account pair is incomplete", () => {
    const auth = credentialsFromEnv({
      [ID]: "mdb_sa_id_1",
      [PUBLIC]: "abc",
      [PRIVATE]: privateKey,
    });
    expect(auth).toEqual({ type: "apiKey", publicKey: "abc", privateKey });
  });

  it("names all four variables when none is set", () => {
    const err = thrown(() => credentialsFromEnv({ [SECRET]: "  ", [PRIVATE]: "" }));
    for (const name of [ID, SECRET, PUBLIC, PRIVATE]) expect(err.message).toContain(name);
    expect(err.violations.map((v) => v.path)).toEqual([ID, SECRET, PUBLIC, PRIVATE]);
  });

  it("names only what is missing from the pairs that were started, never the values", () => {
    const env = { [ID]: "mdb_sa_id_visible", [PRIVATE]: privateKey };
    const err = thrown(() => credentialsFromEnv(env));
    expect(err.message).toBe(
      `atlas-invites: no complete Atlas credentials in the environment: missing ${SECRET}, or ${PUBLIC}`,
    );
    expect(leakedSecrets(err, [privateKey, "mdb_sa_id_visible"])).toEqual([]);

    const half = thrown(() => credentialsFromEnv({ [SECRET]: clientSecret }));
    expect(half.message).toContain(`missing ${ID}`);
    expect(half.message).not.toContain(PUBLIC);
    expect(leakedSecrets(half, [clientSecret])).toEqual([]);
  });

  it("reads process.env by default", () => {
    vi.stubEnv(ID, "mdb_sa_id_from_env");
    vi.stubEnv(SECRET, clientSecret);
    expect(credentialsFromEnv()).toEqual({
      type: "serviceAccount",
      clientId: "mdb_sa_id_from_env",
      clientSecret,
    });
  });
});

describe('auth: "env"', () => {
  function clearEnv() {
    for (const name of [ID, SECRET, PUBLIC, PRIVATE]) vi.stubEnv(name, "");
  }

  it("authenticates with a service account from the environment", async () => {
    const fake = await startFakeAtlas();
    try {
      clearEnv();
      vi.stubEnv(ID, fake.credentials.serviceAccount.clientId);
      vi.stubEnv(SECRET, fake.credentials.serviceAccount.clientSecret);
      const atlas = createAtlasInvites({ auth: "env", baseUrl: fake.url, onDeprecation: false });
      const seeded = fake.invites.addOrgInvite();
      expect(
        (await atlas.getOrgInvite({ orgId: seeded.orgId!, invitationId: seeded.id! })).id,
      ).toBe(seeded.id);
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
      const atlas = createAtlasInvites({ auth: "env", baseUrl: fake.url, onDeprecation: false });
      const seeded = fake.invites.addOrgInvite();
      await atlas.getOrgInvite({ orgId: seeded.orgId!, invitationId: seeded.id! });
      expect(fake.stats.exchanges).toBe(2);
      expect(fake.requests[1]!.headers.authorization).toMatch(/^Digest /);
      expect(fake.stats.tokenRequests).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it("refuses to create a client when the environment holds no complete pair", () => {
    clearEnv();
    vi.stubEnv(PRIVATE, privateKey);
    const err = thrown(() => createAtlasInvites({ auth: "env" }));
    expect(err.message).toContain(`missing ${PUBLIC}`);
    expect(leakedSecrets(err, [privateKey])).toEqual([]);
  });
});

describe("options checked when the client is created", () => {
  const cases: [string, unknown, RegExp][] = [
    [
      "an empty client id",
      { type: "serviceAccount", clientId: "", clientSecret },
      /auth\.clientId must be a non-empty string/,
    ],
    [
      "a client id that is not a string",
      { type: "serviceAccount", clientId: 42, clientSecret },
      /auth\.clientId must be a non-empty string/,
    ],
    [
      "a client id with a colon",
      { type: "serviceAccount", clientId: "mdb:sa", clientSecret },
      /without ':'/,
    ],
    [
      "an empty client secret",
      { type: "serviceAccount", clientId: "mdb_sa_id_1", clientSecret: "" },
      /auth\.clientSecret must be a non-empty string/,
    ],
    [
      "a blank client secret",
      { type: "serviceAccount", clientId: "mdb_sa_id_1", clientSecret: " \t" },
      /auth\.clientSecret must be a non-empty string/,
    ],
    [
      "a client secret with a line break",
      { type: "serviceAccount", clientId: "mdb_sa_id_1", clientSecret: `${clientSecret}\r\nX: y` },
      /auth\.clientSecret must not contain line breaks/,
    ],
    [
      "an empty public key",
      { type: "apiKey", publicKey: "", privateKey },
      /auth\.publicKey must be a non-empty string/,
    ],
    [
      "a public key with spaces",
      { type: "apiKey", publicKey: "ab cd", privateKey },
      /visible ASCII/,
    ],
    [
      "an empty private key",
      { type: "apiKey", publicKey: "abcdefgh", privateKey: "" },
      /auth\.privateKey must be a non-empty string/,
    ],
    [
      "both strategies at once",
      { type: "serviceAccount", clientId: "mdb_sa_id_1", clientSecret, publicKey: "a", privateKey },
      /mixes the fields of serviceAccount and apiKey auth \(clientId\/clientSecret with publicKey\/privateKey\)/,
    ],
    [
      "both strategies without a type",
      { clientId: "mdb_sa_id_1", publicKey: "abcdefgh" },
      /mixes the fields of serviceAccount and apiKey auth/,
    ],
    [
      "a token next to an API key",
      { type: "apiKey", publicKey: "abcdefgh", privateKey, token: clientSecret },
      /mixes the fields of apiKey and accessToken auth/,
    ],
    [
      "an unknown field",
      { type: "serviceAccount", clientId: "mdb_sa_id_1", clientSecret, scope: clientSecret },
      /options\.auth\.scope is not a field of serviceAccount auth; expected type, clientId, clientSecret/,
    ],
    [
      "a missing type",
      { clientId: "mdb_sa_id_1", clientSecret },
      /options\.auth\.type must be "serviceAccount", "apiKey" or "accessToken"; for clientId and clientSecret use "serviceAccount"/,
    ],
    [
      "a secret passed as the type",
      { type: clientSecret, publicKey: "abcdefgh", privateKey },
      /options\.auth\.type must be/,
    ],
    ["no auth", undefined, /options\.auth is required/],
    ["an unknown shorthand", "environment", /options\.auth is required/],
  ];
  for (const [name, auth, message] of cases) {
    it(`refuses ${name}, without echoing a secret`, () => {
      const fetch = vi.fn();
      const err = thrown(() =>
        createAtlasInvites({ auth: auth as AuthOptions, fetch, onDeprecation: false }),
      );
      expect(err.message).toMatch(message);
      expect(err.message).toMatch(/^atlas-invites: /);
      expect(leakedSecrets(err, [clientSecret, privateKey, "X: y"])).toEqual([]);
      expect(fetch).not.toHaveBeenCalled();
    });
  }

  it("accepts https anywhere and plain http only on loopback", () => {
    const auth: AtlasInvitesOptions["auth"] = { type: "apiKey", publicKey: "abcdefgh", privateKey };
    for (const baseUrl of [
      "https://cloud.mongodb.com",
      "https://cloud.mongodbgov.com/",
      "http://127.0.0.1:8080",
      "http://localhost:8080",
      "http://[::1]:8080",
    ]) {
      expect(() => createAtlasInvites({ auth, baseUrl })).not.toThrow();
    }
    for (const baseUrl of ["http://cloud.mongodb.com", "http://10.0.0.1", "ftp://127.0.0.1"]) {
      expect(thrown(() => createAtlasInvites({ auth, baseUrl })).message).toMatch(
        /options\.baseUrl must use https/,
      );
    }
    const withPassword = thrown(() =>
      createAtlasInvites({ auth, baseUrl: `https://user:${privateKey}@cloud.mongodb.com` }),
    );
    expect(withPassword.message).toMatch(/must not contain credentials/);
    expect(leakedSecrets(withPassword, [privateKey])).toEqual([]);
  });
});

describe("strategies keep secrets in closures", () => {
  const context = {
    baseUrl: "https://cloud.mongodb.com",
    userAgent: "test",
    send: () => Promise.reject(new Error("not used")),
  };
  const strategies: [AuthOptions, string[]][] = [
    [
      { type: "serviceAccount", clientId: "mdb_sa_id_1", clientSecret },
      basicForms("mdb_sa_id_1", clientSecret),
    ],
    [{ type: "apiKey", publicKey: "abcdefgh", privateKey }, [privateKey]],
    [{ type: "accessToken", token: clientSecret }, [clientSecret]],
  ];
  for (const [auth, secrets] of strategies) {
    it(`${auth.type}: nothing in its fields, util.inspect or JSON`, () => {
      const strategy = createAuthStrategy(auth, context);
      expect(leakedSecrets(strategy, secrets)).toEqual([]);
      expect(Object.values(strategy).filter((v) => typeof v === "string")).toEqual([
        strategy.type,
        strategy.label,
      ]);
      const atlas = createAtlasInvites({ auth, onDeprecation: false });
      expect(leakedSecrets(atlas, secrets)).toEqual([]);
    });
  }
});
