/**
 * Bad input a JavaScript caller can hand the client, shared by the input tests and the secrets
 * scan: path parameter values, bodies with the violations each must produce, and call shapes.
 */
import type { OperationId } from "../../src/index.js";

export const VALID_ID = "4888442a3354817a7320eb61";
export const OTHER_ID = "5f1a7b3c9d2e4f6a8b0c1d2e";

/** A valid argument for each operation, to be spoiled one field at a time. */
export function validInput(id: OperationId): Record<string, unknown> {
  switch (id) {
    case "getOrgInvite":
      return { orgId: VALID_ID, invitationId: OTHER_ID };
    case "updateOrgInviteById":
      return { orgId: VALID_ID, invitationId: OTHER_ID, body: { roles: ["ORG_MEMBER"] } };
    case "updateGroupInvites":
      return { groupId: VALID_ID, body: { username: "ana@example.com", roles: ["GROUP_OWNER"] } };
    case "updateGroupInviteById":
      return { groupId: VALID_ID, invitationId: OTHER_ID, body: { roles: ["GROUP_OWNER"] } };
    case "listOrgUsers":
      return { orgId: VALID_ID };
    case "getOrgUser":
      return { orgId: VALID_ID, userId: OTHER_ID };
    case "updateOrgUser":
      return { orgId: VALID_ID, userId: OTHER_ID, body: { roles: { orgRoles: ["ORG_MEMBER"] } } };
    case "listGroupUsers":
      return { groupId: VALID_ID };
    case "getGroupUser":
      return { groupId: VALID_ID, userId: OTHER_ID };
    case "addGroupUserRole":
    case "removeGroupUserRole":
      return { groupId: VALID_ID, userId: OTHER_ID, body: { groupRole: "GROUP_READ_ONLY" } };
  }
}

/** Path parameter values a JavaScript caller might pass, none of which may reach a URL. */
export const BAD_IDS: [string, unknown][] = [
  ["a path traversal", "../x"],
  ["a traversal that keeps the length", "../../../../../../../../x"],
  ["an encoded slash", "%2F"],
  ["an id with an encoded slash", "4888442a3354817a7320%2F61"],
  ["an empty string", ""],
  ["23 characters", VALID_ID.slice(0, 23)],
  ["25 characters", `${VALID_ID}0`],
  ["uppercase hex", VALID_ID.toUpperCase()],
  ["one uppercase letter", `${VALID_ID.slice(0, 23)}F`],
  ["a non-hex letter", `${VALID_ID.slice(0, 23)}g`],
  ["unicode digits", "４８８８４４２ａ３３５４８１７ａ７３２０ｅｂ６１"],
  ["an accented letter", `${VALID_ID.slice(0, 23)}é`],
  ["an emoji", `${VALID_ID.slice(0, 22)}🙂`],
  ["a right-to-left override", `${VALID_ID.slice(0, 23)}\u202e`],
  ["a trailing newline", `${VALID_ID}\n`],
  ["a leading space", ` ${VALID_ID}`],
  ["a NUL byte", `${VALID_ID.slice(0, 23)}\u0000`],
  ["a query string", `${VALID_ID}?envelope=true`],
  ["a fragment", `${VALID_ID}#x`],
  ["a colon, as in :addRole", `${VALID_ID}:addRole`],
  ["null", null],
  ["undefined", undefined],
  ["a number", 4888442],
  ["a huge number", 4.888442e23],
  ["NaN", NaN],
  ["a bigint", 4888442n],
  ["true", true],
  ["an object", { toString: () => VALID_ID }],
  ["an array", [VALID_ID]],
  ["a String object", new String(VALID_ID)],
  ["a symbol", Symbol("id")],
  ["a function", () => VALID_ID],
];

/** The rules a bad path parameter value may break: a missing value, a non-string, a bad string. */
export const ID_RULES = ["required", "type", "pattern"];

export type Expected = [path: string, rule: string][];

/** Bodies a JavaScript caller might send, with every violation each must produce. */
export const BAD_BODIES: [OperationId, string, unknown, Expected][] = [
  [
    "updateOrgInviteById",
    "an org role outside the enum",
    { roles: ["ORG_ADMIN"] },
    [["body.roles[0]", "enum"]],
  ],
  [
    "updateOrgInviteById",
    "a project role as org role",
    { roles: ["GROUP_OWNER"] },
    [["body.roles[0]", "enum"]],
  ],
  [
    "updateOrgInviteById",
    "a lowercase org role",
    { roles: ["org_member"] },
    [["body.roles[0]", "enum"]],
  ],
  [
    "updateOrgInviteById",
    "duplicate org roles",
    { roles: ["ORG_MEMBER", "ORG_OWNER", "ORG_MEMBER"] },
    [["body.roles[2]", "uniqueItems"]],
  ],
  ["updateOrgInviteById", "roles as a string", { roles: "ORG_MEMBER" }, [["body.roles", "type"]]],
  ["updateOrgInviteById", "a role that is a number", { roles: [7] }, [["body.roles[0]", "type"]]],
  [
    "updateOrgInviteById",
    "an unknown field",
    { role: ["ORG_MEMBER"] },
    [["body.role", "unknownField"]],
  ],
  [
    "updateOrgInviteById",
    "readOnly fields of the invitation",
    { id: OTHER_ID, orgId: VALID_ID, createdAt: "2025-01-01T00:00:00Z", links: [] },
    [
      ["body.id", "readOnly"],
      ["body.orgId", "readOnly"],
      ["body.createdAt", "readOnly"],
      ["body.links", "readOnly"],
    ],
  ],
  ["updateOrgInviteById", "teamIds with a number", { teamIds: [1] }, [["body.teamIds[0]", "type"]]],
  [
    "updateOrgInviteById",
    "duplicate team ids",
    { teamIds: ["a", "a"] },
    [["body.teamIds[1]", "uniqueItems"]],
  ],
  [
    "updateOrgInviteById",
    "a bad project assignment",
    { groupRoleAssignments: [{ groupId: "../x", roles: ["GROUP_OWNER", "GROUP_OWNER"], role: 1 }] },
    [
      ["body.groupRoleAssignments[0].groupId", "pattern"],
      ["body.groupRoleAssignments[0].roles[1]", "uniqueItems"],
      ["body.groupRoleAssignments[0].role", "unknownField"],
    ],
  ],
  ["updateOrgInviteById", "an array body", [], [["body", "type"]]],
  ["updateOrgInviteById", "a string body", '{"roles":["ORG_MEMBER"]}', [["body", "type"]]],
  ["updateOrgInviteById", "a null body", null, [["body", "type"]]],
  ["updateOrgInviteById", "a missing body", undefined, [["body", "required"]]],
  // JSON.stringify turns a Date into a string, and the string is what would be sent.
  ["updateOrgInviteById", "a Date body", new Date(0), [["body", "type"]]],
  [
    "updateOrgInviteById",
    "everything wrong at once",
    { roles: ["ORG_ADMIN", "ORG_ADMIN"], id: OTHER_ID, color: "red", teamIds: "x" },
    [
      ["body.roles[0]", "enum"],
      ["body.roles[1]", "enum"],
      ["body.roles[1]", "uniqueItems"],
      ["body.id", "readOnly"],
      ["body.color", "unknownField"],
      ["body.teamIds", "type"],
    ],
  ],
  [
    "updateGroupInvites",
    "a username that is not an email",
    { username: "ana", roles: ["GROUP_OWNER"] },
    [["body.username", "format"]],
  ],
  ["updateGroupInvites", "a numeric username", { username: 42 }, [["body.username", "type"]]],
  [
    "updateGroupInvites",
    "readOnly fields of the project invitation",
    { username: "ana@example.com", groupName: "x", inviterUsername: "bo@example.com" },
    [
      ["body.groupName", "readOnly"],
      ["body.inviterUsername", "readOnly"],
    ],
  ],
  [
    "updateGroupInvites",
    "duplicate project roles",
    { username: "ana@example.com", roles: ["GROUP_OWNER", "GROUP_OWNER"] },
    [["body.roles[1]", "uniqueItems"]],
  ],
  [
    "updateGroupInviteById",
    "username, read-only here",
    { username: "ana@example.com" },
    [["body.username", "readOnly"]],
  ],
  [
    "updateGroupInviteById",
    "roles of the wrong types",
    { roles: [1, null, { r: 1 }] },
    [
      ["body.roles[0]", "type"],
      ["body.roles[1]", "type"],
      ["body.roles[2]", "type"],
    ],
  ],
  [
    "updateGroupInviteById",
    "an unknown nested field name",
    { "roles ": [] },
    [['body["roles "]', "unknownField"]],
  ],
  ["getOrgInvite", "a body where none is taken", { roles: [] }, [["body", "unknownParameter"]]],
  [
    "updateOrgUser",
    "roles as a list, the invitation shape",
    { roles: ["ORG_MEMBER"] },
    [["body.roles", "type"]],
  ],
  [
    "updateOrgUser",
    "no organization role",
    { roles: { orgRoles: [] } },
    [["body.roles.orgRoles", "minItems"]],
  ],
  [
    "updateOrgUser",
    "a missing orgRoles",
    { roles: { groupRoleAssignments: [] } },
    [["body.roles.orgRoles", "required"]],
  ],
  [
    "updateOrgUser",
    "a bad project role assignment",
    {
      roles: {
        orgRoles: ["ORG_MEMBER"],
        groupRoleAssignments: [{ groupId: "../x", groupRoles: ["GROUP_OWNER", "GROUP_OWNER"] }],
      },
    },
    [
      ["body.roles.groupRoleAssignments[0].groupId", "pattern"],
      ["body.roles.groupRoleAssignments[0].groupRoles[1]", "uniqueItems"],
    ],
  ],
  [
    "updateOrgUser",
    "a team id that is not an id",
    { teamIds: ["team-a"] },
    [["body.teamIds[0]", "pattern"]],
  ],
  [
    "updateOrgUser",
    "read-only fields of the user",
    { id: OTHER_ID, username: "ana@example.com" },
    [
      ["body.id", "readOnly"],
      ["body.username", "readOnly"],
    ],
  ],
  ["addGroupUserRole", "a missing role", {}, [["body.groupRole", "required"]]],
  [
    "addGroupUserRole",
    "several roles, the invitation shape",
    { roles: ["GROUP_OWNER"] },
    [
      ["body.roles", "readOnly"],
      ["body.groupRole", "required"],
    ],
  ],
  [
    "removeGroupUserRole",
    "a role that is a number",
    { groupRole: 1 },
    [["body.groupRole", "type"]],
  ],
];

/** Whole arguments a JavaScript caller might get wrong, and the message each must give. */
export const BAD_SHAPES: [string, OperationId, unknown, RegExp][] = [
  [
    "no argument",
    "getOrgInvite",
    undefined,
    /^atlas-invites: invalid input for getOrgInvite, nothing was sent: value: expected an object with the parameters of getOrgInvite \(orgId, invitationId\), got undefined$/,
  ],
  ["null", "getOrgInvite", null, /value: expected an object with .*, got null$/],
  ["a string", "getOrgInvite", VALID_ID, /value: expected an object with .*, got a string$/],
  [
    "an unknown parameter",
    "getOrgInvite",
    { ...validInput("getOrgInvite"), org: VALID_ID },
    /org: is not a parameter of getOrgInvite, which takes orgId, invitationId, envelope/,
  ],
  [
    "the body's fields beside the parameters instead of inside body",
    "updateOrgUser",
    { orgId: VALID_ID, userId: OTHER_ID, roles: { orgRoles: ["ORG_MEMBER"] } },
    /^atlas-invites: invalid input for updateOrgUser, nothing was sent: roles: is not a parameter of updateOrgUser; it belongs in body; body: is required but missing$/,
  ],
  [
    "a role beside the parameters instead of inside body",
    "addGroupUserRole",
    { groupId: VALID_ID, userId: OTHER_ID, groupRole: "GROUP_READ_ONLY" },
    /groupRole: is not a parameter of addGroupUserRole; it belongs in body;/,
  ],
  [
    "a misspelt query parameter",
    "listOrgUsers",
    { ...validInput("listOrgUsers"), itemPerPage: 10 },
    /itemPerPage: is not a parameter of listOrgUsers; did you mean itemsPerPage\?/,
  ],
  [
    "a query parameter of the wrong type",
    "getOrgInvite",
    { ...validInput("getOrgInvite"), envelope: "yes" },
    /envelope: expected a boolean, got a string/,
  ],
  [
    "pretty where the spec has none",
    "getOrgInvite",
    { ...validInput("getOrgInvite"), pretty: true },
    /pretty: is not a parameter of getOrgInvite, which takes orgId, invitationId, envelope/,
  ],
  [
    "a status outside the enum in a list parameter",
    "listOrgUsers",
    { ...validInput("listOrgUsers"), orgMembershipStatuses: ["PENDING", "INVITED"] },
    /orgMembershipStatuses\[1\]: "INVITED" is not one of PENDING, ACTIVE/,
  ],
  [
    "a signal that is not an AbortSignal",
    "getOrgInvite",
    { ...validInput("getOrgInvite"), signal: {} },
    /signal: expected an AbortSignal/,
  ],
  [
    "a negative timeout",
    "getOrgInvite",
    { ...validInput("getOrgInvite"), timeout: -1 },
    /timeout: expected a number of milliseconds from 0 to 2147483647, got -1/,
  ],
  [
    "a timeout longer than a timer keeps",
    "getOrgInvite",
    { ...validInput("getOrgInvite"), timeout: 2 ** 31 },
    /timeout: expected a number of milliseconds from 0 to 2147483647, got 2147483648/,
  ],
  [
    "a timeout given as text",
    "getOrgInvite",
    { ...validInput("getOrgInvite"), timeout: "1000" },
    /timeout: expected a number of milliseconds from 0 to 2147483647, got "1000"/,
  ],
];
