/**
 * One user as the fake's store holds it, and the views that turn it into the bodies Atlas
 * answers with: OrgUserResponse and GroupUserResponse for the 2025-02-19 operations, CloudAppUser
 * for the 2023-01-01 list version. Every view returns a copy, so a test or a client cannot change
 * the store through an answer.
 */
import type { components } from "../../generated/atlas.js";
import type { GroupUser, OrgMembershipStatus, OrgRole, OrgUser } from "../types.js";
import type { ActiveProfileSeed } from "./user-seeds.js";

/** One stored user. */
export interface StoredUser {
  orgId: string;
  id: string;
  username: string;
  status: OrgMembershipStatus;
  orgRoles: OrgRole[];
  /** Project roles by project, in the order the projects were added. */
  groupRoles: Map<string, string[]>;
  teamIds: string[];
  pending?: {
    invitationCreatedAt: string;
    invitationExpiresAt: string | null;
    inviterUsername: string;
  };
  active?: Required<Pick<ActiveProfileSeed, "firstName" | "lastName" | "createdAt">> &
    Pick<ActiveProfileSeed, "lastAuth" | "country" | "mobileNumber">;
}

function profile(user: StoredUser): Record<string, unknown> {
  if (user.active) {
    const { firstName, lastName, createdAt, lastAuth, country, mobileNumber } = user.active;
    return {
      firstName,
      lastName,
      ...(country !== undefined && { country }),
      createdAt,
      ...(lastAuth !== undefined && { lastAuth }),
      ...(mobileNumber !== undefined && { mobileNumber }),
    };
  }
  const { invitationCreatedAt, invitationExpiresAt, inviterUsername } = user.pending!;
  return {
    invitationCreatedAt,
    ...(invitationExpiresAt !== null && { invitationExpiresAt }),
    inviterUsername,
  };
}

/** The user as the 2025-02-19 organization operations answer it (OrgUserResponse). */
export function orgUserView(user: StoredUser): OrgUser {
  return structuredClone({
    id: user.id,
    orgMembershipStatus: user.status,
    username: user.username,
    ...profile(user),
    roles: {
      orgRoles: user.orgRoles,
      groupRoleAssignments: [...user.groupRoles].map(([groupId, groupRoles]) => ({
        groupId,
        groupRoles,
      })),
    },
    teamIds: user.teamIds,
  }) as OrgUser;
}

/** The user as the 2025-02-19 project operations answer it (GroupUserResponse). */
export function groupUserView(user: StoredUser, groupId: string): GroupUser {
  return structuredClone({
    id: user.id,
    orgMembershipStatus: user.status,
    username: user.username,
    ...profile(user),
    roles: user.groupRoles.get(groupId) ?? [],
  }) as GroupUser;
}

type AppUser = components["schemas"]["CloudAppUser"];

/**
 * An active user as the 2023-01-01 list version answers it (CloudAppUser). CloudAppUser lists
 * `password` and `mobileNumber` as required because upstream shares the schema with account
 * creation; no public source shows a listing that returns a password, so the fake sends neither
 * unless a mobile number was seeded.
 */
export function appUserView(user: StoredUser): AppUser {
  const active = user.active!;
  return structuredClone({
    id: user.id,
    username: user.username,
    emailAddress: user.username,
    firstName: active.firstName,
    lastName: active.lastName,
    ...(active.country !== undefined && { country: active.country }),
    createdAt: active.createdAt,
    ...(active.lastAuth !== undefined && { lastAuth: active.lastAuth }),
    ...(active.mobileNumber !== undefined && { mobileNumber: active.mobileNumber }),
    roles: [
      ...user.orgRoles.map((roleName) => ({ orgId: user.orgId, roleName })),
      ...[...user.groupRoles].flatMap(([groupId, roles]) =>
        roles.map((roleName) => ({ groupId, roleName })),
      ),
    ],
    teamIds: user.teamIds,
  }) as AppUser;
}
