/**
 * Every operation of the spec, called through its method:
 * - against the fake Atlas, with middleware added through `atlas.client.use()` that sees each call
 *   with the spec's path template, sets a header that reaches the wire, and sees every answer;
 * - against a strict double that answers 406 to any request whose Accept (and, with a body,
 *   Content-Type) is not exactly the version the operation's table entry names, so a method that
 *   sent another version, or none, would fail here.
 */
import type { Middleware } from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessToken,
  createAtlasInvites,
  OPERATION_IDS,
  type AtlasInvites,
  type OperationId,
} from "../src/index.js";
import { startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";
import { fullOperations as operations } from "./helpers/operation-table.js";
import { json, startHostileServer, type HostileServer } from "./helpers/hostile-server.js";

const ORG_ID = "4888442a3354817a7320eb61";
const GROUP_ID = "32b6e34b3d91647abb20e7b8";
const CLOUD_USERS = "application/vnd.atlas.2025-02-19+json";

let fake: FakeAtlas;
let double: HostileServer;
/** The input of each operation's call, against seeded data of the fake. */
let inputs: Record<OperationId, Record<string, unknown>>;

beforeAll(async () => {
  fake = await startFakeAtlas();
  double = await startHostileServer();
  const pending = fake.users.addOrgUser({ orgId: ORG_ID, username: "ana@example.com" });
  const member = fake.users.addGroupUser({
    orgId: ORG_ID,
    groupId: GROUP_ID,
    orgMembershipStatus: "ACTIVE",
    firstName: "Bo",
    roles: ["GROUP_READ_ONLY"],
  });
  const orgInvite = fake.invites.addOrgInvite({ orgId: ORG_ID });
  const groupInvite = fake.invites.addGroupInvite({
    groupId: GROUP_ID,
    username: "cy@example.com",
  });
  inputs = {
    listOrgUsers: { orgId: ORG_ID, orgMembershipStatuses: ["PENDING"], itemsPerPage: 10 },
    getOrgUser: { orgId: ORG_ID, userId: pending.id },
    updateOrgUser: {
      orgId: ORG_ID,
      userId: pending.id,
      body: { roles: { orgRoles: ["ORG_MEMBER"] } },
    },
    listGroupUsers: { groupId: GROUP_ID, username: member.username },
    getGroupUser: { groupId: GROUP_ID, userId: member.id },
    addGroupUserRole: { groupId: GROUP_ID, userId: member.id, body: { groupRole: "GROUP_OWNER" } },
    removeGroupUserRole: {
      groupId: GROUP_ID,
      userId: member.id,
      body: { groupRole: "GROUP_OWNER" },
    },
    getOrgInvite: { orgId: ORG_ID, invitationId: orgInvite.id },
    updateOrgInviteById: {
      orgId: ORG_ID,
      invitationId: orgInvite.id,
      body: { roles: ["ORG_MEMBER"] },
    },
    updateGroupInvites: {
      groupId: GROUP_ID,
      body: { username: "cy@example.com", roles: ["GROUP_OWNER"] },
    },
    updateGroupInviteById: {
      groupId: GROUP_ID,
      invitationId: groupInvite.id,
      body: { roles: ["GROUP_READ_ONLY"] },
    },
  };
});
afterAll(async () => {
  await fake.close();
  await double.close();
});

/** Calls operation `id` through its method with `input`, whatever its signature. */
function call(atlas: AtlasInvites, id: OperationId, input: Record<string, unknown>) {
  // Through unknown: each method takes its own input interface, with required path parameters,
  // which TypeScript does not consider comparable to a record of unknown values.
  return (atlas[id] as unknown as (input: Record<string, unknown>) => Promise<unknown>)(input);
}

describe("every method against the fake Atlas, through middleware added by the user", () => {
  it("covers every operation of the spec", () => {
    expect(Object.keys(inputs).sort()).toEqual([...OPERATION_IDS].sort());
  });

  it("runs the user's middleware with the path template, puts its header on the wire, and shows it every answer", async () => {
    const atlas = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
      onDeprecation: false,
    });
    const requests: string[] = [];
    const answers: string[] = [];
    const middleware: Middleware = {
      onRequest({ request, schemaPath }) {
        requests.push(`${request.method} ${schemaPath}`);
        request.headers.set("X-Trace-Id", `trace-${requests.length}`);
        return undefined;
      },
      onResponse({ response, schemaPath }) {
        answers.push(`${response.status} ${schemaPath}`);
        return undefined;
      },
    };
    atlas.client.use(middleware);
    try {
      fake.requests.length = 0;
      for (const id of OPERATION_IDS) {
        const result = await call(atlas, id, inputs[id]);
        expect(result, id).toBeTypeOf("object");
      }
      const expected = OPERATION_IDS.map((id) => `${operations[id].method} ${operations[id].path}`);
      expect(requests).toEqual(expected);
      expect(answers).toEqual(OPERATION_IDS.map((id) => `200 ${operations[id].path}`));
      const wire = fake.requests.filter((r) => r.operationId !== undefined);
      expect(wire.map((r) => r.operationId)).toEqual([...OPERATION_IDS]);
      expect(wire.map((r) => r.headers["x-trace-id"])).toEqual(
        OPERATION_IDS.map((_, i) => `trace-${i + 1}`),
      );
      for (const r of wire) {
        expect(r.headers.accept, r.operationId).toBe(
          operations[r.operationId as OperationId].mediaType,
        );
      }
    } finally {
      await atlas.close();
    }
  });

  it("sends the Cloud Users operations as version 2025-02-19, the invitation ones as 2023-01-01", () => {
    for (const id of OPERATION_IDS) {
      const expected = operations[id].deprecated ? "2023-01-01" : "2025-02-19";
      expect(operations[id].mediaType, id).toBe(`application/vnd.atlas.${expected}+json`);
    }
  });
});

describe("every method against a double that refuses any other version", () => {
  it("gets an answer from each operation only with the exact versioned media type", async () => {
    const refused: string[] = [];
    double.handle((req, res) => {
      const route = OPERATION_IDS.find((id) => {
        const template = operations[id].path.replace(/\{\w+\}/g, "[a-f0-9]{24}");
        return (
          operations[id].method === req.method &&
          new RegExp(`^${template}(\\?|$)`).test(req.url ?? "")
        );
      });
      const op = route === undefined ? undefined : operations[route];
      const accepted = op !== undefined && req.headers.accept === op.mediaType;
      const typed = op?.body === null || req.headers["content-type"] === op?.mediaType;
      if (!op || !accepted || !typed) {
        refused.push(
          `${req.method} ${req.url} ${req.headers.accept} ${req.headers["content-type"]}`,
        );
        json(res, 406, {
          error: 406,
          errorCode: "INVALID_VERSION_DATE",
          reason: "Not Acceptable",
          detail: "Invalid accept header or version date.",
        });
        return;
      }
      const list = op.pageSize !== null;
      json(res, 200, list ? { results: [], totalCount: 0 } : { id: ORG_ID }, {
        "Content-Type": op.mediaType,
      });
    });
    const atlas = createAtlasInvites({
      auth: accessToken({ token: "double-token" }),
      baseUrl: double.url,
      onDeprecation: false,
    });
    try {
      for (const id of OPERATION_IDS) await call(atlas, id, inputs[id]);
      expect(refused).toEqual([]);
      const cloud = double.seen.filter((r) => !r.url.includes("/invites"));
      expect(cloud).toHaveLength(7);
      for (const r of cloud) expect(r.headers.accept).toBe(CLOUD_USERS);
      // The double does refuse: the same call with the invitations' version is a 406.
      const { response } = await atlas.client.GET("/api/atlas/v2/orgs/{orgId}/users", {
        params: { path: { orgId: ORG_ID } },
        middleware: [
          {
            onRequest: ({ request }) => {
              request.headers.set("Accept", "application/vnd.atlas.2023-01-01+json");
            },
          },
        ],
      });
      expect(response.status).toBe(406);
    } finally {
      await atlas.close();
    }
  });
});
