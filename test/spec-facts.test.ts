/**
 * Reads the bundled spec (generated/openapi.json) and checks it against the facts of MongoDB's
 * published contract: the four deprecated invitation operations and the seven Cloud Users
 * operations that succeed them. Routing, roles, deprecation and replacements, parameters, media
 * types per status and version, headers, security, servers, every schema field, the discriminated
 * unions, and the error answers Atlas has been seen to send. The expected values below are
 * written out from the facts, never read from the spec, so any drift in openapi/ fails here.
 *
 * Why the successor schemas are written out by hand rather than read from the upstream contract
 * file they come from: that file lives with the team's notes, outside this repository, so a test
 * that read it would not run in a fresh clone; and writing them out makes every place where our
 * spec deliberately names a shared component (OrgRole, ProjectRole) visible as a fact here.
 *
 * Each check is a function of the document, so the tests at the end run a few of them on copies
 * of the spec broken on purpose, to show that they can fail.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import {
  KNOWN_PROJECT_ROLES,
  ORG_ROLES,
  operationDetails,
  operations,
} from "../generated/operations.js";

type Json = Record<string, unknown>;
type Doc = Json & { paths: Record<string, Json>; components: Record<string, Record<string, Json>> };

const SPEC_TEXT = readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8");

/** A fresh copy of the bundled spec, for checks and for the copies that are broken on purpose. */
function loadSpec(): Doc {
  return JSON.parse(SPEC_TEXT) as Doc;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

interface FoundOperation {
  path: string;
  method: string;
  item: Json;
  op: Json;
}

/** Reads one document: `$ref`s, operations, parameters and the facts of a schema. */
class SpecView {
  constructor(readonly doc: Doc) {}

  /** Follows local `$ref`s until it reaches a value that is not a reference. */
  deref(value: unknown): Json {
    let current = value as Json;
    for (let hops = 0; typeof current?.$ref === "string"; hops++) {
      if (hops > 20) throw new Error(`$ref loop at ${current.$ref}`);
      const ref = current.$ref;
      if (!ref.startsWith("#/")) throw new Error(`non-local $ref ${ref}`);
      let target: unknown = this.doc;
      for (const key of ref.slice(2).split("/")) target = (target as Json | undefined)?.[key];
      if (target === undefined) throw new Error(`dangling $ref ${ref}`);
      current = target as Json;
    }
    return current;
  }

  operations(): FoundOperation[] {
    const found: FoundOperation[] = [];
    for (const [path, rawItem] of Object.entries(this.doc.paths)) {
      const item = this.deref(rawItem);
      for (const method of HTTP_METHODS) {
        const op = item[method] as Json | undefined;
        if (op) found.push({ path, method, item, op });
      }
    }
    return found;
  }

  operation(operationId: string): FoundOperation {
    const found = this.operations().find((o) => o.op.operationId === operationId);
    if (!found) throw new Error(`operation ${operationId} is not in the spec`);
    return found;
  }

  parameters({ item, op }: FoundOperation): Json[] {
    return [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])].map(
      (p) => this.deref(p),
    );
  }

  schema(name: string): Json {
    const schema = this.doc.components.schemas?.[name];
    if (!schema) throw new Error(`no schema ${name}`);
    return schema;
  }

  /**
   * Reduces a schema (with every `$ref` resolved) to the keys the facts talk about, dropping
   * prose and examples. `required` is sorted because its order carries no meaning. The members
   * of `allOf` and `oneOf` that are references stay references (`{ $ref: "OrgUserResponse" }`):
   * the unions loop back on themselves, and each named member is checked on its own.
   */
  facts(value: unknown): Json {
    const schema = this.deref(value);
    const out: Json = {};
    for (const key of FACT_KEYS) if (schema[key] !== undefined) out[key] = schema[key];
    if (schema.required !== undefined) out.required = [...(schema.required as string[])].sort();
    if (schema.properties !== undefined) {
      out.properties = Object.fromEntries(
        Object.entries(schema.properties as Json).map(([name, prop]) => [name, this.facts(prop)]),
      );
    }
    if (schema.items !== undefined) out.items = this.facts(schema.items);
    for (const key of ["allOf", "oneOf"] as const) {
      const members = schema[key];
      if (!Array.isArray(members)) continue;
      out[key] = members.map((m: unknown) => {
        const name = refName(m);
        return name === undefined ? this.facts(m) : { $ref: name };
      });
    }
    const discriminator = schema.discriminator as Json | undefined;
    if (discriminator !== undefined) {
      const mapping = (discriminator.mapping as Record<string, string> | undefined) ?? {};
      out.discriminator = {
        propertyName: discriminator.propertyName,
        mapping: Object.fromEntries(
          Object.entries(mapping).map(([value, target]) => [value, target.split("/").pop()]),
        ),
      };
    }
    return out;
  }
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
  "default",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "uniqueItems",
  "readOnly",
  "writeOnly",
  "nullable",
  "deprecated",
  "x-known-values",
] as const;

const spec = new SpecView(loadSpec());

// ---- The facts, written out by hand ---------------------------------------------------------

const V2023 = "application/vnd.atlas.2023-01-01+json";
const V2025 = "application/vnd.atlas.2025-02-19+json";
const JSON_TYPE = "application/json";
const HEX24 = "^([a-f0-9]{24})$";
const NAME_PATTERN = "^[\\p{L}\\p{N}\\-_.(),:&@+']{1,64}$";
const COUNTRY = "^([A-Z]{2})$";
/** Upstream's phone pattern, unchanged (its doubled backslashes included). */
const PHONE = String.raw`(?:(?:\\+?1\\s*(?:[.-]\\s*)?)?(?:(\\s*([2-9]1[02-9]|[2-9][02-8]1|[2-9][02-8][02-9])\\s*)|([2-9]1[02-9]|[2-9][02-8]1|[2-9][02-8][02-9]))\\s*(?:[.-]\\s*)?)([2-9]1[02-9]|[2-9][02-9]1|[2-9][02-9]{2})\\s*(?:[.-]\\s*)?([0-9]{4})$`;
const SUNSET = "2027-07-01";

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
/** Upstream's order for the org roles of the Cloud Users schemas (`orgRoles`): ORG_MEMBER last. */
const ORG_USER_ROLE_VALUES = [
  "ORG_OWNER",
  "ORG_GROUP_CREATOR",
  "ORG_BILLING_ADMIN",
  "ORG_BILLING_READ_ONLY",
  "ORG_STREAM_PROCESSING_ADMIN",
  "ORG_READ_ONLY",
  "ORG_MEMBER",
];
const MEMBERSHIP_STATUSES = ["PENDING", "ACTIVE", "INVITATION_EXPIRED", "INVITATION_REJECTED"];

/** The only error codes public sources show Atlas sending for these operations (observed). */
const OBSERVED_ERROR_CODES = [
  "USER_UNAUTHORIZED",
  "INVALID_ATTRIBUTE",
  "MISSING_ATTRIBUTE",
  "INVALID_ENUM_VALUE",
  "INVALID_VERSION_DATE",
  // Published rather than seen in a dump: www.mongodb.com/docs/atlas/api/api-rate-limit.
  "RATE_LIMITED_TOKEN_BUCKET",
];
/** Upstream's own 401/403 examples, which upstream marks as placeholders, not real answers. */
const PLACEHOLDER_CODES = ["NOT_ORG_GROUP_CREATOR", "CANNOT_CHANGE_GROUP_NAME"];

const RO = { readOnly: true } as const;
const str = (extra: Json = {}): Json => ({ type: "string", ...extra });
const hex = (extra: Json = {}): Json => str({ pattern: HEX24, ...extra });
const dateTime = str({ format: "date-time", ...RO });
const email = (extra: Json = {}): Json => str({ format: "email", ...extra });
const bool = (defaultValue: boolean): Json => ({ type: "boolean", default: defaultValue });
const int32RO: Json = { type: "integer", format: "int32", minimum: 0, ...RO };
const arrayOf = (items: Json, extra: Json = {}): Json => ({ type: "array", ...extra, items });
const object = (properties: Record<string, Json>, required?: string[]): Json => ({
  type: "object",
  ...(required ? { required: [...required].sort() } : {}),
  properties,
});
const ref = (name: string): Json => ({ $ref: name });

/** Org roles: a closed enum. Project roles: an open string that offers the known values. */
const ORG_ROLE = str({ enum: ORG_ROLE_VALUES });
const ORG_USER_ROLE = str({ enum: ORG_USER_ROLE_VALUES });
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

// The Cloud Users schemas. Upstream lists the seven org roles of `orgRoles` in another order than
// the invitation schemas (ORG_OWNER, ORG_GROUP_CREATOR, ..., ORG_MEMBER); our OrgUserRole keeps
// that order. Upstream types the project roles of these schemas as plain strings; our ProjectRole
// is that string.
const CLOUD_ACCESS_ROLE_ASSIGNMENT = object({
  groupId: hex({ minLength: 24, maxLength: 24 }),
  orgId: hex({ minLength: 24, maxLength: 24 }),
  roleName: str(),
});
const GROUP_ROLE_ASSIGNMENT = object({
  groupId: hex(),
  groupRoles: arrayOf(PROJECT_ROLE, { uniqueItems: true }),
});
const ORG_USER_ROLES_REQUEST: Json = {
  ...object(
    {
      groupRoleAssignments: arrayOf(GROUP_ROLE_ASSIGNMENT),
      orgRoles: arrayOf(ORG_USER_ROLE, { minItems: 1, uniqueItems: true }),
    },
    ["orgRoles"],
  ),
  writeOnly: true,
};
const ORG_USER_ROLES_RESPONSE: Json = {
  ...object({
    groupRoleAssignments: arrayOf(GROUP_ROLE_ASSIGNMENT),
    orgRoles: arrayOf(ORG_USER_ROLE, { uniqueItems: true }),
  }),
  ...RO,
};
const STATUS = str({ enum: MEMBERSHIP_STATUSES, ...RO });
const TEAM_IDS_RO = arrayOf(hex(), { uniqueItems: true, ...RO });

/** A discriminated union whose variants loop back on it (upstream's structure, kept as is). */
function union(prefix: "Org" | "Group", properties: Record<string, Json>): Json {
  return {
    ...object(properties, ["id", "orgMembershipStatus", "roles", "username"]),
    oneOf: [ref(`${prefix}PendingUserResponse`), ref(`${prefix}ActiveUserResponse`)],
    discriminator: {
      propertyName: "orgMembershipStatus",
      mapping: {
        ACTIVE: `${prefix}ActiveUserResponse`,
        INVITATION_EXPIRED: `${prefix}PendingUserResponse`,
        INVITATION_REJECTED: `${prefix}PendingUserResponse`,
        PENDING: `${prefix}PendingUserResponse`,
      },
    },
  };
}
const pendingVariant = (prefix: "Org" | "Group"): Json => ({
  type: "object",
  required: [
    "id",
    "invitationCreatedAt",
    "inviterUsername",
    "orgMembershipStatus",
    "roles",
    "username",
  ],
  allOf: [
    ref(`${prefix}UserResponse`),
    object({
      invitationCreatedAt: dateTime,
      invitationExpiresAt: str({ format: "date-time", nullable: true, ...RO }),
      inviterUsername: email(RO),
    }),
  ],
});
const activeVariant = (prefix: "Org" | "Group"): Json => ({
  type: "object",
  required: [
    "createdAt",
    "firstName",
    "id",
    "lastName",
    "orgMembershipStatus",
    "roles",
    "username",
  ],
  allOf: [
    ref(`${prefix}UserResponse`),
    object({
      country: str({ pattern: COUNTRY, ...RO }),
      createdAt: dateTime,
      firstName: str(RO),
      lastAuth: dateTime,
      lastName: str(RO),
      mobileNumber: str({ pattern: PHONE, ...RO }),
    }),
  ],
});
const ORG_USER_RESPONSE = union("Org", {
  id: hex(RO),
  orgMembershipStatus: STATUS,
  roles: ORG_USER_ROLES_RESPONSE,
  teamIds: TEAM_IDS_RO,
  username: email(RO),
});
const GROUP_USER_RESPONSE = union("Group", {
  id: hex(RO),
  orgMembershipStatus: STATUS,
  roles: arrayOf(PROJECT_ROLE, { uniqueItems: true, ...RO }),
  username: email(RO),
});
const CLOUD_APP_USER = object(
  {
    country: str({ pattern: COUNTRY }),
    createdAt: dateTime,
    emailAddress: email({ ...RO, deprecated: true }),
    firstName: str(),
    id: hex(RO),
    lastAuth: dateTime,
    lastName: str(),
    links: arrayOf(LINK, RO),
    mobileNumber: str({ pattern: PHONE }),
    password: str({ format: "password", minLength: 8 }),
    roles: arrayOf(CLOUD_ACCESS_ROLE_ASSIGNMENT),
    teamIds: TEAM_IDS_RO,
    username: email(),
  },
  [
    "country",
    "emailAddress",
    "firstName",
    "lastName",
    "mobileNumber",
    "password",
    "roles",
    "username",
  ],
);
const page = (item: Json): Json =>
  object({ links: arrayOf(LINK, RO), results: arrayOf(item, RO), totalCount: int32RO }, [
    "results",
  ]);

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
  // The Cloud Users API.
  AddOrRemoveGroupRole: object({ groupRole: PROJECT_ROLE }, ["groupRole"]),
  CloudAccessRoleAssignment: CLOUD_ACCESS_ROLE_ASSIGNMENT,
  CloudAppUser: CLOUD_APP_USER,
  GroupActiveUserResponse: activeVariant("Group"),
  GroupPendingUserResponse: pendingVariant("Group"),
  GroupRoleAssignment: GROUP_ROLE_ASSIGNMENT,
  GroupUserResponse: GROUP_USER_RESPONSE,
  OrgActiveUserResponse: activeVariant("Org"),
  OrgPendingUserResponse: pendingVariant("Org"),
  OrgUserResponse: ORG_USER_RESPONSE,
  OrgUserRolesRequest: ORG_USER_ROLES_REQUEST,
  OrgUserRolesResponse: ORG_USER_ROLES_RESPONSE,
  OrgUserUpdateRequest: object({
    roles: ORG_USER_ROLES_REQUEST,
    teamIds: arrayOf(hex(), { uniqueItems: true, writeOnly: true }),
  }),
  PaginatedAppUserView: page(CLOUD_APP_USER),
  PaginatedGroupUserView: page(GROUP_USER_RESPONSE),
  PaginatedOrgUserView: page(ORG_USER_RESPONSE),
  // Our named building blocks for the two kinds of role.
  OrgRole: ORG_ROLE,
  OrgUserRole: ORG_USER_ROLE,
  ProjectRole: PROJECT_ROLE,
};

// Parameters: where they go, whether required or deprecated, and their schema facts.
interface ExpectedParameter {
  in: "path" | "query";
  required: boolean;
  deprecated?: boolean;
  schema: Json;
}
const PATH_ID: ExpectedParameter = { in: "path", required: true, schema: hex() };
const query = (schema: Json, deprecated = false): ExpectedParameter => ({
  in: "query",
  required: false,
  ...(deprecated ? { deprecated: true } : {}),
  schema,
});
const PARAMETERS: Record<string, ExpectedParameter> = {
  orgId: PATH_ID,
  groupId: PATH_ID,
  invitationId: PATH_ID,
  userId: PATH_ID,
  envelope: query(bool(false)),
  pretty: query(bool(false)),
  includeCount: query(bool(true)),
  itemsPerPage: query({ type: "integer", default: 100, minimum: 1, maximum: 500 }),
  pageNum: query({ type: "integer", default: 1, minimum: 1 }),
  username: query(email()),
  flattenTeams: query(bool(false)),
  includeOrgUsers: query(bool(false)),
  orgMembershipStatus: query(str(), true),
  orgMembershipStatuses: query(arrayOf(str({ enum: MEMBERSHIP_STATUSES }), { maxItems: 4 })),
};

/** One entry per status: media type to the schema it names, or `null` for no body. */
type ExpectedResponses = Record<string, Record<string, string>>;
const ERROR = { [JSON_TYPE]: "ApiError" };
const errors = (...statuses: string[]): ExpectedResponses =>
  Object.fromEntries(statuses.map((s) => [s, ERROR]));
const INVITATION_ERRORS = errors("400", "401", "403", "404", "429", "500");

interface ExpectedOperation {
  operationId: string;
  method: "get" | "patch" | "post";
  path: string;
  tag: string;
  deprecated: boolean;
  pathParams: string[];
  queryParams: string[];
  /** Request body: media type to schema, and whether it is required. */
  request: { content: Record<string, string>; required: boolean } | null;
  responses: ExpectedResponses;
  /** `x-sunset` on a 200 media type, by media type. */
  mediaSunsets: Record<string, string>;
  /** The version the client sends (generated/operations.ts), its media type and page size. */
  version: string;
  pageSize: number | null;
  operationIdOverride?: string;
  /** What replaces a deprecated operation: our x-replacement, naming the successors. */
  replacement?: string;
}

/**
 * The Atlas role each operation needs, as MongoDB's public reference names it: one table, so the
 * spec, its descriptions and generated/operations.ts are all checked against the same facts. Two
 * names mean either role is enough (the reference joins them with "or"). `null` would mean no
 * public source names a role; the spec must then name none and say so.
 */
const ROLE_FACTS: Record<string, readonly string[] | null> = {
  // The four invitation operations: the facts file's table (upstream's x-rolesRequirements).
  getOrgInvite: ["Organization Owner"],
  updateOrgInviteById: ["Organization Owner"],
  updateGroupInvites: ["Project Owner"],
  updateGroupInviteById: ["Project Owner"],
  // https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/2025-02-19/operation/operation-listorgusers
  listOrgUsers: ["Organization Member"],
  // https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/2025-03-12/operation/operation-getorguser
  // (Atlas CLI v1.38 named Organization Read Only; later pages name Organization Member.)
  getOrgUser: ["Organization Member"],
  // https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/2025-02-19/operation/operation-updateorguser
  updateOrgUser: ["Organization Owner"],
  // https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/operation/operation-listgroupusers
  listGroupUsers: ["Project Read Only"],
  // https://www.mongodb.com/zh-cn/docs/api/doc/atlas-admin-api-v2/2025-03-12/operation/operation-getgroupuser.md
  getGroupUser: ["Project Read Only"],
  // https://www.mongodb.com/ja-jp/docs/api/doc/atlas-admin-api-v2/2025-02-19/operation/operation-addprojectrole
  // (older pages, e.g. Atlas CLI up to v1.52, name Project Owner alone).
  addGroupUserRole: ["Project Owner", "Project Access Manager"],
  // https://www.mongodb.com/es/docs/api/doc/atlas-admin-api-v2/operation/operation-removegroupuserrole.md
  // (older pages, e.g. Atlas CLI v1.44, name Project Owner alone).
  removeGroupUserRole: ["Project Owner", "Project Access Manager"],
};

/** The roles the facts name for an operation; a missing entry fails rather than passing as none. */
function rolesFor(operationId: string): readonly string[] | null {
  if (!(operationId in ROLE_FACTS)) throw new Error(`ROLE_FACTS has no entry for ${operationId}`);
  return ROLE_FACTS[operationId]!;
}

const INVITATION_OPERATIONS: ExpectedOperation[] = [
  {
    operationId: "getOrgInvite",
    method: "get",
    path: "/api/atlas/v2/orgs/{orgId}/invites/{invitationId}",
    tag: "Organizations",
    deprecated: true,
    pathParams: ["orgId", "invitationId"],
    queryParams: ["envelope"],
    request: null,
    responses: { "200": { [V2023]: "OrganizationInvitation" }, ...INVITATION_ERRORS },
    mediaSunsets: {},
    version: "2023-01-01",
    pageSize: null,
    replacement: "getOrgUser (or listOrgUsers filtered by username)",
  },
  {
    operationId: "updateOrgInviteById",
    method: "patch",
    path: "/api/atlas/v2/orgs/{orgId}/invites/{invitationId}",
    tag: "Organizations",
    deprecated: true,
    pathParams: ["orgId", "invitationId"],
    queryParams: ["envelope", "pretty"],
    request: { content: { [V2023]: "OrganizationInvitationUpdateRequest" }, required: true },
    responses: { "200": { [V2023]: "OrganizationInvitation" }, ...INVITATION_ERRORS },
    mediaSunsets: {},
    version: "2023-01-01",
    pageSize: null,
    replacement: "updateOrgUser",
  },
  {
    operationId: "updateGroupInvites",
    method: "patch",
    path: "/api/atlas/v2/groups/{groupId}/invites",
    tag: "Projects",
    deprecated: true,
    pathParams: ["groupId"],
    queryParams: ["envelope", "pretty"],
    request: { content: { [V2023]: "GroupInvitationRequest" }, required: true },
    responses: { "200": { [V2023]: "GroupInvitation" }, ...INVITATION_ERRORS },
    mediaSunsets: {},
    version: "2023-01-01",
    pageSize: null,
    replacement:
      "listGroupUsers or getGroupUser with addGroupUserRole and removeGroupUserRole (or the groupRoleAssignments of updateOrgUser)",
  },
  {
    operationId: "updateGroupInviteById",
    method: "patch",
    path: "/api/atlas/v2/groups/{groupId}/invites/{invitationId}",
    tag: "Projects",
    deprecated: true,
    pathParams: ["groupId", "invitationId"],
    queryParams: ["envelope"],
    request: { content: { [V2023]: "GroupInvitationUpdateRequest" }, required: true },
    responses: { "200": { [V2023]: "GroupInvitation" }, ...INVITATION_ERRORS },
    mediaSunsets: {},
    version: "2023-01-01",
    pageSize: null,
    operationIdOverride: "updateInviteById",
    replacement:
      "listGroupUsers or getGroupUser with addGroupUserRole and removeGroupUserRole (or the groupRoleAssignments of updateOrgUser)",
  },
];

const CLOUD_USERS = "MongoDB Cloud Users";
const LIST_QUERY = ["envelope", "includeCount", "itemsPerPage", "pageNum", "pretty"];
const ONE_USER_QUERY = ["envelope", "orgMembershipStatuses", "pretty"];
const ROLE_CHANGE = {
  request: { content: { [V2025]: "AddOrRemoveGroupRole" }, required: true },
  responses: {
    "200": { [V2025]: "GroupUserResponse" },
    ...errors("400", "401", "403", "404", "409", "429", "500"),
  },
};

const SUCCESSOR_OPERATIONS: ExpectedOperation[] = [
  {
    operationId: "listOrgUsers",
    method: "get",
    path: "/api/atlas/v2/orgs/{orgId}/users",
    tag: CLOUD_USERS,
    deprecated: false,
    pathParams: ["orgId"],
    queryParams: [...LIST_QUERY, "orgMembershipStatus", "orgMembershipStatuses", "username"].sort(),
    request: null,
    responses: {
      "200": { [V2023]: "PaginatedAppUserView", [V2025]: "PaginatedOrgUserView" },
      ...errors("400", "401", "403", "404", "429", "500"),
    },
    mediaSunsets: { [V2023]: SUNSET },
    version: "2025-02-19",
    pageSize: 100,
  },
  {
    operationId: "getOrgUser",
    method: "get",
    path: "/api/atlas/v2/orgs/{orgId}/users/{userId}",
    tag: CLOUD_USERS,
    deprecated: false,
    pathParams: ["orgId", "userId"],
    queryParams: ONE_USER_QUERY,
    request: null,
    responses: {
      "200": { [V2025]: "OrgUserResponse" },
      ...errors("400", "401", "403", "404", "429", "500"),
    },
    mediaSunsets: {},
    version: "2025-02-19",
    pageSize: null,
  },
  {
    operationId: "updateOrgUser",
    method: "patch",
    path: "/api/atlas/v2/orgs/{orgId}/users/{userId}",
    tag: CLOUD_USERS,
    deprecated: false,
    pathParams: ["orgId", "userId"],
    queryParams: ["envelope", "pretty"],
    request: { content: { [V2025]: "OrgUserUpdateRequest" }, required: true },
    responses: {
      "200": { [V2025]: "OrgUserResponse" },
      ...errors("400", "401", "403", "404", "429", "500"),
    },
    mediaSunsets: {},
    version: "2025-02-19",
    pageSize: null,
  },
  {
    operationId: "listGroupUsers",
    method: "get",
    path: "/api/atlas/v2/groups/{groupId}/users",
    tag: CLOUD_USERS,
    deprecated: false,
    pathParams: ["groupId"],
    queryParams: [
      ...LIST_QUERY,
      "flattenTeams",
      "includeOrgUsers",
      "orgMembershipStatus",
      "orgMembershipStatuses",
      "username",
    ].sort(),
    request: null,
    // Upstream lists no 400 for this one.
    responses: {
      "200": { [V2023]: "PaginatedAppUserView", [V2025]: "PaginatedGroupUserView" },
      ...errors("401", "403", "404", "429", "500"),
    },
    mediaSunsets: { [V2023]: SUNSET },
    version: "2025-02-19",
    pageSize: 100,
  },
  {
    operationId: "getGroupUser",
    method: "get",
    path: "/api/atlas/v2/groups/{groupId}/users/{userId}",
    tag: CLOUD_USERS,
    deprecated: false,
    pathParams: ["groupId", "userId"],
    queryParams: ONE_USER_QUERY,
    request: null,
    responses: {
      "200": { [V2025]: "GroupUserResponse" },
      ...errors("400", "401", "403", "404", "429", "500"),
    },
    mediaSunsets: {},
    version: "2025-02-19",
    pageSize: null,
  },
  {
    operationId: "addGroupUserRole",
    method: "post",
    path: "/api/atlas/v2/groups/{groupId}/users/{userId}:addRole",
    tag: CLOUD_USERS,
    deprecated: false,
    pathParams: ["groupId", "userId"],
    queryParams: ["envelope", "pretty"],
    ...ROLE_CHANGE,
    mediaSunsets: {},
    version: "2025-02-19",
    pageSize: null,
  },
  {
    operationId: "removeGroupUserRole",
    method: "post",
    path: "/api/atlas/v2/groups/{groupId}/users/{userId}:removeRole",
    tag: CLOUD_USERS,
    deprecated: false,
    pathParams: ["groupId", "userId"],
    queryParams: ["envelope", "pretty"],
    ...ROLE_CHANGE,
    mediaSunsets: {},
    version: "2025-02-19",
    pageSize: null,
  },
];

const EXPECTED_OPERATIONS = [...INVITATION_OPERATIONS, ...SUCCESSOR_OPERATIONS];

/** Examples are shown only for error answers that public sources show (observed-answers sheet). */
const ERROR_EXAMPLES: Record<string, string[]> = {
  "400": ["InvalidAttribute", "MissingAttribute", "InvalidEnumValue"],
  "401": ["CredentialsFailed", "MissingRole"],
  // Not observed on the wire but published: www.mongodb.com/docs/atlas/api/api-rate-limit.
  "429": ["RateLimited"],
};
/**
 * Where an observed answer does not fit upstream's ApiError, and what our checker says about it:
 * the spec shows what Atlas sends and keeps upstream's schema (.redocly.lint-ignore.yaml lists
 * the same places).
 */
const KNOWN_MISMATCHES: Record<string, string[]> = {
  CredentialsFailed: ["$: missing required errorCode"],
  InvalidAttribute: ["$.parameters[0]: expected an object"],
  RateLimited: [0, 1, 2, 3, 4].map((i) => `$.parameters[${i}]: expected an object`),
};

// ---- Checks on a document -------------------------------------------------------------------

/** Every value in the document, with the JSON path that leads to it. */
function* walk(value: unknown, at = "$"): Generator<[string, Json]> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* walk(v, `${at}[${i}]`);
  } else if (value !== null && typeof value === "object") {
    yield [at, value as Json];
    for (const [k, v] of Object.entries(value)) yield* walk(v, `${at}.${k}`);
  }
}

/** Every example a media type object carries, by name, through `example` or `examples`. */
function examplesOf(view: SpecView, media: Json): Record<string, unknown> {
  if (media.example !== undefined) return { example: media.example };
  return Object.fromEntries(
    Object.entries((media.examples as Json | undefined) ?? {}).map(([name, e]) => [
      name,
      view.deref(e).value,
    ]),
  );
}

/**
 * The properties and required fields of a schema with its `allOf` merged. A member that is the
 * parent of a discriminated union contributes only its own fields, not the union again.
 */
function flatten(view: SpecView, raw: unknown): { properties: Json; required: string[] } {
  const schema = view.deref(raw);
  const properties: Json = { ...((schema.properties as Json | undefined) ?? {}) };
  const required = new Set((schema.required as string[] | undefined) ?? []);
  for (const member of (schema.allOf as unknown[] | undefined) ?? []) {
    const part = view.deref(member);
    const own = { ...part, allOf: part.allOf, oneOf: undefined, discriminator: undefined };
    const merged = flatten(view, own);
    Object.assign(properties, merged.properties);
    for (const name of merged.required) required.add(name);
  }
  return { properties, required: [...required] };
}

/**
 * A small checker for the parts of JSON Schema our spec uses: type, required, unknown properties,
 * enum, pattern, email and date-time formats, bounds, uniqueItems, nullable, `allOf`, and a
 * `oneOf` picked by its discriminator (the way Atlas's user answers are told apart). Redocly's
 * `no-invalid-media-type-examples` does the full job at lint time but cannot follow the unions'
 * cycle; this guards the bundled copy, unions included.
 */
function problems(view: SpecView, value: unknown, rawSchema: unknown, at = "$"): string[] {
  const schema = view.deref(rawSchema);
  const discriminator = schema.discriminator as Json | undefined;
  if (discriminator && Array.isArray(schema.oneOf)) {
    const property = String(discriminator.propertyName);
    const tag = (value as Json | null)?.[property];
    const target = ((discriminator.mapping as Record<string, string> | undefined) ?? {})[
      String(tag)
    ];
    if (target === undefined) return [`${at}: ${property} ${String(tag)} picks no variant`];
    return problems(view, value, { $ref: target }, at);
  }
  if (value === null) return schema.nullable === true ? [] : [`${at}: null is not allowed`];
  const out: string[] = [];
  const type = schema.type ?? (schema.allOf ? "object" : undefined);
  switch (type) {
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return [`${at}: expected an object`];
      const { properties, required } = flatten(view, schema);
      for (const name of required) {
        if (!(name in value)) out.push(`${at}: missing required ${name}`);
      }
      for (const [name, v] of Object.entries(value)) {
        if (Object.keys(properties).length > 0 && !(name in properties)) {
          out.push(`${at}: unknown ${name}`);
        } else if (name in properties) {
          out.push(...problems(view, v, properties[name], `${at}.${name}`));
        }
      }
      return out;
    }
    case "array": {
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      if (schema.uniqueItems === true) {
        const seen = new Set(value.map((v) => JSON.stringify(v)));
        if (seen.size !== value.length) out.push(`${at}: items are not unique`);
      }
      if (typeof schema.minItems === "number" && value.length < schema.minItems) {
        out.push(`${at}: fewer than ${schema.minItems} items`);
      }
      value.forEach((v, i) => out.push(...problems(view, v, schema.items, `${at}[${i}]`)));
      return out;
    }
    case "integer":
      if (!Number.isInteger(value)) return [`${at}: expected an integer`];
      if (typeof schema.minimum === "number" && (value as number) < schema.minimum) {
        return [`${at}: below ${schema.minimum}`];
      }
      return [];
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

function checkRouting(view: SpecView, expected: ExpectedOperation): void {
  const found = view.operation(expected.operationId);
  expect(found.method).toBe(expected.method);
  expect(found.path).toBe(expected.path);
  expect(found.op.tags).toEqual([expected.tag]);
}

function checkParameters(view: SpecView, expected: ExpectedOperation): void {
  const params = view.parameters(view.operation(expected.operationId));
  expect(params.filter((p) => p.in === "path").map((p) => p.name)).toEqual(expected.pathParams);
  expect(
    params
      .filter((p) => p.in === "query")
      .map((p) => p.name)
      .sort(),
  ).toEqual(expected.queryParams);
  expect(params.filter((p) => p.in !== "path" && p.in !== "query")).toEqual([]);
  for (const p of params) {
    const fact = PARAMETERS[String(p.name)];
    expect(fact, `a fact for parameter ${String(p.name)}`).toBeDefined();
    const { in: where, required, deprecated, schema } = fact!;
    expect(
      {
        in: p.in,
        required: p.required ?? false,
        deprecated: p.deprecated ?? false,
        schema: view.facts(p.schema),
      },
      String(p.name),
    ).toStrictEqual({ in: where, required, deprecated: deprecated ?? false, schema });
    if (view.deref(p.schema).type === "array") {
      // Sent once per value (`?orgMembershipStatuses=PENDING&orgMembershipStatuses=ACTIVE`):
      // the query default of OpenAPI 3.0, style form with explode.
      expect(p.style ?? "form", `${String(p.name)} style`).toBe("form");
      expect(p.explode ?? true, `${String(p.name)} explode`).toBe(true);
    }
  }
}

function checkResponses(view: SpecView, expected: ExpectedOperation): void {
  const responses = view.operation(expected.operationId).op.responses as Json;
  const shown = Object.fromEntries(
    Object.entries(responses).map(([status, raw]) => {
      const content = (view.deref(raw).content as Record<string, Json> | undefined) ?? {};
      return [
        status,
        Object.fromEntries(
          Object.entries(content).map(([type, media]) => [type, refName(view.deref(media).schema)]),
        ),
      ];
    }),
  );
  expect(shown).toStrictEqual(expected.responses);
  const sunsets: Record<string, unknown> = {};
  for (const raw of Object.values(responses)) {
    const content = (view.deref(raw).content as Record<string, Json> | undefined) ?? {};
    for (const [type, media] of Object.entries(content)) {
      if (view.deref(media)["x-sunset"] !== undefined)
        sunsets[type] = view.deref(media)["x-sunset"];
    }
  }
  expect(sunsets).toStrictEqual(expected.mediaSunsets);
  // Upstream tags every versioned media type of a 200 answer with its version in x-xgen-version,
  // and no error answer (successors-contract.yaml, e.g. listGroupUsers' 200).
  const tagged: Record<string, Record<string, unknown>> = {};
  for (const [status, raw] of Object.entries(responses)) {
    const content = (view.deref(raw).content as Record<string, Json> | undefined) ?? {};
    for (const [type, media] of Object.entries(content)) {
      const version = view.deref(media)["x-xgen-version"];
      if (version !== undefined) (tagged[status] ??= {})[type] = version;
    }
  }
  const versionsOf200: Record<string, string> = {};
  for (const type of Object.keys(expected.responses["200"] ?? {})) {
    versionsOf200[type] = /^application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json$/.exec(type)![1]!;
  }
  expect(tagged).toStrictEqual({ "200": versionsOf200 });
}

function checkRequestBody(view: SpecView, expected: ExpectedOperation): void {
  const { op } = view.operation(expected.operationId);
  if (expected.request === null) {
    expect(op.requestBody).toBeUndefined();
    return;
  }
  const body = view.deref(op.requestBody);
  expect(body.required ?? false).toBe(expected.request.required);
  const content = body.content as Record<string, Json>;
  expect(
    Object.fromEntries(
      Object.entries(content).map(([type, media]) => [type, refName(view.deref(media).schema)]),
    ),
  ).toStrictEqual(expected.request.content);
  // Upstream puts x-xgen-version on response media types only, never on a request body's.
  for (const media of Object.values(content)) {
    expect(view.deref(media)["x-xgen-version"]).toBeUndefined();
  }
}

function checkDeprecation(view: SpecView, expected: ExpectedOperation): void {
  const { op } = view.operation(expected.operationId);
  expect(op.deprecated ?? false).toBe(expected.deprecated);
  expect(op["x-sunset"]).toBe(expected.deprecated ? SUNSET : undefined);
  expect(op["x-replacement"]).toBe(expected.replacement);
  expect(op["x-xgen-operation-id-override"]).toBe(expected.operationIdOverride);
}

/** The camelCase names in a replacement text: method names, or a field of a named method's body. */
function namesIn(text: string): string[] {
  return [...text.matchAll(/\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/g)].map((m) => m[0]);
}

/**
 * Every name an `x-replacement` mentions is an operationId of the spec (so a method of the
 * client), except a field of the request body of an operation it names ("the
 * groupRoleAssignments of updateOrgUser").
 */
function checkReplacementNames(view: SpecView): void {
  const ids = new Set(view.operations().map((o) => String(o.op.operationId)));
  for (const { op } of view.operations()) {
    const text = op["x-replacement"];
    if (text === undefined) continue;
    expect(typeof text).toBe("string");
    const names = namesIn(text as string);
    const methods = names.filter((n) => ids.has(n));
    expect(methods.length, `${String(op.operationId)} names a method`).toBeGreaterThan(0);
    const fields = new Set(
      methods.flatMap((id) => {
        const body = view.operation(id).op.requestBody;
        if (body === undefined) return [];
        const content = view.deref(body).content as Record<string, Json>;
        return Object.values(content).flatMap((media) => {
          const schema = view.deref(view.deref(media).schema);
          const nested = Object.values((schema.properties as Json | undefined) ?? {}).map((p) =>
            Object.keys((view.deref(p).properties as Json | undefined) ?? {}),
          );
          return [...Object.keys((schema.properties as Json | undefined) ?? {}), ...nested.flat()];
        });
      }),
    );
    const unknown = names.filter((n) => !ids.has(n) && !fields.has(n));
    expect(unknown, `${String(op.operationId)}: names that are no operation`).toEqual([]);
  }
}

function checkUnion(view: SpecView, prefix: "Org" | "Group"): void {
  const parent = `${prefix}UserResponse`;
  const variants = [`${prefix}PendingUserResponse`, `${prefix}ActiveUserResponse`];
  const facts = view.facts(view.schema(parent));
  expect(facts.oneOf).toEqual(variants.map(ref));
  expect(facts.discriminator).toEqual(EXPECTED_SCHEMAS[parent]!.discriminator);
  // Every status of the enum picks a variant, and only those statuses do.
  const mapping = (facts.discriminator as Json).mapping as Json;
  expect(Object.keys(mapping).sort()).toEqual([...MEMBERSHIP_STATUSES].sort());
  for (const variant of variants) {
    // The cycle: each variant is an allOf whose first member is the parent itself.
    const members = view.facts(view.schema(variant)).allOf as Json[];
    expect(members[0], `${variant} includes ${parent}`).toEqual(ref(parent));
  }
}

function checkErrorAnswers(view: SpecView): void {
  const text = JSON.stringify(view.doc);
  for (const code of PLACEHOLDER_CODES) expect(text, code).not.toContain(code);
  // Every errorCode an example shows is one Atlas has been seen to send.
  const shown = [...walk(view.doc)]
    .map(([, node]) => node.errorCode)
    .filter((code): code is string => typeof code === "string");
  for (const code of shown) expect(OBSERVED_ERROR_CODES, code).toContain(code);
  // The 401 shows both observed answers: failed credentials (no errorCode) and a missing role.
  const unauthorized = view.deref(view.doc.components.responses?.Unauthorized);
  const media = view.deref((unauthorized.content as Record<string, Json>)[JSON_TYPE]);
  expect(examplesOf(view, media)).toStrictEqual({
    CredentialsFailed: {
      error: 401,
      reason: "Unauthorized",
      detail: "You are not authorized for this resource.",
    },
    MissingRole: {
      error: 401,
      reason: "Unauthorized",
      errorCode: "USER_UNAUTHORIZED",
      detail: "Current user is not authorized to perform this action.",
    },
  });
  // Upstream's schema still requires the code, although Atlas leaves it out on failed credentials.
  expect([...(view.schema("ApiError").required as string[])].sort()).toEqual([
    "error",
    "errorCode",
  ]);
}

// ---- The checks -----------------------------------------------------------------------------

describe("document", () => {
  test("is OpenAPI 3.0.x", () => {
    expect(spec.doc.openapi).toMatch(/^3\.0\.\d+$/);
  });

  test("lists the commercial and the government Atlas servers", () => {
    const servers = (spec.doc.servers as Json[]).map((s) => s.url);
    expect(servers).toEqual(["https://cloud.mongodb.com", "https://cloud.mongodbgov.com"]);
  });

  test("defines the service-account and digest security schemes", () => {
    const schemes = spec.doc.components.securitySchemes!;
    expect(Object.keys(schemes).sort()).toEqual(["DigestAuth", "ServiceAccounts"]);
    const oauth = spec.deref(schemes.ServiceAccounts);
    expect(oauth.type).toBe("oauth2");
    const flows = oauth.flows as Record<string, Json>;
    expect(Object.keys(flows)).toEqual(["clientCredentials"]);
    expect(flows.clientCredentials!.tokenUrl).toBe("https://cloud.mongodb.com/api/oauth/token");
    const digest = spec.deref(schemes.DigestAuth);
    expect(digest.type).toBe("http");
    expect(digest.scheme).toBe("digest");
  });

  test("accepts either scheme for every operation through global security", () => {
    expect(spec.doc.security).toEqual([{ ServiceAccounts: [] }, { DigestAuth: [] }]);
    for (const { op } of spec.operations()) expect(op.security).toBeUndefined();
  });

  test("has exactly the four invitation operations and their seven successors", () => {
    const ids = spec.operations().map((o) => o.op.operationId);
    expect(ids.sort()).toEqual(EXPECTED_OPERATIONS.map((o) => o.operationId).sort());
  });

  test("uses only the 2023-01-01 and 2025-02-19 versioned media types and application/json", () => {
    const mediaTypes = new Set<string>();
    for (const [at, node] of walk(spec.doc)) {
      if (/\.(content)$/.test(at)) Object.keys(node).forEach((t) => mediaTypes.add(t));
    }
    expect([...mediaTypes].sort()).toEqual([JSON_TYPE, V2023, V2025]);
  });

  test("never closes objects with additionalProperties: false", () => {
    const closed = [...walk(spec.doc)]
      .filter(([, node]) => node.additionalProperties === false)
      .map(([at]) => at);
    expect(closed).toEqual([]);
  });

  test("says what Atlas answers once a version is past its sunset: 410 with VERSION_GONE", () => {
    // The facts: a deprecated version answers with Deprecation and Sunset headers, and after its
    // sunset with 410 and errorCode VERSION_GONE. The four invitation operations have only
    // 2023-01-01, so that is their answer after the sunset; upstream lists no 410 response.
    const info = String((spec.doc.info as Json).description).replace(/\s+/g, " ");
    const deprecation = info.slice(info.indexOf("## Deprecation"), info.indexOf("## Errors"));
    expect(deprecation).toMatch(/`410 Gone` and `errorCode` `VERSION_GONE`/);
    const errorCode = spec.schema("ApiError").properties as Record<string, Json>;
    expect(String(errorCode.errorCode!.description).replace(/\s+/g, " ")).toMatch(
      /`VERSION_GONE` \(status 410\)/,
    );
    for (const { op } of spec.operations())
      expect(Object.keys(op.responses as Json)).not.toContain("410");
  });

  test("has five enums: the organization roles twice, and the membership statuses three times", () => {
    const enums = [...walk(spec.doc)].filter(([, node]) => Array.isArray(node.enum));
    expect(Object.fromEntries(enums.map(([at, node]) => [at, node.enum]))).toEqual({
      "$.components.parameters.OrgMembershipStatuses.schema.items": MEMBERSHIP_STATUSES,
      "$.components.schemas.GroupUserResponse.properties.orgMembershipStatus": MEMBERSHIP_STATUSES,
      "$.components.schemas.OrgRole": ORG_ROLE_VALUES,
      "$.components.schemas.OrgUserRole": ORG_USER_ROLE_VALUES,
      "$.components.schemas.OrgUserResponse.properties.orgMembershipStatus": MEMBERSHIP_STATUSES,
    });
  });
});

describe.each(EXPECTED_OPERATIONS)("$operationId", (expected) => {
  const found = spec.operation(expected.operationId);
  const { op } = found;
  const responses = op.responses as Record<string, unknown>;

  test("method, path and tag", () => checkRouting(spec, expected));

  test("deprecation, sunset, replacement and alternative name", () => {
    checkDeprecation(spec, expected);
  });

  test("role: the ones the facts name, also in the description, or none where no source names one", () => {
    const description = String(op.description).replace(/\s+/g, " ");
    const roles = rolesFor(expected.operationId);
    if (roles !== null) {
      expect(op["x-rolesRequirements"]).toEqual(roles);
      // One role reads "hold the X role"; two read "hold the X role or the Y role".
      expect(description).toContain(`**Who may call it:** credentials`);
      expect(description).toContain(`hold the ${roles.join(" role or the ")} role`);
    } else {
      expect(op["x-rolesRequirements"]).toBeUndefined();
      expect(description).toContain(
        "**Who may call it:** the sources this project follows do not document which Atlas role",
      );
    }
  });

  test("description of a deprecated operation names its sunset and each replacement", () => {
    if (!expected.deprecated) {
      expect(op.description).not.toContain("**Deprecated:**");
      return;
    }
    expect(op.description).toContain("**Deprecated:**");
    expect(op.description).toContain(SUNSET);
    const ids = new Set(EXPECTED_OPERATIONS.map((o) => o.operationId));
    const methods = namesIn(expected.replacement ?? "").filter((n) => ids.has(n));
    expect(methods.length).toBeGreaterThan(0);
    for (const method of methods) expect(op.description).toContain(`\`${method}\``);
    // A project operation replaced by updateOrgUser: the facts say its fields replace what is
    // stored, and orgRoles is required (OrgUserRolesRequest), so the description must say that
    // sending one project's roles alone drops the others.
    if (expected.operationId.startsWith("updateGroupInvite")) {
      const description = String(op.description).replace(/\s+/g, " ");
      expect(description).toMatch(/requires `roles\.orgRoles`/);
      expect(description).toMatch(/replaces the user's roles in every project/);
    }
    // No public source says whether the old PATCH operations keep a field left out of the body.
    if (expected.operationId.startsWith("update") && op.deprecated) {
      const description = String(op.description).replace(/\s+/g, " ");
      expect(description).not.toMatch(/left out (of the body )?keeps? (its|their)/);
    }
  });

  test("parameters: names, places, required, deprecated and schema facts", () => {
    checkParameters(spec, expected);
  });

  test("request body: required, media types and schema", () => checkRequestBody(spec, expected));

  test("responses: statuses, media types per status and version, sunsets", () => {
    checkResponses(spec, expected);
  });

  test("200 carries both rate-limit headers; 429 adds Retry-After", () => {
    const ok = spec.deref(responses["200"]);
    const headers = ok.headers as Record<string, unknown>;
    expect(Object.keys(headers).sort()).toEqual(["RateLimit-Limit", "RateLimit-Remaining"]);
    for (const h of Object.values(headers)) {
      expect(spec.deref(spec.deref(h).schema).type).toBe("integer");
    }
    for (const status of Object.keys(responses).filter((s) => s !== "200")) {
      const errorHeaders = (spec.deref(responses[status]).headers as Json | undefined) ?? {};
      if (status === "429") {
        expect(Object.keys(errorHeaders)).toContain("Retry-After");
        expect(spec.deref(spec.deref(errorHeaders["Retry-After"]).schema).type).toBe("integer");
      } else {
        expect(Object.keys(errorHeaders), status).not.toContain("Retry-After");
      }
    }
  });

  test("request and 200 examples are valid in every version, unions included", () => {
    const media: [string, Json][] = [];
    if (op.requestBody) media.push(["request", spec.deref(op.requestBody).content as Json]);
    media.push(["200", spec.deref(responses["200"]).content as Json]);
    for (const [where, content] of media) {
      for (const [type, raw] of Object.entries(content)) {
        const m = spec.deref(raw);
        const examples = Object.values(examplesOf(spec, m));
        expect(examples.length, `${where} ${type} has an example`).toBeGreaterThan(0);
        for (const value of examples) {
          expect(problems(spec, value, m.schema), `${where} ${type} example`).toEqual([]);
        }
      }
    }
  });

  test("error answers show examples only where Atlas was seen to send them", () => {
    for (const status of Object.keys(responses).filter((s) => s !== "200")) {
      const content = spec.deref(responses[status]).content as Record<string, Json>;
      const m = spec.deref(content[JSON_TYPE]);
      const examples = examplesOf(spec, m);
      expect(Object.keys(examples), status).toEqual(ERROR_EXAMPLES[status] ?? []);
      for (const [name, value] of Object.entries(examples)) {
        expect((value as Json).error, `${name} names its status`).toBe(Number(status));
        expect(problems(spec, value, m.schema), name).toEqual(KNOWN_MISMATCHES[name] ?? []);
      }
    }
  });

  test("request examples send no read-only field", () => {
    if (!op.requestBody) return;
    const content = spec.deref(op.requestBody).content as Record<string, Json>;
    for (const raw of Object.values(content)) {
      const media = spec.deref(raw);
      const props = (spec.deref(media.schema).properties as Json | undefined) ?? {};
      for (const value of Object.values(examplesOf(spec, media))) {
        for (const key of Object.keys(value as Json)) {
          expect(spec.deref(props[key]).readOnly, `${key} is writable`).not.toBe(true);
        }
      }
    }
  });

  test("has a TypeScript code sample that calls this operation", () => {
    const samples = op["x-codeSamples"] as Json[];
    expect(samples.map((s) => s.lang)).toContain("TypeScript");
    for (const s of samples) expect(s.source).toContain(`atlas.${expected.operationId}(`);
  });
});

describe("the friendly type names of src/types.ts", () => {
  test("claim no more than the spec about a field left out of a deprecated operation's body", () => {
    // Editors show this JSDoc on hover. The spec says MongoDB does not document whether the old
    // PATCH operations keep a field left out (see the operations' descriptions), so the types
    // of their bodies must not state that they do.
    const source = readFileSync(new URL("../src/types.ts", import.meta.url), "utf8");
    const bodies = INVITATION_OPERATIONS.flatMap((o) => Object.values(o.request?.content ?? {}));
    expect(bodies.length).toBe(3);
    for (const name of bodies) {
      const at = source.indexOf(`export type ${name} =`);
      expect(at, name).toBeGreaterThan(-1);
      const doc = source.slice(source.lastIndexOf("/**", at), at).replace(/[\s*]+/g, " ");
      expect(doc, name).not.toMatch(/left out (of the body )?keeps?/);
    }
  });
});

describe("replacements of the invitation operations", () => {
  test("name only operations of this spec (and fields of their request bodies)", () => {
    checkReplacementNames(spec);
  });

  test("point the organization operations at the successors upstream names", () => {
    // Upstream's replacements: getOrgUser for getOrgInvite, updateOrgUser for updateOrgInviteById.
    expect(namesIn(String(spec.operation("getOrgInvite").op["x-replacement"]))).toContain(
      "getOrgUser",
    );
    expect(spec.operation("updateOrgInviteById").op["x-replacement"]).toBe("updateOrgUser");
  });
});

describe("schemas", () => {
  test("are exactly the documented ones plus the two role types", () => {
    expect(Object.keys(spec.doc.components.schemas!).sort()).toEqual(
      Object.keys(EXPECTED_SCHEMAS).sort(),
    );
  });

  test.each(Object.keys(EXPECTED_SCHEMAS))("%s matches the facts field by field", (name) => {
    expect(spec.facts(spec.schema(name))).toStrictEqual(EXPECTED_SCHEMAS[name]);
  });

  test.each(["Org", "Group"] as const)(
    "%sUserResponse: a oneOf told apart by orgMembershipStatus, each variant looping back",
    (prefix) => checkUnion(spec, prefix),
  );

  test("project roles stay open strings wherever they appear", () => {
    const uses = [
      ["GroupInvitation", "roles"],
      ["GroupInvitationRequest", "roles"],
      ["GroupInvitationUpdateRequest", "roles"],
      ["OrganizationInvitationGroupRoleAssignmentsRequest", "roles"],
      ["GroupRoleAssignment", "groupRoles"],
      ["GroupUserResponse", "roles"],
    ] as const;
    for (const [schema, prop] of uses) {
      const items = spec.deref((spec.deref(spec.schema(schema)).properties as Json)[prop]).items;
      expect(spec.deref(items).type).toBe("string");
      expect(spec.deref(items).enum).toBeUndefined();
    }
    for (const [schema, prop] of [
      ["GroupRole", "groupRole"],
      ["AddOrRemoveGroupRole", "groupRole"],
    ] as const) {
      const role = spec.deref((spec.schema(schema).properties as Json)[prop]);
      expect(role.type).toBe("string");
      expect(role.enum).toBeUndefined();
    }
  });

  test("requests send several roles per project, responses one groupRole per entry", () => {
    const request = spec.facts(spec.schema("OrganizationInvitationUpdateRequest"));
    const response = spec.facts(spec.schema("OrganizationInvitation"));
    const reqItem = (request.properties as Record<string, Json>).groupRoleAssignments!
      .items as Json;
    const resItem = (response.properties as Record<string, Json>).groupRoleAssignments!
      .items as Json;
    expect(Object.keys(reqItem.properties as Json).sort()).toEqual(["groupId", "roles"]);
    expect(Object.keys(resItem.properties as Json).sort()).toEqual(["groupId", "groupRole"]);
  });

  test("example ids in parameters are the documented ones", () => {
    const params = spec.doc.components.parameters!;
    expect(spec.deref(spec.deref(params.OrgId).schema).example).toBe("4888442a3354817a7320eb61");
    expect(spec.deref(spec.deref(params.GroupId).schema).example).toBe("32b6e34b3d91647abb20e7b8");
  });
});

describe("error answers", () => {
  test("only observed codes, no upstream placeholder, both 401 shapes, ApiError unchanged", () => {
    checkErrorAnswers(spec);
  });

  test("409 is listed for adding and removing a project role only, without an example", () => {
    const with409 = spec
      .operations()
      .filter(({ op }) => "409" in (op.responses as Json))
      .map(({ op }) => op.operationId)
      .sort();
    expect(with409).toEqual(["addGroupUserRole", "removeGroupUserRole"]);
  });
});

describe("generated operation table", () => {
  test.each(EXPECTED_OPERATIONS)("$operationId routes as the facts say", (expected) => {
    const id = expected.operationId as keyof typeof operations;
    const entry = { ...operations[id], ...operationDetails[id] };
    const mediaType = `application/vnd.atlas.${expected.version}+json`;
    expect(entry.method).toBe(expected.method.toUpperCase());
    expect(entry.path).toBe(expected.path);
    expect(entry.version).toBe(expected.version);
    expect(entry.mediaType).toBe(mediaType);
    expect(entry.body).toBe(expected.request === null ? null : "required");
    expect(entry.bodySchema).toBe(expected.request?.content[mediaType] ?? null);
    expect(entry.responseSchema).toBe(expected.responses["200"]![mediaType]);
    expect(entry.deprecated).toBe(expected.deprecated);
    expect(entry.sunset).toBe(expected.deprecated ? SUNSET : null);
    expect(entry.replacement).toBe(expected.replacement ?? null);
    expect(entry.roles).toEqual(rolesFor(id) ?? []);
    expect(entry.pathParams).toEqual(expected.pathParams);
    expect([...entry.queryParams].sort()).toEqual(expected.queryParams);
    expect(entry.pageSize).toBe(expected.pageSize);
  });

  test("role lists match the facts", () => {
    expect(ORG_ROLES).toEqual(ORG_ROLE_VALUES);
    expect(KNOWN_PROJECT_ROLES).toEqual(PROJECT_ROLE_VALUES);
  });

  test("both org role enums hold the same seven roles, so ORG_ROLES and OrgRole cover both", () => {
    const inOrder = (name: string) => spec.schema(name).enum as string[];
    expect([...inOrder("OrgUserRole")].sort()).toEqual([...ORG_ROLES].sort());
  });
});

// ---- The checks can fail --------------------------------------------------------------------

/** Runs `check` on a copy of the spec changed by `mutate`; the check must throw. */
function failsOn(mutate: (doc: Doc, view: SpecView) => void, check: (view: SpecView) => void) {
  const doc = loadSpec();
  const view = new SpecView(doc);
  mutate(doc, view);
  expect(() => check(view)).toThrow();
}

const byId = (id: string) => EXPECTED_OPERATIONS.find((o) => o.operationId === id)!;
const op = (view: SpecView, id: string) => view.operation(id).op;
const param = (doc: Doc, name: string) => doc.components.parameters![name]!;

describe("each check fails on a spec that breaks its fact", () => {
  test.each([
    [
      "the colon path of addGroupUserRole",
      (doc: Doc) => {
        const paths = doc.paths;
        paths["/api/atlas/v2/groups/{groupId}/users/{userId}/addRole"] =
          paths["/api/atlas/v2/groups/{groupId}/users/{userId}:addRole"]!;
        delete paths["/api/atlas/v2/groups/{groupId}/users/{userId}:addRole"];
      },
      (view: SpecView) => checkRouting(view, byId("addGroupUserRole")),
    ],
    [
      "itemsPerPage up to 1000",
      (doc: Doc) => {
        (param(doc, "ItemsPerPage").schema as Json).maximum = 1000;
      },
      (view: SpecView) => checkParameters(view, byId("listOrgUsers")),
    ],
    [
      "orgMembershipStatuses sent as one comma-separated value",
      (doc: Doc) => {
        param(doc, "OrgMembershipStatuses").explode = false;
      },
      (view: SpecView) => checkParameters(view, byId("getGroupUser")),
    ],
    [
      "the deprecated orgMembershipStatus no longer marked so",
      (doc: Doc) => {
        delete param(doc, "OrgMembershipStatus").deprecated;
      },
      (view: SpecView) => checkParameters(view, byId("listGroupUsers")),
    ],
    [
      "no sunset on the old version of listGroupUsers",
      (_doc: Doc, view: SpecView) => {
        const ok = view.deref((op(view, "listGroupUsers").responses as Json)["200"]);
        delete (ok.content as Record<string, Json>)[V2023]!["x-sunset"];
      },
      (view: SpecView) => checkResponses(view, byId("listGroupUsers")),
    ],
    [
      "no x-xgen-version on the 200 of getOrgInvite",
      (_doc: Doc, view: SpecView) => {
        const ok = view.deref((op(view, "getOrgInvite").responses as Json)["200"]);
        delete (ok.content as Record<string, Json>)[V2023]!["x-xgen-version"];
      },
      (view: SpecView) => checkResponses(view, byId("getOrgInvite")),
    ],
    [
      "the wrong x-xgen-version on the new version of listOrgUsers",
      (_doc: Doc, view: SpecView) => {
        const ok = view.deref((op(view, "listOrgUsers").responses as Json)["200"]);
        (ok.content as Record<string, Json>)[V2025]!["x-xgen-version"] = "2023-01-01";
      },
      (view: SpecView) => checkResponses(view, byId("listOrgUsers")),
    ],
    [
      "an x-xgen-version on the request body of updateGroupInviteById",
      (_doc: Doc, view: SpecView) => {
        const body = view.deref(op(view, "updateGroupInviteById").requestBody);
        (body.content as Record<string, Json>)[V2023]!["x-xgen-version"] = "2023-01-01";
      },
      (view: SpecView) => checkRequestBody(view, byId("updateGroupInviteById")),
    ],
    [
      "the 409 of removeGroupUserRole dropped",
      (_doc: Doc, view: SpecView) => {
        delete (op(view, "removeGroupUserRole").responses as Json)["409"];
      },
      (view: SpecView) => checkResponses(view, byId("removeGroupUserRole")),
    ],
    [
      "an optional body for updateOrgUser",
      (_doc: Doc, view: SpecView) => {
        (op(view, "updateOrgUser").requestBody as Json).required = false;
      },
      (view: SpecView) => checkRequestBody(view, byId("updateOrgUser")),
    ],
    [
      "ACTIVE mapped to the pending variant",
      (doc: Doc) => {
        const discriminator = doc.components.schemas!.OrgUserResponse!.discriminator as Json;
        (discriminator.mapping as Json).ACTIVE = "#/components/schemas/OrgPendingUserResponse";
      },
      (view: SpecView) => checkUnion(view, "Org"),
    ],
    [
      "a variant that no longer includes its parent",
      (doc: Doc) => {
        const variant = doc.components.schemas!.GroupActiveUserResponse!;
        variant.allOf = (variant.allOf as unknown[]).slice(1);
      },
      (view: SpecView) => checkUnion(view, "Group"),
    ],
    [
      "a replacement naming a method the client lacks",
      (_doc: Doc, view: SpecView) => {
        op(view, "getOrgInvite")["x-replacement"] = "getOrganizationUser";
      },
      checkReplacementNames,
    ],
    [
      "upstream's placeholder code in an example",
      (doc: Doc) => {
        const forbidden = doc.components.responses!.Forbidden!;
        (forbidden.content as Record<string, Json>)[JSON_TYPE]!.example = {
          error: 403,
          errorCode: "CANNOT_CHANGE_GROUP_NAME",
        };
      },
      checkErrorAnswers,
    ],
    [
      "the 401 without its failed-credentials example",
      (doc: Doc) => {
        const media = (doc.components.responses!.Unauthorized!.content as Record<string, Json>)[
          JSON_TYPE
        ]!;
        delete (media.examples as Json).CredentialsFailed;
      },
      checkErrorAnswers,
    ],
    [
      "ApiError without errorCode among its required fields",
      (doc: Doc) => {
        doc.components.schemas!.ApiError!.required = ["error"];
      },
      checkErrorAnswers,
    ],
  ])("%s", (_name, mutate, check) => {
    // The intact spec passes the same check.
    check(spec);
    failsOn(mutate, check);
  });

  test("the schema facts and the example checker catch a changed field", () => {
    const doc = loadSpec();
    const view = new SpecView(doc);
    const own = (doc.components.schemas!.OrgPendingUserResponse!.allOf as Json[])[1]!;
    ((own.properties as Json).inviterUsername as Json).format = "uri";
    expect(view.facts(view.schema("OrgPendingUserResponse"))).not.toStrictEqual(
      EXPECTED_SCHEMAS.OrgPendingUserResponse,
    );
    // A pending user without inviterUsername is refused through the union.
    const pending = { id: "65a8c4e1f2b3d4a5c6e7f809", orgMembershipStatus: "PENDING" };
    expect(
      problems(
        spec,
        {
          ...pending,
          username: "a@example.com",
          roles: {},
          invitationCreatedAt: "2025-05-04T09:42:00Z",
        },
        {
          $ref: "#/components/schemas/OrgUserResponse",
        },
      ),
    ).toEqual(["$: missing required inviterUsername"]);
  });
});
