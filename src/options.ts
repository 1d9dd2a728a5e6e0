/**
 * The options of createAtlasInvites, checked and normalised in one place. Every mistake is an
 * AtlasValidationError that names the option, never its value.
 */
import { AtlasValidationError } from "./errors.js";
import type { AuthStrategy } from "./auth/strategy.js";
import type { FetchLike } from "./http/fetch.js";
import type { OnRetry, RetryOptions, RetryPolicy } from "./http/retry.js";
import type { OnDeprecation } from "./middleware/deprecation.js";
import { buildUserAgent } from "./middleware/headers.js";
import { closest, kind } from "./validation/rules.js";

/** The `baseUrl` when none is given (Atlas for Government is https://cloud.mongodbgov.com). */
export const DEFAULT_BASE_URL = "https://cloud.mongodb.com";

/** What createAtlasInvites takes: `auth` is required, every other option has a default. */
export interface AtlasInvitesOptions {
  /**
   * How to authenticate: `serviceAccount({ clientId, clientSecret })`, `apiKey({ publicKey,
   * privateKey })`, `accessToken({ token })`, `fromEnv()`, or a strategy of your own.
   */
  auth: AuthStrategy;
  /**
   * The URL in front of `/api/atlas/v2`: default https://cloud.mongodb.com; Atlas for Government, a
   * proxy and tests override it. It must not hold `/api/atlas` itself.
   */
  baseUrl?: string | undefined;
  /** Your application's name/version, sent before ours in User-Agent. */
  userAgent?: string | undefined;
  /**
   * The fetch to send requests with. Default globalThis.fetch. It must honour `init.signal`:
   * timeouts and aborts end a request by aborting it.
   */
  fetch?: FetchLike | undefined;
  /**
   * Per-attempt timeout in ms, covering the response body; the first attempt's time counts from
   * the start of the call, so it covers the wait for credentials too. Default 30 000; 0 turns it off.
   */
  timeout?: number | undefined;
  /**
   * Retry policy for 429, 500, 502, 503, 504 and dropped connections, or false for a single
   * attempt. Default: 2 retries within 60 s. The role changes (addGroupUserRole,
   * removeGroupUserRole) are sent again only after a 429 or a connection that never opened.
   */
  retry?: RetryOptions | false | undefined;
  /**
   * Called before each retry wait. An exception it throws ends the call with that exception; a
   * promise it returns is waited for before the wait begins (the call's signal ends that wait
   * too), and its rejection ends the call too.
   */
  onRetry?: OnRetry | undefined;
  /**
   * Replaces the DeprecationWarning for deprecated operations; false silences it. An exception
   * it throws, or the rejection of a promise it returns (not waited for), does not fail the call;
   * it becomes a process warning.
   */
  onDeprecation?: OnDeprecation;
  /** The largest response body the client reads, in bytes. Default 16 MiB. */
  maxResponseBytes?: number | undefined;
}

/** The options after checking, with every default filled in. */
export interface ClientConfig {
  auth: AuthStrategy;
  baseUrl: string;
  userAgent: string;
  fetch: FetchLike;
  timeoutMs: number;
  retry: RetryPolicy | false;
  onRetry: OnRetry | undefined;
  onDeprecation: OnDeprecation;
  maxResponseBytes: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 2,
  maxElapsedMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

export const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * The longest delay a Node timer keeps (2^31 - 1 ms, about 24.8 days); a longer one fires after
 * 1 ms instead. Every option in milliseconds stays within it.
 */
export const MAX_TIMER_MS = 2_147_483_647;
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const KNOWN = [
  "auth",
  "baseUrl",
  "userAgent",
  "fetch",
  "timeout",
  "retry",
  "onRetry",
  "onDeprecation",
  "maxResponseBytes",
];

function fail(option: string, message: string): never {
  throw new AtlasValidationError(`atlas-invites: options.${option} ${message}`, [
    { path: option, rule: "type", message: `${option}: ${message}` },
  ]);
}

/** https anywhere; plain http only for loopback hosts (local tests, fakes). */
function checkBaseUrl(raw: unknown): string {
  if (typeof raw !== "string" || raw === "") fail("baseUrl", "must be a non-empty URL string");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The text is not quoted back: it may hold a credential, and it failed to parse, so no part
    // of it can be told apart from one.
    return fail("baseUrl", `is not an absolute URL, such as ${DEFAULT_BASE_URL}`);
  }
  if (url.username || url.password) fail("baseUrl", "must not contain credentials");
  // A bare "?" or "#" leaves url.search and url.hash empty, so look at the text itself.
  if (raw.includes("?") || raw.includes("#")) {
    fail("baseUrl", "must not have a query string or fragment");
  }
  // Every operation's path starts with /api/atlas/v2 and the token endpoint's with /api/oauth, so
  // a base URL holding either would send calls to /api/atlas/v2/api/atlas/v2/... and get 404s.
  const added = /\/api\/(?:atlas|oauth)(?=\/|$)/.exec(url.pathname)?.[0];
  if (added !== undefined) {
    fail(
      "baseUrl",
      `must not contain ${added}, which the client adds to every path; give what comes before it, such as ${DEFAULT_BASE_URL}`,
    );
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"];
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback.includes(url.hostname))) {
    fail(
      "baseUrl",
      `must use https (plain http is allowed only for ${loopback.join(", ")}), got ${url.protocol}`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/** A count or size: a whole number of at least `min` (1.5 retries would quietly mean 2). */
function checkNumber(option: string, value: unknown, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < min) {
    fail(option, `must be a whole number of at least ${min}`);
  }
  return value as number;
}

/** A time in milliseconds, from 0 to the longest a timer keeps. */
function checkMs(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0 && value <= MAX_TIMER_MS)) {
    fail(option, `must be a number of milliseconds from 0 to ${MAX_TIMER_MS} (about 24.8 days)`);
  }
  return value;
}

function checkRetry(retry: unknown): RetryPolicy | false {
  if (retry === false) return false;
  if (retry === undefined) return DEFAULT_RETRY;
  if (typeof retry !== "object" || retry === null) fail("retry", "must be an object or false");
  const names = Object.keys(DEFAULT_RETRY);
  refuseUnknown(retry, names, "retry.", "a retry option", `; it takes ${names.join(", ")}`);
  const given = retry as RetryOptions;
  const merged = { ...DEFAULT_RETRY };
  for (const key of Object.keys(DEFAULT_RETRY) as (keyof RetryOptions)[]) {
    const check = key === "maxRetries" ? checkNumber : checkMs;
    merged[key] = check(`retry.${key}`, given[key], DEFAULT_RETRY[key]);
  }
  return merged;
}

/**
 * A header value: visible Latin-1 characters, spaces and tabs (RFC 9110, section 5.5); anything
 * else makes every request fail in `Headers`, so it is refused up front.
 */
function checkHeaderText(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^[\t\x20-\x7e\xa0-\xff]*$/.test(value)) {
    fail(option, "must be a string of printable Latin-1 characters without line breaks");
  }
  return value.trim() || undefined;
}

/**
 * Refuses the first key of `given` that is not one of `known`: by its name when it is one a
 * program would write (else as a placeholder, so a pasted secret never shows), with the known
 * option it looks like, if any.
 */
function refuseUnknown(
  given: object,
  known: readonly string[],
  prefix: string,
  what: string,
  tail = "",
): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const named = /^[\w$-]{1,40}$/.test(key);
    // timeoutMs for timeout: a unit suffix that other libraries' option names carry.
    const near = named
      ? (closest(key, known) ?? closest(key.replace(/ms$/i, ""), known))
      : undefined;
    const hint = near === undefined ? "" : ` (did you mean ${near}?)`;
    fail(`${prefix}${named ? key : "(an option)"}`, `is not ${what}${hint}${tail}`);
  }
}

function checkAuth(auth: unknown): AuthStrategy {
  if (
    typeof auth !== "object" ||
    auth === null ||
    typeof (auth as AuthStrategy).start !== "function" ||
    typeof (auth as AuthStrategy).label !== "string"
  ) {
    fail(
      "auth",
      "must be an auth strategy: serviceAccount(), apiKey(), accessToken(), fromEnv(), or your own object with a label and start()",
    );
  }
  return auth as AuthStrategy;
}

export function resolveOptions(options: AtlasInvitesOptions): ClientConfig {
  if (typeof options !== "object" || options === null) {
    const problem = `expected an options object, got ${kind(options)}`;
    throw new AtlasValidationError(`atlas-invites: createAtlasInvites needs an options object`, [
      { path: "", rule: "type", message: `options: ${problem}` },
    ]);
  }
  refuseUnknown(
    options,
    KNOWN,
    "",
    "an option of createAtlasInvites",
    `; it takes ${KNOWN.join(", ")}`,
  );
  const fetch = options.fetch ?? globalThis.fetch;
  if (typeof fetch !== "function") fail("fetch", "must be a function");
  if (options.onRetry !== undefined && typeof options.onRetry !== "function") {
    fail("onRetry", "must be a function");
  }
  const onDeprecation = options.onDeprecation;
  if (
    onDeprecation !== undefined &&
    onDeprecation !== false &&
    typeof onDeprecation !== "function"
  ) {
    fail("onDeprecation", "must be a function or false");
  }
  return {
    auth: checkAuth(options.auth),
    baseUrl: checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL),
    userAgent: buildUserAgent(checkHeaderText("userAgent", options.userAgent)),
    fetch,
    timeoutMs: checkMs("timeout", options.timeout, DEFAULT_TIMEOUT_MS),
    retry: checkRetry(options.retry),
    onRetry: options.onRetry,
    onDeprecation,
    maxResponseBytes: checkNumber(
      "maxResponseBytes",
      options.maxResponseBytes,
      DEFAULT_MAX_RESPONSE_BYTES,
      1,
    ),
  };
}
