/**
 * Checks a value against a rule table generated from the spec (generated/validators.ts). The
 * table holds one node per schema the requests use; this file walks it. A table and a small walker
 * are a fraction of the size of straight-line code for every schema, which matters in a bundle.
 */
import {
  article,
  at,
  closest,
  isObject,
  kind,
  LONE_SURROGATE,
  report,
  show,
  stopped,
  type Violation,
  type ViolationRule,
} from "./rules.js";

/** The rules of one schema, named as the spec names them. Which keys a node has depends on its type. */
export interface RuleNode {
  type: "object" | "array" | "string" | "integer" | "number" | "boolean";
  /** null passes as well. */
  nullable?: true;
  enum?: readonly unknown[];
  /**
   * Bounds on a number's value (`minimum`, `maximum`), a string's length (`minLength`,
   * `maxLength`) or an array's (`minItems`, `maxItems`).
   */
  bounds?: readonly (readonly [rule: Bound, limit: number])[];
  pattern?: RegExp;
  /** A format that the table's `formats` checks. */
  format?: string;
  /** An array's items: the index of their node. */
  items?: number;
  uniqueItems?: true;
  /** An object's declared, writable fields: the index of each one's node. */
  properties?: Readonly<Record<string, number>>;
  required?: readonly string[];
  /** Fields refused as read-only (Atlas sets them). */
  readOnly?: readonly string[];
  /**
   * Undeclared fields are let through. Without it they are refused: that is this client's policy
   * for request bodies, unless the spec says `additionalProperties: true`.
   */
  open?: true;
}

type Bound = "minimum" | "maximum" | "minLength" | "maxLength" | "minItems" | "maxItems";

export interface RuleTable {
  nodes: readonly RuleNode[];
  /** The check of each format the nodes name. */
  formats: Readonly<Record<string, (value: never) => boolean>>;
}

/** What a call of one operation may carry: parameter nodes by name, and the body's node. */
export interface InputRules {
  path: Readonly<Record<string, number>>;
  query: Readonly<Record<string, number>>;
  /** The body's node; absent when the operation takes no body. */
  body?: number;
  bodyRequired?: true;
}

/** Shared empty lists, so that a node without rules of a kind allocates nothing. */
const NONE: readonly string[] = [];
const NO_BOUNDS: NonNullable<RuleNode["bounds"]> = [];

function typed(type: RuleNode["type"], v: unknown): boolean {
  switch (type) {
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "integer":
      // Beyond 2^53 - 1 a number no longer holds the integer that was written, and from 1e21
      // on it is sent as "1e+21", which is not an integer.
      return Number.isSafeInteger(v);
    case "number":
      return Number.isFinite(v);
    default:
      return typeof v === type;
  }
}

/**
 * The call whose parameters are being checked: an undeclared name is then "not a parameter" of the
 * operation, and the hint looks among both its path and its query parameters, since the methods
 * put every name that is not a path parameter into the query.
 */
interface Call {
  operationId: string;
  rules: InputRules;
}

/**
 * Checks the own fields of an object (a body or part of one, or the parameters given in one
 * place): declared ones against their nodes; the rest are refused as read-only or as unknown,
 * unless the object is open.
 */
function checkFields(
  table: RuleTable,
  found: Violation[],
  value: Record<string, unknown>,
  p: string,
  fields: Readonly<Record<string, number>>,
  node: RuleNode | Call,
): void {
  for (const k of Object.keys(value)) {
    const x = value[k];
    // JSON.stringify drops undefined-valued fields, so they never reach the wire.
    if (x === undefined) continue;
    const child = Object.hasOwn(fields, k) ? fields[k] : undefined;
    if (child !== undefined) {
      const before = found.length;
      checkNode(table, found, child, x, p, k);
      if ("operationId" in node && found.length === before) unencodable(found, at(p, k), x);
    } else if ("operationId" in node) {
      const names = [...Object.keys(node.rules.path), ...Object.keys(node.rules.query)];
      const what = `parameter of ${node.operationId}`;
      // A body field put beside the parameters instead of inside `body` is told where it goes.
      if (!Object.hasOwn(table.nodes[node.rules.body ?? -1]?.properties ?? {}, k)) {
        unknown(found, at(p, k), "unknownParameter", k, what, names);
      } else report(found, at(p, k), "unknownParameter", `is not a ${what}; it belongs in body`);
    } else if (node.readOnly?.includes(k)) {
      // A fetched resource sent back, or a guess at the body's shape: either way, say what it takes.
      const problem = `is read-only (Atlas sets it); this object takes ${Object.keys(fields).join(", ")}`;
      report(found, at(p, k), "readOnly", problem);
    } else if (!node.open) {
      unknown(found, at(p, k), "unknownField", k, "field of this object", Object.keys(fields));
    }
  }
}

/**
 * Reports a parameter value `v` (a string or list of them) that a URL cannot carry: a lone surrogate
 * (no UTF-8 form, RFC 3986 2.5), or an empty list (form style sends a pair per item, so none).
 */
function unencodable(found: Violation[], p: string, v: unknown): void {
  const items = Array.isArray(v) ? v : [v];
  if (!items.length) report(found, p, "minItems", "an empty list sends nothing, as if omitted");
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (typeof item === "string" && LONE_SURROGATE.test(item)) {
      const where = Array.isArray(v) ? `${p}[${i}]` : p;
      report(
        found,
        where,
        "format",
        `${show(item)} holds a lone surrogate, which a URL cannot carry`,
      );
    }
  }
}

/** Reports a field or parameter `name`, at path `p`, that is not one of `names`. */
function unknown(
  found: Violation[],
  p: string,
  rule: ViolationRule,
  name: string,
  what: string,
  names: readonly string[],
): void {
  const hint = closest(name, names);
  const problem =
    hint === undefined ? `, which takes ${names.join(", ") || "none"}` : `; did you mean ${hint}?`;
  report(found, p, rule, `is not a ${what}${problem}`);
}

/** Reports a required field or path parameter that is missing. */
function missing(found: Violation[], p: string): void {
  report(found, p, "required", "is required but missing");
}

/** The path of `key` inside the value at path `parent`; without a key, the value's own path. */
function place(parent: string, key?: string | number): string {
  return key === undefined
    ? parent
    : typeof key === "number"
      ? `${parent}[${key}]`
      : at(parent, key);
}

/**
 * Checks value `v` against node `index`. Its path is `key` inside `parent`, worked out only when a
 * violation or a child needs it: most values pass, and a path costs more than most checks.
 */
function checkNode(
  table: RuleTable,
  found: Violation[],
  index: number,
  v: unknown,
  parent: string,
  key?: string | number,
): void {
  const node = table.nodes[index]!;
  const type = node.type;
  if (v === null && node.nullable) return;
  if (!typed(type, v)) {
    return report(found, place(parent, key), "type", `expected ${article(type)}, got ${kind(v)}`);
  }
  if (type === "object") {
    const p = place(parent, key);
    checkFields(table, found, v as Record<string, unknown>, p, node.properties!, node);
    for (const k of node.required ?? NONE) {
      // Own fields only, as JSON.stringify writes them: an inherited one is not sent.
      if (!Object.hasOwn(v as object, k) || (v as Record<string, unknown>)[k] === undefined) {
        missing(found, at(p, k));
      }
    }
    return;
  }
  for (const [rule, limit] of node.bounds ?? NO_BOUNDS) {
    const size = typeof v === "number" ? v : (v as string | unknown[]).length;
    const least = rule.startsWith("min");
    if (least ? size < limit : size > limit) {
      const be = typeof v === "number" ? "be" : "have a length of";
      const problem = `must ${be} at ${least ? "least" : "most"} ${limit}, got ${size}`;
      report(found, place(parent, key), rule, problem);
    }
  }
  if (type === "array") {
    const items = v as unknown[];
    const p = place(parent, key);
    for (let i = 0; i < items.length; i++) checkNode(table, found, node.items!, items[i], p, i);
    if (node.uniqueItems && items.length > 1) {
      // Items are scalars here (the generator refuses uniqueItems over objects and arrays).
      const seen = new Set<unknown>();
      for (let i = 0; i < items.length; i++) {
        if (!seen.has(items[i])) seen.add(items[i]);
        else {
          const first = `${p}[${items.indexOf(items[i])}]`;
          const problem = `${show(items[i])} repeats ${first}, and items must be unique`;
          report(found, `${p}[${i}]`, "uniqueItems", problem);
        }
      }
    }
  }
  if (node.pattern && !node.pattern.test(v as string)) {
    const problem = `${show(v)} does not match the pattern ${node.pattern.source}`;
    report(found, place(parent, key), "pattern", problem);
  }
  if (node.format && !table.formats[node.format]!(v as never)) {
    report(found, place(parent, key), "format", `${show(v)} is not a valid ${node.format}`);
  }
  if (node.enum && !node.enum.includes(v)) {
    const problem = `${show(v)} is not one of ${node.enum.join(", ")}`;
    report(found, place(parent, key), "enum", problem);
  }
}
/** Every violation of `value` against node `index`; paths are relative to the value. */
export function checkValue(table: RuleTable, index: number, value: unknown): Violation[] {
  const found: Violation[] = [];
  try {
    checkNode(table, found, index, value, "");
  } catch (error) {
    stopped(found, error);
  }
  return found;
}

/**
 * Every violation in one call's input: `path` and `query` as openapi-fetch's `params` hold them,
 * and `body` as it will be sent (undefined for none). Path parameters are all required.
 */
export function checkInput(
  table: RuleTable,
  operationId: string,
  rules: InputRules,
  path: unknown,
  query: unknown,
  body: unknown,
): Violation[] {
  const found: Violation[] = [];
  try {
    const call: Call = { operationId, rules };
    if (isObject(path)) checkFields(table, found, path, "", rules.path, call);
    for (const name of Object.keys(rules.path)) {
      // Own keys only, as the path serializer reads them.
      if (!isObject(path) || !Object.hasOwn(path, name) || path[name] === undefined) {
        missing(found, name);
      }
    }
    if (isObject(query)) checkFields(table, found, query, "", rules.query, call);
    if (rules.body === undefined) {
      if (body !== undefined)
        report(found, "body", "unknownParameter", `${operationId} takes no body`);
    } else if (body !== undefined) {
      checkNode(table, found, rules.body, body, "body");
    } else if (rules.bodyRequired) {
      missing(found, "body");
    }
  } catch (error) {
    stopped(found, error);
  }
  return found;
}
