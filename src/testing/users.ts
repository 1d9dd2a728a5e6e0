/**
 * The fake Atlas's users, as the Cloud Users API sees them: one record per organization and user,
 * holding the user's membership status, organization roles, project roles and teams. A project
 * user is an organization user with at least one role in that project, so a change made through
 * one operation (updateOrgUser) shows in the others (listGroupUsers) as it does in Atlas.
 *
 * Every project belongs to one organization. The store learns which from the seeds (a project
 * seen first without an orgId gets an organization of its own).
 */
import type { components } from "../../generated/atlas.js";
import type { GroupUser, OrgMembershipStatus, OrgRole, OrgUser } from "../types.js";
import { newId, timestamp } from "./store.js";

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

/** What `fake.users` offers a test: seeding and reading the stored users. */
export interface FakeUserStore {
  /**
   * Stores an organization user and returns it as getOrgUser answers it.
   *
   * @example
   * const fake = await startFakeAtlas();
   * const orgId = "4888442a3354817a7320eb61";
   * const pending = fake.users.addOrgUser({ orgId, username: "ana@example.com" });
   * const member = fake.users.addOrgUser({ orgId, orgMembershipStatus: "ACTIVE", firstName: "Bo" });
   * console.log(pending.invitationCreatedAt, member.firstName);
   */
  addOrgUser(seed?: OrgUserSeed): OrgUser;
  /**
   * Stores a project user (an organization user with roles in the project) and returns it as
   * getGroupUser answers it.
   *
   * @example
   * const fake = await startFakeAtlas();
   * const user = fake.users.addGroupUser({
   *   groupId: "32b6e34b3d91647abb20e7b8",
   *   roles: ["GROUP_OWNER"],
   *   orgMembershipStatus: "ACTIVE",
   * });
   * console.log(user.roles); // ["GROUP_OWNER"]
   */
  addGroupUser(seed?: GroupUserSeed): GroupUser;
  /** The user as getOrgUser answers it (whatever its status), or undefined. */
  getOrgUser(orgId: string, userId: string): OrgUser | undefined;
  /** The user as getGroupUser answers it (whatever its status), or undefined. */
  getGroupUser(groupId: string, userId: string): GroupUser | undefined;
  /** Every user of an organization, in the order they were stored. */
  listOrgUsers(orgId: string): OrgUser[];
  /** Every user with a role in a project, in the order they were stored. */
  listGroupUsers(groupId: string): GroupUser[];
  /** The organization a project belongs to, when the store knows the project. */
  orgOf(groupId: string): string | undefined;
  /** Forgets every user and project. */
  clear(): void;
}

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

const STATUSES: readonly OrgMembershipStatus[] = [
  "PENDING",
  "ACTIVE",
  "INVITATION_EXPIRED",
  "INVITATION_REJECTED",
];

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

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

function checkStatus(status: unknown): OrgMembershipStatus {
  if (!STATUSES.includes(status as OrgMembershipStatus)) {
    throw new TypeError(`users: orgMembershipStatus must be one of ${STATUSES.join(", ")}`);
  }
  return status as OrgMembershipStatus;
}

export class FakeUsers implements FakeUserStore {
  /** Users by `${orgId}/${id}`, in the order they were stored. */
  readonly #users = new Map<string, StoredUser>();
  /** The organization of each project the store knows. */
  readonly #groupOrg = new Map<string, string>();

  #claimGroup(groupId: string, orgId: string): void {
    const owner = this.#groupOrg.get(groupId);
    if (owner !== undefined && owner !== orgId) {
      throw new TypeError(
        `users: project ${groupId} belongs to organization ${owner}, not ${orgId}`,
      );
    }
    this.#groupOrg.set(groupId, orgId);
  }

  #create(
    orgId: string,
    seed: ActiveProfileSeed &
      PendingSeed & { id?: string; username?: string; orgMembershipStatus?: OrgMembershipStatus },
    orgRoles: OrgRole[],
  ): StoredUser {
    const status = checkStatus(seed.orgMembershipStatus ?? "PENDING");
    const now = timestamp(new Date());
    const user: StoredUser = {
      orgId,
      id: seed.id ?? newId(),
      username: seed.username ?? `user-${newId().slice(0, 8)}@example.com`,
      status,
      orgRoles: [...orgRoles],
      groupRoles: new Map(),
      teamIds: [],
    };
    if (status === "ACTIVE") {
      user.active = {
        firstName: seed.firstName ?? "Test",
        lastName: seed.lastName ?? "User",
        createdAt: seed.createdAt ?? now,
        ...(seed.lastAuth !== undefined && { lastAuth: seed.lastAuth }),
        ...(seed.country !== undefined && { country: seed.country }),
        ...(seed.mobileNumber !== undefined && { mobileNumber: seed.mobileNumber }),
      };
    } else {
      const invitationCreatedAt = seed.invitationCreatedAt ?? now;
      user.pending = {
        invitationCreatedAt,
        invitationExpiresAt:
          seed.invitationExpiresAt === undefined
            ? timestamp(new Date(Date.parse(invitationCreatedAt) + THIRTY_DAYS_MS))
            : seed.invitationExpiresAt,
        inviterUsername: seed.inviterUsername ?? "owner@example.com",
      };
    }
    return user;
  }

  addOrgUser(seed: OrgUserSeed = {}): OrgUser {
    const orgId = seed.orgId ?? newId();
    const user = this.#create(orgId, seed, seed.roles?.orgRoles ?? ["ORG_MEMBER"]);
    for (const { groupId, groupRoles } of seed.roles?.groupRoleAssignments ?? []) {
      this.#claimGroup(groupId, orgId);
      user.groupRoles.set(groupId, [...groupRoles]);
    }
    user.teamIds = [...(seed.teamIds ?? [])];
    this.#users.set(`${orgId}/${user.id}`, user);
    return orgUserView(user);
  }

  addGroupUser(seed: GroupUserSeed = {}): GroupUser {
    const groupId = seed.groupId ?? newId();
    const orgId = seed.orgId ?? this.#groupOrg.get(groupId) ?? newId();
    this.#claimGroup(groupId, orgId);
    const existing = seed.id === undefined ? undefined : this.#users.get(`${orgId}/${seed.id}`);
    const user = existing ?? this.#create(orgId, seed, seed.orgRoles ?? ["ORG_MEMBER"]);
    user.groupRoles.set(groupId, [...(seed.roles ?? ["GROUP_READ_ONLY"])]);
    this.#users.set(`${orgId}/${user.id}`, user);
    return groupUserView(user, groupId);
  }

  getOrgUser(orgId: string, userId: string): OrgUser | undefined {
    const user = this.#users.get(`${orgId}/${userId}`);
    return user && orgUserView(user);
  }

  getGroupUser(groupId: string, userId: string): GroupUser | undefined {
    const user = this.findInGroup(groupId, userId);
    return user && groupUserView(user, groupId);
  }

  listOrgUsers(orgId: string): OrgUser[] {
    return this.inOrg(orgId).map(orgUserView);
  }

  listGroupUsers(groupId: string): GroupUser[] {
    return this.inGroup(groupId).map((user) => groupUserView(user, groupId));
  }

  orgOf(groupId: string): string | undefined {
    return this.#groupOrg.get(groupId);
  }

  clear(): void {
    this.#users.clear();
    this.#groupOrg.clear();
  }

  // The fake's handlers work on the records themselves (not part of FakeUserStore).

  find(orgId: string, userId: string): StoredUser | undefined {
    return this.#users.get(`${orgId}/${userId}`);
  }

  findInGroup(groupId: string, userId: string): StoredUser | undefined {
    const orgId = this.#groupOrg.get(groupId);
    const user = orgId === undefined ? undefined : this.#users.get(`${orgId}/${userId}`);
    return user?.groupRoles.has(groupId) ? user : undefined;
  }

  inOrg(orgId: string): StoredUser[] {
    return [...this.#users.values()].filter((user) => user.orgId === orgId);
  }

  inGroup(groupId: string): StoredUser[] {
    const orgId = this.#groupOrg.get(groupId);
    return [...this.#users.values()].filter(
      (user) => user.orgId === orgId && user.groupRoles.has(groupId),
    );
  }

  /** Records that a project belongs to an organization; false when it belongs to another. */
  adopt(groupId: string, orgId: string): boolean {
    const owner = this.#groupOrg.get(groupId);
    if (owner !== undefined && owner !== orgId) return false;
    this.#groupOrg.set(groupId, orgId);
    return true;
  }
}
