/**
 * Builds `generated/validators.ts`: the checks the client runs on a call's input before anything
 * leaves the process. For every operation, one function checks its path and query parameters
 * against their schemas and its body against the request body schema; every request body schema
 * also gets a `validate<Schema>` function of its own. The checks are written out as straight-line
 * code (no schema objects are read at run time, and no schema compiler ships with the package);
 * the pieces they share live in src/validation/rules.ts, which the generated module imports.
 *
 * The schemas decide what is checked: `type` (with `nullable`), `required`, `pattern` (compiled as
 * a RegExp literal with the `u` flag, since Atlas patterns use `\p{L}`), `enum`, `uniqueItems`,
 * `minItems`/`maxItems`, `minimum`/`maximum`, `minLength`/`maxLength`, `format` (`email`,
 * `date-time`, `int32`) and `readOnly`. Keywords the generator does not understand make
 * generation fail instead of being skipped silently.
 *
 * On top of the spec, {@link REQUEST_BODY_POLICY} adds this client's own rules for request bodies;
 * see {@link ValidatorPolicy}. The spec itself is never changed to express them.
 */
import { collectOperations, type OpenApiDocument, type OperationEntry } from "./operation-table.js";
import { isObject, refName, resolveRef, type JsonObject } from "./openapi.js";

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

/** Where the generated module finds its run-time pieces, relative to generated/. */
const RULES_MODULE = "../src/validation/rules.js";

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
  minItems: ["array"],
  maxItems: ["array"],
  pattern: ["string"],
  minLength: ["string"],
  maxLength: ["string"],
  minimum: ["integer", "number"],
  maximum: ["integer", "number"],
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

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

class Writer {
  private readonly imports = new Set<string>();
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
    private readonly responseReadOnly: Map<string, Set<string>>,
  ) {}

  /** Names a run-time piece of src/validation/rules.ts, importing it. */
  use(name: string): string {
    this.imports.add(name);
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

  /** One function that checks everything a call of `op` carries: parameters, then the body. */
  operationCheck(op: OperationEntry, params: JsonObject[]): string {
    this.counter = 0;
    const lines: string[] = [];
    for (const where of ["path", "query"] as const) {
      const declared = params.filter((p) => p.in === where);
      const names = declared.map((p) => p.name as string);
      const value = `${where}Params`;
      lines.push(`const ${value} = ${this.use("isObject")}(${where}) ? ${where} : {};`);
      const list = this.constant("NAMES", `${q(names)} as const`);
      const what = q(`${where} parameter of ${op.operationId}`);
      const cases = declared.map((param) => {
        const name = param.name as string;
        const check = this.emit(
          resolveRef<JsonObject>(this.doc, param.schema),
          "x",
          q(name),
          `${op.operationId}.${name}`,
        );
        return `case ${q(name)}: {\n${check}\nbreak;\n}`;
      });
      lines.push(
        `for (const k of Object.keys(${value})) {`,
        `const x = ${value}[k];`,
        "if (x === undefined) continue;",
        "switch (k) {",
        ...cases,
        `default:\n${this.use("unknownName")}(o, ${this.use("at")}("", k), k, "unknownParameter", ${what}, ${list});`,
        "}",
        "}",
      );
      for (const param of declared.filter((p) => p.required === true)) {
        const name = q(param.name);
        lines.push(`if (${value}[${name}] === undefined) ${this.use("missing")}(o, ${name});`);
      }
    }
    if (op.bodySchema === null && op.body !== null) {
      throw new Error(`validators: ${op.operationId} has a body without a named schema`);
    }
    if (op.bodySchema === null) {
      lines.push(
        `if (body !== undefined) ${this.use("add")}(o, "body", "unknownParameter", ${q(`${op.operationId} takes no body`)});`,
      );
    } else {
      const check = `${this.checkFor(op.bodySchema)}(body, "body", o);`;
      lines.push(
        op.body === "required"
          ? `if (body === undefined) ${this.use("missing")}(o, "body");\nelse ${check}`
          : `if (body !== undefined) ${check}`,
      );
    }
    const fn = `check${capitalize(op.operationId)}Input`;
    return `function ${fn}(path: unknown, query: unknown, body: unknown, o: Violation[]): void {\n${lines.join("\n")}\n}`;
  }

  /**
   * Statements that check the value in variable `v`, whose path is the expression `p`. Both are
   * code: `p` is evaluated only when a violation is reported or a nested check needs it.
   */
  emit(raw: JsonObject, v: string, p: string, where: string, extraReadOnly?: Set<string>): string {
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
    extraReadOnly?: Set<string>,
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
    extraReadOnly?: Set<string>,
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
      if (resolveRef<JsonObject>(this.doc, prop).readOnly === true) {
        readOnly.push(key);
        continue;
      }
      writable.push(key);
      const body = this.emit(prop, x, `${this.use("at")}(${p}, ${q(key)})`, `${where}.${key}`);
      cases.push(`case ${q(key)}: {\n${body}\nbreak;\n}`);
    }
    if (this.policy.refuseResponseReadOnlyFields && extraReadOnly) {
      for (const key of extraReadOnly) if (!(key in properties)) readOnly.push(key);
    }
    if (readOnly.length > 0) {
      cases.push(
        `${readOnly
          .sort()
          .map((key) => `case ${q(key)}:`)
          .join("\n")}\n${this.use("readOnlyField")}(o, ${p}, ${k});\nbreak;`,
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
        `if (!Object.hasOwn(${v}, ${q(key)}) || ${v}[${q(key)}] === undefined) ${this.use("missing")}(o, ${this.use("at")}(${p}, ${q(key)}));`,
      );
    }
    return lines.join("\n");
  }

  private emitArray(schema: JsonObject, v: string, p: string, where: string): string {
    const n = ++this.counter;
    const items = schema.items as JsonObject | undefined;
    if (!items) throw new Error(`validators: ${where} is an array without items`);
    const add = this.use("add");
    const i = `i${n}`;
    const y = `y${n}`;
    const lines: string[] = [];
    // Arrays are always checked in their own function (see arrayCheck), so `p` is a parameter.
    if (typeof schema.minItems === "number") {
      lines.push(
        `if (${v}.length < ${schema.minItems}) ${add}(o, ${p}, "minItems", "needs at least ${schema.minItems} item${schema.minItems === 1 ? "" : "s"}, got " + ${v}.length);`,
      );
    }
    if (typeof schema.maxItems === "number") {
      lines.push(
        `if (${v}.length > ${schema.maxItems}) ${add}(o, ${p}, "maxItems", "takes at most ${schema.maxItems} items, got " + ${v}.length);`,
      );
    }
    lines.push(
      `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {`,
      `const ${y}: unknown = ${v}[${i}];`,
      this.emit(items, y, `${p} + "[" + ${i} + "]"`, `${where}[]`),
      "}",
    );
    if (schema.uniqueItems === true) {
      const itemType = resolveRef<JsonObject>(this.doc, items).type;
      if (itemType === "object" || itemType === "array") {
        throw new Error(
          `validators: ${where} has uniqueItems over ${itemType}s, which is not supported`,
        );
      }
      lines.push(`${this.use("unique")}(${v}, ${p}, o);`);
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
    const show = (): string => this.use("show");
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
        `if (!${name}.test(${v})) ${add}(o, ${p}, "pattern", ${show()}(${v}) + " does not match the pattern " + ${name}.source);`,
      );
    }
    for (const [key, op, words] of [
      ["minLength", "<", "characters at least"],
      ["maxLength", ">", "characters at most"],
    ] as const) {
      const limit = schema[key];
      if (typeof limit === "number") {
        lines.push(
          `if (${v}.length ${op} ${limit}) ${add}(o, ${p}, ${q(key)}, "must have ${limit} ${words}, got " + ${v}.length);`,
        );
      }
    }
    for (const [key, op, words] of [
      ["minimum", "<", "at least"],
      ["maximum", ">", "at most"],
    ] as const) {
      const limit = schema[key];
      if (typeof limit === "number") {
        lines.push(
          `if (${v} ${op} ${limit}) ${add}(o, ${p}, ${q(key)}, "must be ${words} ${limit}, got " + ${show()}(${v}));`,
        );
      }
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
        `if (!${name}.has(${v})) ${add}(o, ${p}, "enum", ${show()}(${v}) + " is not one of " + Array.from(${name}).join(", "));`,
      );
    }
    const format = schema.format;
    if (format !== undefined) {
      if (typeof format !== "string" || !FORMATS[type]?.includes(format)) {
        throw new Error(
          `validators: ${where} has format ${q(format)}, which the generator does not check for ${type}`,
        );
      }
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

  /** The module body: imports, constants and check functions, in a stable order. */
  parts(): { imports: string[]; consts: string[]; checks: string[] } {
    const consts = [...this.consts].map(
      ([key, name]) => `const ${name} = ${key.slice(key.indexOf(":") + 1)};`,
    );
    const arrays = [...this.arrays].map(
      ([body, name]) =>
        `function ${name}(v: unknown, p: string, o: Violation[]): void {\n${body}\n}`,
    );
    return {
      imports: [...this.imports].sort(),
      consts,
      checks: [...this.checks.values(), ...arrays],
    };
  }
}

/** Generates the source of `generated/validators.ts` from the bundled spec. */
export function buildValidators(
  doc: OpenApiDocument,
  header: string,
  policy: ValidatorPolicy = REQUEST_BODY_POLICY,
): string {
  const operations = collectOperations(doc);
  const responseReadOnly = new Map<string, Set<string>>();
  for (const op of operations) {
    if (!op.bodySchema) continue;
    const fields = responseReadOnly.get(op.bodySchema) ?? new Set<string>();
    responseReadOnly.set(op.bodySchema, fields);
    if (!op.responseSchema) continue;
    const response = resolveRef<JsonObject>(doc, {
      $ref: `#/components/schemas/${op.responseSchema}`,
    });
    const properties = isObject(response.properties) ? response.properties : {};
    for (const [key, prop] of Object.entries(properties)) {
      if (resolveRef<JsonObject>(doc, prop).readOnly === true) fields.add(key);
    }
  }
  const writer = new Writer(doc, policy, responseReadOnly);
  const inputChecks = operations.map((op) => {
    const pathItem = resolveRef<JsonObject>(doc, doc.paths[op.path]);
    const operation = pathItem[op.method.toLowerCase()] as JsonObject;
    const params = [
      ...((pathItem.parameters as unknown[] | undefined) ?? []),
      ...((operation.parameters as unknown[] | undefined) ?? []),
    ].map((p) => resolveRef<JsonObject>(doc, p));
    return writer.operationCheck(op, params);
  });
  const bodies = [...new Set(operations.flatMap((op) => (op.bodySchema ? [op.bodySchema] : [])))];
  writer.drain();

  const validators = writer.objectNames().map(
    (name) => `/**
 * Checks a value against the spec's \`${name}\` schema${bodies.includes(name) ? " (a request body)" : ""} and this
 * client's request body policy. Returns every violation found; an empty array means it may be sent.
 */
export function validate${name}(value: unknown): Violation[] {
  return ${writer.use("run")}((o) => check${name}(value, "", o));
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
  writer.use("run");
  const { imports, consts, checks } = writer.parts();

  const out = [
    `/**
 * ${header}
 *
 * What the client checks before a request leaves the process: for every operation, its path and
 * query parameters and its body; for every request body schema, a validator of its own:
${bodies
  .sort()
  .map((r) => ` * - ${r}`)
  .join("\n")}
 * Each returns every violation it finds (up to a bound), with the place, the rule, and one
 * sentence. They never throw.
 *
 * Rules from the spec: type (null only where nullable), required, pattern (u flag), enum,
 * uniqueItems, minItems/maxItems, minimum/maximum, minLength/maxLength, format (email, date-time,
 * int32) and readOnly. Rules from this client's request policy, not from the spec (which mirrors
 * Atlas and leaves objects open):${policy.refuseUnknownFields ? "\n * - fields a schema does not declare are refused (unknownField);" : ""}${
   policy.refuseResponseReadOnlyFields
     ? "\n * - read-only fields of the resource an operation returns are refused in its body (readOnly);"
     : ""
 }
 * - parameters an operation does not declare are refused (unknownParameter);
 * - fields whose value is undefined are skipped, as JSON.stringify drops them.
 */`,
    "",
    `import type { OperationId } from "./operations.js";`,
    `import { ${imports.join(", ")}, type Violation } from ${q(RULES_MODULE)};`,
    "",
    `export type { Violation, ViolationRule } from ${q(RULES_MODULE)};`,
    "",
    ...consts,
    "",
    `/**
 * Checks the input of one call: \`path\` and \`query\` as openapi-fetch's \`params\` hold them, and
 * \`body\` as it will be sent (undefined for none). An empty array means it may be sent.
 */
export function validateInput(
  operationId: OperationId,
  path: unknown,
  query: unknown,
  body: unknown,
): Violation[] {
  const check = INPUT_CHECKS[operationId];
  return run((o) => check(path, query, body, o));
}

const INPUT_CHECKS = {
${operations.map((op) => `  ${op.operationId}: check${capitalize(op.operationId)}Input,`).join("\n")}
} as const;`,
    "",
    validators.join("\n\n"),
    "",
    `/** The validator of each request body schema, keyed by the schema name the operation table gives. */
export const requestValidators = {
${bodies
  .sort()
  .map((name) => `  ${name}: validate${name},`)
  .join("\n")}
} as const;

export type RequestSchemaName = keyof typeof requestValidators;`,
    "",
    suggesters.join("\n\n"),
    "",
    inputChecks.join("\n\n"),
    "",
    checks.join("\n\n"),
    "",
  ];
  return out.join("\n");
}
