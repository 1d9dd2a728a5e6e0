/**
 * The fake's bearer-token schemes: access tokens it accepts from the start (`accessTokens`, or
 * one it makes up), and the tokens of service accounts, which it issues at its token endpoint
 * (RFC 6749, section 4.4) and takes back at its revocation endpoint (RFC 7009), with lifetimes,
 * a delay and scripted failures a test can set.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sameText, type FakeAuthScheme, type FakeAuthStats } from "./auth-scheme.js";
import { MAX_DELAY_MS } from "./faults.js";

/**
 * A finite number from 0 to `max`. A delay past MAX_DELAY_MS would run after 1 ms, not late, and
 * a lifetime of Infinity would go out as `"expires_in": null`, since JSON has no Infinity.
 */
function checkNumber(value: unknown, name: string, max = Number.MAX_VALUE): number {
  if (typeof value !== "number" || !(value >= 0 && value <= max)) {
    const range = max === Number.MAX_VALUE ? "a finite number, 0 or more" : `from 0 to ${max}`;
    throw new TypeError(`${name} must be ${range}`);
  }
  return value;
}

/**
 * The token of an `Authorization: Bearer <token>` header, or undefined for any other scheme.
 * The scheme name is matched in any letter case (RFC 9110, section 11.1) and may be followed by
 * several spaces (RFC 6750, section 2.1: "Bearer" 1*SP b64token).
 */
function bearerToken(header = ""): string | undefined {
  const match = /^Bearer +/i.exec(header);
  return match ? header.slice(match[0].length) : undefined;
}

/** Accepts `Authorization: Bearer <token>` for the tokens in the set. */
export function bearerScheme(isValid: (token: string) => boolean): FakeAuthScheme {
  return {
    check(req) {
      const token = bearerToken(req.headers.authorization);
      if (token === undefined) return { verdict: "absent" };
      return isValid(token) ? { verdict: "accepted", credential: token } : { verdict: "rejected" };
    },
  };
}

/** The challenge of the token and revocation endpoints' 401 (Atlas's own realm is not public). */
const BASIC_CHALLENGE = 'Basic realm="Atlas"';

// The body of that 401, as MongoDB's pages for both endpoints show it (docs/atlas/api/
// service-accounts/generate-oauth2-token/ and .../revoke-oauth2-token/ on www.mongodb.com).
const INVALID_CLIENT = {
  error: "invalid_client",
  error_description: "Invalid credentials provided.",
};

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

/**
 * The fake's service account (`startFakeAtlas({ serviceAccount })`): its credentials and how its
 * token endpoint answers.
 */
export interface FakeServiceAccountOptions {
  /** Default: a random mdb_sa_id_... id. */
  clientId?: string | undefined;
  /** Default: a random secret. */
  clientSecret?: string | undefined;
  /** expires_in of the tokens issued, in seconds. Default 3600, as Atlas. */
  tokenLifetimeSeconds?: number | undefined;
  /** How long the token endpoint takes to answer, in ms. Default 0. */
  tokenDelayMs?: number | undefined;
}

/** A scripted answer of the token endpoint, in place of a token. */
export interface FakeTokenReply {
  status: number;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Default application/json. */
  contentType?: string | undefined;
  /** Overrides the endpoint's delay for this answer. */
  delayMs?: number | undefined;
}

/** Controls of the fake token endpoint; the numbers may be changed while the fake runs. */
export interface FakeTokenEndpoint {
  /** expires_in of tokens issued from now on, in seconds. */
  lifetimeSeconds: number;
  /** Delay of each answer, in ms: at most 2147483647 (about 24.8 days, the longest timer). */
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

/** A service account as the fake serves it: its scheme, token endpoint and credentials. */
export interface FakeServiceAccount {
  scheme: FakeAuthScheme;
  endpoint: FakeTokenEndpoint;
  credentials: { clientId: string; clientSecret: string };
  /** Drops every answer still waiting for its delay, so no timer outlives the fake. */
  close(): void;
  /** Drops the scripted answers and restores the started lifetime and delay; tokens stay. */
  reset(): void;
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
  const waiting = new Set<NodeJS.Timeout>();

  let lifetimeSeconds = checkNumber(
    options.tokenLifetimeSeconds ?? 3600,
    "startFakeAtlas: serviceAccount.tokenLifetimeSeconds",
  );
  let delayMs = checkNumber(
    options.tokenDelayMs ?? 0,
    "startFakeAtlas: serviceAccount.tokenDelayMs",
    MAX_DELAY_MS,
  );
  const endpoint: FakeTokenEndpoint = {
    get lifetimeSeconds() {
      return lifetimeSeconds;
    },
    set lifetimeSeconds(value) {
      lifetimeSeconds = checkNumber(value, "tokenEndpoint.lifetimeSeconds");
    },
    get delayMs() {
      return delayMs;
    },
    set delayMs(value) {
      delayMs = checkNumber(value, "tokenEndpoint.delayMs", MAX_DELAY_MS);
    },
    replyNext(...replies) {
      for (const { delayMs } of replies) {
        if (delayMs !== undefined) checkNumber(delayMs, "replyNext: delayMs", MAX_DELAY_MS);
      }
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
        sendJson(res, 401, INVALID_CLIENT, { "WWW-Authenticate": BASIC_CHALLENGE });
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
    if (delay <= 0) return answer();
    const timer = setTimeout(() => {
      waiting.delete(timer);
      answer();
    }, delay);
    waiting.add(timer);
    // A client that gave up, or fake.close() cutting the connection, ends the wait: a timer left
    // running would hold the process open for the rest of the delay after everything closed.
    res.once("close", () => {
      clearTimeout(timer);
      waiting.delete(timer);
    });
  }

  function revoke(req: IncomingMessage, res: ServerResponse, body: string): void {
    if (!authenticated(req)) {
      // RFC 7009, section 2.1 authenticates the client as RFC 6749 does, whose section 5.2 asks
      // for a challenge on a 401 to a client that sent the Authorization header; the token
      // endpoint sends the same one.
      sendJson(res, 401, INVALID_CLIENT, { "WWW-Authenticate": BASIC_CHALLENGE });
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
      const value = bearerToken(req.headers.authorization);
      if (value === undefined || !tokens.has(value)) return { verdict: "absent" };
      return endpoint.isActive(value)
        ? { verdict: "accepted", credential: clientId }
        : { verdict: "rejected" };
    },
    route(req, res, body) {
      const path = (req.url ?? "").split("?")[0];
      if (path !== "/api/oauth/token" && path !== "/api/oauth/revoke") return false;
      if (req.method !== "POST") {
        // RFC 9110, section 15.5.6: a 405 lists the methods the resource takes in Allow.
        const body = { error: "invalid_request", error_description: "use POST" };
        sendJson(res, 405, body, { Allow: "POST" });
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
  return {
    scheme,
    endpoint,
    credentials: { clientId, clientSecret },
    close() {
      for (const timer of waiting) clearTimeout(timer);
      waiting.clear();
    },
    reset() {
      queue.length = 0;
      endpoint.lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
      endpoint.delayMs = options.tokenDelayMs ?? 0;
    },
  };
}
