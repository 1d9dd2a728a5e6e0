/**
 * Builds `generated/operations.ts`: one entry per operation with what the client needs at run
 * time (method, path template, the API version it sends, parameter names, body, paging,
 * deprecation), so no version string or path is ever written by hand in src/.
 */
import {
  isObject,
  listOperations,
  RefResolver,
  refName,
  resolveRef,
  type JsonObject,
} from "./openapi.js";

export type { JsonObject };

export interface OpenApiDocument extends JsonObject {
  paths: Record<string, JsonObject>;
  components?: JsonObject;
}

/** Matches Atlas's versioned media types, for example application/vnd.atlas.2023-01-01+json. */
const VERSIONED_MEDIA_TYPE = /^application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json$/;

export interface OperationEntry {
  operationId: string;
  /** Upper case, as openapi-fetch names its methods. */
  method: string;
  path: string;
  /** The resource version the client asks for (see {@link chooseVersion}). */
  version: string;
  /** `application/vnd.atlas.<version>+json`, sent in Accept and, with a body, Content-Type. */
  mediaType: string;
  /** Whether the operation takes a body: "required", "optional", or null for none. */
  body: "required" | "optional" | null;
  bodySchema: string | null;
  /** The schema of the success answer in the chosen version. */
  responseSchema: string | null;
  pathParams: string[];
  queryParams: string[];
  /**
   * For list operations (a `pageNum` parameter and an answer with a `results` array): the page
   * size Atlas uses when `itemsPerPage` is left out. Null for every other operation.
   */
  pageSize: number | null;
  deprecated: boolean;
  /** The operation's own sunset date (YYYY-MM-DD), from x-sunset. */
  sunset: string | null;
  /** What to call instead, from x-replacement: names of this package's methods. */
  replacement: string | null;
  /**
   * The Atlas roles that let the caller in, from x-rolesRequirements; any one of them is enough
   * (MongoDB's reference joins two with "or").
   */
  roles: string[];
  /**
   * Top-level body fields this client requires although the body schema does not, from the
   * request body's `x-client-required` (see {@link clientRequired}).
   */
  clientRequired: string[];
}

interface VersionedContent {
  version: string;
  mediaType: string;
  schema: unknown;
  sunset: string | null;
}

/** The versioned media types of a content map, with their x-sunset when they carry one. */
function versions(content: unknown): VersionedContent[] {
  if (!isObject(content)) return [];
  const found: VersionedContent[] = [];
  for (const [mediaType, media] of Object.entries(content)) {
    const match = VERSIONED_MEDIA_TYPE.exec(mediaType);
    if (!match || !isObject(media)) continue;
    const sunset = media["x-sunset"];
    found.push({
      version: match[1]!,
      mediaType,
      schema: media.schema,
      sunset: typeof sunset === "string" ? sunset : null,
    });
  }
  return found;
}

/**
 * The version the client sends: the newest one that has no sunset, or, when every version has
 * one, the newest of all. Atlas keeps an older version alive beside a newer one for a while
 * (listOrgUsers answers 2023-01-01 until its sunset and 2025-02-19 after), and the newest
 * unsunset one is the version that stays.
 */
export function chooseVersion(candidates: VersionedContent[]): VersionedContent | undefined {
  const newestFirst = [...candidates].sort((a, b) => b.version.localeCompare(a.version));
  return newestFirst.find((v) => v.sunset === null) ?? newestFirst[0];
}

export function collectOperations(doc: OpenApiDocument): OperationEntry[] {
  const resolver = new RefResolver(doc, "spec");
  const entries: OperationEntry[] = [];
  for (const { method, path, operation: op, pathItem } of listOperations(doc, resolver)) {
    const operationId = op.operationId;
    if (typeof operationId !== "string") throw new Error(`${method} ${path} has no operationId`);
    const params = [
      ...((pathItem.parameters as unknown[] | undefined) ?? []),
      ...((op.parameters as unknown[] | undefined) ?? []),
    ].map((p) => resolveRef<JsonObject>(doc, p));
    const responses = (op.responses ?? {}) as JsonObject;
    const successStatus = Object.keys(responses)
      .filter((status) => /^2\d\d$/.test(status))
      .sort()[0];
    if (!successStatus) throw new Error(`${operationId}: no 2xx response`);
    const success = resolveRef<JsonObject>(doc, responses[successStatus]);
    const chosen = chooseVersion(versions(success.content));
    if (!chosen) {
      throw new Error(`${operationId}: the ${successStatus} response has no versioned media type`);
    }
    const requestBody = op.requestBody ? resolveRef<JsonObject>(doc, op.requestBody) : null;
    let bodySchema: string | null = null;
    if (requestBody) {
      const media = (requestBody.content as JsonObject | undefined)?.[chosen.mediaType];
      if (!isObject(media)) {
        throw new Error(
          `${operationId}: the request body has no ${chosen.mediaType}, the version the client sends`,
        );
      }
      bodySchema = refName(media.schema);
    }
    const required = requestBody ? clientRequired(doc, operationId, requestBody, bodySchema) : [];
    const queryParams = params.filter((p) => p.in === "query").map((p) => p.name as string);
    const responseSchema = refName(chosen.schema);
    entries.push({
      operationId,
      method: method.toUpperCase(),
      path,
      version: chosen.version,
      mediaType: chosen.mediaType,
      body: requestBody ? (requestBody.required === true ? "required" : "optional") : null,
      bodySchema,
      responseSchema,
      pathParams: params.filter((p) => p.in === "path").map((p) => p.name as string),
      queryParams,
      pageSize: pageSize(doc, params, chosen.schema),
      deprecated: op.deprecated === true,
      sunset: typeof op["x-sunset"] === "string" ? op["x-sunset"] : null,
      replacement: typeof op["x-replacement"] === "string" ? op["x-replacement"] : null,
      roles: (op["x-rolesRequirements"] as string[] | undefined) ?? [],
      clientRequired: required,
    });
  }
  return entries.sort((a, b) => a.operationId.localeCompare(b.operationId));
}

/**
 * The request body's `x-client-required`: top-level fields of the body that atlas-invites requires
 * although the schema, which mirrors Atlas, leaves them optional (updateGroupInvites' `username`,
 * by which Atlas picks the invitation). The validators refuse a body without them and the
 * method's input type requires them; the schema types stay as the spec has them. Each name must
 * be a writable property of the body schema, so a typo or a renamed field fails generation.
 */
function clientRequired(
  doc: OpenApiDocument,
  operationId: string,
  requestBody: JsonObject,
  bodySchema: string | null,
): string[] {
  const names = requestBody["x-client-required"];
  if (names === undefined) return [];
  const where = `${operationId}: x-client-required`;
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === "string")) {
    throw new Error(`${where} must be a non-empty list of field names`);
  }
  if (bodySchema === null) throw new Error(`${where} needs a body with a named schema`);
  const schema = resolveRef<JsonObject>(doc, { $ref: `#/components/schemas/${bodySchema}` });
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const name of names) {
    const prop = Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (prop === undefined || resolveRef<JsonObject>(doc, prop).readOnly === true) {
      throw new Error(`${where} names ${name}, which is not a writable field of ${bodySchema}`);
    }
  }
  return [...new Set(names)];
}

/** The default of `itemsPerPage` for an operation that pages its `results`, else null. */
function pageSize(doc: OpenApiDocument, params: JsonObject[], schema: unknown): number | null {
  const byName = new Map(params.filter((p) => p.in === "query").map((p) => [p.name, p]));
  const answer = resolveRef<JsonObject>(doc, schema);
  const results = isObject(answer.properties) ? answer.properties.results : undefined;
  if (!byName.has("pageNum") || !isObject(results)) return null;
  const perPage = byName.get("itemsPerPage");
  const fallback = perPage ? resolveRef<JsonObject>(doc, perPage.schema).default : undefined;
  if (typeof fallback !== "number") {
    throw new Error("a paged operation needs itemsPerPage with a numeric default");
  }
  return fallback;
}

function schemaValues(
  doc: OpenApiDocument,
  name: string,
  key: "enum" | "x-known-values",
): unknown[] {
  const schema = (doc.components?.schemas as Record<string, JsonObject> | undefined)?.[name];
  const values = schema?.[key];
  return Array.isArray(values) ? values : [];
}

/** The fields the client reads at run time; the rest describe the operation for tools and tests. */
const RUNTIME_FIELDS = [
  "operationId",
  "method",
  "path",
  "mediaType",
  "body",
  "pathParams",
  "pageSize",
  "deprecated",
  "sunset",
  "replacement",
] as const satisfies readonly (keyof OperationEntry)[];

export function buildOperationTable(doc: OpenApiDocument, header: string): string {
  const ops = collectOperations(doc);
  const table = (fields: (op: OperationEntry) => [string, unknown][]) =>
    ops.map((op) => {
      const entries = fields(op).map(([k, v]) => `${k}: ${JSON.stringify(v)},`);
      return `${op.operationId}: { ${entries.join(" ")} },`;
    });
  const runtime = new Set<string>(RUNTIME_FIELDS);
  const lines: string[] = [`/** ${header} */`, ""];
  lines.push(
    "/** What the client needs of each operation at run time, keyed by operationId: routing, the version sent, path parameters, paging and deprecation. */",
    "export const operations = {",
    ...table((op) => RUNTIME_FIELDS.map((k) => [k, op[k]])),
    "} as const;",
    "",
    "/** The rest of what the spec says of each operation, for tools, tests and the fake Atlas. */",
    "export const operationDetails = {",
    ...table((op) => Object.entries(op).filter(([k]) => !runtime.has(k))),
    "} as const;",
    "",
    "/** The name of one operation of the spec, such as `listOrgUsers`: a method of the client. */",
    "export type OperationId = keyof typeof operations;",
    "",
    "/** Every operationId, in alphabetical order. */",
    `export const OPERATION_IDS = ${JSON.stringify(ops.map((op) => op.operationId))} as const;`,
    "",
    "/** The organization roles Atlas accepts (the closed enum of OrgRole). */",
    `export const ORG_ROLES = ${JSON.stringify(schemaValues(doc, "OrgRole", "enum"))} as const;`,
    "",
    "/** Project roles documented today (ProjectRole's x-known-values); Atlas accepts others too. */",
    `export const KNOWN_PROJECT_ROLES = ${JSON.stringify(
      schemaValues(doc, "ProjectRole", "x-known-values"),
    )} as const;`,
  );
  return lines.join("\n") + "\n";
}
