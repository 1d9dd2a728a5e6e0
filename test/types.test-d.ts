/**
 * What consumers rely on at the type level. Every `@ts-expect-error` sits on the line before one
 * statement that must not compile; if the types ever loosen, the directive becomes unused and
 * type checking fails.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  accessToken,
  apiKey,
  createAtlasInvites,
  fromEnv,
  isAtlasApiError,
  serviceAccount,
  type AcceptedInput,
  type AtlasAuthError,
  type AtlasError,
  type AtlasTimeoutError,
  type AtlasValidationError,
  type Violation,
  type AddOrRemoveGroupRole,
  type ApiError,
  type BadRequestDetail,
  type FieldViolation,
  type AtlasApiError,
  type AtlasInvites,
  type ClientPaths,
  type AuthStrategy,
  type Envelope,
  type ListEnvelope,
  type GroupInvitation,
  type GroupInvitationRequest,
  type GroupInvitationUpdateRequest,
  type GetOrgInviteInput,
  type InputOf,
  type KNOWN_PROJECT_ROLES,
  type ORG_ROLES,
  type OrganizationInvitation,
  type OrganizationInvitationGroupRoleAssignmentsRequest,
  type OrganizationInvitationUpdateRequest,
  type OrgMembershipStatus,
  type OrgActiveUser,
  type OrgPendingUser,
  type OrgRole,
  type OrgUser,
  type OrgUserUpdateRequest,
  type OnRetry,
  type RetryInfo,
  type PaginatedGroupUserView,
  type PaginatedOrgUserView,
  type GroupUser,
  type OperationId,
  type ProjectRole,
  type SuccessOf,
} from "../src/index.js";
import type { FakeInviteStore, FakeUserStore, RecordedRequest } from "../src/testing/index.js";

declare const atlas: AtlasInvites;
const org = { orgId: "4888442a3354817a7320eb61", invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e" };
const grp = { groupId: "32b6e34b3d91647abb20e7b8", invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e" };
const groupId = "32b6e34b3d91647abb20e7b8";
const invitationId = "5f1a7b3c9d2e4f6a8b0c1d2e";
const user = { orgId: "4888442a3354817a7320eb61", userId: "65a8c4e1f2b3d4a5c6e7f809" };
const groupUser = { groupId, userId: "65a8c4e1f2b3d4a5c6e7f809" };

describe("path parameters", () => {
  it("are required strings", () => {
    expectTypeOf<InputOf<"getOrgInvite">["orgId"]>().toEqualTypeOf<string>();
    expectTypeOf<InputOf<"getOrgInvite">["invitationId"]>().toEqualTypeOf<string>();
    expectTypeOf<InputOf<"updateOrgInviteById">["orgId"]>().toEqualTypeOf<string>();
    expectTypeOf<InputOf<"updateGroupInvites">["groupId"]>().toEqualTypeOf<string>();
    expectTypeOf<InputOf<"updateGroupInviteById">["groupId"]>().toEqualTypeOf<string>();
    expectTypeOf<InputOf<"updateGroupInviteById">["invitationId"]>().toEqualTypeOf<string>();
    expectTypeOf<InputOf<"getOrgUser">["userId"]>().toEqualTypeOf<string>();
    expectTypeOf<InputOf<"addGroupUserRole">["groupId"]>().toEqualTypeOf<string>();

    // @ts-expect-error orgId is missing
    void atlas.getOrgInvite({ invitationId });
    // @ts-expect-error invitationId is missing
    void atlas.updateGroupInviteById({ groupId, body: { roles: [] } });
    // @ts-expect-error groupId is missing
    void atlas.updateGroupInvites({ body: { username: "a@example.com" } });
    // @ts-expect-error a path parameter is a string, not a number
    void atlas.getOrgInvite({ orgId: 42, invitationId });
    // @ts-expect-error undefined is not a path parameter
    void atlas.getOrgInvite({ orgId: undefined, invitationId });
    // @ts-expect-error userId is missing
    void atlas.getOrgUser({ orgId: user.orgId });
  });
});

describe("roles", () => {
  it("org requests accept only the seven organization roles", () => {
    expectTypeOf<OrgRole>().toEqualTypeOf<(typeof ORG_ROLES)[number]>();
    expectTypeOf<OrgRole>().toEqualTypeOf<
      | "ORG_OWNER"
      | "ORG_MEMBER"
      | "ORG_GROUP_CREATOR"
      | "ORG_BILLING_ADMIN"
      | "ORG_BILLING_READ_ONLY"
      | "ORG_STREAM_PROCESSING_ADMIN"
      | "ORG_READ_ONLY"
    >();
    expectTypeOf<NonNullable<OrganizationInvitationUpdateRequest["roles"]>>().toEqualTypeOf<
      OrgRole[]
    >();
    void atlas.updateOrgInviteById({ ...org, body: { roles: ["ORG_MEMBER", "ORG_READ_ONLY"] } });

    // @ts-expect-error ORG_ADMIN is not an organization role
    void atlas.updateOrgInviteById({ ...org, body: { roles: ["ORG_ADMIN"] } });
    // @ts-expect-error a project role is not an organization role
    void atlas.updateOrgInviteById({ ...org, body: { roles: ["GROUP_OWNER"] } });
    // @ts-expect-error roles is a list, not one role
    void atlas.updateOrgInviteById({ ...org, body: { roles: "ORG_MEMBER" } });
  });

  it("project roles accept any string and suggest the known ones", () => {
    type Known = (typeof KNOWN_PROJECT_ROLES)[number];
    // The known names are members of the type (editors list them); plain `string` would give never.
    expectTypeOf<Extract<ProjectRole, Known>>().toEqualTypeOf<Known>();
    expectTypeOf<Extract<ProjectRole, "GROUP_OWNER">>().toEqualTypeOf<"GROUP_OWNER">();
    expectTypeOf<ProjectRole>().toExtend<string>();
    expectTypeOf<string>().toExtend<ProjectRole>();

    void atlas.updateGroupInviteById({ ...grp, body: { roles: ["GROUP_OWNER"] } });
    void atlas.updateGroupInviteById({ ...grp, body: { roles: ["GROUP_ADDED_NEXT_YEAR"] } });
    void atlas.updateGroupInvites({ groupId, body: { username: "a@example.com", roles: ["X"] } });
    const fromConfig: string = "GROUP_READ_ONLY";
    void atlas.updateGroupInviteById({ ...grp, body: { roles: [fromConfig] } });
    const assignment: OrganizationInvitationGroupRoleAssignmentsRequest = {
      groupId,
      roles: ["GROUP_CLUSTER_MANAGER", "ANY_FUTURE_ROLE"],
    };
    void atlas.updateOrgInviteById({ ...org, body: { groupRoleAssignments: [assignment] } });

    // @ts-expect-error a project role is still a string
    void atlas.updateGroupInviteById({ ...grp, body: { roles: [42] } });
  });
});

describe("request bodies", () => {
  it("are the request schemas of the spec, lists also taken readonly", () => {
    expectTypeOf<InputOf<"updateOrgInviteById">["body"]>().toEqualTypeOf<
      AcceptedInput<OrganizationInvitationUpdateRequest>
    >();
    // updateGroupInvites' body is the schema with username required (its x-client-required).
    expectTypeOf<InputOf<"updateGroupInvites">["body"]>().toEqualTypeOf<
      AcceptedInput<GroupInvitationRequest> & { username: string }
    >();
    expectTypeOf<InputOf<"updateGroupInviteById">["body"]>().toEqualTypeOf<
      AcceptedInput<GroupInvitationUpdateRequest>
    >();
    expectTypeOf<InputOf<"getOrgInvite">>().not.toHaveProperty("body");
    // A value typed with the schema's own name is taken as it is.
    expectTypeOf<OrganizationInvitationUpdateRequest>().toMatchTypeOf<
      InputOf<"updateOrgInviteById">["body"]
    >();
    expectTypeOf<GroupInvitationUpdateRequest>().toMatchTypeOf<
      InputOf<"updateGroupInviteById">["body"]
    >();
    // The same fields, each list readonly.
    expectTypeOf<AcceptedInput<OrganizationInvitationUpdateRequest>>().toEqualTypeOf<{
      groupRoleAssignments?: readonly {
        groupId?: string;
        roles?: readonly ProjectRole[];
      }[];
      roles?: readonly OrgRole[];
      teamIds?: readonly string[];
    }>();
    const roles = ["ORG_MEMBER", "ORG_READ_ONLY"] as const;
    void atlas.updateOrgInviteById({ ...org, body: { roles } });
    // @ts-expect-error a readonly list is still checked item by item
    void atlas.updateOrgInviteById({ ...org, body: { roles: ["ORG_ADMIN"] as const } });
  });

  it("refuse read-only response fields", () => {
    // @ts-expect-error id is read-only, set by Atlas
    void atlas.updateOrgInviteById({ ...org, body: { id: invitationId } });
    // @ts-expect-error createdAt is read-only
    void atlas.updateOrgInviteById({ ...org, body: { createdAt: "2025-05-04T09:42:00Z" } });
    // @ts-expect-error orgId belongs in the path, never in the body
    void atlas.updateOrgInviteById({ ...org, body: { orgId: org.orgId } });
    // @ts-expect-error expiresAt is read-only
    void atlas.updateGroupInviteById({ ...grp, body: { expiresAt: "2025-06-03T09:42:00Z" } });
    // @ts-expect-error groupName is read-only
    void atlas.updateGroupInvites({ groupId, body: { username: "a@example.com", groupName: "x" } });
  });

  it("are required where the spec requires them", () => {
    // @ts-expect-error body is missing
    void atlas.updateOrgInviteById({ ...org });
    // @ts-expect-error body is missing
    void atlas.updateGroupInvites({ groupId });
    // @ts-expect-error body is missing
    void atlas.updateGroupInviteById({ groupId, invitationId });
    // @ts-expect-error getOrgInvite has no body
    void atlas.getOrgInvite({ ...org, body: {} });
  });

  it("require the fields the spec's x-client-required adds, in the methods only", () => {
    // The schema type mirrors the spec, where username is optional.
    expectTypeOf<GroupInvitationRequest["username"]>().toEqualTypeOf<string | undefined>();
    const specBody: GroupInvitationRequest = { roles: ["GROUP_OWNER"] };
    void specBody;
    void atlas.updateGroupInvites({ groupId, body: { username: "a@example.com" } });

    // @ts-expect-error username is required: Atlas picks the invitation by it
    void atlas.updateGroupInvites({ groupId, body: {} });
    // @ts-expect-error roles alone name no invitation
    void atlas.updateGroupInvites({ groupId, body: { roles: ["GROUP_OWNER"] } });
    // @ts-expect-error username is a string, not undefined
    void atlas.updateGroupInvites({ groupId, body: { username: undefined } });

    // A call by path template keeps the spec's own type, where username is optional.
    void atlas.client.PATCH("/api/atlas/v2/groups/{groupId}/invites", {
      params: { path: { groupId } },
      body: { roles: ["GROUP_OWNER"] },
    });
  });

  it("refuse unknown keys in the input and in the body", () => {
    // @ts-expect-error invitationID is not a parameter (the spelling is invitationId)
    void atlas.getOrgInvite({ orgId: org.orgId, invitationID: invitationId });
    // @ts-expect-error pretty is not a query parameter of getOrgInvite
    void atlas.getOrgInvite({ ...org, pretty: true });
    // @ts-expect-error pretty is not a query parameter of updateGroupInviteById
    void atlas.updateGroupInviteById({ ...grp, pretty: true, body: {} });
    // @ts-expect-error role is not a field of the body (the field is roles)
    void atlas.updateGroupInviteById({ ...grp, body: { role: "GROUP_OWNER" } });
    // @ts-expect-error usernames is not a field of GroupInvitationRequest
    void atlas.updateGroupInvites({ groupId, body: { usernames: ["a@example.com"] } });
  });

  it("take the query parameters each operation has", () => {
    void atlas.updateOrgInviteById({ ...org, pretty: true, envelope: false, body: {} });
    void atlas.updateGroupInvites({ groupId, pretty: true, body: { username: "a@example.com" } });
    void atlas.getOrgInvite({ ...org, timeout: 5_000, signal: AbortSignal.timeout(10_000) });
    // @ts-expect-error envelope is a boolean
    void atlas.getOrgInvite({ ...org, envelope: "true" });
  });
});

describe("the Cloud Users API", () => {
  it("takes its own bodies", () => {
    expectTypeOf<InputOf<"updateOrgUser">["body"]>().toEqualTypeOf<
      AcceptedInput<OrgUserUpdateRequest>
    >();
    expectTypeOf<InputOf<"addGroupUserRole">["body"]>().toEqualTypeOf<
      AcceptedInput<AddOrRemoveGroupRole>
    >();
    expectTypeOf<InputOf<"removeGroupUserRole">["body"]>().toEqualTypeOf<
      AcceptedInput<AddOrRemoveGroupRole>
    >();
    expectTypeOf<OrgUserUpdateRequest>().toMatchTypeOf<InputOf<"updateOrgUser">["body"]>();
    expectTypeOf<AddOrRemoveGroupRole>().toMatchTypeOf<InputOf<"addGroupUserRole">["body"]>();
    void atlas.updateOrgUser({
      ...user,
      body: {
        roles: {
          orgRoles: ["ORG_MEMBER"],
          groupRoleAssignments: [{ groupId, groupRoles: ["GROUP_READ_ONLY", "ANY_FUTURE_ROLE"] }],
        },
        teamIds: ["6f6d5fe5a6d8e04d4a9b2c31"],
      },
    });
    void atlas.addGroupUserRole({ ...groupUser, body: { groupRole: "GROUP_OWNER" } });

    // @ts-expect-error roles is an object of orgRoles and groupRoleAssignments, not a list
    void atlas.updateOrgUser({ ...user, body: { roles: ["ORG_MEMBER"] } });
    // @ts-expect-error orgRoles holds organization roles only
    void atlas.updateOrgUser({ ...user, body: { roles: { orgRoles: ["GROUP_OWNER"] } } });
    // @ts-expect-error one project role at a time: groupRole, not roles
    void atlas.addGroupUserRole({ ...groupUser, body: { roles: ["GROUP_OWNER"] } });
    // @ts-expect-error the role is required
    void atlas.removeGroupUserRole({ ...groupUser, body: {} });
  });

  it("takes typed query parameters", () => {
    void atlas.listOrgUsers({
      orgId: user.orgId,
      orgMembershipStatuses: ["PENDING", "INVITATION_EXPIRED"],
      username: "a@example.com",
      pageNum: 2,
      itemsPerPage: 50,
      includeCount: true,
    });
    expectTypeOf<OrgMembershipStatus>().toEqualTypeOf<
      "PENDING" | "ACTIVE" | "INVITATION_EXPIRED" | "INVITATION_REJECTED"
    >();
    // @ts-expect-error INVITED is not a membership status
    void atlas.listOrgUsers({ orgId: user.orgId, orgMembershipStatuses: ["INVITED"] });
    // @ts-expect-error pageNum is a number
    void atlas.listGroupUsers({ groupId, pageNum: "2" });
  });

  it("returns users to narrow on their membership status", async () => {
    expectTypeOf<SuccessOf<"getOrgUser">>().toEqualTypeOf<OrgUser>();
    expectTypeOf<SuccessOf<"updateOrgUser">>().toEqualTypeOf<OrgUser>();
    expectTypeOf<SuccessOf<"getGroupUser">>().toEqualTypeOf<GroupUser>();
    expectTypeOf<SuccessOf<"addGroupUserRole">>().toEqualTypeOf<GroupUser>();
    expectTypeOf<SuccessOf<"listOrgUsers">>().toEqualTypeOf<PaginatedOrgUserView>();
    expectTypeOf<SuccessOf<"listGroupUsers">>().toEqualTypeOf<PaginatedGroupUserView>();

    const found = await atlas.getOrgUser(user);
    if (found.orgMembershipStatus === "ACTIVE") {
      expectTypeOf(found).toExtend<OrgActiveUser>();
    } else {
      expectTypeOf(found).toExtend<OrgPendingUser>();
    }
  });

  it("pages list operations only, item by item", () => {
    const users = atlas.paginate("listOrgUsers", {
      orgId: user.orgId,
      orgMembershipStatuses: ["PENDING"],
    });
    expectTypeOf(users).toEqualTypeOf<AsyncIterable<OrgUser>>();
    expectTypeOf(atlas.paginate("listGroupUsers", { groupId })).toEqualTypeOf<
      AsyncIterable<GroupUser>
    >();
    // @ts-expect-error getOrgInvite does not page
    void atlas.paginate("getOrgInvite", org);
    // @ts-expect-error orgId is missing
    void atlas.paginate("listOrgUsers", {});
  });
});

describe("results", () => {
  it("are the 200 schema of each operation", async () => {
    expectTypeOf<SuccessOf<"getOrgInvite">>().toEqualTypeOf<OrganizationInvitation>();
    expectTypeOf<SuccessOf<"updateOrgInviteById">>().toEqualTypeOf<OrganizationInvitation>();
    expectTypeOf<SuccessOf<"updateGroupInvites">>().toEqualTypeOf<GroupInvitation>();
    expectTypeOf<SuccessOf<"updateGroupInviteById">>().toEqualTypeOf<GroupInvitation>();

    const orgInvite = await atlas.getOrgInvite(org);
    expectTypeOf(orgInvite).toEqualTypeOf<OrganizationInvitation>();
    expectTypeOf(orgInvite).not.toEqualTypeOf<GroupInvitation>();
    expectTypeOf(orgInvite.orgName).toEqualTypeOf<string>();
    expectTypeOf(orgInvite.roles).toEqualTypeOf<OrgRole[] | undefined>();

    const updated = await atlas.updateOrgInviteById({ ...org, body: { roles: ["ORG_MEMBER"] } });
    expectTypeOf(updated).toEqualTypeOf<OrganizationInvitation>();

    const byName = await atlas.updateGroupInvites({ groupId, body: { username: "a@b.co" } });
    expectTypeOf(byName).toEqualTypeOf<GroupInvitation>();
    expectTypeOf(byName.roles).toEqualTypeOf<ProjectRole[] | undefined>();

    const byId = await atlas.updateGroupInviteById({ ...grp, body: { roles: ["GROUP_OWNER"] } });
    expectTypeOf(byId).toEqualTypeOf<GroupInvitation>();
    expectTypeOf(byId).not.toHaveProperty("orgName");
  });

  it("mark read-only fields readonly", async () => {
    const invite = await atlas.getOrgInvite(org);
    // @ts-expect-error id is read-only
    invite.id = "5f1a7b3c9d2e4f6a8b0c1d2e";
    invite.username = "someone@example.com";
  });

  it("are the envelope with envelope: true", async () => {
    const wrapped = await atlas.getOrgInvite({ ...org, envelope: true });
    expectTypeOf(wrapped).toEqualTypeOf<Envelope<OrganizationInvitation>>();
    expectTypeOf(wrapped.status).toEqualTypeOf<number>();
    expectTypeOf(wrapped.content).toEqualTypeOf<OrganizationInvitation>();

    const group = await atlas.updateGroupInvites({
      groupId,
      envelope: true,
      body: { username: "a@example.com" },
    });
    expectTypeOf(group).toEqualTypeOf<Envelope<GroupInvitation>>();

    const plain = await atlas.getOrgInvite({ ...org, envelope: false });
    expectTypeOf(plain).toEqualTypeOf<OrganizationInvitation>();

    // When the flag is only known at run time, the result is honestly either shape.
    const flag = Math.random() > 0.5;
    const either = await atlas.getOrgInvite({ ...org, envelope: flag });
    expectTypeOf(either).toEqualTypeOf<OrganizationInvitation | Envelope<OrganizationInvitation>>();
    // An envelope that is undefined is left out, so the answer is the usual body; so is one
    // that is false or undefined; one that is a boolean or undefined gives either shape.
    const unset = await atlas.getOrgInvite({ ...org, envelope: undefined });
    expectTypeOf(unset).toEqualTypeOf<OrganizationInvitation>();
    const maybeFalse = flag ? false : undefined;
    const off = await atlas.listOrgUsers({ orgId: org.orgId, envelope: maybeFalse });
    expectTypeOf(off).toEqualTypeOf<PaginatedOrgUserView>();
    const maybeFlag = Math.random() > 0.5 ? flag : undefined;
    const maybe = await atlas.listOrgUsers({ orgId: org.orgId, envelope: maybeFlag });
    expectTypeOf(maybe).toEqualTypeOf<PaginatedOrgUserView | ListEnvelope<PaginatedOrgUserView>>();
    // A list's envelope is its page with `status` added, not `{ status, content }`.
    const listed = await atlas.listGroupUsers({ groupId, envelope: true });
    expectTypeOf(listed).toEqualTypeOf<ListEnvelope<PaginatedGroupUserView>>();
    expectTypeOf(listed.status).toEqualTypeOf<number>();
    expectTypeOf(listed.results).toEqualTypeOf<PaginatedGroupUserView["results"]>();
    expectTypeOf(listed).not.toHaveProperty("content");
    // Without exactOptionalPropertyTypes (as here), TypeScript would read `true | undefined` as
    // true and promise an envelope the call may not get, so such a value is refused. (With that
    // option on, it gives either shape: test/method-types.test.ts.)
    const maybeTrue = flag ? true : undefined;
    // @ts-expect-error true or undefined: the answer may or may not be wrapped
    void atlas.listOrgUsers({ orgId: org.orgId, envelope: maybeTrue });
    // An input typed by its named interface answers the body, or with envelope: true the envelope.
    const input: GetOrgInviteInput = { ...org };
    expectTypeOf(await atlas.getOrgInvite(input)).toEqualTypeOf<OrganizationInvitation>();
    expectTypeOf(await atlas.getOrgInvite({ ...input, envelope: true })).toEqualTypeOf<
      Envelope<OrganizationInvitation>
    >();
  });
});

describe("path-based calls on atlas.client", () => {
  it("answer in the version the client asks for, with the package's own types", async () => {
    // listOrgUsers also has a 2023-01-01 version, but the client always sends 2025-02-19, so a
    // page holds only users of that version, to narrow on their membership status.
    const { data } = await atlas.client.GET("/api/atlas/v2/orgs/{orgId}/users", {
      params: { path: { orgId: user.orgId } },
    });
    const pending = data?.results.filter((u) => u.orgMembershipStatus === "PENDING");
    const users: OrgUser[] | undefined = pending;
    void users;
    const page: PaginatedOrgUserView | undefined = data;
    void page;

    // A project role is a string, as the methods return it.
    const invite = await atlas.client.GET("/api/atlas/v2/orgs/{orgId}/invites/{invitationId}", {
      params: { path: org },
    });
    const same: OrganizationInvitation | undefined = invite.data;
    void same;
    expectTypeOf(invite.data?.groupRoleAssignments?.[0]?.groupRole).toEqualTypeOf<
      string | undefined
    >();
    const member = await atlas.client.GET("/api/atlas/v2/groups/{groupId}/users/{userId}", {
      params: { path: groupUser },
    });
    const asMethod: GroupUser | undefined = member.data;
    void asMethod;
    // An error body may lack errorCode (the 401 for failed credentials), so it is optional.
    if (member.error) {
      expectTypeOf(member.error.errorCode).toEqualTypeOf<string | undefined>();
      const body: ApiError = member.error;
      void body;
    }
    if (member.data?.orgMembershipStatus === "ACTIVE") {
      expectTypeOf(member.data.firstName).toEqualTypeOf<string>();
      expectTypeOf(member.data.roles).toEqualTypeOf<string[]>();
    }
    if (member.error) expectTypeOf(member.error.error).toEqualTypeOf<number>();
  });
});

describe("rateLimit", () => {
  it("is read-only: the client's last reading, not a counter to change", () => {
    const seen = atlas.rateLimit;
    if (seen) {
      expectTypeOf(seen.remaining).toEqualTypeOf<number>();
      // @ts-expect-error the reading belongs to the client
      seen.remaining = 5;
    }
  });
});

describe("errors", () => {
  it("isAtlasApiError narrows to AtlasApiError, by status or by code", () => {
    const err: unknown = new Error("x");
    if (isAtlasApiError(err, 404)) {
      expectTypeOf(err).toExtend<AtlasApiError>();
      expectTypeOf(err.status).toEqualTypeOf<404>();
    }
    if (isAtlasApiError(err)) {
      expectTypeOf(err).toEqualTypeOf<AtlasApiError>();
    }
    if (isAtlasApiError(err, "USER_UNAUTHORIZED")) {
      expectTypeOf(err).toExtend<AtlasApiError>();
      expectTypeOf(err.status).toEqualTypeOf<number>();
      expectTypeOf(err.errorCode).toEqualTypeOf<"USER_UNAUTHORIZED">();
      expectTypeOf(err.path).toEqualTypeOf<string>();
      expectTypeOf(err.response).toEqualTypeOf<Response>();
    }
    expectTypeOf<AtlasApiError>().toExtend<AtlasError>();
    expectTypeOf<AtlasAuthError>().toExtend<AtlasError>();
    // The spec requires errorCode; Atlas leaves it out of the 401 for failed credentials.
    expectTypeOf<ApiError["errorCode"]>().toEqualTypeOf<string | undefined>();
    // badRequestDetail is an object or absent, never null: a null in the body is read as absent.
    if (isAtlasApiError(err, 400) && err.badRequestDetail !== undefined) {
      expectTypeOf(err.badRequestDetail.fields).toEqualTypeOf<FieldViolation[] | undefined>();
    }
    const show = (detail: BadRequestDetail) => detail.fields?.map((f) => f.field);
    void show;
    expectTypeOf<ApiError["error"]>().toEqualTypeOf<number>();
  });

  it("ApiError takes the parameters Atlas sends: strings, though the spec has objects", () => {
    // Atlas answers an unknown body field so (terraform-provider-mongodbatlas issues 1245, 3298).
    const refused: ApiError = {
      error: 400,
      errorCode: "INVALID_ATTRIBUTE",
      detail: "Invalid attribute teamIDs specified.",
      parameters: ["teamIDs"],
    };
    void refused;
    expectTypeOf<ApiError["parameters"]>().toEqualTypeOf<unknown[] | undefined>();
    // A path-based call's error body is the same type.
    type PatchUser = ClientPaths["/api/atlas/v2/orgs/{orgId}/users/{userId}"]["patch"];
    type Refused = PatchUser["responses"][400]["content"]["application/json"];
    expectTypeOf<Refused["parameters"]>().toEqualTypeOf<unknown[] | undefined>();
  });

  it("isAtlasApiError with a status or code leaves the other AtlasApiErrors in the else branch", () => {
    // The error is known to be an AtlasApiError already (a rethrow filter, a typed catch helper):
    // failing to match 404 says nothing against it being one, so the else branch must keep it.
    const err = {} as AtlasApiError;
    if (isAtlasApiError(err, 404)) {
      expectTypeOf(err.status).toEqualTypeOf<404>();
    } else {
      expectTypeOf(err).toEqualTypeOf<AtlasApiError>();
      expectTypeOf(err.status).toEqualTypeOf<number>();
    }
    if (!isAtlasApiError(err, "USER_UNAUTHORIZED")) {
      expectTypeOf(err.errorCode).toEqualTypeOf<string | undefined>();
    }
    const either = {} as AtlasApiError | TypeError;
    if (!isAtlasApiError(either, 409)) {
      expectTypeOf(either).toEqualTypeOf<AtlasApiError | TypeError>();
    }
    // Without a match, a false answer does mean "not an AtlasApiError".
    if (!isAtlasApiError(either)) expectTypeOf(either).toEqualTypeOf<TypeError>();
    // A match that may be undefined claims nothing of the code (undefined matches every error).
    const maybeCode = undefined as string | undefined;
    if (isAtlasApiError(err, maybeCode)) {
      expectTypeOf(err.errorCode).toEqualTypeOf<string | undefined>();
    }
  });

  it("each error's fields have the types of the values the client puts in them", () => {
    // Atlas's text fields are read only when they are strings; anything else is undefined.
    expectTypeOf<AtlasApiError["detail"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<AtlasApiError["reason"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<AtlasApiError["parameters"]>().toEqualTypeOf<readonly unknown[] | undefined>();
    expectTypeOf<AtlasApiError["body"]>().toEqualTypeOf<unknown>();
    expectTypeOf<AtlasApiError["method"]>().toEqualTypeOf<string>();
    expectTypeOf<AtlasApiError["url"]>().toEqualTypeOf<string>();
    expectTypeOf<AtlasTimeoutError["timeoutMs"]>().toEqualTypeOf<number>();
    expectTypeOf<AtlasTimeoutError["url"]>().toEqualTypeOf<string>();
    expectTypeOf<AtlasAuthError["status"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<AtlasAuthError["errorCode"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<AtlasValidationError["violations"]>().toEqualTypeOf<readonly Violation[]>();
    expectTypeOf<AtlasTimeoutError>().toExtend<AtlasError>();
    expectTypeOf<AtlasValidationError>().toExtend<AtlasError>();
  });
});

describe("options", () => {
  it("need an auth strategy", () => {
    expectTypeOf(createAtlasInvites).parameter(0).toHaveProperty("auth");
    expectTypeOf(serviceAccount).returns.toEqualTypeOf<AuthStrategy>();
    expectTypeOf(apiKey).returns.toEqualTypeOf<AuthStrategy>();
    expectTypeOf(accessToken).returns.toEqualTypeOf<AuthStrategy>();
    expectTypeOf(fromEnv).returns.toEqualTypeOf<AuthStrategy>();
    expectTypeOf(serviceAccount).parameter(0).toEqualTypeOf<{
      clientId: string;
      clientSecret: string;
    }>();
    expectTypeOf(apiKey).parameter(0).toEqualTypeOf<{ publicKey: string; privateKey: string }>();
    createAtlasInvites({ auth: fromEnv() });
    createAtlasInvites({ auth: fromEnv({ MONGODB_ATLAS_CLIENT_ID: "x" }) });
    createAtlasInvites({ auth: serviceAccount({ clientId: "mdb_sa_id_1", clientSecret: "s" }) });
    createAtlasInvites({ auth: apiKey({ publicKey: "abcdefgh", privateKey: "k" }) });
    createAtlasInvites({ auth: accessToken({ token: "t" }), maxResponseBytes: 1_048_576 });

    // @ts-expect-error "env" is no longer a shorthand; use fromEnv()
    createAtlasInvites({ auth: "env" });
    // @ts-expect-error the object form is gone; use serviceAccount({ clientId, clientSecret })
    createAtlasInvites({ auth: { type: "serviceAccount", clientId: "x", clientSecret: "s" } });
    // @ts-expect-error a service account needs its secret
    serviceAccount({ clientId: "mdb_sa_id_1" });
    // @ts-expect-error an API key needs its private key
    apiKey({ publicKey: "abcdefgh" });
    // @ts-expect-error a token is a string
    accessToken({ token: 42 });
    // @ts-expect-error auth is required
    createAtlasInvites({ baseUrl: "https://cloud.mongodb.com" });
    // @ts-expect-error retries is not an option (the option is retry)
    createAtlasInvites({ auth: accessToken({ token: "t" }), retries: 3 });
  });

  it("take a strategy of the user's own", () => {
    const fromVault: AuthStrategy = {
      label: "vault",
      start: (context) => {
        expectTypeOf(context.baseUrl).toEqualTypeOf<string>();
        return {
          async authorize(request) {
            expectTypeOf(request.headers).toEqualTypeOf<Headers>();
            request.headers.set("Authorization", `Bearer ${await Promise.resolve("t")}`);
          },
        };
      },
    };
    createAtlasInvites({ auth: fromVault });
    // @ts-expect-error a strategy starts a session
    createAtlasInvites({ auth: { label: "half a strategy" } });
    const noAuthorize: AuthStrategy = {
      label: "x",
      // @ts-expect-error a session must be able to authorize a request
      start: () => ({}),
    };
    void noAuthorize;
  });
});

describe("the fake Atlas's seeded invitations", () => {
  it("carry the ids a call needs, without a non-null assertion", () => {
    const invites = {} as FakeInviteStore;
    const org = invites.addOrgInvite();
    expectTypeOf(org.id).toEqualTypeOf<string>();
    expectTypeOf(org.orgId).toEqualTypeOf<string>();
    void atlas.getOrgInvite({ orgId: org.orgId, invitationId: org.id });
    const group = invites.addGroupInvite();
    expectTypeOf(group.id).toEqualTypeOf<string>();
    expectTypeOf(group.groupId).toEqualTypeOf<string>();
    void atlas.updateGroupInviteById({ groupId: group.groupId, invitationId: group.id, body: {} });
    expectTypeOf(invites.getOrgInvite(org.orgId, org.id)).toEqualTypeOf<typeof org | undefined>();
    expectTypeOf(invites.getGroupInvite(group.groupId, group.id)).toEqualTypeOf<
      typeof group | undefined
    >();
    // Still what getOrgInvite and updateGroupInviteById answer, so tests can compare the two.
    expectTypeOf(org).toMatchTypeOf<OrganizationInvitation>();
    expectTypeOf(group).toMatchTypeOf<GroupInvitation>();
  });
});

describe("the fake Atlas's seeds", () => {
  it("take readonly lists (ORG_ROLES, `as const`), as the methods do", () => {
    const users = {} as FakeUserStore;
    const invites = {} as FakeInviteStore;
    const orgRoles = {} as typeof ORG_ROLES;
    const projectRoles = {} as typeof KNOWN_PROJECT_ROLES;
    const teamIds = ["6f6d5fe5a6d8e04d4a9b2c31"] as const;
    const groupRoleAssignments = [{ groupId: teamIds[0], groupRoles: projectRoles }] as const;
    void atlas.updateOrgUser({
      orgId: "",
      userId: "",
      body: { roles: { orgRoles, groupRoleAssignments }, teamIds },
    });
    users.addOrgUser({ roles: { orgRoles, groupRoleAssignments }, teamIds });
    users.addGroupUser({ roles: projectRoles, orgRoles });
    invites.addOrgInvite({ roles: orgRoles, teamIds });
    invites.addGroupInvite({ roles: projectRoles });
    // Still typed: a project role list is no organization role list.
    // @ts-expect-error GROUP_ roles are not organization roles
    users.addGroupUser({ orgRoles: projectRoles });
  });
});

describe("the fake Atlas's record of requests", () => {
  it("names the operation with the same type faults and role rules take", () => {
    const record = {} as RecordedRequest;
    expectTypeOf(record.operationId).toEqualTypeOf<OperationId | undefined>();
    // @ts-expect-error a misspelt operation can never match
    void (record.operationId === "getOrgUsr");
  });
});

describe("onRetry", () => {
  it("takes a function returning anything, or an async one", () => {
    const seen: RetryInfo[] = [];
    const push: OnRetry = (info) => seen.push(info);
    const later: OnRetry = async (info) => {
      await Promise.resolve(info);
    };
    createAtlasInvites({ auth: accessToken({ token: "t" }), onRetry: push });
    createAtlasInvites({ auth: accessToken({ token: "t" }), onRetry: later });
    // @ts-expect-error it takes the retry's details, not something else
    const wrong: OnRetry = (info: string) => info;
    void wrong;
  });
});
