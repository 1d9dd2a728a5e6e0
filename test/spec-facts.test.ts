/**
 * Reads the bundled spec (generated/openapi.json) and checks it against the facts of MongoDB's
 * published contract for the four invite operations: routing, roles, deprecation, parameters,
 * media types, headers, security, servers and every schema field. The expected values below are
 * written out from the facts, never read from the spec, so any drift in openapi/ fails here.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { KNOWN_PROJECT_ROLES, ORG_ROLES, operations } from "../generated/operations.js";

type Json = Record<string, unknown>;

const spec = JSON.parse(
  readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8"),
) as Json & { paths: Record<string, Json>; components: Record<string, Record<string, Json>> };

/** Follows local `$ref`s until it reaches a value that is not a reference. */
function deref(value: unknown): Json {
  let current = value as Json;
  for (let hops = 0; typeof current?.$ref === "string"; hops++) {
    if (hops > 20) throw new Error(`$ref loop at ${current.$ref}`);
    const ref = current.$ref;
    if (!ref.startsWith("#/")) throw new Error(`non-local $ref ${ref}`);
    let target: unknown = spec;
    for (const key of ref.slice(2).split("/")) target = (target as Json | undefined)?.[key];
    if (target === undefined) throw new Error(`dangling $ref ${ref}`);
    current = target as Json;
  }
  return current;
}

/** The name a `$ref` to a component points at, for example `GroupInvitation`. */
function refName(value: unknown): string | undefined {
  const ref = (value as Json | undefined)?.$ref;
  return typeof ref === "string" ? ref.split("/").pop() : undefined;
}

const FACT_KEYS = [
  "type",
  "format",
  "pattern",
  "enum",
  "uniqueItems",
  "readOnly",
  "nullable",
  "x-known-values",
] as const;

/**
 * Reduces a schema (with every `$ref` resolved) to the keys the facts talk about, dropping prose
 * and examples. `required` is sorted because its order carries no meaning.
 */
function facts(value: unknown): Json {
  const schema = deref(value);
  const out: Json = {};
  for (const key of FACT_KEYS) if (schema[key] !== undefined) out[key] = schema[key];
  if (schema.required !== undefined) out.required = [...(schema.required as string[])].sort();
  if (schema.properties !== undefined) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties as Json).map(([name, prop]) => [name, facts(prop)]),
    );
  }
  if (schema.items !== undefined) out.items = facts(schema.items);
  return out;
}

// ---- The facts, written out by hand ---------------------------------------------------------

const VERSIONED = "application/vnd.atlas.2023-01-01+json";
const HEX24 = "^([a-f0-9]{24})$";
const NAME_PATTERN = "^[\\p{L}\\p{N}\\-_.(),:&@+']{1,64}$";
const SUNSET = "2027-07-01";
const ERROR_STATUSES = ["400", "401", "403", "404", "429", "500"];

const ORG_ROLE_VALUES = [
  "ORG_OWNER",
  "ORG_MEMBER",
  "ORG_GROUP_CREATOR",
  "ORG_BILLING_ADMIN",
  "ORG_BILLING_READ_ONLY",
  "ORG_STREAM_PROCESSING_ADMIN",
  "ORG_READ_ONLY",
];
const PROJECT_ROLE_VALUES = [
  "GROUP_BACKUP_MANAGER",
  "GROUP_CLUSTER_MANAGER",
  "GROUP_DATA_ACCESS_ADMIN",
  "GROUP_DATA_ACCESS_READ_ONLY",
  "GROUP_DATA_ACCESS_READ_WRITE",
  "GROUP_DATABASE_ACCESS_ADMIN",
  "GROUP_OBSERVABILITY_VIEWER",
  "GROUP_OWNER",
  "GROUP_READ_ONLY",
  "GROUP_SEARCH_INDEX_EDITOR",
  "GROUP_STREAM_PROCESSING_OWNER",
];

const RO = { readOnly: true } as const;
const str = (extra: Json = {}): Json => ({ type: "string", ...extra });
const hex = (extra: Json = {}): Json => str({ pattern: HEX24, ...extra });
const dateTime = str({ format: "date-time", ...RO });
const email = (extra: Json = {}): Json => str({ format: "email", ...extra });
const arrayOf = (items: Json, extra: Json = {}): Json => ({ type: "array", ...extra, items });
const object = (properties: Record<string, Json>, required?: string[]): Json => ({
  type: "object",
  ...(required ? { required: [...required].sort() } : {}),
  properties,
});

/** Org roles: a closed enum. Project roles: an open string that offers the known values. */
const ORG_ROLE = str({ enum: ORG_ROLE_VALUES });
const PROJECT_ROLE = str({ "x-known-values": PROJECT_ROLE_VALUES });
const LINK = object({ href: str(), rel: str() });
const GROUP_ROLE = object({ groupId: hex(), groupRole: PROJECT_ROLE });
const GROUP_ROLE_ASSIGNMENT_REQUEST = object({
  groupId: hex(),
  roles: arrayOf(PROJECT_ROLE, { uniqueItems: true }),
});
const FIELD_VIOLATION = object({ description: str(), field: str() }, ["description", "field"]);
const BAD_REQUEST_DETAIL: Json = {
  type: "object",
  nullable: true,
  ...RO,
  properties: { fields: arrayOf(FIELD_VIOLATION) },
};

const EXPECTED_SCHEMAS: Record<string, Json> = {
  GroupInvitation: object({
    createdAt: dateTime,
    expiresAt: dateTime,
    groupId: hex(RO),
    groupName: str({ pattern: NAME_PATTERN, ...RO }),
    id: hex(RO),
    inviterUsername: email(RO),
    links: arrayOf(LINK, RO),
    roles: arrayOf(PROJECT_ROLE, { uniqueItems: true }),
    username: email(RO),
  }),
  GroupInvitationRequest: object({
    roles: arrayOf(PROJECT_ROLE, { uniqueItems: true }),
    username: email(),
  }),
  GroupInvitationUpdateRequest: object({
    roles: arrayOf(PROJECT_ROLE, { uniqueItems: true }),
  }),
  OrganizationInvitation: object(
    {
      createdAt: dateTime,
      expiresAt: dateTime,
      groupRoleAssignments: arrayOf(GROUP_ROLE, { uniqueItems: true }),
      id: hex(RO),
      inviterUsername: email(RO),
      links: arrayOf(LINK, RO),
      orgId: hex(RO),
      orgName: str({ pattern: NAME_PATTERN }),
      roles: arrayOf(ORG_ROLE, { uniqueItems: true }),
      teamIds: arrayOf(str(), { uniqueItems: true, ...RO }),
      username: email(),
    },
    ["orgName"],
  ),
  GroupRole: GROUP_ROLE,
  OrganizationInvitationUpdateRequest: object({
    groupRoleAssignments: arrayOf(GROUP_ROLE_ASSIGNMENT_REQUEST),
    roles: arrayOf(ORG_ROLE, { uniqueItems: true }),
    teamIds: arrayOf(str(), { uniqueItems: true }),
  }),
  OrganizationInvitationGroupRoleAssignmentsRequest: GROUP_ROLE_ASSIGNMENT_REQUEST,
  Link: LINK,
  ApiError: object(
    {
      badRequestDetail: BAD_REQUEST_DETAIL,
      detail: str({ nullable: true }),
      error: { type: "integer", format: "int32", ...RO },
      errorCode: str(RO),
      parameters: arrayOf({ type: "object" }, RO),
      reason: str({ nullable: true, ...RO }),
    },
    ["error", "errorCode"],
  ),
  BadRequestDetail: BAD_REQUEST_DETAIL,
  FieldViolation: FIELD_VIOLATION,
  // Our named building blocks for the two kinds of role.
  OrgRole: ORG_ROLE,
  ProjectRole: PROJECT_ROLE,
};

interface ExpectedOperation {
  operationId: string;
  method: "get" | "patch";
  path: string;
  tag: string;
  role: string;
  pathParams: string[];
  queryParams: string[];
  requestSchema: string | null;
  responseSchema: string;
  operationIdOverride?: string;
  /** What replaces the operation; upstream names none for the project operations. */
  replacement?: string;
}

const EXPECTED_OPERATIONS: ExpectedOperation[] = [
  {
    operationId: "getOrgInvite",
    method: "get",
    path: "/api/atlas/v2/orgs/{orgId}/invites/{invitationId}",
    tag: "Organizations",
    role: "Organization Owner",
    pathParams: ["orgId", "invitationId"],
    queryParams: ["envelope"],
    requestSchema: null,
    responseSchema: "OrganizationInvitation",
    replacement: "getOrganizationUser",
  },
  {
    operationId: "updateOrgInviteById",
    method: "patch",
    path: "/api/atlas/v2/orgs/{orgId}/invites/{invitationId}",
    tag: "Organizations",
    role: "Organization Owner",
    pathParams: ["orgId", "invitationId"],
    queryParams: ["envelope", "pretty"],
    requestSchema: "OrganizationInvitationUpdateRequest",
    responseSchema: "OrganizationInvitation",
    replacement: "updateOrganizationUser",
  },
  {
    operationId: "updateGroupInvites",
    method: "patch",
    path: "/api/atlas/v2/groups/{groupId}/invites",
    tag: "Projects",
    role: "Project Owner",
    pathParams: ["groupId"],
    queryParams: ["envelope", "pretty"],
    requestSchema: "GroupInvitationRequest",
    responseSchema: "GroupInvitation",
  },
  {
    operationId: "updateGroupInviteById",
    method: "patch",
    path: "/api/atlas/v2/groups/{groupId}/invites/{invitationId}",
    tag: "Projects",
    role: "Project Owner",
    pathParams: ["groupId", "invitationId"],
    queryParams: ["envelope"],
    requestSchema: "GroupInvitationUpdateRequest",
    responseSchema: "GroupInvitation",
    operationIdOverride: "updateInviteById",
  },
];

// ---- Walking the spec -----------------------------------------------------------------------

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

interface FoundOperation {
  path: string;
  method: string;
  item: Json;
  op: Json;
}

function allOperations(): FoundOperation[] {
  const found: FoundOperation[] = [];
  for (const [path, rawItem] of Object.entries(spec.paths)) {
    const item = deref(rawItem);
    for (const method of HTTP_METHODS) {
      const op = item[method] as Json | undefined;
      if (op) found.push({ path, method, item, op });
    }
  }
  return found;
}

function findOperation(operationId: string): FoundOperation {
  const found = allOperations().find((o) => o.op.operationId === operationId);
  if (!found) throw new Error(`operation ${operationId} is not in the spec`);
  return found;
}

function parametersOf({ item, op }: FoundOperation): Json[] {
  return [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])].map(
    deref,
  );
}

/** Every example a media type object carries, through `example` or the `examples` map. */
function examplesOf(media: Json): unknown[] {
  if (media.example !== undefined) return [media.example];
  return Object.values((media.examples as Json | undefined) ?? {}).map((e) => deref(e).value);
}

/** Every value in the document, with the JSON path that leads to it. */
function* walk(value: unknown, at = "$"): Generator<[string, Json]> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* walk(v, `${at}[${i}]`);
  } else if (value !== null && typeof value === "object") {
    yield [at, value as Json];
    for (const [k, v] of Object.entries(value)) yield* walk(v, `${at}.${k}`);
  }
}

/**
 * A small checker for the parts of JSON Schema our spec uses: type, required, unknown
 * properties, enum, pattern, email and date-time formats, uniqueItems and nullable. Redocly's
 * `no-invalid-media-type-examples` does the full job at lint time; this guards the bundled copy.
 */
function problems(value: unknown, rawSchema: unknown, at = "$"): string[] {
  const schema = deref(rawSchema);
  if (value === null) return schema.nullable === true ? [] : [`${at}: null is not allowed`];
  const out: string[] = [];
  switch (schema.type) {
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return [`${at}: expected an object`];
      const props = (schema.properties as Json | undefined) ?? {};
      for (const name of (schema.required as string[] | undefined) ?? []) {
        if (!(name in value)) out.push(`${at}: missing required ${name}`);
      }
      for (const [name, v] of Object.entries(value)) {
        if (Object.keys(props).length > 0 && !(name in props)) out.push(`${at}: unknown ${name}`);
        else if (name in props) out.push(...problems(v, props[name], `${at}.${name}`));
      }
      return out;
    }
    case "array": {
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      if (schema.uniqueItems === true) {
        const seen = new Set(value.map((v) => JSON.stringify(v)));
        if (seen.size !== value.length) out.push(`${at}: items are not unique`);
      }
      value.forEach((v, i) => out.push(...problems(v, schema.items, `${at}[${i}]`)));
      return out;
    }
    case "integer":
      return Number.isInteger(value) ? [] : [`${at}: expected an integer`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${at}: expected a boolean`];
    case "string": {
      if (typeof value !== "string") return [`${at}: expected a string`];
      if (Array.isArray(schema.enum) && !schema.enum.includes(value))
        out.push(`${at}: not in enum`);
      if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
        out.push(`${at}: does not match ${schema.pattern}`);
      }
      if (schema.format === "email" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
        out.push(`${at}: not an email address`);
      }
      if (schema.format === "date-time" && Number.isNaN(Date.parse(value))) {
        out.push(`${at}: not a date-time`);
      }
      return out;
    }
    default:
      return [`${at}: the checker does not know type ${String(schema.type)}`];
  }
}

// ---- The checks -----------------------------------------------------------------------------

describe("document", () => {
  test("is OpenAPI 3.0.x", () => {
    expect(spec.openapi).toMatch(/^3\.0\.\d+$/);
  });

  test("lists the commercial and the government Atlas servers", () => {
    const servers = (spec.servers as Json[]).map((s) => s.url);
    expect(servers).toEqual(["https://cloud.mongodb.com", "https://cloud.mongodbgov.com"]);
  });

  test("defines the service-account and digest security schemes", () => {
    const schemes = spec.components.securitySchemes!;
    expect(Object.keys(schemes).sort()).toEqual(["DigestAuth", "ServiceAccounts"]);
    const oauth = deref(schemes.ServiceAccounts);
    expect(oauth.type).toBe("oauth2");
    const flows = oauth.flows as Record<string, Json>;
    expect(Object.keys(flows)).toEqual(["clientCredentials"]);
    expect(flows.clientCredentials!.tokenUrl).toBe("https://cloud.mongodb.com/api/oauth/token");
    const digest = deref(schemes.DigestAuth);
    expect(digest.type).toBe("http");
    expect(digest.scheme).toBe("digest");
  });

  test("accepts either scheme for every operation through global security", () => {
    expect(spec.security).toEqual([{ ServiceAccounts: [] }, { DigestAuth: [] }]);
    for (const { op } of allOperations()) expect(op.security).toBeUndefined();
  });

  test("has exactly the four invite operations", () => {
    const ids = allOperations().map((o) => o.op.operationId);
    expect(ids.sort()).toEqual(EXPECTED_OPERATIONS.map((o) => o.operationId).sort());
  });

  test("uses only the 2023-01-01 versioned media type and application/json", () => {
    const mediaTypes = new Set<string>();
    for (const [at, node] of walk(spec)) {
      if (/\.(content)$/.test(at)) Object.keys(node).forEach((t) => mediaTypes.add(t));
    }
    expect([...mediaTypes].sort()).toEqual(["application/json", VERSIONED]);
  });

  test("never closes objects with additionalProperties: false", () => {
    const closed = [...walk(spec)]
      .filter(([, node]) => node.additionalProperties === false)
      .map(([at]) => at);
    expect(closed).toEqual([]);
  });

  test("has one enum, the seven organization roles in order", () => {
    const enums = [...walk(spec)].filter(([, node]) => Array.isArray(node.enum));
    expect(enums.map(([at]) => at)).toEqual(["$.components.schemas.OrgRole"]);
    expect(enums[0]![1].enum).toEqual(ORG_ROLE_VALUES);
  });
});

describe.each(EXPECTED_OPERATIONS)("$operationId", (expected) => {
  const found = findOperation(expected.operationId);
  const { op } = found;
  const responses = op.responses as Record<string, unknown>;

  test("method, path and tag", () => {
    expect(found.method).toBe(expected.method);
    expect(found.path).toBe(expected.path);
    expect(op.tags).toEqual([expected.tag]);
  });

  test("role, deprecation, sunset and alternative name", () => {
    expect(op["x-rolesRequirements"]).toEqual([expected.role]);
    expect(op.deprecated).toBe(true);
    expect(op["x-sunset"]).toBe(SUNSET);
    expect(op["x-xgen-operation-id-override"]).toBe(expected.operationIdOverride);
  });

  test("description says it is deprecated and what replaces it", () => {
    expect(op.description).toContain("**Deprecated:**");
    expect(op.description).toContain(SUNSET);
    expect(op["x-replacement"]).toBe(expected.replacement);
    if (expected.replacement) expect(op.description).toContain(`\`${expected.replacement}\``);
  });

  test("path parameters are required 24-hex strings", () => {
    const params = parametersOf(found).filter((p) => p.in === "path");
    expect(params.map((p) => p.name)).toEqual(expected.pathParams);
    for (const p of params) {
      expect(p.required).toBe(true);
      expect(facts(p.schema)).toStrictEqual({ type: "string", pattern: HEX24 });
    }
  });

  test("query parameters are optional booleans defaulting to false", () => {
    const params = parametersOf(found).filter((p) => p.in === "query");
    expect(params.map((p) => p.name).sort()).toEqual(expected.queryParams);
    for (const p of params) {
      expect(p.required ?? false).toBe(false);
      const schema = deref(p.schema);
      expect(schema.type).toBe("boolean");
      expect(schema.default).toBe(false);
    }
    expect(parametersOf(found).filter((p) => p.in !== "path" && p.in !== "query")).toEqual([]);
  });

  test("request body", () => {
    if (expected.requestSchema === null) {
      expect(op.requestBody).toBeUndefined();
      return;
    }
    const body = deref(op.requestBody);
    const content = body.content as Record<string, Json>;
    expect(Object.keys(content)).toEqual([VERSIONED]);
    expect(refName(content[VERSIONED]!.schema)).toBe(expected.requestSchema);
  });

  test("answers 200 and the six error statuses", () => {
    expect(Object.keys(responses).sort()).toEqual(["200", ...ERROR_STATUSES]);
  });

  test("200 carries the versioned body and both rate-limit headers", () => {
    const ok = deref(responses["200"]);
    const content = ok.content as Record<string, Json>;
    expect(Object.keys(content)).toEqual([VERSIONED]);
    expect(refName(content[VERSIONED]!.schema)).toBe(expected.responseSchema);
    const headers = ok.headers as Record<string, unknown>;
    expect(Object.keys(headers).sort()).toEqual(["RateLimit-Limit", "RateLimit-Remaining"]);
    for (const h of Object.values(headers)) expect(deref(deref(h).schema).type).toBe("integer");
  });

  test.each(ERROR_STATUSES)("%s is application/json with ApiError", (status) => {
    const res = deref(responses[status]);
    const content = res.content as Record<string, Json>;
    expect(Object.keys(content)).toEqual(["application/json"]);
    expect(refName(content["application/json"]!.schema)).toBe("ApiError");
    const headers = (res.headers as Record<string, unknown> | undefined) ?? {};
    if (status === "429") {
      expect(Object.keys(headers)).toContain("Retry-After");
      expect(deref(deref(headers["Retry-After"]).schema).type).toBe("integer");
    } else {
      expect(Object.keys(headers)).not.toContain("Retry-After");
    }
  });

  test("has valid examples for the request, the 200 and every error status", () => {
    const media: [string, Json][] = [];
    if (op.requestBody) media.push(["request", deref(op.requestBody).content as Json]);
    for (const status of ["200", ...ERROR_STATUSES]) {
      media.push([status, deref(responses[status]).content as Json]);
    }
    for (const [where, content] of media) {
      for (const mediaType of Object.values(content)) {
        const m = deref(mediaType);
        const examples = examplesOf(m);
        expect(examples.length, `${where} has an example`).toBeGreaterThan(0);
        for (const value of examples) {
          expect(problems(value, m.schema), `${where} example`).toEqual([]);
          if (where !== "request" && where !== "200") {
            expect((value as Json).error, `${where} example names its status`).toBe(Number(where));
          }
        }
      }
    }
  });

  test("request examples send no read-only field", () => {
    if (!op.requestBody) return;
    const content = deref(op.requestBody).content as Record<string, Json>;
    const media = deref(content[VERSIONED]);
    const props = (deref(media.schema).properties as Json | undefined) ?? {};
    for (const value of examplesOf(media)) {
      for (const key of Object.keys(value as Json)) {
        expect(deref(props[key]).readOnly, `${key} is writable`).not.toBe(true);
      }
    }
  });

  test("has a TypeScript code sample that calls this operation", () => {
    const samples = op["x-codeSamples"] as Json[];
    expect(samples.map((s) => s.lang)).toContain("TypeScript");
    for (const s of samples) expect(s.source).toContain(`atlas.${expected.operationId}(`);
  });
});

describe("schemas", () => {
  test("are exactly the documented ones plus the two role types", () => {
    expect(Object.keys(spec.components.schemas!).sort()).toEqual(
      Object.keys(EXPECTED_SCHEMAS).sort(),
    );
  });

  test.each(Object.keys(EXPECTED_SCHEMAS))("%s matches the facts field by field", (name) => {
    expect(facts(spec.components.schemas![name])).toStrictEqual(EXPECTED_SCHEMAS[name]);
  });

  test("project roles stay open strings wherever they appear", () => {
    const uses = [
      ["GroupInvitation", "roles"],
      ["GroupInvitationRequest", "roles"],
      ["GroupInvitationUpdateRequest", "roles"],
      ["OrganizationInvitationGroupRoleAssignmentsRequest", "roles"],
    ] as const;
    for (const [schema, prop] of uses) {
      const items = deref((deref(spec.components.schemas![schema]).properties as Json)[prop]).items;
      expect(deref(items).type).toBe("string");
      expect(deref(items).enum).toBeUndefined();
    }
    const groupRole = deref(
      (deref(spec.components.schemas!.GroupRole).properties as Json).groupRole,
    );
    expect(groupRole.type).toBe("string");
    expect(groupRole.enum).toBeUndefined();
  });

  test("requests send several roles per project, responses one groupRole per entry", () => {
    const request = facts(spec.components.schemas!.OrganizationInvitationUpdateRequest);
    const response = facts(spec.components.schemas!.OrganizationInvitation);
    const reqItem = (request.properties as Record<string, Json>).groupRoleAssignments!
      .items as Json;
    const resItem = (response.properties as Record<string, Json>).groupRoleAssignments!
      .items as Json;
    expect(Object.keys(reqItem.properties as Json).sort()).toEqual(["groupId", "roles"]);
    expect(Object.keys(resItem.properties as Json).sort()).toEqual(["groupId", "groupRole"]);
  });

  test("example ids in parameters are the documented ones", () => {
    const params = spec.components.parameters!;
    expect(deref(deref(params.OrgId).schema).example).toBe("4888442a3354817a7320eb61");
    expect(deref(deref(params.GroupId).schema).example).toBe("32b6e34b3d91647abb20e7b8");
  });
});

describe("generated operation table", () => {
  test.each(EXPECTED_OPERATIONS)("$operationId routes as the facts say", (expected) => {
    const entry = operations[expected.operationId as keyof typeof operations];
    expect(entry.method).toBe(expected.method.toUpperCase());
    expect(entry.path).toBe(expected.path);
    expect(entry.apiVersion).toBe("2023-01-01");
    expect(entry.accept).toBe(VERSIONED);
    expect(entry.requestMediaType).toBe(expected.requestSchema === null ? null : VERSIONED);
    expect(entry.successSchema).toBe(expected.responseSchema);
    expect(entry.deprecated).toBe(true);
    expect(entry.sunset).toBe(SUNSET);
    expect(entry.replacement).toBe(expected.replacement ?? null);
    expect(entry.requiredRoles).toEqual([expected.role]);
    expect(entry.pathParams.map((p) => p.name)).toEqual(expected.pathParams);
    expect(entry.queryParams.map((p) => p.name).sort()).toEqual(expected.queryParams);
  });

  test("role lists match the facts", () => {
    expect(ORG_ROLES).toEqual(ORG_ROLE_VALUES);
    expect(KNOWN_PROJECT_ROLES).toEqual(PROJECT_ROLE_VALUES);
  });
});
