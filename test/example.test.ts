/**
 * `npm run example` as a user runs it, with no Atlas credentials in the environment: it must start
 * its own fake Atlas on 127.0.0.1, run all four operations, and print what each returned.
 */
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type {
  GroupInvitation,
  GroupInvitationRequest,
  GroupInvitationUpdateRequest,
  OrganizationInvitation,
  OrganizationInvitationUpdateRequest,
} from "../src/index.js";
import { operations } from "../src/index.js";
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

/** Splits the output at each `# operationId({input})` heading; the JSON result follows it. */
function parseCalls(stdout: string): Call[] {
  const calls: Call[] = [];
  const heading = /^# (\w+)\((.*)\)$/gm;
  const matches = [...stdout.matchAll(heading)];
  matches.forEach((match, i) => {
    const start = match.index + match[0].length;
    const end = matches[i + 1]?.index ?? stdout.length;
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

describe("npm run example", () => {
  it("exits 0 against a fake Atlas on 127.0.0.1", () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/against the fake Atlas at http:\/\/127\.0\.0\.1:\d+\n/);
    expect(run.stdout).not.toMatch(/skipped/);
  });

  it("prints one result for each of the four operations, in order", () => {
    expect(calls.map((c) => c.operationId)).toEqual([
      "getOrgInvite",
      "updateOrgInviteById",
      "updateGroupInvites",
      "updateGroupInviteById",
    ]);
    expect(calls.map((c) => c.operationId).sort()).toEqual(Object.keys(operations).sort());
  });

  it("gets the organization invitation it asked for", () => {
    const { input, result } = call<OrganizationInvitation>("getOrgInvite");
    expect(result.id).toBe(input.invitationId);
    expect(result.orgId).toBe(input.orgId);
    expect(result.id).toMatch(/^[a-f0-9]{24}$/);
    expect(typeof result.orgName).toBe("string");
    expect(result.links?.[0]?.href).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+/api/atlas/v2/orgs/${result.orgId}/invites/`),
    );
  });

  it("updates that invitation's roles and prints the stored result", () => {
    const before = call<OrganizationInvitation>("getOrgInvite").result;
    const { input, result } = call<OrganizationInvitation>("updateOrgInviteById");
    const body = input.body as OrganizationInvitationUpdateRequest;
    expect(input.invitationId).toBe(before.id);
    expect(result.id).toBe(before.id);
    expect(result.username).toBe(before.username);
    expect(result.roles).toEqual(body.roles);
    // The update changed something, so the printed result is the server's new state.
    expect(result.roles).not.toEqual(before.roles);
  });

  it("updates a project invitation picked by user name", () => {
    const { input, result } = call<GroupInvitation>("updateGroupInvites");
    const body = input.body as GroupInvitationRequest;
    expect(result.groupId).toBe(input.groupId);
    expect(result.username).toBe(body.username);
    expect(result.roles).toEqual(body.roles);
  });

  it("updates a project invitation picked by id", () => {
    const previous = call<GroupInvitation>("updateGroupInvites").result;
    const { input, result } = call<GroupInvitation>("updateGroupInviteById");
    const body = input.body as GroupInvitationUpdateRequest;
    expect(result.id).toBe(input.invitationId);
    expect(result.groupId).toBe(input.groupId);
    expect(result.roles).toEqual(body.roles);
    // Same invitation as the call before, now with other roles.
    expect(result.id).toBe(previous.id);
    expect(result.roles).not.toEqual(previous.roles);
  });

  it("reports each deprecated operation with its sunset date", () => {
    for (const id of Object.keys(operations)) {
      expect(run.stderr).toContain(`${id} is deprecated (it stops working on 2027-07-01)`);
    }
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
        ATLAS_ORG_INVITATION_ID: "5f1a7b3c9d2e4f6a8b0c1d2e",
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("missing MONGODB_ATLAS_CLIENT_SECRET");
      expect(run.stdout).not.toMatch(/^# /m);
      expect(fake.requests).toEqual([]);
    } finally {
      await fake.close();
    }
  }, 60_000);

  it("runs the operations on the ids from the environment, at MONGODB_ATLAS_BASE_URL", async () => {
    // A fake on 127.0.0.1 stands in for real Atlas; the example cannot tell them apart.
    const fake = await startFakeAtlas();
    try {
      const org = fake.invites.addOrgInvite({ roles: ["ORG_GROUP_CREATOR"] });
      const group = fake.invites.addGroupInvite({ username: "env@example.com" });
      const run = await npmRunExample({
        MONGODB_ATLAS_CLIENT_ID: fake.credentials.serviceAccount.clientId,
        MONGODB_ATLAS_CLIENT_SECRET: fake.credentials.serviceAccount.clientSecret,
        MONGODB_ATLAS_BASE_URL: fake.url,
        ATLAS_ORG_ID: org.orgId!,
        ATLAS_ORG_INVITATION_ID: org.id!,
        ATLAS_GROUP_ID: group.groupId!,
        ATLAS_GROUP_INVITEE: group.username!,
        ATLAS_GROUP_INVITATION_ID: group.id!,
        ATLAS_GROUP_ROLES: "GROUP_SEARCH_INDEX_EDITOR, GROUP_READ_ONLY",
      });
      expect(run.stderr).not.toMatch(/Error/);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`against ${fake.url}`);
      const printed = parseCalls(run.stdout);
      expect(printed.map((c) => c.operationId)).toEqual([
        "getOrgInvite",
        "updateOrgInviteById",
        "updateGroupInvites",
        "updateGroupInviteById",
      ]);
      // Without ATLAS_ORG_ROLES the org update writes back the roles the invitation had.
      expect(printed[1]!.input.body).toEqual({ roles: ["ORG_GROUP_CREATOR"] });
      expect((printed[1]!.result as OrganizationInvitation).roles).toEqual(["ORG_GROUP_CREATOR"]);
      expect(fake.invites.getGroupInvite(group.groupId!, group.id!)?.roles).toEqual([
        "GROUP_SEARCH_INDEX_EDITOR",
        "GROUP_READ_ONLY",
      ]);
      const api = fake.requests.filter((r) => r.operationId !== undefined);
      expect(api.map((r) => [r.operationId, r.status])).toEqual([
        ["getOrgInvite", 200],
        ["updateOrgInviteById", 200],
        ["updateGroupInvites", 200],
        ["updateGroupInviteById", 200],
      ]);
      expect(api.every((r) => String(r.headers.authorization).startsWith("Bearer "))).toBe(true);
    } finally {
      await fake.close();
    }
  }, 60_000);
});
