/** The fake Atlas's in-memory invitations, seedable from tests. */
import { randomBytes } from "node:crypto";
import type { GroupInvitation, OrganizationInvitation } from "../types.js";

/** A fresh 24-character lowercase hex id, like Atlas's ObjectIds. */
export function newId(): string {
  return randomBytes(12).toString("hex");
}

const WEEK_MS = 30 * 24 * 3600 * 1000;

function stamp(): { createdAt: string; expiresAt: string } {
  const now = new Date();
  now.setUTCMilliseconds(0);
  return {
    createdAt: now.toISOString().replace(".000Z", "Z"),
    expiresAt: new Date(now.getTime() + WEEK_MS).toISOString().replace(".000Z", "Z"),
  };
}

export type OrgInviteSeed = Partial<OrganizationInvitation> & { orgId?: string };
export type GroupInviteSeed = Partial<GroupInvitation> & { groupId?: string };

export class FakeInvites {
  readonly #org = new Map<string, OrganizationInvitation>();
  readonly #group = new Map<string, GroupInvitation>();

  constructor(private readonly baseUrl: () => string) {}

  /** Stores an organization invitation, filling every field you leave out. */
  addOrgInvite(seed: OrgInviteSeed = {}): OrganizationInvitation {
    const orgId = seed.orgId ?? newId();
    const id = seed.id ?? newId();
    const invite: OrganizationInvitation = {
      ...stamp(),
      groupRoleAssignments: [],
      id,
      inviterUsername: "owner@example.com",
      links: [{ href: `${this.baseUrl()}/api/atlas/v2/orgs/${orgId}/invites/${id}`, rel: "self" }],
      orgId,
      orgName: "Acme",
      roles: ["ORG_MEMBER"],
      teamIds: [],
      username: "invitee@example.com",
      ...seed,
    };
    this.#org.set(`${orgId}/${id}`, invite);
    return structuredClone(invite);
  }

  /** Stores a project invitation, filling every field you leave out. */
  addGroupInvite(seed: GroupInviteSeed = {}): GroupInvitation {
    const groupId = seed.groupId ?? newId();
    const id = seed.id ?? newId();
    const invite: GroupInvitation = {
      ...stamp(),
      groupId,
      groupName: "analytics",
      id,
      inviterUsername: "owner@example.com",
      links: [
        { href: `${this.baseUrl()}/api/atlas/v2/groups/${groupId}/invites/${id}`, rel: "self" },
      ],
      roles: ["GROUP_READ_ONLY"],
      username: "invitee@example.com",
      ...seed,
    };
    this.#group.set(`${groupId}/${id}`, invite);
    return structuredClone(invite);
  }

  getOrgInvite(orgId: string, id: string): OrganizationInvitation | undefined {
    const found = this.#org.get(`${orgId}/${id}`);
    return found && structuredClone(found);
  }

  getGroupInvite(groupId: string, id: string): GroupInvitation | undefined {
    const found = this.#group.get(`${groupId}/${id}`);
    return found && structuredClone(found);
  }

  findGroupInviteByUsername(groupId: string, username: string): GroupInvitation | undefined {
    for (const invite of this.#group.values()) {
      if (invite.groupId === groupId && invite.username === username)
        return structuredClone(invite);
    }
    return undefined;
  }

  /** Replaces a stored invitation (used by the fake's PATCH handlers). */
  putOrgInvite(invite: OrganizationInvitation): void {
    this.#org.set(`${invite.orgId}/${invite.id}`, structuredClone(invite));
  }

  putGroupInvite(invite: GroupInvitation): void {
    this.#group.set(`${invite.groupId}/${invite.id}`, structuredClone(invite));
  }

  clear(): void {
    this.#org.clear();
    this.#group.clear();
  }
}
