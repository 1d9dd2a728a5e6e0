/**
 * What a test hands `fake.users` to store: organization and project users, each field with a
 * default, shaped after the active and pending user responses of the Cloud Users API; and the
 * check that refuses a seed with a field the store would not read.
 */
import type { OrgMembershipStatus, OrgRole } from "../types.js";

/** The fields of an active user's profile (OrgActiveUserResponse, GroupActiveUserResponse). */
export interface ActiveProfileSeed {
  /** Default "Test". */
  firstName?: string | undefined;
  /** Default "User". */
  lastName?: string | undefined;
  /** When the Atlas account was created; default now. */
  createdAt?: string | undefined;
  lastAuth?: string | undefined;
  country?: string | undefined;
  mobileNumber?: string | undefined;
}

/** The fields of a pending user (OrgPendingUserResponse, GroupPendingUserResponse). */
export interface PendingSeed {
  /** Default now. */
  invitationCreatedAt?: string | undefined;
  /** Default 30 days after invitationCreatedAt; null to leave it out of answers. */
  invitationExpiresAt?: string | null | undefined;
  /** Default "owner@example.com". */
  inviterUsername?: string | undefined;
}

/**
 * An organization user to store. Every field has a default; the profile fields that do not fit
 * the status (firstName on a PENDING user, inviterUsername on an ACTIVE one) are dropped, as the
 * two response schemas do not carry them.
 */
export interface OrgUserSeed extends ActiveProfileSeed, PendingSeed {
  /** Default: a fresh id. */
  orgId?: string | undefined;
  /** Default: a fresh id. */
  id?: string | undefined;
  /** Default: a unique user-<hex>@example.com. */
  username?: string | undefined;
  /** Default "PENDING". */
  orgMembershipStatus?: OrgMembershipStatus | undefined;
  roles?:
    | {
        /** Default ["ORG_MEMBER"]. */
        orgRoles?: readonly OrgRole[] | undefined;
        /** Default none. Each project named here is taken to belong to this organization. */
        groupRoleAssignments?:
          readonly { groupId: string; groupRoles: readonly string[] }[] | undefined;
      }
    | undefined;
  /** Default none. */
  teamIds?: readonly string[] | undefined;
}

/**
 * A project user to store: an organization user with roles in this project. Seeding the same
 * orgId and id again adds the project to that user (or replaces their roles in it).
 */
export interface GroupUserSeed extends ActiveProfileSeed, PendingSeed {
  /** Default: a fresh id. */
  groupId?: string | undefined;
  /** The project's organization. Default: the one the project was first seeded with, else fresh. */
  orgId?: string | undefined;
  id?: string | undefined;
  username?: string | undefined;
  /** Default "PENDING". */
  orgMembershipStatus?: OrgMembershipStatus | undefined;
  /** The project roles. Default ["GROUP_READ_ONLY"]. */
  roles?: readonly string[] | undefined;
  /** The organization roles, for a user the store does not hold yet. Default ["ORG_MEMBER"]. */
  orgRoles?: readonly OrgRole[] | undefined;
}

const PROFILE = {
  firstName: 0,
  lastName: 0,
  createdAt: 0,
  lastAuth: 0,
  country: 0,
  mobileNumber: 0,
  invitationCreatedAt: 0,
  invitationExpiresAt: 0,
  inviterUsername: 0,
} satisfies Record<keyof ActiveProfileSeed | keyof PendingSeed, 0>;

/** The fields of each seed; `satisfies` keeps each list equal to its interface. */
const SEED_FIELDS = {
  addOrgUser: Object.keys({
    ...PROFILE,
    orgId: 0,
    id: 0,
    username: 0,
    orgMembershipStatus: 0,
    roles: 0,
    teamIds: 0,
  } satisfies Record<keyof OrgUserSeed, 0>),
  addGroupUser: Object.keys({
    ...PROFILE,
    groupId: 0,
    orgId: 0,
    id: 0,
    username: 0,
    orgMembershipStatus: 0,
    roles: 0,
    orgRoles: 0,
  } satisfies Record<keyof GroupUserSeed, 0>),
};

/**
 * Throws a TypeError naming the first field of a seed the store does not know (a misspelt
 * `status` would otherwise leave the user PENDING) or a `roles` of the other seed's shape.
 */
export function checkSeed(method: keyof typeof SEED_FIELDS, seed: unknown): void {
  const fail = (message: string): never => {
    throw new TypeError(`users.${method}: ${message}`);
  };
  if (typeof seed !== "object" || seed === null || Array.isArray(seed))
    fail("seed must be an object");
  const known = SEED_FIELDS[method];
  // A field named undefined is a field left out, as everywhere in the seeds.
  for (const [key, value] of Object.entries(seed as object)) {
    if (value !== undefined && !known.includes(key))
      fail(`${key} is not a field of a seed (${known.join(", ")})`);
  }
  const { roles } = seed as { roles?: unknown };
  if (roles === undefined) return;
  if (method === "addGroupUser") {
    if (!Array.isArray(roles)) fail("roles must be the list of the user's project roles");
  } else if (typeof roles !== "object" || roles === null || Array.isArray(roles)) {
    fail("roles must be { orgRoles, groupRoleAssignments }");
  } else {
    for (const key of Object.keys(roles)) {
      if (key !== "orgRoles" && key !== "groupRoleAssignments") {
        fail(`roles.${key} is not a field (orgRoles, groupRoleAssignments)`);
      }
    }
  }
}
