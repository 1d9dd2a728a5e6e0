/** Checks of credential fields, shared by the strategies. Messages name the field, never its value. */
import { AtlasValidationError } from "../errors.js";

/** Visible ASCII: what a token, an id or a public key may hold, as they go into headers. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
/** Control characters (C0, DEL, C1): never part of a real secret, and unsafe in any header. */
const CONTROL = /\p{Cc}/u;

function fail(strategy: string, field: string, what: string): never {
  throw new AtlasValidationError(`atlas-invites: ${strategy}: ${field} ${what}`, [
    { path: field, rule: "type", message: `${field}: ${what}` },
  ]);
}

/** The fields of `input`, refusing a non-object and fields the strategy does not take. */
export function fieldsOf(
  strategy: string,
  input: unknown,
  names: readonly string[],
): Record<string, unknown> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    fail(strategy, "its argument", `must be an object with ${names.join(" and ")}`);
  }
  for (const key of Object.keys(input)) {
    if (!names.includes(key)) {
      const name = /^[\w$-]{1,40}$/.test(key) ? key : "(a field)";
      fail(strategy, name, `is not an option; it takes ${names.join(" and ")}`);
    }
  }
  return input as Record<string, unknown>;
}

/** A public identifier (client id, public key): visible ASCII, optionally without some characters. */
export function checkIdentifier(
  strategy: string,
  field: string,
  value: unknown,
  forbidden = "",
): string {
  if (typeof value !== "string" || value === "")
    fail(strategy, field, "must be a non-empty string");
  if (!VISIBLE_ASCII.test(value) || [...forbidden].some((c) => value.includes(c))) {
    const extra = forbidden ? ` and no ${[...forbidden].map((c) => `'${c}'`).join(" or ")}` : "";
    fail(strategy, field, `must hold visible ASCII characters only${extra}`);
  }
  return value;
}

/** A bearer token: visible ASCII, as it goes into the Authorization header unchanged. */
export function checkToken(strategy: string, field: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "")
    fail(strategy, field, "must be a non-empty string");
  if (!VISIBLE_ASCII.test(value))
    fail(
      strategy,
      field,
      "must hold visible ASCII characters only (no spaces, line breaks or control characters)",
    );
  return value;
}

/** A secret that is encoded or hashed before use: any text without control characters. */
export function checkSecret(strategy: string, field: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "")
    fail(strategy, field, "must be a non-empty string");
  if (CONTROL.test(value))
    fail(strategy, field, "must not contain line breaks or control characters");
  return value;
}
