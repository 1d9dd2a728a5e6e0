/**
 * API keys, checked with HTTP Digest (RFC 7616): challenges with nonce lifetimes and stale=true,
 * MD5/SHA-256 and a nonce-count replay check. The Digest arithmetic here is written
 * independently of the client's, so a mistake on one side shows up as a refused request.
 */
import { createHash, randomBytes } from "node:crypto";
import { sameText, type FakeAuthScheme, type FakeAuthStats } from "./auth-scheme.js";

/** A Digest algorithm the fake can offer in its challenges (RFC 7616, section 3.3). */
export type FakeDigestAlgorithm =
  "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess" | "SHA-512-256" | "SHA-512-256-sess";

/** The fake's API key (`startFakeAtlas({ apiKey })`): its keys and its Digest challenges. */
export interface FakeApiKeyOptions {
  /** Default: eight random lowercase letters, like Atlas public keys. */
  publicKey?: string | undefined;
  /** Default: a random UUID-like string. */
  privateKey?: string | undefined;
  /** Algorithms offered, one challenge each, in this order. Default ["MD5"], as Atlas. */
  algorithms?: FakeDigestAlgorithm[] | undefined;
  /** How long a nonce stays fresh, in ms; answers with an older one get stale=true. Default 300 000. */
  nonceLifetimeMs?: number | undefined;
  /** Send an opaque value with each challenge (Atlas does not). Default false. */
  opaque?: boolean | undefined;
}

/** Controls of the fake Digest scheme; the values may be changed while the fake runs. */
export interface FakeDigest {
  readonly realm: string;
  algorithms: FakeDigestAlgorithm[];
  nonceLifetimeMs: number;
  /** The opaque value challenges carry, or undefined. */
  readonly opaque: string | undefined;
  /** Makes every nonce issued so far stale: right answers with them get stale=true. */
  expireNonces(): void;
  /** Forgets every nonce issued so far: answers with them are refused without stale=true. */
  forgetNonces(): void;
}

/** An API key as the fake serves it: its scheme, its Digest controls, its key pair. */
export interface FakeApiKey {
  scheme: FakeAuthScheme;
  digest: FakeDigest;
  credentials: { publicKey: string; privateKey: string };
}

const NODE_HASH: Record<string, string> = {
  md5: "md5",
  "sha-256": "sha256",
  "sha-512-256": "sha512-256",
};

/** Reads `name=value` and `name="quoted \" value"` pairs of an Authorization: Digest header. */
function digestFields(header: string): Map<string, string> {
  const fields = new Map<string, string>();
  const pair = /([A-Za-z0-9_-]+)[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))/g;
  for (const m of header.slice(7).matchAll(pair)) {
    const name = m[1]!.toLowerCase();
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]!;
    if (!fields.has(name)) fields.set(name, value);
  }
  return fields;
}

/** Digest challenges and the check of their answers (RFC 7616, sections 3.3 and 3.4). */
export function apiKeyScheme(options: FakeApiKeyOptions, stats: FakeAuthStats): FakeApiKey {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const publicKey =
    options.publicKey ?? Array.from(randomBytes(8), (b) => letters[b % 26]!).join("");
  const privateKey =
    options.privateKey ??
    randomBytes(16)
      .toString("hex")
      .replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
  const realm = "MMS Public API";
  const nonces = new Map<string, { issuedAt: number; algorithm: string; counts: Set<string> }>();
  const digest: FakeDigest = {
    realm,
    algorithms: [...(options.algorithms ?? ["MD5"])],
    nonceLifetimeMs: options.nonceLifetimeMs ?? 300_000,
    opaque: options.opaque ? randomBytes(12).toString("base64") : undefined,
    expireNonces() {
      for (const entry of nonces.values()) entry.issuedAt = -Infinity;
    },
    forgetNonces() {
      nonces.clear();
    },
  };

  function expected(fields: Map<string, string>, method: string, algorithm: string): string {
    const lower = algorithm.toLowerCase();
    const sess = lower.endsWith("-sess");
    const name = NODE_HASH[sess ? lower.slice(0, -5) : lower]!;
    const h = (text: string) => createHash(name).update(text, "utf8").digest("hex");
    const nonce = fields.get("nonce")!;
    const cnonce = fields.get("cnonce")!;
    let a1 = h(`${publicKey}:${realm}:${privateKey}`);
    if (sess) a1 = h(`${a1}:${nonce}:${cnonce}`);
    const a2 = h(`${method}:${fields.get("uri")!}`);
    return h(`${a1}:${nonce}:${fields.get("nc")!}:${cnonce}:${fields.get("qop")!}:${a2}`);
  }

  const scheme: FakeAuthScheme = {
    check(req, method, uri) {
      const header = req.headers.authorization;
      if (!header || !/^Digest /i.test(header)) return { verdict: "absent" };
      const fields = digestFields(header);
      const nonce = fields.get("nonce") ?? "";
      const entry = nonces.get(nonce);
      const refused = { verdict: "rejected" } as const;
      if (!entry) return refused;
      const algorithm = fields.get("algorithm") ?? "MD5";
      if (
        fields.get("username") !== publicKey ||
        fields.get("realm") !== realm ||
        fields.get("uri") !== uri ||
        algorithm.toLowerCase() !== entry.algorithm.toLowerCase() ||
        fields.get("qop") !== "auth" ||
        !/^[0-9a-f]{8}$/i.test(fields.get("nc") ?? "") ||
        !fields.get("cnonce") ||
        fields.get("opaque") !== digest.opaque
      ) {
        return refused;
      }
      if (!sameText(fields.get("response") ?? "", expected(fields, method, algorithm))) {
        return refused;
      }
      if (Date.now() - entry.issuedAt > digest.nonceLifetimeMs) {
        return { verdict: "rejected", stale: true };
      }
      // RFC 7616, section 3.4: a nonce count seen before with this nonce is a replay.
      const nc = fields.get("nc")!.toLowerCase();
      if (entry.counts.has(nc)) {
        stats.ncReplays++;
        return refused;
      }
      entry.counts.add(nc);
      return { verdict: "accepted", credential: publicKey };
    },
    challenge(stale) {
      if (digest.algorithms.length === 0) return undefined;
      stats.challenges++;
      if (nonces.size > 10_000) {
        const cutoff = Date.now() - digest.nonceLifetimeMs;
        for (const [key, entry] of nonces) if (entry.issuedAt < cutoff) nonces.delete(key);
      }
      return digest.algorithms
        .map((algorithm) => {
          const nonce = randomBytes(24).toString("base64");
          nonces.set(nonce, { issuedAt: Date.now(), algorithm, counts: new Set() });
          const opaque = digest.opaque === undefined ? "" : `, opaque="${digest.opaque}"`;
          return (
            `Digest realm="${realm}", domain="", nonce="${nonce}", algorithm=${algorithm}, ` +
            `qop="auth"${opaque}, stale=${stale ? "true" : "false"}`
          );
        })
        .join(", ");
    },
  };
  return { scheme, digest, credentials: { publicKey, privateKey } };
}
