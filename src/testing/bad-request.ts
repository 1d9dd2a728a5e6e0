/**
 * Turns what the generated validators find wrong with a request into the one 400 answer Atlas
 * would send. The validators are the rules (the spec's schemas); this module only decides which
 * violation Atlas reports and in which words.
 *
 * Atlas reports one problem per answer (every public example names a single attribute). Which one
 * it picks when there are several is not public; the fake picks like a JSON binder that reads the
 * body in order: first a field it cannot bind (an unknown field, a value outside an enum, a value
 * of the wrong type), in the order the body lists them; then a missing required field; then any
 * other rule.
 */
import { at, type Violation } from "../validation/rules.js";
import {
  invalidAttribute,
  invalidEnumValue,
  missingAttribute,
  unobserved,
  type ErrorAnswer,
} from "./answers.js";

/** Rules a binder meets while reading the body, in document order. */
const WHILE_READING = new Set(["unknownField", "readOnly", "enum", "type"]);

/**
 * The key and value that a violation path (as the validators write it, relative to `root`)
 * points at, found by walking `root` and building each child's path the way the validators do.
 */
function locate(root: unknown, path: string): { key: string; value: unknown } | undefined {
  let node = root;
  let here = "";
  let key = "";
  while (here !== path) {
    let next: { key: string; value: unknown; path: string } | undefined;
    if (Array.isArray(node)) {
      const m = /^\[(\d+)\]/.exec(path.slice(here.length));
      if (m) next = { key: m[1]!, value: node[Number(m[1])], path: `${here}[${m[1]}]` };
    } else if (typeof node === "object" && node !== null) {
      for (const [k, v] of Object.entries(node)) {
        const child = at(here, k);
        const rest = path.slice(child.length);
        if (path.startsWith(child) && (rest === "" || rest[0] === "." || rest[0] === "[")) {
          next = { key: k, value: v, path: child };
          break;
        }
      }
    }
    if (!next) return undefined;
    ({ key, value: node, path: here } = next);
  }
  return { key, value: node };
}

/** The field a path ends in: `roles.foo` -> `foo`; for an array item, the array's name. */
function fieldName(root: unknown, path: string): string {
  const bare = path.replace(/(\[\d+\])+$/, "");
  return locate(root, bare)?.key ?? bare;
}

/** The 400 answer for a request with these violations, or undefined when there are none. */
export function badRequest(
  violations: readonly Violation[],
  root: unknown,
): ErrorAnswer | undefined {
  const first =
    violations.find((v) => WHILE_READING.has(v.rule)) ??
    violations.find((v) => v.rule === "required") ??
    violations[0];
  if (first === undefined) return undefined;
  switch (first.rule) {
    case "unknownField":
    case "readOnly":
      // Observed for unknown fields; a read-only field of the resource is not a field of the
      // request schema either, so the fake refuses it the same way (a guess).
      return invalidAttribute(fieldName(root, first.path));
    case "enum": {
      const found = locate(root, first.path);
      const value = typeof found?.value === "string" ? found.value : String(found?.value);
      return invalidEnumValue(value);
    }
    case "required":
      // A required field is always one the schema declares, so its name is an identifier and
      // ends the path after the last dot.
      return missingAttribute(first.path.slice(first.path.lastIndexOf(".") + 1));
    default:
      // No public source shows how Atlas words a pattern, type, format, uniqueItems or
      // minItems violation, so the answer carries no errorCode; the detail is the rule's own
      // sentence, which names the field.
      return unobserved(400, first.message);
  }
}
