/**
 * Tells the caller that it uses a deprecated operation and which method to use instead: from the
 * spec (deprecated, x-sunset, x-replacement) on the first call, and from Atlas's `Deprecation`
 * and `Sunset` response headers (RFC 9745, RFC 8594) when they say something the caller has not
 * been told yet, such as a sunset date other than the spec's.
 */
import type { Middleware } from "openapi-fetch";
import { parseHttpDate } from "../http/date.js";
import { findOperation, type Operation, type OperationId } from "../operations.js";
import { oneLine, type Scrub } from "../text.js";

/**
 * What `onDeprecation` receives: the first call of a deprecated operation, or an answer whose
 * `Deprecation` or `Sunset` header says something new.
 */
export interface DeprecationNotice {
  operationId: OperationId;
  /**
   * "spec" for the first call of a deprecated operation; "response" when the response headers
   * name a sunset date other than the one last reported, a `Deprecation` date other than the
   * last one seen (in either of its forms), or either header for an operation nothing reported
   * as deprecated before.
   */
  source: "spec" | "response";
  /**
   * The sunset date, YYYY-MM-DD from the spec, or the Sunset header as sent (the client's
   * secrets taken out, as from all server text).
   */
  sunset: string | null;
  /** The Deprecation header as sent (secrets taken out), when the notice comes from a response. */
  deprecation: string | null;
  /** The methods of this client to use instead, as the spec names them. */
  replacement: string | null;
  message: string;
}

/**
 * The `onDeprecation` option: a function that receives each notice instead of the process
 * warning, `false` to silence the notices, or `undefined` for the warnings. An async function is
 * declared as such (its promise is not waited for; a rejection becomes a process warning).
 */
export type OnDeprecation =
  | ((notice: DeprecationNotice) => void)
  | ((notice: DeprecationNotice) => Promise<void>)
  | false
  | undefined;

/**
 * What the caller knows of one operation: the sunset date (YYYY-MM-DD when the header's
 * HTTP-date could be read, else the header as sent) and the `Deprecation` date last seen (in
 * milliseconds when it could be read, else the header as sent; null when only the spec said the
 * operation is deprecated).
 */
interface Told {
  sunset: string | null;
  deprecation: string | null;
}

/** What process warnings have told, by operation, shared by every client in the process. */
const toldInProcess = new Map<string, Told>();

/**
 * The day a Sunset header names (RFC 8594 section 3: an HTTP-date), to compare with x-sunset; a
 * value that is no HTTP-date is kept as sent.
 */
function sunsetDay(header: string): string {
  const time = parseHttpDate(header);
  return time === undefined ? header : new Date(time).toISOString().slice(0, 10);
}

/**
 * The time a Deprecation header names, so that two forms of one date compare equal: RFC 9745
 * section 2.1 sends `@` and Unix seconds, its drafts an HTTP-date (the form Atlas documents).
 */
function deprecationTime(header: string): string {
  const time = /^@-?\d+$/.test(header) ? Number(header.slice(1)) * 1000 : parseHttpDate(header);
  return time === undefined ? header : String(time);
}

/**
 * The middleware for notices that are on: `onDeprecation` is the caller's callback or undefined;
 * `scrub` takes the client's secrets out of header values before a notice or warning quotes them.
 */
export function deprecationMiddleware(
  onDeprecation: Exclude<OnDeprecation, false>,
  scrub: Scrub,
): Middleware {
  const told = onDeprecation ? new Map<string, Told>() : toldInProcess;

  function report(
    op: Operation,
    notice: Pick<DeprecationNotice, "source" | "sunset" | "deprecation">,
  ) {
    // Header values are the server's text: escaped, so they cannot drive a terminal.
    const when =
      notice.source === "spec"
        ? `it stops working on ${notice.sunset ?? "a date not announced yet"}`
        : `Atlas answered with Deprecation: ${oneLine(notice.deprecation ?? "-")}, Sunset: ${oneLine(notice.sunset ?? "-")}`;
    const instead = op.replacement ? `; use ${op.replacement} instead` : "";
    const message = `atlas-invites: ${op.operationId} is deprecated (${when})${instead}; see docs/MIGRATING.md`;
    if (onDeprecation) {
      // A notice is a side note to the call: a callback that fails must not cost the caller an
      // answer Atlas already gave (a change already made), so its failure becomes a warning.
      const failed = (error: unknown) => {
        const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        process.emitWarning(`atlas-invites: onDeprecation threw ${oneLine(scrub(what))}`, {
          code: "ATLAS_INVITES_ON_DEPRECATION_FAILED",
        });
      };
      try {
        // An async callback fails by rejecting: left unhandled, that would end the process. Its
        // promise is followed whatever made it (another realm, a promise library's thenable).
        Promise.resolve(
          onDeprecation({
            operationId: op.operationId,
            ...notice,
            replacement: op.replacement,
            message,
          }),
        ).catch(failed);
      } catch (error) {
        failed(error);
      }
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
      if (op?.deprecated && !told.has(op.operationId)) {
        told.set(op.operationId, { sunset: op.sunset, deprecation: null });
        report(op, { source: "spec", sunset: op.sunset, deprecation: null });
      }
      return undefined;
    },
    onResponse({ request, response, schemaPath }) {
      const deprecation = response.headers.get("Deprecation");
      const sunset = response.headers.get("Sunset");
      if (deprecation === null && sunset === null) return undefined;
      const op = findOperation(request.method, schemaPath);
      if (!op) return undefined;
      const before = told.get(op.operationId);
      const day = sunset === null ? null : sunsetDay(sunset);
      const since = deprecation === null ? null : deprecationTime(deprecation);
      // A header left out says nothing: whether every Atlas answer of a deprecated operation,
      // errors included, carries both is not publicly documented (a guess either way).
      const news =
        !before ||
        (day !== null && day !== before.sunset) ||
        (since !== null && before.deprecation !== null && since !== before.deprecation);
      told.set(op.operationId, {
        sunset: day ?? before?.sunset ?? null,
        deprecation: since ?? before?.deprecation ?? null,
      });
      // Scrubbed only here, on the way to a notice: a server may echo the Authorization header.
      if (news) {
        report(op, {
          source: "response",
          sunset: sunset === null ? null : scrub(sunset),
          deprecation: deprecation === null ? null : scrub(deprecation),
        });
      }
      return undefined;
    },
  };
}
