/** Reading the challenges of a `WWW-Authenticate` header (RFC 9110, section 11.6.1). */

/** One challenge of a WWW-Authenticate header: scheme (lowercased) and its parameters. */
export interface Challenge {
  scheme: string;
  /** Parameter names lowercased (RFC 9110, section 11.2), values unquoted. */
  params: Record<string, string>;
  /** The token68 form some schemes use instead of parameters. */
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

/**
 * Reads a WWW-Authenticate value: several challenges separated by commas, parameters as token
 * or quoted-string with backslash escapes (RFC 9110, sections 11.6.1 and 5.6.4). Malformed
 * pieces are skipped, never thrown on; parameters before any scheme land in a challenge with an
 * empty scheme.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  const n = header.length;
  let i = 0;
  let current: Challenge | undefined;

  const skipSpace = (from: number) => {
    while (from < n && (header[from] === " " || header[from] === "\t")) from++;
    return from;
  };
  const readToken = () => {
    const start = i;
    while (i < n && TCHAR.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  const readQuoted = () => {
    // header[i] is the opening quote.
    let value = "";
    i++;
    while (i < n && header[i] !== '"') {
      if (header[i] === "\\" && i + 1 < n) i++;
      value += header[i];
      i++;
    }
    i++;
    return value;
  };
  const skipItem = () => {
    while (i < n && header[i] !== ",") {
      if (header[i] === '"') readQuoted();
      else i++;
    }
  };

  while (i < n) {
    while (i < n && (header[i] === " " || header[i] === "\t" || header[i] === ",")) i++;
    if (i >= n) break;
    const name = readToken();
    if (name === "") {
      skipItem();
      continue;
    }
    const afterName = skipSpace(i);
    if (header[afterName] === "=") {
      i = skipSpace(afterName + 1);
      const value = header[i] === '"' ? readQuoted() : readToken();
      if (!current) {
        current = { scheme: "", params: {} };
        out.push(current);
      }
      const key = name.toLowerCase();
      // A parameter must appear once; keep the first if a server repeats one.
      if (!(key in current.params)) current.params[key] = value;
      skipItem();
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
    i = afterName;
    // token68 form: the rest of the item is one blob, such as `Negotiate YII=`.
    const blob = TOKEN68.exec(header.slice(i));
    if (blob) {
      const end = skipSpace(i + blob[0].length);
      if (end >= n || header[end] === ",") {
        current.token68 = blob[0];
        i = end;
      }
    }
  }
  return out;
}
