/**
 * The fake Atlas's users, as the Cloud Users API sees them: one record per organization and user,
 * holding the user's membership status, organization roles, project roles and teams. A project
 * user is an organization user with at least one role in that project, so a change made through
 * one operation (updateOrgUser) shows in the others (listGroupUsers) as it does in Atlas.
 *
 * Every project belongs to one organization. The store learns which from the seeds (a project
 * seen first without an orgId gets an organization of its own).
 */
import type { GroupUser, OrgMembershipStatus, OrgRole, OrgUser } from "../types.js";
import { checkSeedValues } from "./seed-values.js";
import { newId, newUsername, timestamp } from "./store.js";
import {
  checkSeed,
  type ActiveProfileSeed,
  type GroupUserSeed,
  type OrgUserSeed,
  type PendingSeed,
} from "./user-seeds.js";
import { groupUserView, orgUserView, type StoredUser } from "./user-views.js";

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
   * console.log(pending.orgMembershipStatus, member.orgMembershipStatus); // "PENDING" "ACTIVE"
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

const STATUSES: readonly OrgMembershipStatus[] = [
  "PENDING",
  "ACTIVE",
  "INVITATION_EXPIRED",
  "INVITATION_REJECTED",
];

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

/** The fields of a project seed that add a project to a user the store holds already. */
const ADDS_A_PROJECT: readonly string[] = ["groupId", "orgId", "id", "roles"];

function checkStatus(status: unknown): OrgMembershipStatus {
  if (!STATUSES.includes(status as OrgMembershipStatus)) {
    throw new TypeError(`users: orgMembershipStatus must be one of ${STATUSES.join(", ")}`);
  }
  return status as OrgMembershipStatus;
}

/** The store behind `fake.users`, with the lookups the handlers need besides. */
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
      PendingSeed & {
        id?: string | undefined;
        username?: string | undefined;
        orgMembershipStatus?: OrgMembershipStatus | undefined;
      },
    orgRoles: readonly OrgRole[],
  ): StoredUser {
    const status = checkStatus(seed.orgMembershipStatus ?? "PENDING");
    const now = timestamp(new Date());
    const user: StoredUser = {
      orgId,
      id: seed.id ?? newId(),
      username: seed.username ?? newUsername("user"),
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

  /**
   * Refuses a new user whose address another user of the organization has: an address is one
   * Atlas account, and the username filter (which ignores letter case) would find both.
   */
  #unique(method: string, user: StoredUser): StoredUser {
    const name = user.username.toLowerCase();
    const held = this.inOrg(user.orgId).find(
      (u) => u.id !== user.id && u.username.toLowerCase() === name,
    );
    if (held) {
      throw new TypeError(
        `users.${method}: organization ${user.orgId} already has user ${held.id} for ${user.username}`,
      );
    }
    return user;
  }

  addOrgUser(seed: OrgUserSeed = {}): OrgUser {
    checkSeed("addOrgUser", seed);
    checkSeedValues("users.addOrgUser", seed);
    const orgId = seed.orgId ?? newId();
    const user = this.#unique(
      "addOrgUser",
      this.#create(orgId, seed, seed.roles?.orgRoles ?? ["ORG_MEMBER"]),
    );
    for (const { groupId, groupRoles } of seed.roles?.groupRoleAssignments ?? []) {
      this.#claimGroup(groupId, orgId);
      user.groupRoles.set(groupId, [...groupRoles]);
    }
    user.teamIds = [...(seed.teamIds ?? [])];
    this.#users.set(`${orgId}/${user.id}`, user);
    return orgUserView(user);
  }

  addGroupUser(seed: GroupUserSeed = {}): GroupUser {
    checkSeed("addGroupUser", seed);
    checkSeedValues("users.addGroupUser", seed);
    const groupId = seed.groupId ?? newId();
    const orgId = seed.orgId ?? this.#groupOrg.get(groupId) ?? newId();
    const existing = seed.id === undefined ? undefined : this.#users.get(`${orgId}/${seed.id}`);
    if (existing) {
      // Only the project and its roles are added to a stored user; anything that describes the
      // user would be dropped without a word, so it is refused.
      const ignored = Object.entries(seed)
        .filter(([key, value]) => value !== undefined && !ADDS_A_PROJECT.includes(key))
        .map(([key]) => key);
      if (ignored.length > 0) {
        throw new TypeError(
          `users.addGroupUser: user ${existing.id} is stored already; ${ignored.join(", ")} ` +
            "would be ignored (groupId, orgId, id and roles add a project to it)",
        );
      }
    }
    const user =
      existing ??
      this.#unique("addGroupUser", this.#create(orgId, seed, seed.orgRoles ?? ["ORG_MEMBER"]));
    this.#claimGroup(groupId, orgId);
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
