/**
 * docs/MIGRATING.md: every TypeScript block compiles against the package's types (a copy that
 * calls a method the client does not have does not), each deprecated operation has its "Before"
 * and its replacement "After", the guide states the sunset date and upstream's caveat, and the
 * samples run against the fake Atlas with the outcome the guide describes.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OPERATION_IDS, operationDetails, operations } from "../generated/operations.js";
import { startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";
import { ROOT, typeCheck, writeConsumerTsconfig } from "./helpers/consumer-typecheck.js";
import { envWithoutAtlas, run } from "./helpers/processes.js";

const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");

/** Each TypeScript block with the `##` section it sits in. */
interface Block {
  section: string;
  code: string;
}

let markdown: string;
let blocks: Block[];
let dir: string;

beforeAll(async () => {
  markdown = await readFile(path.join(ROOT, "docs/MIGRATING.md"), "utf8");
  blocks = [];
  let section = "";
  for (const part of markdown.split(/^(## .*)$/m)) {
    if (part.startsWith("## ")) section = part.slice(3).trim();
    else
      for (const m of part.matchAll(/^```ts\n([\s\S]*?)^```$/gm))
        blocks.push({ section, code: m[1]! });
  }
  await mkdir(path.join(ROOT, ".tmp"), { recursive: true });
  dir = await mkdtemp(path.join(ROOT, ".tmp", "migrating-"));
  await writeConsumerTsconfig(dir);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const REPLACEMENTS: [string, string[]][] = [
  ["getOrgInvite", ["listOrgUsers", "getOrgUser"]],
  ["updateOrgInviteById", ["updateOrgUser"]],
  [
    "updateGroupInvites",
    ["listGroupUsers", "addGroupUserRole", "removeGroupUserRole", "updateOrgUser"],
  ],
  ["updateGroupInviteById", ["getGroupUser", "addGroupUserRole", "removeGroupUserRole"]],
];

describe("docs/MIGRATING.md", () => {
  it.each(REPLACEMENTS)("shows %s next to its replacement", (old, replacements) => {
    const section = blocks.filter((b) => b.section.startsWith(`\`${old}\``));
    expect(section.length).toBeGreaterThanOrEqual(2);
    expect(section[0]!.code).toContain(`.${old}(`);
    const after = section
      .slice(1)
      .map((b) => b.code)
      .join("\n");
    expect(after).not.toContain(`.${old}(`);
    for (const name of replacements) expect(after).toContain(`.${name}(`);
  });

  it("states the sunset date and the caveat about project invitations", () => {
    expect(markdown).toContain("2027-07-01");
    expect(markdown).toMatch(/invisible to the Cloud\s+Users API/);
    expect(markdown).toContain("createProjectInvitation");
    // Only that exception is public: the way around it is marked as a guess.
    const caveat = markdown.slice(markdown.indexOf("createProjectInvitation"));
    expect(caveat.slice(0, caveat.indexOf("\n- "))).toMatch(/a guess/);
  });

  it("names the role each operation it uses needs, as the spec records it", () => {
    const text = markdown.replace(/\s+/g, " ");
    const used = OPERATION_IDS.filter((id) => blocks.some((b) => b.code.includes(`.${id}(`)));
    expect(used).toHaveLength(OPERATION_IDS.length);
    for (const id of used) {
      // x-rolesRequirements, from MongoDB's reference page for the operation.
      const { roles } = operationDetails[id];
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) expect(text, `${id}: ${role}`).toContain(role);
    }
  });

  it("marks as this project's reading that a list sent replaces the stored one", () => {
    // MongoDB's contract says only that a field left out is kept and one sent empty is reset.
    const prose = markdown.replace(/^```ts\n[\s\S]*?^```$/gm, "").split(/\n\n+/);
    const replacing = prose
      .map((p) => p.replace(/\s+/g, " "))
      .filter((p) => /\breplac(es|ing)\b/.test(p));
    expect(replacing.length).toBeGreaterThanOrEqual(2);
    for (const p of replacing) expect(p).toMatch(/this project's reading/);
  });

  it("gives no cause for the role operations' 409 except as a guess", () => {
    // The contract lists 409 for addGroupUserRole and removeGroupUserRole and says no more.
    const text = markdown.replace(/\s+/g, " ");
    const at = text.indexOf("409");
    expect(at).toBeGreaterThan(-1);
    const sentence = text.slice(text.lastIndexOf(". ", at), text.indexOf(". ", at) + 1);
    expect(sentence).toMatch(/is a guess/);
    expect(sentence).toContain("branch on the status");
  });

  it("says what the invitation operations answer after their sunset", () => {
    // The facts: after a version's sunset Atlas answers 410 with errorCode VERSION_GONE.
    const text = markdown.replace(/\s+/g, " ");
    expect(text).toContain("`410 Gone` and `errorCode` `VERSION_GONE`");
    expect(text).toContain("isAtlasApiError(err, 410)");
  });

  it("names the earlier operationIds, so calls written against them can be found", () => {
    // The facts: MongoDB's names for the four until mid 2025, and the override the Go SDK uses.
    const text = markdown.replace(/\s+/g, " ");
    for (const name of [
      "getOrganizationInvitation",
      "updateOrganizationInvitationById",
      "updateProjectInvitation",
      "updateProjectInvitationById",
      "updateInviteById",
    ]) {
      expect(text).toContain(`\`${name}\``);
    }
  });

  it("compiles every block, and a copy with a method the client lacks fails", async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(9);
    await Promise.all(blocks.map((b, i) => writeFile(path.join(dir, `block-${i + 1}.ts`), b.code)));
    const last = blocks.at(-1)!.code;
    await writeFile(
      path.join(dir, "broken.ts"),
      last.replace('"listOrgUsers"', '"listOrgInvites"'),
    );
    const { errors } = typeCheck(dir);
    expect(errors.get("broken.ts")?.join("\n")).toMatch(/listOrgInvites/);
    errors.delete("broken.ts");
    expect(Object.fromEntries(errors)).toEqual({});
  }, 120_000);
});

describe("docs/MIGRATING.md samples, run against the fake Atlas", () => {
  // The ids the samples use.
  const orgId = "4888442a3354817a7320eb61";
  const groupId = "32b6e34b3d91647abb20e7b8";
  const userId = "6a2b8c4d0e1f3a5b7c9d1e2f";
  /** A second project of the organization, which a change to the first must leave alone. */
  const otherGroupId = "7c3d9e5f1a2b4c6d8e0f2a4b";
  const username = "invitee@example.com";
  let fake: FakeAtlas;

  beforeAll(async () => {
    fake = await startFakeAtlas();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => {
    fake.users.clear();
    fake.invites.clear();
    fake.requests.length = 0;
  });

  /** The one block of a section that calls every method named. */
  function sample(section: string, ...calls: string[]): string {
    const found = blocks.filter(
      (b) => b.section.startsWith(section) && calls.every((c) => b.code.includes(`.${c}(`)),
    );
    expect(found).toHaveLength(1);
    return found[0]!.code;
  }

  /** Runs a sample with the fake's service account, its client pointed at the fake. */
  async function runSample(code: string) {
    const result = await runWithWarnings(code);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return result.stdout;
  }

  /** The same, keeping what the sample wrote to stderr (a deprecated call's warning). */
  async function runWithWarnings(code: string) {
    const sent = "createAtlasInvites({ auth: fromEnv() })";
    expect(code.split(sent)).toHaveLength(2);
    const file = path.join(dir, `run-${Math.random().toString(16).slice(2)}.ts`);
    await writeFile(
      file,
      code.replace(sent, "createAtlasInvites({ auth: fromEnv(), baseUrl: process.env.FAKE_URL! })"),
    );
    return run(process.execPath, [TSX_CLI, file], {
      cwd: dir,
      env: envWithoutAtlas({
        FAKE_URL: fake.url,
        MONGODB_ATLAS_CLIENT_ID: fake.credentials.serviceAccount.clientId,
        MONGODB_ATLAS_CLIENT_SECRET: fake.credentials.serviceAccount.clientSecret,
      }),
    });
  }

  it("never uses an invitation's id as a user's id", () => {
    const ids = (pattern: RegExp) =>
      new Set(blocks.flatMap((b) => [...b.code.matchAll(pattern)].map((m) => m[1]!)));
    const invitationIds = ids(/invitationId: "([a-f0-9]{24})"/g);
    const userIds = ids(/userId(?:: | = )"([a-f0-9]{24})"/g);
    expect(invitationIds.size).toBeGreaterThan(0);
    expect(userIds.size).toBeGreaterThan(0);
    expect([...userIds].filter((id) => invitationIds.has(id))).toEqual([]);
  });

  it.each([
    ["getOrgInvite", "[ 'ORG_MEMBER' ]"],
    ["updateOrgInviteById", "[ 'ORG_MEMBER' ]"],
    ["updateGroupInvites", "[ 'GROUP_READ_ONLY', 'GROUP_DATA_ACCESS_READ_ONLY' ]"],
    ["updateGroupInviteById", "[ 'GROUP_OWNER' ]"],
  ])(
    "the %s sample runs, and warns once with the date and the methods to use",
    async (old, roles) => {
      const code = sample(`\`${old}\``, old);
      const invitationId = /invitationId: "([a-f0-9]{24})"/.exec(code)?.[1];
      if (old.startsWith("updateGroup")) {
        fake.invites.addGroupInvite({
          groupId,
          id: invitationId,
          username,
          roles: ["GROUP_OWNER"],
        });
      } else {
        fake.invites.addOrgInvite({ orgId, id: invitationId, username, roles: ["ORG_MEMBER"] });
      }
      const result = await runWithWarnings(code);
      expect(result.status).toBe(0);
      expect(result.stdout.replace(/\s+/g, " ")).toContain(roles.replace(/\s+/g, " "));
      const warnings = result.stderr.match(/DeprecationWarning: .*/g) ?? [];
      expect(warnings).toEqual([
        `DeprecationWarning: atlas-invites: ${old} is deprecated (it stops working on 2027-07-01); use ${operations[old as keyof typeof operations].replacement} instead; see docs/MIGRATING.md`,
      ]);
    },
  );

  it("updateOrgInviteById's replacement changes a pending user and leaves a member alone", async () => {
    const code = sample("`updateOrgInviteById`", "updateOrgUser");
    const memberRoles = {
      orgRoles: ["ORG_OWNER" as const],
      groupRoleAssignments: [{ groupId: otherGroupId, groupRoles: ["GROUP_CLUSTER_MANAGER"] }],
    };
    // The invitee joined and was made an owner since: the old call could not reach them.
    fake.users.addOrgUser({
      orgId,
      id: userId,
      username,
      orgMembershipStatus: "ACTIVE",
      roles: memberRoles,
      teamIds: ["0a1b2c3d4e5f6a7b8c9d0e1f"],
    });
    expect(await runSample(code)).toBe(
      "invitee@example.com has joined; their roles were left as they are.\n",
    );
    const member = fake.users.getOrgUser(orgId, userId);
    expect(member?.roles).toEqual(memberRoles);
    expect(member?.teamIds).toEqual(["0a1b2c3d4e5f6a7b8c9d0e1f"]);
    expect(fake.requests.filter((r) => r.method === "PATCH")).toEqual([]);

    fake.users.clear();
    fake.users.addOrgUser({ orgId, id: userId, username, roles: memberRoles });
    await runSample(code);
    const pending = fake.users.getOrgUser(orgId, userId);
    expect(pending?.roles).toEqual({
      orgRoles: ["ORG_MEMBER"],
      groupRoleAssignments: [{ groupId, groupRoles: ["GROUP_READ_ONLY"] }],
    });
    expect(pending?.teamIds).toEqual(["6f6d5fe5a6d8e04d4a9b2c31"]);
  });

  it("updateOrgUser sets the roles in one project and keeps the organization roles and the other projects", async () => {
    fake.users.addOrgUser({
      orgId,
      id: userId,
      username,
      roles: {
        orgRoles: ["ORG_OWNER"],
        groupRoleAssignments: [
          { groupId, groupRoles: ["GROUP_OWNER"] },
          { groupId: otherGroupId, groupRoles: ["GROUP_CLUSTER_MANAGER"] },
        ],
      },
    });
    await runSample(sample("`updateGroupInvites`", "updateOrgUser"));
    expect(fake.users.getOrgUser(orgId, userId)?.roles).toEqual({
      orgRoles: ["ORG_OWNER"],
      groupRoleAssignments: [
        { groupId: otherGroupId, groupRoles: ["GROUP_CLUSTER_MANAGER"] },
        { groupId, groupRoles: ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"] },
      ],
    });
  });

  it("the add and remove operations leave the user with the wanted project roles", async () => {
    fake.users.addOrgUser({
      orgId,
      id: userId,
      username,
      roles: {
        groupRoleAssignments: [
          { groupId, groupRoles: ["GROUP_OWNER", "GROUP_READ_ONLY"] },
          { groupId: otherGroupId, groupRoles: ["GROUP_CLUSTER_MANAGER"] },
        ],
      },
    });
    await runSample(sample("`updateGroupInvites`", "listGroupUsers"));
    expect(fake.users.getOrgUser(orgId, userId)?.roles.groupRoleAssignments).toEqual([
      { groupId, groupRoles: ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"] },
      { groupId: otherGroupId, groupRoles: ["GROUP_CLUSTER_MANAGER"] },
    ]);
  });

  it("the add and remove operations replace a user's only project role, adding first", async () => {
    // The fake refuses to remove a user's last role in a project, as MongoDB's reference page for
    // removeGroupUserRole says Atlas does: a sample that removed before adding would stop there.
    fake.users.addOrgUser({
      orgId,
      id: userId,
      username,
      roles: { groupRoleAssignments: [{ groupId, groupRoles: ["GROUP_OWNER"] }] },
    });
    await runSample(sample("`updateGroupInvites`", "listGroupUsers"));
    expect(fake.users.getOrgUser(orgId, userId)?.roles.groupRoleAssignments).toEqual([
      { groupId, groupRoles: ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"] },
    ]);
    const calls = fake.requests.flatMap((r) => r.operationId ?? []);
    expect(calls).toEqual([
      "listGroupUsers",
      "addGroupUserRole",
      "addGroupUserRole",
      "removeGroupUserRole",
    ]);
  });

  it("the add and remove sample leaves a member's project roles alone", async () => {
    // The invitee joined and was made project owner since: updateGroupInvites could not reach them.
    fake.users.addOrgUser({
      orgId,
      id: userId,
      username,
      orgMembershipStatus: "ACTIVE",
      roles: { groupRoleAssignments: [{ groupId, groupRoles: ["GROUP_OWNER"] }] },
    });
    expect(await runSample(sample("`updateGroupInvites`", "listGroupUsers"))).toBe(
      "No pending invitation of that user in this project.\n",
    );
    expect(fake.users.getOrgUser(orgId, userId)?.roles.groupRoleAssignments).toEqual([
      { groupId, groupRoles: ["GROUP_OWNER"] },
    ]);
  });

  it("the add and remove sample says when it finds no such user", async () => {
    // Another user of the project, so the list answers but without the invitee.
    fake.users.addGroupUser({ groupId, orgId, username: "someone@example.com" });
    expect(await runSample(sample("`updateGroupInvites`", "listGroupUsers"))).toBe(
      "No pending invitation of that user in this project.\n",
    );
    // API calls only: the token request and its revocation match no operation.
    const calls = fake.requests.flatMap((r) => r.operationId ?? []);
    expect(calls).toEqual(["listGroupUsers"]);
  });

  it("updateGroupInviteById's replacement leaves a member's project roles alone", async () => {
    // updateGroupInviteById reached pending invitations only; the role operations reach members.
    fake.users.addOrgUser({
      orgId,
      id: userId,
      username,
      orgMembershipStatus: "ACTIVE",
      roles: { groupRoleAssignments: [{ groupId, groupRoles: ["GROUP_READ_ONLY"] }] },
    });
    expect(await runSample(sample("`updateGroupInviteById`", "getGroupUser"))).toBe(
      `${username} has joined; their project roles were left as they are.\n`,
    );
    expect(fake.users.getOrgUser(orgId, userId)?.roles.groupRoleAssignments).toEqual([
      { groupId, groupRoles: ["GROUP_READ_ONLY"] },
    ]);
    expect(fake.requests.flatMap((r) => r.operationId ?? [])).toEqual(["getGroupUser"]);
  });

  it("updateGroupInviteById's replacement makes GROUP_OWNER the only project role, and reports an unknown user", async () => {
    const code = sample("`updateGroupInviteById`", "getGroupUser");
    fake.users.addOrgUser({
      orgId,
      id: userId,
      username,
      roles: { groupRoleAssignments: [{ groupId, groupRoles: ["GROUP_READ_ONLY"] }] },
    });
    expect(await runSample(code)).toBe("");
    expect(fake.users.getOrgUser(orgId, userId)?.roles.groupRoleAssignments).toEqual([
      { groupId, groupRoles: ["GROUP_OWNER"] },
    ]);
    fake.users.clear();
    expect(await runSample(code)).toBe("No such user in this project.\n");
  });

  it("getOrgInvite's replacements print the pending invitee", async () => {
    fake.users.addOrgUser({
      orgId,
      id: userId,
      username,
      inviterUsername: "owner@example.com",
      invitationExpiresAt: "2027-01-15T10:00:00Z",
      roles: { orgRoles: ["ORG_MEMBER"] },
    });
    expect(await runSample(sample("`getOrgInvite`", "listOrgUsers"))).toBe(
      "invitee@example.com [ 'ORG_MEMBER' ] 2027-01-15T10:00:00Z\n",
    );
    expect(await runSample(sample("`getOrgInvite`", "getOrgUser"))).toBe(
      "invitee@example.com was invited by owner@example.com\n",
    );
  });

  it("the listing prints each pending invitee without reading a meaning into a missing expiry", async () => {
    fake.users.addOrgUser({ orgId, username, invitationExpiresAt: "2027-01-15T10:00:00Z" });
    fake.users.addOrgUser({ orgId, username: "other@example.com", invitationExpiresAt: null });
    fake.users.addOrgUser({ orgId, username: "member@example.com", orgMembershipStatus: "ACTIVE" });
    expect(await runSample(sample("Listing every pending invitation", "paginate"))).toBe(
      "invitee@example.com expires 2027-01-15T10:00:00Z\n" +
        "other@example.com expires (no date given)\n",
    );
  });
});
