/**
 * Checks a value against a rule table generated from the spec (generated/validators.ts). The
 * table holds one node per schema the requests use; this file walks it. A table and a small walker
 * are a fraction of the size of straight-line code for every schema, which matters in a bundle.
 */
import {
  add,
  at,
  isDateTime,
  isEmail,
  isObject,
  missing,
  mistyped,
  readOnlyField,
  run,
  show,
  stopped,
  unique,
  unknownField,
  unknownName,
  type Violation,
} from "./rules.js";

interface Nullable {
  nullable?: true;
}

export type RuleNode = Nullable &
  (
    | {
        type: "string";
        pattern?: string;
        enum?: readonly string[];
        format?: "email" | "date-time";
        minLength?: number;
        maxLength?: number;
      }
    | {
        type: "integer" | "number";
        enum?: readonly number[];
        format?: "int32" | "int64" | "float" | "double";
        minimum?: number;
        maximum?: number;
      }
    | { type: "boolean"; enum?: readonly boolean[] }
    | {
        type: "array";
        /** Index of the items' node. */
        items: number;
        uniqueItems?: true;
        minItems?: number;
        maxItems?: number;
      }
    | {
        type: "object";
        /** Node index of each declared, writable property. */
        properties: Readonly<Record<string, number>>;
        required?: readonly string[];
        /** Fields refused as read-only (Atlas sets them). */
        readOnly?: readonly string[];
        /** Undeclared fields are refused (this client's policy for request bodies). */
        closed?: true;
      }
  );

/** What a call of one operation may carry: parameter nodes by name, and the body's node. */
export interface InputRules {
  path: Readonly<Record<string, number>>;
  query: Readonly<Record<string, number>>;
  /** The body's node, or null when the operation takes none. */
  body: number | null;
  bodyRequired: boolean;
}

export interface RuleTable {
  nodes: readonly RuleNode[];
}

/** How messages name each type. */
const ARTICLE = {
  object: "an object",
  array: "an array",
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean",
} as const;

const patterns = new Map<string, RegExp>();

function pattern(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) patterns.set(source, (re = new RegExp(source, "u")));
  return re;
}

function typed(node: RuleNode, v: unknown): boolean {
  switch (node.type) {
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    default:
      return typeof v === node.type;
  }
}

function checkNode(table: RuleTable, index: number, v: unknown, p: string, o: Violation[]): void {
  const node = table.nodes[index]!;
  if (v === null && node.nullable) return;
  if (!typed(node, v)) return mistyped(o, p, ARTICLE[node.type], v);
  switch (node.type) {
    case "object": {
      const value = v as Record<string, unknown>;
      for (const k of Object.keys(value)) {
        const x = value[k];
        // JSON.stringify drops undefined-valued fields, so they never reach the wire.
        if (x === undefined) continue;
        const child = Object.hasOwn(node.properties, k) ? node.properties[k] : undefined;
        if (child !== undefined) checkNode(table, child, x, at(p, k), o);
        else if (node.readOnly?.includes(k)) readOnlyField(o, p, k);
        else if (node.closed) unknownField(o, p, k, Object.keys(node.properties));
      }
      for (const k of node.required ?? []) if (value[k] === undefined) missing(o, at(p, k));
      return;
    }
    case "array": {
      const items = v as unknown[];
      if (node.minItems !== undefined && items.length < node.minItems) {
        const s = node.minItems === 1 ? "" : "s";
        add(o, p, "minItems", `needs at least ${node.minItems} item${s}, got ${items.length}`);
      }
      if (node.maxItems !== undefined && items.length > node.maxItems) {
        add(o, p, "maxItems", `takes at most ${node.maxItems} items, got ${items.length}`);
      }
      for (let i = 0; i < items.length; i++)
        checkNode(table, node.items, items[i], `${p}[${i}]`, o);
      if (node.uniqueItems) unique(items, p, o);
      return;
    }
    case "string": {
      const s = v as string;
      if (node.pattern !== undefined && !pattern(node.pattern).test(s)) {
        add(o, p, "pattern", `${show(s)} does not match the pattern ${node.pattern}`);
      }
      if (node.minLength !== undefined && s.length < node.minLength) {
        add(o, p, "minLength", `must have ${node.minLength} characters at least, got ${s.length}`);
      }
      if (node.maxLength !== undefined && s.length > node.maxLength) {
        add(o, p, "maxLength", `must have ${node.maxLength} characters at most, got ${s.length}`);
      }
      if (node.format === "email" && !isEmail(s)) {
        add(o, p, "format", `${show(s)} is not an email address`);
      }
      if (node.format === "date-time" && !isDateTime(s)) {
        add(o, p, "format", `${show(s)} is not an RFC 3339 date-time`);
      }
      break;
    }
    case "integer":
    case "number": {
      const n = v as number;
      if (node.minimum !== undefined && n < node.minimum) {
        add(o, p, "minimum", `must be at least ${node.minimum}, got ${n}`);
      }
      if (node.maximum !== undefined && n > node.maximum) {
        add(o, p, "maximum", `must be at most ${node.maximum}, got ${n}`);
      }
      if (node.format === "int32" && (n < -2147483648 || n > 2147483647)) {
        add(o, p, "format", `${n} is outside the int32 range`);
      }
      break;
    }
  }
  const allowed = node.enum as readonly unknown[] | undefined;
  if (allowed && !allowed.includes(v)) {
    add(o, p, "enum", `${show(v)} is not one of ${allowed.join(", ")}`);
  }
}

/** Every violation of `value` against node `index`; paths are relative to the value. */
export function checkValue(table: RuleTable, index: number, value: unknown): Violation[] {
  return run((o) => checkNode(table, index, value, "", o));
}

function checkParams(
  table: RuleTable,
  operationId: string,
  rules: InputRules,
  where: "path" | "query",
  given: unknown,
  o: Violation[],
): void {
  if (!isObject(given)) return;
  const declared = rules[where];
  for (const name in given) {
    if (!Object.hasOwn(given, name)) continue;
    const value = given[name];
    if (value === undefined) continue;
    const node = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (node !== undefined) {
      checkNode(table, node, value, name, o);
    } else if (where === "path") {
      const what = `path parameter of ${operationId}`;
      unknownName(o, at("", name), name, "unknownParameter", what, Object.keys(rules.path));
    } else {
      // The methods put every name that is not a path parameter into the query, so an unknown
      // one is "not a parameter", and a misspelt path parameter gets its hint here.
      const names = [...Object.keys(rules.path), ...Object.keys(rules.query)];
      unknownName(o, at("", name), name, "unknownParameter", `parameter of ${operationId}`, names);
    }
  }
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
  // Written out rather than through `run`: this runs for every call the client makes.
  const o: Violation[] = [];
  try {
    checkParams(table, operationId, rules, "path", path, o);
    const given = isObject(path) ? path : undefined;
    for (const name in rules.path) if (given?.[name] === undefined) missing(o, name);
    checkParams(table, operationId, rules, "query", query, o);
    if (rules.body === null) {
      if (body !== undefined) add(o, "body", "unknownParameter", `${operationId} takes no body`);
    } else if (body === undefined) {
      if (rules.bodyRequired) missing(o, "body");
    } else {
      checkNode(table, rules.body, body, "body", o);
    }
  } catch (error) {
    stopped(o, error);
  }
  return o;
}
