/**
 * The retry policy: which answers and failures are worth another attempt, how long to wait
 * (exponential backoff with full jitter, or what Retry-After asks for), and when to give up.
 */
import { listen, unlisten } from "./abort.js";
import { parseHttpDate } from "./date.js";

/** What `onRetry` is told before each retry wait. */
export interface RetryInfo {
  /** 1 for the first retry. */
  attempt: number;
  /** Milliseconds the client waits before the next attempt. */
  delayMs: number;
  method: string;
  /** The request URL without credentials or query string. */
  url: string;
  /** The status that caused the retry, or undefined for a network error. */
  status: number | undefined;
  /**
   * The network error that caused the retry, if any; a stand-in with the credentials taken out
   * when what it shows of itself holds one.
   */
  error: unknown;
}

/**
 * The `onRetry` option. Written as two signatures so that a function returning anything (a
 * logger's result) fits the first, and an async one is declared as expected: its promise is
 * waited for before the retry wait begins.
 */
export type OnRetry = ((info: RetryInfo) => void) | ((info: RetryInfo) => Promise<void>);

/** The `retry` option: how often and how long to retry. A field left out keeps its default. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number | undefined;
  /**
   * Time budget for retrying, in ms from the start of the call (its wait for credentials
   * included): a retry is scheduled only when its wait ends within the budget. Default 60 000.
   */
  maxElapsedMs?: number | undefined;
  /**
   * Backoff ceiling of the first retry in ms, doubled on each further retry; the wait is a
   * uniformly random fraction of the ceiling ("full jitter"). Default 500.
   */
  baseDelayMs?: number | undefined;
  /**
   * Longest single wait in ms. A `Retry-After` that asks for longer ends the retries, and the
   * 429 or 503 goes to the caller: retrying earlier than Atlas asked would only be refused again.
   * Default 30 000.
   */
  maxDelayMs?: number | undefined;
}

/** The retry options after checking, each one set. */
export type RetryPolicy = Record<keyof RetryOptions, number>;

/** Rate limiting and transient server failures. Every other status is final. */
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

/** The statuses whose Retry-After is honoured (RFC 9110, section 10.2.3; RFC 6585, section 4). */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/**
 * The one status after which a role change is sent again: a 429 is the rate limiter refusing the
 * request (RFC 6585, section 4). A 503 does not show the same: a proxy or gateway in front of the
 * service can answer it after the request was passed on (RFC 9110, section 15.6.4). A token
 * request is sent again after a 503, and after any connection failure, too: should the first one
 * have been served, its token is only left unused until it expires (and a revocation sent twice
 * revokes one token). A kept-alive connection the server closed while idle is one such failure.
 */
const NOT_DONE_STATUSES = new Set([429]);

/** Connection failures, by the error codes of Node's sockets and undici. */
const RETRY_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Failures after which the request cannot have reached Atlas. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * Retry-After as milliseconds from now: delay-seconds or an HTTP-date (RFC 9110, section 10.2.3).
 * A date in the past means "now"; anything else unreadable is ignored (undefined).
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = parseHttpDate(trimmed, now);
  return date === undefined ? undefined : Math.max(0, date - now);
}

/**
 * Waits for `first` (what onRetry returned: a promise is waited for, its rejection passed on),
 * then `ms`; rejects with the signal's reason as soon as it aborts, during either wait. Leaves no
 * timer and no listener.
 */
export function sleep(ms: number, signal: AbortSignal | null, first?: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      clearTimeout(timer);
      if (signal) unlisten(signal, aborted);
    };
    // What the signal or onRetry's promise rejected with is passed on as it is, of any type.
    const fail = (error: Error) => {
      stop();
      reject(error);
    };
    const aborted = { handleEvent: () => fail(signal!.reason as Error) };
    if (signal) listen(signal, aborted);
    const wait = () => {
      timer = setTimeout(() => {
        stop();
        resolve();
      }, ms);
    };
    // Handled before an abort ends the wait: onRetry may have aborted the signal itself, and its
    // rejection, left unhandled, would end the process.
    Promise.resolve(first).then(() => signal?.aborted || wait(), fail);
    if (signal?.aborted) aborted.handleEvent();
  });
}

/** An error and its causes, outermost first: undici wraps the socket error in "fetch failed". */
export function causes(err: unknown): unknown[] {
  const chain = [err];
  for (let next = err; chain.length < 8; chain.push(next)) {
    next = (next as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null) break;
  }
  return chain;
}

/** The first error code in a cause chain. */
export function errorCode(err: unknown): string | undefined {
  for (const e of causes(err)) {
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/**
 * Why reading a body failed, when neither an abort nor the size limit stopped it: a body not in
 * the Content-Encoding its answer names (a proxy's mislabel; zlib's error codes begin Z_,
 * brotli's ERR__), or a connection closed mid-body.
 */
export function bodyFailure(err: unknown): string {
  return /^(Z_|ERR__)/.test(errorCode(err) ?? "")
    ? "the response body could not be decoded from its Content-Encoding"
    : "the connection closed before the whole response body arrived";
}

/**
 * How long to wait before retry number `n` (0 for the first) after an answer (`response`) or a
 * connection failure (`error`), or undefined for no retry. GET and PATCH set state rather than
 * add to it, so sending them again is safe after any transient failure; the role changes (POST
 * ...:addRole, :removeRole) are retried only when Atlas cannot have acted on them: a 429, or a
 * connection that never opened; authentication's own POSTs (`own`: token, revocation) after a
 * 503 or any connection failure as well. There is no retry either when the retries are used up, Retry-After asks for
 * longer than `maxDelayMs`, or the wait would end past the time budget. `random` gives the
 * jitter, a number in [0, 1).
 */
export function retryDelay(
  policy: RetryPolicy,
  n: number,
  method: string,
  own: boolean,
  response: Response | undefined,
  error: unknown,
  elapsedMs: number,
  random: number,
): number | undefined {
  const idempotent = method !== "POST";
  const code = response ? undefined : errorCode(error);
  const statuses = idempotent ? RETRY_STATUSES : own ? RETRY_AFTER_STATUSES : NOT_DONE_STATUSES;
  const worth = response
    ? statuses.has(response.status)
    : code !== undefined && (idempotent || own ? RETRY_CODES : NOT_SENT_CODES).has(code);
  if (!worth || n >= policy.maxRetries) return undefined;
  // Whole milliseconds, as timers count them (and as onRetry reports the wait); rounded down, so
  // full jitter stays below its bound. Once n reaches 1024, 2 ** n is Infinity: the ceiling
  // is then maxDelayMs, or 0 for a baseDelayMs of 0 (0 × Infinity is NaN).
  let delayMs = Math.floor(random * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n) || 0);
  if (response && RETRY_AFTER_STATUSES.has(response.status)) {
    const asked = parseRetryAfter(response.headers.get("Retry-After"));
    if (asked !== undefined) {
      if (asked > policy.maxDelayMs) return undefined;
      delayMs = asked;
    }
  }
  return elapsedMs + delayMs > policy.maxElapsedMs ? undefined : delayMs;
}
