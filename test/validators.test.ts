/**
 * The input validators generated from the spec (generated/validators.ts): one per request body
 * schema, and validateInput for a whole call (parameters and body); and the generator behind them
 * (scripts/lib/validators.ts). Expected field names, roles and read-only fields are written out
 * from the facts of Atlas's contract, never read back from the generated code.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { fullOperations as operations } from "./helpers/operation-table.js";
import {
  requestValidators,
  suggestProjectRole,
  validateAddOrRemoveGroupRole,
  validateGroupInvitationRequest,
  validateGroupInvitationUpdateRequest,
  validateInput,
  validateOrganizationInvitationGroupRoleAssignmentsRequest,
  validateOrganizationInvitationUpdateRequest,
  validateOrgUserUpdateRequest,
  type Violation,
} from "../generated/validators.js";
import type { OpenApiDocument } from "../scripts/lib/operation-table.js";
import { REQUEST_BODY_POLICY, buildValidators } from "../scripts/lib/validators.js";
import { generatedLoader } from "./helpers/generated-module.js";

type Json = Record<string, unknown>;
type Validate = (value: unknown) => Violation[];

const spec = JSON.parse(
  readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8"),
) as OpenApiDocument & { components: Record<string, Record<string, Json>> };

const ORG_ROLES = [
  "ORG_OWNER",
  "ORG_MEMBER",
  "ORG_GROUP_CREATOR",
  "ORG_BILLING_ADMIN",
  "ORG_BILLING_READ_ONLY",
  "ORG_STREAM_PROCESSING_ADMIN",
  "ORG_READ_ONLY",
];
const PROJECT_ROLES = [
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
const GROUP_ID = "32b6e34b3d91647abb20e7b8";
const TEAM_ID = "6f6d5fe5a6d8e04d4a9b2c31";
const HEX_ID = /^[a-f0-9]{24}$/;

/** Valid ids for the given path parameter names. */
function validPath(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, GROUP_ID]));
}

/** Read-only fields that only a pending user (OrgPendingUserResponse, GroupPendingUserResponse) has. */
const PENDING_ONLY = ["invitationCreatedAt", "invitationExpiresAt", "inviterUsername"];
/** Read-only fields that only an active user (OrgActiveUserResponse, GroupActiveUserResponse) has. */
const ACTIVE_ONLY = ["country", "createdAt", "firstName", "lastAuth", "lastName", "mobileNumber"];

/**
 * The request bodies, with the fields they take, the ones they require, a smallest valid body, and
 * the read-only fields of what their operations return.
 */
const BODIES: {
  name: string;
  validate: Validate;
  fields: string[];
  required: string[];
  minimal: Json;
  readOnly: string[];
}[] = [
  {
    name: "OrganizationInvitationUpdateRequest",
    validate: validateOrganizationInvitationUpdateRequest,
    fields: ["groupRoleAssignments", "roles", "teamIds"],
    required: [],
    minimal: {},
    readOnly: ["createdAt", "expiresAt", "id", "inviterUsername", "links", "orgId"],
  },
  {
    name: "GroupInvitationRequest",
    validate: validateGroupInvitationRequest,
    fields: ["roles", "username"],
    required: [],
    minimal: {},
    readOnly: ["createdAt", "expiresAt", "groupId", "groupName", "id", "inviterUsername", "links"],
  },
  {
    name: "GroupInvitationUpdateRequest",
    validate: validateGroupInvitationUpdateRequest,
    fields: ["roles"],
    required: [],
    minimal: {},
    readOnly: [
      "createdAt",
      "expiresAt",
      "groupId",
      "groupName",
      "id",
      "inviterUsername",
      "links",
      "username",
    ],
  },
  {
    // The Cloud Users API: a user's id, membership status and username are Atlas's to set, and so
    // are the fields only a pending user (the invitation's) or only an active user (the profile's)
    // carries.
    name: "OrgUserUpdateRequest",
    validate: validateOrgUserUpdateRequest,
    fields: ["roles", "teamIds"],
    required: [],
    minimal: {},
    readOnly: ["id", "orgMembershipStatus", "username", ...PENDING_ONLY, ...ACTIVE_ONLY],
  },
  {
    // One project role at a time; the user's list of roles is what Atlas answers with.
    name: "AddOrRemoveGroupRole",
    validate: validateAddOrRemoveGroupRole,
    fields: ["groupRole"],
    required: ["groupRole"],
    minimal: { groupRole: "GROUP_READ_ONLY" },
    readOnly: ["id", "orgMembershipStatus", "roles", "username", ...PENDING_ONLY, ...ACTIVE_ONLY],
  },
];

const STOPPED: Violation = {
  path: "",
  rule: "unreadable",
  message: "stopped after 50 violations; there may be more",
};

/**
 * Every violation names its place at the start of its message; a list cut short at 50 ends with
 * the one closing entry that says so.
 */
function expectWellFormed(violations: Violation[]): void {
  expect(Array.isArray(violations)).toBe(true);
  expect(violations.length).toBeLessThanOrEqual(51);
  violations.forEach((v, i) => {
    if (i === 50) return expect(v).toEqual(STOPPED);
    expect(typeof v.path).toBe("string");
    expect(typeof v.rule).toBe("string");
    expect(v.message.startsWith(`${v.path || "value"}: `)).toBe(true);
  });
}

/** Just the path and rule of each violation, which is what most assertions compare. */
function rules(violations: Violation[]): { path: string; rule: string }[] {
  return violations.map(({ path, rule }) => ({ path, rule }));
}

// ---------------------------------------------------------------------------------------------
// Loading code that the generator writes from a synthetic spec.

const generated = generatedLoader();
afterAll(() => generated.dispose());
const load = (source: string) => {
  // The generated module reaches its helpers through this import, which the loader redirects.
  expect(source).toContain('from "../src/validation/rules.js"');
  return generated.load(source);
};

function fn(module: Record<string, unknown>, name: string): Validate {
  const f = module[name];
  if (typeof f !== "function") throw new Error(`the generated module has no function ${name}`);
  return f as Validate;
}

/** The generated module's check of a whole call: its parameters, then the body under "body". */
type ValidateInput = (id: string, path: unknown, query: unknown, body: unknown) => Violation[];
const inputOf = (module: Record<string, unknown>) => module.validateInput as ValidateInput;

const MEDIA = "application/vnd.atlas.2023-01-01+json";
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * A one-operation spec: PATCH with a `Thing` body that answers a `ThingView`, a `thingId` path
 * parameter and a `colors` list in the query.
 */
function tinySpec(schemas: Json): OpenApiDocument {
  return {
    openapi: "3.0.3",
    paths: {
      "/things/{thingId}": {
        parameters: [
          {
            name: "thingId",
            in: "path",
            required: true,
            schema: { type: "string", pattern: "^t[0-9]+$" },
          },
        ],
        patch: {
          operationId: "updateThing",
          parameters: [
            { name: "colors", in: "query", schema: { type: "array", items: ref("Color") } },
          ],
          requestBody: { required: true, content: { [MEDIA]: { schema: ref("Thing") } } },
          responses: {
            "200": { description: "The thing", content: { [MEDIA]: { schema: ref("ThingView") } } },
          },
        },
      },
    },
    components: { schemas },
  };
}

function tinySchemas(): Json {
  return {
    Thing: {
      type: "object",
      required: ["name", "when"],
      properties: {
        name: { type: "string", pattern: "^[\\p{L}-]+$" },
        when: { type: "string", format: "date-time" },
        count: { type: "integer", format: "int32", nullable: true },
        ratio: { type: "number" },
        flag: { type: "boolean" },
        secret: { type: "string", readOnly: true },
        color: ref("Color"),
        tags: {
          type: "array",
          uniqueItems: true,
          minItems: 1,
          maxItems: 3,
          items: { type: "string" },
        },
        code: { type: "string", minLength: 2, maxLength: 4 },
        level: { type: "integer", minimum: 1, maximum: 5 },
        inner: { type: "object", properties: { n: { type: "integer" } } },
      },
    },
    Color: { type: "string", enum: ["red", "green"] },
    ThingView: {
      type: "object",
      properties: {
        id: { type: "string", readOnly: true },
        name: { type: "string" },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------

describe("the validators of the spec's request bodies", () => {
  test("every operation that takes a body has a validator under its schema name", () => {
    const withBody = Object.values(operations).filter((op) => op.bodySchema !== null);
    const names = [...new Set(withBody.map((op) => op.bodySchema))].sort();
    expect(names).toEqual(BODIES.map((b) => b.name).sort());
    expect(Object.keys(requestValidators).sort()).toEqual(names);
    for (const op of withBody) {
      const name = op.bodySchema;
      expect(requestValidators[name]).toBe(BODIES.find((b) => b.name === name)!.validate);
    }
  });

  test("every request example in the spec passes with no violation", () => {
    const checked: Record<string, number> = {};
    for (const op of Object.values(operations)) {
      if (op.bodySchema === null) continue;
      const item = spec.paths[op.path] as Record<string, Json>;
      const content = (item[op.method.toLowerCase()]!.requestBody as Json).content as Record<
        string,
        Json
      >;
      const examples = content[op.mediaType]!.examples as Record<string, Json>;
      for (const example of Object.values(examples)) {
        const name = (example.$ref as string).split("/").pop()!;
        const value = spec.components.examples![name]!.value;
        const validate = requestValidators[op.bodySchema];
        expect(validate(value), `${op.operationId} example ${name}`).toEqual([]);
        expect(
          validateInput(op.operationId, validPath(op.pathParams), {}, value),
          `${op.operationId} example ${name} as a call`,
        ).toEqual([]);
        checked[op.operationId] = (checked[op.operationId] ?? 0) + 1;
      }
    }
    // Every operation with a body has at least one request example (the spec's style rules).
    const withBody = Object.values(operations).filter((op) => op.bodySchema !== null);
    expect(Object.keys(checked).sort()).toEqual(withBody.map((op) => op.operationId).sort());
  });

  test("a smallest body and optional fields set to undefined pass, as JSON.stringify drops them", () => {
    for (const { validate, fields, required, minimal } of BODIES) {
      expect(validate(minimal)).toEqual([]);
      const optional = fields.filter((f) => !required.includes(f));
      const unset = Object.fromEntries(optional.map((f) => [f, undefined]));
      expect(validate({ ...minimal, ...unset })).toEqual([]);
    }
  });

  test("required: a required field missing or undefined is named", () => {
    for (const { validate, required, minimal } of BODIES) {
      for (const field of required) {
        const without = { ...minimal };
        delete without[field];
        expect(validate(without), field).toEqual([
          { path: field, rule: "required", message: `${field}: is required but missing` },
        ]);
        expect(rules(validate({ ...minimal, [field]: undefined }))).toEqual([
          { path: field, rule: "required" },
        ]);
      }
    }
    expect(rules(validateOrgUserUpdateRequest({ roles: {} }))).toEqual([
      { path: "roles.orgRoles", rule: "required" },
    ]);
  });

  test("type: the body, a field and an array item of the wrong type", () => {
    // Paths are relative to the value checked; the value itself is called "value".
    expect(validateOrganizationInvitationUpdateRequest(null)).toEqual([
      { path: "", rule: "type", message: "value: expected an object, got null" },
    ]);
    expect(rules(validateOrganizationInvitationUpdateRequest({ roles: "ORG_OWNER" }))).toEqual([
      { path: "roles", rule: "type" },
    ]);
    const [violation] = validateGroupInvitationRequest({ roles: ["GROUP_OWNER", 7] });
    expect(violation).toEqual({
      path: "roles[1]",
      rule: "type",
      message: "roles[1]: expected a string, got an integer",
    });
    expect(rules(validateGroupInvitationRequest({ username: 42 }))).toEqual([
      { path: "username", rule: "type" },
    ]);
    expect(
      rules(validateOrganizationInvitationUpdateRequest({ groupRoleAssignments: [null, []] })),
    ).toEqual([
      { path: "groupRoleAssignments[0]", rule: "type" },
      { path: "groupRoleAssignments[1]", rule: "type" },
    ]);
  });

  test("enum: organization roles are a closed list", () => {
    for (const role of ORG_ROLES) {
      expect(validateOrganizationInvitationUpdateRequest({ roles: [role] })).toEqual([]);
    }
    const violations = validateOrganizationInvitationUpdateRequest({
      roles: ["ORG_MEMBER", "ORG_ADMIN"],
    });
    expect(violations).toEqual([
      {
        path: "roles[1]",
        rule: "enum",
        message: `roles[1]: "ORG_ADMIN" is not one of ${ORG_ROLES.join(", ")}`,
      },
    ]);
    // Case matters: Atlas compares role names exactly.
    expect(rules(validateOrganizationInvitationUpdateRequest({ roles: ["org_owner"] }))).toEqual([
      { path: "roles[0]", rule: "enum" },
    ]);
  });

  test("project roles are open: unknown and misspelt roles are accepted", () => {
    const roles = ["GROUP_READONLY", "GROUP_ROLE_ATLAS_ADDS_TOMORROW", "", "group_owner"];
    expect(validateGroupInvitationRequest({ roles })).toEqual([]);
    expect(validateGroupInvitationUpdateRequest({ roles })).toEqual([]);
    expect(
      validateOrganizationInvitationUpdateRequest({
        groupRoleAssignments: [{ groupId: GROUP_ID, roles }],
      }),
    ).toEqual([]);
  });

  test("uniqueItems: a repeated role names both positions", () => {
    expect(
      validateOrganizationInvitationUpdateRequest({
        roles: ["ORG_OWNER", "ORG_MEMBER", "ORG_OWNER"],
      }),
    ).toEqual([
      {
        path: "roles[2]",
        rule: "uniqueItems",
        message: 'roles[2]: "ORG_OWNER" repeats roles[0], and items must be unique',
      },
    ]);
    expect(rules(validateGroupInvitationUpdateRequest({ roles: ["A", "B", "A", "A"] }))).toEqual([
      { path: "roles[2]", rule: "uniqueItems" },
      { path: "roles[3]", rule: "uniqueItems" },
    ]);
    expect(
      rules(validateOrganizationInvitationUpdateRequest({ teamIds: [TEAM_ID, TEAM_ID] })),
    ).toEqual([{ path: "teamIds[1]", rule: "uniqueItems" }]);
    // groupRoleAssignments has no uniqueItems in the spec, so the same entry twice is fine.
    const entry = { groupId: GROUP_ID, roles: ["GROUP_OWNER"] };
    expect(
      validateOrganizationInvitationUpdateRequest({ groupRoleAssignments: [entry, { ...entry }] }),
    ).toEqual([]);
  });

  test("pattern: project ids in groupRoleAssignments are 24 lowercase hex characters", () => {
    const bad = ["", "../x", "%2F", GROUP_ID.slice(1), GROUP_ID + "0", GROUP_ID.toUpperCase()];
    for (const groupId of bad) {
      const violations = validateOrganizationInvitationUpdateRequest({
        groupRoleAssignments: [{ groupId: GROUP_ID }, { groupId }],
      });
      expect(violations).toEqual([
        {
          path: "groupRoleAssignments[1].groupId",
          rule: "pattern",
          message: `groupRoleAssignments[1].groupId: ${JSON.stringify(groupId)} does not match the pattern ^([a-f0-9]{24})$`,
        },
      ]);
    }
  });

  test("format: username must look like an email address", () => {
    for (const username of ["invitee@example.com", "first.last+tag@mail.example.co.uk"]) {
      expect(validateGroupInvitationRequest({ username })).toEqual([]);
    }
    const bad = [
      "invitee",
      "invitee@example",
      "@example.com",
      "a@b@example.com",
      "in vitee@example.com",
      // A quoted local part, which RFC 5321 allows: the spec's client rules say it is refused.
      '"in vitee"@example.com',
      "a@.example.com",
      "a@example..com",
      "a@example.com.",
    ];
    for (const username of bad) {
      expect(validateGroupInvitationRequest({ username }), username).toEqual([
        {
          path: "username",
          rule: "format",
          message: `username: ${JSON.stringify(username)} is not a valid email`,
        },
      ]);
    }
  });

  test("unknownField: a field the schema does not declare is refused, with a hint when close", () => {
    expect(validateOrganizationInvitationUpdateRequest({ rolez: ["ORG_OWNER"] })).toEqual([
      {
        path: "rolez",
        rule: "unknownField",
        message: "rolez: is not a field of this object; did you mean roles?",
      },
    ]);
    expect(validateGroupInvitationUpdateRequest({ note: "hi" })).toEqual([
      {
        path: "note",
        rule: "unknownField",
        message: "note: is not a field of this object, which takes roles",
      },
    ]);
    expect(
      rules(
        validateOrganizationInvitationUpdateRequest({
          groupRoleAssignments: [{ groupId: GROUP_ID, groupRole: "GROUP_OWNER" }],
        }),
      ),
    ).toEqual([{ path: "groupRoleAssignments[0].groupRole", rule: "unknownField" }]);
    expect(rules(validateGroupInvitationRequest({ "a.b": 1, "": 2 }))).toEqual([
      { path: '["a.b"]', rule: "unknownField" },
      { path: '[""]', rule: "unknownField" },
    ]);
  });

  test("readOnly: fields Atlas sets on the invitation or the user are refused in every body", () => {
    for (const { validate, readOnly, minimal, fields } of BODIES) {
      for (const field of readOnly) {
        expect(validate({ ...minimal, [field]: "x" }), field).toEqual([
          {
            path: field,
            rule: "readOnly",
            message: `${field}: is read-only (Atlas sets it); this object takes ${[...fields].sort().join(", ")}`,
          },
        ]);
      }
    }
  });

  test("a read-only field names the fields the body takes instead", () => {
    // Sending { roles } to add a project role is a guess at the body's shape, not an attempt to
    // set the user's roles; the message must lead to groupRole.
    const found = validateInput(
      "addGroupUserRole",
      { groupId: GROUP_ID, userId: TEAM_ID },
      {},
      { roles: ["GROUP_OWNER"] },
    );
    expect(found.map((v) => v.message)).toEqual([
      "body.roles: is read-only (Atlas sets it); this object takes groupRole",
      "body.groupRole: is required but missing",
    ]);
  });

  test("a fetched invitation sent back as an update lists every field it may not carry", () => {
    const fetched = spec.components.examples!.OrganizationInvitation!.value as Json;
    expect(rules(validateOrganizationInvitationUpdateRequest(fetched))).toEqual(
      Object.keys(fetched)
        .filter((k) => !["groupRoleAssignments", "roles", "teamIds"].includes(k))
        .map((k) => ({
          path: k,
          rule: ["orgName", "username"].includes(k) ? "unknownField" : "readOnly",
        }))
        .concat([{ path: "groupRoleAssignments[0].groupRole", rule: "unknownField" }])
        .sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
  });

  test("a fetched user, pending or active, sent back as an update names its read-only fields", () => {
    // Each example holds fields that only its variant of OrgUserResponse declares
    // (invitationCreatedAt on the pending one, firstName on the active one): they are Atlas's to
    // set, not fields the caller misspelt.
    for (const name of ["OrgPendingUserResponse", "OrgActiveUserResponse"]) {
      const fetched = spec.components.examples![name]!.value as Record<string, Json>;
      expect(rules(validateOrgUserUpdateRequest(fetched)), name).toEqual(
        Object.keys(fetched)
          .filter((k) => !["roles", "teamIds"].includes(k))
          .map((k) => ({ path: k, rule: "readOnly" })),
      );
    }
  });

  test("several violations are all listed, in the order of the body", () => {
    const violations = validateOrganizationInvitationUpdateRequest({
      roles: ["ORG_ADMIN", "ORG_OWNER", "ORG_OWNER", 3],
      groupRoleAssignments: [{ groupId: "nope", roles: ["GROUP_OWNER", "GROUP_OWNER"] }, "x"],
      teamIds: 5,
      id: GROUP_ID,
      extra: true,
    });
    expect(rules(violations)).toEqual([
      { path: "roles[0]", rule: "enum" },
      { path: "roles[3]", rule: "type" },
      { path: "roles[2]", rule: "uniqueItems" },
      { path: "groupRoleAssignments[0].groupId", rule: "pattern" },
      { path: "groupRoleAssignments[0].roles[1]", rule: "uniqueItems" },
      { path: "groupRoleAssignments[1]", rule: "type" },
      { path: "teamIds", rule: "type" },
      { path: "id", rule: "readOnly" },
      { path: "extra", rule: "unknownField" },
    ]);
    for (const v of violations) expect(v.message.startsWith(`${v.path}: `)).toBe(true);
  });

  test("messages quote at most 60 characters of a rejected value", () => {
    const long = "Q".repeat(5000);
    const violations = [
      ...validateOrganizationInvitationUpdateRequest({
        roles: [long],
        groupRoleAssignments: [{ groupId: long }],
      }),
      ...validateGroupInvitationRequest({ username: long, [long]: 1 }),
      ...validateGroupInvitationUpdateRequest({ roles: [long, long] }),
    ];
    expect(rules(violations).map((v) => v.rule)).toEqual([
      "enum",
      "pattern",
      "format",
      "unknownField",
      "uniqueItems",
    ]);
    for (const v of violations) {
      expect(v.message).not.toContain("Q".repeat(61));
      expect(v.path).not.toContain("Q".repeat(61));
      expect(v.message).toContain("Q".repeat(60));
      expect(v.message).toContain("(5000 characters)");
    }
  });
});

describe("validateInput: the parameters and the body of one call", () => {
  const orgInvite = { orgId: GROUP_ID, invitationId: TEAM_ID };

  test("a valid call of every operation passes", () => {
    const bodies: Record<string, unknown> = {
      updateOrgInviteById: { roles: ["ORG_MEMBER"] },
      updateGroupInvites: { username: "ana@example.com" },
      updateGroupInviteById: { roles: ["GROUP_OWNER"] },
      updateOrgUser: { roles: { orgRoles: ["ORG_MEMBER"] }, teamIds: [TEAM_ID] },
      addGroupUserRole: { groupRole: "GROUP_OWNER" },
      removeGroupUserRole: { groupRole: "GROUP_OWNER" },
    };
    for (const op of Object.values(operations)) {
      const body = op.bodySchema === null ? undefined : bodies[op.operationId];
      expect(body === undefined, op.operationId).toBe(op.bodySchema === null);
      const query = op.queryParams.includes("envelope") ? { envelope: false } : {};
      expect(validateInput(op.operationId, validPath(op.pathParams), query, body)).toEqual([]);
    }
    expect(
      validateInput(
        "listOrgUsers",
        { orgId: GROUP_ID },
        {
          orgMembershipStatuses: ["PENDING", "INVITATION_EXPIRED"],
          username: "ana@example.com",
          itemsPerPage: 500,
          pageNum: 1,
          includeCount: true,
        },
        undefined,
      ),
    ).toEqual([]);
  });

  test("parameters are named as paths, list items by index", () => {
    expect(
      rules(
        validateInput(
          "listOrgUsers",
          { orgId: "../x" },
          {
            orgMembershipStatuses: ["PENDING", "INVITED"],
            itemsPerPage: 0,
            pageNum: 1.5,
            username: "ana",
          },
          undefined,
        ),
      ),
    ).toEqual([
      { path: "orgId", rule: "pattern" },
      { path: "orgMembershipStatuses[1]", rule: "enum" },
      { path: "itemsPerPage", rule: "minimum" },
      { path: "pageNum", rule: "type" },
      { path: "username", rule: "format" },
    ]);
    const [status] = validateInput(
      "getOrgUser",
      { orgId: GROUP_ID, userId: TEAM_ID },
      { orgMembershipStatuses: ["PENDING", "pending"] },
      undefined,
    );
    expect(status).toEqual({
      path: "orgMembershipStatuses[1]",
      rule: "enum",
      message:
        'orgMembershipStatuses[1]: "pending" is not one of PENDING, ACTIVE, INVITATION_EXPIRED, INVITATION_REJECTED',
    });
    expect(
      validateInput("listGroupUsers", { groupId: GROUP_ID }, { itemsPerPage: 501 }, undefined),
    ).toEqual([
      {
        path: "itemsPerPage",
        rule: "maximum",
        message: "itemsPerPage: must be at most 500, got 501",
      },
    ]);
  });

  test("an integer parameter must be one a JavaScript number holds exactly", () => {
    // 1e21 is an integer, but String(1e21) is "1e+21", and a "+" in a query reads as a space;
    // above 2^53 - 1 a number no longer holds the integer that was typed (2 ** 53 + 1 === 2 ** 53).
    for (const pageNum of [2 ** 53, 1e21, -(2 ** 53)]) {
      expect(
        validateInput("listOrgUsers", { orgId: GROUP_ID }, { pageNum }, undefined),
        String(pageNum),
      ).toEqual([
        {
          path: "pageNum",
          rule: "type",
          message: "pageNum: expected an integer, got an integer too large to be exact",
        },
      ]);
    }
    expect(
      validateInput("listOrgUsers", { orgId: GROUP_ID }, { pageNum: 2 ** 53 - 1 }, undefined),
    ).toEqual([]);
  });

  test("a fraction where an integer belongs is quoted, since saying it is a number tells nothing", () => {
    for (const [itemsPerPage, shown] of [
      [1.5, "1.5"],
      [-0.25, "-0.25"],
      [NaN, "NaN"],
    ] as const) {
      expect(
        validateInput("listOrgUsers", { orgId: GROUP_ID }, { itemsPerPage }, undefined),
      ).toEqual([
        {
          path: "itemsPerPage",
          rule: "type",
          message: `itemsPerPage: expected an integer, got ${shown}`,
        },
      ]);
    }
  });

  test("places in the body are named under body", () => {
    expect(validateInput("updateOrgInviteById", orgInvite, {}, { roles: ["ORG_ADMIN"] })).toEqual([
      {
        path: "body.roles[0]",
        rule: "enum",
        message: `body.roles[0]: "ORG_ADMIN" is not one of ${ORG_ROLES.join(", ")}`,
      },
    ]);
    expect(
      rules(
        validateInput(
          "updateOrgUser",
          { orgId: GROUP_ID, userId: TEAM_ID },
          {},
          { roles: { orgRoles: [], groupRoleAssignments: [{ groupId: "x" }] }, id: GROUP_ID },
        ),
      ),
    ).toEqual([
      { path: "body.roles.orgRoles", rule: "minItems" },
      { path: "body.roles.groupRoleAssignments[0].groupId", rule: "pattern" },
      { path: "body.id", rule: "readOnly" },
    ]);
    expect(rules(validateInput("updateOrgInviteById", orgInvite, {}, null))).toEqual([
      { path: "body", rule: "type" },
    ]);
  });

  test("a missing parameter or body is required; a body where none is taken is refused", () => {
    expect(validateInput("getOrgInvite", { orgId: GROUP_ID }, {}, undefined)).toEqual([
      { path: "invitationId", rule: "required", message: "invitationId: is required but missing" },
    ]);
    expect(
      rules(
        validateInput("getOrgInvite", { orgId: GROUP_ID, invitationId: undefined }, {}, undefined),
      ),
    ).toEqual([{ path: "invitationId", rule: "required" }]);
    expect(
      rules(
        validateInput("addGroupUserRole", { groupId: GROUP_ID, userId: TEAM_ID }, {}, undefined),
      ),
    ).toEqual([{ path: "body", rule: "required" }]);
    expect(validateInput("getOrgInvite", orgInvite, {}, {})).toEqual([
      { path: "body", rule: "unknownParameter", message: "body: getOrgInvite takes no body" },
    ]);
  });

  test("updateGroupInvites requires username (x-client-required); its schema does not", () => {
    // Atlas picks the invitation by username, so a body without it names none. The spec keeps
    // the schema as Atlas publishes it and lists username in the request body's extension.
    const item = spec.paths["/api/atlas/v2/groups/{groupId}/invites"] as Record<string, Json>;
    expect((item.patch!.requestBody as Json)["x-client-required"]).toEqual(["username"]);
    expect(spec.components.schemas!.GroupInvitationRequest!.required).toBeUndefined();

    const missing = {
      path: "body.username",
      rule: "required",
      message: "body.username: is required but missing",
    };
    const group = { groupId: GROUP_ID };
    expect(validateInput("updateGroupInvites", group, {}, {})).toEqual([missing]);
    expect(validateInput("updateGroupInvites", group, {}, { roles: ["GROUP_OWNER"] })).toEqual([
      missing,
    ]);
    expect(
      validateInput("updateGroupInvites", group, {}, { username: undefined, roles: [] }),
    ).toEqual([missing]);
    expect(rules(validateInput("updateGroupInvites", group, {}, { username: 42 }))).toEqual([
      { path: "body.username", rule: "type" },
    ]);
    // The schema's own validator, which the fake Atlas judges bodies with, mirrors the spec.
    expect(validateGroupInvitationRequest({})).toEqual([]);
    expect(validateGroupInvitationRequest({ roles: ["GROUP_OWNER"] })).toEqual([]);
  });

  test("an unknown parameter is refused, with a hint when it is a near miss", () => {
    expect(validateInput("listOrgUsers", { orgId: GROUP_ID }, { pagenum: 2 }, undefined)).toEqual([
      {
        path: "pagenum",
        rule: "unknownParameter",
        message: "pagenum: is not a parameter of listOrgUsers; did you mean pageNum?",
      },
    ]);
    expect(validateInput("getOrgInvite", orgInvite, { pretty: true }, undefined)).toEqual([
      {
        path: "pretty",
        rule: "unknownParameter",
        message:
          "pretty: is not a parameter of getOrgInvite, which takes orgId, invitationId, envelope",
      },
    ]);
    // A method puts a misspelt path parameter into the query; the hint still finds it.
    expect(
      validateInput(
        "getOrgInvite",
        { orgId: orgInvite.orgId },
        { invitationID: TEAM_ID },
        undefined,
      ),
    ).toEqual([
      { path: "invitationId", rule: "required", message: "invitationId: is required but missing" },
      {
        path: "invitationID",
        rule: "unknownParameter",
        message: "invitationID: is not a parameter of getOrgInvite; did you mean invitationId?",
      },
    ]);
    expect(
      rules(validateInput("getOrgInvite", { ...orgInvite, userId: TEAM_ID }, {}, undefined)),
    ).toEqual([{ path: "userId", rule: "unknownParameter" }]);
    expect(
      validateInput("getOrgInvite", { ...orgInvite, userId: TEAM_ID }, {}, undefined)[0]!.message,
    ).toBe("userId: is not a parameter of getOrgInvite, which takes orgId, invitationId, envelope");
    expect(rules(validateInput("getOrgInvite", orgInvite, { "odd name": 1 }, undefined))).toEqual([
      { path: '["odd name"]', rule: "unknownParameter" },
    ]);
  });

  test("stops after 50 violations with one closing entry", () => {
    const roles = Array.from({ length: 5_000 }, (_, i) => `NOT_A_ROLE_${i}`);
    const violations = validateInput("updateOrgInviteById", orgInvite, {}, { roles });
    expect(violations).toHaveLength(51);
    expect(rules(violations.slice(0, 50))).toEqual(
      roles.slice(0, 50).map((_, i) => ({ path: `body.roles[${i}]`, rule: "enum" })),
    );
    expect(violations[50]).toEqual(STOPPED);
    const statuses = Array.from({ length: 200 }, () => "INVITED");
    const many = validateInput(
      "listOrgUsers",
      { orgId: "x" },
      { orgMembershipStatuses: statuses },
      undefined,
    );
    expect(many).toHaveLength(51);
    expect(rules(many.slice(0, 3))).toEqual([
      { path: "orgId", rule: "pattern" },
      { path: "orgMembershipStatuses", rule: "maxItems" },
      { path: "orgMembershipStatuses[0]", rule: "enum" },
    ]);
    expect(many[49]!.path).toBe("orgMembershipStatuses[47]");
    expect(many[50]).toEqual(violations[50]);
    // Exactly 50 is not cut short.
    expect(
      validateInput("updateOrgInviteById", orgInvite, {}, { roles: roles.slice(0, 50) }),
    ).toHaveLength(50);
  });

  test("arbitrary parameters and bodies yield violations, never an exception", () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withSparseArray: true,
      withUnicodeString: true,
    });
    const ids = Object.keys(operations) as (keyof typeof operations)[];
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.oneof(
          anything,
          fc.dictionary(fc.constantFrom("orgId", "groupId", "userId", "x"), anything),
        ),
        fc.oneof(anything, fc.dictionary(fc.string({ maxLength: 12 }), anything)),
        fc.oneof(fc.constant(undefined), anything),
        (id, path, query, body) => {
          expectWellFormed(validateInput(id, path, query, body));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("bad input never throws", () => {
  const strange: [string, unknown][] = [
    ["undefined", undefined],
    ["null", null],
    ["a number", 12],
    ["NaN", NaN],
    ["a string", "roles"],
    ["a boolean", true],
    ["a bigint", 10n],
    ["a symbol", Symbol("body")],
    ["a function", () => ({ roles: [] })],
    ["an array", [{ roles: ["ORG_OWNER"] }]],
    ["a Date", new Date(0)],
    ["a Map", new Map([["roles", ["ORG_OWNER"]]])],
  ];
  test.each(strange)("%s as the body is one type violation", (_label, value) => {
    for (const { validate } of BODIES) {
      const violations = validate(value);
      expect(rules(violations)).toEqual([{ path: "", rule: "type" }]);
      expect(violations[0]!.message).toMatch(/^value: expected an object, got /);
    }
  });

  test("an own __proto__ key is an unknown field, and nothing is polluted", () => {
    const body = JSON.parse(
      '{"__proto__": {"roles": ["ORG_OWNER"], "polluted": 1}, "roles": []}',
    ) as unknown;
    expect(rules(validateOrganizationInvitationUpdateRequest(body))).toEqual([
      { path: "__proto__", rule: "unknownField" },
    ]);
    expect((Object.prototype as Json).polluted).toBeUndefined();
    expect(({} as Json).roles).toBeUndefined();
  });

  test("keys named like Object.prototype members are unknown fields", () => {
    const body = { constructor: 1, toString: "x", hasOwnProperty: null, valueOf: {} };
    expect(rules(validateGroupInvitationUpdateRequest(body))).toEqual([
      { path: "constructor", rule: "unknownField" },
      { path: "toString", rule: "unknownField" },
      { path: "hasOwnProperty", rule: "unknownField" },
      { path: "valueOf", rule: "unknownField" },
    ]);
  });

  test("inherited fields are ignored, as they are never sent; own fields on a null prototype count", () => {
    const inherited = Object.create({ roles: ["NOT_A_ROLE"], bogus: 1 }) as object;
    expect(JSON.stringify(inherited)).toBe("{}");
    expect(validateOrganizationInvitationUpdateRequest(inherited)).toEqual([]);

    const bare = Object.assign(Object.create(null) as Json, { roles: ["ORG_OWNER", "NOT_A_ROLE"] });
    expect(rules(validateOrganizationInvitationUpdateRequest(bare))).toEqual([
      { path: "roles[1]", rule: "enum" },
    ]);
  });

  test("a throwing getter or proxy becomes a violation that does not repeat the error", () => {
    const secret = "s3cr3t-token-value";
    const getter = Object.defineProperty({}, "roles", {
      enumerable: true,
      get() {
        throw new Error(secret);
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error(secret);
        },
      },
    );
    for (const body of [getter, proxy]) {
      const violations = validateOrganizationInvitationUpdateRequest(body);
      expect(rules(violations)).toEqual([{ path: "", rule: "unreadable" }]);
      expect(JSON.stringify(violations)).not.toContain(secret);
    }
  });

  test("arbitrary values anywhere in a body yield violations, never an exception", () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    const body = fc.oneof(
      anything,
      fc.dictionary(
        fc.constantFrom("roles", "teamIds", "groupRoleAssignments", "username", "id", "__proto__"),
        fc.oneof(
          anything,
          fc.array(anything),
          fc.array(fc.dictionary(fc.constantFrom("groupId", "roles", "x"), anything)),
        ),
      ),
    );
    fc.assert(
      fc.property(body, (value) => {
        for (const { validate } of BODIES) {
          expectWellFormed(validate(value));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("suggestProjectRole", () => {
  test.each([
    ["GROUP_READONLY", "GROUP_READ_ONLY"],
    ["group_owner", "GROUP_OWNER"],
    ["Group Read Only", "GROUP_READ_ONLY"],
    ["group-cluster-manager", "GROUP_CLUSTER_MANAGER"],
    ["GROUP_OWNR", "GROUP_OWNER"],
    ["GROUP_CLUSTER_MANGER", "GROUP_CLUSTER_MANAGER"],
    ["READ_ONLY", "GROUP_READ_ONLY"],
    ["owner", "GROUP_OWNER"],
  ])("%s is a near miss of %s", (value, expected) => {
    expect(PROJECT_ROLES).toContain(expected);
    expect(suggestProjectRole(value)).toBe(expected);
  });

  test("documented roles and roles that are not close to one get no suggestion", () => {
    for (const role of PROJECT_ROLES) expect(suggestProjectRole(role)).toBeUndefined();
    for (const role of ["GROUP_ROLE_ATLAS_ADDS_TOMORROW", "ORG_OWNER", "", "x".repeat(10_000)]) {
      expect(suggestProjectRole(role)).toBeUndefined();
    }
  });
});

describe("the spec states every rule the client adds to it", () => {
  // Someone reading only the spec must learn what the client refuses beyond it: the extensions
  // the generator reads, and the request policy it applies to every operation.
  const rules = (spec as unknown as { info: { description: string } }).info.description
    .split("## Client rules")[1]!
    .split("\n## ")[0]!
    .replace(/\s+/g, " ");

  test("each x-client-* extension the generator reads is described under Client rules", () => {
    const scripts = ["operation-table.ts", "validators.ts", "methods.ts"]
      .map((f) => readFileSync(new URL(`../scripts/lib/${f}`, import.meta.url), "utf8"))
      .join("\n");
    const read = [...new Set(scripts.match(/x-client-[a-z-]+/g))];
    expect(read).toContain("x-client-required");
    for (const name of read) expect(rules, name).toContain(`\`${name}\``);
  });

  test("the request policy's refusals are described under Client rules", () => {
    expect(REQUEST_BODY_POLICY.refuseUnknownFields).toBe(true);
    expect(rules).toContain("a body field that its schema does not declare");
    expect(REQUEST_BODY_POLICY.refuseResponseReadOnlyFields).toBe(true);
    expect(rules).toContain("a body field that the operation's answer marks `readOnly`");
    expect(rules).toContain("a parameter that the operation does not declare");
    expect(rules).toContain("parameter text that a URL cannot carry");
  });
});

describe("the generator derives the validators from the spec", () => {
  test("a new OrgRole enum value in the spec is accepted by the regenerated validator", async () => {
    const changed = structuredClone(spec);
    (changed.components.schemas!.OrgRole!.enum as string[]).push("ORG_FUTURE_ROLE");
    const before = buildValidators(spec, "header");
    const after = buildValidators(changed, "header");
    expect(before).not.toContain("ORG_FUTURE_ROLE");
    expect(after).toContain('"ORG_FUTURE_ROLE"');

    const body = { roles: ["ORG_FUTURE_ROLE"] };
    expect(rules(validateOrganizationInvitationUpdateRequest(body))).toEqual([
      { path: "roles[0]", rule: "enum" },
    ]);
    const regenerated = fn(await load(after), "validateOrganizationInvitationUpdateRequest");
    expect(regenerated(body)).toEqual([]);
    expect(rules(regenerated({ roles: ["ORG_ADMIN"] }))).toEqual([
      { path: "roles[0]", rule: "enum" },
    ]);
  });

  test("a new field in a request schema is accepted once the spec declares it", async () => {
    const changed = structuredClone(spec);
    const schema = changed.components.schemas!.GroupInvitationUpdateRequest!;
    (schema.properties as Json).note = { type: "string", description: "A note." };
    const regenerated = fn(
      await load(buildValidators(changed, "h")),
      "validateGroupInvitationUpdateRequest",
    );
    expect(regenerated({ note: "hello" })).toEqual([]);
    expect(rules(regenerated({ note: 1 }))).toEqual([{ path: "note", rule: "type" }]);
    expect(rules(validateGroupInvitationUpdateRequest({ note: "hello" }))).toEqual([
      { path: "note", rule: "unknownField" },
    ]);
  });

  test("a synthetic schema set gets every rule it states", async () => {
    const code = buildValidators(tinySpec(tinySchemas()), "Synthetic.");
    expect(code).toContain("Synthetic.");
    const module = await load(code);
    const validate = fn(module, "validateThing");
    expect(module.requestValidators).toEqual({ Thing: validate });
    const ok = { name: "Écrit-à-la-main", when: "2024-02-29T23:59:60.5+05:30" };

    expect(validate(ok)).toEqual([]);
    expect(validate({ ...ok, count: null, ratio: -1.5, flag: false, color: "green" })).toEqual([]);
    expect(validate({ ...ok, tags: ["a", "b"], inner: { n: 3 } })).toEqual([]);
    expect(validate({ ...ok, tags: ["a"], code: "ab", level: 1 })).toEqual([]);
    expect(validate({ ...ok, tags: ["a", "b", "c"], code: "abcd", level: 5 })).toEqual([]);
    expect(validate(7)).toEqual([
      { path: "", rule: "type", message: "value: expected an object, got an integer" },
    ]);

    const cases: [Json, { path: string; rule: string }[]][] = [
      [
        {},
        [
          { path: "name", rule: "required" },
          { path: "when", rule: "required" },
        ],
      ],
      [{ name: undefined, when: ok.when }, [{ path: "name", rule: "required" }]],
      [{ ...ok, name: "has space" }, [{ path: "name", rule: "pattern" }]],
      [{ ...ok, when: "2023-02-29T00:00:00Z" }, [{ path: "when", rule: "format" }]],
      [{ ...ok, when: "2024-04-31T00:00:00Z" }, [{ path: "when", rule: "format" }]],
      [{ ...ok, when: "2024-01-01 00:00:00Z" }, [{ path: "when", rule: "format" }]],
      [{ ...ok, when: "2024-01-01T24:00:00Z" }, [{ path: "when", rule: "format" }]],
      [{ ...ok, when: "2024-01-01T00:00:00" }, [{ path: "when", rule: "format" }]],
      [{ ...ok, count: 1.5 }, [{ path: "count", rule: "type" }]],
      [{ ...ok, count: 2 ** 31 }, [{ path: "count", rule: "format" }]],
      [{ ...ok, ratio: NaN }, [{ path: "ratio", rule: "type" }]],
      [{ ...ok, ratio: "1" }, [{ path: "ratio", rule: "type" }]],
      [{ ...ok, flag: "true" }, [{ path: "flag", rule: "type" }]],
      [{ ...ok, color: "blue" }, [{ path: "color", rule: "enum" }]],
      [{ ...ok, color: null }, [{ path: "color", rule: "type" }]],
      [{ ...ok, tags: ["a", "a"] }, [{ path: "tags[1]", rule: "uniqueItems" }]],
      [{ ...ok, tags: [] }, [{ path: "tags", rule: "minItems" }]],
      [{ ...ok, tags: ["a", "b", "c", "d"] }, [{ path: "tags", rule: "maxItems" }]],
      [{ ...ok, code: "a" }, [{ path: "code", rule: "minLength" }]],
      [{ ...ok, code: "abcde" }, [{ path: "code", rule: "maxLength" }]],
      [{ ...ok, level: 0 }, [{ path: "level", rule: "minimum" }]],
      [{ ...ok, level: 6 }, [{ path: "level", rule: "maximum" }]],
      [{ ...ok, level: 2.5 }, [{ path: "level", rule: "type" }]],
      [{ ...ok, secret: "x" }, [{ path: "secret", rule: "readOnly" }]],
      [{ ...ok, id: "x" }, [{ path: "id", rule: "readOnly" }]],
      [
        { ...ok, inner: { n: "1", m: 2 } },
        [
          { path: "inner.n", rule: "type" },
          { path: "inner.m", rule: "unknownField" },
        ],
      ],
    ];
    for (const [body, expected] of cases)
      expect(rules(validate(body)), JSON.stringify(body)).toEqual(expected);

    // The whole call: the spec's parameters, then the body under "body".
    const input = inputOf(module);
    expect(input("updateThing", { thingId: "t1" }, { colors: ["red"] }, ok)).toEqual([]);
    expect(
      rules(
        input(
          "updateThing",
          { thingId: "x1" },
          { colors: ["red", "blue"], colour: 1 },
          { ...ok, count: 1.5 },
        ),
      ),
    ).toEqual([
      { path: "thingId", rule: "pattern" },
      { path: "colors[1]", rule: "enum" },
      { path: "colour", rule: "unknownParameter" },
      { path: "body.count", rule: "type" },
    ]);
    expect(rules(input("updateThing", {}, {}, undefined))).toEqual([
      { path: "thingId", rule: "required" },
      { path: "body", rule: "required" },
    ]);

    const schemas = tinySchemas();
    (schemas.Color as Json).enum = ["red", "green", "blue"];
    const widenedModule = await load(buildValidators(tinySpec(schemas), "h"));
    const widened = fn(widenedModule, "validateThing");
    expect(widened({ ...ok, color: "blue" })).toEqual([]);
    // The query parameter uses the same schema, so it widens too.
    const widenedInput = widenedModule.validateInput as typeof input;
    expect(widenedInput("updateThing", { thingId: "t1" }, { colors: ["blue"] }, ok)).toEqual([]);
  });

  test("refusing unknown fields is a policy the generator applies, and the spec can still close objects", async () => {
    const extra = { name: "a", when: "2024-01-01T00:00:00Z", extra: 1 };
    const open = { ...REQUEST_BODY_POLICY, refuseUnknownFields: false };
    const relaxed = fn(
      await load(buildValidators(tinySpec(tinySchemas()), "h", open)),
      "validateThing",
    );
    expect(relaxed(extra)).toEqual([]);
    expect(rules(relaxed({ ...extra, secret: "x" }))).toEqual([
      { path: "secret", rule: "readOnly" },
    ]);

    const schemas = tinySchemas();
    (schemas.Thing as Json).additionalProperties = false;
    const closed = fn(await load(buildValidators(tinySpec(schemas), "h", open)), "validateThing");
    expect(rules(closed(extra))).toEqual([{ path: "extra", rule: "unknownField" }]);

    const noResponseRule = { ...REQUEST_BODY_POLICY, refuseResponseReadOnlyFields: false };
    const plain = fn(
      await load(buildValidators(tinySpec(tinySchemas()), "h", noResponseRule)),
      "validateThing",
    );
    expect(rules(plain({ ...extra, extra: undefined, id: "x" }))).toEqual([
      { path: "id", rule: "unknownField" },
    ]);
  });

  test("x-client-required on a request body adds required fields for that operation only", async () => {
    const withExtension = (names: unknown): OpenApiDocument => {
      const doc = tinySpec(tinySchemas());
      const op = (doc.paths["/things/{thingId}"] as Record<string, Json>).patch!;
      (op.requestBody as Json)["x-client-required"] = names;
      return doc;
    };
    const module = await load(buildValidators(withExtension(["code", "name"]), "h"));
    const input = inputOf(module);
    const ok = { name: "a", when: "2024-01-01T00:00:00Z" };
    expect(input("updateThing", { thingId: "t1" }, {}, { ...ok, code: "ab" })).toEqual([]);
    // The schema already requires name and when; code is added, and nothing is named twice.
    expect(rules(input("updateThing", { thingId: "t1" }, {}, {}))).toEqual([
      { path: "body.name", rule: "required" },
      { path: "body.when", rule: "required" },
      { path: "body.code", rule: "required" },
    ]);
    // The schema's own validator keeps the spec's rules.
    expect(fn(module, "validateThing")(ok)).toEqual([]);

    const bad: [unknown, RegExp][] = [
      ["code", /updateThing: x-client-required must be a non-empty list of field names/],
      [[], /must be a non-empty list/],
      [["nickname"], /names nickname, which is not a writable field of Thing/],
      [["secret"], /names secret, which is not a writable field of Thing/],
    ];
    for (const [names, message] of bad) {
      expect(() => buildValidators(withExtension(names), "h"), String(names)).toThrow(message);
    }
  });

  test("a schema the generator cannot check fails generation, naming where and why", () => {
    const variants: [string, (s: Json) => void, RegExp][] = [
      [
        "oneOf",
        (s) => (((s.Thing as Json).properties as Json).name = { oneOf: [{ type: "string" }] }),
        /Thing\.name needs a type/,
      ],
      [
        "multipleOf",
        (s) => (((s.Thing as Json).properties as Json).name = { type: "integer", multipleOf: 2 }),
        /Thing\.name uses "multipleOf", which the validator generator does not support/,
      ],
      [
        "a schema in additionalProperties",
        (s) => ((s.Thing as Json).additionalProperties = { type: "string" }),
        /Thing has a schema in additionalProperties, which is not supported/,
      ],
      [
        "an enum value of another type",
        (s) => (((s.Thing as Json).properties as Json).name = { type: "string", enum: ["a", 1] }),
        /Thing\.name has enum value 1, which is not a string/,
      ],
      [
        "a format",
        (s) => (((s.Thing as Json).properties as Json).name = { type: "string", format: "uuid" }),
        /Thing\.name has format "uuid"/,
      ],
      [
        "a bad pattern",
        (s) => (((s.Thing as Json).properties as Json).name = { type: "string", pattern: "\\q" }),
        /Thing\.name has a pattern that is not a valid u-flag RegExp/,
      ],
      [
        "a misplaced keyword",
        (s) => (((s.Thing as Json).properties as Json).name = { type: "integer", pattern: "^1$" }),
        /does not apply to type integer/,
      ],
      [
        "uniqueItems over objects",
        (s) =>
          (((s.Thing as Json).properties as Json).tags = {
            type: "array",
            uniqueItems: true,
            items: { type: "object" },
          }),
        /Thing\.tags has uniqueItems over objects/,
      ],
    ];
    expect(() => buildValidators(tinySpec(tinySchemas()), "h")).not.toThrow();
    for (const [label, change, message] of variants) {
      const schemas = tinySchemas();
      change(schemas);
      expect(() => buildValidators(tinySpec(schemas), "h"), label).toThrow(message);
    }
    // Parameters are held to the same standard as bodies.
    const withUuid = tinySpec(tinySchemas());
    const item = withUuid.paths["/things/{thingId}"] as { parameters: Json[] };
    item.parameters[0]!.schema = { type: "string", format: "uuid" };
    expect(() => buildValidators(withUuid, "h")).toThrow(/updateThing\.thingId has format "uuid"/);
  });

  test("a parameter the client would not check or send as the spec says fails generation", () => {
    // The methods put every name that is not a path parameter into the query, exploded, and the
    // checks know no required query parameter: each of these would be skipped or sent wrongly.
    const variants: [string, Json, RegExp][] = [
      [
        "a required query parameter",
        { name: "since", in: "query", required: true, schema: { type: "string" } },
        /updateThing\.since is a required query parameter, which the generator does not support/,
      ],
      [
        "a header parameter",
        { name: "X-Trace", in: "header", schema: { type: "string" } },
        /updateThing\.X-Trace is a header parameter; only path and query parameters are supported/,
      ],
      [
        "a cookie parameter",
        { name: "session", in: "cookie", schema: { type: "string" } },
        /updateThing\.session is a cookie parameter; only path and query parameters are supported/,
      ],
      [
        "a query array not exploded",
        {
          name: "ids",
          in: "query",
          explode: false,
          schema: { type: "array", items: ref("Color") },
        },
        /updateThing\.ids is serialised with style "form", explode false/,
      ],
      [
        "a pipe-delimited query array",
        {
          name: "ids",
          in: "query",
          style: "pipeDelimited",
          schema: { type: "array", items: ref("Color") },
        },
        /updateThing\.ids is serialised with style "pipeDelimited"/,
      ],
      [
        "a parameter given by content",
        {
          name: "filter",
          in: "query",
          content: { "application/json": { schema: { type: "object" } } },
        },
        /updateThing\.filter has no schema/,
      ],
    ];
    for (const [label, param, message] of variants) {
      const doc = tinySpec(tinySchemas());
      const op = (doc.paths["/things/{thingId}"] as Record<string, Json>).patch!;
      (op.parameters as Json[]).push(param);
      expect(() => buildValidators(doc, "h"), label).toThrow(message);
    }
    // The defaults, written out, are what the client does.
    const doc = tinySpec(tinySchemas());
    const op = (doc.paths["/things/{thingId}"] as Record<string, Json>).patch!;
    (op.parameters as Json[]).push({
      name: "ids",
      in: "query",
      required: false,
      style: "form",
      explode: true,
      schema: { type: "array", items: ref("Color") },
    });
    expect(() => buildValidators(doc, "h")).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: bodies built from valid parts pass; one injected defect is reported at its path.

const hexId = fc.stringMatching(HEX_ID);
const notHexId = fc.string({ maxLength: 30 }).filter((s) => !HEX_ID.test(s));
const projectRole = fc.oneof(fc.constantFrom(...PROJECT_ROLES), fc.string({ maxLength: 40 }));
const orgRoles = fc.uniqueArray(fc.constantFrom(...ORG_ROLES), { maxLength: ORG_ROLES.length });
const projectRoles = fc.uniqueArray(projectRole, { maxLength: 5 });
const assignment = fc.record({ groupId: hexId, roles: projectRoles }, { requiredKeys: [] });
const orgBody = fc.record(
  {
    groupRoleAssignments: fc.array(assignment, { maxLength: 4 }),
    roles: orgRoles,
    teamIds: fc.uniqueArray(fc.oneof(hexId, fc.string({ maxLength: 30 })), { maxLength: 4 }),
  },
  { requiredKeys: [] },
);
const groupBody = fc.record(
  { roles: projectRoles, username: fc.emailAddress() },
  { requiredKeys: [] },
);
const groupUpdateBody = fc.record({ roles: projectRoles }, { requiredKeys: [] });

/** Values that are not strings, for a string's place (undefined too: in an array it becomes null). */
const notString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
/** Values that are not arrays, for an array field (undefined excluded: the field is then absent). */
const notArray = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.object({ maxDepth: 1 }),
);
const notEmail = fc.oneof(
  fc.string().filter((s) => !s.includes("@")),
  fc.emailAddress().map((e) => e.replace("@", " @")),
  fc
    .emailAddress()
    .map((e) => e.slice(0, e.lastIndexOf(".")))
    .filter((e) => !e.slice(e.indexOf("@")).includes(".")),
  fc.emailAddress().map((e) => `@${e.slice(e.indexOf("@") + 1)}`),
  fc.emailAddress().map((e) => e.replace("@", "@@")),
);
/** Values that are not objects, for an entry of groupRoleAssignments. */
const notObject = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.object({ maxDepth: 1 }), { maxLength: 2 }),
);
/** Field names that are plain identifiers, so the path is the name itself. */
const identifier = fc.stringMatching(/^[A-Za-z_$][\w$]{0,15}$/);

interface Defect {
  body: Json;
  path: string;
  rule: string;
}

/** Inserts `value` into a copy of `list` at a generated position, returning the copy and the index. */
function insertAt<T>(list: readonly T[], value: T, at: number): [T[], number] {
  const index = at % (list.length + 1);
  return [[...list.slice(0, index), value, ...list.slice(index)], index];
}

function unknownOrReadOnly(
  body: Json,
  fields: readonly string[],
  readOnly: readonly string[],
): fc.Arbitrary<Defect>[] {
  return [
    fc
      .tuple(
        identifier.filter((k) => !fields.includes(k) && !readOnly.includes(k)),
        fc.anything(),
      )
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => ({
        body: { ...body, [key]: value },
        path: key,
        rule: "unknownField",
      })),
    fc
      .tuple(fc.constantFrom(...readOnly), fc.anything())
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => ({ body: { ...body, [key]: value }, path: key, rule: "readOnly" })),
  ];
}

function arrayDefects(
  body: Json,
  field: string,
  item: fc.Arbitrary<unknown>,
): fc.Arbitrary<Defect>[] {
  const list = (body[field] as unknown[] | undefined) ?? [];
  return [
    notArray.map((value) => ({ body: { ...body, [field]: value }, path: field, rule: "type" })),
    fc.tuple(notString, fc.nat()).map(([value, at]) => {
      const [next, index] = insertAt(list, value, at);
      return { body: { ...body, [field]: next }, path: `${field}[${index}]`, rule: "type" };
    }),
    fc.tuple(item, fc.nat()).map(([value, at]) => {
      const source = list.length > 0 ? list : [value];
      const repeated = source[at % source.length];
      const next = [...source, repeated];
      return {
        body: { ...body, [field]: next },
        path: `${field}[${next.length - 1}]`,
        rule: "uniqueItems",
      };
    }),
  ];
}

const orgDefects = orgBody.chain((body: Json) => {
  const assignments = (body.groupRoleAssignments as Json[] | undefined) ?? [];
  return fc.oneof(
    ...unknownOrReadOnly(body, BODIES[0]!.fields, BODIES[0]!.readOnly),
    ...arrayDefects(body, "roles", fc.constantFrom(...ORG_ROLES)),
    ...arrayDefects(body, "teamIds", hexId),
    fc
      .tuple(
        fc.string().filter((s) => !ORG_ROLES.includes(s)),
        fc.nat(),
      )
      .map(([role, at]) => {
        const [roles, index] = insertAt((body.roles as string[] | undefined) ?? [], role, at);
        return { body: { ...body, roles }, path: `roles[${index}]`, rule: "enum" };
      }),
    notArray.map((value) => ({
      body: { ...body, groupRoleAssignments: value },
      path: "groupRoleAssignments",
      rule: "type",
    })),
    fc.tuple(assignment, notHexId, fc.nat()).map(([entry, groupId, at]) => {
      const [next, index] = insertAt(assignments, { ...entry, groupId }, at);
      return {
        body: { ...body, groupRoleAssignments: next },
        path: `groupRoleAssignments[${index}].groupId`,
        rule: "pattern",
      };
    }),
    fc
      .tuple(
        assignment,
        notString.filter((v) => v !== undefined),
        fc.nat(),
      )
      .map(([entry, groupId, at]) => {
        const [next, index] = insertAt(assignments, { ...entry, groupId }, at);
        return {
          body: { ...body, groupRoleAssignments: next },
          path: `groupRoleAssignments[${index}].groupId`,
          rule: "type",
        };
      }),
    fc.tuple(assignment, fc.nat()).chain(([entry, at]) =>
      fc.oneof(
        ...arrayDefects(entry, "roles", projectRole).map((defect) =>
          defect.map((d) => {
            const [next, index] = insertAt(assignments, d.body, at);
            return {
              body: { ...body, groupRoleAssignments: next },
              path: `groupRoleAssignments[${index}].${d.path}`,
              rule: d.rule,
            };
          }),
        ),
        fc
          .tuple(
            identifier.filter((k) => k !== "groupId" && k !== "roles"),
            fc.integer(),
          )
          .map(([key, value]) => {
            const [next, index] = insertAt(assignments, { ...entry, [key]: value }, at);
            return {
              body: { ...body, groupRoleAssignments: next },
              path: `groupRoleAssignments[${index}].${key}`,
              rule: "unknownField",
            };
          }),
      ),
    ),
    fc.tuple(notObject, fc.nat()).map(([value, at]) => {
      const [next, index] = insertAt<unknown>(assignments, value, at);
      return {
        body: { ...body, groupRoleAssignments: next },
        path: `groupRoleAssignments[${index}]`,
        rule: "type",
      };
    }),
  );
});

function groupDefects(fields: string[], readOnly: string[], withUsername: boolean) {
  return (body: Json): fc.Arbitrary<Defect> =>
    fc.oneof(
      ...unknownOrReadOnly(body, fields, readOnly),
      ...arrayDefects(body, "roles", projectRole),
      ...(withUsername
        ? [
            notEmail.map((username) => ({
              body: { ...body, username },
              path: "username",
              rule: "format",
            })),
            notString
              .filter((v) => v !== undefined)
              .map((username) => ({ body: { ...body, username }, path: "username", rule: "type" })),
          ]
        : []),
    );
}

describe("properties (fast-check)", () => {
  const runs = { numRuns: 1000 };
  const cases: [string, Validate, fc.Arbitrary<Json>, fc.Arbitrary<Defect>][] = [
    [
      "OrganizationInvitationUpdateRequest",
      validateOrganizationInvitationUpdateRequest,
      orgBody,
      orgDefects,
    ],
    [
      "GroupInvitationRequest",
      validateGroupInvitationRequest,
      groupBody,
      groupBody.chain(groupDefects(BODIES[1]!.fields, BODIES[1]!.readOnly, true)),
    ],
    [
      "GroupInvitationUpdateRequest",
      validateGroupInvitationUpdateRequest,
      groupUpdateBody,
      groupUpdateBody.chain(groupDefects(BODIES[2]!.fields, BODIES[2]!.readOnly, false)),
    ],
  ];

  test.each(cases)("%s: bodies built from valid parts pass", (_name, validate, valid) => {
    fc.assert(
      fc.property(valid, (body) => {
        expect(validate(body)).toEqual([]);
        // What passes is what is sent: the checked fields survive a JSON round trip unchanged.
        expect(validate(JSON.parse(JSON.stringify(body)))).toEqual([]);
      }),
      runs,
    );
  });

  test.each(cases)(
    "%s: one injected defect is reported, at its path",
    (_name, validate, _valid, defects) => {
      fc.assert(
        fc.property(defects, ({ body, path, rule }) => {
          expect(rules(validate(body))).toEqual([{ path, rule }]);
        }),
        runs,
      );
    },
  );

  test("entries of groupRoleAssignments validate on their own as well", () => {
    fc.assert(
      fc.property(assignment, (entry) => {
        expect(validateOrganizationInvitationGroupRoleAssignmentsRequest(entry)).toEqual([]);
      }),
      runs,
    );
  });
});
