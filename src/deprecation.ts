/**
 * Tells the caller, once per operation, that it is using a deprecated operation: from the spec
 * (deprecated + x-sunset) on the first call, and from Atlas's `Deprecation` / `Sunset` response
 * headers (RFC 9745, RFC 8594) when they appear.
 */
import type { Middleware } from "openapi-fetch";
import { operations, type OperationId } from "./operations.js";
import { isAtlasRequest } from "./request.js";

export interface DeprecationNotice {
  operationId: string;
  /** "spec" for the first call of a deprecated operation, "response" for response headers. */
  source: "spec" | "response";
  /** The sunset date, YYYY-MM-DD from the spec, or the Sunset header as sent. */
  sunset: string | null;
  /** The Deprecation header as sent, when the notice comes from a response. */
  deprecation: string | null;
  /** What to use instead. */
  replacement: string;
  message: string;
}

export type OnDeprecation = ((notice: DeprecationNotice) => void) | false | undefined;

/** Operations already reported through process warnings, shared by every client in the process. */
const warnedInProcess = new Set<string>();

const CLOUD_USERS = "the MongoDB Cloud Users API";

function replacementOf(operationId: string): string {
  const op = operations[operationId as OperationId];
  return op?.replacement ? `${op.replacement} in ${CLOUD_USERS}` : CLOUD_USERS;
}

export function deprecationMiddleware(onDeprecation: OnDeprecation): Middleware {
  const reportedByThisClient = new Set<string>();

  function report(notice: Omit<DeprecationNotice, "message" | "replacement">): void {
    const key = `${notice.source}:${notice.operationId}`;
    if (onDeprecation === false) return;
    const replacement = replacementOf(notice.operationId);
    const when =
      notice.source === "spec"
        ? `it stops working on ${notice.sunset ?? "an unannounced date"}`
        : `Atlas reports Deprecation: ${notice.deprecation ?? "-"}, Sunset: ${notice.sunset ?? "-"}`;
    const message = `atlas-invites: ${notice.operationId} is deprecated (${when}); use ${replacement} instead`;
    if (typeof onDeprecation === "function") {
      if (reportedByThisClient.has(key)) return;
      reportedByThisClient.add(key);
      onDeprecation({ ...notice, replacement, message });
      return;
    }
    if (warnedInProcess.has(key)) return;
    warnedInProcess.add(key);
    process.emitWarning(message, { type: "DeprecationWarning", code: "ATLAS_INVITES_DEPRECATED" });
  }

  return {
    onRequest({ request }) {
      const id = isAtlasRequest(request) ? request.state.operationId : undefined;
      if (id === undefined) return undefined;
      const op = operations[id as OperationId];
      if (op.deprecated) {
        report({ operationId: id, source: "spec", sunset: op.sunset, deprecation: null });
      }
      return undefined;
    },
    onResponse({ request, response }) {
      const id = isAtlasRequest(request) ? request.state.operationId : undefined;
      if (id === undefined) return undefined;
      const deprecation = response.headers.get("Deprecation");
      const sunset = response.headers.get("Sunset");
      if (deprecation === null && sunset === null) return undefined;
      report({ operationId: id, source: "response", sunset, deprecation });
      return undefined;
    },
  };
}

/** For tests: forget which operations already warned in this process. */
export function resetDeprecationWarnings(): void {
  warnedInProcess.clear();
}
