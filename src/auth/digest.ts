/**
 * API keys: HTTP Digest access authentication (RFC 7616), public key as username, private key
 * as password.
 *
 * Round trips: the first call goes out without credentials and is answered with a challenge;
 * from then on every call answers that challenge pre-emptively with the same nonce and the next
 * nonce count, so a run of calls costs one HTTP exchange each. When the server says the nonce is
 * stale, or refuses a pre-emptive answer, the strategy takes the new challenge and the auth
 * middleware re-sends the request once. It never loops.
 */
import { createHash, randomBytes } from "node:crypto";
import { AtlasAuthError } from "../errors.js";
import { parseChallenges, type Challenge } from "./challenge.js";
import { ANY_TEXT, checkFields, VISIBLE_ASCII } from "./credentials.js";
import type { AuthSession, AuthStrategy, SignableRequest } from "./strategy.js";

export interface ApiKeyOptions {
  /** The API key's public key, sent as the Digest username. */
  publicKey: string;
  /** The API key's private key. It never leaves the process; only hashes of it are sent. */
  privateKey: string;
}

/** Digest algorithms (RFC 7616, section 3.3) and the node:crypto names of their hashes. */
const HASHES: Record<string, string> = {
  MD5: "md5",
  "SHA-256": "sha256",
  "SHA-512-256": "sha512-256",
};
/** Strongest first, so SHA-256 wins over MD5 when a server offers both (RFC 7616, 3.7). */
const PREFERENCE = ["SHA-512-256", "SHA-256", "MD5"];

function hash(algorithm: string, text: string): string {
  return createHash(algorithm).update(text, "utf8").digest("hex");
}

/** The inputs of one Digest response (RFC 7616, section 3.4.1), qop=auth only. */
export interface DigestInput {
  /** Algorithm as named in the challenge, e.g. MD5, SHA-256, SHA-256-sess. */
  algorithm: string;
  username: string;
  password: string;
  realm: string;
  method: string;
  uri: string;
  nonce: string;
  /** Eight hex digits. */
  nc: string;
  cnonce: string;
}

/** The `response` value of a Digest answer (RFC 7616, section 3.4.1). */
export function digestResponse(input: DigestInput): string {
  const { base, sess } = splitAlgorithm(input.algorithm);
  const h = HASHES[base];
  if (!h) throw new RangeError(`unsupported Digest algorithm ${input.algorithm}`);
  const secret = hash(h, `${input.username}:${input.realm}:${input.password}`);
  return answer(h, secret, sess, input);
}

/**
 * KD(H(A1), nonce:nc:cnonce:qop:H(A2)) with A2 = method:uri, from `secret` = H(username:realm:
 * password). For the -sess algorithms A1 also takes the nonce and cnonce. The client keeps the
 * secret between calls and computes every answer here; digestResponse starts from the password.
 */
function answer(
  h: string,
  secret: string,
  sess: boolean,
  input: Pick<DigestInput, "nonce" | "nc" | "cnonce" | "method" | "uri">,
): string {
  const ha1 = sess ? hash(h, `${secret}:${input.nonce}:${input.cnonce}`) : secret;
  const ha2 = hash(h, `${input.method}:${input.uri}`);
  return hash(h, `${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:auth:${ha2}`);
}

function splitAlgorithm(name: string): { base: string; sess: boolean } {
  const upper = name.toUpperCase();
  return upper.endsWith("-SESS")
    ? { base: upper.slice(0, -5), sess: true }
    : { base: upper, sess: false };
}

/** A challenge we can answer, with what we keep of it between calls. */
interface Session {
  realm: string;
  nonce: string;
  opaque: string | undefined;
  /** The algorithm name as the server spelled it, echoed back. */
  algorithm: string;
  hashName: string;
  sess: boolean;
  /** H(username:realm:password): derived from the private key, so never exposed. */
  secret: string;
  /** Last nonce count used with this nonce. */
  nc: number;
}

type Choice = { usable: Challenge; algorithm: string } | { unsupported: string } | undefined;

/** What keeps one Digest challenge from being answered, or undefined when it can be. */
function flaw(c: Challenge): string | undefined {
  const missing = ["nonce", "realm"].filter((name) => !c.params[name]);
  if (missing.length > 0) return `a challenge without ${missing.join(" or ")}`;
  const algorithm = c.params.algorithm ?? "MD5";
  if (!HASHES[splitAlgorithm(algorithm).base]) return `algorithm=${algorithm}`;
  const qops = (c.params.qop ?? "").split(",").map((q) => q.trim().toLowerCase());
  if (!qops.includes("auth")) return `qop=${c.params.qop ?? "(none)"}`;
  return undefined;
}

/** The strongest Digest challenge this client can answer, or why none of them can be answered. */
function pickChallenge(challenges: Challenge[]): Choice {
  const digest = challenges.filter((c) => c.scheme === "digest");
  if (digest.length === 0) return undefined;
  let best: { usable: Challenge; algorithm: string; rank: number } | undefined;
  const flaws: string[] = [];
  for (const c of digest) {
    const why = flaw(c);
    if (why !== undefined) {
      flaws.push(why);
      continue;
    }
    const algorithm = c.params.algorithm ?? "MD5";
    const { base, sess } = splitAlgorithm(algorithm);
    const rank = PREFERENCE.indexOf(base) * 2 + (sess ? 1 : 0);
    if (!best || rank < best.rank) best = { usable: c, algorithm, rank };
  }
  if (best) return { usable: best.usable, algorithm: best.algorithm };
  return { unsupported: flaws.join("; ").slice(0, 300) };
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, "\\$&")}"`;
}

/** The request-target as it goes on the wire: path and query, exactly (RFC 7616, 3.4). */
function requestUri(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

const MAX_NC = 0xffffffff;

/**
 * Authenticates with an Atlas API key (programmatic access key) by HTTP Digest.
 *
 * @example
 * import { apiKey, createAtlasInvites } from "atlas-invites";
 *
 * const atlas = createAtlasInvites({
 *   auth: apiKey({ publicKey: "abcdefgh", privateKey: process.env.MONGODB_ATLAS_PRIVATE_KEY ?? "" }),
 * });
 */
export function apiKey(options: ApiKeyOptions): AuthStrategy {
  const { publicKey, privateKey } = checkFields("apiKey", options, {
    // The public key goes into a quoted header parameter as it is; the private key is only hashed.
    publicKey: [/^(?!.*["\\])[\x21-\x7e]+$/, `${VISIBLE_ASCII[1]}, without '"' or '\\'`],
    privateKey: ANY_TEXT,
  });
  const label = `API key ${publicKey}`;
  return { label, start: () => startSession(label, publicKey, privateKey) };
}

function startSession(who: string, publicKey: string, privateKey: string): AuthSession {
  let session: Session | undefined;
  /** The session each request was answered with; null when it went out without credentials. */
  const answeredWith = new WeakMap<SignableRequest, Session | null>();
  /** Why a 401's Digest challenges could not be answered, for the error. */
  const unusable = new WeakMap<SignableRequest, string>();
  /**
   * The request sent without credentials to fetch the first challenge. Concurrent calls wait for
   * its answer instead of each fetching a challenge of their own, so N first calls cost N + 1
   * exchanges, not 2N. It settles on any answer or failure of that request.
   */
  let probe: { request: SignableRequest; settled: Promise<void>; settle: () => void } | undefined;

  /** Sends a request without credentials, to be challenged. */
  function unanswered(request: SignableRequest): void {
    answeredWith.set(request, null);
    request.headers.delete("Authorization");
  }

  function settleProbe(request: SignableRequest): void {
    if (probe?.request !== request) return;
    probe.settle();
    probe = undefined;
  }

  function open(challenge: Challenge, algorithm: string): Session {
    const { base, sess } = splitAlgorithm(algorithm);
    const hashName = HASHES[base]!;
    const realm = challenge.params.realm!;
    return {
      realm,
      nonce: challenge.params.nonce!,
      opaque: challenge.params.opaque,
      algorithm,
      hashName,
      sess,
      secret: hash(hashName, `${publicKey}:${realm}:${privateKey}`),
      nc: 0,
    };
  }

  function authorize(request: SignableRequest): void | Promise<void> {
    const s = session;
    if (!s || s.nc >= MAX_NC) {
      // Wait for a probe in flight; if it brought no challenge, go without one, in parallel.
      if (probe?.request === request) return unanswered(request); // the probe, retried
      if (probe) {
        return probe.settled.then(() => (session ? authorize(request) : unanswered(request)));
      }
      session = undefined;
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      probe = { request, settled, settle };
      unanswered(request);
      return;
    }
    // Taken synchronously, so concurrent calls never share a count.
    const nc = (++s.nc).toString(16).padStart(8, "0");
    const cnonce = randomBytes(16).toString("hex");
    const uri = requestUri(request.url);
    const response = answer(s.hashName, s.secret, s.sess, {
      nonce: s.nonce,
      nc,
      cnonce,
      method: request.method,
      uri,
    });
    let header =
      `Digest username=${quote(publicKey)}, realm=${quote(s.realm)}, nonce=${quote(s.nonce)}, ` +
      `uri=${quote(uri)}, algorithm=${s.algorithm}, qop=auth, nc=${nc}, ` +
      `cnonce=${quote(cnonce)}, response=${quote(response)}`;
    if (s.opaque !== undefined) header += `, opaque=${quote(s.opaque)}`;
    answeredWith.set(request, s);
    request.headers.set("Authorization", header);
  }

  return {
    authorize,
    onError(request) {
      settleProbe(request);
    },
    onResponse(request, response) {
      const used = answeredWith.get(request);
      // Settled once this answer has been read for a challenge (the finally runs after it).
      try {
        if (used === undefined || response.status !== 401) return;
        const header = response.headers.get("WWW-Authenticate");
        const pick = header ? pickChallenge(parseChallenges(header)) : undefined;
        if (pick && "unsupported" in pick) unusable.set(request, pick.unsupported);
        // Only the request that used the current session may replace it: an answer to an older
        // nonce arriving late must not undo a newer challenge another call already took.
        else if (pick && used === (session ?? null)) session = open(pick.usable, pick.algorithm);
      } finally {
        settleProbe(request);
      }
    },
    onUnauthorized(request) {
      const used = answeredWith.get(request);
      if (used === undefined) return false;
      const why = unusable.get(request);
      if (why !== undefined) {
        throw new AtlasAuthError(
          `atlas-invites: ${who}: Atlas asked for HTTP Digest with ${why}, which this client cannot answer (it supports MD5, SHA-256 and SHA-512-256, their -sess forms, and qop=auth)`,
        );
      }
      // Send once more when there is a challenge this request has not answered yet: the first
      // challenge, a fresh nonce after stale=true, or a new one after a refused answer.
      return session !== undefined && session !== used;
    },
    secrets: () => [privateKey, ...(session ? [session.secret] : [])],
  };
}
