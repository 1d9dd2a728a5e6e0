/**
 * What the client adds around the calls of its openapi-fetch client, for methods and path-based
 * calls alike:
 * - every call counts as in progress until it settles, so that close() waits for the calls
 *   already sent, their re-send after a 401 included;
 * - every call gets params of its own, by which authentication knows the call, and
 *   authentication hears when it ended: a middleware added later can end it before its answer
 *   comes back through authentication;
 * - call options that would take a call past the client's fetch are refused before anything
 *   runs;
 * - middleware of the user's, added with `use()` or given to one call, is read so that a standard
 *   `Request` it hands on keeps what belongs to the call, and its hooks run with it as `this`.
 */
import type { Client, Middleware } from "openapi-fetch";
import type { paths } from "../generated/atlas.js";
import { AtlasValidationError } from "./errors.js";
import { adopt, isAtlasRequest } from "./http/request.js";

/** openapi-fetch's ways of making a call. */
const CALLS = [
  "GET",
  "PUT",
  "POST",
  "DELETE",
  "OPTIONS",
  "HEAD",
  "PATCH",
  "TRACE",
  "request",
] as const;

export interface CallOptions {
  /** The client's origin: a call's own `baseUrl` must stay on it. */
  origin: string;
  /** Counts a call as in progress until it settles, then calls `ended` (the fetch's `track`). */
  track: <T>(call: Promise<T>, ended: () => void) => Promise<T>;
  /** Tells authentication that the call with these params ended. */
  ended: (params: object) => void;
}

export interface Calls {
  /** openapi-fetch's `request` as it was, for the re-send after a 401, which is already counted. */
  sendAgain: Client<paths>["request"];
  /** The middleware a call was given of its own (read as those of `use()`), by its params. */
  ownMiddleware: (params: object) => Middleware[] | undefined;
  /** The headers a call was given of its own (openapi-fetch's `headers` option), by its params. */
  ownHeaders: (params: object) => unknown;
  /** A copy of a call's params for its re-send after a 401, which belongs to the same call. */
  paramsAgain: (params: object) => object;
}

/**
 * Wraps the calls, `use()` and `eject()` of `client`. Middleware registered before this runs as
 * it is (the client's own); middleware added after goes through `use()`.
 */
export function wrapCalls(client: Client<paths>, options: CallOptions): Calls {
  const { origin, track, ended } = options;
  const perCall = new WeakMap<object, Middleware[]>();
  const headers = new WeakMap<object, unknown>();
  /** What to run when the call with these params ends (see `adopt`), made when first needed. */
  const unlinks = new WeakMap<object, (() => void)[]>();
  const atEndOf = (params: object) => {
    let atEnd = unlinks.get(params);
    if (!atEnd) unlinks.set(params, (atEnd = []));
    return atEnd;
  };
  const sendAgain = client.request;
  for (const name of CALLS) {
    const call = client[name] as (a: unknown, b: unknown, c?: unknown) => Promise<unknown>;
    const three = name === "request";
    // `request(method, path, init)`; the others `(path, init)`.
    (client as unknown as Record<string, unknown>)[name] = (a: unknown, b: unknown, c: unknown) => {
      const init: {
        params?: object;
        fetch?: unknown;
        Request?: unknown;
        middleware?: Middleware[];
        baseUrl?: string;
        headers?: unknown;
      } = {
        ...((three ? c : b) as object | undefined),
      };
      // openapi-fetch would send through a per-call `fetch` in place of the client's, past its
      // origin check, timeouts and retries, with the call's credentials on the request; a
      // per-call `Request` class would drop the call's body text and timeout. A `baseUrl` on
      // another origin, which the client's fetch refuses, is refused before credentials are
      // fetched for it (openapi-fetch puts the path right after it).
      const option =
        init.fetch !== undefined
          ? "fetch"
          : init.Request !== undefined
            ? "Request"
            : init.baseUrl && !`${init.baseUrl}/`.startsWith(`${origin}/`) && "baseUrl";
      if (option) {
        const message = `${option}: ${option === "baseUrl" ? `must be on ${origin}` : "not taken by atlas.client; a transport goes to createAtlasInvites({ fetch })"}`;
        return Promise.reject(
          new AtlasValidationError(`atlas-invites: ${message}; nothing was sent`, [
            { path: option, rule: option === "baseUrl" ? "pattern" : "unknownParameter", message },
          ]),
        );
      }
      const params = (init.params = { ...init.params });
      if (Array.isArray(init.middleware))
        perCall.set(params, (init.middleware = init.middleware.map(keepCall)));
      if (init.headers !== undefined) headers.set(params, init.headers);
      return track(three ? call(a, b, init) : call(a, init), () => {
        ended(params);
        const atEnd = unlinks.get(params);
        if (atEnd) for (const unlink of atEnd) unlink();
      });
    };
  }

  // A middleware written for plain openapi-fetch may hand on a standard Request of its own. Read
  // at once into the client's request, it keeps what belongs to the call (its timeout, start
  // time, operation and the caller's signal) for every middleware after it and for the fetch.
  const use = client.use.bind(client);
  const eject = client.eject.bind(client);
  const keeping = new WeakMap<Middleware, Middleware>();
  function keepCall(middleware: Middleware): Middleware {
    const onRequest = middleware?.onRequest;
    if (typeof onRequest !== "function") return middleware;
    let kept = keeping.get(middleware);
    if (!kept) {
      // Each hook is called on the middleware itself, so that what a hook keeps on `this` (a
      // class's fields) is there for its other hooks and for its owner.
      const { onResponse, onError } = middleware;
      const hooks: Middleware = {
        async onRequest(params) {
          const result = await onRequest.call(middleware, params);
          const call = params.request;
          if (!(result instanceof Request) || !isAtlasRequest(call)) return result;
          // openapi-fetch takes it: the client's Request class counts its own requests in.
          return (await adopt(result, call, atEndOf(params.params))) as unknown as Request;
        },
      };
      // Set only when present: under exactOptionalPropertyTypes a hook may be absent, not undefined.
      if (onResponse) hooks.onResponse = onResponse.bind(middleware);
      if (onError) hooks.onError = onError.bind(middleware);
      keeping.set(middleware, (kept = hooks));
    }
    return kept;
  }
  client.use = (...middleware) => use(...middleware.map(keepCall));
  client.eject = (...middleware) => eject(...middleware.map((m) => keeping.get(m) ?? m));

  return {
    sendAgain,
    ownMiddleware: (params) => perCall.get(params),
    ownHeaders: (params) => headers.get(params),
    paramsAgain(params) {
      const copy = { ...params };
      unlinks.set(copy, atEndOf(params));
      return copy;
    },
  };
}
