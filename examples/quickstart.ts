/**
 * Runs the four invitation operations and prints what each returned.
 *
 *   npm run example
 *
 * With no credentials in the environment it starts a fake Atlas on 127.0.0.1 in this process,
 * seeds one organization invitation and one project invitation, and runs against that: nothing
 * leaves your machine.
 *
 * To run against real Atlas, set one pair of credentials:
 *   MONGODB_ATLAS_CLIENT_ID, MONGODB_ATLAS_CLIENT_SECRET   a service account (recommended), or
 *   MONGODB_ATLAS_PUBLIC_KEY, MONGODB_ATLAS_PRIVATE_KEY    an API key
 * and say which invitations to use (an operation whose variables are missing is skipped):
 *   ATLAS_ORG_ID, ATLAS_ORG_INVITATION_ID   getOrgInvite, then updateOrgInviteById, which writes
 *                                           back the roles the invitation already has unless
 *                                           ATLAS_ORG_ROLES (comma-separated) says otherwise
 *   ATLAS_GROUP_ID, ATLAS_GROUP_ROLES       the project and the roles to set (comma-separated);
 *                                           both project operations replace the invitation's
 *                                           roles with these
 *   ATLAS_GROUP_INVITEE                     updateGroupInvites: the invited user's email
 *   ATLAS_GROUP_INVITATION_ID               updateGroupInviteById: the invitation's id
 *   MONGODB_ATLAS_BASE_URL                  optional; https://cloud.mongodbgov.com for Atlas
 *                                           for Government
 * The organization operations need the Organization Owner role, the project ones Project Owner.
 *
 * In your own code, import from "atlas-invites" and "atlas-invites/testing".
 */
import {
  AtlasError,
  createAtlasInvites,
  credentialsFromEnv,
  type AtlasInvites,
  type OrgRole,
  type ProjectRole,
} from "../src/index.js";
import { startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";

const CREDENTIAL_VARIABLES = [
  "MONGODB_ATLAS_CLIENT_ID",
  "MONGODB_ATLAS_CLIENT_SECRET",
  "MONGODB_ATLAS_PUBLIC_KEY",
  "MONGODB_ATLAS_PRIVATE_KEY",
];

/** The ids and values each operation needs. Absent ones skip the operation. */
interface Targets {
  orgId?: string;
  orgInvitationId?: string;
  orgRoles?: OrgRole[];
  groupId?: string;
  groupInvitee?: string;
  groupInvitationId?: string;
  /** Roles for updateGroupInvites, then for updateGroupInviteById. */
  groupRoles?: [ProjectRole[], ProjectRole[]];
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

async function run(atlas: AtlasInvites, t: Targets): Promise<void> {
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

  const [byNameRoles, byIdRoles] = t.groupRoles ?? [];
  if (t.groupId && t.groupInvitee && byNameRoles) {
    const input = { groupId: t.groupId, body: { username: t.groupInvitee, roles: byNameRoles } };
    show("updateGroupInvites", input, await atlas.updateGroupInvites(input));
  } else {
    skip("updateGroupInvites", ["ATLAS_GROUP_ID", "ATLAS_GROUP_INVITEE", "ATLAS_GROUP_ROLES"]);
  }

  if (t.groupId && t.groupInvitationId && byIdRoles) {
    const input = {
      groupId: t.groupId,
      invitationId: t.groupInvitationId,
      body: { roles: byIdRoles },
    };
    show("updateGroupInviteById", input, await atlas.updateGroupInviteById(input));
  } else {
    const needs = ["ATLAS_GROUP_ID", "ATLAS_GROUP_INVITATION_ID", "ATLAS_GROUP_ROLES"];
    skip("updateGroupInviteById", needs);
  }
}

async function againstRealAtlas(): Promise<void> {
  const atlas = createAtlasInvites({
    auth: credentialsFromEnv(),
    baseUrl: env("MONGODB_ATLAS_BASE_URL"),
    userAgent: "atlas-invites-quickstart",
    onDeprecation: (notice) => console.warn(`warning: ${notice.message}`),
  });
  console.log(`atlas-invites quickstart against ${env("MONGODB_ATLAS_BASE_URL") ?? "Atlas"}`);
  const groupRoles = list("ATLAS_GROUP_ROLES");
  try {
    await run(atlas, {
      orgId: env("ATLAS_ORG_ID"),
      orgInvitationId: env("ATLAS_ORG_INVITATION_ID"),
      orgRoles: list("ATLAS_ORG_ROLES") as OrgRole[] | undefined,
      groupId: env("ATLAS_GROUP_ID"),
      groupInvitee: env("ATLAS_GROUP_INVITEE"),
      groupInvitationId: env("ATLAS_GROUP_INVITATION_ID"),
      groupRoles: groupRoles && [groupRoles, groupRoles],
    });
  } finally {
    await atlas.close();
  }
}

async function againstFakeAtlas(): Promise<void> {
  const fake: FakeAtlas = await startFakeAtlas();
  try {
    const orgInvite = fake.invites.addOrgInvite({
      orgName: "Acme",
      username: "ana@example.com",
      roles: ["ORG_MEMBER"],
    });
    const groupInvite = fake.invites.addGroupInvite({
      groupName: "analytics",
      username: "bo@example.com",
      roles: ["GROUP_READ_ONLY"],
    });
    console.log(`atlas-invites quickstart against the fake Atlas at ${fake.url}`);
    console.log(`(set ${CREDENTIAL_VARIABLES.join(", ")} as one pair to use real Atlas)`);

    const atlas = createAtlasInvites({
      // The same sign-in as real Atlas: a token from /api/oauth/token, revoked on close.
      auth: { type: "serviceAccount", ...fake.credentials.serviceAccount },
      baseUrl: fake.url,
      userAgent: "atlas-invites-quickstart",
      onDeprecation: (notice) => console.warn(`warning: ${notice.message}`),
    });
    try {
      await run(atlas, {
        orgId: orgInvite.orgId,
        orgInvitationId: orgInvite.id,
        orgRoles: ["ORG_MEMBER", "ORG_BILLING_READ_ONLY"],
        groupId: groupInvite.groupId,
        groupInvitee: groupInvite.username,
        groupInvitationId: groupInvite.id,
        groupRoles: [["GROUP_CLUSTER_MANAGER"], ["GROUP_OWNER", "GROUP_DATA_ACCESS_READ_ONLY"]],
      });
    } finally {
      await atlas.close();
    }
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
