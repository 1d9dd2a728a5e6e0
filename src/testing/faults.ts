/**
 * The faults a test can inject into the fake Atlas: the failures a client meets in production
 * (rate limits, 5xx, proxies answering HTML, dropped connections, servers that never answer,
 * bodies cut in half, huge or unexpected bodies), each described as data, and the check that
 * turns a malformed one away when it is injected. fault-injector.ts serves them over real HTTP,
 * so a client's handling of each can be tested.
 *
 * A fault either replaces the answer (`status`, `hang`, `reset`, `html`, `empty`,
 * `invalidJson`) or reshapes the answer the fake would have sent (`truncate`, `huge`,
 * `extraFields`, `delay`).
 */
import { constants } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { operations, type OperationId } from "../operations.js";

/** Which requests a fault applies to, and how many of them. */
export interface FaultScope {
  /** Only requests for this operation. Default: every request the fake receives. */
  operationId?: OperationId | undefined;
  /** Only requests whose path (without query) is this string or matches this RegExp. */
  path?: string | RegExp | undefined;
  /** Only requests for which this returns true (for example, by their Authorization header). */
  when?: ((request: IncomingMessage) => boolean) | undefined;
  /** How many matching requests the fault affects; `Infinity` for all of them. Default 1. */
  times?: number | undefined;
}

/**
 * Answers with this status and an Atlas-shaped error body (`error`, `reason`, `detail`, and no
 * errorCode, since none is public for most statuses), or with `body`. A 429's is the rate limit's
 * body of MongoDB's rate-limit page, with `errorCode` RATE_LIMITED_TOKEN_BUCKET.
 */
export interface StatusFault extends FaultScope {
  kind: "status";
  status: number;
  /**
   * Retry-After value: any string as it is (a malformed one included), whole seconds as a
   * number, or a Date.
   */
  retryAfter?: string | number | Date | undefined;
  /** Replaces the default ApiError body; a string is sent as is, anything else as JSON. */
  body?: unknown;
  /** Extra response headers. */
  headers?: Record<string, string> | undefined;
}

/** Reads the request and never answers; the connection stays open until the client leaves. */
export interface HangFault extends FaultScope {
  kind: "hang";
}

/** Sends the real answer's headers and the first half of its body, then closes or stalls. */
export interface TruncateFault extends FaultScope {
  kind: "truncate";
  /** "close" destroys the connection (default); "stall" keeps it open and sends nothing more. */
  ending?: "close" | "stall" | undefined;
}

/** Resets the connection (TCP RST) instead of answering. */
export interface ResetFault extends FaultScope {
  kind: "reset";
}

/** An HTML error page, as a proxy or load balancer sends. */
export interface HtmlFault extends FaultScope {
  kind: "html";
  /** Default 502. */
  status?: number | undefined;
}

/** A response with no body at all. */
export interface EmptyFault extends FaultScope {
  kind: "empty";
  /** Default 200. */
  status?: number | undefined;
}

/** A body that claims to be JSON and is cut off in the middle of a value. */
export interface InvalidJsonFault extends FaultScope {
  kind: "invalidJson";
  /** Default 200. */
  status?: number | undefined;
}

/** The real answer, padded with a `padding` string field to about `bytes` bytes. */
export interface HugeFault extends FaultScope {
  kind: "huge";
  bytes: number;
}

/** The real answer with fields a later Atlas release might add. */
export interface ExtraFieldsFault extends FaultScope {
  kind: "extraFields";
  /** Fields to add at the top level. Default: a string field and a nested object. */
  fields?: Record<string, unknown> | undefined;
}

/** The real answer, sent `ms` milliseconds late. */
export interface DelayFault extends FaultScope {
  kind: "delay";
  /** At most 2147483647 (about 24.8 days, the longest timer); `hang` never answers. */
  ms: number;
}

/** What `fake.inject()` takes: one fault, chosen by `kind`, with its scope and settings. */
export type Fault =
  | StatusFault
  | HangFault
  | TruncateFault
  | ResetFault
  | HtmlFault
  | EmptyFault
  | InvalidJsonFault
  | HugeFault
  | ExtraFieldsFault
  | DelayFault;

/**
 * The kinds of fault: `status`, `hang`, `reset`, `truncate`, `html`, `empty`, `invalidJson`,
 * `huge`, `extraFields` and `delay`.
 */
export type FaultKind = Fault["kind"];

/** A fault that was injected: how often it fired, and a way to take it back. */
export interface InjectedFault {
  readonly fault: Readonly<Fault>;
  /** Requests it has affected so far. */
  readonly hits: number;
  /** Requests it will still affect (`Infinity` when unlimited, 0 once used up or removed). */
  readonly remaining: number;
  /** Connections it holds open right now (`hang`, a stalled `truncate`, a pending `delay`). */
  readonly openConnections: number;
  /** Stops it from affecting further requests. */
  remove(): void;
}

/** The fields a later Atlas release might add, for `extraFields` without `fields`. */
export const DEFAULT_EXTRA_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({
  futureField: "added by a later Atlas release",
  futureObject: { nested: true, list: [1, 2, 3] },
});

const KINDS = new Set<string>([
  "status",
  "hang",
  "truncate",
  "reset",
  "html",
  "empty",
  "invalidJson",
  "huge",
  "extraFields",
  "delay",
]);

function checkStatus(status: unknown, kind: string): void {
  if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError(`inject: ${kind} needs a status between 200 and 599`);
  }
}

/**
 * The longest wait a timer can hold (2^31 - 1 ms, about 24.8 days). Node runs a timer set for
 * longer after 1 ms, so a longer `delay` would answer at once instead of late.
 */
export const MAX_DELAY_MS = 2 ** 31 - 1;

function checkCount(value: unknown, name: string, max: number): void {
  if (typeof value !== "number" || !(value >= 0 && value <= max)) {
    throw new TypeError(`inject: ${name} must be a number from 0 to ${max}`);
  }
}

/** Retry-After takes whole seconds or an HTTP-date (RFC 9110, section 10.2.3). */
function checkRetryAfter(value: unknown): void {
  if (typeof value === "number" && !(Number.isInteger(value) && value >= 0)) {
    throw new TypeError("inject: retryAfter as a number must be whole seconds, 0 or more");
  }
  if (value instanceof Date && Number.isNaN(value.getTime())) {
    throw new TypeError("inject: retryAfter is an invalid Date");
  }
}

/** Throws a TypeError saying what is wrong when a fault cannot be served as described. */
export function checkFault(fault: Fault): void {
  if (typeof fault !== "object" || fault === null || !KINDS.has(fault.kind)) {
    throw new TypeError(`inject: kind must be one of ${[...KINDS].join(", ")}`);
  }
  if (fault.times !== undefined) {
    const t = fault.times;
    if (t !== Infinity && (!Number.isInteger(t) || t < 1)) {
      throw new TypeError("inject: times must be a positive integer or Infinity");
    }
  }
  if (fault.when !== undefined && typeof fault.when !== "function") {
    throw new TypeError("inject: when must be a function");
  }
  if (fault.operationId !== undefined && !(fault.operationId in operations)) {
    throw new TypeError(`inject: ${String(fault.operationId)} is not an operation of the spec`);
  }
  switch (fault.kind) {
    case "status":
      checkRetryAfter(fault.retryAfter);
      return checkStatus(fault.status, "a status fault");
    case "html":
    case "empty":
    case "invalidJson":
      if (fault.status !== undefined) checkStatus(fault.status, `an ${fault.kind} fault`);
      return;
    case "huge":
      // The padding is one string, so the answer cannot outgrow the longest string V8 makes.
      return checkCount(fault.bytes, "bytes", constants.MAX_STRING_LENGTH);
    case "delay":
      return checkCount(fault.ms, "ms", MAX_DELAY_MS);
    case "truncate":
      if (fault.ending !== undefined && fault.ending !== "close" && fault.ending !== "stall") {
        throw new TypeError('inject: ending must be "close" or "stall"');
      }
      return;
    default:
      return;
  }
}
