/**
 * Fault injection for the fake Atlas: the failures a client meets in production (rate limits,
 * 5xx, proxies answering HTML, dropped connections, servers that never answer, bodies cut in
 * half, huge or unexpected bodies), served on demand so a client's handling of each can be
 * tested over real HTTP.
 *
 * A fault either replaces the answer (`status`, `hang`, `reset`, `html`, `empty`,
 * `invalidJson`) or reshapes the answer the fake would have sent (`truncate`, `huge`,
 * `extraFields`, `delay`).
 */
import {
  STATUS_CODES,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import { operations, type OperationId } from "../operations.js";
import { reasonOf } from "./answers.js";
import { operationIdOf, splitTarget } from "./routes.js";

/** Which requests a fault applies to, and how many of them. */
export interface FaultScope {
  /** Only requests for this operation. Default: every request the fake receives. */
  operationId?: OperationId;
  /** Only requests whose path (without query) is this string or matches this RegExp. */
  path?: string | RegExp;
  /** Only requests for which this returns true (for example, by their Authorization header). */
  when?: (request: IncomingMessage) => boolean;
  /** How many matching requests the fault affects; `Infinity` for all of them. Default 1. */
  times?: number;
}

/**
 * Answers with this status and an Atlas-shaped error body (`error`, `reason`, `detail`, and no
 * errorCode, since none is public for these statuses), or with `body`.
 */
export interface StatusFault extends FaultScope {
  kind: "status";
  status: number;
  /** Retry-After value: delay-seconds or an HTTP-date as a string, seconds as a number, or a Date. */
  retryAfter?: string | number | Date;
  /** Replaces the default ApiError body; a string is sent as is, anything else as JSON. */
  body?: unknown;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/** Reads the request and never answers; the connection stays open until the client leaves. */
export interface HangFault extends FaultScope {
  kind: "hang";
}

/** Sends the real answer's headers and the first half of its body, then closes or stalls. */
export interface TruncateFault extends FaultScope {
  kind: "truncate";
  /** "close" destroys the connection (default); "stall" keeps it open and sends nothing more. */
  ending?: "close" | "stall";
}

/** Resets the connection (TCP RST) instead of answering. */
export interface ResetFault extends FaultScope {
  kind: "reset";
}

/** An HTML error page, as a proxy or load balancer sends. */
export interface HtmlFault extends FaultScope {
  kind: "html";
  /** Default 502. */
  status?: number;
}

/** A response with no body at all. */
export interface EmptyFault extends FaultScope {
  kind: "empty";
  /** Default 200. */
  status?: number;
}

/** A body that claims to be JSON and is cut off in the middle of a value. */
export interface InvalidJsonFault extends FaultScope {
  kind: "invalidJson";
  /** Default 200. */
  status?: number;
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
  fields?: Record<string, unknown>;
}

/** The real answer, sent `ms` milliseconds late. */
export interface DelayFault extends FaultScope {
  kind: "delay";
  ms: number;
}

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

/** What the injector writes into the fake's record of a request. */
export interface FaultRecord {
  status: number;
  fault?: FaultKind;
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

function checkCount(value: unknown, name: string): void {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new TypeError(`inject: ${name} must be a non-negative number`);
  }
}

function validate(fault: Fault): void {
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
      return checkStatus(fault.status, "a status fault");
    case "html":
    case "empty":
    case "invalidJson":
      if (fault.status !== undefined) checkStatus(fault.status, `an ${fault.kind} fault`);
      return;
    case "huge":
      return checkCount(fault.bytes, "bytes");
    case "delay":
      return checkCount(fault.ms, "ms");
    case "truncate":
      if (fault.ending !== undefined && fault.ending !== "close" && fault.ending !== "stall") {
        throw new TypeError('inject: ending must be "close" or "stall"');
      }
      return;
    default:
      return;
  }
}

function retryAfterValue(value: string | number | Date): string {
  if (value instanceof Date) return value.toUTCString();
  return String(value);
}

const HTML_PAGE = (status: number) =>
  `<!DOCTYPE html>\n<html><head><title>${status} ${STATUS_CODES[status] ?? ""}</title></head>\n` +
  `<body><h1>${status} ${STATUS_CODES[status] ?? ""}</h1><p>The gateway could not reach the ` +
  `upstream service. Please try again later.</p></body></html>\n`;

/** A JSON value cut off in the middle of an array: valid to no parser. */
const INVALID_JSON = '{"id":"5f1a7b3c9d2e4f6a8b0c1d2e","roles":["ORG_MEMBER",';

function send(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string | Buffer,
): void {
  res.writeHead(status, { ...headers, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** Headers without Content-Length in any letter case, so a new length can be set. */
function withoutLength(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== "content-length") out[name] = value;
  }
  return out;
}

type Answer = { status: number; headers: OutgoingHttpHeaders; body: string };

/**
 * Lets the fake compute its answer as usual, captures it at `writeHead`/`end`, and hands it to
 * `reshape` instead of sending it. Only this one response object is touched, and only until its
 * answer is captured.
 */
function capture(res: ServerResponse, reshape: (answer: Answer) => void): void {
  let status: number | undefined;
  let headers: OutgoingHttpHeaders = {};
  const own = res as unknown as Record<string, unknown>;
  own.writeHead = (code: number, ...rest: unknown[]) => {
    status = code;
    const h = rest.find((x) => typeof x === "object" && x !== null);
    if (h) headers = { ...(h as OutgoingHttpHeaders) };
    return res;
  };
  own.end = (chunk?: unknown) => {
    delete own.writeHead;
    delete own.end;
    const body =
      typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : "";
    // Routes that use setHeader/statusCode instead of writeHead keep their headers on `res`.
    res.removeHeader("Content-Length");
    reshape({ status: status ?? res.statusCode, headers: withoutLength(headers), body });
    return res;
  };
}

function addFields(body: string, fields: Record<string, unknown>): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return body;
    return JSON.stringify({ ...parsed, ...fields });
  } catch {
    return body;
  }
}

interface Entry {
  fault: Fault;
  hits: number;
  remaining: number;
  open: Set<Socket>;
}

/**
 * Holds the faults injected into one fake Atlas and applies them to incoming requests, first
 * injected first.
 */
export class FaultInjector {
  readonly #entries: Entry[] = [];
  #applied = 0;

  /** Faults applied so far, over all injections. */
  get applied(): number {
    return this.#applied;
  }

  inject(fault: Fault): InjectedFault {
    validate(fault);
    const entry: Entry = {
      fault: Object.freeze({ ...fault }),
      hits: 0,
      remaining: fault.times ?? 1,
      open: new Set(),
    };
    this.#entries.push(entry);
    const entries = this.#entries;
    return {
      fault: entry.fault,
      get hits() {
        return entry.hits;
      },
      get remaining() {
        return entry.remaining;
      },
      get openConnections() {
        return entry.open.size;
      },
      remove() {
        entry.remaining = 0;
        const i = entries.indexOf(entry);
        if (i !== -1) entries.splice(i, 1);
      },
    };
  }

  /** Removes every fault that has not been used up. */
  clear(): void {
    for (const entry of this.#entries) entry.remaining = 0;
    this.#entries.length = 0;
  }

  /**
   * Applies the first matching fault to a request whose body has been read. Returns true when
   * the fault took the request over (the fake must not answer it), false when the fake answers
   * as usual (possibly reshaped by the fault).
   */
  apply(req: IncomingMessage, res: ServerResponse, record: FaultRecord): boolean {
    if (this.#entries.length === 0) return false;
    // The server's own matcher, so a fault scoped to an operation fires where the server would
    // have answered that operation.
    const url = req.url ?? "/";
    const pathname = splitTarget(url).path;
    const operationId = operationIdOf(req.method ?? "GET", url);
    const entry = this.#entries.find(({ fault: { path, operationId: only, when } }) => {
      if (only !== undefined && only !== operationId) return false;
      if (path !== undefined) {
        if (typeof path === "string" ? path !== pathname : !path.test(pathname)) return false;
      }
      return when === undefined || when(req);
    });
    if (!entry) return false;
    entry.hits++;
    entry.remaining--;
    this.#applied++;
    if (entry.remaining <= 0) this.#entries.splice(this.#entries.indexOf(entry), 1);
    const { fault } = entry;
    record.fault = fault.kind;
    const socket = req.socket;
    // Tracks a connection the fault keeps open, until it closes or `let go` runs.
    const hold = () => {
      const letGo = () => entry.open.delete(socket);
      entry.open.add(socket);
      socket.once("close", letGo);
      return letGo;
    };

    switch (fault.kind) {
      case "status": {
        const body =
          fault.body === undefined
            ? // No public source shows which errorCode Atlas sends with a 429 or a 5xx, so the
              // default body has none (see answers.ts): code under test branches on the status.
              JSON.stringify({
                error: fault.status,
                reason: reasonOf(fault.status),
                detail:
                  `Injected fault: ${fault.status} ${STATUS_CODES[fault.status] ?? ""}`.trim(),
              })
            : typeof fault.body === "string"
              ? fault.body
              : JSON.stringify(fault.body);
        const headers: OutgoingHttpHeaders = { "Content-Type": "application/json" };
        if (fault.retryAfter !== undefined) {
          headers["Retry-After"] = retryAfterValue(fault.retryAfter);
        }
        record.status = fault.status;
        send(res, fault.status, { ...headers, ...fault.headers }, body);
        return true;
      }
      case "hang":
        record.status = 0;
        hold();
        return true;
      case "reset":
        record.status = 0;
        socket.resetAndDestroy();
        return true;
      case "html": {
        const status = fault.status ?? 502;
        record.status = status;
        send(res, status, { "Content-Type": "text/html; charset=utf-8" }, HTML_PAGE(status));
        return true;
      }
      case "empty": {
        const status = fault.status ?? 200;
        record.status = status;
        send(res, status, { "Content-Type": "application/json" }, "");
        return true;
      }
      case "invalidJson": {
        const status = fault.status ?? 200;
        record.status = status;
        send(res, status, { "Content-Type": "application/json" }, INVALID_JSON);
        return true;
      }
      case "truncate":
        capture(res, ({ status, headers, body }) => {
          const bytes = Buffer.from(body, "utf8");
          res.writeHead(status, { ...headers, "Content-Length": bytes.length });
          res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
            if (fault.ending === "stall") hold();
            else socket.destroy();
          });
        });
        return false;
      case "huge":
        capture(res, ({ status, headers, body }) => {
          const padding = Math.max(0, fault.bytes - body.length - '"padding":"",'.length);
          send(res, status, headers, addFields(body, { padding: "x".repeat(padding) }));
        });
        return false;
      case "extraFields":
        capture(res, ({ status, headers, body }) => {
          send(res, status, headers, addFields(body, fault.fields ?? { ...DEFAULT_EXTRA_FIELDS }));
        });
        return false;
      case "delay": {
        const letGo = hold();
        capture(res, ({ status, headers, body }) => {
          const timer = setTimeout(() => {
            socket.off("close", cancel);
            letGo();
            send(res, status, headers, body);
          }, fault.ms);
          // A client that gave up (or fake.close()) ends the wait, so no timer outlives it.
          const cancel = () => clearTimeout(timer);
          socket.once("close", cancel);
        });
        return false;
      }
    }
  }
}
