/**
 * The error bodies the fake Atlas sends. Two kinds, kept apart on purpose:
 *
 * - Answers public sources show Atlas sending (listed in docs/FAKE-ATLAS.md with their sources):
 *   their status, `errorCode` and `detail` wording are copied as observed, and nothing is added
 *   that the sources do not show (no `parameters` where none was seen).
 * - Answers nothing public shows: the fake still answers with the status the spec lists, but
 *   sends no `errorCode` at all, so that no test can come to rely on a code the fake made up.
 *   Code under test then has to branch on the status, as it must against Atlas.
 */
import { STATUS_CODES } from "node:http";
import { parseRetryAfter } from "../http/retry.js";

/** An error answer: its status, its body, and any headers besides Content-Type. */
export interface ErrorAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The reason phrases Atlas puts in `reason` (the standard ones of RFC 9110, section 15). */
const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

export function reasonOf(status: number): string {
  return REASONS[status] ?? STATUS_CODES[status] ?? "Error";
}

// ---------------------------------------------------------------------------------------------
// Observed

/**
 * Wrong, missing, expired or revoked credentials: no errorCode at all. The whole body is visible
 * in the HTTP dump of github.com/mongodb/terraform-provider-mongodbatlas/issues/1327.
 */
export function credentialsFailed(): ErrorAnswer {
  return {
    status: 401,
    body: {
      error: 401,
      reason: "Unauthorized",
      detail: "You are not authorized for this resource.",
    },
  };
}

/**
 * Valid credentials without the role the operation needs: a 401, not a 403, with
 * USER_UNAUTHORIZED (github.com/mongodb/terraform-provider-mongodbatlas/pull/664 checks for it;
 * MongoDB's list of error codes gives it the same status and detail).
 */
export function userUnauthorized(): ErrorAnswer {
  return {
    status: 401,
    body: {
      error: 401,
      errorCode: "USER_UNAUTHORIZED",
      reason: "Unauthorized",
      detail: "Current user is not authorized to perform this action.",
    },
  };
}

/**
 * A body field Atlas does not take, named in `detail` and in `parameters` (v2 answer in
 * github.com/mongodb/terraform-provider-mongodbatlas/issues/3298; also issue 1245).
 */
export function invalidAttribute(name: string): ErrorAnswer {
  return {
    status: 400,
    body: {
      error: 400,
      errorCode: "INVALID_ATTRIBUTE",
      reason: "Bad Request",
      detail: `Invalid attribute ${name} specified.`,
      parameters: [name],
    },
  };
}

/**
 * A required field left out (github.com/mongodb/terraform-provider-mongodbatlas/issues/826,
 * github.com/mongodb/mongodbatlas-cloudformation-resources/issues/379). Those sources show the
 * code and the detail only, so the fake sends no `parameters`.
 */
export function missingAttribute(name: string): ErrorAnswer {
  return {
    status: 400,
    body: {
      error: 400,
      errorCode: "MISSING_ATTRIBUTE",
      reason: "Bad Request",
      detail: `The required attribute ${name} was not specified.`,
    },
  };
}

/**
 * A value outside an enum (github.com/pulumi/pulumi-mongodbatlas/issues/227). The source shows
 * the code and the detail only, so the fake sends no `parameters`.
 */
export function invalidEnumValue(value: string): ErrorAnswer {
  return {
    status: 400,
    body: {
      error: 400,
      errorCode: "INVALID_ENUM_VALUE",
      reason: "Bad Request",
      detail: `An invalid enumeration value ${value} was specified.`,
    },
  };
}

/**
 * A missing or unknown version in Accept. The 406 is MongoDB's versioning rule
 * (https://www.mongodb.com/docs/atlas/api/versioned-api-overview/); the code is in MongoDB's list
 * of error codes (https://www.mongodb.com/docs/atlas/reference/api-errors/, which files it under
 * 400); the detail is as Atlas CLI and SDK issues report it (see atlas-answers).
 */
export function invalidVersionDate(): ErrorAnswer {
  return {
    status: 406,
    body: {
      error: 406,
      errorCode: "INVALID_VERSION_DATE",
      reason: "Not Acceptable",
      detail: "Invalid accept header or version date.",
    },
  };
}

/** A rate limit: `capacity` requests per window of `windowMs`. */
export interface RateBucket {
  capacity: number;
  windowMs: number;
}

/** The fake's rate limit unless `rateLimit` and `rateLimitWindowMs` say otherwise. */
export const DEFAULT_BUCKET: RateBucket = { capacity: 100, windowMs: 60_000 };

/**
 * A spent rate limit. MongoDB's page on Administration API rate limits
 * (www.mongodb.com/docs/atlas/api/api-rate-limit) shows the whole body: RATE_LIMITED_TOKEN_BUCKET,
 * a detail naming the endpoint set, the wait in seconds and the bucket's capacity and refill, and
 * those five values again in `parameters`. How Atlas names an endpoint set past that one example
 * ("api/atlas/v2/orgs") is not public; the fake names the request's path. Its bucket refills whole
 * at the end of each window. The wait is `wait` (an injected fault's Retry-After: seconds, an
 * HTTP-date, or a Date); without one, or an unreadable one, the whole window.
 */
export function rateLimited(
  path: string,
  bucket: RateBucket,
  wait?: string | number | Date,
): ErrorAnswer {
  const set = path.replace(/^\//, "");
  // JSON has no Infinity (it would arrive as null): a fake without a rate limit reports its
  // default one.
  const { capacity, windowMs } = Number.isFinite(bucket.capacity) ? bucket : DEFAULT_BUCKET;
  const windowS = windowMs / 1000;
  // Read as the client reads Retry-After, so that the body agrees with the header: a date in
  // the past is a wait of 0 (RFC 9110, section 10.2.3), and an HTTP-date may come as text.
  const ms =
    wait instanceof Date
      ? wait.getTime() - Date.now()
      : typeof wait === "number"
        ? wait * 1000
        : parseRetryAfter(wait ?? null);
  const waitS = ms === undefined ? Math.ceil(windowS) : Math.max(0, Math.ceil(ms / 1000));
  return {
    status: 429,
    body: {
      error: 429,
      errorCode: "RATE_LIMITED_TOKEN_BUCKET",
      reason: "Too Many Requests",
      detail:
        `Rate limit exceeded for ${set}. Please retry after ${waitS} seconds. ` +
        `Request capacity: ${capacity}. Refill rate: ${capacity} per ${windowS} seconds.`,
      parameters: [set, waitS, capacity, capacity, windowS],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Published, not observed

/**
 * Removing a user's last project role. MongoDB's list of error codes has this code for taking every
 * role from a user, with status 403 and this detail
 * (https://www.mongodb.com/docs/atlas/reference/api-errors/), and MongoDB's page for
 * removeGroupUserRole says a user keeps at least one role. The list names no operation, so that
 * removeGroupUserRole answers with this code is an inference, though upstream lists 403 for it.
 */
export function cannotRemoveAllUserRoles(): ErrorAnswer {
  return {
    status: 403,
    body: {
      error: 403,
      errorCode: "CANNOT_REMOVE_ALL_USER_ROLES",
      reason: "Forbidden",
      detail: "You cannot remove all roles from a user. Specify at least one role.",
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Not observed

/**
 * An answer no public source shows: the status and a detail that says what happened, and no
 * errorCode (see the module comment).
 */
export function unobserved(
  status: number,
  detail: string,
  headers?: Record<string, string>,
): ErrorAnswer {
  return {
    status,
    body: { error: status, reason: reasonOf(status), detail },
    ...(headers && { headers }),
  };
}
