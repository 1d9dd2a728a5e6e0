/**
 * Builds `generated/operations.ts`: one entry per operation with everything the client needs at
 * run time (method, path template, API version, media types, parameter rules, deprecation), so no
 * version string, path or pattern is ever written by hand in src/.
 */

export type JsonObject = Record<string, unknown>;

export interface OpenApiDocument extends JsonObject {
  paths: Record<string, JsonObject>;
  components?: JsonObject;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** Matches Atlas's versioned media types, for example application/vnd.atlas.2023-01-01+json. */
const VERSIONED_MEDIA_TYPE = /^application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json$/;

export function resolveRef<T = JsonObject>(doc: OpenApiDocument, value: unknown): T {
  let current = value as JsonObject;
  const seen = new Set<string>();
  while (current && typeof current.$ref === "string") {
    const ref = current.$ref;
    if (!ref.startsWith("#/") || seen.has(ref)) throw new Error(`cannot resolve $ref ${ref}`);
    seen.add(ref);
    let target: unknown = doc;
    for (const raw of ref.slice(2).split("/")) {
      const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      target = (target as JsonObject | undefined)?.[key];
    }
    if (target === undefined) throw new Error(`dangling $ref ${ref}`);
    current = target as JsonObject;
  }
  return current as T;
}

function refName(value: unknown): string | null {
  const ref = (value as JsonObject | undefined)?.$ref;
  return typeof ref === "string" ? (ref.split("/").pop() ?? null) : null;
}

export interface OperationEntry {
  operationId: string;
  method: string;
  path: string;
  apiVersion: string;
  accept: string;
  requestMediaType: string | null;
  requestSchema: string | null;
  requestBodyRequired: boolean;
  successSchema: string | null;
  deprecated: boolean;
  sunset: string | null;
  replacement: string | null;
  requiredRoles: string[];
  tags: string[];
  pathParams: { name: string; pattern: string | null }[];
  queryParams: { name: string; type: string; default: unknown }[];
}

export function collectOperations(doc: OpenApiDocument): OperationEntry[] {
  const entries: OperationEntry[] = [];
  for (const [route, rawItem] of Object.entries(doc.paths)) {
    const item = resolveRef(doc, rawItem);
    const shared = (item.parameters as unknown[] | undefined) ?? [];
    for (const method of METHODS) {
      const op = item[method] as JsonObject | undefined;
      if (!op) continue;
      const operationId = op.operationId as string;
      const params = [...shared, ...((op.parameters as unknown[] | undefined) ?? [])].map((p) =>
        resolveRef(doc, p),
      );
      const ok = resolveRef(doc, (op.responses as JsonObject)["200"]);
      const okContent = (ok.content ?? {}) as Record<string, JsonObject>;
      const accept = Object.keys(okContent).find((t) => VERSIONED_MEDIA_TYPE.test(t));
      if (!accept) throw new Error(`${operationId}: the 200 response has no versioned media type`);
      const apiVersion = VERSIONED_MEDIA_TYPE.exec(accept)![1]!;
      const body = op.requestBody ? resolveRef(doc, op.requestBody) : null;
      const bodyContent = (body?.content ?? {}) as Record<string, JsonObject>;
      const requestMediaType = body ? (Object.keys(bodyContent)[0] ?? null) : null;
      if (requestMediaType && requestMediaType !== accept) {
        throw new Error(
          `${operationId}: request media type ${requestMediaType} differs from ${accept}`,
        );
      }
      entries.push({
        operationId,
        method: method.toUpperCase(),
        path: route,
        apiVersion,
        accept,
        requestMediaType,
        requestSchema: requestMediaType ? refName(bodyContent[requestMediaType]?.schema) : null,
        requestBodyRequired: body?.required === true,
        successSchema: refName(okContent[accept]?.schema),
        deprecated: op.deprecated === true,
        sunset: typeof op["x-sunset"] === "string" ? op["x-sunset"] : null,
        replacement: typeof op["x-replacement"] === "string" ? op["x-replacement"] : null,
        requiredRoles: (op["x-rolesRequirements"] as string[] | undefined) ?? [],
        tags: (op.tags as string[] | undefined) ?? [],
        pathParams: params
          .filter((p) => p.in === "path")
          .map((p) => {
            const schema = resolveRef(doc, p.schema);
            return {
              name: p.name as string,
              pattern: typeof schema.pattern === "string" ? schema.pattern : null,
            };
          }),
        queryParams: params
          .filter((p) => p.in === "query")
          .map((p) => {
            const schema = resolveRef(doc, p.schema);
            return { name: p.name as string, type: schema.type as string, default: schema.default };
          }),
      });
    }
  }
  return entries.sort((a, b) => a.operationId.localeCompare(b.operationId));
}

function schemaEnum(doc: OpenApiDocument, name: string, key: "enum" | "x-known-values"): unknown[] {
  const schema = (doc.components?.schemas as Record<string, JsonObject> | undefined)?.[name];
  const values = schema?.[key];
  return Array.isArray(values) ? values : [];
}

export function buildOperationTable(doc: OpenApiDocument, header: string): string {
  const ops = collectOperations(doc);
  const lines: string[] = [`/** ${header} */`, ""];
  lines.push(
    "/** Every operation of the spec, keyed by operationId. The client reads all routing, versioning and parameter rules from here. */",
  );
  lines.push("export const operations = {");
  for (const op of ops) {
    const { pathParams, ...rest } = op;
    const params = pathParams.map(
      (p) =>
        `{ name: ${JSON.stringify(p.name)}, pattern: ${JSON.stringify(p.pattern)}, regex: ${
          p.pattern === null ? "null" : `/${p.pattern}/u`
        } }`,
    );
    const fields = Object.entries(rest).map(([k, v]) => `${k}: ${JSON.stringify(v)},`);
    lines.push(`${op.operationId}: { ${fields.join(" ")} pathParams: [${params.join(", ")}] },`);
  }
  lines.push("} as const;", "");
  lines.push("export type OperationId = keyof typeof operations;", "");
  lines.push(
    "/** The organization roles Atlas accepts (the closed enum of OrgRole). */",
    `export const ORG_ROLES = ${JSON.stringify(schemaEnum(doc, "OrgRole", "enum"))} as const;`,
    "",
    "/** Project roles documented today (ProjectRole's x-known-values); Atlas accepts others too. */",
    `export const KNOWN_PROJECT_ROLES = ${JSON.stringify(
      schemaEnum(doc, "ProjectRole", "x-known-values"),
    )} as const;`,
  );
  return lines.join("\n") + "\n";
}
