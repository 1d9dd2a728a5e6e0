/**
 * The bottom of the stack: turns an AtlasRequest into `fetch(url, init)` and applies the
 * per-attempt timeout, the caller's AbortSignal and the retry policy. Middleware sit above it,
 * so a retried attempt carries the same headers and the same body bytes.
 */
import { AtlasError, AtlasTimeoutError } from "./errors.js";
import { AtlasRequest, isAtlasRequest } from "./request.js";
import type { FetchLike } from "./auth/strategy.js";

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
  /** The network error that caused the retry, if any. */
  error: unknown;
}

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /**
   * Time budget for retrying, in ms from the start of the first attempt: a retry is scheduled
   * only when its wait ends within the budget. Default 60 000.
   */
  maxElapsedMs?: number;
  /**
   * Backoff ceiling of the first retry in ms, doubled on each further retry; the wait is a
   * uniformly random fraction of the ceiling ("full jitter"). Default 500.
   */
  baseDelayMs?: number;
  /**
   * Longest single wait in ms. A `Retry-After` that asks for longer ends the retries, and the
   * 429 or 503 goes to the caller: retrying earlier than Atlas asked would only be refused again.
   * Default 30 000.
   */
  maxDelayMs?: number;
}

export interface TransportOptions {
  fetch: FetchLike;
  /** Per-attempt timeout in ms, covering the response body. 0 disables it. */
  timeoutMs: number;
  retry: Required<RetryOptions> | false;
  onRetry: ((info: RetryInfo) => void) | undefined;
  /**
   * Runs before every retry attempt. Authentication renews the request's credentials here: a
   * Digest answer must not repeat its nonce count (RFC 7616, section 3.4).
   */
  beforeRetry?: (req: AtlasRequest) => void | Promise<void>;
  /** Source of jitter in [0, 1); tests pin it. Default Math.random. */
  random?: () => number;
}

/** Rate limiting and transient server failures. Every other status is final. */
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

/** The statuses whose Retry-After is honoured (RFC 9110, section 10.2.3; RFC 6585, section 4). */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/**
 * Connection failures before any answer arrived, by the error codes of Node's sockets and
 * undici. The request may or may not have reached Atlas; the four operations set state rather
 * than add to it, so sending them again is safe.
 */
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

/** Per-request bookkeeping of the transport, shared with whoever reads the body. */
export interface TransportState {
  /** Clears the attempt's timer and listeners once the body has been read. */
  release?: () => void;
  /** Set when the timeout or the caller's signal ended the attempt; the error to report. */
  failure?: AtlasTimeoutError;
  /** The last response handed up, so a failure while reading its body can name its status. */
  response?: Response;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH = MONTHS.join("|");
const TIME = String.raw`(\d{2}):(\d{2}):(\d{2})`;
// The three HTTP-date forms of RFC 9110, section 5.6.7. Date.parse alone is too lenient ("-1"
// is a date to V8) and reads the asctime form in local time.
const IMF_FIXDATE = new RegExp(
  String.raw`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (${MONTH}) (\d{4}) ${TIME} GMT$`,
);
const RFC850_DATE = new RegExp(
  String.raw`^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (\d{2})-(${MONTH})-(\d{2}) ${TIME} GMT$`,
);
const ASCTIME_DATE = new RegExp(
  String.raw`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (${MONTH}) ( \d|\d{2}) ${TIME} (\d{4})$`,
);

function utc(year: number, month: string, day: string, h: string, m: string, s: string) {
  const monthIndex = MONTHS.indexOf(month);
  const time = Date.UTC(year, monthIndex, Number(day), Number(h), Number(m), Number(s));
  const check = new Date(time);
  // Rejects 31 Feb, 25:00:00 and the like instead of letting Date roll them over.
  const valid =
    check.getUTCDate() === Number(day) &&
    check.getUTCHours() === Number(h) &&
    check.getUTCMinutes() === Number(m) &&
    check.getUTCSeconds() === Number(s);
  return valid ? time : undefined;
}

/** An HTTP-date in any of its three forms, as epoch milliseconds, or undefined. */
export function parseHttpDate(value: string, now = Date.now()): number | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m) return utc(Number(m[3]), m[2]!, m[1]!, m[4]!, m[5]!, m[6]!);
  m = ASCTIME_DATE.exec(value);
  if (m) return utc(Number(m[6]), m[1]!, m[2]!.trim(), m[3]!, m[4]!, m[5]!);
  m = RFC850_DATE.exec(value);
  if (m) {
    // A two-digit year more than 50 years ahead means the most recent past century.
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(m[3]);
    if (year > thisYear + 50) year -= 100;
    return utc(year, m[2]!, m[1]!, m[4]!, m[5]!, m[6]!);
  }
  return undefined;
}

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

function sleep(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function createTransport(options: TransportOptions) {
  const { fetch, timeoutMs, retry, onRetry, beforeRetry } = options;
  const random = options.random ?? Math.random;

  /**
   * One attempt, with its own timer. The timer stays armed after the headers arrive, until
   * `release` runs once the body has been read, so a server that stalls mid-body times out too.
   */
  async function attempt(req: AtlasRequest, state: TransportState): Promise<Response> {
    const callerSignal = req.signal;
    if (callerSignal?.aborted) throw callerAbort(req, callerSignal.reason);
    const controller = new AbortController();
    state.failure = undefined;
    state.response = undefined;
    // The abort reason is what undici rejects with, while waiting for headers and while reading
    // the body alike, so the caller sees the same AtlasTimeoutError either way.
    const stop = (error: AtlasTimeoutError) => {
      state.failure ??= error;
      controller.abort(error);
    };
    const onCallerAbort = () => stop(callerAbort(req, callerSignal!.reason));
    callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
    const limitMs = req.state.timeoutMs ?? timeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (limitMs > 0) {
      timer = setTimeout(
        () =>
          stop(
            new AtlasTimeoutError(
              `atlas-invites: ${req.method} ${redactUrl(req.url)} timed out after ${limitMs} ms`,
            ),
          ),
        limitMs,
      );
      // A call made through atlas.client may never release; its timer must not hold the process.
      timer.unref?.();
    }
    const release = () => {
      if (timer !== undefined) clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    };
    state.release = release;
    try {
      const response = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.bodyText,
        signal: controller.signal,
      });
      state.response = response;
      return response;
    } catch (error) {
      release();
      throw state.failure ?? error;
    }
  }

  async function withRetries(req: AtlasRequest, state: TransportState): Promise<Response> {
    if (retry === false) return attempt(req, state);
    const started = Date.now();
    for (let n = 0; ; n++) {
      let response: Response | undefined;
      let error: unknown;
      try {
        response = await attempt(req, state);
      } catch (err) {
        if (err instanceof AtlasError || !isRetryableNetworkError(err)) throw err;
        error = err;
      }
      if (response && !RETRY_STATUSES.has(response.status)) return response;
      const giveUp = (): Response => {
        if (response) return response;
        throw new AtlasError(networkFailure(req, error, n + 1), { cause: error });
      };
      if (n >= retry.maxRetries) return giveUp();
      let delayMs = random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** n);
      if (response && RETRY_AFTER_STATUSES.has(response.status)) {
        const asked = parseRetryAfter(response.headers.get("Retry-After"));
        if (asked !== undefined) {
          if (asked > retry.maxDelayMs) return giveUp();
          delayMs = asked;
        }
      }
      if (Date.now() - started + delayMs > retry.maxElapsedMs) return giveUp();
      if (response) {
        state.release?.();
        await response.body?.cancel().catch(() => undefined);
      }
      onRetry?.({
        attempt: n + 1,
        delayMs,
        method: req.method,
        url: redactUrl(req.url),
        status: response?.status,
        error,
      });
      try {
        await sleep(delayMs, req.signal);
      } catch (reason) {
        throw callerAbort(req, reason);
      }
      await beforeRetry?.(req);
    }
  }

  return async function send(input: Request | AtlasRequest): Promise<Response> {
    const req = isAtlasRequest(input) ? input : await fromStandardRequest(input);
    const state = (req.state.transport ??= {}) as TransportState;
    try {
      return await withRetries(req, state);
    } catch (error) {
      if (error instanceof AtlasError) throw error;
      throw new AtlasError(networkFailure(req, error, 1), { cause: error });
    }
  };
}

function callerAbort(req: AtlasRequest, reason: unknown): AtlasTimeoutError {
  return new AtlasTimeoutError(
    `atlas-invites: ${req.method} ${redactUrl(req.url)} was aborted by the caller`,
    { cause: reason },
  );
}

/** The innermost error of a cause chain: undici wraps the socket error in "fetch failed". */
function rootCause(err: unknown): unknown {
  let current = err;
  for (let depth = 0; depth < 8; depth++) {
    const next = (current as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null) break;
    current = next;
  }
  return current;
}

function errorCode(err: unknown): string | undefined {
  for (let current = err, depth = 0; current && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function networkFailure(req: AtlasRequest, err: unknown, attempts: number): string {
  const root = rootCause(err);
  const code = errorCode(err);
  const text = root instanceof Error ? root.message : String(root);
  const what = (text.length > 200 ? `${text.slice(0, 200)}…` : text).replace(/\s+/g, " ");
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  return `atlas-invites: ${req.method} ${redactUrl(req.url)} failed${tries}: ${what}${code && !what.includes(code) ? ` (${code})` : ""}`;
}

/** Connection-level failures that are safe to retry, by the code anywhere in the cause chain. */
function isRetryableNetworkError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && RETRY_CODES.has(code);
}

/** Drops user info and query string from a URL before it goes into a message. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return `${u.origin}${u.pathname}`;
  } catch {
    return "<invalid url>";
  }
}

async function fromStandardRequest(request: Request): Promise<AtlasRequest> {
  const body = request.body ? await request.text() : undefined;
  return new AtlasRequest(request.url, {
    method: request.method,
    headers: request.headers,
    body,
    signal: request.signal,
  });
}
