/**
 * Runs the Cloud Users API operations and the four deprecated invitation operations, and prints
 * what each returned.
 *
 *   npm run example
 *
 * With no credentials in the environment it starts a fake Atlas on 127.0.0.1 in this process,
 * seeds an organization with a pending user, a project member and two invitations, and runs
 * against that: nothing leaves your machine.
 *
 * To run against real Atlas, set one pair of credentials:
 *   MONGODB_ATLAS_CLIENT_ID, MONGODB_ATLAS_CLIENT_SECRET   a service account (recommended), or
 *   MONGODB_ATLAS_PUBLIC_API_KEY, MONGODB_ATLAS_PRIVATE_API_KEY    an API key (or the older
 *   MONGODB_ATLAS_PUBLIC_KEY, MONGODB_ATLAS_PRIVATE_KEY)
 * and say what to use (a step whose variables are missing is skipped):
 *   ATLAS_ORG_ID                 listOrgUsers (the pending users, every page)
 *   ATLAS_ORG_USER_ID            getOrgUser, then updateOrgUser, which writes back the
 *                                organization roles the user already has unless
 *                                ATLAS_ORG_ROLES (comma-separated) says otherwise
 *   ATLAS_GROUP_ID               listGroupUsers
 *   ATLAS_GROUP_USER_ID          getGroupUser, then addGroupUserRole and removeGroupUserRole of
 *   ATLAS_GROUP_ROLE             this project role (it ends as it started)
 *   ATLAS_ORG_INVITATION_ID      getOrgInvite, then updateOrgInviteById (same roles unless
 *                                ATLAS_ORG_ROLES), in ATLAS_ORG_ID
 *   ATLAS_GROUP_INVITEE          updateGroupInvites: the invited user's email, in ATLAS_GROUP_ID
 *   ATLAS_GROUP_INVITATION_ID    updateGroupInviteById, in ATLAS_GROUP_ID
 *   ATLAS_GROUP_ROLES            the project roles the two project invitation calls set
 *   MONGODB_ATLAS_BASE_URL       optional; https://cloud.mongodbgov.com for Atlas for Government
 *
 * In your own code, import from "atlas-invites" and "atlas-invites/testing".
 */
import {
  AtlasError,
  createAtlasInvites,
  fromEnv,
  serviceAccount,
  type AtlasInvites,
  type OrgRole,
  type ProjectRole,
} from "../src/index.js";
import { startFakeAtlas } from "../src/testing/index.js";

const CREDENTIAL_VARIABLES = [
  "MONGODB_ATLAS_CLIENT_ID",
  "MONGODB_ATLAS_CLIENT_SECRET",
  "MONGODB_ATLAS_PUBLIC_API_KEY",
  "MONGODB_ATLAS_PRIVATE_API_KEY",
  "MONGODB_ATLAS_PUBLIC_KEY",
  "MONGODB_ATLAS_PRIVATE_KEY",
];

/** What the steps work on. Absent values skip the steps that need them. */
interface Targets {
  orgId?: string | undefined;
  orgUserId?: string | undefined;
  orgRoles?: OrgRole[] | undefined;
  groupId?: string | undefined;
  groupUserId?: string | undefined;
  groupRole?: ProjectRole | undefined;
  orgInvitationId?: string | undefined;
  groupInvitee?: string | undefined;
  groupInvitationId?: string | undefined;
  groupRoles?: ProjectRole[] | undefined;
}

function env(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

function list(name: string): string[] | undefined {
  const items = env(name)
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

/** Prints one call: the operation with its input on a heading line, then the result as JSON. */
function show(operationId: string, input: object, result: unknown): void {
  console.log(`\n# ${operationId}(${JSON.stringify(input)})`);
  console.log(JSON.stringify(result, null, 2));
}

function skip(operationId: string, needs: string[]): void {
  console.log(`\n# ${operationId}: skipped, set ${needs.join(" and ")}`);
}

async function cloudUsers(atlas: AtlasInvites, t: Targets): Promise<void> {
  if (t.orgId) {
    const input = { orgId: t.orgId, orgMembershipStatuses: ["PENDING" as const] };
    const pending = [];
    for await (const user of atlas.paginate("listOrgUsers", input)) pending.push(user);
    show("listOrgUsers", input, pending);
  } else skip("listOrgUsers", ["ATLAS_ORG_ID"]);

  if (t.orgId && t.orgUserId) {
    const ids = { orgId: t.orgId, userId: t.orgUserId };
    const user = await atlas.getOrgUser(ids);
    show("getOrgUser", ids, user);
    const orgRoles = t.orgRoles ?? user.roles.orgRoles ?? [];
    const input = { ...ids, body: { roles: { orgRoles } } };
    show("updateOrgUser", input, await atlas.updateOrgUser(input));
  } else {
    skip("getOrgUser", ["ATLAS_ORG_ID", "ATLAS_ORG_USER_ID"]);
    skip("updateOrgUser", ["ATLAS_ORG_ID", "ATLAS_ORG_USER_ID"]);
  }

  if (t.groupId) {
    const input = { groupId: t.groupId };
    show("listGroupUsers", input, await atlas.listGroupUsers(input));
  } else skip("listGroupUsers", ["ATLAS_GROUP_ID"]);

  if (t.groupId && t.groupUserId && t.groupRole) {
    const ids = { groupId: t.groupId, userId: t.groupUserId };
    const user = await atlas.getGroupUser(ids);
    show("getGroupUser", ids, user);
    // Add then remove, or remove then add: the user ends with the roles they started with.
    const body = { groupRole: t.groupRole };
    const steps = user.roles.includes(t.groupRole)
      ? (["removeGroupUserRole", "addGroupUserRole"] as const)
      : (["addGroupUserRole", "removeGroupUserRole"] as const);
    for (const step of steps) show(step, { ...ids, body }, await atlas[step]({ ...ids, body }));
  } else {
    const needs = ["ATLAS_GROUP_ID", "ATLAS_GROUP_USER_ID", "ATLAS_GROUP_ROLE"];
    for (const id of ["getGroupUser", "addGroupUserRole", "removeGroupUserRole"]) skip(id, needs);
  }
}

async function invitations(atlas: AtlasInvites, t: Targets): Promise<void> {
  if (t.orgId && t.orgInvitationId) {
    const ids = { orgId: t.orgId, invitationId: t.orgInvitationId };
    const invite = await atlas.getOrgInvite(ids);
    show("getOrgInvite", ids, invite);
    const input = { ...ids, body: { roles: t.orgRoles ?? invite.roles ?? [] } };
    show("updateOrgInviteById", input, await atlas.updateOrgInviteById(input));
  } else {
    skip("getOrgInvite", ["ATLAS_ORG_ID", "ATLAS_ORG_INVITATION_ID"]);
    skip("updateOrgInviteById", ["ATLAS_ORG_ID", "ATLAS_ORG_INVITATION_ID"]);
  }

  if (t.groupId && t.groupInvitee && t.groupRoles) {
    const input = { groupId: t.groupId, body: { username: t.groupInvitee, roles: t.groupRoles } };
    show("updateGroupInvites", input, await atlas.updateGroupInvites(input));
  } else {
    skip("updateGroupInvites", ["ATLAS_GROUP_ID", "ATLAS_GROUP_INVITEE", "ATLAS_GROUP_ROLES"]);
  }

  if (t.groupId && t.groupInvitationId && t.groupRoles) {
    const input = {
      groupId: t.groupId,
      invitationId: t.groupInvitationId,
      body: { roles: [...t.groupRoles].reverse() },
    };
    show("updateGroupInviteById", input, await atlas.updateGroupInviteById(input));
  } else {
    const needs = ["ATLAS_GROUP_ID", "ATLAS_GROUP_INVITATION_ID", "ATLAS_GROUP_ROLES"];
    skip("updateGroupInviteById", needs);
  }
}

async function run(atlas: AtlasInvites, targets: Targets): Promise<void> {
  try {
    await cloudUsers(atlas, targets);
    await invitations(atlas, targets);
  } finally {
    await atlas.close();
  }
}

const options = {
  userAgent: "atlas-invites-quickstart",
  onDeprecation: (notice: { message: string }) => console.warn(`warning: ${notice.message}`),
};

async function againstRealAtlas(): Promise<void> {
  const atlas = createAtlasInvites({
    auth: fromEnv(),
    baseUrl: env("MONGODB_ATLAS_BASE_URL"),
    ...options,
  });
  console.log(`atlas-invites quickstart against ${env("MONGODB_ATLAS_BASE_URL") ?? "Atlas"}`);
  await run(atlas, {
    orgId: env("ATLAS_ORG_ID"),
    orgUserId: env("ATLAS_ORG_USER_ID"),
    orgRoles: list("ATLAS_ORG_ROLES") as OrgRole[] | undefined,
    groupId: env("ATLAS_GROUP_ID"),
    groupUserId: env("ATLAS_GROUP_USER_ID"),
    groupRole: env("ATLAS_GROUP_ROLE"),
    orgInvitationId: env("ATLAS_ORG_INVITATION_ID"),
    groupInvitee: env("ATLAS_GROUP_INVITEE"),
    groupInvitationId: env("ATLAS_GROUP_INVITATION_ID"),
    groupRoles: list("ATLAS_GROUP_ROLES"),
  });
}

async function againstFakeAtlas(): Promise<void> {
  const fake = await startFakeAtlas();
  try {
    const orgId = "4888442a3354817a7320eb61";
    const groupId = "32b6e34b3d91647abb20e7b8";
    const ana = fake.users.addOrgUser({ orgId, username: "ana@example.com" });
    const bo = fake.users.addGroupUser({
      orgId,
      groupId,
      username: "bo@example.com",
      orgMembershipStatus: "ACTIVE",
      firstName: "Bo",
      roles: ["GROUP_READ_ONLY"],
    });
    const orgInvite = fake.invites.addOrgInvite({ orgId, username: "cy@example.com" });
    const groupInvite = fake.invites.addGroupInvite({ groupId, username: "dee@example.com" });
    console.log(`atlas-invites quickstart against the fake Atlas at ${fake.url}`);
    console.log(`(set ${CREDENTIAL_VARIABLES.join(", ")} as one pair to use real Atlas)`);

    const atlas = createAtlasInvites({
      // The same sign-in as real Atlas: a token from /api/oauth/token, revoked on close.
      auth: serviceAccount(fake.credentials.serviceAccount),
      baseUrl: fake.url,
      ...options,
    });
    await run(atlas, {
      orgId,
      orgUserId: ana.id,
      orgRoles: ["ORG_MEMBER", "ORG_BILLING_READ_ONLY"],
      groupId,
      groupUserId: bo.id,
      groupRole: "GROUP_CLUSTER_MANAGER",
      orgInvitationId: orgInvite.id,
      groupInvitee: groupInvite.username,
      groupInvitationId: groupInvite.id,
      groupRoles: ["GROUP_OWNER", "GROUP_DATA_ACCESS_READ_ONLY"],
    });
  } finally {
    await fake.close();
  }
}

try {
  if (CREDENTIAL_VARIABLES.some((name) => env(name) !== undefined)) {
    await againstRealAtlas();
  } else {
    await againstFakeAtlas();
  }
} catch (err) {
  // The package's errors are one readable line each (and never contain a secret).
  if (!(err instanceof AtlasError)) throw err;
  console.error(`quickstart: ${err.message}`);
  process.exitCode = 1;
}
