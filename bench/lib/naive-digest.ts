/**
 * The baseline of the Digest metric: a client that authenticates every call from scratch, the
 * way the official Go SDK's digest transport does. Each call is sent without credentials, the
 * 401's challenge is answered (RFC 7616, section 3.4, qop=auth), and the call is sent again:
 * two HTTP exchanges per call, always.
 */
import { createHash, randomBytes } from "node:crypto";

export interface NaiveDigestOptions {
  publicKey: string;
  privateKey: string;
}

const HASHES: Record<string, string> = { MD5: "md5", "SHA-256": "sha256" };

/** The first Digest challenge of a WWW-Authenticate header, as lower-cased parameter names. */
function parseChallenge(header: string): Map<string, string> {
  const start = header.search(/(^|,\s*)Digest\s/i);
  if (start < 0) throw new Error(`naive digest: no Digest challenge in ${JSON.stringify(header)}`);
  const rest = header.slice(start).replace(/^,?\s*Digest\s+/i, "");
  const params = new Map<string, string>();
  const pair = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/y;
  for (let m = pair.exec(rest); m; m = pair.exec(rest)) {
    params.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]!);
  }
  return params;
}

function answer(
  challenge: Map<string, string>,
  options: NaiveDigestOptions,
  method: string,
  uri: string,
): string {
  const algorithm = challenge.get("algorithm") ?? "MD5";
  const hashName = HASHES[algorithm];
  if (!hashName) throw new Error(`naive digest: algorithm ${algorithm} is not supported`);
  const h = (text: string) => createHash(hashName).update(text).digest("hex");
  const realm = challenge.get("realm") ?? "";
  const nonce = challenge.get("nonce") ?? "";
  const cnonce = randomBytes(8).toString("hex");
  const nc = "00000001";
  const ha1 = h(`${options.publicKey}:${realm}:${options.privateKey}`);
  const ha2 = h(`${method}:${uri}`);
  const response = h(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const opaque = challenge.get("opaque");
  return (
    `Digest username="${options.publicKey}", realm="${realm}", nonce="${nonce}", uri="${uri}", ` +
    `algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"` +
    (opaque === undefined ? "" : `, opaque="${opaque}"`)
  );
}

/** Sends one call the naive way and returns the final response. */
export async function naiveDigestFetch(
  options: NaiveDigestOptions,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
): Promise<Response> {
  const first = await fetch(url, init);
  if (first.status !== 401) return first;
  await first.arrayBuffer();
  const header = first.headers.get("WWW-Authenticate") ?? "";
  const { pathname, search } = new URL(url);
  const authorization = answer(parseChallenge(header), options, init.method, pathname + search);
  return fetch(url, { ...init, headers: { ...init.headers, Authorization: authorization } });
}
