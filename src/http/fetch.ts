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
import { AtlasError } from "../errors.js";
import type { ClientConfig } from "../options.js";
import { oneLine, redactUrl, type Scrub } from "../text.js";
import { Attempt, expire, type Flight } from "./attempt.js";
import { bindBody, discard, tooLarge } from "./body.js";
import { adopt, AtlasRequest, isAtlasRequest } from "./request.js";
import { errorCode, retryable, retryDelay, rootCause, sleep } from "./retry.js";

/** A fetch with the standard (input, init) signature. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The checked client options the fetch applies, and what it needs from the rest of the client. */
export interface ClientFetchOptions extends Pick<
  ClientConfig,
  "baseUrl" | "fetch" | "timeoutMs" | "retry" | "onRetry" | "maxResponseBytes"
> {
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
  const flight: Flight = { active: 0, drained: undefined, spare: [] };
  let closed = false;

  const prefix = `${origin}/`;
  const sameOrigin = (url: string) => url.startsWith(prefix);

  /** Sends `request` once, bounded by its timeout and the caller's signal. */
  async function attempt(request: AtlasRequest, first: boolean): Promise<Response> {
    const caller = request.signal;
    if (caller?.aborted) throw caller.reason;
    const limit = typeof request.timeout === "number" ? request.timeout : timeoutMs;
    const current = new Attempt(request, limit, maxResponseBytes, flight, scrub);
    if (limit > 0) {
      // The first attempt's time counts from the start of the call, waiting for credentials included.
      const remaining = first ? limit - (Date.now() - request.startedAt) : limit;
      if (remaining <= 0) {
        current.settle();
        throw current.timedOut();
      }
      current.timer = setTimeout(expire, remaining, current);
      // A body nobody reads must not keep the process alive until its timer fires.
      current.timer.unref();
    }
    let response: Response;
    try {
      response = await options.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.bodyText,
        signal: current.signal,
        redirect: "manual",
      });
    } catch (error) {
      current.settle();
      throw current.signal.aborted ? current.signal.reason : error;
    }
    current.response = response;
    const declared = response.headers.get("Content-Length");
    let problem: string | undefined;
    if (response.status >= 300 && response.status < 400) {
      problem = `Atlas does not redirect, so the client did not follow this redirect to ${target(response, request.url)}`;
    } else if (response.redirected) {
      problem = `the fetch followed a redirect to ${redactUrl(response.url)}; the answer was refused`;
    } else if (declared !== null && Number(declared) > maxResponseBytes) {
      await discard(response);
      current.settle();
      throw tooLarge(current, `${declared} bytes`);
    }
    if (problem !== undefined) {
      await discard(response);
      current.settle();
      throw current.fail(problem);
    }
    if (response.body === null || declared === "0") {
      current.settle();
      return response;
    }
    return bindBody(response, current, declared === null);
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
      // Most answers are final: a success, or an error status the retry policy leaves alone.
      if (response !== undefined && response.status < 400) return response;
      if (retry === false || !retryable(request.method, response?.status, error)) {
        if (response) return response;
        throw networkFailure(request, error, n + 1);
      }
      const elapsed = Date.now() - request.startedAt;
      const delayMs = retryDelay(retry, n, response, elapsed, Math.random());
      if (delayMs === undefined) {
        if (response) return response;
        throw networkFailure(request, error, n + 1);
      }
      if (response) await discard(response);
      onRetry?.({
        attempt: n + 1,
        delayMs,
        method: request.method,
        url: redactUrl(request.url),
        status: response?.status,
        error,
      });
      await sleep(delayMs, request.signal);
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
    if (flight.active > 0) await new Promise<void>((resolve) => (flight.drained = resolve));
  };
  return clientFetch;
}

/** Where a redirect pointed: the origin of its Location, for the error. */
function target(response: Response, requestUrl: string): string {
  const location = response.headers.get("Location");
  if (location === null) return "a missing Location";
  try {
    return new URL(location, requestUrl).origin;
  } catch {
    return "an invalid Location";
  }
}
