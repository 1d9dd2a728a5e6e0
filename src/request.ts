/**
 * A lightweight stand-in for the WHATWG `Request` that openapi-fetch builds for every call.
 *
 * Node 20's undici `Request` costs several microseconds to construct and turns the body into a
 * one-shot stream. We keep the serialized body as a string instead, which makes it cheap to
 * create, cheap to clone, and lets auth and retries replay the exact same bytes (a retried PATCH
 * arrives byte-identical). openapi-fetch accepts a custom `Request` class for exactly this.
 */

/** What our body serializer hands to the request: the JSON text and the value it came from. */
export class SerializedBody {
  constructor(
    readonly text: string,
    readonly value: unknown,
  ) {}
}

/** Per-request state that our middleware share; never sent. */
export interface RequestState {
  /** operationId from the generated table, once the version middleware has resolved it. */
  operationId?: string;
  /** Set when a method already checked the input, so the validation middleware skips it. */
  validated?: boolean;
  /** Set once the auth strategy has added credentials, so retries renew them. */
  authorized?: boolean;
  /** Set on the copy that is re-sent after a 401, so authentication never loops. */
  authRetried?: boolean;
  /** Per-call timeout in ms, overriding the client's. */
  timeoutMs?: number;
  /** Timer bookkeeping of the transport for the attempt in flight. */
  transport?: { release?: () => void };
}

const brand = Symbol("AtlasRequest");

export class AtlasRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly signal: AbortSignal | null;
  /** The exact bytes that go on the wire, or undefined for no body. */
  readonly bodyText: string | undefined;
  /** The body value before serialization, for validation. */
  readonly bodyValue: unknown;
  readonly state: RequestState;
  readonly [brand] = true;

  constructor(
    input: string | URL,
    init: Omit<RequestInit, "body"> & {
      body?: RequestInit["body"] | SerializedBody;
      state?: RequestState;
    } = {},
  ) {
    this.url = String(input);
    this.method = (init.method ?? "GET").toUpperCase();
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.signal = init.signal ?? null;
    const body = init.body as unknown;
    if (body instanceof SerializedBody) {
      this.bodyText = body.text;
      this.bodyValue = body.value;
    } else if (typeof body === "string") {
      this.bodyText = body;
      this.bodyValue = undefined;
    } else if (body === undefined || body === null) {
      this.bodyText = undefined;
      this.bodyValue = undefined;
    } else {
      throw new TypeError("atlas-invites: request bodies must be JSON values or strings");
    }
    this.state = init.state ?? {};
  }

  /** A copy with its own headers, so a re-sent request can carry new credentials. */
  clone(): AtlasRequest {
    return new AtlasRequest(this.url, {
      method: this.method,
      headers: new Headers(this.headers),
      signal: this.signal,
      body: this.bodyText,
      state: { ...this.state },
    });
  }

  text(): Promise<string> {
    return Promise.resolve(this.bodyText ?? "");
  }

  json(): Promise<unknown> {
    return Promise.resolve(JSON.parse(this.bodyText ?? "null"));
  }

  /**
   * openapi-fetch checks `result instanceof Request` against the class it was given. Middleware
   * written for plain openapi-fetch may return a standard `Request`; accept both.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      (typeof value === "object" && value !== null && brand in value) ||
      value instanceof globalThis.Request
    );
  }
}

export function isAtlasRequest(value: unknown): value is AtlasRequest {
  return typeof value === "object" && value !== null && brand in value;
}

/** openapi-fetch body serializer: JSON text plus the original value. */
export function serializeBody(body: unknown): SerializedBody {
  return new SerializedBody(JSON.stringify(body), body);
}
