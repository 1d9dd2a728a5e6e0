/**
 * createAtlasInvites: an openapi-fetch client with our middleware, plus one typed method per
 * operation of the generated table.
 */
import createClient, {
  type Client,
  type Middleware,
  type MiddlewareCallbackParams,
} from "openapi-fetch";
import { inspect } from "node:util";
import type { paths } from "../generated/atlas.js";
import { apiVersionMiddleware } from "./api-version.js";
import { createAuthStrategy, type AuthOptions } from "./auth/index.js";
import type { FetchLike } from "./auth/strategy.js";
import { authMiddleware } from "./auth-middleware.js";
import { deprecationMiddleware, type OnDeprecation } from "./deprecation.js";
import { AtlasApiError, AtlasError, AtlasValidationError } from "./errors.js";
import { operations, type Operation, type OperationId } from "./operations.js";
import { runMiddleware } from "./middleware-runner.js";
import { rateLimitMiddleware, type RateLimit } from "./rate-limit.js";
import { AtlasRequest, serializeBody, type RequestState } from "./request.js";
import {
  createTransport,
  redactUrl,
  type RetryInfo,
  type RetryOptions,
  type TransportState,
} from "./transport.js";
import type { OperationMethods } from "./types.js";
import { defaultUserAgent, userAgentMiddleware } from "./user-agent.js";
import { checkBody, checkParams, throwIfInvalid, validationMiddleware } from "./validation.js";

export const DEFAULT_BASE_URL = "https://cloud.mongodb.com";

export interface AtlasInvitesOptions {
  /**
   * How to authenticate: a service account, an API key, an access token you already hold, or
   * "env" to read MONGODB_ATLAS_CLIENT_ID/SECRET or MONGODB_ATLAS_PUBLIC_KEY/PRIVATE_KEY.
   */
  auth: AuthOptions | "env";
  /** Atlas base URL. Default https://cloud.mongodb.com; Atlas for Government and tests override it. */
  baseUrl?: string;
  /** Your application's name/version, sent before ours in User-Agent. */
  userAgent?: string;
  /** The fetch to use. Default globalThis.fetch. */
  fetch?: FetchLike;
  /** Per-attempt timeout in ms, covering the response body. Default 30 000; 0 disables it. */
  timeout?: number;
  /** Retry policy for 429, 5xx and connection resets, or false for a single attempt. */
  retry?: RetryOptions | false;
  /** Called before each retry wait. */
  onRetry?: (info: RetryInfo) => void;
  /** Replaces the DeprecationWarning for deprecated operations; false silences it. */
  onDeprecation?: OnDeprecation;
}

export interface AtlasInvites extends OperationMethods {
  /** The openapi-fetch client with all our middleware, for path-based calls. */
  readonly client: Client<paths>;
  /** RateLimit-Limit and RateLimit-Remaining of the last response that carried them. */
  readonly rateLimit: RateLimit | undefined;
  /** Releases what the auth strategy holds (revokes a service-account token). Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_RETRY: Required<RetryOptions> = {
  maxRetries: 2,
  maxElapsedMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

const KNOWN_OPTIONS = new Set([
  "auth",
  "baseUrl",
  "userAgent",
  "fetch",
  "timeout",
  "retry",
  "onRetry",
  "onDeprecation",
]);

function fail(message: string): never {
  throw new AtlasValidationError(`atlas-invites: ${message}`);
}

/** Accepts https anywhere, and plain http only for loopback hosts (local tests, fakes). */
function checkBaseUrl(raw: unknown): string {
  if (typeof raw !== "string" || raw === "") fail("options.baseUrl must be a non-empty URL string");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`options.baseUrl is not a valid URL: ${JSON.stringify(redactUrl(raw))}`);
  }
  if (url.username || url.password) fail("options.baseUrl must not contain credentials");
  if (url.search || url.hash) fail("options.baseUrl must not have a query string or fragment");
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    fail(
      `options.baseUrl must use https (plain http is allowed only for localhost), got ${url.protocol}`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

function checkRetry(retry: unknown): Required<RetryOptions> | false {
  if (retry === false) return false;
  if (retry === undefined) return DEFAULT_RETRY;
  if (typeof retry !== "object" || retry === null) fail("options.retry must be an object or false");
  const merged = { ...DEFAULT_RETRY, ...(retry as RetryOptions) };
  for (const [key, value] of Object.entries(merged)) {
    if (!(key in DEFAULT_RETRY)) fail(`options.retry.${key} is not a retry option`);
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      fail(`options.retry.${key} must be a non-negative number`);
    }
  }
  return merged;
}

function checkTimeout(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    fail(`${name} must be a non-negative number of milliseconds`);
  }
  return value;
}

/** The URL of one call: the path template filled from validated parameters, then the query. */
function buildUrl(
  baseUrl: string,
  op: Operation,
  path: Record<string, unknown>,
  query: Record<string, unknown>,
): string {
  let url =
    baseUrl +
    op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(path[name] as string));
  let separator = "?";
  for (const key in query) {
    // Validation has made sure every query value is a boolean.
    const value = query[key] as boolean | undefined;
    if (value === undefined) continue;
    url += `${separator}${encodeURIComponent(key)}=${value}`;
    separator = "&";
  }
  return url;
}

/**
 * What the caller sees when a call fails after the request went out and before its body was
 * read: the timeout or the caller's signal firing while the body was read (undici rejects with
 * the abort reason, other fetch implementations may not), or the connection dropping mid-body,
 * which is reported like any other unusable body.
 */
function explainFailure(
  op: Operation,
  error: unknown,
  transport: TransportState | undefined,
  baseUrl: string,
): unknown {
  if (error instanceof AtlasError) return error;
  if (transport?.failure) return transport.failure;
  const response = transport?.response;
  if (!response?.bodyUsed) return error;
  const cutOff = new AtlasApiError({
    status: response.status,
    method: op.method,
    path: op.path,
    url: redactUrl(response.url || `${baseUrl}${op.path}`),
    response,
    bodyText: "",
    problem: "the connection closed before the whole response body arrived",
  });
  Object.defineProperty(cutOff, "cause", { value: error, writable: true, configurable: true });
  return cutOff;
}

/**
 * Creates a client for the four Atlas invitation operations.
 *
 * @example
 * const atlas = createAtlasInvites({
 *   auth: { type: "serviceAccount", clientId: "mdb_sa_id_1234", clientSecret: process.env.SECRET ?? "" },
 * });
 * const invite = await atlas.getOrgInvite({
 *   orgId: "4888442a3354817a7320eb61",
 *   invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e",
 * });
 */
export function createAtlasInvites(options: AtlasInvitesOptions): AtlasInvites {
  if (typeof options !== "object" || options === null)
    fail("createAtlasInvites needs an options object");
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) fail(`options.${key} is not an option of createAtlasInvites`);
  }
  const baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") fail("options.fetch must be a function");
  if (
    options.userAgent !== undefined &&
    (typeof options.userAgent !== "string" || /[\r\n]/.test(options.userAgent))
  ) {
    fail("options.userAgent must be a single-line string");
  }
  if (options.onRetry !== undefined && typeof options.onRetry !== "function") {
    fail("options.onRetry must be a function");
  }
  const onDeprecation = options.onDeprecation;
  if (
    onDeprecation !== undefined &&
    onDeprecation !== false &&
    typeof onDeprecation !== "function"
  ) {
    fail("options.onDeprecation must be a function or false");
  }
  const timeoutMs = checkTimeout(options.timeout, "options.timeout") ?? 30_000;
  const retry = checkRetry(options.retry);

  const transport = createTransport({
    fetch: fetchImpl,
    timeoutMs,
    retry,
    onRetry: options.onRetry,
    // Requests that carry credentials get fresh ones for each retry; token requests carry none.
    beforeRetry: (request) => (request.state.authorized ? strategy.authorize(request) : undefined),
  });
  const userAgent = options.userAgent
    ? `${options.userAgent} ${defaultUserAgent()}`
    : defaultUserAgent();
  const strategy = createAuthStrategy(options.auth, {
    baseUrl,
    userAgent,
    // Token requests read their (small) body inside the attempt's timeout, then free its timer.
    send: async (url, init) => {
      const request = new AtlasRequest(url, init);
      try {
        const response = await transport(request);
        const text = await response.text();
        return new Response(text === "" ? null : text, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      } finally {
        request.state.transport?.release?.();
      }
    },
  });

  let closed = false;
  let rateLimit: RateLimit | undefined;

  const client = createClient<paths>({
    baseUrl,
    fetch: transport as unknown as (input: Request) => Promise<Response>,
    Request: AtlasRequest as unknown as typeof Request,
    bodySerializer: serializeBody,
  });
  // Order matters. onRequest runs top to bottom: resolve the operation (version), check input,
  // name ourselves, warn about deprecation, then authenticate last so the strategy sees the final
  // request. onResponse runs bottom to top, so auth's 401 handling runs first and the rate-limit
  // and deprecation middleware see the answer that is returned to the caller.
  const middleware: Middleware[] = [
    apiVersionMiddleware,
    validationMiddleware,
    userAgentMiddleware(options.userAgent),
    deprecationMiddleware(onDeprecation),
    rateLimitMiddleware((value) => (rateLimit = value)),
    authMiddleware(strategy, () => closed),
  ];
  client.use(...middleware);
  // What middleware see as `options` when a method runs them (openapi-fetch builds the same).
  const middlewareOptions = Object.freeze({
    baseUrl,
    fetch: transport as unknown as typeof fetch,
    parseAs: "text",
    querySerializer: () => "",
    bodySerializer: serializeBody,
    pathSerializer: (pathname: string) => pathname,
  }) as unknown as MiddlewareCallbackParams["options"];

  async function call(op: Operation, input: unknown): Promise<unknown> {
    if (closed) throw new AtlasError("atlas-invites: this client was closed");
    if (typeof input !== "object" || input === null) {
      fail(`${op.operationId} needs an object argument`);
    }
    const args = input as Record<string, unknown>;
    const path: Record<string, unknown> = {};
    const query: Record<string, unknown> = {};
    for (const key of Object.keys(args)) {
      if (key === "body" || key === "signal" || key === "timeout") continue;
      if (op.pathParams.some((p) => p.name === key)) path[key] = args[key];
      else if (op.queryParams.some((q) => q.name === key)) query[key] = args[key];
      else {
        const expected = [
          ...op.pathParams.map((p) => p.name),
          ...op.queryParams.map((q) => q.name),
          ...(op.requestSchema ? ["body"] : []),
          "signal",
          "timeout",
        ];
        fail(`${key} is not a parameter of ${op.operationId}; expected ${expected.join(", ")}`);
      }
    }
    throwIfInvalid(op, [...checkParams(op, path, query), ...checkBody(op, args.body)]);
    const signal = args.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal))
      fail("signal must be an AbortSignal");
    const timeoutMs = checkTimeout(args.timeout, "timeout");

    const state: RequestState = { validated: true, timeoutMs };
    const request = new AtlasRequest(buildUrl(baseUrl, op, path, query), {
      method: op.method,
      headers: new Headers(),
      body: args.body === undefined ? undefined : serializeBody(args.body),
      signal: signal ?? null,
      state,
    });
    let response: Response;
    let text: string;
    try {
      response = await runMiddleware(
        middleware,
        request,
        op.path,
        { path, query },
        middlewareOptions,
      );
      text = await response.text();
    } catch (error) {
      throw explainFailure(op, error, state.transport, baseUrl);
    } finally {
      state.transport?.release?.();
    }
    // Built only for an error: redacting the URL parses it, which a success need not pay for.
    const apiError = (problem?: string) =>
      new AtlasApiError({
        status: response.status,
        method: op.method,
        path: op.path,
        url: redactUrl(response.url || request.url),
        response,
        bodyText: text,
        ...(problem === undefined ? {} : { problem }),
      });
    if (!response.ok) throw apiError();
    if (text === "") throw apiError("empty response body");
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw apiError("response body is not valid JSON");
    }
  }

  const methods = {} as Record<OperationId, (input: unknown) => Promise<unknown>>;
  for (const op of Object.values(operations) as Operation[]) {
    methods[op.operationId] = (input: unknown) => call(op, input);
  }

  const atlas = {
    ...methods,
    client,
    get rateLimit() {
      return rateLimit;
    },
    async close() {
      if (closed) return;
      closed = true;
      await strategy.close?.();
    },
    [inspect.custom]() {
      return `AtlasInvites { baseUrl: ${JSON.stringify(baseUrl)}, auth: ${strategy.label}, closed: ${closed} }`;
    },
    toJSON() {
      return { baseUrl, auth: strategy.label, closed };
    },
  };
  return atlas as unknown as AtlasInvites;
}
