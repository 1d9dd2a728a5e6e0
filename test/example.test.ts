/**
 * `npm run example` as a user runs it, with no Atlas credentials in the environment: it must start
 * its own fake Atlas on 127.0.0.1, run all eleven operations, and print what each returned.
 */
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type {
  GroupInvitation,
  GroupInvitationRequest,
  GroupInvitationUpdateRequest,
  GroupUser,
  OrganizationInvitation,
  OrganizationInvitationUpdateRequest,
  OrgUser,
  OrgUserUpdateRequest,
  PaginatedGroupUserView,
} from "../src/index.js";
import { OPERATION_IDS } from "../src/index.js";
import { startFakeAtlas } from "../src/testing/index.js";
import { envWithoutAtlas, run as runCommand, type RunResult } from "./helpers/processes.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

function npmRunExample(extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return runCommand("npm", ["run", "--silent", "example"], {
    cwd: ROOT,
    env: envWithoutAtlas(extraEnv),
  });
}

interface Call {
  operationId: string;
  input: Record<string, unknown>;
  result: unknown;
}

/**
 * Splits the output at each `# operationId({input})` heading; the JSON result follows it, up to
 * the next heading (a result or a skipped step).
 */
function parseCalls(stdout: string): Call[] {
  const headings = [...stdout.matchAll(/^# .*$/gm)];
  const calls: Call[] = [];
  headings.forEach((heading, i) => {
    const match = /^# (\w+)\((.*)\)$/.exec(heading[0]);
    if (!match) return;
    const start = heading.index + heading[0].length;
    const end = headings[i + 1]?.index ?? stdout.length;
    calls.push({
      operationId: match[1]!,
      input: JSON.parse(match[2]!) as Record<string, unknown>,
      result: JSON.parse(stdout.slice(start, end)) as unknown,
    });
  });
  return calls;
}

let run: RunResult;
let calls: Call[];
const call = <T>(id: string) => {
  const found = calls.find((c) => c.operationId === id);
  if (!found) throw new Error(`the example printed no result for ${id}`);
  return found as Call & { result: T };
};

beforeAll(async () => {
  run = await npmRunExample();
  calls = run.status === 0 ? parseCalls(run.stdout) : [];
}, 120_000);

const CLOUD_USERS = [
  "listOrgUsers",
  "getOrgUser",
  "updateOrgUser",
  "listGroupUsers",
  "getGroupUser",
  "addGroupUserRole",
  "removeGroupUserRole",
];
const INVITATIONS = [
  "getOrgInvite",
  "updateOrgInviteById",
  "updateGroupInvites",
  "updateGroupInviteById",
];

describe("npm run example", () => {
  it("exits 0 against a fake Atlas on 127.0.0.1", () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/against the fake Atlas at http:\/\/127\.0\.0\.1:\d+\n/);
    expect(run.stdout).not.toMatch(/skipped/);
  });

  it("prints one result for each of the eleven operations, the Cloud Users API first", () => {
    expect(calls.map((c) => c.operationId)).toEqual([...CLOUD_USERS, ...INVITATIONS]);
    expect([...CLOUD_USERS, ...INVITATIONS].sort()).toEqual([...OPERATION_IDS].sort());
  });

  it("lists the pending organization users, every page", () => {
    const { input, result } = call<OrgUser[]>("listOrgUsers");
    expect(input.orgMembershipStatuses).toEqual(["PENDING"]);
    expect(result.map((u) => [u.username, u.orgMembershipStatus])).toEqual([
      ["ana@example.com", "PENDING"],
    ]);
  });

  it("reads a user and changes its organization roles", () => {
    const before = call<OrgUser>("getOrgUser").result;
    const { input, result } = call<OrgUser>("updateOrgUser");
    const body = input.body as OrgUserUpdateRequest;
    expect(result.id).toBe(before.id);
    expect(result.roles.orgRoles).toEqual(body.roles?.orgRoles);
    expect(result.roles.orgRoles).not.toEqual(before.roles.orgRoles);
  });

  it("adds a project role, then removes it again", () => {
    const user = call<GroupUser>("getGroupUser").result;
    const added = call<GroupUser>("addGroupUserRole").result;
    const removed = call<GroupUser>("removeGroupUserRole").result;
    expect(added.roles).toEqual([...user.roles, "GROUP_CLUSTER_MANAGER"]);
    expect(removed.roles).toEqual(user.roles);
    expect(call<PaginatedGroupUserView>("listGroupUsers").result.results.map((u) => u.id)).toEqual([
      user.id,
    ]);
  });

  it("gets and updates the organization invitation it asked for", () => {
    const { input, result } = call<OrganizationInvitation>("getOrgInvite");
    expect(result.id).toBe(input.invitationId);
    expect(result.orgId).toBe(input.orgId);
    const updated = call<OrganizationInvitation>("updateOrgInviteById");
    const body = updated.input.body as OrganizationInvitationUpdateRequest;
    expect(updated.result.id).toBe(result.id);
    expect(updated.result.roles).toEqual(body.roles);
    expect(updated.result.roles).not.toEqual(result.roles);
  });

  it("updates a project invitation by user name, then by id", () => {
    const byName = call<GroupInvitation>("updateGroupInvites");
    expect(byName.result.username).toBe((byName.input.body as GroupInvitationRequest).username);
    expect(byName.result.roles).toEqual((byName.input.body as GroupInvitationRequest).roles);
    const byId = call<GroupInvitation>("updateGroupInviteById");
    expect(byId.result.id).toBe(byName.result.id);
    expect(byId.result.roles).toEqual((byId.input.body as GroupInvitationUpdateRequest).roles);
    expect(byId.result.roles).not.toEqual(byName.result.roles);
  });

  it("reports each deprecated operation with its sunset date and replacement", () => {
    for (const id of INVITATIONS) {
      expect(run.stderr).toContain(`${id} is deprecated (it stops working on 2027-07-01); use `);
    }
    for (const id of CLOUD_USERS) expect(run.stderr).not.toContain(`${id} is deprecated`);
  });
});

describe("npm run example with credentials in the environment", () => {
  it("names the missing variable when only half a pair is set, and sends nothing", async () => {
    // The base URL points at a fake, so a request sent by mistake would be seen, not leave the host.
    const fake = await startFakeAtlas();
    try {
      const run = await npmRunExample({
        MONGODB_ATLAS_CLIENT_ID: fake.credentials.serviceAccount.clientId,
        MONGODB_ATLAS_BASE_URL: fake.url,
        ATLAS_ORG_ID: "4888442a3354817a7320eb61",
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("missing MONGODB_ATLAS_CLIENT_SECRET");
      expect(run.stdout).not.toMatch(/^# \w+\(/m);
      expect(fake.requests).toEqual([]);
    } finally {
      await fake.close();
    }
  }, 60_000);

  it("runs the steps whose variables are set, at MONGODB_ATLAS_BASE_URL", async () => {
    // A fake on 127.0.0.1 stands in for real Atlas; the example cannot tell them apart.
    const fake = await startFakeAtlas();
    try {
      const orgId = "4888442a3354817a7320eb61";
      const user = fake.users.addOrgUser({ orgId, roles: { orgRoles: ["ORG_GROUP_CREATOR"] } });
      const invite = fake.invites.addOrgInvite({ orgId, roles: ["ORG_READ_ONLY"] });
      const run = await npmRunExample({
        MONGODB_ATLAS_CLIENT_ID: fake.credentials.serviceAccount.clientId,
        MONGODB_ATLAS_CLIENT_SECRET: fake.credentials.serviceAccount.clientSecret,
        MONGODB_ATLAS_BASE_URL: fake.url,
        ATLAS_ORG_ID: orgId,
        ATLAS_ORG_USER_ID: user.id,
        ATLAS_ORG_INVITATION_ID: invite.id,
      });
      expect(run.stderr).not.toMatch(/Error/);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`against ${fake.url}`);
      const printed = parseCalls(run.stdout);
      expect(printed.map((c) => c.operationId)).toEqual([
        "listOrgUsers",
        "getOrgUser",
        "updateOrgUser",
        "getOrgInvite",
        "updateOrgInviteById",
      ]);
      expect(run.stdout).toContain("# listGroupUsers: skipped, set ATLAS_GROUP_ID");
      // Without ATLAS_ORG_ROLES the updates write back the roles that were there.
      expect(printed[2]!.input.body).toEqual({ roles: { orgRoles: ["ORG_GROUP_CREATOR"] } });
      expect(printed[4]!.input.body).toEqual({ roles: ["ORG_READ_ONLY"] });
      const api = fake.requests.filter((r) => r.operationId !== undefined);
      expect(api.every((r) => r.status === 200)).toBe(true);
      expect(api.every((r) => String(r.headers.authorization).startsWith("Bearer "))).toBe(true);
    } finally {
      await fake.close();
    }
  }, 60_000);
});
