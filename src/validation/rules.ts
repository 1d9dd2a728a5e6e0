/**
 * What a violation is, and the pieces every check shares: the bounded list violations go into,
 * how a message names a value or a place, near-miss hints, and the string formats the generated
 * validators import when the spec uses them.
 */
import { oneLine, SHOWN_CHARS } from "../text.js";

/** Every rule a violation can name. */
export type ViolationRule =
  | "type"
  | "required"
  | "pattern"
  | "enum"
  | "uniqueItems"
  | "format"
  | "minItems"
  | "maxItems"
  | "minimum"
  | "maximum"
  | "minLength"
  | "maxLength"
  | "unknownField"
  | "unknownParameter"
  | "readOnly"
  | "unreadable";

/** One way in which an input breaks the spec or this client's request policy. */
export interface Violation {
  /**
   * Where: a parameter name (`orgId`, `orgMembershipStatuses[1]`) or a place in the body
   * (`body.roles[1]`, `body.groupRoleAssignments[0].groupId`); a field whose name is not an
   * identifier is written `body["odd key"]`.
   */
  path: string;
  rule: ViolationRule;
  /** One sentence naming the place and what is wrong. */
  message: string;
}

/** Half of a surrogate pair without the other half: text with no UTF-8 form. */
export const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A check stops after this many violations: a million bad items are one mistake repeated, and
 * listing them all would take longer than the call itself.
 */
const MAX_VIOLATIONS = 50;

/**
 * Thrown by `report` once the list is full, to leave every loop at once; `stopped` catches it, so
 * it is never seen and needs no message.
 */
const FULL = new Error();

/**
 * Ends a list of violations that a check left by an exception: a full list gets one closing entry,
 * and a getter or proxy that threw becomes a violation (without the error's text, which may hold
 * anything) instead of an exception.
 */
export function stopped(found: Violation[], error: unknown): void {
  found.push({
    path: "",
    rule: "unreadable",
    message:
      error === FULL
        ? `stopped after ${MAX_VIOLATIONS} violations; there may be more`
        : "a getter or proxy threw while the input was read",
  });
}

/** Adds a violation; `problem` says what is wrong, and the message starts with the place. */
export function report(
  found: Violation[],
  path: string,
  rule: ViolationRule,
  problem: string,
): void {
  if (found.length === MAX_VIOLATIONS) throw FULL;
  found.push({ path, rule, message: `${path || "value"}: ${problem}` });
}

/** A plain JSON-like object: not null, not an array, not a Date, Map or other built-in. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return Object.prototype.toString.call(v) === "[object Object]";
}

/**
 * Names what a value is, for messages ("an integer", "a Date", "null"); shows no value except a
 * number that is not an integer ("1.5", "NaN"), which "a number" would not tell apart from a valid
 * one.
 */
export function kind(v: unknown): string {
  if (v == null || (typeof v === "number" && !Number.isInteger(v))) return String(v);
  // Objects by their built-in tag ("a Date", "a Map"), plain ones and arrays as JSON names them.
  const name = Number.isSafeInteger(v)
    ? "integer"
    : Number.isInteger(v)
      ? "integer too large to be exact"
      : typeof v === "object"
        ? Object.prototype.toString.call(v).slice(8, -1).slice(0, SHOWN_CHARS)
        : typeof v;
  return article(name === "Object" || name === "Array" ? name.toLowerCase() : name);
}

/** "an object", "a string". */
export function article(name: string): string {
  return `${/^[aeiou]/i.test(name) ? "an" : "a"} ${name}`;
}

/**
 * Quotes a rejected value for a message, cut to a few dozen characters. JSON quoting escapes
 * control characters; bidi overrides and other invisible characters are escaped too, so that a
 * value can neither reorder nor hide what a terminal shows (oneLine does the same for server text).
 */
export function show(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v !== "string") return kind(v);
  // The quoted text is at most a few hundred characters, so oneLine only escapes it.
  const quoted = oneLine(JSON.stringify(v.slice(0, SHOWN_CHARS)), Infinity);
  return v.length > SHOWN_CHARS ? `${quoted}... (${v.length} characters)` : quoted;
}

/** The path of field `k` inside the value at path `p`: `a.b`, or `a["odd or long key"]`. */
export function at(p: string, k: string): string {
  if (k.length > SHOWN_CHARS || !/^[A-Za-z_$][\w$]*$/.test(k)) return `${p}[${show(k)}]`;
  return p === "" ? k : `${p}.${k}`;
}

/** Levenshtein distance between two strings, ignoring case. */
function distance(a: string, b: string): number {
  a = a.toUpperCase();
  b = b.toUpperCase();
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next[j] = Math.min(next[j - 1]! + 1, row[j]! + 1, row[j - 1]! + cost);
    }
    row = next;
  }
  return row[b.length]!;
}

/** The candidate nearest to `value`, when it is at most one edit per five characters away. */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  if (value.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(value, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 5))
    ? best
    : undefined;
}

/** A known value that `value` looks like a slip of (case, separators, prefix, a few edits). */
export function suggest(
  value: string,
  known: readonly string[],
  prefix: string,
): string | undefined {
  if (typeof value !== "string" || known.includes(value)) return undefined;
  const v = value
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, "_");
  const direct = closest(v, known);
  if (direct !== undefined || prefix === "" || v.startsWith(prefix)) return direct;
  return closest(prefix + v, known);
}

// The formats. The generated validators import the ones the spec uses, so a bundle carries only those.

/** `format: email`, pragmatically: one @, a non-empty local part, a dotted domain, no spaces. */
export function isEmail(s: string): boolean {
  return s.length <= 254 && /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/u.test(s);
}

/** `format: int32`: a signed 32-bit integer. */
export function isInt32(n: number): boolean {
  return n === (n | 0);
}

/** `format: date-time`: an RFC 3339 date-time (section 5.6), with real month lengths and leap years. */
export function isDateTime(s: string): boolean {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/u.exec(
      s,
    );
  if (m === null) return false;
  const n = (i: number): number => Number(m[i] ?? 0);
  const year = n(1);
  const month = n(2);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days =
    month === 2
      ? leap
        ? 29
        : 28
      : month === 4 || month === 6 || month === 9 || month === 11
        ? 30
        : 31;
  return (
    month >= 1 &&
    month <= 12 &&
    n(3) >= 1 &&
    n(3) <= days &&
    n(4) <= 23 &&
    n(5) <= 59 &&
    n(6) <= 60 &&
    n(7) <= 23 &&
    n(8) <= 59
  );
}
