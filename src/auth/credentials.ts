/** Checks of credential fields, shared by the strategies. Messages name the field, never its value. */
import { AtlasValidationError } from "../errors.js";

/** What a field must hold besides non-blank text: a pattern, and how a message says it. */
export type FieldRule = readonly [pattern: RegExp, requirement: string];

/**
 * Text that goes into a header as it is (a token, an id, a public key) must be visible ASCII:
 * anything else could split the header or be re-encoded on the way.
 */
export const VISIBLE_ASCII: FieldRule = [/^[\x21-\x7e]+$/, "of visible ASCII characters only"];

/**
 * A secret that is encoded or hashed before use may hold any text but control characters (C0,
 * DEL, C1): no real secret contains them, and a line break in one is a copy-and-paste accident.
 */
export const ANY_TEXT: FieldRule = [/^\P{Cc}+$/u, "without line breaks or control characters"];

/**
 * The fields of a strategy's argument, each checked by its rule: a non-object, a field the
 * strategy does not take, and a missing, blank or ill-formed value are refused.
 */
export function checkFields<Name extends string>(
  strategy: string,
  input: unknown,
  rules: Record<Name, FieldRule>,
): Record<Name, string> {
  const names = Object.keys(rules);
  const fail = (field: string, what: string): never => {
    throw new AtlasValidationError(`atlas-invites: ${strategy}: ${field} ${what}`, [
      { path: field, rule: "type", message: `${field}: ${what}` },
    ]);
  };
  if (typeof input !== "object" || input === null) {
    fail("its argument", `must be an object with ${names.join(" and ")}`);
  }
  const fields = input as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    // An unknown key is quoted only when it looks like a field name: it could be anything.
    const shown = /^[\w$-]{1,40}$/.test(key) ? key : "(a field)";
    if (!names.includes(key)) fail(shown, `is not an option; it takes ${names.join(" and ")}`);
  }
  for (const name of names) {
    const [pattern, requirement] = rules[name as Name];
    const value = fields[name];
    if (typeof value !== "string" || value.trim() === "" || !pattern.test(value)) {
      // Two copy-and-paste slips get named, since the rule alone does not point at them: the
      // line break or space around a value read from a file, and the scheme of the header a
      // token was copied from (RFC 6750, section 2.1: "Bearer" then the token).
      const slip =
        typeof value !== "string" || value.trim() === ""
          ? ""
          : value.trim() !== value
            ? "; it has a space or line break at its start or end"
            : /^bearer\s/i.test(value)
              ? '; give the token without "Bearer "'
              : "";
      fail(name, `must be a non-empty string ${requirement}${slip}`);
    }
  }
  return fields as Record<Name, string>;
}
