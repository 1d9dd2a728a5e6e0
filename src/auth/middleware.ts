/**
 * Runs the auth session around each request. It adds credentials (bounded by the call's signal
 * and timeout while the session waits for a token or a challenge), and handles a 401:
 * - a 401 with an errorCode (also inside an envelope) is about something else than the
 *   credentials, which stay valid: `USER_UNAUTHORIZED` means they lack the role (observed:
 *   github.com/mongodb/terraform-provider-mongodbatlas/pull/664),
 *   `API_KEY_ACCESS_LIST_ACCESS_DENIED` that they may not read an access list (observed:
 *   github.com/mongodb/terraform-provider-mongodbatlas/issues/3657); the answer goes to the
 *   caller at once and the credentials are kept;
 * - a 401 without one means the credentials failed (observed:
 *   github.com/mongodb/terraform-provider-mongodbatlas/issues/1327). When the session renews them,
 *   the request is sent once more, through the whole middleware chain again; a second 401 goes to
 *   the caller. This re-authentication is not a retry and does not count against `maxRetries`.
 */
import type { Middleware, MiddlewareCallbackParams } from "openapi-fetch";
import { AtlasTimeoutError, envelopeContent } from "../errors.js";
import { listen, unlisten } from "../http/abort.js";
import { closedError } from "../http/fetch.js";
import { isAtlasRequest, sourceOf, type AtlasRequest } from "../http/request.js";
import { redactUrl } from "../text.js";
import type { AuthSession, SignableRequest } from "./strategy.js";

type Params = MiddlewareCallbackParams["params"];
type CallOptions = MiddlewareCallbackParams["options"];

/** A request as the client builds it: with its call's signal, timeout and start time. */
type CallRequest = SignableRequest &
  Partial<Pick<AtlasRequest, "signal" | "timeout" | "startedAt">>;

export interface AuthMiddlewareOptions {
  /** The client's per-attempt timeout, which also bounds the wait for credentials. */
  timeoutMs: number;
  /** True once close() began: no call that was not sent yet waits for credentials from then on. */
  closed: () => boolean;
  /**
   * Sends the request of a call again, through every middleware, with the call's own options
   * (base URL, serializers), and returns its answer.
   */
  resend: (
    request: Request,
    schemaPath: string,
    params: Params,
    options: CallOptions,
  ) => Promise<Response>;
}

export interface Auth {
  /** The middleware that authenticates every request and handles its 401. */
  middleware: Middleware;
  /**
   * Renews credentials before the client's fetch sends an API request again (a retry); the wait
   * counts against that attempt's timeout, from `since`.
   */
  reauthorize(request: SignableRequest, since: number): void | Promise<void>;
  /** The secrets to take out of server text: the session's own, or the tokens it sent. */
  secrets(): Iterable<string>;
  /** The latest deadline among the calls waiting for credentials, or -Infinity when none waits. */
  waiting(): number;
  /** Fails as closed every call still waiting for credentials for its first attempt. */
  close(): void;
  /**
   * Says that the call with these params ended. If its answer never came back through this
   * middleware (a middleware added later threw, or answered in the client's place), the session
   * hears of it as of a request that got no answer, so that nothing waits for that answer.
   */
  ended(params: object): void;
}

/** How close to a call's deadline a failed wait for credentials counts as the call timing out. */
const DEADLINE_SLACK_MS = 10;

/** Params objects of requests that are already the second try after a 401. */
const resent = new WeakSet<object>();

/** Marks `params` as belonging to the one extra try after a 401. */
export function markResent(params: Params): Params {
  resent.add(params);
  return params;
}

export function createAuth(session: AuthSession, options: AuthMiddlewareOptions): Auth {
  /** Bearer tokens sent by a session that does not name its secrets, newest last. */
  const seen: string[] = [];
  /** The calls waiting for credentials: what close() does to each, and each one's deadline. */
  const waiting = new Map<() => void, number>();
  /**
   * The request the session authorized, by its call's params (each call has its own), until the
   * session heard how it went. A middleware added later may hand on a request of its own; the
   * session keeps its bookkeeping (a Digest challenge answered) on the one it authorized.
   */
  const calls = new WeakMap<object, SignableRequest>();
  /**
   * Records on a request authorized here the Authorization header it carried when the session was
   * done with it (null for none): a retry that finds another one there was given it by a
   * middleware. A field of the request rather than a WeakMap entry, since it runs on every call.
   */
  const sign = (request: SignableRequest): undefined => {
    if (isAtlasRequest(request)) request.signedAuthorization = request.headers.get("Authorization");
    return undefined;
  };
  const take = (params: object, request: SignableRequest) => {
    const authorized = calls.get(params) ?? request;
    calls.delete(params);
    return authorized;
  };

  /**
   * Waits for `pending`, but no longer than the call's signal and its attempt's time allow: that
   * time counts from `since`, the start of the call for its first attempt and the start of the
   * wait for a retry or for a renewal after a 401. `sent` marks a call already sent (a retry, a
   * re-send after a 401), which close() lets finish. Resolves with what `pending` resolved with.
   */
  function bounded<T>(pending: Promise<T>, request: CallRequest, since: number, sent: boolean) {
    const { signal, timeout } = request;
    const limit = typeof timeout === "number" ? timeout : options.timeoutMs;
    const deadline = limit > 0 ? since + limit : Infinity;
    return new Promise<T>((resolve, reject) => {
      // Rejects with whatever the session's wait failed with, as it is.
      const passOn: (reason: unknown) => void = reject;
      /** Settles once, leaving no timer, no listener on the caller's signal, no entry in `waiting`. */
      const end = (settle: () => void) => {
        clearTimeout(timer);
        if (signal) unlisten(signal, onAbort);
        waiting.delete(shut);
        settle();
      };
      const onAbort = { handleEvent: () => end(() => reject(signal!.reason as Error)) };
      const shut = () => sent || end(() => reject(closedError()));
      const timer =
        deadline < Infinity
          ? setTimeout(() => {
              const { method, url } = request;
              const error = new AtlasTimeoutError(
                method,
                redactUrl(url),
                limit,
                "waiting for credentials",
              );
              end(() => reject(error));
            }, deadline - Date.now())
          : undefined;
      if (signal) listen(signal, onAbort);
      waiting.set(shut, deadline);
      // A token request runs at least until the latest deadline of the calls waiting for it, so
      // it may run out together with a call's own timer. A failure that close to the call's
      // deadline is left to the call's timer, so that the call always ends as its own timeout.
      pending.then(
        (value) => end(() => resolve(value)),
        (error: unknown) => {
          if (deadline - Date.now() > DEADLINE_SLACK_MS) end(() => passOn(error));
        },
      );
    });
  }

  /** Keeps the bearer token a session without `secrets()` sent, to scrub it from server text. */
  function remember(request: SignableRequest): undefined {
    // A session may write the scheme in any letter case and put more than one space before the
    // token (RFC 9110, section 11.1; RFC 6750, section 2.1).
    const token = /^bearer +(.+)$/i.exec(request.headers.get("Authorization") ?? "")?.[1];
    if (token && !seen.includes(token)) {
      seen.push(token);
      if (seen.length > 8) seen.shift();
    }
    return undefined;
  }

  function authorize(request: CallRequest, since = request.startedAt ?? Date.now(), sent = false) {
    // Checked before the session runs, so that no strategy fetches credentials for a call that
    // cannot be sent, nor ends it with an error of its own (a token request refused as closed).
    if (options.closed() && !sent) throw closedError();
    if (request.signal?.aborted) throw request.signal.reason;
    const pending = session.authorize(request);
    if (session.secrets) return pending && bounded(pending, request, since, sent);
    return pending
      ? bounded(pending, request, since, sent).then(() => remember(request))
      : remember(request);
  }

  async function unauthorized(
    authorized: SignableRequest,
    request: Request,
    response: Response,
    schemaPath: string,
    params: Params,
    callOptions: CallOptions,
  ): Promise<Response | undefined> {
    // The body reader keeps what it read, so the caller still gets this body. With
    // `envelope: true` the error sits in the envelope's `content`. The code alone decides: a
    // body that holds nothing else still means valid credentials. A read that fails (the call
    // timed out or was aborted meanwhile, the answer broke off) tells nothing of the
    // credentials: it ends the call as it ends any other, and nothing is renewed.
    const text = await response.text();
    let errorCode: unknown;
    try {
      const error = envelopeContent(JSON.parse(text)) as {
        errorCode?: unknown;
      } | null;
      errorCode = error?.errorCode;
    } catch {
      errorCode = undefined;
    }
    if (typeof errorCode === "string") return undefined;
    // A renewal that waits (a strategy of the user's own) is bounded like any wait for
    // credentials: by the call's signal and its attempt's time, counted from here.
    const renew = Promise.resolve(session.onUnauthorized!(authorized, response));
    if (!(await bounded(renew, request, Date.now(), true))) return undefined;
    return options.resend(request, schemaPath, params, callOptions);
  }

  return {
    middleware: {
      onRequest({ request, params }) {
        calls.set(params, request);
        // The re-send after a 401 belongs to a call already sent, which close() lets finish.
        const pending = authorize(request, undefined, resent.has(params));
        return pending ? pending.then(() => sign(request)) : sign(request);
      },
      onError({ request, params }) {
        session.onError?.(take(params, request));
        return undefined;
      },
      onResponse({ request, response, schemaPath, params, options: callOptions }) {
        const authorized = take(params, request);
        session.onResponse?.(authorized, response);
        if (response.status !== 401 || resent.has(params) || !session.onUnauthorized) {
          return undefined;
        }
        return unauthorized(authorized, request, response, schemaPath, params, callOptions);
      },
    },
    ended(params) {
      const authorized = calls.get(params);
      if (authorized) session.onError?.(take(params, authorized));
    },
    reauthorize(request, since) {
      // A middleware after authentication may have handed on a request of its own: that one is
      // sent. The session renews the credentials of the request it authorized, on which it keeps
      // what it knows of the call (the Digest challenge it fetches, the token sent), and the
      // request sent carries them.
      // A middleware that set or removed the Authorization header chose what its call sends
      // (README, Middleware): the retry goes out with that, unrenewed.
      const authorized = sourceOf(request);
      const sent = request.headers.get("Authorization");
      const signed = isAtlasRequest(authorized) ? authorized.signedAuthorization : undefined;
      if (signed !== undefined && sent !== signed) return undefined;
      const pending = authorize(authorized, since, true);
      const carry = () => {
        const value = authorized.headers.get("Authorization");
        sign(authorized);
        if (authorized === request) return;
        if (value === null) request.headers.delete("Authorization");
        else request.headers.set("Authorization", value);
      };
      return pending ? pending.then(carry) : carry();
    },
    secrets: () => session.secrets?.() ?? seen,
    waiting() {
      let latest = -Infinity;
      for (const deadline of waiting.values()) if (deadline > latest) latest = deadline;
      return latest;
    },
    close() {
      for (const shut of waiting.keys()) shut();
    },
  };
}
