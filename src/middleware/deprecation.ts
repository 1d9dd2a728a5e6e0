/**
 * Tells the caller, once per operation, that it uses a deprecated operation and which method to
 * use instead: from the spec (deprecated, x-sunset, x-replacement) on the first call, and from
 * Atlas's `Deprecation` and `Sunset` response headers (RFC 9745, RFC 8594) when they appear.
 */
import type { Middleware } from "openapi-fetch";
import { findOperation, type Operation } from "../operations.js";

export interface DeprecationNotice {
  operationId: string;
  /** "spec" for the first call of a deprecated operation, "response" for response headers. */
  source: "spec" | "response";
  /** The sunset date, YYYY-MM-DD from the spec, or the Sunset header as sent. */
  sunset: string | null;
  /** The Deprecation header as sent, when the notice comes from a response. */
  deprecation: string | null;
  /** The methods of this client to use instead, as the spec names them. */
  replacement: string | null;
  message: string;
}

export type OnDeprecation = ((notice: DeprecationNotice) => void) | false | undefined;

/** Operations already reported through process warnings, shared by every client in the process. */
const warnedInProcess = new Set<string>();

/** The middleware for notices that are on: `onDeprecation` is the caller's callback or undefined. */
export function deprecationMiddleware(onDeprecation: Exclude<OnDeprecation, false>): Middleware {
  const reportedByThisClient = new Set<string>();

  function report(
    op: Operation,
    notice: Pick<DeprecationNotice, "source" | "sunset" | "deprecation">,
  ) {
    const key = `${notice.source}:${op.operationId}`;
    const seen = onDeprecation ? reportedByThisClient : warnedInProcess;
    if (seen.has(key)) return;
    seen.add(key);
    const when =
      notice.source === "spec"
        ? `it stops working on ${notice.sunset ?? "a date not announced yet"}`
        : `Atlas answered with Deprecation: ${notice.deprecation ?? "-"}, Sunset: ${notice.sunset ?? "-"}`;
    const instead = op.replacement ? `; use ${op.replacement} instead` : "";
    const message = `atlas-invites: ${op.operationId} is deprecated (${when})${instead}; see docs/MIGRATING.md`;
    if (onDeprecation) {
      onDeprecation({
        operationId: op.operationId,
        ...notice,
        replacement: op.replacement,
        message,
      });
    } else {
      process.emitWarning(message, {
        type: "DeprecationWarning",
        code: "ATLAS_INVITES_DEPRECATED",
      });
    }
  }

  return {
    onRequest({ request, schemaPath }) {
      const op = findOperation(request.method, schemaPath);
      if (op?.deprecated) report(op, { source: "spec", sunset: op.sunset, deprecation: null });
      return undefined;
    },
    onResponse({ request, response, schemaPath }) {
      const deprecation = response.headers.get("Deprecation");
      const sunset = response.headers.get("Sunset");
      const op =
        deprecation !== null || sunset !== null
          ? findOperation(request.method, schemaPath)
          : undefined;
      if (op) report(op, { source: "response", sunset, deprecation });
      return undefined;
    },
  };
}
