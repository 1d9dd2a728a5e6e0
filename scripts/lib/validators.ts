/**
 * Builds `generated/validators.ts`: one plain TypeScript function per request body schema of the
 * spec, written out as straight-line checks (no schema objects are read at run time, and no schema
 * compiler ships with the package). The client runs them before a request leaves the process, so
 * JavaScript callers without a compiler still get every mistake in their body listed at once.
 *
 * The schemas decide what is checked: `type` (with `nullable`), `required`, `pattern` (compiled as
 * a RegExp literal with the `u` flag, since Atlas patterns use `\p{L}`), `enum`, `uniqueItems`,
 * `format` (`email`, `date-time`, `int32`) and `readOnly`. Keywords the generator does not
 * understand make generation fail instead of being skipped silently.
 *
 * On top of the spec, {@link REQUEST_BODY_POLICY} adds this client's own rules for request bodies;
 * see {@link ValidatorPolicy}. The spec itself is never changed to express them.
 */
import {
  collectOperations,
  resolveRef,
  type JsonObject,
  type OpenApiDocument,
} from "./operation-table.js";

/** Rules the generated validators add to what the spec states. They apply to request bodies only. */
export interface ValidatorPolicy {
  /**
   * Refuse properties that a schema does not declare. The spec mirrors Atlas, whose objects are
   * open (no `additionalProperties: false`); closing them on the client turns a misspelt field
   * into an error before sending instead of a field that quietly has no effect. An explicit
   * `additionalProperties: true` in the spec still wins.
   */
  refuseUnknownFields: boolean;
  /**
   * Refuse, at the top level of a body, fields that are `readOnly` in the resource the operation
   * returns (for example `id` or `createdAt` of `OrganizationInvitation` in an update), and name
   * them as read-only rather than unknown. This catches the common mistake of sending back a
   * fetched invitation as the update.
   */
  refuseResponseReadOnlyFields: boolean;
}

/** The policy `npm run generate` uses. */
export const REQUEST_BODY_POLICY: ValidatorPolicy = {
  refuseUnknownFields: true,
  refuseResponseReadOnlyFields: true,
};

/** Every rule name a violation can carry. */
export const VIOLATION_RULES = [
  "type",
  "required",
  "pattern",
  "enum",
  "uniqueItems",
  "format",
  "unknownField",
  "readOnly",
  "unreadable",
] as const;

/** Values longer than this are cut in messages, so a pasted secret or a huge string never leaks whole. */
const SHOWN_CHARS = 60;

/** Keywords that only describe a schema and never change what is valid. */
const ANNOTATIONS = new Set([
  "description",
  "example",
  "examples",
  "title",
  "default",
  "deprecated",
  "externalDocs",
  "writeOnly",
]);

/** Validation keywords the generator implements, with the types each one applies to. */
const KEYWORD_TYPES: Record<string, readonly string[] | null> = {
  type: null,
  nullable: null,
  readOnly: null,
  enum: ["string", "integer", "number", "boolean"],
  properties: ["object"],
  required: ["object"],
  additionalProperties: ["object"],
  items: ["array"],
  uniqueItems: ["array"],
  pattern: ["string"],
  format: ["string", "integer", "number"],
};

const FORMATS: Record<string, readonly string[]> = {
  string: ["email", "date-time"],
  integer: ["int32", "int64"],
  number: ["float", "double"],
};

const ARTICLE: Record<string, string> = {
  object: "an object",
  array: "an array",
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean",
};

/**
 * Run-time helpers, emitted only when the generated checks use them. Each one is small enough to
 * read in place; `needs` lists the helpers it calls.
 */
const HELPERS: Record<string, { needs: string[]; code: string }> = {
  isObject: {
    needs: [],
    code: `
/** A plain JSON-like object: not null, not an array, not a Date, Map or other built-in. */
function isObject(v: unknown): v is Record<string, unknown> {
  return Object.prototype.toString.call(v) === "[object Object]";
}`,
  },
  kind: {
    needs: [],
    code: `
/** Names what a value is, for messages; never shows the value itself. */
function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number") {
    return Number.isFinite(v) ? (Number.isInteger(v) ? "an integer" : "a number") : String(v);
  }
  if (typeof v === "object") {
    const tag = Object.prototype.toString.call(v).slice(8, -1).slice(0, ${SHOWN_CHARS});
    return tag === "Object" ? "an object" : (/^[AEIOU]/.test(tag) ? "an " : "a ") + tag;
  }
  return typeof v === "undefined" ? "undefined" : "a " + typeof v;
}`,
  },
  show: {
    needs: ["kind"],
    code: `
/** Quotes a rejected value for a message, cut to ${SHOWN_CHARS} characters. */
function show(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v !== "string") return kind(v);
  return v.length > ${SHOWN_CHARS}
    ? JSON.stringify(v.slice(0, ${SHOWN_CHARS})) + "... (" + v.length + " characters)"
    : JSON.stringify(v);
}`,
  },
  at: {
    needs: ["show"],
    code: `
/** The path of field \`k\` inside the value at path \`p\`: \`a.b\`, or \`a["odd or long key"]\`. */
function at(p: string, k: string): string {
  if (k.length > ${SHOWN_CHARS} || !/^[A-Za-z_$][\\w$]*$/.test(k)) return p + "[" + show(k) + "]";
  return p === "" ? k : p + "." + k;
}`,
  },
  add: {
    needs: [],
    code: `
function add(o: Violation[], path: string, rule: ViolationRule, message: string): void {
  o.push({ path, rule, message: (path === "" ? "body" : path) + ": " + message });
}`,
  },
  mistyped: {
    needs: ["add", "kind"],
    code: `
function mistyped(o: Violation[], p: string, expected: string, v: unknown): void {
  add(o, p, "type", "expected " + expected + ", got " + kind(v));
}`,
  },
  readOnlyField: {
    needs: ["add", "at"],
    code: `
function readOnlyField(o: Violation[], p: string, k: string): void {
  add(o, at(p, k), "readOnly", "is read-only (Atlas sets it) and cannot be sent");
}`,
  },
  run: {
    needs: ["add"],
    code: `
/** Runs a check and turns a throwing getter or proxy into a violation instead of an exception. */
function run(check: (v: unknown, p: string, o: Violation[]) => void, value: unknown): Violation[] {
  const o: Violation[] = [];
  try {
    check(value, "", o);
  } catch {
    add(o, "", "unreadable", "could not be read to the end, because a getter or proxy threw");
  }
  return o;
}`,
  },
  distance: {
    needs: [],
    code: `
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
}`,
  },
  closest: {
    needs: ["distance"],
    code: `
/** The candidate nearest to \`value\`, when it is at most one edit per five characters away. */
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
}`,
  },
  suggest: {
    needs: ["closest"],
    code: `
/** A known value that \`value\` looks like a slip of (case, separators, prefix, a few edits). */
function suggest(value: string, known: readonly string[], prefix: string): string | undefined {
  if (typeof value !== "string" || known.includes(value)) return undefined;
  const v = value.trim().toUpperCase().replace(/[\\s-]+/g, "_");
  const direct = closest(v, known);
  if (direct !== undefined || prefix === "" || v.startsWith(prefix)) return direct;
  return closest(prefix + v, known);
}`,
  },
  unknownField: {
    needs: ["add", "at", "closest"],
    code: `
function unknownField(o: Violation[], p: string, k: string, fields: readonly string[]): void {
  const hint = closest(k, fields);
  add(
    o,
    at(p, k),
    "unknownField",
    hint !== undefined
      ? "is not a field of this object; did you mean " + hint + "?"
      : fields.length === 0
        ? "is not a field of this object, which takes none"
        : "is not a field of this object, which takes " + fields.join(", "),
  );
}`,
  },
  unique: {
    needs: ["add", "show"],
    code: `
/** Reports every item that repeats an earlier one (uniqueItems, for arrays of scalars). */
function unique(a: readonly unknown[], p: string, o: Violation[]): void {
  if (a.length < 2) return;
  const seen = new Map<unknown, number>();
  for (let i = 0; i < a.length; i++) {
    const first = seen.get(a[i]);
    if (first === undefined) seen.set(a[i], i);
    else add(o, p + "[" + i + "]", "uniqueItems", show(a[i]) + " repeats " + p + "[" + first + "], and items must be unique");
  }
}`,
  },
  isEmail: {
    needs: [],
    code: `
/** A pragmatic email check: one @, a non-empty local part, a dotted domain, no spaces. */
function isEmail(s: string): boolean {
  return s.length <= 254 && /^[^\\s@]+@[^\\s@.]+(?:\\.[^\\s@.]+)+$/u.test(s);
}`,
  },
  isDateTime: {
    needs: [],
    code: `
/** An RFC 3339 date-time (section 5.6), with real month lengths and leap years. */
function isDateTime(s: string): boolean {
  const m = /^(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)?(?:[Zz]|[+-](\\d{2}):(\\d{2}))$/u.exec(s);
  if (m === null) return false;
  const n = (i: number): number => Number(m[i] ?? 0);
  const year = n(1);
  const month = n(2);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return month >= 1 && month <= 12 && n(3) >= 1 && n(3) <= days && n(4) <= 23 && n(5) <= 59 && n(6) <= 60 && n(7) <= 23 && n(8) <= 59;
}`,
  },
};

const HELPER_ORDER = Object.keys(HELPERS);

function refName(value: unknown): string | null {
  const ref = (value as JsonObject | undefined)?.$ref;
  return typeof ref === "string" ? (ref.split("/").pop() ?? null) : null;
}

/** The longest common prefix of the values, cut after its last separator (`GROUP_`). */
function sharedPrefix(values: readonly string[]): string {
  if (values.length < 2) return "";
  let prefix = values[0]!;
  for (const v of values) while (!v.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = Math.max(prefix.lastIndexOf("_"), prefix.lastIndexOf("-"), prefix.lastIndexOf("."));
  return prefix.slice(0, cut + 1);
}

function q(value: unknown): string {
  return JSON.stringify(value);
}

class Writer {
  private readonly helpers = new Set<string>();
  private readonly consts = new Map<string, string>();
  private readonly checks = new Map<string, string>();
  /** Array checks, keyed by their code: equal arrays (roles, teamIds, ...) share one function. */
  private readonly arrays = new Map<string, string>();
  private readonly queue: string[] = [];
  readonly suggestions = new Map<string, string[]>();
  private counter = 0;

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly policy: ValidatorPolicy,
    /** For each request body schema: readOnly fields of the resources its operations return. */
    private readonly responseReadOnly: Map<string, Map<string, string>>,
  ) {}

  use(name: string): string {
    if (!this.helpers.has(name)) {
      this.helpers.add(name);
      for (const dep of HELPERS[name]!.needs) this.use(dep);
    }
    return name;
  }

  /** A module-level constant for `code`, shared by every check that needs the same value. */
  constant(prefix: string, code: string): string {
    const key = `${prefix}:${code}`;
    let name = this.consts.get(key);
    if (!name) {
      name = `${prefix}_${this.consts.size}`;
      this.consts.set(key, name);
    }
    return name;
  }

  schema(name: string): JsonObject {
    const schema = (this.doc.components?.schemas as Record<string, JsonObject> | undefined)?.[name];
    if (!schema) throw new Error(`validators: schema ${name} is not in #/components/schemas`);
    return resolveRef(this.doc, schema);
  }

  /** The name of the check function for a named schema, queued for writing on first use. */
  checkFor(name: string): string {
    const fn = `check${name}`;
    if (!this.checks.has(name)) {
      this.checks.set(name, "");
      this.queue.push(name);
    }
    return fn;
  }

  /** Writes every queued check function, following references as they turn up. */
  drain(): void {
    for (let name = this.queue.shift(); name !== undefined; name = this.queue.shift()) {
      this.counter = 0;
      const body = this.emit(this.schema(name), "v", "p", name, this.responseReadOnly.get(name));
      this.checks.set(
        name,
        `function check${name}(v: unknown, p: string, o: Violation[]): void {\n${body}\n}`,
      );
    }
  }

  /**
   * Statements that check the value in variable `v`, whose path is the expression `p`. Both are
   * code: `p` is evaluated only when a violation is reported or a nested check needs it.
   */
  emit(
    raw: JsonObject,
    v: string,
    p: string,
    where: string,
    extraReadOnly?: Map<string, string>,
  ): string {
    const name = refName(raw);
    if (name) {
      const target = this.schema(name);
      if (target.type === "object") return `${this.checkFor(name)}(${v}, ${p}, o);`;
      const known = target["x-known-values"];
      if (Array.isArray(known) && target.type === "string") {
        this.suggestions.set(name, known.map(String));
      }
      return this.emit(target, v, p, name);
    }
    const schema = raw;
    const type = schema.type;
    if (typeof type !== "string" || !(type in ARTICLE)) {
      throw new Error(
        `validators: ${where} needs a type (object, array, string, ...), not ${q(type)}`,
      );
    }
    for (const key of Object.keys(schema)) {
      if (ANNOTATIONS.has(key) || key.startsWith("x-")) continue;
      if (!(key in KEYWORD_TYPES)) {
        throw new Error(
          `validators: ${where} uses "${key}", which the validator generator does not support`,
        );
      }
      const types = KEYWORD_TYPES[key];
      if (types && !types.includes(type)) {
        throw new Error(`validators: ${where} has "${key}", which does not apply to type ${type}`);
      }
    }
    if (type === "array") return `${this.arrayCheck(schema, where)}(${v}, ${p}, o);`;
    return this.emitTyped(schema, type, v, p, where, extraReadOnly);
  }

  /** The function that checks arrays of this shape, written once per distinct shape. */
  private arrayCheck(schema: JsonObject, where: string): string {
    const saved = this.counter;
    this.counter = 0;
    const body = this.emitTyped(schema, "array", "v", "p", where);
    this.counter = saved;
    let name = this.arrays.get(body);
    if (!name) {
      name = `checkArray${this.arrays.size}`;
      this.arrays.set(body, name);
    }
    return name;
  }

  /** The type check for `type`, then the checks that apply once the type is right. */
  private emitTyped(
    schema: JsonObject,
    type: string,
    v: string,
    p: string,
    where: string,
    extraReadOnly?: Map<string, string>,
  ): string {
    let checks: string;
    switch (type) {
      case "object":
        checks = this.emitObject(schema, v, p, where, extraReadOnly);
        break;
      case "array":
        checks = this.emitArray(schema, v, p, where);
        break;
      default:
        checks = this.emitScalar(schema, type, v, p, where);
    }
    const guard: Record<string, string> = {
      object: `!${this.use("isObject")}(${v})`,
      array: `!Array.isArray(${v})`,
      string: `typeof ${v} !== "string"`,
      integer: `typeof ${v} !== "number" || !Number.isInteger(${v})`,
      number: `typeof ${v} !== "number" || !Number.isFinite(${v})`,
      boolean: `typeof ${v} !== "boolean"`,
    };
    const typed = `if (${guard[type]}) ${this.use("mistyped")}(o, ${p}, ${q(ARTICLE[type])}, ${v});`;
    const code = checks ? `${typed} else {\n${checks}\n}` : typed;
    return schema.nullable === true ? `if (${v} !== null) {\n${code}\n}` : code;
  }

  private emitObject(
    schema: JsonObject,
    v: string,
    p: string,
    where: string,
    extraReadOnly?: Map<string, string>,
  ): string {
    const n = ++this.counter;
    const k = `k${n}`;
    const x = `x${n}`;
    const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
    const additional = schema.additionalProperties;
    if (additional !== undefined && typeof additional !== "boolean") {
      throw new Error(
        `validators: ${where} has a schema in additionalProperties, which is not supported`,
      );
    }
    const closed =
      additional === false || (additional === undefined && this.policy.refuseUnknownFields);
    const cases: string[] = [];
    const writable: string[] = [];
    const readOnly: string[] = [];
    for (const [key, prop] of Object.entries(properties)) {
      if (resolveRef(this.doc, prop).readOnly === true) {
        readOnly.push(key);
        continue;
      }
      writable.push(key);
      const body = this.emit(prop, x, `${this.use("at")}(${p}, ${q(key)})`, `${where}.${key}`);
      cases.push(`case ${q(key)}: {\n${body}\nbreak;\n}`);
    }
    if (this.policy.refuseResponseReadOnlyFields && extraReadOnly) {
      for (const key of extraReadOnly.keys()) if (!(key in properties)) readOnly.push(key);
    }
    if (readOnly.length > 0) {
      cases.push(
        `${readOnly.map((key) => `case ${q(key)}:`).join("\n")}\n${this.use("readOnlyField")}(o, ${p}, ${k});\nbreak;`,
      );
    }
    if (closed) {
      const fields = this.constant("FIELDS", `${q(writable)} as const`);
      cases.push(`default:\n${this.use("unknownField")}(o, ${p}, ${k}, ${fields});`);
    }
    const lines: string[] = [];
    if (cases.length > 0) {
      lines.push(
        `for (const ${k} of Object.keys(${v})) {`,
        `const ${x} = ${v}[${k}];`,
        // JSON.stringify drops undefined-valued fields, so they never reach the wire.
        `if (${x} === undefined) continue;`,
        `switch (${k}) {`,
        ...cases,
        "}",
        "}",
      );
    }
    const required = (schema.required ?? []) as string[];
    for (const key of required) {
      lines.push(
        `if (!Object.hasOwn(${v}, ${q(key)}) || ${v}[${q(key)}] === undefined) ${this.use("add")}(o, ${this.use("at")}(${p}, ${q(key)}), "required", "is required but missing");`,
      );
    }
    return lines.join("\n");
  }

  private emitArray(schema: JsonObject, v: string, p: string, where: string): string {
    const n = ++this.counter;
    const items = schema.items as JsonObject | undefined;
    if (!items) throw new Error(`validators: ${where} is an array without items`);
    // Arrays are always checked in their own function (see arrayCheck), so `p` is a parameter.
    const path = p;
    const i = `i${n}`;
    const y = `y${n}`;
    const lines = [
      `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {`,
      `const ${y}: unknown = ${v}[${i}];`,
      this.emit(items, y, `${path} + "[" + ${i} + "]"`, `${where}[]`),
      "}",
    ];
    if (schema.uniqueItems === true) {
      const itemType = resolveRef(this.doc, items).type;
      if (itemType === "object" || itemType === "array") {
        throw new Error(
          `validators: ${where} has uniqueItems over ${itemType}s, which is not supported`,
        );
      }
      lines.push(`${this.use("unique")}(${v}, ${path}, o);`);
    }
    return lines.join("\n");
  }

  private emitScalar(
    schema: JsonObject,
    type: string,
    v: string,
    p: string,
    where: string,
  ): string {
    const add = this.use("add");
    const lines: string[] = [];
    if (typeof schema.pattern === "string") {
      let re: RegExp;
      try {
        re = new RegExp(schema.pattern, "u");
      } catch (error) {
        throw new Error(`validators: ${where} has a pattern that is not a valid u-flag RegExp`, {
          cause: error,
        });
      }
      const name = this.constant("PATTERN", `/${re.source}/u`);
      lines.push(
        `if (!${name}.test(${v})) ${add}(o, ${p}, "pattern", ${this.use("show")}(${v}) + " does not match the pattern " + ${name}.source);`,
      );
    }
    if (Array.isArray(schema.enum)) {
      for (const value of schema.enum) {
        const ok =
          type === "integer"
            ? Number.isInteger(value)
            : type === "number"
              ? Number.isFinite(value)
              : typeof value === type;
        if (!ok)
          throw new Error(
            `validators: ${where} has enum value ${q(value)}, which is not a ${type}`,
          );
      }
      const name = this.constant("ENUM", `new Set<unknown>(${q(schema.enum)})`);
      lines.push(
        `if (!${name}.has(${v})) ${add}(o, ${p}, "enum", ${this.use("show")}(${v}) + " is not one of " + Array.from(${name}).join(", "));`,
      );
    }
    const format = schema.format;
    if (format !== undefined) {
      if (typeof format !== "string" || !FORMATS[type]?.includes(format)) {
        throw new Error(
          `validators: ${where} has format ${q(format)}, which the generator does not check for ${type}`,
        );
      }
      const show = (): string => this.use("show");
      if (format === "email") {
        lines.push(
          `if (!${this.use("isEmail")}(${v})) ${add}(o, ${p}, "format", ${show()}(${v}) + " is not an email address");`,
        );
      } else if (format === "date-time") {
        lines.push(
          `if (!${this.use("isDateTime")}(${v})) ${add}(o, ${p}, "format", ${show()}(${v}) + " is not an RFC 3339 date-time");`,
        );
      } else if (format === "int32") {
        lines.push(
          `if (${v} < -2147483648 || ${v} > 2147483647) ${add}(o, ${p}, "format", ${show()}(${v}) + " is outside the int32 range");`,
        );
      }
    }
    return lines.join("\n");
  }

  /** The named object schemas that have a check function, in the order they were reached. */
  objectNames(): string[] {
    return [...this.checks.keys()];
  }

  /** The module body: constants, helpers and check functions, in a stable order. */
  parts(): { consts: string[]; helpers: string[]; checks: string[] } {
    const consts = [...this.consts].map(
      ([key, name]) => `const ${name} = ${key.slice(key.indexOf(":") + 1)};`,
    );
    const helpers = HELPER_ORDER.filter((h) => this.helpers.has(h)).map((h) =>
      HELPERS[h]!.code.trim(),
    );
    const arrays = [...this.arrays].map(
      ([body, name]) =>
        `function ${name}(v: unknown, p: string, o: Violation[]): void {\n${body}\n}`,
    );
    return { consts, helpers, checks: [...this.checks.values(), ...arrays] };
  }
}

/** Generates the source of `generated/validators.ts` from the bundled spec. */
export function buildValidators(
  doc: OpenApiDocument,
  header: string,
  policy: ValidatorPolicy = REQUEST_BODY_POLICY,
): string {
  const operations = collectOperations(doc);
  const responseReadOnly = new Map<string, Map<string, string>>();
  const bodies = new Set<string>();
  for (const op of operations) {
    if (!op.requestSchema) continue;
    bodies.add(op.requestSchema);
    const fields = responseReadOnly.get(op.requestSchema) ?? new Map<string, string>();
    responseReadOnly.set(op.requestSchema, fields);
    if (!op.successSchema) continue;
    const response = resolveRef(doc, { $ref: `#/components/schemas/${op.successSchema}` });
    for (const [key, prop] of Object.entries(
      (response.properties ?? {}) as Record<string, JsonObject>,
    )) {
      if (resolveRef(doc, prop).readOnly === true) fields.set(key, op.successSchema);
    }
  }
  const writer = new Writer(doc, policy, responseReadOnly);
  const roots = [...bodies].sort();
  for (const name of roots) writer.checkFor(name);
  writer.drain();
  const { consts, checks } = writer.parts();

  const objectNames = writer.objectNames();
  const validators = objectNames.map(
    (name) => `/**
 * Checks a value against the spec's \`${name}\` schema${bodies.has(name) ? " (a request body)" : ""} and this
 * client's request body policy. Returns every violation found; an empty array means it may be sent.
 */
export function validate${name}(value: unknown): Violation[] {
  return ${writer.use("run")}(check${name}, value);
}`,
  );
  const suggestions = [...writer.suggestions].sort(([a], [b]) => a.localeCompare(b));
  const suggesters = suggestions.map(([name, values]) => {
    const known = `KNOWN_${name}`;
    writer.use("suggest");
    return `const ${known}: readonly string[] = ${q(values)};

/**
 * The documented \`${name}\` value that \`value\` most likely meant (different case, separators or
 * prefix, or a few typing slips), or undefined when \`value\` is documented or not close to any.
 * \`${name}\` is an open string: unknown values are valid and never a violation, so use this for
 * warnings only.
 */
export function suggest${name}(value: string): string | undefined {
  return suggest(value, ${known}, ${q(sharedPrefix(values))});
}`;
  });
  // `run` and `suggest` may have been requested just now; collect helpers again.
  const allHelpers = writer.parts().helpers;

  const rules = VIOLATION_RULES.map((r) => q(r)).join(" | ");
  const out = [
    `/**
 * ${header}
 *
 * Request body validators: plain functions derived from the request body schemas of the spec
 * and the schemas they reference:
${roots.map((r) => ` * - ${r}`).join("\n")}
 * Each returns every violation it finds, with the field's path, the rule, and one sentence; a
 * rejected value is never quoted beyond ${SHOWN_CHARS} characters. They never throw.
 *
 * Rules from the spec: type (null only where nullable), required, pattern (u flag), enum,
 * uniqueItems, format (email, date-time, int32) and readOnly.
 * Rules from this client's request body policy, not from the spec (which mirrors Atlas and leaves
 * objects open):${policy.refuseUnknownFields ? "\n * - fields a schema does not declare are refused (unknownField);" : ""}${
   policy.refuseResponseReadOnlyFields
     ? "\n * - read-only fields of the resource an operation returns are refused in its body (readOnly);"
     : ""
 }
 * - fields whose value is undefined are skipped, as JSON.stringify drops them.
 */`,
    "",
    `/** The rules the body validators below can report. */
export type ViolationRule = ${rules};`,
    "",
    `/** One way in which a value breaks its schema. */
export interface Violation {
  /**
   * Where in the body, for example \`roles[1]\` or \`groupRoleAssignments[0].groupId\`; "" is the
   * body itself, and a field whose name is not an identifier is written \`["odd key"]\`.
   */
  path: string;
  /** The rule that is broken; the body validators report one of {@link ViolationRule}. */
  rule: string;
  /** One sentence naming the field and what is wrong. */
  message: string;
}`,
    "",
    ...consts,
    "",
    validators.join("\n\n"),
    "",
    `/** The validator of each request body schema, keyed by the schema name the operation table gives. */
export const requestValidators = {
${roots.map((name) => `  ${name}: validate${name},`).join("\n")}
} as const;

export type RequestSchemaName = keyof typeof requestValidators;`,
    "",
    suggesters.join("\n\n"),
    "",
    checks.join("\n\n"),
    "",
    allHelpers.join("\n\n"),
    "",
  ];
  return out.join("\n");
}
