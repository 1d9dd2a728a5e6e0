/**
 * Turning text that came from elsewhere (a server's error body, a network error) into something
 * safe to put in a message: credentials taken out, one line, bounded.
 */

/** How many characters of foreign text a message quotes at most. */
export const MAX_QUOTED = 200;

/** Removes every occurrence of the given secrets, in the forms a server might echo them in. */
export type Scrub = (text: string) => string;

/** A scrubber for the secrets `held` returns at the time of the call. */
export function scrubberFor(held: () => Iterable<string>): Scrub {
  return (text) => {
    let clean = text;
    for (const secret of held()) {
      // Short values would blank out ordinary words; real credentials are far longer.
      if (secret.length < 6) continue;
      for (const form of new Set([secret, encodeURIComponent(secret)])) {
        if (clean.includes(form)) clean = clean.split(form).join("[redacted]");
      }
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

/** Drops user info, query and fragment from a URL before it goes into a message. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "<invalid url>";
  }
}
