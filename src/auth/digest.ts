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
import { oneLine, scrubberFor } from "../text.js";
import { parseChallenges } from "./challenge.js";
import { ANY_TEXT, checkFields, VISIBLE_ASCII } from "./credentials.js";
import type { AuthSession, AuthStrategy, SignableRequest } from "./strategy.js";

/** What `apiKey()` takes: an API key's public and private key. */
export interface ApiKeyOptions {
  /** The API key's public key, sent as the Digest username. */
  publicKey: string;
  /** The API key's private key. It never leaves the process; only hashes of it are sent. */
  privateKey: string;
}

/** Digest algorithms (RFC 7616, section 3.3), strongest first, and their node:crypto hashes. */
const HASHES: Record<string, string> = {
  "SHA-512-256": "sha512-256",
  "SHA-256": "sha256",
  MD5: "md5",
};

/** The node:crypto hash of an algorithm name such as SHA-256-sess, and whether it is -sess. */
function hashOf(algorithm: string): [hash: string | undefined, sess: boolean] {
  const [, base, sess] = /^(.*?)(-sess)?$/i.exec(algorithm)!;
  return [HASHES[base!.toUpperCase()], sess !== undefined];
}

function hash(name: string, text: string): string {
  return createHash(name).update(text).digest("hex");
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

/**
 * The `response` value of a Digest answer (RFC 7616, section 3.4.1): KD(H(A1),
 * nonce:nc:cnonce:qop:H(A2)) with A1 = username:realm:password and A2 = method:uri. Every answer
 * the client sends is computed here. The algorithm must be one of HASHES, plain or -sess.
 */
export function digestResponse(input: DigestInput): string {
  const [name, sess] = hashOf(input.algorithm);
  const h = (text: string) => hash(name!, text);
  let ha1 = h(`${input.username}:${input.realm}:${input.password}`);
  // The -sess algorithms take the nonce and cnonce into A1 as well.
  if (sess) ha1 = h(`${ha1}:${input.nonce}:${input.cnonce}`);
  const ha2 = h(`${input.method}:${input.uri}`);
  return h(`${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:auth:${ha2}`);
}

/** A challenge the client answers, kept between calls. */
interface Challenge {
  realm: string;
  nonce: string;
  opaque: string | undefined;
  /** As the server spelled it, echoed back. */
  algorithm: string;
  /** The last nonce count used with this nonce. */
  nc: number;
}

/**
 * The strongest Digest challenge of a 401 that this client can answer; when the 401 has Digest
 * challenges but none it can answer, why not, quoting the challenge as sent; undefined when it
 * has none.
 */
function pick(response: Response): Challenge | string | undefined {
  let best: Challenge | undefined;
  let bestRank = Infinity;
  const flaws: string[] = [];
  for (const { scheme, params } of parseChallenges(
    response.headers.get("WWW-Authenticate") ?? "",
  )) {
    if (scheme !== "digest") continue;
    const { realm, nonce, qop = "", algorithm = "MD5" } = params;
    const [name] = hashOf(algorithm);
    // An empty realm is still one (RFC 7616, section 3.3: a quoted-string); an empty nonce is none.
    if (!nonce || realm === undefined)
      flaws.push(`a challenge without ${nonce ? "realm" : "nonce"}`);
    // An algorithm= without a value is named as unreadable rather than left blank.
    else if (!name) flaws.push(`algorithm=${algorithm || "(unreadable)"}`);
    // qop lists the protections offered, separated by commas (RFC 7616, section 3.3).
    else if (!/(^|,)\s*auth\s*(,|$)/i.test(qop)) flaws.push(`qop=${qop || "(none)"}`);
    else {
      // Strongest wins, whatever order the server listed them in (RFC 7616, section 3.7).
      const rank = Object.values(HASHES).indexOf(name);
      if (rank < bestRank) {
        best = { realm, nonce, opaque: params.opaque, algorithm, nc: 0 };
        bestRank = rank;
      }
    }
  }
  return best ?? (flaws.length > 0 ? flaws.join("; ") : undefined);
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, "\\$&")}"`;
}

/**
 * Authenticates with an Atlas API key (programmatic access key) by HTTP Digest.
 *
 * @example
 * import { apiKey, createAtlasInvites } from "atlas-invites";
 *
 * const atlas = createAtlasInvites({
 *   auth: apiKey({
 *     publicKey: "abcdefgh",
 *     privateKey: process.env.MONGODB_ATLAS_PRIVATE_API_KEY ?? "",
 *   }),
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

function startSession(label: string, publicKey: string, privateKey: string): AuthSession {
  let current: Challenge | undefined;
  /** The challenge each request answered; null when it went out without credentials. */
  const answered = new WeakMap<SignableRequest, Challenge | null>();
  /**
   * The request sent without credentials to fetch the first challenge. Concurrent calls wait for
   * its answer instead of each fetching a challenge of their own, so N first calls cost N + 1
   * exchanges, not 2N. It settles on any answer or failure of that request.
   */
  let probe: { request: SignableRequest; settled: Promise<void>; settle: () => void } | undefined;

  /** Sends a request without credentials, to be challenged. */
  function bare(request: SignableRequest): void {
    answered.set(request, null);
    request.headers.delete("Authorization");
  }

  function settleProbe(request: SignableRequest): void {
    if (probe?.request !== request) return;
    probe.settle();
    probe = undefined;
  }

  function authorize(request: SignableRequest): void | Promise<void> {
    const challenge = current;
    if (!challenge) {
      // Wait for a probe in flight; if it brought no challenge, go without one, in parallel.
      if (probe && probe.request !== request) {
        return probe.settled.then(() => (current ? authorize(request) : bare(request)));
      }
      if (!probe) {
        let settle!: () => void;
        const settled = new Promise<void>((resolve) => (settle = resolve));
        probe = { request, settled, settle };
      }
      return bare(request); // the probe, or the probe retried
    }
    // Taken synchronously, so concurrent calls never share a count.
    const nc = (++challenge.nc).toString(16).padStart(8, "0");
    const cnonce = randomBytes(16).toString("hex");
    // The request-target as it goes on the wire: path and query, exactly (RFC 7616, 3.4).
    const { pathname, search } = new URL(request.url);
    const uri = pathname + search;
    const { realm, nonce, opaque, algorithm } = challenge;
    const response = digestResponse({
      algorithm,
      username: publicKey,
      password: privateKey,
      realm,
      method: request.method,
      uri,
      nonce,
      nc,
      cnonce,
    });
    let header =
      `Digest username="${publicKey}", realm=${quote(realm)}, nonce=${quote(nonce)}, ` +
      `uri=${quote(uri)}, algorithm=${algorithm}, qop=auth, nc=${nc}, ` +
      `cnonce="${cnonce}", response="${response}"`;
    if (opaque !== undefined) header += `, opaque=${quote(opaque)}`;
    answered.set(request, challenge);
    request.headers.set("Authorization", header);
  }

  function secrets(): string[] {
    if (!current) return [privateKey];
    // H(username:realm:password) stands in for the private key (RFC 7616, section 5.13).
    const name = hashOf(current.algorithm)[0]!;
    return [privateKey, hash(name, `${publicKey}:${current.realm}:${privateKey}`)];
  }

  return {
    authorize,
    onError: settleProbe,
    onResponse(request, response) {
      const used = answered.get(request);
      if (used !== undefined && response.status === 401) {
        const found = pick(response);
        // Only the request that used the current challenge may replace it: an answer to an older
        // nonce arriving late must not undo a newer challenge another call already took. A
        // challenge that repeats the nonce in use changes nothing: its count goes on (RFC 7616,
        // section 3.4), and starting it again would replay counts the server has seen.
        if (
          typeof found === "object" &&
          used === (current ?? null) &&
          found.nonce !== used?.nonce
        ) {
          current = found;
        }
      }
      // Settled after the challenge was taken, so the calls waiting for it find it.
      settleProbe(request);
    },
    onUnauthorized(request, response) {
      const found = pick(response);
      if (typeof found === "string") {
        // The algorithm and qop quoted are the server's text, which may echo the private key.
        const asked = oneLine(scrubberFor(secrets)(found));
        throw new AtlasAuthError(
          `atlas-invites: ${label}: Atlas asked for HTTP Digest with ${asked}, which this client cannot answer (it answers MD5, SHA-256 and SHA-512-256, plain or -sess, with qop=auth)`,
        );
      }
      // Send once more when there is a challenge this request has not answered yet: the first
      // challenge, a fresh nonce after stale=true, or a new one after a refused answer.
      return current !== undefined && current !== answered.get(request);
    },
    secrets,
  };
}
