/**
 * What a test hands `fake.users` to store: organization and project users, each field with a
 * default, shaped after the active and pending user responses of the Cloud Users API.
 */
import type { OrgMembershipStatus, OrgRole } from "../types.js";

/** The fields of an active user's profile (OrgActiveUserResponse, GroupActiveUserResponse). */
export interface ActiveProfileSeed {
  /** Default "Test". */
  firstName?: string;
  /** Default "User". */
  lastName?: string;
  /** When the Atlas account was created; default now. */
  createdAt?: string;
  lastAuth?: string;
  country?: string;
  mobileNumber?: string;
}

/** The fields of a pending user (OrgPendingUserResponse, GroupPendingUserResponse). */
export interface PendingSeed {
  /** Default now. */
  invitationCreatedAt?: string;
  /** Default 30 days after invitationCreatedAt; null to leave it out of answers. */
  invitationExpiresAt?: string | null;
  /** Default "owner@example.com". */
  inviterUsername?: string;
}

/**
 * An organization user to store. Every field has a default; the profile fields that do not fit
 * the status (firstName on a PENDING user, inviterUsername on an ACTIVE one) are dropped, as the
 * two response schemas do not carry them.
 */
export interface OrgUserSeed extends ActiveProfileSeed, PendingSeed {
  /** Default: a fresh id. */
  orgId?: string;
  /** Default: a fresh id. */
  id?: string;
  /** Default: a unique user-<hex>@example.com. */
  username?: string;
  /** Default "PENDING". */
  orgMembershipStatus?: OrgMembershipStatus;
  roles?: {
    /** Default ["ORG_MEMBER"]. */
    orgRoles?: OrgRole[];
    /** Default none. Each project named here is taken to belong to this organization. */
    groupRoleAssignments?: { groupId: string; groupRoles: string[] }[];
  };
  /** Default none. */
  teamIds?: string[];
}

/**
 * A project user to store: an organization user with roles in this project. Seeding the same
 * orgId and id again adds the project to that user (or replaces their roles in it).
 */
export interface GroupUserSeed extends ActiveProfileSeed, PendingSeed {
  /** Default: a fresh id. */
  groupId?: string;
  /** The project's organization. Default: the one the project was first seeded with, else fresh. */
  orgId?: string;
  id?: string;
  username?: string;
  /** Default "PENDING". */
  orgMembershipStatus?: OrgMembershipStatus;
  /** The project roles. Default ["GROUP_READ_ONLY"]. */
  roles?: string[];
  /** The organization roles, for a user the store does not hold yet. Default ["ORG_MEMBER"]. */
  orgRoles?: OrgRole[];
}
