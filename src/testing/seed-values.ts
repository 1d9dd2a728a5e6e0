/**
 * The values a seed may hold. A seeded value goes into the fake's answers as it is, so each must
 * have the shape the spec gives the field it ends up in: an `id` of 24 lowercase hex characters
 * (the ids' `pattern`), a `username` that is an email address (`format: email`), a time that is
 * an RFC 3339 date-time (`format: date-time`), an organization role from the seven of `OrgRole`.
 * Otherwise the fake would answer what Atlas does not send, and a seeded id or address that the
 * client refuses to send could never be asked for. test/fake-atlas.test.ts checks these rules
 * against generated/openapi.json.
 */
import { ORG_ROLES } from "../../generated/operations.js";
import { isDateTime, isEmail, show } from "../validation/rules.js";

/** What a field's value must be: a check, and how a message names it. */
type Rule = readonly [check: (value: unknown) => boolean, what: string];

const text = (test: (s: string) => boolean) => (v: unknown) => typeof v === "string" && test(v);

/** The spec's patterns, as its schemas write them (ids, OrgActiveUserResponse.country, orgName). */
export const SEED_PATTERNS = {
  id: /^([a-f0-9]{24})$/u,
  country: /^([A-Z]{2})$/u,
  name: /^[\p{L}\p{N}\-_.(),:&@+']{1,64}$/u,
};

export const SEED_RULES = {
  id: [text((s) => SEED_PATTERNS.id.test(s)), "24 lowercase hex characters"],
  email: [text(isEmail), "an email address"],
  dateTime: [text(isDateTime), "an RFC 3339 date-time such as 2025-05-04T09:42:00Z"],
  country: [text((s) => SEED_PATTERNS.country.test(s)), "a two-letter ISO 3166-1 code such as US"],
  name: [text((s) => SEED_PATTERNS.name.test(s)), "1 to 64 letters, digits or -_.(),:&@+'"],
  orgRole: [(v) => (ORG_ROLES as readonly unknown[]).includes(v), `one of ${ORG_ROLES.join(", ")}`],
  string: [(v) => typeof v === "string", "a string"],
} satisfies Record<string, Rule>;

const R = SEED_RULES;
const USER: Record<string, Rule> = {
  orgId: R.id,
  id: R.id,
  username: R.email,
  firstName: R.string,
  lastName: R.string,
  createdAt: R.dateTime,
  lastAuth: R.dateTime,
  country: R.country,
  mobileNumber: R.string,
  invitationCreatedAt: R.dateTime,
  inviterUsername: R.email,
};
const INVITE: Record<string, Rule> = {
  id: R.id,
  username: R.email,
  inviterUsername: R.email,
  createdAt: R.dateTime,
  expiresAt: R.dateTime,
};

/**
 * The rule of each place in each seed; `[]` stands for every item of a list. A place without a
 * rule (an invitation's `links`) is stored as given.
 */
const PLACES: Record<string, Record<string, Rule>> = {
  addOrgUser: {
    ...USER,
    "roles.orgRoles[]": R.orgRole,
    "roles.groupRoleAssignments[].groupId": R.id,
    "roles.groupRoleAssignments[].groupRoles[]": R.string,
    "teamIds[]": R.id,
  },
  addGroupUser: { ...USER, groupId: R.id, "roles[]": R.string, "orgRoles[]": R.orgRole },
  addOrgInvite: {
    ...INVITE,
    orgId: R.id,
    orgName: R.name,
    "roles[]": R.orgRole,
    // OrganizationInvitation.teamIds has no pattern, unlike the users' teamIds.
    "teamIds[]": R.string,
    "groupRoleAssignments[].groupId": R.id,
    "groupRoleAssignments[].groupRole": R.string,
  },
  addGroupInvite: { ...INVITE, groupId: R.id, groupName: R.name, "roles[]": R.string },
};

/**
 * Throws a TypeError naming the first value of a seed that breaks its field's rule, or a list or
 * object given where the seed takes the other (or a scalar). `where` is the method, such as
 * "users.addOrgUser"; `null` is taken where the seed's type takes it (invitationExpiresAt).
 */
export function checkSeedValues(where: string, seed: object): void {
  const places = PLACES[where.slice(where.indexOf(".") + 1)]!;
  const fail = (at: string, problem: string): never => {
    throw new TypeError(`${where}: ${at} ${problem}`);
  };
  const walk = (value: unknown, at: string, place: string): void => {
    if (value === undefined || (value === null && place === "invitationExpiresAt")) return;
    const rule = places[place];
    if (rule) {
      if (!rule[0](value)) fail(at, `must be ${rule[1]}, got ${show(value)}`);
      return;
    }
    const below = Object.keys(places).filter((p) => p.startsWith(place));
    if (below.some((p) => p.startsWith(`${place}[]`))) {
      if (!Array.isArray(value)) fail(at, `must be a list, got ${show(value)}`);
      (value as unknown[]).forEach((item, i) => walk(item, `${at}[${i}]`, `${place}[]`));
    } else if (below.some((p) => p.startsWith(`${place}.`))) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        fail(at, `must be an object, got ${show(value)}`);
      }
      for (const [key, v] of Object.entries(value as object)) {
        walk(v, `${at}.${key}`, `${place}.${key}`);
      }
    }
  };
  for (const [key, value] of Object.entries(seed)) walk(value, key, key);
}
