/**
 * Builds `generated/validators.ts`: the checks the client runs on a call's input before anything
 * leaves the process. The spec's schemas become a table of rule nodes (one per schema the requests
 * use, named schemas shared), and every operation gets an entry naming the nodes of its path and
 * query parameters and of its body; src/validation/check.ts walks the table. No schema compiler
 * ships with the package, and the table stays small in a bundle.
 *
 * The schemas decide what is checked: `type` (with `nullable`), `required`, `pattern` (a RegExp
 * with the `u` flag, since Atlas patterns use `\p{L}`), `enum`, `uniqueItems`, `minItems` and
 * `maxItems`, `minimum` and `maximum`, `minLength` and `maxLength`, `format` (`email`,
 * `date-time`, `int32`) and `readOnly`. Keywords the generator does not understand make generation
 * fail instead of being skipped silently. Patterns are written as RegExp literals, compiled once
 * when the module loads; the generated module imports only the format checks the spec uses, so a
 * bundle carries no other.
 *
 * On top of the spec, {@link REQUEST_BODY_POLICY} adds this client's own rules for request bodies;
 * see {@link ValidatorPolicy}. An operation's request body may also list, in `x-client-required`,
 * fields the client requires although its schema does not; that operation's body gets a node of
 * its own that requires them, and the schema's node (which `validate<Name>` and the fake Atlas
 * use) keeps the spec's rules. The schemas themselves are never changed to express either.
 */
import { collectOperations, type OpenApiDocument } from "./operation-table.js";
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
const CHECK_MODULE = "../src/validation/check.js";

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

/** The types a schema may have. */
const TYPES = new Set(["object", "array", "string", "integer", "number", "boolean"]);

/**
 * The formats the generator knows, by type, each with the function of src/validation/rules.ts that
 * checks it, or null for a format that only describes the type: a 64-bit integer or a float is a
 * JavaScript number like any other.
 */
const FORMATS: Record<string, Record<string, string | null>> = {
  string: { email: "isEmail", "date-time": "isDateTime" },
  integer: { int32: "isInt32", int64: null },
  number: { float: null, double: null },
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

/** `value` as source text: JSON, except that a RegExp is written as a literal. */
function code(value: unknown): string {
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return `[${value.map(code).join(", ")}]`;
  if (isObject(value)) {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${q(k)}: ${code(v)}`)
      .join(", ")} }`;
  }
  return q(value);
}

type Node = Record<string, unknown>;

class Writer {
  /** The nodes, in the order they were made; a node's index is its reference. */
  readonly nodes: Node[] = [];
  /** Named schemas already turned into nodes, by name. */
  readonly named = new Map<string, number>();
  /** Identical anonymous nodes share one index. */
  private readonly byText = new Map<string, number>();
  readonly suggestions = new Map<string, string[]>();
  /** The format checks the nodes use: format name to the function of rules.ts. */
  readonly formats = new Map<string, string>();

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly policy: ValidatorPolicy,
    /** For each request body schema: readOnly fields of the resources its operations return. */
    private readonly responseReadOnly: Map<string, Set<string>>,
  ) {}

  schema(name: string): JsonObject {
    const schema = (this.doc.components?.schemas as Record<string, JsonObject> | undefined)?.[name];
    if (!schema) throw new Error(`validators: schema ${name} is not in #/components/schemas`);
    return resolveRef(this.doc, schema);
  }

  /** The index of the node for a named schema, made on first use. */
  namedNode(name: string): number {
    const done = this.named.get(name);
    if (done !== undefined) return done;
    const index = this.nodes.length;
    this.named.set(name, index);
    this.nodes.push({});
    const node = this.build(this.schema(name), name, this.responseReadOnly.get(name));
    this.nodes[index] = node;
    return index;
  }

  /** The index of the node for `raw` (a schema or a reference to one). */
  node(raw: JsonObject, where: string): number {
    const name = refName(raw);
    if (name) {
      const target = this.schema(name);
      const known = target["x-known-values"];
      if (Array.isArray(known) && target.type === "string") {
        this.suggestions.set(name, known.map(String));
      }
      return target.type === "object" ? this.namedNode(name) : this.node(target, name);
    }
    return this.add(this.build(raw, where));
  }

  /**
   * The index of a node like node `index` that also requires `fields`: the body of an operation
   * whose request body lists them in `x-client-required`.
   */
  requiring(index: number, fields: readonly string[]): number {
    const base = this.nodes[index]!;
    const required = (base.required as string[] | undefined) ?? [];
    return this.add({ ...base, required: [...new Set([...required, ...fields])] });
  }

  /** The index of `node`, shared with an identical anonymous node made before. */
  private add(node: Node): number {
    const text = code(node);
    const seen = this.byText.get(text);
    if (seen !== undefined) return seen;
    this.nodes.push(node);
    this.byText.set(text, this.nodes.length - 1);
    return this.nodes.length - 1;
  }

  private build(schema: JsonObject, where: string, extraReadOnly?: Set<string>): Node {
    const type = schema.type;
    if (typeof type !== "string" || !TYPES.has(type)) {
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
    const node: Node = { type };
    if (schema.nullable === true) node.nullable = true;
    const bounds = ["minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"]
      .filter((key) => typeof schema[key] === "number")
      .map((key) => [key, schema[key]]);
    if (bounds.length > 0) node.bounds = bounds;
    if (typeof schema.pattern === "string") {
      try {
        node.pattern = new RegExp(schema.pattern, "u");
      } catch (error) {
        throw new Error(`validators: ${where} has a pattern that is not a valid u-flag RegExp`, {
          cause: error,
        });
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
        if (!ok) {
          throw new Error(
            `validators: ${where} has enum value ${q(value)}, which is not a ${type}`,
          );
        }
      }
      node.enum = schema.enum;
    }
    const format = schema.format;
    if (format !== undefined) {
      const check = typeof format === "string" ? FORMATS[type]?.[format] : undefined;
      if (check === undefined) {
        throw new Error(
          `validators: ${where} has format ${q(format)}, which the generator does not check for ${type}`,
        );
      }
      if (check !== null) {
        node.format = format;
        this.formats.set(format as string, check);
      }
    }
    if (type === "array") {
      const items = schema.items as JsonObject | undefined;
      if (!items) throw new Error(`validators: ${where} is an array without items`);
      if (schema.uniqueItems === true) {
        const itemType = resolveRef<JsonObject>(this.doc, items).type;
        if (itemType === "object" || itemType === "array") {
          throw new Error(
            `validators: ${where} has uniqueItems over ${itemType}s, which is not supported`,
          );
        }
        node.uniqueItems = true;
      }
      node.items = this.node(items, `${where}[]`);
    }
    if (type === "object") this.object(node, schema, where, extraReadOnly);
    return node;
  }

  private object(node: Node, schema: JsonObject, where: string, extraReadOnly?: Set<string>) {
    const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
    const additional = schema.additionalProperties;
    if (additional !== undefined && typeof additional !== "boolean") {
      throw new Error(
        `validators: ${where} has a schema in additionalProperties, which is not supported`,
      );
    }
    const writable: Record<string, number> = {};
    const readOnly: string[] = [];
    for (const [key, prop] of Object.entries(properties)) {
      if (resolveRef<JsonObject>(this.doc, prop).readOnly === true) readOnly.push(key);
      else writable[key] = this.node(prop, `${where}.${key}`);
    }
    if (this.policy.refuseResponseReadOnlyFields && extraReadOnly) {
      for (const key of extraReadOnly) if (!(key in properties)) readOnly.push(key);
    }
    node.properties = writable;
    const required = (schema.required ?? []) as string[];
    if (required.length > 0) node.required = required;
    if (readOnly.length > 0) node.readOnly = readOnly.sort();
    if (additional === true || (additional === undefined && !this.policy.refuseUnknownFields)) {
      node.open = true;
    }
  }
}

/**
 * Adds to `fields` the read-only properties of a response schema, including those that only some
 * variants of a `oneOf`/`anyOf` declare, or that an `allOf` part adds: `OrgUserResponse` is a
 * `oneOf` of a pending and an active user, and `invitationCreatedAt` or `firstName` exist on one of
 * them only. `seen` stops the walk where a variant's `allOf` refers back to its parent.
 */
function addReadOnlyFields(
  doc: OpenApiDocument,
  node: unknown,
  fields: Set<string>,
  seen = new Set<string>(),
): void {
  const name = refName(node);
  if (name !== null) {
    if (seen.has(name)) return;
    seen.add(name);
  }
  const schema = resolveRef<JsonObject>(doc, node);
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const [key, prop] of Object.entries(properties)) {
    if (resolveRef<JsonObject>(doc, prop).readOnly === true) fields.add(key);
  }
  for (const keyword of ["allOf", "oneOf", "anyOf"]) {
    const parts = schema[keyword];
    if (Array.isArray(parts)) for (const part of parts) addReadOnlyFields(doc, part, fields, seen);
  }
}

/**
 * How the client writes parameters (src/http/serialize.ts): a path value as it is (OpenAPI's
 * default style `simple`), and a query value as `name=value`, one pair per item of an array (the
 * default style `form`, exploded). The methods put every name that is not a path parameter into
 * the query, and the checks know no required query parameter.
 */
const SERIALISED: Record<string, { style: string; explode: boolean }> = {
  path: { style: "simple", explode: false },
  query: { style: "form", explode: true },
};

/**
 * Fails generation for a parameter the client would skip or send otherwise than the spec says,
 * instead of leaving it unchecked.
 */
function checkParameter(param: JsonObject, where: string): void {
  const place = String(param.in);
  const sent = Object.hasOwn(SERIALISED, place) ? SERIALISED[place] : undefined;
  if (!sent) {
    throw new Error(
      `validators: ${where} is a ${place} parameter; only path and query parameters are supported`,
    );
  }
  if (!isObject(param.schema)) {
    throw new Error(`validators: ${where} has no schema (content is not supported)`);
  }
  const style = (param.style as string | undefined) ?? sent.style;
  const explode = (param.explode as boolean | undefined) ?? style === "form";
  if (style !== sent.style || explode !== sent.explode) {
    throw new Error(
      `validators: ${where} is serialised with style ${q(style)}, explode ${explode}; the client sends ${place} parameters with style ${q(sent.style)}, explode ${sent.explode}`,
    );
  }
  if (place === "query" && param.required === true) {
    throw new Error(
      `validators: ${where} is a required query parameter, which the generator does not support`,
    );
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
    addReadOnlyFields(doc, { $ref: `#/components/schemas/${op.responseSchema}` }, fields);
  }
  const writer = new Writer(doc, policy, responseReadOnly);
  const bodies = [
    ...new Set(operations.flatMap((op) => (op.bodySchema ? [op.bodySchema] : []))),
  ].sort();
  for (const name of bodies) writer.namedNode(name);
  const inputs = operations.map((op) => {
    const pathItem = resolveRef<JsonObject>(doc, doc.paths[op.path]);
    const operation = pathItem[op.method.toLowerCase()] as JsonObject;
    const params = [
      ...((pathItem.parameters as unknown[] | undefined) ?? []),
      ...((operation.parameters as unknown[] | undefined) ?? []),
    ].map((p) => resolveRef<JsonObject>(doc, p));
    for (const param of params) checkParameter(param, `${op.operationId}.${String(param.name)}`);
    const byPlace = (where: string): Record<string, number> => {
      const nodes: Record<string, number> = {};
      for (const param of params.filter((p) => p.in === where)) {
        const name = String(param.name);
        nodes[name] = writer.node(param.schema as JsonObject, `${op.operationId}.${name}`);
      }
      return nodes;
    };
    if (op.body !== null && op.bodySchema === null) {
      throw new Error(`validators: ${op.operationId} has a body without a named schema`);
    }
    const rules: Record<string, unknown> = { path: byPlace("path"), query: byPlace("query") };
    if (op.bodySchema !== null) {
      const body = writer.namedNode(op.bodySchema);
      rules.body = op.clientRequired.length > 0 ? writer.requiring(body, op.clientRequired) : body;
    }
    if (op.body === "required") rules.bodyRequired = true;
    return `  ${op.operationId}: ${code(rules)},`;
  });
  const clientRequired = operations
    .filter((op) => op.clientRequired.length > 0)
    .map((op) => `${op.clientRequired.join(", ")} in ${op.operationId}`);
  const objectNames = [...new Set([...bodies, ...writer.named.keys()])];

  const validators = objectNames.map(
    (name) => `/**
 * Checks a value against the spec's \`${name}\` schema${bodies.includes(name) ? " (a request body)" : ""} and this
 * client's request body policy. Returns every violation found; an empty array means it may be sent.
 */
export function validate${name}(value: unknown): Violation[] {
  return checkValue(TABLE, ${writer.namedNode(name)}, value);
}`,
  );
  const suggesters = [...writer.suggestions]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, values]) => `const KNOWN_${name}: readonly string[] = ${q(values)};

/**
 * The documented \`${name}\` value that \`value\` most likely meant (different case, separators or
 * prefix, or a few typing slips), or undefined when \`value\` is documented or not close to any.
 * \`${name}\` is an open string: unknown values are valid and never a violation, so use this for
 * warnings only.
 */
export function suggest${name}(value: string): string | undefined {
  return suggest(value, KNOWN_${name}, ${q(sharedPrefix(values))});
}`,
    );

  const runtime = [
    ...new Set(writer.formats.values()),
    ...(suggesters.length > 0 ? ["suggest"] : []),
  ].sort();
  const out = [
    `/**
 * ${header}
 *
 * What the client checks before a request leaves the process: for every operation, its path and
 * query parameters and its body; for every request body schema, a validator of its own:
${bodies.map((r) => ` * - ${r}`).join("\n")}
 * They return every violation they find (up to a bound), with the place, the rule, and one
 * sentence, and never throw.
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
 * - parameter text that a URL cannot carry (a lone surrogate) is refused (format);
 * - an empty list for an array parameter, which would send nothing, is refused (minItems);${
   clientRequired.length > 0
     ? `\n * - body fields a request body lists in x-client-required are required (required):${clientRequired.map((r) => `\n *   ${r};`).join("")}`
     : ""
 }
 * - fields whose value is undefined are skipped, as JSON.stringify drops them.
 */`,
    "",
    `import type { OperationId } from "./operations.js";`,
    `import { checkInput, checkValue, type InputRules, type RuleTable } from "${CHECK_MODULE}";`,
    ...(runtime.length > 0 ? [`import { ${runtime.join(", ")} } from "${RULES_MODULE}";`] : []),
    `import type { Violation } from "${RULES_MODULE}";`,
    "",
    `export type { Violation, ViolationRule } from "${RULES_MODULE}";`,
    "",
    `/** One node per schema the requests use; nodes refer to each other by index. */
const TABLE: RuleTable = {
  nodes: ${code(writer.nodes)},
  formats: { ${[...writer.formats].map(([name, check]) => `${q(name)}: ${check}`).join(", ")} },
};

/** The nodes of each operation's parameters and body. */
const INPUTS: Record<OperationId, InputRules> = {
${inputs.join("\n")}
};

/**
 * Checks the input of one call: \`path\` and \`query\` as openapi-fetch's \`params\` hold them, and
 * \`body\` as it will be sent (undefined for none). An empty array means it may be sent.
 */
export function validateInput(
  operationId: OperationId,
  path: unknown,
  query: unknown,
  body: unknown,
): Violation[] {
  return checkInput(TABLE, operationId, INPUTS[operationId], path, query, body);
}`,
    "",
    validators.join("\n\n"),
    "",
    `/** The validator of each request body schema, keyed by the schema name the operation table gives. */
export const requestValidators = {
${bodies.map((name) => `  ${name}: validate${name},`).join("\n")}
} as const;

export type RequestSchemaName = keyof typeof requestValidators;`,
    "",
    suggesters.join("\n\n"),
    "",
  ];
  return out.join("\n");
}
