/**
 * The client's fetch: what openapi-fetch calls to send a request (its `fetch` option), and what
 * authentication uses for its own requests to the token endpoint. Below every middleware, it
 * applies the rules that hold for every byte the client sends:
 * - only to the client's own origin, and never across a redirect (Atlas's API does not redirect;
 *   a 3xx is an error that names where it pointed);
 * - each attempt bounded by its timeout (the first one counted from the start of the call, so it
 *   covers the wait for credentials too) and by the caller's signal, and its body by the
 *   response size limit (see body.ts);
 * - retries of rate limits, transient errors and dropped connections by the retry policy;
 * - nothing once the client is closed.
 */
import { AtlasApiError, AtlasError, AtlasTimeoutError } from "../errors.js";
import { oneLine, redactUrl, type Scrub } from "../text.js";
import { bindBody, discard, tooLarge, type BodyRules } from "./body.js";
import { adopt, AtlasRequest, isAtlasRequest } from "./request.js";
import {
  errorCode,
  retryable,
  retryDelay,
  rootCause,
  sleep,
  type RetryInfo,
  type RetryOptions,
} from "./retry.js";

/** A fetch with the standard (input, init) signature. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ClientFetchOptions {
  baseUrl: string;
  fetch: FetchLike;
  /** Per-attempt timeout in ms; 0 turns it off. */
  timeoutMs: number;
  retry: Required<RetryOptions> | false;
  onRetry: ((info: RetryInfo) => void) | undefined;
  maxResponseBytes: number;
  scrub: Scrub;
  /** Renews a request's credentials before it is sent again (a Digest count must not repeat). */
  beforeRetry: (request: AtlasRequest) => void | Promise<void>;
}

/** The answer to one of authentication's own requests, its body read as text. */
export interface SentReply {
  status: number;
  headers: Headers;
  text: string;
}

export interface ClientFetch {
  (request: AtlasRequest | Request): Promise<Response>;
  /**
   * Sends one of authentication's own requests (token, revocation) to `path` under the base URL,
   * by the same rules, and reads its body. `closing` lets a revocation out while the client
   * closes.
   */
  send(path: string, init: RequestInit, closing?: boolean): Promise<SentReply>;
  /** Refuses new attempts, then waits for those in flight to end (bounded by their timeouts). */
  close(): Promise<void>;
}

const CLOSED = "atlas-invites: this client was closed; create a new client to make more calls";

export function createClientFetch(options: ClientFetchOptions): ClientFetch {
  const { baseUrl, timeoutMs, retry, onRetry, maxResponseBytes, scrub, beforeRetry } = options;
  const origin = new URL(baseUrl).origin;
  let closed = false;
  let active = 0;
  let drained: (() => void) | undefined;

  function ended(): void {
    active--;
    if (active === 0) drained?.();
  }

  /** The path template for messages, or the URL's path when the request is not an operation. */
  function where(request: AtlasRequest): string {
    return request.operation?.path ?? new URL(request.url).pathname;
  }

  function apiError(request: AtlasRequest, response: Response, problem: string, cause?: unknown) {
    const error = new AtlasApiError({
      status: response.status,
      method: request.method,
      path: where(request),
      url: redactUrl(request.url),
      response,
      body: undefined,
      problem,
      scrub,
    });
    if (cause !== undefined) {
      Object.defineProperty(error, "cause", { value: cause, configurable: true, writable: true });
    }
    return error;
  }

  /** One attempt: its timer, its link to the caller's signal, the send, the answer's body rules. */
  async function attempt(request: AtlasRequest, first: boolean): Promise<Response> {
    const caller = request.signal;
    if (caller?.aborted) throw caller.reason;
    const limit = typeof request.timeout === "number" ? request.timeout : timeoutMs;
    const remaining = first && limit > 0 ? limit - (Date.now() - request.startedAt) : limit;
    const timedOut = () =>
      new AtlasTimeoutError(
        `atlas-invites: ${request.method} ${redactUrl(request.url)} timed out after ${limit} ms`,
      );
    if (limit > 0 && remaining <= 0) throw timedOut();

    const controller = new AbortController();
    const onAbort = () => controller.abort(caller!.reason);
    caller?.addEventListener("abort", onAbort);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      caller?.removeEventListener("abort", onAbort);
      ended();
    };
    if (limit > 0) {
      timer = setTimeout(() => {
        controller.abort(timedOut());
        settle();
      }, remaining);
      // A body nobody reads must not keep the process alive until its timer fires.
      timer.unref?.();
    }
    active++;
    let response: Response;
    try {
      response = await options.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.bodyText,
        signal: controller.signal,
        redirect: "manual",
      });
    } catch (error) {
      settle();
      throw controller.signal.aborted ? controller.signal.reason : error;
    }
    const rules: BodyRules = {
      maxBytes: maxResponseBytes,
      signal: controller.signal,
      settle,
      fail: (problem, cause) => apiError(request, response, problem, cause),
    };
    const declared = response.headers.get("Content-Length");
    let problem: string | undefined;
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("Location");
      let target = "a missing Location";
      try {
        if (location !== null) target = new URL(location, request.url).origin;
      } catch {
        target = "an invalid Location";
      }
      problem = `Atlas does not redirect, so the client did not follow this redirect to ${target}`;
    } else if (response.redirected || (response.url !== "" && !sameOrigin(response.url))) {
      problem = `the fetch followed a redirect to ${redactUrl(response.url)}; the answer was refused`;
    } else if (declared !== null && Number(declared) > maxResponseBytes) {
      settle();
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge(rules, `${declared} bytes`);
    }
    if (problem !== undefined) {
      settle();
      await response.body?.cancel().catch(() => undefined);
      throw apiError(request, response, problem);
    }
    if (response.body === null || declared === "0") {
      settle();
      return response;
    }
    return bindBody(response, rules);
  }

  function sameOrigin(url: string): boolean {
    return url.startsWith(`${origin}/`);
  }

  function networkFailure(request: AtlasRequest, error: unknown, attempts: number): AtlasError {
    const root = rootCause(error);
    const code = errorCode(error);
    const text = oneLine(scrub(root instanceof Error ? root.message : String(root)));
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    const suffix = code && !text.includes(code) ? ` (${code})` : "";
    return new AtlasError(
      `atlas-invites: ${request.method} ${redactUrl(request.url)} failed${tries}: ${text}${suffix}`,
      { cause: error },
    );
  }

  /** `own` marks authentication's own requests, which carry no API credentials to renew. */
  async function send(
    input: AtlasRequest | Request,
    own = false,
    closing = false,
  ): Promise<Response> {
    const request = isAtlasRequest(input) ? input : await adopt(input);
    if (!sameOrigin(request.url)) {
      throw new AtlasError(
        `atlas-invites: refused to send ${request.method} ${redactUrl(request.url)}: the client sends requests to ${origin} only`,
      );
    }
    const started = Date.now();
    for (let n = 0; ; n++) {
      // The one place that refuses work once the client is closed.
      if (closed && !closing) throw new AtlasError(CLOSED);
      let response: Response | undefined;
      let error: unknown;
      try {
        response = await attempt(request, n === 0);
      } catch (err) {
        if (err instanceof AtlasError || err === request.signal?.reason) throw err;
        error = err;
      }
      const again =
        retry !== false && retryable(request.method, response?.status, error)
          ? retryDelay(retry, n, response, Date.now() - started, Math.random())
          : undefined;
      if (again === undefined) {
        if (response) return response;
        throw networkFailure(request, error, n + 1);
      }
      if (response) await discard(response);
      onRetry?.({
        attempt: n + 1,
        delayMs: again,
        method: request.method,
        url: redactUrl(request.url),
        status: response?.status,
        error,
      });
      await sleep(again, request.signal);
      if (!own) await beforeRetry(request);
    }
  }

  const clientFetch = ((request: AtlasRequest | Request) => send(request)) as ClientFetch;
  clientFetch.send = async (path, init, closing) => {
    const request = new AtlasRequest(`${baseUrl}${path}`, {
      method: init.method ?? "GET",
      headers: init.headers ?? {},
      body: typeof init.body === "string" ? init.body : null,
    });
    const response = await send(request, true, closing);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  clientFetch.close = async () => {
    closed = true;
    if (active > 0) await new Promise<void>((resolve) => (drained = resolve));
  };
  return clientFetch;
}
