/**
 * Refuses bad input before anything leaves the process: the path and query parameters and the
 * body against the checks generated from the spec, and the call options. The body is checked as
 * the very text that will be sent (parsed back from it), so a `toJSON`, a getter or a proxy cannot
 * make what is checked differ from what goes on the wire. A refusal quotes the values it refuses, so
 * it goes through the client's scrubber: a credential handed over as an id or a field by mistake is
 * never repeated in the error.
 */
import type { Middleware } from "openapi-fetch";
import { validateInput } from "../../generated/validators.js";
import { AtlasValidationError } from "../errors.js";
import { isAtlasRequest } from "../http/request.js";
import { findOperation } from "../operations.js";
import { MAX_TIMER_MS } from "../options.js";
import type { Scrub } from "../text.js";
import { show, type Violation } from "../validation/rules.js";

/** How many violations the message lists; the error's `violations` holds them all. */
const LISTED = 10;

export const validationMiddleware = (scrub: Scrub): Middleware => ({
  onRequest({ request, schemaPath, params }) {
    const own = isAtlasRequest(request) ? request : undefined;
    const op = own?.operation ?? findOperation(request.method, schemaPath);
    if (!op) return undefined;
    const problem = own?.bodyProblem;
    const body: unknown =
      problem === undefined && own?.bodyText ? JSON.parse(own.bodyText) : undefined;
    let violations = validateInput(op.operationId, params.path, params.query, body);
    const add = (path: string, rule: Violation["rule"], message: string) =>
      violations.push({ path, rule, message: `${path}: ${message}` });
    if (problem !== undefined) {
      // The body was given; it just cannot be sent. Its own violation replaces "missing".
      const others = violations.filter((v) => v.path !== "body");
      violations = [{ path: "body", rule: "unreadable", message: `body: ${problem}` }, ...others];
    }
    if (own) {
      const { signal, timeout } = own;
      if (signal !== null && !(signal instanceof AbortSignal)) {
        add("signal", "type", `expected an AbortSignal, got ${show(signal)}`);
      }
      if (timeout !== undefined) {
        const ms = typeof timeout === "number" && Number.isFinite(timeout) ? timeout : undefined;
        if (ms === undefined || ms < 0 || ms > MAX_TIMER_MS) {
          const rule = ms === undefined ? "type" : ms < 0 ? "minimum" : "maximum";
          const range = `from 0 to ${MAX_TIMER_MS}`;
          add("timeout", rule, `expected a number of milliseconds ${range}, got ${show(timeout)}`);
        }
      }
    }
    if (violations.length === 0) return undefined;
    violations = violations.map((v) => ({ ...v, path: scrub(v.path), message: scrub(v.message) }));
    const listed = violations.slice(0, LISTED).map((v) => v.message);
    if (violations.length > LISTED) listed.push(`and ${violations.length - LISTED} more`);
    throw new AtlasValidationError(
      `atlas-invites: invalid input for ${op.operationId}, nothing was sent: ${listed.join("; ")}`,
      violations,
    );
  },
});
