/**
 * What each operation does to the fake's stores once the request has passed every check: the
 * four invitation operations and the seven Cloud Users API operations. Each returns the success
 * body, or the error answer for a request the stores cannot satisfy (an unknown id, a conflict).
 */
import type {
  GroupInvitationRequest,
  GroupInvitationUpdateRequest,
  OrganizationInvitation,
  OrganizationInvitationUpdateRequest,
  OrgMembershipStatus,
  OrgUserUpdateRequest,
} from "../types.js";
import type { OperationId } from "../operations.js";
import {
  cannotRemoveAllUserRoles,
  missingAttribute,
  unobserved,
  type ErrorAnswer,
} from "./answers.js";
import { LEGACY_LIST_VERSION } from "./negotiation.js";
import type { FakeGroupInvite, FakeInvites, FakeOrgInvite } from "./store.js";
import { appUserView, groupUserView, orgUserView, type StoredUser } from "./user-views.js";
import type { FakeUsers } from "./users.js";

export interface HandlerContext {
  invites: FakeInvites;
  users: FakeUsers;
  /** The fake's base URL, for links. */
  baseUrl: string;
}

/** A request that passed every check: its decoded path parameters, typed query and body. */
export interface Call {
  operationId: OperationId;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** The path as sent, for links. */
  path: string;
  /** The media type the answer will have (the version the request asked for). */
  mediaType: string;
}

export type Outcome = { ok: true; body: unknown } | { ok: false; answer: ErrorAnswer };

const ok = (body: unknown): Outcome => ({ ok: true, body });
const fail = (answer: ErrorAnswer): Outcome => ({ ok: false, answer });
// No public source shows the errorCode of a 404 or a 409 from these operations, so these carry
// none (see answers.ts); the status is what the spec lists.
const notFound = (detail: string) => fail(unobserved(404, detail));
const conflict = (detail: string) => fail(unobserved(409, detail));

/**
 * Without `orgMembershipStatuses`, Atlas considers ACTIVE and PENDING users (the spec's
 * OrgMembershipStatuses parameter says so). The deprecated single `orgMembershipStatus` adds
 * its value to the list.
 */
function statusFilter(query: Record<string, unknown>): Set<OrgMembershipStatus> {
  const many = query.orgMembershipStatuses as OrgMembershipStatus[] | undefined;
  const one = query.orgMembershipStatus as OrgMembershipStatus | undefined;
  if (many === undefined && one === undefined) return new Set(["ACTIVE", "PENDING"]);
  return new Set([...(many ?? []), ...(one === undefined ? [] : [one])]);
}

/** Usernames are email addresses; the fake compares them without regard to case (a guess). */
function sameUsername(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * One page of `items`: `pageNum` from 1, `itemsPerPage` 1-500 (default 100), `totalCount`
 * unless includeCount=false (the spec's paging parameters). The `links` (self, and next and
 * previous where there is such a page) are a guess at Atlas's shape.
 */
function page(items: unknown[], call: Call, baseUrl: string) {
  const pageNum = (call.query.pageNum as number | undefined) ?? 1;
  const perPage = (call.query.itemsPerPage as number | undefined) ?? 100;
  const start = (pageNum - 1) * perPage;
  const link = (n: number, rel: string) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(call.query)) {
      if (name === "pageNum" || name === "itemsPerPage") continue;
      for (const v of Array.isArray(value) ? value : [value]) search.append(name, String(v));
    }
    search.set("pageNum", String(n));
    search.set("itemsPerPage", String(perPage));
    return { href: `${baseUrl}${call.path}?${search.toString()}`, rel };
  };
  const links = [link(pageNum, "self")];
  if (start + perPage < items.length) links.push(link(pageNum + 1, "next"));
  if (pageNum > 1) links.push(link(pageNum - 1, "previous"));
  return {
    links,
    results: items.slice(start, start + perPage),
    ...(call.query.includeCount !== false && { totalCount: items.length }),
  };
}

function listUsers(
  call: Call,
  ctx: HandlerContext,
  users: StoredUser[],
  view: (user: StoredUser) => unknown,
): Outcome {
  const username = call.query.username as string | undefined;
  const named =
    username === undefined ? users : users.filter((u) => sameUsername(u.username, username));
  // The 2023-01-01 version lists active users only and knows no status filters (spec).
  if (call.mediaType === LEGACY_LIST_VERSION.mediaType) {
    return ok(page(named.filter((u) => u.status === "ACTIVE").map(appUserView), call, ctx.baseUrl));
  }
  const statuses = statusFilter(call.query);
  return ok(page(named.filter((u) => statuses.has(u.status)).map(view), call, ctx.baseUrl));
}

function updateOrgUser(user: StoredUser, change: OrgUserUpdateRequest, ctx: HandlerContext) {
  // Fields left out keep their value; a field sent empty is reset (spec, OrgUserUpdateRequest).
  if (change.roles !== undefined) {
    const assignments = change.roles.groupRoleAssignments;
    if (assignments !== undefined) {
      // Checked before anything changes, so a refused request leaves the user as it was.
      for (const { groupId } of assignments) {
        // GroupRoleAssignment does not mark groupId required; an assignment without one names
        // no project, and the fake refuses it the way Atlas refuses a missing field (a guess).
        if (groupId === undefined) return fail(missingAttribute("groupId"));
        const owner = ctx.users.orgOf(groupId);
        if (owner !== undefined && owner !== user.orgId) {
          return fail(unobserved(400, `Project ${groupId} is not in organization ${user.orgId}.`));
        }
      }
      const next = new Map<string, string[]>();
      for (const { groupId, groupRoles = [] } of assignments) {
        ctx.users.adopt(groupId!, user.orgId);
        const merged = [...new Set([...(next.get(groupId!) ?? []), ...groupRoles])];
        if (merged.length > 0) next.set(groupId!, merged);
        else next.delete(groupId!);
      }
      user.groupRoles = next;
    }
    user.orgRoles = [...change.roles.orgRoles];
  }
  if (change.teamIds !== undefined) user.teamIds = [...change.teamIds];
  return ok(orgUserView(user));
}

/**
 * Adds or removes one project role. Upstream lists 409 for both operations without saying when;
 * the fake sends it for a change that has nothing to do (adding a role the user holds, removing
 * one they do not), a guess. Removing a user's last role in the project gets the 403
 * CANNOT_REMOVE_ALL_USER_ROLES of MongoDB's error code list (see answers.ts).
 */
function changeRole(user: StoredUser, groupId: string, role: string, add: boolean): Outcome {
  const roles = user.groupRoles.get(groupId)!;
  if (add) {
    if (roles.includes(role)) {
      return conflict(`User ${user.id} already has the role ${role} in project ${groupId}.`);
    }
    roles.push(role);
  } else {
    if (!roles.includes(role)) {
      return conflict(`User ${user.id} does not have the role ${role} in project ${groupId}.`);
    }
    if (roles.length === 1) return fail(cannotRemoveAllUserRoles());
    roles.splice(roles.indexOf(role), 1);
  }
  return ok(groupUserView(user, groupId));
}

function updateGroupInvite(
  ctx: HandlerContext,
  found: FakeGroupInvite,
  change: GroupInvitationUpdateRequest,
): FakeGroupInvite {
  const next: FakeGroupInvite = { ...found };
  if (change.roles) next.roles = change.roles;
  ctx.invites.putGroupInvite(next);
  return next;
}

/**
 * Requests send { groupId, roles[] }, answers hold one { groupId, groupRole } per role. The
 * request's list may name a project twice (its schema has no uniqueItems), but the answer's list
 * is uniqueItems (OrganizationInvitation.groupRoleAssignments), so a pair named twice is kept
 * once, where it first appears, as updateOrgUser merges a project named twice.
 */
function inviteGroupRoles(
  assignments: NonNullable<OrganizationInvitationUpdateRequest["groupRoleAssignments"]>,
): NonNullable<OrganizationInvitation["groupRoleAssignments"]> {
  const pairs = new Map<string, { groupId?: string; groupRole: string }>();
  for (const { groupId, roles = [] } of assignments) {
    for (const groupRole of roles) {
      const key = JSON.stringify([groupId ?? null, groupRole]);
      if (!pairs.has(key)) pairs.set(key, { ...(groupId !== undefined && { groupId }), groupRole });
    }
  }
  return [...pairs.values()];
}

export function perform(call: Call, ctx: HandlerContext): Outcome {
  const { params, body } = call;
  const { invites, users } = ctx;
  const noInvite = () => notFound("No pending invitation matches this request.");
  switch (call.operationId) {
    case "getOrgInvite": {
      const found = invites.getOrgInvite(params.orgId!, params.invitationId!);
      return found ? ok(found) : noInvite();
    }
    case "updateOrgInviteById": {
      const found = invites.getOrgInvite(params.orgId!, params.invitationId!);
      if (!found) return noInvite();
      const change = body as OrganizationInvitationUpdateRequest;
      const next: FakeOrgInvite = {
        ...found,
        ...(change.roles && { roles: change.roles }),
        ...(change.teamIds && { teamIds: change.teamIds }),
        ...(change.groupRoleAssignments && {
          groupRoleAssignments: inviteGroupRoles(change.groupRoleAssignments),
        }),
      };
      invites.putOrgInvite(next);
      return ok(next);
    }
    case "updateGroupInvites": {
      const change = body as GroupInvitationRequest;
      const found = change.username
        ? invites.findGroupInviteByUsername(params.groupId!, change.username)
        : undefined;
      return found ? ok(updateGroupInvite(ctx, found, change)) : noInvite();
    }
    case "updateGroupInviteById": {
      const found = invites.getGroupInvite(params.groupId!, params.invitationId!);
      return found
        ? ok(updateGroupInvite(ctx, found, body as GroupInvitationUpdateRequest))
        : noInvite();
    }
    case "listOrgUsers":
      return listUsers(call, ctx, users.inOrg(params.orgId!), orgUserView);
    case "listGroupUsers": {
      const groupId = params.groupId!;
      return listUsers(call, ctx, users.inGroup(groupId), (u) => groupUserView(u, groupId));
    }
    case "getOrgUser": {
      const user = users.find(params.orgId!, params.userId!);
      if (!user || !statusFilter(call.query).has(user.status)) {
        return notFound(`No user ${params.userId} in organization ${params.orgId}.`);
      }
      return ok(orgUserView(user));
    }
    case "updateOrgUser": {
      const user = users.find(params.orgId!, params.userId!);
      if (!user) return notFound(`No user ${params.userId} in organization ${params.orgId}.`);
      return updateOrgUser(user, body as OrgUserUpdateRequest, ctx);
    }
    case "getGroupUser": {
      const user = users.findInGroup(params.groupId!, params.userId!);
      if (!user || !statusFilter(call.query).has(user.status)) {
        return notFound(`No user ${params.userId} in project ${params.groupId}.`);
      }
      return ok(groupUserView(user, params.groupId!));
    }
    case "addGroupUserRole":
    case "removeGroupUserRole": {
      const user = users.findInGroup(params.groupId!, params.userId!);
      if (!user) return notFound(`No user ${params.userId} in project ${params.groupId}.`);
      const { groupRole } = body as { groupRole: string };
      return changeRole(user, params.groupId!, groupRole, call.operationId === "addGroupUserRole");
    }
  }
}
