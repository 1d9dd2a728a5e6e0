/**
 * The headers middleware: what every request says about itself, and what every answer says about
 * the caller's budget.
 * - Accept (and Content-Type for a body): Atlas selects the resource version from the media type
 *   application/vnd.atlas.YYYY-MM-DD+json and answers 406 without one. Each operation's version
 *   comes from the generated table, which picks it from the spec; no version is written in src/.
 * - User-Agent: the package, its version and Node's, after the caller's own name when given.
 * RateLimit-Limit and RateLimit-Remaining are read by the client's fetch from every answer it
 * receives, a retried one included (`rateLimitOf`).
 * A path template the spec does not have is refused here, before anything else looks at it.
 */
import type { Middleware } from "openapi-fetch";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../../generated/package-info.js";
import { AtlasValidationError } from "../errors.js";
import { isAtlasRequest } from "../http/request.js";
import { findOperation } from "../operations.js";

/** `atlas.rateLimit`: the rate-limit headers of the last API answer that had them. */
export interface RateLimit {
  /** Requests allowed in the current window (RateLimit-Limit). */
  readonly limit: number;
  /** Requests left in the current window (RateLimit-Remaining). */
  readonly remaining: number;
}

/** `<prefix> atlas-invites/<version> (node <version>)`, the prefix being the caller's own name. */
export function buildUserAgent(prefix: string | undefined): string {
  const own = `${PACKAGE_NAME}/${PACKAGE_VERSION} (node ${process.versions.node})`;
  return prefix ? `${prefix} ${own}` : own;
}

/** Digits only: Number() would also read "", "0x64", "1e2" and "-1" as integers. */
const COUNT = /^\d{1,15}$/;

/**
 * RateLimit-Limit and RateLimit-Remaining of an answer, when it carries both as non-negative
 * integers, the form Atlas's spec gives them; any other value says nothing about the budget.
 */
export function rateLimitOf(headers: Headers): RateLimit | undefined {
  // One header read for the answers that carry neither.
  const limit = headers.get("RateLimit-Limit");
  if (limit === null) return undefined;
  const remaining = headers.get("RateLimit-Remaining");
  return COUNT.test(limit) && remaining !== null && COUNT.test(remaining)
    ? { limit: Number(limit), remaining: Number(remaining) }
    : undefined;
}

export function headersMiddleware(userAgent: string): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      const op = findOperation(request.method, schemaPath);
      if (!op) {
        const what = `${request.method} ${schemaPath} is not an operation of the spec`;
        // The path given to atlas.client.GET and the others, which openapi-fetch calls `url`.
        throw new AtlasValidationError(`atlas-invites: ${what}; nothing was sent`, [
          { path: "url", rule: "enum", message: `url: ${what}` },
        ]);
      }
      if (isAtlasRequest(request)) request.operation = op;
      const { headers } = request;
      headers.set("Accept", op.mediaType);
      if (op.body !== null) headers.set("Content-Type", op.mediaType);
      headers.set("User-Agent", userAgent);
      return undefined;
    },
  };
}
