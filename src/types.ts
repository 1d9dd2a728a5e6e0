/** Friendly names for the generated schema and operation types. */
import type { components, operations as OperationTypes } from "../generated/atlas.js";
import type { OperationId } from "../generated/operations.js";

type Schemas = components["schemas"];

export type OrganizationInvitation = Schemas["OrganizationInvitation"];
export type OrganizationInvitationUpdateRequest = Schemas["OrganizationInvitationUpdateRequest"];
export type OrganizationInvitationGroupRoleAssignmentsRequest =
  Schemas["OrganizationInvitationGroupRoleAssignmentsRequest"];
export type GroupInvitation = Schemas["GroupInvitation"];
export type GroupInvitationRequest = Schemas["GroupInvitationRequest"];
export type GroupInvitationUpdateRequest = Schemas["GroupInvitationUpdateRequest"];
export type GroupRole = Schemas["GroupRole"];
export type Link = Schemas["Link"];
export type ApiError = Schemas["ApiError"];
export type BadRequestDetail = Schemas["BadRequestDetail"];
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

type Op<K extends OperationId> = OperationTypes[K];
type PathParamsOf<O> = O extends { parameters: { path: infer P } } ? P : object;
type QueryOf<O> = O extends { parameters: { query?: infer Q } }
  ? [Q] extends [undefined]
    ? object
    : NonNullable<Q>
  : object;
type BodyOf<O> = O extends { requestBody: { content: infer C } } ? C[keyof C] : never;
/** The 200 body of an operation. */
export type SuccessOf<K extends OperationId> =
  Op<K> extends { responses: { 200: { content: infer C } } } ? C[keyof C] : never;

/** Options every method accepts besides the operation's own parameters. */
export interface CallOptions {
  /** Aborts the call (and any retry wait). */
  signal?: AbortSignal;
  /** Per-attempt timeout in ms for this call, overriding the client's. */
  timeout?: number;
}

/** The argument of a method: path parameters, query parameters, `body` when there is one. */
export type InputOf<K extends OperationId> = PathParamsOf<Op<K>> &
  Omit<QueryOf<Op<K>>, "envelope"> &
  ([BodyOf<Op<K>>] extends [never] ? object : { body: BodyOf<Op<K>> }) &
  CallOptions;

/** One method per operation; `envelope: true` changes the result to the envelope shape. */
export interface OperationMethod<K extends OperationId> {
  (input: InputOf<K> & { envelope?: false }): Promise<SuccessOf<K>>;
  (input: InputOf<K> & { envelope: true }): Promise<Envelope<SuccessOf<K>>>;
  (input: InputOf<K> & { envelope?: boolean }): Promise<SuccessOf<K> | Envelope<SuccessOf<K>>>;
}

export type OperationMethods = { [K in OperationId]: OperationMethod<K> };
