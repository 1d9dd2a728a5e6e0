/**
 * Builds `generated/methods.ts`: the declared types of the client's methods, one named input
 * interface per operation (`GetOrgInviteInput`) and the `OperationMethods` interface, in which each
 * method carries a JSDoc drawn from the operation (summary, first sentence of the description,
 * HTTP method and path, the role from `x-rolesRequirements`) and `@deprecated` for an operation
 * the spec deprecates, with its `x-sunset` and `x-replacement`; an input field whose parameter the
 * spec deprecates gets `@deprecated` too. Editors show that JSDoc on hover and strike deprecated calls and fields
 * through, which a mapped type over the operation table cannot give them.
 *
 * Types are written by name where a name exists: a result or body whose schema has a friendly
 * alias in src/types.ts (`export type OrgUser = Schemas["OrgUserResponse"];`) is written as that
 * alias, and anything else as an indexed access into openapi-typescript's `operations`, or
 * through `SuccessOf` / `RequestBodyOf` when the schema is not a named component. The values
 * themselves always come from the spec's types; this file only names them.
 */
import { collectOperations, type OpenApiDocument, type OperationEntry } from "./operation-table.js";
import { listOperations, RefResolver, resolveRef, type JsonObject } from "./openapi.js";

/**
 * The friendly aliases of src/types.ts, by schema name: each line of the form
 * `export type Name = Schemas["Schema"];`, `export type Name = Schemas["Schema"] & {};` or
 * `export interface Name extends Schema<"Schema"> {` (a schema with a field retyped by name).
 * Other declarations in the file are left alone.
 */
export function friendlyNames(typesSource: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const match of typesSource.matchAll(
    /^export type (\w+) = Schemas\["(\w+)"\](?: & \{\})?;$|^export interface (\w+) extends Schema<"(\w+)"> \{$/gm,
  )) {
    const alias = match[1] ?? match[3];
    const schema = match[2] ?? match[4];
    // The first alias of a schema names it; src/types.ts has one per schema.
    if (!names.has(schema!)) names.set(schema!, alias!);
  }
  return names;
}

/** `getOrgInvite` -> `GetOrgInviteInput`. */
export function inputTypeName(operationId: string): string {
  return `${operationId[0]!.toUpperCase()}${operationId.slice(1)}Input`;
}

const WIDTH = 100;

/** Text made safe inside a JSDoc block: a `*\/` would end the comment early. */
function safe(text: string): string {
  return text.replace(/\*\//g, "*\\/");
}

/** Paragraphs of `text`, each with its line breaks joined into one line. */
function paragraphs(text: string): string[] {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, " ").trim())
    .filter((p) => p !== "");
}

/** The first sentence of a paragraph: up to the first `.`, `!` or `?` that ends a word. */
function firstSentence(paragraph: string): string {
  const match = /^.*?[.!?](?=\s|$)/s.exec(paragraph);
  return match ? match[0] : paragraph;
}

/**
 * Wraps one paragraph into JSDoc lines of at most WIDTH columns at `indent` (longer only for a
 * word that does not fit alone). A code span in backticks is never broken.
 */
function wrap(paragraph: string, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of paragraph.match(/(?:`[^`]*`|[^\s`])+/g) ?? []) {
    if (line !== "" && `${indent} * ${line} ${word}`.length > WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** A JSDoc block from paragraphs (empty strings dropped), at `indent`. */
function jsdoc(blocks: string[], indent: string): string[] {
  const body: string[] = [];
  for (const block of blocks.filter((b) => b !== "")) {
    if (body.length > 0) body.push("");
    body.push(...wrap(safe(block), indent));
  }
  if (body.length === 1 && `${indent}/** ${body[0]} */`.length <= WIDTH) {
    return [`${indent}/** ${body[0]} */`];
  }
  return [
    `${indent}/**`,
    ...body.map((l) => (l === "" ? `${indent} *` : `${indent} * ${l}`)),
    `${indent} */`,
  ];
}

interface Parameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  /** True when the parameter is a list (`type: array`), which the method also takes readonly. */
  array: boolean;
  /** The spec's `deprecated`: the field gets `@deprecated`, so editors strike it through. */
  deprecated: boolean;
  description: string;
}

interface OperationDocs {
  summary: string;
  description: string;
  parameters: Parameter[];
  bodyDescription: string;
  /** The operation's atlas-invites sample (`x-codeSamples`, which test/code-samples compiles). */
  example: string;
}

/** The source of the operation's TypeScript sample labelled atlas-invites, or "". */
function exampleOf(op: JsonObject): string {
  const samples = Array.isArray(op["x-codeSamples"]) ? (op["x-codeSamples"] as JsonObject[]) : [];
  const sample = samples.find(
    (s) => /^(typescript|ts)$/i.test(String(s.lang)) && s.label === "atlas-invites",
  );
  return typeof sample?.source === "string" ? sample.source.trimEnd() : "";
}

/** What the spec says of each operation in words: summary, description, parameters. */
function operationDocs(doc: OpenApiDocument): Map<string, OperationDocs> {
  const found = new Map<string, OperationDocs>();
  for (const { operation: op, pathItem } of listOperations(doc, new RefResolver(doc, "spec"))) {
    const params = [
      ...((pathItem.parameters as unknown[] | undefined) ?? []),
      ...((op.parameters as unknown[] | undefined) ?? []),
    ]
      .map((p) => resolveRef<JsonObject>(doc, p))
      .filter((p) => p.in === "path" || p.in === "query")
      .map((p) => ({
        name: p.name as string,
        in: p.in as "path" | "query",
        required: p.required === true,
        array: resolveRef<JsonObject>(doc, p.schema ?? {}).type === "array",
        deprecated: p.deprecated === true,
        description: typeof p.description === "string" ? p.description : "",
      }));
    const body = op.requestBody ? resolveRef<JsonObject>(doc, op.requestBody) : null;
    found.set(op.operationId as string, {
      summary: typeof op.summary === "string" ? op.summary : "",
      description: typeof op.description === "string" ? op.description : "",
      parameters: params,
      bodyDescription: body && typeof body.description === "string" ? body.description : "",
      example: exampleOf(op),
    });
  }
  return found;
}

/**
 * The method's JSDoc: what it does, its route, the role it needs, the operation's sample as
 * `@example` (line for line, so editors show it as code), and, when deprecated, until when and
 * what next.
 */
function methodDoc(op: OperationEntry, docs: OperationDocs): string[] {
  const summary = docs.summary.trim();
  const opening = paragraphs(docs.description)[0];
  const blocks = [
    [summary && `${summary.replace(/[.!?]$/, "")}.`, opening && firstSentence(opening)]
      .filter(Boolean)
      .join(" "),
    `\`${op.method} ${op.path}\``,
  ];
  // The role MongoDB's reference names for the operation (x-rolesRequirements), so that an editor
  // shows it on hover, not only the API reference.
  if (op.roles.length > 0) {
    blocks.push(`Needs credentials that hold the ${op.roles.join(" role or the ")} role.`);
  }
  const lines = jsdoc(blocks, "  ");
  const tags: string[] = [];
  if (docs.example !== "") {
    tags.push("", "@example", ...safe(docs.example).split("\n"));
  }
  if (op.deprecated) {
    const until = op.sunset ? `Stops working on ${op.sunset} (its sunset date).` : "";
    const instead = op.replacement ? `Use ${op.replacement} instead.` : "";
    tags.push(
      "",
      ...wrap(`@deprecated ${[until, instead].filter(Boolean).join(" ") || "Deprecated."}`, "  "),
    );
  }
  // The blocks above always make a multi-line comment: the tags go before its closing line.
  const end = lines.pop()!;
  return [...lines, ...tags.map((l) => (l === "" ? "   *" : `   * ${l}`)), end];
}

/**
 * `operations["id"]["parameters"]["path"]["name"]`, or the query's, for a property's type; a
 * list goes through AcceptedInput, so a readonly list is taken too. Scalars stay as they are,
 * so that a compiler error names their plain type (`string`).
 */
function parameterType(operationId: string, p: Parameter): string {
  const where = `operations[${JSON.stringify(operationId)}]["parameters"]`;
  if (p.in === "path") return `${where}["path"][${JSON.stringify(p.name)}]`;
  const type = `NonNullable<${where}["query"]>[${JSON.stringify(p.name)}]`;
  return p.array ? `AcceptedInput<${type}>` : type;
}

export function buildMethods(doc: OpenApiDocument, header: string, typesSource: string): string {
  const names = friendlyNames(typesSource);
  const docs = operationDocs(doc);
  const ops = collectOperations(doc);
  const imported = new Set<string>(["AcceptedInput", "CallOptions", "Envelope", "ListEnvelope"]);
  /** The friendly alias of a schema, recorded for the import, or null when it has none. */
  const named = (schema: string | null): string | null => {
    const alias = schema === null ? undefined : names.get(schema);
    if (alias === undefined) return null;
    imported.add(alias);
    return alias;
  };

  const inputs: string[] = [];
  const methods: string[] = [];
  let envelopeDoc: string[] = [];
  for (const op of ops) {
    const id = op.operationId;
    const words = docs.get(id)!;
    const typeName = inputTypeName(id);
    const lines: string[] = [];
    for (const p of words.parameters) {
      if (p.name === "envelope") {
        // Declared once, in EnvelopeOption, since it decides the result's type.
        if (envelopeDoc.length === 0) envelopeDoc = paragraphs(p.description);
        continue;
      }
      const deprecated = p.deprecated
        ? [
            "@deprecated Atlas has deprecated this parameter; the text above says what to send instead.",
          ]
        : [];
      lines.push(...jsdoc([...paragraphs(p.description), ...deprecated], "  "));
      if (p.in === "path" || p.required) {
        lines.push(`  ${p.name}: ${parameterType(id, p)};`);
      } else {
        // `| undefined`: a consumer with exactOptionalPropertyTypes may pass a maybe-value; the
        // client leaves an undefined parameter out of the query, as it does when it is absent.
        lines.push(`  ${p.name}?: ${parameterType(id, p)} | undefined;`);
      }
    }
    if (op.body !== null) {
      const schema = named(op.bodySchema);
      if (schema === null) imported.add("RequestBodyOf");
      const base = schema ?? `RequestBodyOf<${JSON.stringify(id)}>`;
      // x-client-required: fields the client requires although the schema leaves them optional
      // (updateGroupInvites' username, by which Atlas picks the invitation). Only the method's
      // input requires them; the schema type and calls on `atlas.client` keep the spec's type.
      const required = op.clientRequired.map((f) => JSON.stringify(f)).join(" | ");
      // AcceptedInput: readonly lists and undefined optional fields, which the client takes too.
      const accepted = `AcceptedInput<${base}>`;
      const type =
        required === "" ? accepted : `${accepted} & Required<Pick<${base}, ${required}>>`;
      lines.push(...jsdoc(paragraphs(words.bodyDescription), "  "));
      lines.push(op.body === "required" ? `  body: ${type};` : `  body?: ${type} | undefined;`);
    }
    const parts = [
      op.pathParams.length > 0 ? "path parameters" : "",
      op.queryParams.some((q) => q !== "envelope") ? "query parameters" : "",
      op.body ? "body" : "",
    ].filter(Boolean);
    inputs.push(
      ...jsdoc(
        [
          `The argument of \`${id}\`: its ${parts.join(", ")} and the call options` +
            (op.queryParams.includes("envelope")
              ? "; the method also takes `envelope` (see EnvelopeOption)."
              : "."),
        ],
        "",
      ),
      `export interface ${typeName} extends CallOptions {`,
      ...lines,
      "}",
      "",
    );

    const success = named(op.responseSchema);
    if (success === null) imported.add("SuccessOf");
    const result = success ?? `SuccessOf<${JSON.stringify(id)}>`;
    methods.push(...methodDoc(op, words));
    // Properties, not method declarations: the methods are closures that need no `this`, so an
    // application may pass `atlas.getOrgUser` around (and lint rules such as unbound-method agree).
    methods.push(
      op.queryParams.includes("envelope")
        ? `  ${id}: <E extends boolean | undefined = false>(input: ${typeName} & EnvelopeOption<E>) => Promise<Enveloped<${result}, E>>;`
        : `  ${id}: (input: ${typeName}) => Promise<${result}>;`,
    );
  }
  const shape =
    "With `true` the method resolves to `Envelope<T>` around its usual result `T`, or for a list " +
    "operation to its page with `status` added (`ListEnvelope<T>`).";

  return [
    `/** ${header} */`,
    "",
    'import type { operations } from "./atlas.js";',
    `import type { ${[...imported].sort().join(", ")} } from "../src/types.js";`,
    "",
    "/**",
    " * What a method resolves to: the success body `T`, or the envelope around it when `envelope` is",
    " * `true`; a list's page (a body with `results`) is its own envelope, with `status` added. A",
    " * flag known only at run time (`boolean`) gives either.",
    " */",
    "export type Enveloped<T, E extends boolean | undefined> = E extends true",
    // Bracketed, so that a union such as OrgUser is judged whole and keeps its name in editors.
    "  ? [T] extends [{ readonly results: readonly unknown[] }]",
    "    ? ListEnvelope<T>",
    "    : Envelope<T>",
    "  : T;",
    "",
    "/**",
    " * The `envelope` a method takes, typed by `E`, which the call's value decides. When `E` is",
    " * `true` the property is required, so a value that may be undefined (and so may leave the",
    " * answer unwrapped) is not taken for `true`: without exactOptionalPropertyTypes, TypeScript",
    " * infers `true` from `true | undefined` for an optional property.",
    " */",
    "export type EnvelopeOption<E extends boolean | undefined> = [E] extends [true]",
    "  ? {",
    ...jsdoc([...envelopeDoc, shape], "      "),
    "      envelope: true;",
    "    }",
    "  : {",
    ...jsdoc([...envelopeDoc, shape], "      "),
    "      envelope?: E;",
    "    };",
    "",
    ...inputs,
    "/**",
    " * One method per operation, each with a single signature (not one overload per `envelope`",
    " * value), so a mistake in a call is reported once, against the named input type.",
    " */",
    "export interface OperationMethods {",
    ...methods,
    "}",
    "",
    "/** The input type of each method by operationId (`envelope` aside). */",
    "export interface OperationInputs {",
    ...ops.map((op) => `  ${op.operationId}: ${inputTypeName(op.operationId)};`),
    "}",
    "",
  ].join("\n");
}
