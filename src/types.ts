/** Friendly names for the generated schema types, and the types of the client's methods. */
import type { components, operations as OperationTypes, paths } from "../generated/atlas.js";
import type { OperationInputs, OperationMethods } from "../generated/methods.js";
import type { OperationId, operations as table } from "../generated/operations.js";

type Schemas = components["schemas"];

// The invitation operations (deprecated, sunset 2027-07-01). The two results are interfaces so
// that editors' hovers and compiler messages name them (`const invite: OrganizationInvitation`);
// an alias of the schema's object type would be spelt out field by field.
/**
 * An organization invitation as `getOrgInvite` and `updateOrgInviteById` return it: who is invited,
 * by whom, with which roles, until when.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- see above
export interface OrganizationInvitation extends Schema<"OrganizationInvitation"> {
  // Adds nothing to the schema: it is an interface only to keep its name.
}
/**
 * The body of `updateOrgInviteById`: each field sent replaces the invitation's value. What Atlas
 * does with a field not sent is not publicly documented, so send every field whose value matters.
 */
export type OrganizationInvitationUpdateRequest = Schemas["OrganizationInvitationUpdateRequest"];
/**
 * One project of an `updateOrgInviteById` body, with every role to grant there (`roles`); answers
 * list one `GroupRole` per role instead.
 */
export type OrganizationInvitationGroupRoleAssignmentsRequest =
  Schemas["OrganizationInvitationGroupRoleAssignmentsRequest"];
/** A project invitation as `updateGroupInvites` and `updateGroupInviteById` return it. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- see above
export interface GroupInvitation extends Schema<"GroupInvitation"> {
  // Adds nothing to the schema: it is an interface only to keep its name.
}
/**
 * The body of `updateGroupInvites`: the invitee's email (`username`, by which Atlas picks the
 * invitation) and the roles to set.
 */
export type GroupInvitationRequest = Schemas["GroupInvitationRequest"];
/** The body of `updateGroupInviteById`: the project roles the invitation is to grant. */
export type GroupInvitationUpdateRequest = Schemas["GroupInvitationUpdateRequest"];
/**
 * One project and one role in it (`groupId`, `groupRole`), as an organization invitation lists
 * them.
 */
export type GroupRole = Schemas["GroupRole"];

// The Cloud Users API operations that succeed them. The user types are written
// `Schemas["..."] & {}`: the `& {}` adds nothing, but gives each a name that TypeScript shows
// (`const user: OrgUser`) in editors' hovers and compiler messages, where the schema's
// intersection would be spelt out field by field.
/** An organization user: narrow on `orgMembershipStatus` to a pending or an active user. */
export type OrgUser = Schemas["OrgUserResponse"] & {};
/**
 * A user invited to the organization who has not joined (PENDING, INVITATION_EXPIRED,
 * INVITATION_REJECTED).
 */
export type OrgPendingUser = Schemas["OrgPendingUserResponse"] & {};
/** A member of the organization (ACTIVE). */
export type OrgActiveUser = Schemas["OrgActiveUserResponse"] & {};
/** The roles of an organization user: organization roles and, per project, project roles. */
export type OrgUserRoles = Schemas["OrgUserRolesResponse"];
/**
 * The body of `updateOrgUser`: each field sent replaces the user's value, a field left out keeps
 * it.
 */
export type OrgUserUpdateRequest = Schemas["OrgUserUpdateRequest"];
/**
 * The `roles` of an `updateOrgUser` body: `orgRoles` (at least one) and the project roles per
 * project.
 */
export type OrgUserRolesRequest = Schemas["OrgUserRolesRequest"];
/** The project roles a user holds, or is to hold, in one project (`groupId`, `groupRoles`). */
export type GroupRoleAssignment = Schemas["GroupRoleAssignment"];
/** A project user: narrow on `orgMembershipStatus` to a pending or an active user. */
export type GroupUser = Schemas["GroupUserResponse"] & {};
/**
 * A project user who was invited and has not joined (PENDING, INVITATION_EXPIRED,
 * INVITATION_REJECTED).
 */
export type GroupPendingUser = Schemas["GroupPendingUserResponse"] & {};
/** A project user who has joined the organization (ACTIVE), with their profile. */
export type GroupActiveUser = Schemas["GroupActiveUserResponse"] & {};
/**
 * The body of `addGroupUserRole` and `removeGroupUserRole`: the one project role to add or remove.
 */
export type AddOrRemoveGroupRole = Schemas["AddOrRemoveGroupRole"];
/**
 * A schema by name, for an interface to extend. The two pages below are the spec's, with
 * `results` typed by the item's friendly name: the schema's own `results` is a list of the user
 * schema, which editors would spell out field by field for each item of a page or of `paginate`.
 */
type Schema<Name extends keyof Schemas> = Schemas[Name];
/** One page of `listOrgUsers`: the users in `results`, with `totalCount` and `links`. */
export interface PaginatedOrgUserView extends Schema<"PaginatedOrgUserView"> {
  /** The users on this page, members and pending alike: narrow on `orgMembershipStatus`. */
  readonly results: OrgUser[];
}
/** One page of `listGroupUsers`: the users in `results`, with `totalCount` and `links`. */
export interface PaginatedGroupUserView extends Schema<"PaginatedGroupUserView"> {
  /** The users on this page, members and pending alike: narrow on `orgMembershipStatus`. */
  readonly results: GroupUser[];
}
/** The membership states of a user; a pending invitation is `PENDING`. */
export type OrgMembershipStatus = OrgUser["orgMembershipStatus"];

// Shared
/** A link from an Atlas answer to a related resource (`href`, `rel`). */
export type Link = Schemas["Link"];
/**
 * An Atlas error body as it arrives (see ApiError). The spec's `parameters` items are objects,
 * which openapi-typescript reads as empty ones; Atlas sends `["<name>"]` with INVALID_ATTRIBUTE.
 */
type AsObserved<T> = T extends { readonly errorCode: string }
  ? { [K in keyof T as K extends "errorCode" | "parameters" ? never : K]: T[K] } & {
      readonly errorCode?: string;
      readonly parameters?: unknown[];
    }
  : T;

/**
 * The body of an Atlas error answer, which `AtlasApiError` reads, as Atlas sends it: `errorCode`
 * may be missing (failed credentials) and `parameters` holds strings, though the spec says neither.
 */
export type ApiError = AsObserved<Schemas["ApiError"]>;
/**
 * The fields a 400 answer names as breaking the rules (`AtlasApiError`'s `badRequestDetail`).
 * The schema is nullable; the error reads a null as absent, so this type is the object alone.
 */
export type BadRequestDetail = NonNullable<Schemas["BadRequestDetail"]>;
/** One refused field of a 400 answer and why. */
export type FieldViolation = Schemas["FieldViolation"];
/** One of the seven organization roles. */
export type OrgRole = Schemas["OrgRole"];
/** A project role: the documented names are suggested, any string is accepted. */
export type ProjectRole = Schemas["ProjectRole"];

/** What Atlas returns with `envelope: true`: the status code and the usual body. */
export interface Envelope<T> {
  status: number;
  content: T;
}

/**
 * What a list operation returns with `envelope: true`: the page itself with the status code
 * added, as MongoDB's description of `envelope` has it for endpoints that return a list.
 */
export type ListEnvelope<T> = T & { status: number };

type Op<K extends OperationId> = OperationTypes[K];
/** The media type (and so the version) the client sends for operation K. */
type MediaOf<K extends OperationId> = (typeof table)[K]["mediaType"];
type ContentOf<R> = R extends { content: infer C } ? C : never;
type Pick2xx<R> = R extends { 200: infer S } ? S : R extends { 201: infer S } ? S : never;

/** The body schema of an operation, as the spec has it, in the version the client sends. */
export type RequestBodyOf<K extends OperationId> =
  Op<K> extends { requestBody?: infer B }
    ? ContentOf<NonNullable<B>> extends infer C
      ? MediaOf<K> extends keyof C
        ? C[MediaOf<K>]
        : never
      : never
    : never;

/** The success body of an operation, in the version the client sends. */
export type SuccessOf<K extends OperationId> =
  ContentOf<Pick2xx<Op<K>["responses"]>> extends infer C
    ? MediaOf<K> extends keyof C
      ? C[MediaOf<K>]
      : never
    : never;

/** The media type the client sends for the operation at path P with lower-case method M. */
type SentMediaType<P, M> = {
  [K in OperationId]: (typeof table)[K]["path"] extends P
    ? Lowercase<(typeof table)[K]["method"]> extends M
      ? MediaOf<K>
      : never
    : never;
}[OperationId];

/**
 * T with every open string (a union of known values and any string, as ProjectRole is) read as
 * `string`. openapi-fetch 0.17 passes each answer's type through its `Readable`, which takes
 * `string & {}` for an object and maps it into something no string is (openapi-typescript issue
 * 2765); plain `string` goes through unchanged.
 */
type OpenStrings<T> = T extends string
  ? string extends T
    ? string
    : T
  : T extends readonly (infer Item)[]
    ? OpenStrings<Item>[]
    : T extends object
      ? { [K in keyof T]: OpenStrings<T[K]> }
      : T;

/**
 * An operation's answers in media type Media only, and the error bodies (application/json), with
 * `errorCode` optional as Atlas sends it.
 */
type AnswersIn<Responses, Media> = {
  [S in keyof Responses]: {
    [F in keyof Responses[S]]: F extends "content"
      ? {
          [C in Extract<keyof Responses[S][F], Media | "application/json">]: AsObserved<
            OpenStrings<Responses[S][F][C]>
          >;
        }
      : Responses[S][F];
  };
};

/**
 * The spec's paths as `atlas.client` answers them: each operation in the one version the client
 * asks for (the 2023-01-01 version of the list operations is never sent), and project roles read
 * as strings, as the methods return them. Parameters and bodies are the spec's own.
 */
export type ClientPaths = {
  [P in keyof paths]: {
    [M in keyof paths[P]]: {
      [F in keyof paths[P][M]]: F extends "responses"
        ? AnswersIn<paths[P][M][F], SentMediaType<P, M>>
        : paths[P][M][F];
    };
  };
};

/**
 * What a method takes where the spec has type T: the same fields and values, with every list also
 * taken readonly (the client only reads what it is given, so an `as const` list or ORG_ROLES
 * will do) and every optional field also taking `undefined`, at every depth. An undefined field
 * is left out of the JSON the client sends, as if it were absent; that matters under
 * exactOptionalPropertyTypes, where an optional field would otherwise refuse a maybe-value.
 */
export type AcceptedInput<T> = T extends
  string | number | boolean | bigint | symbol | null | undefined
  ? T
  : T extends readonly (infer Item)[]
    ? readonly AcceptedInput<Item>[]
    : { [K in keyof T]: AcceptedInput<T[K]> | (undefined extends T[K] ? undefined : never) };

/** Options every method accepts besides the operation's own parameters. */
export interface CallOptions {
  /** Aborts the call (and any retry wait); the call then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /**
   * Per-attempt timeout in ms for this call, overriding the client's; the first attempt counts
   * from the start of the call, including the wait for credentials. 0 turns it off; at most
   * 2147483647, the longest a Node timer keeps. With `paginate`, each page's request has it.
   */
  timeout?: number | undefined;
}

// The methods' types (OperationMethods, one `<OperationId>Input` per operation, EnvelopeOption,
// Enveloped) are generated from the spec into generated/methods.ts, with each operation's JSDoc;
// see scripts/lib/methods.ts.
export type * from "../generated/methods.js";

/**
 * The argument of a method without `envelope`: path parameters, query parameters, `body` when
 * there is one (with the fields of the spec's `x-client-required` made required), call options.
 */
export type InputOf<K extends OperationId> = OperationInputs[K];

type PageSize<K extends OperationId> = (typeof table)[K]["pageSize"];
/**
 * The operations that page their results (a `pageNum` parameter and `results` in the answer).
 * Read as "pageSize is neither null nor any", not "is a number": without strictNullChecks
 * (`strict: false`), `null extends number` holds, and the table's `pageSize: null`, read from
 * source, widens to `any`; either way every operation would count as a list.
 */
export type ListOperationId = {
  [K in OperationId]: 0 extends 1 & PageSize<K> ? never : PageSize<K> extends null ? never : K;
}[OperationId];

/**
 * What the method of K resolves to, either shape of `envelope` (the method's `E` is read as its
 * constraint); both hold the same `results`. Read from the method rather than from the spec, so
 * that an item keeps the friendly name the method's page gives it.
 */
type MethodResult<K extends OperationId> = OperationMethods[K] extends (
  input: never,
) => Promise<infer Result>
  ? Result
  : never;

/** One item of a list operation's `results`. */
export type ItemOf<K extends ListOperationId> =
  MethodResult<K> extends { readonly results: readonly (infer Item)[] } ? Item : never;

/** What `paginate` takes: the operation's input without `pageNum`, which it counts itself from. */
export type PaginateInput<K extends ListOperationId> = Omit<InputOf<K>, "pageNum"> & {
  /** The first page to read. Default 1. */
  pageNum?: number | undefined;
  /** Not taken: paginate reads each page's results itself, so it never answers an envelope. */
  envelope?: undefined;
};
