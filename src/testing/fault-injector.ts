/**
 * Serves the faults of faults.ts on demand: the first injected fault that matches a request
 * either answers in the fake's place or lets the fake compute its answer and reshapes it.
 */
import {
  STATUS_CODES,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import { rateLimited, reasonOf, type RateBucket } from "./answers.js";
import {
  checkFault,
  DEFAULT_EXTRA_FIELDS,
  type Fault,
  type FaultKind,
  type InjectedFault,
} from "./faults.js";
import { operationIdOf, splitTarget } from "./routes.js";

/** What the injector writes into the fake's record of a request. */
export interface FaultRecord {
  status: number;
  fault?: FaultKind;
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

  /** The fake's rate limit, which an injected 429 reports as Atlas does. */
  constructor(private readonly bucket: RateBucket) {}

  /** Faults applied so far, over all injections. */
  get applied(): number {
    return this.#applied;
  }

  inject(fault: Fault): InjectedFault {
    checkFault(fault);
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
        // search() ignores lastIndex, which test() advances on a pattern with the g or y flag.
        if (typeof path === "string" ? path !== pathname : pathname.search(path) === -1) {
          return false;
        }
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
    // Tracks a connection the fault keeps open, until it closes or `let go` runs. Letting go also
    // takes the listener off: a kept-alive connection carries many requests, and a listener left
    // per held answer would pile up (Node warns of a leak at the eleventh).
    const hold = () => {
      const letGo = () => {
        entry.open.delete(socket);
        socket.off("close", letGo);
      };
      entry.open.add(socket);
      socket.once("close", letGo);
      return letGo;
    };

    switch (fault.kind) {
      case "status": {
        const body =
          fault.body === undefined && fault.status === 429
            ? JSON.stringify(rateLimited(pathname, this.bucket, fault.retryAfter).body)
            : fault.body === undefined
              ? // No public source shows which errorCode Atlas sends with a 5xx or another error
                // status, so the default body has none (see answers.ts): code under test branches
                // on the status.
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
          // Nothing is answered until the delay ends, nor ever when the client leaves first.
          record.status = 0;
          const timer = setTimeout(() => {
            socket.off("close", cancel);
            letGo();
            record.status = status;
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
