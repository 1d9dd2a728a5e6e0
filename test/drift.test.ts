/**
 * The upstream drift report. Each fixture is our own bundled spec with one change applied (or the
 * upstream-shaped fixture in test/fixtures/drift/), and each test pins every breaking and notable
 * difference the change produces, with its class. A few tests run the CLI to pin exit codes.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { operationDetails } from "../generated/operations.js";
import { sentVersionOf } from "../scripts/lib/drift/operations.js";
import { listOperations, RefResolver } from "../scripts/lib/openapi.js";
import {
  compareSpecs,
  DriftInputError,
  formatText,
  loadSpec,
  parseSpec,
  toJsonView,
  type DriftReport,
  type Severity,
} from "../scripts/lib/drift/index.js";

type Doc = Record<string, unknown>;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const oursText = readFileSync(path.join(root, "generated/openapi.json"), "utf8");
const multiVersionPath = path.join(root, "test/fixtures/drift/v2-multi-version.yaml");
const multiVersionText = readFileSync(multiVersionPath, "utf8");

const ORG = "/api/atlas/v2/orgs/{orgId}/invites/{invitationId}";
const GROUP = "/api/atlas/v2/groups/{groupId}/invites";
const GROUP_BY_ID = "/api/atlas/v2/groups/{groupId}/invites/{invitationId}";
const V1 = "application/vnd.atlas.2023-01-01+json";
const V2 = "application/vnd.atlas.2025-02-19+json";
const ORG_USERS = "/api/atlas/v2/orgs/{orgId}/users";
const ADD_ROLE = "/api/atlas/v2/groups/{groupId}/users/{userId}:addRole";
const REMOVE_ROLE = "/api/atlas/v2/groups/{groupId}/users/{userId}:removeRole";

/** Our eleven operations in document order: the invitation operations, then their successors. */
const INVITATION_OPS = [
  "getOrgInvite",
  "updateOrgInviteById",
  "updateGroupInvites",
  "updateGroupInviteById",
];
const SUCCESSOR_OPS = [
  "listOrgUsers",
  "getOrgUser",
  "updateOrgUser",
  "listGroupUsers",
  "getGroupUser",
  "addGroupUserRole",
  "removeGroupUserRole",
];
const ALL_OPS = [...INVITATION_OPS, ...SUCCESSOR_OPS];

function ours(): Doc {
  return JSON.parse(oursText) as Doc;
}

function multiVersion(): Doc {
  return parseYaml(multiVersionText) as Doc;
}

const changesDir = path.join(root, "test/fixtures/drift/changes");

/**
 * The multi-version fixture with one upstream change laid over it, read from
 * test/fixtures/drift/changes/<name>.yaml. A change file holds `paths` only: each method it
 * names replaces that method (a path item created if need be), `null` for a method removes it,
 * and `null` for a whole path item removes the path.
 */
function changed(name: string): Doc {
  const doc = multiVersion();
  const change = parseYaml(readFileSync(path.join(changesDir, `${name}.yaml`), "utf8")) as Doc;
  const paths = obj(doc, "paths");
  for (const [where, item] of Object.entries(obj(change, "paths"))) {
    if (item === null) {
      if (!(where in paths)) throw new Error(`${name}: no path ${where} to remove`);
      delete paths[where];
      continue;
    }
    const target = (paths[where] ??= {}) as Doc;
    for (const [method, op] of Object.entries(item as Doc)) {
      if (op === null) delete target[method];
      else target[method] = op;
    }
  }
  return doc;
}

/** Our spec against the multi-version fixture with the change `name` applied. */
function driftWith(name: string): DriftReport {
  return compareSpecs(ours(), changed(name), name);
}

function differenceOf(report: DriftReport, operationId: string, kind: string) {
  return report.operations
    .find((op) => op.operationId === operationId)
    ?.differences.find((d) => d.kind === kind);
}

/** The object at `keys` below `node`; throws when a step is missing, so a typo fails the test. */
function obj(node: unknown, ...keys: string[]): Doc {
  let current = node;
  for (const key of keys) {
    if (typeof current !== "object" || current === null) throw new Error(`no ${keys.join(" > ")}`);
    current = (current as Doc)[key];
  }
  if (typeof current !== "object" || current === null) throw new Error(`no ${keys.join(" > ")}`);
  return current as Doc;
}

const schema = (doc: Doc, name: string) => obj(doc, "components", "schemas", name);
/** The fields OrgPendingUserResponse adds to OrgUserResponse: the second member of its allOf. */
const pendingOwn = (doc: Doc) => obj(schema(doc, "OrgPendingUserResponse"), "allOf", "1");
const prop = (doc: Doc, name: string, property: string) =>
  obj(doc, "components", "schemas", name, "properties", property);
/**
 * Our two enums of organization roles: OrgRole (the invitation schemas) and OrgUserRole (the
 * Cloud Users schemas), the same seven values in the two orders upstream gives them. A change to
 * the organization roles upstream is made to both here.
 */
const orgRoleSchemas = (doc: Doc) => [schema(doc, "OrgRole"), schema(doc, "OrgUserRole")];

/** Our spec against our spec with `change` applied. */
function driftOf(change: (upstream: Doc) => void, base: () => Doc = ours): DriftReport {
  const upstream = base();
  change(upstream);
  return compareSpecs(ours(), upstream, "fixture");
}

/** Every difference of the given classes as `operation | class | kind | where`, sorted. */
function lines(report: DriftReport, classes: Severity[] = ["breaking", "notable"]): string[] {
  const all = [
    ...report.operations.flatMap((op) => op.differences.map((d) => ({ op: op.operationId, ...d }))),
    ...report.securitySchemes.map((d) => ({ op: "security", ...d })),
  ];
  return all
    .filter((d) => classes.includes(d.severity))
    .map((d) => `${d.op} | ${d.severity} | ${d.kind} | ${d.where}`)
    .sort();
}

describe("comparison", () => {
  it("finds no difference at all between our bundled spec and itself", () => {
    const report = compareSpecs(ours(), ours(), "self");
    expect(report.counts).toEqual({ breaking: 0, notable: 0, cosmetic: 0 });
    expect(report.operations.map((op) => op.operationId)).toEqual(ALL_OPS);
    expect(report.operations.every((op) => op.differences.length === 0)).toBe(true);
    expect(report.securitySchemes).toEqual([]);
    expect(report.problems).toEqual([]);
  });

  it("reads the multi-version layout: sunset on the 200 media type, extra versions elsewhere", () => {
    const report = compareSpecs(ours(), multiVersion(), "v2");
    expect(report.counts.breaking).toBe(0);
    expect(report.counts.notable).toBe(0);
    // The prose is ours, so descriptions differ; they are cosmetic only.
    expect(report.counts.cosmetic).toBeGreaterThan(0);
    expect(report.upstream).toEqual({
      source: "v2",
      title: "MongoDB Atlas Administration API",
      version: "2.0",
    });
  });

  it("reads the sunset of our version from the multi-version layout", () => {
    const report = driftOf((doc) => {
      const media = obj(doc, "paths", ORG, "get", "responses", "200", "content", V1);
      media["x-sunset"] = "2026-09-15";
      // Another operation's sunset, and another version's, are not ours to report.
      obj(doc, "paths", GROUP, "post", "responses", "200", "content", V1)["x-sunset"] =
        "2025-01-01";
    }, multiVersion);
    expect(lines(report)).toEqual(["getOrgInvite | notable | sunset-changed | operation"]);
    const diff = report.operations[0]?.differences.find((d) => d.kind === "sunset-changed");
    expect(diff).toMatchObject({ ours: "2027-07-01", upstream: "2026-09-15" });
  });

  it("reads the sunset from the operation in a dated file", () => {
    const report = driftOf((doc) => {
      obj(doc, "paths", GROUP, "patch")["x-sunset"] = "2027-12-31";
    });
    expect(lines(report)).toEqual(["updateGroupInvites | notable | sunset-changed | operation"]);
  });

  it("reports a renamed operationId as notable and keeps matching by method and path", () => {
    const report = driftOf((doc) => {
      obj(doc, "paths", ORG, "get").operationId = "getOrganizationInvitation";
    });
    expect(lines(report)).toEqual(["getOrgInvite | notable | operation-renamed | operation"]);
    expect(report.operations[0]?.upstream).toEqual({
      operationId: "getOrganizationInvitation",
      method: "GET",
      path: ORG,
    });
  });

  it("finds a moved operation by its operationId and calls the move breaking", () => {
    const report = driftOf((doc) => {
      const paths = obj(doc, "paths");
      const item = obj(paths, GROUP_BY_ID);
      delete paths[GROUP_BY_ID];
      paths["/api/atlas/v2/groups/{groupId}/invitations/{invitationId}"] = item;
    });
    expect(lines(report)).toEqual([
      "updateGroupInviteById | breaking | operation-moved | operation",
    ]);
    expect(report.operations[3]?.upstream?.path).toBe(
      "/api/atlas/v2/groups/{groupId}/invitations/{invitationId}",
    );
  });

  it("calls a changed method breaking", () => {
    const report = driftOf((doc) => {
      const item = obj(doc, "paths", GROUP);
      item.put = item.patch;
      delete item.patch;
    });
    expect(lines(report)).toEqual(["updateGroupInvites | breaking | operation-moved | operation"]);
    expect(report.operations[2]?.upstream?.method).toBe("PUT");
  });

  it("calls a removed operation breaking", () => {
    const report = driftOf((doc) => {
      delete obj(doc, "paths")[GROUP_BY_ID];
    });
    expect(lines(report)).toEqual([
      "updateGroupInviteById | breaking | operation-removed | operation",
    ]);
    expect(report.operations[3]?.upstream).toBeNull();
  });

  it("calls a new required request field breaking", () => {
    const report = driftOf((doc) => {
      const s = schema(doc, "GroupInvitationUpdateRequest");
      obj(s, "properties").note = { type: "string", description: "Why." };
      s.required = ["note"];
    });
    expect(lines(report)).toEqual([
      `updateGroupInviteById | breaking | property-added | request ${V1} body.note`,
    ]);
  });

  it("calls a new optional response field notable", () => {
    const report = driftOf((doc) => {
      obj(schema(doc, "GroupInvitation"), "properties").status = { type: "string" };
    });
    expect(lines(report)).toEqual([
      `updateGroupInviteById | notable | property-added | response 200 ${V1} body.status`,
      `updateGroupInvites | notable | property-added | response 200 ${V1} body.status`,
    ]);
  });

  it("calls a removed request field breaking and a removed optional response field notable", () => {
    const report = driftOf((doc) => {
      delete obj(schema(doc, "GroupInvitationRequest"), "properties").username;
      delete obj(schema(doc, "GroupInvitation"), "properties").groupName;
    });
    expect(lines(report)).toEqual([
      `updateGroupInviteById | notable | property-removed | response 200 ${V1} body.groupName`,
      `updateGroupInvites | breaking | property-removed | request ${V1} body.username`,
      `updateGroupInvites | notable | property-removed | response 200 ${V1} body.groupName`,
    ]);
  });

  it("calls a removed enum value breaking where we send it and notable where Atlas returns it", () => {
    const report = driftOf((doc) => {
      for (const roles of orgRoleSchemas(doc)) {
        roles.enum = (roles.enum as string[]).filter((role) => role !== "ORG_READ_ONLY");
      }
    });
    // Once per place: the union's variants loop back on OrgUserResponse, whose roles are
    // compared once, not again under each variant.
    expect(lines(report)).toEqual([
      `getOrgInvite | notable | enum-value-removed | response 200 ${V1} body.roles[]`,
      `getOrgUser | notable | enum-value-removed | response 200 ${V2} body.roles.orgRoles[]`,
      `listOrgUsers | notable | enum-value-removed | response 200 ${V2} body.results[].roles.orgRoles[]`,
      `updateOrgInviteById | breaking | enum-value-removed | request ${V1} body.roles[]`,
      `updateOrgInviteById | notable | enum-value-removed | response 200 ${V1} body.roles[]`,
      `updateOrgUser | breaking | enum-value-removed | request ${V2} body.roles.orgRoles[]`,
      `updateOrgUser | notable | enum-value-removed | response 200 ${V2} body.roles.orgRoles[]`,
    ]);
    const diff = report.operations[1]?.differences.find((d) => d.severity === "breaking");
    expect(diff?.ours).toEqual(["ORG_READ_ONLY"]);
  });

  it("calls a new enum value notable in requests and breaking in responses", () => {
    const report = driftOf((doc) => {
      for (const roles of orgRoleSchemas(doc)) (roles.enum as string[]).push("ORG_AUDITOR");
    });
    expect(lines(report)).toEqual([
      `getOrgInvite | breaking | enum-value-added | response 200 ${V1} body.roles[]`,
      `getOrgUser | breaking | enum-value-added | response 200 ${V2} body.roles.orgRoles[]`,
      `listOrgUsers | breaking | enum-value-added | response 200 ${V2} body.results[].roles.orgRoles[]`,
      `updateOrgInviteById | breaking | enum-value-added | response 200 ${V1} body.roles[]`,
      `updateOrgInviteById | notable | enum-value-added | request ${V1} body.roles[]`,
      `updateOrgUser | breaking | enum-value-added | response 200 ${V2} body.roles.orgRoles[]`,
      `updateOrgUser | notable | enum-value-added | request ${V2} body.roles.orgRoles[]`,
    ]);
  });

  it("classes a dropped or a new enum by direction", () => {
    const dropped = driftOf((doc) => {
      for (const roles of orgRoleSchemas(doc)) delete roles.enum;
    });
    expect(lines(dropped)).toEqual([
      `getOrgInvite | breaking | enum-removed | response 200 ${V1} body.roles[]`,
      `getOrgUser | breaking | enum-removed | response 200 ${V2} body.roles.orgRoles[]`,
      `listOrgUsers | breaking | enum-removed | response 200 ${V2} body.results[].roles.orgRoles[]`,
      `updateOrgInviteById | breaking | enum-removed | response 200 ${V1} body.roles[]`,
      `updateOrgInviteById | notable | enum-removed | request ${V1} body.roles[]`,
      `updateOrgUser | breaking | enum-removed | response 200 ${V2} body.roles.orgRoles[]`,
      `updateOrgUser | notable | enum-removed | request ${V2} body.roles.orgRoles[]`,
    ]);
    const added = driftOf((doc) => {
      prop(doc, "GroupInvitationUpdateRequest", "roles").items = {
        type: "string",
        enum: ["GROUP_OWNER", "GROUP_READ_ONLY"],
      };
    });
    expect(lines(added)).toEqual([
      `updateGroupInviteById | breaking | enum-added | request ${V1} body.roles[]`,
    ]);
  });

  it("calls a changed parameter pattern breaking", () => {
    const report = driftOf((doc) => {
      obj(doc, "components", "parameters", "OrgId", "schema").pattern = "^([a-f0-9]{32})$";
    });
    expect(lines(report)).toEqual(
      ["getOrgInvite", "getOrgUser", "listOrgUsers", "updateOrgInviteById", "updateOrgUser"].map(
        (op) => `${op} | breaking | pattern-changed | parameter orgId (path) schema`,
      ),
    );
  });

  it("calls a changed body pattern breaking and an added one breaking only in requests", () => {
    const report = driftOf((doc) => {
      prop(doc, "GroupInvitation", "id").pattern = "^[0-9]+$";
      prop(doc, "GroupInvitationRequest", "username").pattern = "^\\S+@\\S+$";
      prop(doc, "OrganizationInvitation", "username").pattern = "^\\S+@\\S+$";
    });
    expect(lines(report)).toEqual([
      `getOrgInvite | notable | pattern-changed | response 200 ${V1} body.username`,
      `updateGroupInviteById | breaking | pattern-changed | response 200 ${V1} body.id`,
      `updateGroupInvites | breaking | pattern-changed | request ${V1} body.username`,
      `updateGroupInvites | breaking | pattern-changed | response 200 ${V1} body.id`,
      `updateOrgInviteById | notable | pattern-changed | response 200 ${V1} body.username`,
    ]);
  });

  it("reports a new version date once for the operation, as notable", () => {
    const report = driftOf((doc) => {
      const op = obj(doc, "paths", GROUP_BY_ID, "patch");
      const request = obj(op, "requestBody", "content");
      request["application/vnd.atlas.2025-03-12+json"] = request[V1];
      const response = obj(op, "responses", "200", "content");
      response["application/vnd.atlas.2025-03-12+json"] = response[V1];
    });
    expect(lines(report)).toEqual([
      "updateGroupInviteById | notable | version-added | version 2025-03-12",
    ]);
    expect(report.counts).toMatchObject({ breaking: 0, notable: 1 });
  });

  it("compares our gone version with upstream's replacement version", () => {
    const NEXT = "application/vnd.atlas.2025-03-12+json";
    const report = driftOf((doc) => {
      const content = obj(doc, "paths", GROUP_BY_ID, "patch", "requestBody", "content");
      content[NEXT] = {
        schema: {
          type: "object",
          required: ["roles"],
          properties: { roles: { type: "array", items: { type: "string" } } },
        },
      };
      delete content[V1];
    });
    // The request body no longer takes the version our client sends, although the answer still
    // comes in it: breaking there. The new version is new to the whole operation: one line.
    expect(lines(report)).toEqual([
      `updateGroupInviteById | breaking | required-changed | request ${NEXT} body.roles`,
      `updateGroupInviteById | breaking | version-removed | request ${V1}`,
      `updateGroupInviteById | notable | unique-items-changed | request ${NEXT} body.roles`,
      "updateGroupInviteById | notable | version-added | version 2025-03-12",
    ]);
  });

  it("calls the version our client sends breaking when it is gone, and another version notable", () => {
    const report = driftOf((doc) => {
      const sent = obj(doc, "paths", ORG_USERS, "get", "responses", "200", "content");
      delete sent[V2];
      const old = obj(doc, "paths", "/api/atlas/v2/groups/{groupId}/users", "get", "responses");
      delete obj(old, "200", "content")[V1];
    });
    expect(lines(report)).toEqual([
      "listGroupUsers | notable | version-removed | version 2023-01-01",
      "listOrgUsers | breaking | version-removed | version 2025-02-19",
    ]);
  });

  it("calls a new error status notable and a new success status breaking", () => {
    const report = driftOf((doc) => {
      const responses = obj(doc, "paths", ORG, "patch", "responses");
      responses["409"] = { $ref: "#/components/responses/BadRequest" };
      responses["202"] = { description: "Accepted." };
      delete obj(doc, "paths", ORG, "get", "responses")["429"];
    });
    expect(lines(report)).toEqual([
      "getOrgInvite | notable | status-removed | response 429",
      "updateOrgInviteById | breaking | status-added | response 202",
      "updateOrgInviteById | notable | status-added | response 409",
    ]);
  });

  it("calls a new response header notable and a header type change breaking", () => {
    const report = driftOf((doc) => {
      const headers = obj(doc, "paths", GROUP, "patch", "responses", "200", "headers");
      headers["Deprecation"] = { schema: { type: "string" } };
      obj(doc, "components", "headers", "RetryAfter", "schema").type = "string";
    });
    expect(lines(report)).toEqual(
      [
        ...ALL_OPS.map((op) => `${op} | breaking | type-changed | response 429 header Retry-After`),
        "updateGroupInvites | notable | header-added | response 200 header Deprecation",
      ].sort(),
    );
  });

  it("matches header names without regard to case", () => {
    const report = driftOf((doc) => {
      const headers = obj(doc, "paths", GROUP, "patch", "responses", "200", "headers");
      headers["ratelimit-limit"] = headers["RateLimit-Limit"];
      delete headers["RateLimit-Limit"];
    });
    expect(lines(report, ["breaking", "notable", "cosmetic"])).toEqual([]);
  });

  it("calls a response field becoming nullable breaking and a request field notable", () => {
    const report = driftOf((doc) => {
      prop(doc, "ApiError", "errorCode").nullable = true;
      prop(doc, "GroupInvitationUpdateRequest", "roles").nullable = true;
    });
    const found = lines(report);
    expect(found).toContain(
      "getOrgInvite | breaking | nullable-changed | response 404 application/json body.errorCode",
    );
    expect(found).toContain(
      `updateGroupInviteById | notable | nullable-changed | request ${V1} body.roles`,
    );
    expect(found).toContain(
      "addGroupUserRole | breaking | nullable-changed | response 409 application/json body.errorCode",
    );
    // Every error status of every operation, plus the request field: six on each invitation
    // operation, and on the successors six, except listGroupUsers (no 400: five) and the two
    // role operations (409 as well: seven).
    const errorStatuses = 4 * 6 + (6 + 6 + 6 + 5 + 6 + 7 + 7);
    expect(found).toHaveLength(errorStatuses + 1);
    expect(found.filter((l) => l.includes("| breaking |"))).toHaveLength(errorStatuses);
  });

  it("calls type and format changes breaking", () => {
    const report = driftOf((doc) => {
      prop(doc, "GroupInvitationRequest", "username").type = "integer";
      prop(doc, "OrganizationInvitation", "inviterUsername").format = "uri";
    });
    expect(lines(report)).toEqual([
      `getOrgInvite | breaking | format-changed | response 200 ${V1} body.inviterUsername`,
      `updateGroupInvites | breaking | type-changed | request ${V1} body.username`,
      `updateOrgInviteById | breaking | format-changed | response 200 ${V1} body.inviterUsername`,
    ]);
  });

  it("calls a request field turning read-only breaking", () => {
    const report = driftOf((doc) => {
      prop(doc, "OrganizationInvitationUpdateRequest", "teamIds").readOnly = true;
      prop(doc, "OrganizationInvitation", "orgName").readOnly = true;
    });
    expect(lines(report)).toEqual([
      `getOrgInvite | notable | read-only-changed | response 200 ${V1} body.orgName`,
      `updateOrgInviteById | breaking | read-only-changed | request ${V1} body.teamIds`,
      `updateOrgInviteById | notable | read-only-changed | response 200 ${V1} body.orgName`,
    ]);
  });

  it("classes required changes by direction", () => {
    const report = driftOf((doc) => {
      schema(doc, "GroupInvitationRequest").required = ["username"];
      delete schema(doc, "OrganizationInvitation").required;
    });
    expect(lines(report)).toEqual([
      `getOrgInvite | breaking | required-changed | response 200 ${V1} body.orgName`,
      `updateGroupInvites | breaking | required-changed | request ${V1} body.username`,
      `updateOrgInviteById | breaking | required-changed | response 200 ${V1} body.orgName`,
    ]);
  });

  it("classes uniqueItems by direction", () => {
    const report = driftOf((doc) => {
      prop(doc, "OrganizationInvitationUpdateRequest", "groupRoleAssignments").uniqueItems = true;
      delete prop(doc, "GroupInvitationUpdateRequest", "roles").uniqueItems;
    });
    expect(lines(report)).toEqual([
      `updateGroupInviteById | notable | unique-items-changed | request ${V1} body.roles`,
      `updateOrgInviteById | breaking | unique-items-changed | request ${V1} body.groupRoleAssignments`,
    ]);
  });

  it("compares parameters: added, removed, required, default", () => {
    const report = driftOf((doc) => {
      const getParams = obj(doc, "paths", ORG, "get").parameters as unknown[];
      getParams.push({ name: "includeTeams", in: "query", schema: { type: "boolean" } });
      getParams.push({ name: "region", in: "query", required: true, schema: { type: "string" } });
      const patch = obj(doc, "paths", GROUP, "patch");
      patch.parameters = [{ $ref: "#/components/parameters/Envelope" }];
      const envelope = obj(doc, "components", "parameters", "Envelope");
      obj(envelope, "schema").default = true;
    });
    const envelope = (op: string) =>
      `${op} | breaking | default-changed | parameter envelope (query) schema`;
    expect(lines(report)).toEqual(
      [
        ...ALL_OPS.map(envelope),
        "getOrgInvite | breaking | parameter-added | parameter region (query)",
        "getOrgInvite | notable | parameter-added | parameter includeTeams (query)",
        "updateGroupInvites | breaking | parameter-removed | parameter pretty (query)",
      ].sort(),
    );
  });

  it("calls a parameter that became required breaking", () => {
    const report = driftOf((doc) => {
      obj(doc, "components", "parameters", "Pretty").required = true;
    });
    // Every operation but two invitation operations takes `pretty`.
    const withPretty = ALL_OPS.filter(
      (op) => op !== "getOrgInvite" && op !== "updateGroupInviteById",
    );
    expect(lines(report)).toEqual(
      withPretty
        .map((op) => `${op} | breaking | parameter-required-changed | parameter pretty (query)`)
        .sort(),
    );
  });

  it("treats a renamed path placeholder as the same URL", () => {
    const report = driftOf((doc) => {
      const paths = obj(doc, "paths");
      const item = obj(paths, GROUP);
      delete paths[GROUP];
      paths["/api/atlas/v2/groups/{projectId}/invites"] = item;
      item.parameters = [{ ...obj(doc, "components", "parameters", "GroupId"), name: "projectId" }];
    });
    expect(lines(report)).toEqual([]);
    expect(lines(report, ["cosmetic"])).toEqual([
      "updateGroupInvites | cosmetic | parameter-renamed | parameter groupId (path)",
    ]);
  });

  it("classes request body changes", () => {
    const report = driftOf((doc) => {
      obj(doc, "paths", GROUP, "patch", "requestBody").required = false;
      delete obj(doc, "paths", GROUP_BY_ID, "patch").requestBody;
    });
    expect(lines(report)).toEqual([
      "updateGroupInviteById | breaking | request-body-removed | request body",
      "updateGroupInvites | notable | request-body-required-changed | request body",
    ]);
  });

  it("classes bounds, closed objects, bodies, headers, plain media types and scopes", () => {
    const report = driftOf((doc) => {
      prop(doc, "GroupInvitationUpdateRequest", "roles").maxItems = 5;
      schema(doc, "GroupInvitationRequest").additionalProperties = false;
      const orgPatch = obj(doc, "paths", ORG, "patch");
      delete obj(orgPatch, "requestBody", "content", V1).schema;
      obj(doc, "paths", ORG, "get").requestBody = {
        required: true,
        content: { [V1]: { schema: { type: "object" } } },
      };
      const groupOk = obj(doc, "paths", GROUP, "patch", "responses", "200");
      delete obj(groupOk, "headers")["RateLimit-Remaining"];
      obj(groupOk, "content")["application/problem+json"] = { schema: { type: "object" } };
      obj(
        doc,
        "components",
        "securitySchemes",
        "ServiceAccounts",
        "flows",
        "clientCredentials",
      ).scopes = { "invites:write": "Change invitations." };
    });
    expect(lines(report)).toEqual([
      "getOrgInvite | breaking | request-body-added | request body",
      "security | notable | scopes-added | scheme ServiceAccounts",
      `updateGroupInviteById | breaking | bound-changed | request ${V1} body.roles`,
      `updateGroupInvites | breaking | additional-properties-changed | request ${V1} body`,
      "updateGroupInvites | notable | header-removed | response 200 header RateLimit-Remaining",
      "updateGroupInvites | notable | media-type-added | response 200 application/problem+json",
      `updateOrgInviteById | breaking | body-schema-removed | request ${V1} body`,
    ]);
  });

  it("calls a deprecation change notable", () => {
    const report = driftOf((doc) => {
      obj(doc, "paths", ORG, "patch").deprecated = false;
    });
    expect(lines(report)).toEqual([
      "updateOrgInviteById | notable | deprecated-changed | operation",
    ]);
  });

  it("compares security requirements and schemes", () => {
    const report = driftOf((doc) => {
      doc.security = [{ ServiceAccounts: [] }, { ApiKey: [] }];
      const schemes = obj(doc, "components", "securitySchemes");
      schemes.ApiKey = { type: "apiKey", in: "header", name: "X-Api-Key" };
      obj(schemes, "ServiceAccounts", "flows", "clientCredentials").tokenUrl =
        "https://cloud.mongodb.com/api/oauth2/token";
    });
    const perOperation = ALL_OPS.flatMap((op) => [
      `${op} | breaking | security-removed | security`,
      `${op} | notable | security-added | security`,
    ]);
    expect(lines(report)).toEqual(
      [
        ...perOperation,
        "security | breaking | flow-changed | scheme ServiceAccounts",
        "security | notable | scheme-added | scheme ApiKey",
      ].sort(),
    );
  });

  it("calls a digest scheme that changed type breaking", () => {
    const report = driftOf((doc) => {
      obj(doc, "components", "securitySchemes", "DigestAuth").scheme = "basic";
    });
    expect(lines(report)).toEqual(["security | breaking | scheme-changed | scheme DigestAuth"]);
  });

  it("keeps prose changes cosmetic", () => {
    const report = driftOf((doc) => {
      obj(doc, "paths", ORG, "get").summary = "Return One Organization Invitation";
      prop(doc, "OrganizationInvitation", "inviterUsername").description = "Who sent it.";
      obj(pendingOwn(doc), "properties", "inviterUsername").description = "Who sent it.";
    });
    expect(lines(report)).toEqual([]);
    expect(lines(report, ["cosmetic"])).toEqual([
      `getOrgInvite | cosmetic | description-changed | response 200 ${V1} body.inviterUsername`,
      "getOrgInvite | cosmetic | summary-changed | operation",
      `getOrgUser | cosmetic | description-changed | response 200 ${V2} body oneOf[0].inviterUsername`,
      `listOrgUsers | cosmetic | description-changed | response 200 ${V2} body.results[] oneOf[0].inviterUsername`,
      `updateOrgInviteById | cosmetic | description-changed | response 200 ${V1} body.inviterUsername`,
      `updateOrgUser | cosmetic | description-changed | response 200 ${V2} body oneOf[0].inviterUsername`,
    ]);
  });

  it("sees through allOf and through OpenAPI 3.1 null types", () => {
    const report = driftOf((doc) => {
      const schemas = obj(doc, "components", "schemas");
      const request = schema(doc, "GroupInvitationUpdateRequest");
      schemas.RolesOnly = { type: "object", properties: request.properties };
      schemas.GroupInvitationUpdateRequest = {
        description: request.description,
        allOf: [{ $ref: "#/components/schemas/RolesOnly" }],
      };
      const detail = prop(doc, "ApiError", "detail");
      delete detail.nullable;
      detail.type = ["string", "null"];
    });
    expect(lines(report, ["breaking", "notable", "cosmetic"])).toEqual([]);
  });

  it("stops on recursive schemas and still finds a change inside them", () => {
    const recursive = (doc: Doc) => {
      prop(doc, "Link", "href").type = "string";
      obj(schema(doc, "Link"), "properties").related = {
        type: "array",
        description: "Links of the linked resource.",
        items: { $ref: "#/components/schemas/Link" },
      };
    };
    const oursRecursive = ours();
    recursive(oursRecursive);
    const upstream = ours();
    recursive(upstream);
    prop(upstream, "Link", "rel").enum = ["self", "next"];
    const report = compareSpecs(oursRecursive, upstream, "fixture");
    // The change is reported once where Link first appears; the walk does not go round again
    // through `related[]`, where the same pair of schemas would repeat forever.
    // Link appears in every invitation answer, and in the list answers: on the page in both
    // versions, and on each user in the 2023-01-01 one (CloudAppUser); user answers have none.
    const lists = ["listGroupUsers", "listOrgUsers"].flatMap((op) => [
      `${op} | notable | enum-added | response 200 ${V1} body.links[].rel`,
      `${op} | notable | enum-added | response 200 ${V1} body.results[].links[].rel`,
      `${op} | notable | enum-added | response 200 ${V2} body.links[].rel`,
    ]);
    expect(lines(report)).toEqual(
      [
        ...INVITATION_OPS.map(
          (op) => `${op} | notable | enum-added | response 200 ${V1} body.links[].rel`,
        ),
        ...lists,
      ].sort(),
    );
    expect(report.counts.breaking).toBe(0);
  });

  it("records a circular or dangling $ref as a problem instead of hanging", () => {
    const report = driftOf((doc) => {
      const schemas = obj(doc, "components", "schemas");
      schemas.Loop1 = { $ref: "#/components/schemas/Loop2" };
      schemas.Loop2 = { $ref: "#/components/schemas/Loop1" };
      obj(schema(doc, "GroupInvitation"), "properties").loop = {
        $ref: "#/components/schemas/Loop1",
      };
      obj(schema(doc, "GroupInvitation"), "properties").missing = {
        $ref: "#/components/schemas/Nowhere",
      };
    });
    expect(report.problems).toEqual([
      "fixture: circular $ref chain through #/components/schemas/Loop1",
      "fixture: $ref #/components/schemas/Nowhere points at nothing",
    ]);
    expect(lines(report)).toContain(
      `updateGroupInvites | notable | property-added | response 200 ${V1} body.loop`,
    );
  });
});

describe("successor operations: versions and sunsets", () => {
  it("finds nothing breaking or notable between our spec and the upstream-shaped fixture", () => {
    // The negative case for every check below: the same eleven operations, each found at the
    // same method and path under the same operationId, with the same versions and sunsets.
    const report = compareSpecs(ours(), multiVersion(), "v2");
    expect(lines(report)).toEqual([]);
    expect(report.operations.map((op) => [op.operationId, op.upstream?.operationId])).toEqual(
      ALL_OPS.map((id) => [id, id]),
    );
  });

  it("picks the version our client sends the way the generator does", () => {
    // Evidence that the drift report and generated/operations.ts agree: a change to upstream's
    // sent version is reported for exactly the operations whose table `version` it is.
    const doc = ours();
    const resolver = new RefResolver(doc, "our spec");
    const sent: Record<string, string | null> = Object.fromEntries(
      listOperations(doc, resolver).map((op) => [
        String(op.operation.operationId),
        sentVersionOf(op.operation, resolver),
      ]),
    );
    expect(sent).toEqual(
      Object.fromEntries(Object.entries(operationDetails).map(([id, op]) => [id, op.version])),
    );
    // Written out from the facts: the successors are sent as 2025-02-19, the list operations
    // although they also document 2023-01-01.
    for (const id of SUCCESSOR_OPS) expect(sent[id], id).toBe("2025-02-19");
    const report = driftOf((doc) => {
      for (const item of Object.values(obj(doc, "paths"))) {
        for (const op of Object.values(item as Doc)) {
          // Path-level `parameters` sit beside the methods and have no responses.
          const ok = ((op as Doc).responses as Doc | undefined)?.["200"] as Doc | undefined;
          const media = (ok?.content as Doc | undefined)?.[V2] as Doc | undefined;
          if (media) media["x-sunset"] = "2030-01-01";
        }
      }
    });
    expect(lines(report)).toEqual(
      SUCCESSOR_OPS.map((op) => `${op} | breaking | sunset-added | operation`).sort(),
    );
  });

  it("reports a new upstream version of listOrgUsers as notable, once", () => {
    const report = driftWith("list-org-users-2026");
    expect(lines(report)).toEqual(["listOrgUsers | notable | version-added | version 2026-03-01"]);
    expect(differenceOf(report, "listOrgUsers", "version-added")?.message).toBe(
      "upstream has API version 2026-03-01 of this operation, newer than 2025-02-19, the version our client sends; our spec does not describe it yet (calls keep working meanwhile)",
    );
    expect(report.counts.breaking).toBe(0);
  });

  it("reports a new version of a custom-method operation once, not per request and status", () => {
    const report = driftWith("add-role-2026");
    expect(lines(report)).toEqual([
      "addGroupUserRole | notable | version-added | version 2026-03-01",
    ]);
    expect(report.operations.find((op) => op.operationId === "addGroupUserRole")?.upstream).toEqual(
      { operationId: "addGroupUserRole", method: "POST", path: ADD_ROLE },
    );
  });

  it("calls a sunset on the version our client sends breaking", () => {
    const report = driftWith("list-org-users-sunset");
    expect(lines(report)).toEqual(["listOrgUsers | breaking | sunset-added | operation"]);
    expect(differenceOf(report, "listOrgUsers", "sunset-added")).toMatchObject({
      ours: null,
      upstream: "2028-01-31",
    });
  });

  it("reads a sunset written on the operation itself as one on the version we send", () => {
    const report = driftWith("get-org-user-sunset-on-operation");
    expect(lines(report)).toEqual([
      "getOrgUser | breaking | sunset-added | operation",
      "getOrgUser | notable | deprecated-changed | operation",
    ]);
    expect(differenceOf(report, "getOrgUser", "sunset-added")?.upstream).toBe("2028-06-30");
  });

  it("reports an announced successor version and the sunset of ours together", () => {
    const report = driftWith("group-users-successor-announced");
    expect(lines(report)).toEqual([
      "listGroupUsers | breaking | sunset-added | operation",
      "listGroupUsers | notable | version-added | version 2026-03-01",
    ]);
  });

  it("calls a moved sunset of a version we do not send notable, not a new sunset", () => {
    const report = driftWith("list-org-users-old-sunset-moved");
    expect(lines(report)).toEqual(["listOrgUsers | notable | sunset-changed | version 2023-01-01"]);
    expect(differenceOf(report, "listOrgUsers", "sunset-changed")).toMatchObject({
      ours: "2027-07-01",
      upstream: "2027-12-31",
    });
  });

  it("leaves the sunset our spec already gives the old list version alone", () => {
    // Our listOrgUsers documents x-sunset on its 2023-01-01 media type; upstream's is the same.
    // Comparing the spec with itself with that date removed on both sides finds nothing either.
    const withoutOldSunset = () => {
      const doc = ours();
      delete obj(doc, "paths", ORG_USERS, "get", "responses", "200", "content", V1)["x-sunset"];
      return doc;
    };
    expect(compareSpecs(withoutOldSunset(), withoutOldSunset(), "self").counts).toEqual({
      breaking: 0,
      notable: 0,
      cosmetic: 0,
    });
    expect(lines(compareSpecs(ours(), withoutOldSunset(), "x"))).toEqual([
      "listOrgUsers | notable | sunset-changed | version 2023-01-01",
    ]);
  });
});

describe("successor operations: matching", () => {
  it("finds an operation whose custom-method path is gone by its operationId", () => {
    const report = driftWith("add-role-moved");
    expect(lines(report)).toEqual(["addGroupUserRole | breaking | operation-moved | operation"]);
    expect(report.operations.find((op) => op.operationId === "addGroupUserRole")?.upstream).toEqual(
      {
        operationId: "addGroupUserRole",
        method: "POST",
        path: "/api/atlas/v2/groups/{groupId}/users/{userId}/roles",
      },
    );
  });

  it("matches a renamed custom-method operation by method and colon path", () => {
    const report = driftWith("remove-role-renamed");
    expect(lines(report)).toEqual([
      "removeGroupUserRole | notable | operation-renamed | operation",
    ]);
    expect(
      report.operations.find((op) => op.operationId === "removeGroupUserRole")?.upstream,
    ).toEqual({ operationId: "removeProjectUserRole", method: "POST", path: REMOVE_ROLE });
  });

  it("does not confuse a custom method with the path it extends", () => {
    // Without `:addRole` upstream, POST .../users/{userId} does not exist and GET of that path is
    // getGroupUser: neither may stand in for addGroupUserRole.
    const report = driftWith("add-role-gone");
    expect(lines(report)).toEqual(["addGroupUserRole | breaking | operation-removed | operation"]);
    const upstreamOf = (id: string) =>
      report.operations.find((op) => op.operationId === id)?.upstream;
    expect(upstreamOf("addGroupUserRole")).toBeNull();
    expect(upstreamOf("getGroupUser")).toEqual({
      operationId: "getGroupUser",
      method: "GET",
      path: "/api/atlas/v2/groups/{groupId}/users/{userId}",
    });
  });

  it("reads a percent-encoded colon as the same path", () => {
    const report = driftWith("colon-percent-encoded");
    expect(lines(report)).toEqual([]);
    const addRole = report.operations.find((op) => op.operationId === "addGroupUserRole");
    expect(addRole?.upstream?.path).toBe("/api/atlas/v2/groups/{groupId}/users/{userId}%3AaddRole");
  });
});

describe("successor operations: discriminated unions", () => {
  it("pairs union variants by name when upstream lists them in another order", () => {
    const report = driftOf((doc) => {
      const union = schema(doc, "OrgUserResponse");
      union.oneOf = [...(union.oneOf as unknown[])].reverse();
    });
    expect(lines(report, ["breaking", "notable", "cosmetic"])).toEqual([]);
  });

  it("reports a change inside a variant once, under that variant", () => {
    const report = driftOf((doc) => {
      obj(pendingOwn(doc), "properties", "inviterUsername").format = "uri";
    });
    expect(lines(report)).toEqual([
      `getOrgUser | breaking | format-changed | response 200 ${V2} body oneOf[0].inviterUsername`,
      `listOrgUsers | breaking | format-changed | response 200 ${V2} body.results[] oneOf[0].inviterUsername`,
      `updateOrgUser | breaking | format-changed | response 200 ${V2} body oneOf[0].inviterUsername`,
    ]);
  });

  it("classes discriminator changes", () => {
    const report = driftOf((doc) => {
      const mapping = obj(schema(doc, "GroupUserResponse"), "discriminator", "mapping");
      mapping.INVITATION_EXPIRED = "#/components/schemas/GroupActiveUserResponse";
      delete mapping.INVITATION_REJECTED;
      obj(schema(doc, "OrgUserResponse"), "discriminator").propertyName = "status";
    });
    const group = ["addGroupUserRole", "getGroupUser", "removeGroupUserRole"].flatMap((op) => [
      `${op} | breaking | discriminator-changed | response 200 ${V2} body`,
      `${op} | notable | discriminator-changed | response 200 ${V2} body`,
    ]);
    expect(lines(report)).toEqual(
      [
        ...group,
        `listGroupUsers | breaking | discriminator-changed | response 200 ${V2} body.results[]`,
        `listGroupUsers | notable | discriminator-changed | response 200 ${V2} body.results[]`,
        ...["getOrgUser", "updateOrgUser"].map(
          (op) => `${op} | breaking | discriminator-changed | response 200 ${V2} body`,
        ),
        `listOrgUsers | breaking | discriminator-changed | response 200 ${V2} body.results[]`,
      ].sort(),
    );
    const retargeted = report.operations
      .find((op) => op.operationId === "getGroupUser")
      ?.differences.find((d) => d.kind === "discriminator-changed" && d.severity === "breaking");
    expect(retargeted?.message).toBe(
      'orgMembershipStatus "INVITATION_EXPIRED" now maps to GroupActiveUserResponse instead of GroupPendingUserResponse: our types give that answer the other variant\'s fields',
    );
  });
});

describe("report views", () => {
  const report = driftOf((doc) => {
    for (const roles of orgRoleSchemas(doc)) {
      roles.enum = (roles.enum as string[]).filter((role) => role !== "ORG_READ_ONLY");
    }
    obj(doc, "paths", ORG, "get").summary = "Return One Organization Invitation";
  });

  it("groups the text by operation and hides cosmetic lines unless asked", () => {
    const text = formatText(report);
    // ORG_READ_ONLY goes: sent by updateOrgInviteById and updateOrgUser (breaking), returned by
    // those two and by getOrgInvite, getOrgUser and listOrgUsers (notable).
    expect(text).toContain("2 breaking, 5 notable, 1 cosmetic (cosmetic hidden; --all lists them)");
    expect(text).toMatch(/getOrgInvite {2}GET \/api\/atlas\/v2\/orgs\/\{orgId\}/);
    expect(text).toContain(
      `BREAKING  request ${V1} body.roles[]: enum value "ORG_READ_ONLY" removed: our client may send values Atlas now rejects`,
    );
    expect(text).not.toContain("summary differs");
    expect(text).toContain("Result: 2 breaking differences (exit 1)");
    expect(formatText(report, { all: true })).toContain("cosmetic  operation: summary differs");
  });

  it("says plainly when upstream matches", () => {
    const text = formatText(compareSpecs(ours(), ours(), "self"));
    expect(text).toContain("0 breaking, 0 notable, 0 cosmetic. Upstream matches our spec.");
    expect(text).toContain("Result: nothing breaking (exit 0)");
  });

  it("merges the same change across error statuses into one line", () => {
    const text = formatText(
      driftOf((doc) => {
        prop(doc, "ApiError", "errorCode").nullable = true;
      }),
    );
    expect(text).toContain(
      "BREAKING  responses 400, 401, 403, 404, 429, 500 application/json body.errorCode: now nullable",
    );
  });

  it("gives the same differences as data", () => {
    const view = toJsonView(report);
    expect(view.shown).toEqual(["breaking", "notable"]);
    expect(view.exitCode).toBe(1);
    expect(view.counts).toEqual({ breaking: 2, notable: 5, cosmetic: 1 });
    const org = view.operations.find((op) => op.operationId === "getOrgInvite");
    expect(org?.differences.map((d) => d.kind)).toEqual(["enum-value-removed"]);
    const withAll = toJsonView(report, { all: true });
    expect(withAll.operations[0]?.differences.map((d) => d.kind)).toEqual([
      "enum-value-removed",
      "summary-changed",
    ]);
  });
});

describe("input", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "drift-input-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, content: string): Promise<string> {
    const target = path.join(dir, name);
    await writeFile(target, content);
    return target;
  }

  it("reads YAML and JSON", async () => {
    const yamlDoc = await loadSpec(multiVersionPath);
    expect(obj(yamlDoc, "info").title).toBe("MongoDB Atlas Administration API");
    const jsonDoc = await loadSpec(await file("v2.json", JSON.stringify(multiVersion())));
    expect(jsonDoc).toEqual(yamlDoc);
  });

  it.each([
    ["a missing file", () => path.join(dir, "absent.yaml"), /absent\.yaml: no such file/],
    ["a directory", () => dir, /is a directory/],
    [
      "bad YAML",
      () => file("bad.yaml", "openapi: 3.0.1\npaths:\n  /a:\n     get:\n    x: 1\n"),
      /bad\.yaml is not valid YAML: .*at line \d+, column \d+$/,
    ],
    ["bad JSON", () => file("bad.json", '{ "openapi": "3.0.1", '), /bad\.json is not valid JSON/],
    ["an empty file", () => file("empty.yaml", "\n"), /empty\.yaml is empty/],
    [
      "a YAML file that is not OpenAPI",
      () => file("ci.yaml", "name: build\non: push\n"),
      /ci\.yaml is not an OpenAPI 3 document/,
    ],
    [
      "Swagger 2.0",
      () => file("swagger.json", '{ "swagger": "2.0", "paths": {} }'),
      /Swagger 2\.0 document/,
    ],
    [
      "OpenAPI without paths",
      () => file("nopaths.yaml", "openapi: 3.0.1\ninfo: {}\n"),
      /has no "paths"/,
    ],
  ])("refuses %s with a clear message", async (_name, make, message) => {
    const source = await make();
    const error = await loadSpec(source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftInputError);
    expect((error as Error).message).toMatch(message);
  });

  it("accepts an unquoted OpenAPI 3.1 version", () => {
    expect(parseSpec("openapi: 3.1\npaths: {}\n", "x.yaml").openapi).toBe(3.1);
  });
});

describe("URLs", () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === "/openapi/v2.yaml") {
        res.writeHead(200, { "content-type": "application/yaml" });
        res.end(multiVersionText);
      } else {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not here");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("downloads a spec", async () => {
    const doc = await loadSpec(`${base}/openapi/v2.yaml`);
    expect(doc).toEqual(multiVersion());
  });

  it("names the status when the server refuses", async () => {
    const error = await loadSpec(`${base}/missing.yaml`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftInputError);
    expect((error as Error).message).toMatch(/could not download .*missing\.yaml: .*404/);
  });

  it("reports a network failure", async () => {
    // A port that was open a moment ago and is now closed refuses the connection.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await loadSpec(`http://127.0.0.1:${port}/v2.yaml`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftInputError);
    expect((error as Error).message).toMatch(/could not download .*ECONNREFUSED/);
  });

  it("refuses plain http beyond this machine without connecting", async () => {
    let called = false;
    const spy: typeof fetch = () => {
      called = true;
      return Promise.reject(new Error("should not be called"));
    };
    const error = await loadSpec("http://example.com/v2.yaml", { fetch: spy }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/only https URLs/);
    expect(called).toBe(false);
  });
});

describe("CLI", () => {
  let dir: string;
  let server: http.Server;
  let base: string;

  function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", path.join(root, "scripts/drift.ts"), ...args],
        { cwd: root, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "drift-cli-"));
    server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/yaml" });
      res.end(multiVersionText);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("exits 0 and says so on our own bundled spec", async () => {
    const { code, stdout } = await run("generated/openapi.json");
    expect(stdout).toContain("Upstream matches our spec.");
    expect(code).toBe(0);
  });

  it("exits 1 on a breaking change and prints it, as text and as JSON", async () => {
    const upstream = ours();
    prop(upstream, "GroupInvitationRequest", "username").format = "uri";
    const target = path.join(dir, "breaking.yaml");
    await writeFile(target, stringifyYaml(upstream));
    const text = await run(target);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      `BREAKING  request ${V1} body.username: format changed from email to uri`,
    );
    const json = await run(target, "--json");
    expect(json.code).toBe(1);
    const data = JSON.parse(json.stdout) as { counts: Record<Severity, number>; exitCode: number };
    expect(data.counts.breaking).toBe(1);
    expect(data.exitCode).toBe(1);
  });

  it("exits 0 on notable changes", async () => {
    const upstream = ours();
    obj(upstream, "paths", ORG, "get").operationId = "getOrganizationInvitation";
    const target = path.join(dir, "notable.json");
    await writeFile(target, JSON.stringify(upstream));
    const { code, stdout } = await run(target);
    expect(stdout).toContain("0 breaking, 1 notable");
    expect(code).toBe(0);
  });

  it("exits 1 on a sunset of the version we send, 0 on a new version, and says why", async () => {
    const sunset = path.join(dir, "sunset.yaml");
    await writeFile(sunset, stringifyYaml(changed("list-org-users-sunset")));
    const ended = await run(sunset);
    expect(ended.code).toBe(1);
    expect(ended.stdout).toContain(
      "BREAKING  operation: upstream sets sunset 2028-01-31 on version 2025-02-19, the version our client sends: after that date Atlas answers it with 410 Gone, so the client must move to another version before then",
    );
    const newer = path.join(dir, "newer.yaml");
    await writeFile(newer, stringifyYaml(changed("list-org-users-2026")));
    const added = await run(newer);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("0 breaking, 1 notable");
    expect(added.stdout).toContain(
      "notable   version 2026-03-01: upstream has API version 2026-03-01 of this operation",
    );
  });

  it("exits 2 with a message when the input cannot be read", async () => {
    const missing = await run(path.join(dir, "absent.yaml"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/drift: .*absent\.yaml: no such file/);
    const usage = await run();
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: npm run drift");
  });

  it("reads a relative path from the folder `npm run drift` was typed in", async () => {
    const { code, stdout, stderr } = await new Promise<{
      code: number;
      stdout: string;
      stderr: string;
    }>((resolve) => {
      execFile(
        "npm",
        ["run", "--silent", "drift", "--", "v2-multi-version.yaml"],
        { cwd: path.dirname(multiVersionPath) },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
      );
    });
    expect(stderr).toBe("");
    expect(stdout).toContain(
      "Drift report: v2-multi-version.yaml (MongoDB Atlas Administration API",
    );
    expect(code).toBe(0);
  });

  it("reads an upstream spec from a URL", async () => {
    const { code, stdout } = await run(`${base}/openapi/v2.yaml`);
    expect(stdout).toContain("(MongoDB Atlas Administration API 2.0)");
    expect(stdout).toContain("0 breaking, 0 notable");
    expect(code).toBe(0);
  });

  it("handles a multi-megabyte YAML file in the upstream layout", async () => {
    // Grow the multi-version fixture with unrelated operations and schemas to about 5 MB, the
    // size class of the real file, then change one thing the report must still find.
    const doc = multiVersion();
    const paths = obj(doc, "paths");
    const schemas = obj(doc, "components", "schemas");
    // Fresh objects each time: shared ones would come out as YAML aliases, which upstream never uses.
    const properties = () =>
      Object.fromEntries(
        Array.from({ length: 12 }, (_, k) => [
          `field${k}`,
          {
            description: "A field of an unrelated resource, described at some length for size.",
            pattern: "^([a-f0-9]{24})$",
            type: "string",
          },
        ]),
      );
    for (let i = 0; i < 1100; i++) {
      schemas[`Filler${i}`] = {
        description: "Unrelated. ".repeat(20),
        properties: properties(),
        type: "object",
      };
      const content = Object.fromEntries(
        ["2023-01-01", "2024-05-30", "2025-03-12"].map((date) => [
          `application/vnd.atlas.${date}+json`,
          { schema: { $ref: `#/components/schemas/Filler${i}` }, "x-xgen-version": date },
        ]),
      );
      paths[`/api/atlas/v2/groups/{groupId}/filler${i}`] = {
        get: {
          operationId: `getFiller${i}`,
          parameters: [{ $ref: "#/components/parameters/groupId" }],
          responses: { "200": { content, description: "OK" } },
        },
      };
    }
    obj(doc, "paths", GROUP_BY_ID, "patch", "responses", "200", "content", V1)["x-sunset"] =
      "2026-09-15";
    await mkdir(dir, { recursive: true });
    const target = path.join(dir, "v2-large.yaml");
    const text = stringifyYaml(doc, { indent: 4 });
    expect(text.length).toBeGreaterThan(4_000_000);
    await writeFile(target, text);
    const { code, stdout } = await run(target, "--json");
    expect(code).toBe(0);
    const data = JSON.parse(stdout) as ReturnType<typeof toJsonView>;
    expect(data.counts).toMatchObject({ breaking: 0, notable: 1 });
    const byId = data.operations.find((op) => op.operationId === "updateGroupInviteById");
    expect(byId?.differences).toMatchObject([
      { kind: "sunset-changed", ours: "2027-07-01", upstream: "2026-09-15" },
    ]);
  });
});
