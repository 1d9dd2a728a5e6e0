/** Reading the challenges of a `WWW-Authenticate` header (RFC 9110, section 11.6.1). */

/** One challenge of a WWW-Authenticate header: scheme (lowercased) and its parameters. */
export interface Challenge {
  scheme: string;
  /** Parameter names lowercased (RFC 9110, section 11.2), values unquoted. */
  params: Record<string, string>;
  /** The token68 form some schemes use instead of parameters. */
  token68?: string;
}

/**
 * One item of the header (RFC 9110, sections 11.2, 11.6.1 and 5.6.4): either a parameter, `name`
 * BWS "=" BWS then a quoted-string with backslash escapes (groups 1 and 2) or a bare value (group
 * 3); or a scheme (group 4) with an optional token68, which must end its item (group 5). Anything
 * else, commas included, lies between matches and is passed over. A bare value should be a token,
 * but runs to the next comma or space: a server that leaves a base64 nonce or a path unquoted
 * means all of it, and curl and Python's requests take such a value whole too.
 */
const ITEM =
  /([\w!#$%&'*+.^`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"?|([^\s,"]*))|([\w!#$%&'*+.^`|~-]+)(?:\s+([\w.~+/-]+=*)(?=\s*(?:,|$)))?/g;

/**
 * Reads a WWW-Authenticate value: several challenges separated by commas, each a scheme followed
 * by a token68 or by parameters. Malformed pieces are skipped, never thrown on; parameters before
 * any scheme land in a challenge with an empty scheme.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let current: Challenge | undefined;
  for (const [, name, quoted, token, scheme, token68] of header.matchAll(ITEM)) {
    if (scheme) {
      current = { scheme: scheme.toLowerCase(), params: {} };
      if (token68) current.token68 = token68;
      out.push(current);
      continue;
    }
    if (!current) out.push((current = { scheme: "", params: {} }));
    const key = name!.toLowerCase();
    // A parameter must appear once; keep the first if a server repeats one.
    if (!(key in current.params)) current.params[key] = quoted?.replace(/\\(.)/g, "$1") ?? token!;
  }
  return out;
}
