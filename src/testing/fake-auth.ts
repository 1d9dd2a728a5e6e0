/**
 * How the fake Atlas checks credentials. Each scheme is a small object; the server asks each in
 * turn and answers 401 (with every scheme's challenge) when none accepts the request.
 *
 * Three schemes ship: bearer tokens, service accounts (a token endpoint with lifetimes,
 * revocation and scripted failures) and API keys (HTTP Digest with nonce lifetimes, stale=true,
 * MD5/SHA-256 and a nonce-count replay check). The Digest arithmetic here is written
 * independently of the client's, so a mistake on one side shows up as a refused request.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** What one auth scheme makes of a request's credentials. */
export interface AuthCheck {
  /** "accepted", "rejected" (the scheme recognised the header and refused it) or "absent". */
  verdict: "accepted" | "rejected" | "absent";
  /** Digest: the answer was right but its nonce expired, so the challenge says stale=true. */
  stale?: boolean;
  /**
   * With "accepted": a name for the credential, which `lacksRole` rules can refer to. The
   * built-in schemes report the client id, the public key or the access token.
   */
  credential?: string;
}

/**
 * An extra way for the fake to accept (or challenge) requests, for `authSchemes`. The fake asks
 * every scheme about every API request; when none accepts it, it answers 401 with each scheme's
 * challenge.
 */
export interface FakeAuthScheme {
  /** Checks the Authorization header of an API request. */
  check(req: IncomingMessage, method: string, uri: string): AuthCheck;
  /** WWW-Authenticate value to send with a 401, if the scheme challenges. */
  challenge?(stale: boolean): string | undefined;
  /** Handles non-API routes the scheme owns (token endpoints); true when it answered. */
  route?(req: IncomingMessage, res: ServerResponse, body: string): boolean;
}

/** Counters tests and benchmarks read; plain numbers, so a test may reset them. */
export interface FakeAuthStats {
  /** API requests received (every one counts, whatever the answer). */
  exchanges: number;
  /** Requests to POST /api/oauth/token. */
  tokenRequests: number;
  /** Requests to POST /api/oauth/revoke. */
  revocations: number;
  /** 401 answers that carried a Digest challenge. */
  challenges: number;
  /** Digest answers refused because their nonce count was already used with that nonce. */
  ncReplays: number;
}

export function newAuthStats(): FakeAuthStats {
  return { exchanges: 0, tokenRequests: 0, revocations: 0, challenges: 0, ncReplays: 0 };
}

/** Accepts `Authorization: Bearer <token>` for the tokens in the set. */
export function bearerScheme(isValid: (token: string) => boolean): FakeAuthScheme {
  return {
    check(req) {
      const header = req.headers.authorization;
      if (!header?.startsWith("Bearer ")) return { verdict: "absent" };
      const token = header.slice(7);
      return isValid(token) ? { verdict: "accepted", credential: token } : { verdict: "rejected" };
    },
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(text);
}

// ---------------------------------------------------------------------------------------------
// Service accounts

export interface FakeServiceAccountOptions {
  /** Default: a random mdb_sa_id_... id. */
  clientId?: string;
  /** Default: a random secret. */
  clientSecret?: string;
  /** expires_in of the tokens issued, in seconds. Default 3600, as Atlas. */
  tokenLifetimeSeconds?: number;
  /** How long the token endpoint takes to answer, in ms. Default 0. */
  tokenDelayMs?: number;
}

/** A scripted answer of the token endpoint, in place of a token. */
export interface FakeTokenReply {
  status: number;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Default application/json. */
  contentType?: string;
  /** Overrides the endpoint's delay for this answer. */
  delayMs?: number;
}

/** Controls of the fake token endpoint; the numbers may be changed while the fake runs. */
export interface FakeTokenEndpoint {
  /** expires_in of tokens issued from now on, in seconds. */
  lifetimeSeconds: number;
  /** Delay of each answer, in ms. */
  delayMs: number;
  /** Answers the next token requests with these replies, in order, instead of issuing tokens. */
  replyNext(...replies: FakeTokenReply[]): void;
  /** Revokes every token issued so far, as an administrator would; calls with them get 401. */
  revokeAll(): void;
  /** True while the fake accepts this token (issued, not expired, not revoked). */
  isActive(token: string): boolean;
  /** Tokens issued so far, oldest first. */
  readonly issued: readonly string[];
}

export interface FakeServiceAccount {
  scheme: FakeAuthScheme;
  endpoint: FakeTokenEndpoint;
  credentials: { clientId: string; clientSecret: string };
}

/** The token endpoint (RFC 6749, 4.4), the revocation endpoint (RFC 7009) and their tokens. */
export function serviceAccountScheme(
  options: FakeServiceAccountOptions,
  stats: FakeAuthStats,
): FakeServiceAccount {
  const clientId = options.clientId ?? `mdb_sa_id_${randomBytes(12).toString("hex")}`;
  const clientSecret = options.clientSecret ?? `mdb_sa_sk_${randomBytes(20).toString("hex")}`;
  const tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  const issued: string[] = [];
  const queue: FakeTokenReply[] = [];

  const endpoint: FakeTokenEndpoint = {
    lifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    delayMs: options.tokenDelayMs ?? 0,
    replyNext(...replies) {
      queue.push(...replies);
    },
    revokeAll() {
      for (const entry of tokens.values()) entry.revoked = true;
    },
    isActive(token) {
      const entry = tokens.get(token);
      return entry !== undefined && !entry.revoked && Date.now() < entry.expiresAt;
    },
    issued,
  };

  /** Basic credentials, decoded as the raw id and secret (RFC 7617, section 2). */
  function authenticated(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? "";
    if (!/^Basic /i.test(header)) return false;
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return (
      colon > 0 &&
      sameText(decoded.slice(0, colon), clientId) &&
      sameText(decoded.slice(colon + 1), clientSecret)
    );
  }

  function form(req: IncomingMessage, body: string): URLSearchParams | undefined {
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    return type === "application/x-www-form-urlencoded" ? new URLSearchParams(body) : undefined;
  }

  function token(req: IncomingMessage, res: ServerResponse, body: string): void {
    const scripted = queue.shift();
    const answer = () => {
      if (res.destroyed) return;
      if (scripted) {
        const text =
          typeof scripted.body === "string"
            ? scripted.body
            : scripted.body === undefined
              ? ""
              : JSON.stringify(scripted.body);
        res.writeHead(scripted.status, {
          "Content-Type": scripted.contentType ?? "application/json",
          "Content-Length": Buffer.byteLength(text),
        });
        res.end(text);
        return;
      }
      if (!authenticated(req)) {
        sendJson(
          res,
          401,
          { error: "invalid_client", error_description: "Invalid client credentials." },
          { "WWW-Authenticate": 'Basic realm="Atlas"' },
        );
        return;
      }
      const params = form(req, body);
      if (!params) {
        sendJson(res, 400, { error: "invalid_request", error_description: "Send a form body." });
        return;
      }
      if (params.get("grant_type") !== "client_credentials") {
        sendJson(res, 400, { error: "unsupported_grant_type" });
        return;
      }
      const value = `mdb_sa_at_${randomBytes(24).toString("hex")}`;
      const lifetime = endpoint.lifetimeSeconds;
      tokens.set(value, { expiresAt: Date.now() + lifetime * 1000, revoked: false });
      issued.push(value);
      sendJson(res, 200, { access_token: value, expires_in: lifetime, token_type: "Bearer" });
    };
    const delay = scripted?.delayMs ?? endpoint.delayMs;
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  }

  function revoke(req: IncomingMessage, res: ServerResponse, body: string): void {
    if (!authenticated(req)) {
      sendJson(res, 401, { error: "invalid_client" });
      return;
    }
    const value = form(req, body)?.get("token");
    if (!value) {
      sendJson(res, 400, { error: "invalid_request", error_description: "token is required" });
      return;
    }
    // RFC 7009, section 2.2: 200 whether or not the token was known.
    const entry = tokens.get(value);
    if (entry) entry.revoked = true;
    sendJson(res, 200, undefined);
  }

  const scheme: FakeAuthScheme = {
    check(req) {
      const header = req.headers.authorization;
      if (!header?.startsWith("Bearer ")) return { verdict: "absent" };
      const value = header.slice(7);
      if (!tokens.has(value)) return { verdict: "absent" };
      return endpoint.isActive(value)
        ? { verdict: "accepted", credential: clientId }
        : { verdict: "rejected" };
    },
    route(req, res, body) {
      const path = (req.url ?? "").split("?")[0];
      if (path !== "/api/oauth/token" && path !== "/api/oauth/revoke") return false;
      if (req.method !== "POST") {
        sendJson(res, 405, { error: "invalid_request", error_description: "use POST" });
        return true;
      }
      if (path === "/api/oauth/token") {
        stats.tokenRequests++;
        token(req, res, body);
      } else {
        stats.revocations++;
        revoke(req, res, body);
      }
      return true;
    },
  };
  return { scheme, endpoint, credentials: { clientId, clientSecret } };
}

// ---------------------------------------------------------------------------------------------
// API keys (HTTP Digest)

export type FakeDigestAlgorithm =
  "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess" | "SHA-512-256" | "SHA-512-256-sess";

export interface FakeApiKeyOptions {
  /** Default: eight random lowercase letters, like Atlas public keys. */
  publicKey?: string;
  /** Default: a random UUID-like string. */
  privateKey?: string;
  /** Algorithms offered, one challenge each, in this order. Default ["MD5"], as Atlas. */
  algorithms?: FakeDigestAlgorithm[];
  /** How long a nonce stays fresh, in ms; answers with an older one get stale=true. Default 300 000. */
  nonceLifetimeMs?: number;
  /** Send an opaque value with each challenge (Atlas does not). Default false. */
  opaque?: boolean;
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
