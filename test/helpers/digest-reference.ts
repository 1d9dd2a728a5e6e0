// The RFC 7616 formulas, written out on their own for the tests: the Digest answers the client
// sends are recomputed here from the recorded Authorization header and the known keys. Only the
// shape of the inputs comes from src/; the arithmetic is this file's own, so a mistake in the
// client cannot hide behind the same mistake here.
import { createHash } from "node:crypto";
import type { DigestInput } from "../../src/auth/digest.js";

/** The fields of an `Authorization: Digest ...` header, names lowercased, quotes removed. */
export function authorizationFields(header: string): Record<string, string> {
  if (!/^Digest\s/i.test(header)) throw new Error(`not a Digest header: ${header.slice(0, 20)}`);
  const fields: Record<string, string> = {};
  let rest = header.replace(/^Digest\s+/i, "");
  while (rest.length > 0) {
    const name = /^\s*([^=\s,]+)\s*=\s*/.exec(rest);
    if (!name) throw new Error(`cannot read the Digest header at: ${rest.slice(0, 20)}`);
    rest = rest.slice(name[0].length);
    let value = "";
    if (rest.startsWith('"')) {
      let k = 1;
      for (; k < rest.length && rest[k] !== '"'; k++) {
        if (rest[k] === "\\") k++;
        value += rest[k];
      }
      rest = rest.slice(k + 1);
    } else {
      const bare = /^[^,\s]*/.exec(rest)![0];
      value = bare;
      rest = rest.slice(bare.length);
    }
    const key = name[1]!.toLowerCase();
    if (key in fields) throw new Error(`the Digest header repeats ${key}`);
    fields[key] = value;
    rest = rest.replace(/^\s*,?\s*/, "");
  }
  return fields;
}

/** Hash names of RFC 7616, section 3.3, mapped to node:crypto. */
const ALGORITHMS: Record<string, string> = {
  MD5: "md5",
  "SHA-256": "sha256",
  "SHA-512-256": "sha512-256",
};

/** The inputs of one answer, as the client names them, plus the qop it answered with. */
export type ReferenceInput = DigestInput & { qop: string };

/**
 * RFC 7616, section 3.4.1:
 *   response = KD(H(A1), unq(nonce) ":" nc ":" unq(cnonce) ":" unq(qop) ":" H(A2))
 *   A1       = unq(username) ":" unq(realm) ":" passwd
 *   A1 (-sess) = H(unq(username) ":" unq(realm) ":" passwd) ":" unq(nonce) ":" unq(cnonce)
 *   A2       = Method ":" request-uri            (qop=auth)
 *   KD(s, d) = H(s ":" d)
 */
export function referenceResponse(input: ReferenceInput): string {
  const isSess = /-sess$/i.test(input.algorithm);
  const base = input.algorithm.replace(/-sess$/i, "").toUpperCase();
  const nodeName = ALGORITHMS[base];
  if (!nodeName) throw new Error(`the reference does not know ${input.algorithm}`);
  const H = (data: string) => createHash(nodeName).update(Buffer.from(data, "utf8")).digest("hex");
  const KD = (secret: string, data: string) => H(`${secret}:${data}`);
  const A1 = isSess
    ? `${H(`${input.username}:${input.realm}:${input.password}`)}:${input.nonce}:${input.cnonce}`
    : `${input.username}:${input.realm}:${input.password}`;
  const A2 = `${input.method}:${input.uri}`;
  return KD(H(A1), `${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${H(A2)}`);
}

/** Recomputes the `response` of a recorded header from the keys and the request line. */
export function expectedFromHeader(
  header: string,
  keys: { publicKey: string; privateKey: string },
  method: string,
  uri: string,
): { fields: Record<string, string>; expected: string } {
  const fields = authorizationFields(header);
  const expected = referenceResponse({
    algorithm: fields.algorithm ?? "MD5",
    username: keys.publicKey,
    password: keys.privateKey,
    realm: fields.realm ?? "",
    method,
    uri,
    nonce: fields.nonce ?? "",
    nc: fields.nc ?? "",
    cnonce: fields.cnonce ?? "",
    qop: fields.qop ?? "",
  });
  return { fields, expected };
}
