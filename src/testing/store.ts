/** The fake Atlas's in-memory invitations, seedable from tests, and the ids and times it makes. */
import { randomBytes } from "node:crypto";
import type { AcceptedInput, GroupInvitation, OrganizationInvitation } from "../types.js";
import { checkSeedValues } from "./seed-values.js";

/** A fresh 24-character lowercase hex id, the shape of Atlas's ids. */
export function newId(): string {
  return randomBytes(12).toString("hex");
}

/** An ISO 8601 UTC time to the second, as Atlas writes them ("2025-05-04T09:42:00Z"). */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

/**
 * A default address no other seed has (`invitee-<hex>@example.com` for `local` "invitee"), so each
 * invitation or user can be found by its username.
 */
export function newUsername(local: string): string {
  return `${local}-${newId().slice(0, 8)}@example.com`;
}

function stamp(): { createdAt: string; expiresAt: string } {
  const now = Date.now();
  return {
    createdAt: timestamp(new Date(now)),
    expiresAt: timestamp(new Date(now + THIRTY_DAYS_MS)),
  };
}

/**
 * Every field optional; one named undefined is left out (exactOptionalPropertyTypes too). Lists
 * are also taken readonly (ORG_ROLES, an `as const` list), as the methods take them: the store
 * keeps a copy.
 */
type Seed<T> = { [K in keyof T]?: AcceptedInput<T[K]> | undefined };
/** An organization invitation to store; every field you leave out gets a default. */
export type OrgInviteSeed = Seed<OrganizationInvitation> & { orgId?: string | undefined };
/** A project invitation to store; every field you leave out gets a default. */
export type GroupInviteSeed = Seed<GroupInvitation> & { groupId?: string | undefined };
/**
 * An organization invitation as the fake stores it: what getOrgInvite answers, with the ids a
 * call needs (`orgId`, `id`) always set, since the fake files the invitation under them.
 */
export type FakeOrgInvite = OrganizationInvitation & {
  readonly orgId: string;
  readonly id: string;
};
/** A project invitation as the fake stores it, with `groupId` and `id` always set. */
export type FakeGroupInvite = GroupInvitation & { readonly groupId: string; readonly id: string };

/** What `fake.invites` offers a test: seeding and reading the stored invitations. */
export interface FakeInviteStore {
  /**
   * Stores an organization invitation, filling every field you leave out, and returns it as
   * getOrgInvite answers it.
   *
   * @example
   * const fake = await startFakeAtlas();
   * const invite = fake.invites.addOrgInvite({ username: "ana@example.com", roles: ["ORG_MEMBER"] });
   * console.log(invite.id, invite.orgId); // fresh ids, since the seed names none
   */
  addOrgInvite(seed?: OrgInviteSeed): FakeOrgInvite;
  /** Stores a project invitation, filling every field you leave out. */
  addGroupInvite(seed?: GroupInviteSeed): FakeGroupInvite;
  /** The stored organization invitation, or undefined. */
  getOrgInvite(orgId: string, invitationId: string): FakeOrgInvite | undefined;
  /** The stored project invitation, or undefined. */
  getGroupInvite(groupId: string, invitationId: string): FakeGroupInvite | undefined;
  /** Forgets every invitation. */
  clear(): void;
}

/** The fields of each seed; `satisfies` keeps each list equal to its type. */
const INVITE_FIELDS = {
  addOrgInvite: Object.keys({
    createdAt: 0,
    expiresAt: 0,
    groupRoleAssignments: 0,
    id: 0,
    inviterUsername: 0,
    links: 0,
    orgId: 0,
    orgName: 0,
    roles: 0,
    teamIds: 0,
    username: 0,
  } satisfies Record<keyof OrgInviteSeed, 0>),
  addGroupInvite: Object.keys({
    createdAt: 0,
    expiresAt: 0,
    groupId: 0,
    groupName: 0,
    id: 0,
    inviterUsername: 0,
    links: 0,
    roles: 0,
    username: 0,
  } satisfies Record<keyof GroupInviteSeed, 0>),
};

/**
 * Refuses a seed field the invitation does not have: stored as it is, a misspelt `role` would
 * leave the default roles in place and add a field of its own to every answer.
 */
function checkSeed(method: keyof typeof INVITE_FIELDS, seed: unknown): void {
  if (typeof seed !== "object" || seed === null || Array.isArray(seed)) {
    throw new TypeError(`invites.${method}: seed must be an object`);
  }
  const known = INVITE_FIELDS[method];
  // A field named undefined is a field left out, as everywhere in the seeds.
  for (const [key, value] of Object.entries(seed)) {
    if (value !== undefined && !known.includes(key)) {
      throw new TypeError(
        `invites.${method}: ${key} is not a field of a seed (${known.join(", ")})`,
      );
    }
  }
  checkSeedValues(`invites.${method}`, seed);
}

/**
 * A copy of the seed without the fields it names undefined, which keep their defaults: the store
 * keeps no list of the caller's, which the caller could change afterwards.
 */
function copy<T>(seed: object): Partial<T> {
  const entries = Object.entries(seed).filter(([, value]) => value !== undefined);
  return structuredClone(Object.fromEntries(entries)) as Partial<T>;
}

export class FakeInvites implements FakeInviteStore {
  readonly #org = new Map<string, FakeOrgInvite>();
  readonly #group = new Map<string, FakeGroupInvite>();

  constructor(private readonly baseUrl: () => string) {}

  addOrgInvite(seed: OrgInviteSeed = {}): FakeOrgInvite {
    checkSeed("addOrgInvite", seed);
    const orgId = seed.orgId ?? newId();
    const id = seed.id ?? newId();
    const defaults: FakeOrgInvite = {
      ...stamp(),
      groupRoleAssignments: [],
      id,
      inviterUsername: "owner@example.com",
      links: [{ href: `${this.baseUrl()}/api/atlas/v2/orgs/${orgId}/invites/${id}`, rel: "self" }],
      orgId,
      orgName: "Acme",
      roles: ["ORG_MEMBER"],
      teamIds: [],
      username: newUsername("invitee"),
    };
    // A field the seed names undefined keeps its default, as a field left out does; a key keeps
    // its place in the object, so the answer's field order stays the same.
    const invite: FakeOrgInvite = { ...defaults, ...copy<OrganizationInvitation>(seed), orgId, id };
    this.#org.set(`${orgId}/${id}`, invite);
    return structuredClone(invite);
  }

  addGroupInvite(seed: GroupInviteSeed = {}): FakeGroupInvite {
    checkSeed("addGroupInvite", seed);
    const groupId = seed.groupId ?? newId();
    const id = seed.id ?? newId();
    const defaults: FakeGroupInvite = {
      ...stamp(),
      groupId,
      groupName: "analytics",
      id,
      inviterUsername: "owner@example.com",
      links: [
        { href: `${this.baseUrl()}/api/atlas/v2/groups/${groupId}/invites/${id}`, rel: "self" },
      ],
      roles: ["GROUP_READ_ONLY"],
      username: newUsername("invitee"),
    };
    const invite: FakeGroupInvite = { ...defaults, ...copy<GroupInvitation>(seed), groupId, id };
    // updateGroupInvites finds a project's invitation by its username, so a second invitation
    // for the same address would be out of its reach.
    const held = this.findGroupInviteByUsername(groupId, invite.username!);
    if (held !== undefined && held.id !== id) {
      throw new TypeError(
        `invites.addGroupInvite: project ${groupId} already has invitation ${held.id} for ${held.username}`,
      );
    }
    this.#group.set(`${groupId}/${id}`, invite);
    return structuredClone(invite);
  }

  getOrgInvite(orgId: string, id: string): FakeOrgInvite | undefined {
    const found = this.#org.get(`${orgId}/${id}`);
    return found && structuredClone(found);
  }

  getGroupInvite(groupId: string, id: string): FakeGroupInvite | undefined {
    const found = this.#group.get(`${groupId}/${id}`);
    return found && structuredClone(found);
  }

  clear(): void {
    this.#org.clear();
    this.#group.clear();
  }

  // The fake's handlers (not part of FakeInviteStore).

  findGroupInviteByUsername(groupId: string, username: string): FakeGroupInvite | undefined {
    for (const invite of this.#group.values()) {
      if (invite.groupId === groupId && invite.username === username) {
        return structuredClone(invite);
      }
    }
    return undefined;
  }

  putOrgInvite(invite: FakeOrgInvite): void {
    this.#org.set(`${invite.orgId}/${invite.id}`, structuredClone(invite));
  }

  putGroupInvite(invite: FakeGroupInvite): void {
    this.#group.set(`${invite.groupId}/${invite.id}`, structuredClone(invite));
  }
}
