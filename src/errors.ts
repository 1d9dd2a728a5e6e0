/**
 * Typed errors. Every message is one line that says what happened; none of them ever contains a
 * credential (see redact.ts for how URLs are cleaned).
 */
import type { components } from "../generated/atlas.js";

type ApiErrorBody = components["schemas"]["ApiError"];

/** Base class of every error this package throws. */
export class AtlasError extends Error {
  override name = "AtlasError";
}

/** Invalid input or options, detected before anything was sent. */
export class AtlasValidationError extends AtlasError {
  override name = "AtlasValidationError";
  constructor(
    message: string,
    /** One entry per broken rule, with the field it concerns. */
    readonly violations: readonly { path: string; rule: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** A request that did not complete in time, or was aborted by the caller. */
export class AtlasTimeoutError extends AtlasError {
  override name = "AtlasTimeoutError";
}

/**
 * Credentials could not be obtained or used: the token endpoint refused or failed, a Digest
 * challenge asked for something this client cannot answer, or the client was closed. The message
 * names the credential by its public half (client id or public key), never by its secret.
 */
export class AtlasAuthError extends AtlasError {
  override name = "AtlasAuthError";
  /** HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;
  /** The OAuth error code of that answer (RFC 6749, section 5.2), such as invalid_client. */
  readonly errorCode: string | undefined;
  constructor(
    message: string,
    init: { status?: number; errorCode?: string; cause?: unknown } = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.errorCode = init.errorCode;
  }
}

const MAX_BODY_EXCERPT = 200;

function excerpt(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_BODY_EXCERPT ? `${oneLine.slice(0, MAX_BODY_EXCERPT)}…` : oneLine;
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ApiErrorBody).errorCode === "string"
  );
}

export interface AtlasApiErrorInit {
  status: number;
  method: string;
  /** The path template, for example /api/atlas/v2/orgs/{orgId}/invites/{invitationId}. */
  path: string;
  url: string;
  response: Response;
  /** The raw response text. */
  bodyText: string;
  /** Set when a 2xx body could not be used, to say why. */
  problem?: string;
}

/**
 * Atlas answered with an error status (or with a body we could not use). Carries the fields of
 * Atlas's ApiError when the body was one, and the first bytes of the body when it was not.
 *
 * @example
 * try {
 *   await atlas.getOrgInvite({ orgId, invitationId });
 * } catch (err) {
 *   if (isAtlasApiError(err, "RESOURCE_NOT_FOUND")) console.log("gone");
 *   else throw err;
 * }
 */
export class AtlasApiError extends AtlasError {
  override name = "AtlasApiError";
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly detail: string | undefined;
  readonly reason: string | undefined;
  readonly parameters: readonly unknown[] | undefined;
  readonly badRequestDetail: ApiErrorBody["badRequestDetail"] | undefined;
  readonly method: string;
  readonly path: string;
  readonly url: string;
  /** The parsed body when it was JSON, else the first bytes of the text. */
  readonly body: unknown;
  declare readonly response: Response;

  constructor(init: AtlasApiErrorInit) {
    let parsed: unknown;
    try {
      parsed = init.bodyText ? JSON.parse(init.bodyText) : undefined;
    } catch {
      parsed = undefined;
    }
    const api = isApiErrorBody(parsed) ? parsed : undefined;
    let what: string;
    if (init.problem) what = `${init.problem}${init.bodyText ? `: ${excerpt(init.bodyText)}` : ""}`;
    else if (api) what = api.detail ?? api.reason ?? api.errorCode;
    else if (init.bodyText) what = `response body is not an Atlas error: ${excerpt(init.bodyText)}`;
    else what = "empty response body";
    const code = api ? ` ${api.errorCode}` : "";
    super(`[${init.status}${code}] ${init.method} ${init.path}: ${what}`);
    this.status = init.status;
    this.errorCode = api?.errorCode;
    this.detail = api?.detail ?? undefined;
    this.reason = api?.reason ?? undefined;
    this.parameters = api?.parameters;
    this.badRequestDetail = api?.badRequestDetail ?? undefined;
    this.method = init.method;
    this.path = init.path;
    this.url = init.url;
    this.body = parsed ?? excerpt(init.bodyText);
    // Kept off the enumerable fields so logging the error stays short.
    Object.defineProperty(this, "response", { value: init.response, enumerable: false });
  }
}

/**
 * True when `err` is an AtlasApiError, and, when `errorCode` is given, carries that code.
 *
 * @example
 * if (isAtlasApiError(err, "RATE_LIMITED")) await sleep(1000);
 */
export function isAtlasApiError(err: unknown, errorCode?: string): err is AtlasApiError {
  return err instanceof AtlasApiError && (errorCode === undefined || err.errorCode === errorCode);
}
