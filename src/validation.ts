/**
 * Refuses bad input before anything leaves the process: path parameters against the spec's
 * patterns (from the generated table), query parameters against their declared types, and
 * bodies against validators generated from the request schemas.
 */
import type { Middleware } from "openapi-fetch";
import { requestValidators, type Violation } from "../generated/validators.js";
import { AtlasValidationError } from "./errors.js";
import { operations, type OperationId, type Operation } from "./operations.js";
import { isAtlasRequest } from "./request.js";

const MAX_SHOWN = 40;
const MAX_LISTED = 10;

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "string") {
    const clipped = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    // JSON.stringify escapes C0 controls only; bidi overrides and other invisible characters
    // could still reorder or hide what a terminal shows, so they are escaped too.
    return JSON.stringify(clipped).replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (c) => {
      const code = c.codePointAt(0)!;
      const hex = code.toString(16).padStart(4, "0");
      return code > 0xffff ? `\\u{${hex}}` : `\\u${hex}`;
    });
  }
  if (value === null) return "null";
  if (typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  if (typeof value === "function") return "a function";
  return typeof value === "symbol" ? value.toString() : `${value as number | boolean | bigint}`;
}

/** Every problem with the path and query parameters of one call. */
export function checkParams(
  op: Operation,
  path: Record<string, unknown> | undefined,
  query: Record<string, unknown> | undefined,
): Violation[] {
  const violations: Violation[] = [];
  for (const param of op.pathParams) {
    const value = path?.[param.name];
    if (typeof value !== "string") {
      violations.push({
        path: param.name,
        rule: "type",
        message: `${param.name} must be a string matching ${param.pattern}, got ${show(value)}`,
      });
    } else if (param.regex !== null && !param.regex.test(value)) {
      violations.push({
        path: param.name,
        rule: "pattern",
        message: `${param.name} must match ${param.pattern}, got ${show(value)}`,
      });
    }
  }
  if (query) {
    for (const key of Object.keys(query)) {
      const value = query[key];
      if (value === undefined) continue;
      const known = op.queryParams.find((q) => q.name === key);
      if (!known) {
        violations.push({
          path: key,
          rule: "unknownParameter",
          message: `${key} is not a query parameter of ${op.operationId}`,
        });
      } else if (known.type === "boolean" && typeof value !== "boolean") {
        violations.push({
          path: key,
          rule: "type",
          message: `${key} must be a boolean, got ${show(value)}`,
        });
      }
    }
  }
  return violations;
}

export function checkBody(op: Operation, body: unknown): Violation[] {
  if (op.requestSchema === null) {
    return body === undefined
      ? []
      : [{ path: "body", rule: "unexpected", message: `${op.operationId} takes no body` }];
  }
  if (body === undefined) {
    return op.requestBodyRequired
      ? [{ path: "body", rule: "required", message: `${op.operationId} needs a body` }]
      : [];
  }
  const validate = requestValidators[op.requestSchema];
  return validate(body).map((v) => ({
    ...v,
    path: v.path === "" ? "body" : v.path.startsWith("[") ? `body${v.path}` : `body.${v.path}`,
  }));
}

export function throwIfInvalid(op: Operation, violations: Violation[]): void {
  if (violations.length === 0) return;
  // A huge bad array yields one violation per item; the message names the first few, the
  // error's `violations` keeps them all.
  const shown = violations.slice(0, MAX_LISTED).map((v) => v.message);
  if (violations.length > MAX_LISTED) shown.push(`and ${violations.length - MAX_LISTED} more`);
  const list = shown.join("; ");
  throw new AtlasValidationError(
    `atlas-invites: invalid input for ${op.operationId}, nothing was sent: ${list}`,
    violations,
  );
}

/** For calls made through `atlas.client` directly; the methods check before calling it. */
export const validationMiddleware: Middleware = {
  onRequest({ request, params }) {
    if (!isAtlasRequest(request) || request.state.validated) return undefined;
    const id = request.state.operationId as OperationId | undefined;
    if (id === undefined) return undefined;
    const op = operations[id];
    throwIfInvalid(op, [
      ...checkParams(op, params.path, params.query),
      ...checkBody(op, request.bodyText === undefined ? undefined : request.bodyValue),
    ]);
    return undefined;
  },
};
