/**
 * The client's fetch: what openapi-fetch calls to send a request (its `fetch` option), and what
 * authentication uses for its own requests to the token endpoint. Below every middleware, it
 * applies the rules that hold for every byte the client sends:
 * - only to the client's own origin, and never across a redirect (Atlas's API does not redirect;
 *   a 3xx is an error that names where it pointed);
 * - each attempt bounded by its timeout (the first one counted from the start of the call, a
 *   retry's from the start of its wait for credentials, so it covers that wait too) and by the
 *   caller's signal, and its body by the response size limit (see attempt.ts);
 * - retries of rate limits, transient errors and dropped connections by the retry policy;
 * - once the client is closed, no call that was not sent yet; a call already sent finishes.
 */
import { AtlasError } from "../errors.js";
import type { ClientConfig } from "../options.js";
import { oneLine, redactUrl, scrubError, type Scrub } from "../text.js";
import { Attempt, discard, type Lease } from "./attempt.js";
import { adopt, AtlasRequest, isAtlasRequest } from "./request.js";
import { causes, errorCode, retryDelay, sleep } from "./retry.js";

/**
 * What a call made after close(), or still waiting for credentials when it ran, rejects with. The
 * usual cause is a call whose promise was not awaited before close(), so the message says that.
 */
export const closedError = () =>
  new AtlasError(
    "atlas-invites: this client was closed before the call was sent (await each call before close())",
  );

/**
 * openapi-fetch takes a falsy error from its fetch for no error and reads the missing answer, so a
 * call aborted with a falsy reason (`controller.abort(null)`) would fail with a TypeError. The
 * client's fetch throws such a value inside one of these, and `track` takes it out again: the
 * caller gets what was thrown, as fetch would give it.
 */
class Thrown extends Error {
  constructor(readonly value: unknown) {
    super(`atlas-invites: the request failed with ${String(value)}`);
  }
}

const box = (error: unknown): never => {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- what the fetch threw, as it was
  throw error || new Thrown(error);
};

const unbox = (error: unknown): never => {
  throw error instanceof Thrown ? error.value : error;
};

/** A fetch with the standard (input, init) signature. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The checked client options the fetch applies, and what it needs from the rest of the client. */
export interface ClientFetchOptions extends Pick<
  ClientConfig,
  "baseUrl" | "fetch" | "timeoutMs" | "retry" | "onRetry" | "maxResponseBytes"
> {
  scrub: Scrub;
  /**
   * Renews a request's credentials before it is sent again (a Digest count must not repeat);
   * the retry's time counts from `since`.
   */
  beforeRetry: (request: AtlasRequest, since: number) => void | Promise<void>;
  /** Called with every answer to an API request, a retried one included. */
  onAnswer: (response: Response) => void;
  /**
   * The latest deadline of the calls waiting for credentials: a request of the session's own
   * (a token request, which they share) runs at least until then.
   */
  waiting: () => number;
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
   * The same fetch for the re-send after a 401: it belongs to a call already sent, so close()
   * lets it out whatever request object the middleware hand it.
   */
  again: (request: AtlasRequest | Request) => Promise<Response>;
  /**
   * Sends one of authentication's own requests (token, revocation) to `path` under the base URL,
   * by the same rules, and reads its body. `closing` lets a revocation out while the client
   * closes.
   */
  send(path: string, init: RequestInit, closing?: boolean): Promise<SentReply>;
  /**
   * Counts `call` as in progress until it settles: close() waits for it. Returns it, rejecting
   * with what the fetch threw when that was a falsy value, after calling `ended` either way.
   */
  track<T>(call: Promise<T>, ended: () => void): Promise<T>;
  /**
   * Refuses calls not sent yet, then waits for the calls in progress to end (bounded by their
   * timeouts and the retry policy); from then on it refuses the session's own requests too, but
   * the revocations of `closing`. An answer whose call has ended is not waited for: a body left
   * unread (a middleware threw on its answer) or handed out as a stream ends by its own timeout.
   */
  close(): Promise<void>;
}

export function createClientFetch(options: ClientFetchOptions): ClientFetch {
  const { baseUrl, timeoutMs, retry, onRetry, maxResponseBytes, scrub, beforeRetry } = options;
  const { onAnswer, waiting } = options;
  const origin = new URL(baseUrl).origin;
  const spare: Lease[] = [];
  /** The calls in progress, and close() waiting for them to end. */
  let active = 0;
  let drained: (() => void) | undefined;
  const release = () => {
    if (--active === 0) drained?.();
  };
  /** close() began: calls not sent yet are refused. */
  let closed = false;
  /** The calls in progress ended too: the session's own requests are refused, but revocations. */
  let shut = false;
  /**
   * Aborts the session's own requests in flight (not revocations) when close() finds no call left
   * to wait for them and no timeout bounds them (`timeout: 0`): nothing else would end one whose
   * server never answers, and it would keep close() pending and its socket the process alive.
   */
  const abandon = new AbortController();

  /**
   * `own` marks authentication's own requests, which carry no API credentials to renew;
   * `closing` a revocation that close() sends; `again` the re-send after a 401 of a call already
   * sent.
   */
  async function send(input: AtlasRequest | Request, own = false, closing = false, again = false) {
    const request = isAtlasRequest(input) ? input : await adopt(input);
    if (!request.url.startsWith(`${origin}/`)) {
      throw new AtlasError(
        `atlas-invites: refused to send ${request.method} ${redactUrl(request.url)}: the client sends requests to ${origin} only`,
      );
    }
    const caller = request.signal;
    const limit = typeof request.timeout === "number" ? request.timeout : timeoutMs;
    // The first attempt's time counts from the start of the call.
    let since = request.startedAt;
    for (let n = 0; ; n++) {
      // The one place that refuses work once the client is closed: a call not sent yet, and
      // once the calls in progress ended, the session's own requests. A retry goes on.
      if (!closing && (own ? shut : closed && n === 0 && !again)) {
        throw closedError();
      }
      if (caller?.aborted) throw caller.reason;
      let response: Response | undefined;
      let error: unknown;
      try {
        response = await new Attempt(request, limit, maxResponseBytes, spare, scrub).run(
          options.fetch,
          since,
          own ? waiting : undefined,
        );
        if (!own) onAnswer(response);
        // Most answers are final: a success, or an error status the retry policy leaves alone.
        if (response.status < 400) return response;
      } catch (err) {
        if (err instanceof AtlasError || err === caller?.reason) throw err;
        error = err;
      }
      const elapsed = Date.now() - request.startedAt;
      const delayMs = retry
        ? retryDelay(retry, n, request.method, own, response, error, elapsed, Math.random())
        : undefined;
      if (delayMs === undefined) {
        if (response) return response;
        const chain = causes(error);
        const root = chain[chain.length - 1];
        const code = errorCode(error);
        const text = oneLine(scrub(root instanceof Error ? root.message : String(root)));
        const tries = n > 0 ? ` after ${n + 1} attempts` : "";
        const suffix = code && !text.includes(code) ? ` (${code})` : "";
        throw new AtlasError(
          `atlas-invites: ${request.method} ${redactUrl(request.url)} failed${tries}: ${text}${suffix}`,
          { cause: scrubError(error, scrub) },
        );
      }
      if (response) await discard(response);
      const hook: unknown = onRetry?.({
        attempt: n + 1,
        delayMs,
        method: request.method,
        url: redactUrl(request.url),
        status: response?.status,
        error: scrubError(error, scrub),
      });
      // An async onRetry is waited for, so that its rejection ends the call as a throw does,
      // instead of going unhandled while the retry goes out; the caller's abort ends that wait
      // too, as it ends the retry wait.
      await sleep(delayMs, caller, hook);
      // A retry's time counts from here, so it covers the wait for credentials too.
      since = Date.now();
      if (!own) await beforeRetry(request, since);
    }
  }

  const clientFetch = ((request: AtlasRequest | Request) =>
    send(request).catch(box)) as ClientFetch;
  clientFetch.again = (request) => send(request, false, false, true).catch(box);
  clientFetch.send = async (path, init, closing) => {
    const request = new AtlasRequest(`${baseUrl}${path}`, {
      method: init.method ?? "GET",
      headers: init.headers ?? {},
      body: typeof init.body === "string" ? init.body : null,
      signal: closing ? null : abandon.signal,
    });
    const response = await send(request, true, closing);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  clientFetch.track = (call, ended) => {
    active++;
    // One reaction for both outcomes: a call costs as few promises as it can.
    return call.then(
      (value) => {
        release();
        ended();
        return value;
      },
      (error: unknown) => {
        release();
        ended();
        return unbox(error);
      },
    );
  };
  clientFetch.close = async () => {
    closed = true;
    if (active > 0) await new Promise<void>((resolve) => (drained = resolve));
    shut = true;
    if (!timeoutMs) abandon.abort(closedError());
  };
  return clientFetch;
}
