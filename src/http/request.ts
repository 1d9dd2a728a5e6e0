/**
 * The `Request` class the client gives openapi-fetch (its `Request` option). openapi-fetch builds
 * one per call from the URL, the merged headers, the serialised body and whatever else the call
 * passed (`signal`, `timeout`); middleware read and change it; the client's fetch sends it.
 *
 * It is not the platform's `Request`: that one costs several microseconds to build and turns the
 * body into a one-shot stream. This one keeps the body as the exact JSON text that validation
 * checked and that goes on the wire, so a retried or re-authenticated request repeats the same
 * bytes. It offers what middleware read of a request: `url`, `method`, `headers`, `signal`, the
 * body (`body`, `text()`, `json()`, `arrayBuffer()`, `bytes()`, `blob()`), `clone()`, and
 * `redirect` ("manual": the client's fetch follows no redirect). Unlike the platform's, its body
 * can be read any number of times.
 */
import type { Operation } from "../operations.js";
import { redactAuthorization } from "../text.js";
import { listen, unlisten } from "./abort.js";

/** A body that `JSON.stringify` could not turn into text (a BigInt, a cycle, a getter that threw). */
export class UnserializableBody {
  constructor(readonly problem: string) {}
}

/** What openapi-fetch hands the constructor, beside the fields of a standard RequestInit. */
export interface AtlasRequestInit {
  method?: string;
  headers?: ConstructorParameters<typeof Headers>[0];
  /** Text, or anything else a call's own bodySerializer returned. */
  body?: string | UnserializableBody | null | object;
  signal?: AbortSignal | null;
  /** Per-call timeout in ms (a call option of the methods). */
  timeout?: unknown;
  /** When the call began, for a request that stands in for another one of the same call. */
  startedAt?: number;
}

export class AtlasRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  /** The exact text that goes on the wire, or null for no body. */
  readonly bodyText: string | null;
  /** Set when the body could not be serialised; validation reports it and nothing is sent. */
  readonly bodyProblem: string | undefined;
  /** The caller's signal, if any. */
  readonly signal: AbortSignal | null;
  /** The per-call timeout as the caller gave it; validation checks it. */
  readonly timeout: unknown;
  /** When the call began (Date.now()): the first attempt's timeout counts from here. */
  readonly startedAt: number;
  /** The operation of the spec this request is for, once the version middleware found it. */
  operation: Operation | undefined = undefined;
  /** The Authorization header authentication left on it, once it did (see auth/middleware.ts). */
  #signed: string | null | undefined = undefined;

  constructor(url: string | URL, init: AtlasRequestInit = {}) {
    this.url = String(url);
    this.method = (init.method ?? "GET").toUpperCase();
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    const body = init.body;
    this.bodyText = typeof body === "string" ? body : null;
    // Anything but text or a problem comes from a call's own bodySerializer (openapi-fetch's
    // call option): it was given a body, so "missing" would mislead.
    this.bodyProblem =
      typeof body === "string" || body == null
        ? undefined
        : body instanceof UnserializableBody
          ? body.problem
          : "cannot be sent: the bodySerializer did not return text";
    this.signal = init.signal ?? null;
    this.timeout = init.timeout;
    this.startedAt = init.startedAt ?? Date.now();
  }

  /** A credential, so kept in a private field: inspect and JSON show no private field. */
  get signedAuthorization(): string | null | undefined {
    return this.#signed;
  }

  set signedAuthorization(value: string | null) {
    this.#signed = value;
  }

  /**
   * A copy with its own headers, for sending the same request again. It stands in for this one
   * in the same call, so it keeps the call's start: the timeout still counts from there.
   */
  clone(): AtlasRequest {
    const copy = new AtlasRequest(this.url, {
      method: this.method,
      headers: new Headers(this.headers),
      body: this.bodyText,
      signal: this.signal,
      timeout: this.timeout,
      startedAt: this.startedAt,
    });
    copy.operation = this.operation;
    return copy;
  }

  text(): Promise<string> {
    return Promise.resolve(this.bodyText ?? "");
  }

  json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text) as unknown);
  }

  /** The body as UTF-8 bytes, a new copy each time. */
  bytes(): Promise<Uint8Array> {
    return Promise.resolve(new TextEncoder().encode(this.bodyText ?? ""));
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes().then((bytes) => bytes.buffer as ArrayBuffer);
  }

  blob(): Promise<Blob> {
    const type = this.headers.get("Content-Type") ?? "";
    return Promise.resolve(new Blob(this.bodyText === null ? [] : [this.bodyText], { type }));
  }

  /** A JSON body is no form: refused as the platform refuses a body it cannot parse. */
  formData(): Promise<FormData> {
    return Promise.reject(new TypeError("atlas-invites: a request body is JSON, not form data"));
  }

  /** A new stream of the body each time it is read, or null for no body. */
  get body(): ReadableStream<Uint8Array> | null {
    return this.bodyText === null
      ? null
      : (new Blob([this.bodyText]).stream() as ReadableStream<Uint8Array>);
  }

  /** Always false: the body is kept as text, and every reader gets all of it. */
  get bodyUsed(): boolean {
    return false;
  }

  get redirect(): Request["redirect"] {
    return "manual";
  }

  /**
   * util.inspect (console.log) shows the request with the value of its Authorization header
   * replaced, its scheme kept: a middleware that logs the requests it sees runs after
   * authentication, and must not print the credentials. `headers.get()` still reads them.
   */
  [Symbol.for("nodejs.util.inspect.custom")](
    _depth: number,
    options: object,
    inspect: (value: unknown, options: object) => string,
  ): string {
    const headers = new Headers(this.headers);
    const sent = headers.get("Authorization");
    if (sent !== null) headers.set("Authorization", redactAuthorization(sent));
    return `AtlasRequest ${inspect({ ...this, headers }, options)}`;
  }

  /**
   * openapi-fetch accepts what an onRequest middleware returns only if it is an instance of the
   * client's Request class. Middleware written for plain openapi-fetch return a standard
   * `Request`; they count as instances too, and the client's fetch reads them as such.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return isAtlasRequest(value) || value instanceof Request;
  }
}

/** True for requests built by this client (not a standard Request a middleware returned). */
export function isAtlasRequest(value: unknown): value is AtlasRequest {
  return (value as { constructor?: unknown } | null | undefined)?.constructor === AtlasRequest;
}

/** For a request read from one a middleware handed on: the request its call began with. */
const sources = new WeakMap<AtlasRequest, AtlasRequest>();

/**
 * The request the call of `request` began with, which authentication authorized (middleware of
 * the user's runs after it), when a middleware handed on a request of its own; else `request`.
 */
export function sourceOf<T extends object>(request: T): T | AtlasRequest {
  return sources.get(request as AtlasRequest) ?? request;
}

/**
 * A standard Request read into an AtlasRequest (its body as text). Given the request of the call
 * it replaces (`call`), it keeps what belongs to the call: its timeout, its start time, its
 * operation, the request the call began with, and the caller's signal besides its own. The signal
 * that follows both stops following them when the call ends: `unlinks` gets what to run then.
 */
export async function adopt(
  request: Request,
  call?: AtlasRequest,
  unlinks: (() => void)[] = [],
): Promise<AtlasRequest> {
  const body = request.body === null ? null : await request.text();
  const caller = call?.signal;
  const adopted = new AtlasRequest(request.url, {
    method: request.method,
    headers: request.headers,
    body,
    signal: caller ? either(caller, request.signal, unlinks) : request.signal,
    ...(call && { timeout: call.timeout, startedAt: call.startedAt }),
  });
  adopted.operation = call?.operation;
  if (call) sources.set(adopted, sources.get(call) ?? call);
  return adopted;
}

/**
 * A signal that aborts with the reason of whichever of `a` and `b` aborts first, until the
 * functions added to `unlinks` run. Not AbortSignal.any: on Node 20 each signal it makes stays
 * listed on its sources for as long as they live (github.com/nodejs/node/issues/55351), and a
 * caller may give every call one long-lived signal.
 */
function either(a: AbortSignal, b: AbortSignal, unlinks: (() => void)[]): AbortSignal {
  const controller = new AbortController();
  for (const source of [a, b]) {
    if (source.aborted) controller.abort(source.reason);
    const follow = { handleEvent: () => controller.abort(source.reason) };
    listen(source, follow);
    unlinks.push(() => unlisten(source, follow));
  }
  return controller.signal;
}
