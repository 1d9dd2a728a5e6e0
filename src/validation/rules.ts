/**
 * The small run-time pieces the generated validators (generated/validators.ts) are made of. The
 * generator writes straight-line checks per schema and calls these for the parts every check
 * shares: naming a value without quoting too much of it, field paths, reporting, and the formats.
 */

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

/** Values longer than this are cut in messages, so a pasted secret or a huge string never shows whole. */
const SHOWN_CHARS = 60;

/**
 * A check stops after this many violations: a million bad items are one mistake repeated, and
 * listing them all would take longer than the call itself.
 */
export const MAX_VIOLATIONS = 50;

/** Thrown by `add` once the list is full, to leave every loop at once; `run` catches it. */
const FULL = new Error("the list of violations is full");

export type Check = (v: unknown, p: string, o: Violation[]) => void;

/**
 * Runs checks and returns what they found. A getter or proxy that throws becomes a violation
 * instead of an exception; a full list ends the run early with one closing entry.
 */
export function run(checks: (o: Violation[]) => void): Violation[] {
  const o: Violation[] = [];
  try {
    checks(o);
  } catch (error) {
    stopped(o, error);
  }
  return o;
}

/** Closes a list of violations that a check left early, saying why. */
export function stopped(o: Violation[], error: unknown): void {
  o.push({
    path: "",
    rule: "unreadable",
    message:
      error === FULL
        ? `stopped after ${MAX_VIOLATIONS} violations; there may be more`
        : "the input could not be read to the end, because a getter or proxy threw",
  });
}

export function add(o: Violation[], path: string, rule: ViolationRule, message: string): void {
  if (o.length >= MAX_VIOLATIONS) throw FULL;
  o.push({ path, rule, message: `${path === "" ? "value" : path}: ${message}` });
}

/** A plain JSON-like object: not null, not an array, not a Date, Map or other built-in. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return Object.prototype.toString.call(v) === "[object Object]";
}

/** Names what a value is, for messages; never shows the value itself. */
export function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number") {
    return Number.isFinite(v) ? (Number.isInteger(v) ? "an integer" : "a number") : String(v);
  }
  if (typeof v === "object") {
    const tag = Object.prototype.toString.call(v).slice(8, -1).slice(0, SHOWN_CHARS);
    return tag === "Object" ? "an object" : (/^[AEIOU]/.test(tag) ? "an " : "a ") + tag;
  }
  return typeof v === "undefined" ? "undefined" : `a ${typeof v}`;
}

/**
 * Quotes a rejected value for a message, cut to a few dozen characters. JSON quoting escapes
 * control characters; bidi overrides and other invisible characters are escaped too, so that a
 * value can neither reorder nor hide what a terminal shows.
 */
export function show(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v !== "string") return kind(v);
  const cut = v.length > SHOWN_CHARS;
  const quoted = JSON.stringify(cut ? v.slice(0, SHOWN_CHARS) : v).replace(
    /[\p{C}\p{Zl}\p{Zp}]/gu,
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`,
  );
  return cut ? `${quoted}... (${v.length} characters)` : quoted;
}

/** The path of field `k` inside the value at path `p`: `a.b`, or `a["odd or long key"]`. */
export function at(p: string, k: string): string {
  if (k.length > SHOWN_CHARS || !/^[A-Za-z_$][\w$]*$/.test(k)) return `${p}[${show(k)}]`;
  return p === "" ? k : `${p}.${k}`;
}

export function mistyped(o: Violation[], p: string, expected: string, v: unknown): void {
  add(o, p, "type", `expected ${expected}, got ${kind(v)}`);
}

export function missing(o: Violation[], p: string): void {
  add(o, p, "required", "is required but missing");
}

export function readOnlyField(o: Violation[], p: string, k: string): void {
  add(o, at(p, k), "readOnly", "is read-only (Atlas sets it) and cannot be sent");
}

/** Levenshtein distance between two strings, ignoring case. */
function distance(a: string, b: string): number {
  a = a.toUpperCase();
  b = b.toUpperCase();
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      next[j] = Math.min(next[j - 1]! + 1, row[j]! + 1, row[j - 1]! + cost);
    }
    row = next;
  }
  return row[b.length]!;
}

/** The candidate nearest to `value`, when it is at most one edit per five characters away. */
function closest(value: string, candidates: readonly string[]): string | undefined {
  if (value.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(value, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
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

/**
 * A field or parameter `name`, at path `p`, that is not declared. `what` says which: "field of
 * this object" or "query parameter of <operation>".
 */
export function unknownName(
  o: Violation[],
  p: string,
  name: string,
  rule: "unknownField" | "unknownParameter",
  what: string,
  names: readonly string[],
): void {
  const hint = closest(name, names);
  add(
    o,
    p,
    rule,
    hint !== undefined
      ? `is not a ${what}; did you mean ${hint}?`
      : names.length === 0
        ? `is not a ${what}, which takes none`
        : `is not a ${what}, which takes ${names.join(", ")}`,
  );
}

export function unknownField(
  o: Violation[],
  p: string,
  k: string,
  fields: readonly string[],
): void {
  unknownName(o, at(p, k), k, "unknownField", "field of this object", fields);
}

/** Reports every item that repeats an earlier one (uniqueItems, for arrays of scalars). */
export function unique(a: readonly unknown[], p: string, o: Violation[]): void {
  if (a.length < 2) return;
  const seen = new Map<unknown, number>();
  for (let i = 0; i < a.length; i++) {
    const first = seen.get(a[i]);
    if (first === undefined) seen.set(a[i], i);
    else {
      add(
        o,
        `${p}[${i}]`,
        "uniqueItems",
        `${show(a[i])} repeats ${p}[${first}], and items must be unique`,
      );
    }
  }
}

/** A pragmatic email check: one @, a non-empty local part, a dotted domain, no spaces. */
export function isEmail(s: string): boolean {
  return s.length <= 254 && /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/u.test(s);
}

/** An RFC 3339 date-time (section 5.6), with real month lengths and leap years. */
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
