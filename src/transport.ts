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
  url: string;
  /** The status that caused the retry, or undefined for a network error. */
  status: number | undefined;
  /** The network error that caused the retry, if any. */
  error: unknown;
}

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** Upper bound on all attempts and waits together, in ms. Default 60 000. */
  maxElapsedMs?: number;
  /** First backoff delay in ms, doubled on each retry, with full jitter. Default 500. */
  baseDelayMs?: number;
  /** Longest single wait in ms, including a Retry-After from Atlas. Default 30 000. */
  maxDelayMs?: number;
}

export interface TransportOptions {
  fetch: FetchLike;
  /** Per-attempt timeout in ms, covering the response body. 0 disables it. */
  timeoutMs: number;
  retry: Required<RetryOptions> | false;
  onRetry: ((info: RetryInfo) => void) | undefined;
}

/** Status codes worth another attempt: rate limiting and transient server failures. */
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

/** Per-request bookkeeping the transport leaves for whoever reads the body. */
export interface TransportState {
  /** Clears the attempt's timer once the body has been read. */
  release?: () => void;
}

/** Seconds or an HTTP date (RFC 9110, section 10.2.3), as milliseconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
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
  const { fetch, timeoutMs, retry, onRetry } = options;

  /** One attempt, with its own timer; the timer stays armed until the body has been read. */
  async function attempt(req: AtlasRequest, state: TransportState): Promise<Response> {
    const controller = new AbortController();
    const callerSignal = req.signal;
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onCallerAbort = () => controller.abort(callerSignal!.reason);
    if (callerSignal) {
      if (callerSignal.aborted) throw abortError(req, callerSignal.reason);
      callerSignal.addEventListener("abort", onCallerAbort, { once: true });
    }
    const limitMs = req.state.timeoutMs ?? timeoutMs;
    if (limitMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new AtlasTimeoutError(`timed out after ${limitMs} ms`));
      }, limitMs);
      timer.unref?.();
    }
    const release = () => {
      if (timer !== undefined) clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    };
    state.release = release;
    try {
      return await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.bodyText,
        signal: controller.signal,
      });
    } catch (error) {
      release();
      if (timedOut) {
        throw new AtlasTimeoutError(
          `atlas-invites: ${req.method} ${redactUrl(req.url)} timed out after ${limitMs} ms`,
          { cause: error },
        );
      }
      if (callerSignal?.aborted) throw abortError(req, callerSignal.reason);
      throw error;
    }
  }

  return async function send(input: Request | AtlasRequest): Promise<Response> {
    const req = isAtlasRequest(input) ? input : await fromStandardRequest(input);
    const state: TransportState = (req.state.transport ??= {});
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
      if (n >= retry.maxRetries) {
        if (response) return response;
        throw error;
      }
      const backoff = Math.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** n);
      const hinted =
        response && (response.status === 429 || response.status === 503)
          ? parseRetryAfter(response.headers.get("Retry-After"))
          : undefined;
      const delayMs = Math.min(retry.maxDelayMs, hinted ?? backoff);
      if (Date.now() - started + delayMs > retry.maxElapsedMs) {
        if (response) return response;
        throw error;
      }
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
        throw abortError(req, reason);
      }
    }
  };
}

function abortError(req: AtlasRequest, reason: unknown): AtlasTimeoutError {
  return new AtlasTimeoutError(
    `atlas-invites: ${req.method} ${redactUrl(req.url)} was aborted by the caller`,
    { cause: reason },
  );
}

/** Connection-level failures that are safe to retry (the request may not have reached Atlas). */
function isRetryableNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const cause = (err as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code;
  return (
    code === "ECONNRESET" ||
    code === "ECONNREFUSED" ||
    code === "EPIPE" ||
    code === "ETIMEDOUT" ||
    code === "UND_ERR_SOCKET" ||
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    (err instanceof TypeError && err.message === "fetch failed")
  );
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
