/**
 * Turning text that came from elsewhere (a server's error body, a network error) into something
 * safe to put in a message: credentials taken out, one line, bounded.
 */

import { inspect } from "node:util";

/** How many characters of foreign text a message quotes at most. */
export const MAX_QUOTED = 200;

/**
 * Input values longer than this are cut in validation messages, so a huge string never shows
 * whole. The scrubber also hides this much of the start of a longer secret, since a cut value
 * reaches it as that prefix.
 */
export const SHOWN_CHARS = 60;

/** Removes every occurrence of the given secrets, in the forms a server might echo them in. */
export type Scrub = (text: string) => string;

/** JSON's two-character escapes (RFC 8259, section 7), as patterns, by the character escaped. */
const SHORT_ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\\\",
  "/": "/",
  "\b": "b",
  "\f": "f",
  "\n": "n",
  "\r": "r",
  "\t": "t",
};

const hex4 = (c: string) => c.charCodeAt(0).toString(16).padStart(4, "0");

/**
 * A pattern for `secret` as a server may echo it: as sent, percent-encoded, or inside a JSON
 * string, where a serializer may write any character as \uXXXX (one per UTF-16 code unit, RFC
 * 8259 section 7; HTML-safe ones do so for "=", which ends most Basic credentials) and some as
 * \" \\ \/ \b \f \n \r \t (some escape every "/"). Each character of the secret goes into the
 * pattern as its own \u escape, so none of them is read as pattern syntax.
 */
function pattern(secret: string): string {
  let json = "";
  for (const c of secret.split("")) {
    const short = SHORT_ESCAPES[c];
    json += `(?:\\u${hex4(c)}|\\\\u${hex4(c)}${short ? `|\\\\${short}` : ""})`;
  }
  const encoded = [...encodeURIComponent(secret)].map((c) => `\\u${hex4(c)}`).join("");
  return `${json}|${encoded}`;
}

/**
 * A scrubber for the secrets `held` returns at the time of the call. It matches regardless of
 * case: a host name in a URL comes back lowercased (WHATWG URL), and hex escapes may use either
 * case; another spelling of a long random credential is no ordinary word.
 */
export function scrubberFor(held: () => Iterable<string>): Scrub {
  // Building a pattern costs about 25 µs; the secrets change seldom (a token an hour), so the
  // patterns are kept, a few dozen at most.
  const patterns = new Map<string, RegExp>();
  return (text) => {
    let clean = text;
    const listed = held();
    // A lone string is an Iterable<string> too: it is one secret, not a list of characters.
    for (const secret of typeof listed === "string" ? [listed] : listed) {
      // Short values would blank out ordinary words; real credentials are far longer. A strategy
      // of the user's own may list one it has not got yet (undefined).
      if (typeof secret !== "string" || secret.length < 6) continue;
      let found = patterns.get(secret);
      if (!found) {
        if (patterns.size >= 32) patterns.clear();
        // The whole secret first, then the start a cut value shows of it.
        let source = pattern(secret);
        if (secret.length > SHOWN_CHARS) source += `|${pattern(secret.slice(0, SHOWN_CHARS))}`;
        patterns.set(secret, (found = new RegExp(source, "gi")));
      }
      clean = clean.replace(found, "[redacted]");
    }
    return clean;
  };
}

/**
 * One line of at most `max` characters: line breaks, tabs and every other control, format or
 * separator character are written as escapes, so a server cannot start a new log line or hide
 * text from a terminal, and a longer text ends in "…".
 */
export function oneLine(text: string, max = MAX_QUOTED): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const escaped = cut.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`;
  });
  return text.length > max ? `${escaped}…` : escaped;
}

/**
 * `error` as it is when nothing util.inspect shows of it (hidden fields and every cause included)
 * holds a secret; else a stand-in that keeps its name, message and `code` with the secrets taken
 * out, and its cause treated the same way (eight deep at most: a chain may loop). A transport's
 * error may quote the request it failed on, Authorization header included, as request-mocking
 * libraries do when nothing matched.
 */
export function scrubError(error: unknown, scrub: Scrub, depth = 8): unknown {
  const shown = inspect(error, { showHidden: true, depth: Infinity, maxStringLength: Infinity });
  if (scrub(shown) === shown) return error;
  if (!(error instanceof Error) || depth === 0) return scrub(shown);
  const { name, message, cause } = error;
  const code: unknown = (error as { code?: unknown }).code;
  const copy = new Error(
    scrub(message),
    cause === undefined ? {} : { cause: scrubError(cause, scrub, depth - 1) },
  );
  return Object.assign(copy, { name }, typeof code === "string" && { code: scrub(code) });
}

/**
 * An Authorization value as logs may show it: its scheme kept, its credentials replaced
 * (`Bearer [redacted]`); a value without a scheme is hidden whole.
 */
export function redactAuthorization(value: string): string {
  return `${/^\S+ /.exec(value)?.[0] ?? ""}[redacted]`;
}

/** Drops user info, query and fragment from a URL before it goes into a message. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "<invalid url>";
  }
}
