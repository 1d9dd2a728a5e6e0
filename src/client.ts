/**
 * createAtlasInvites: an openapi-fetch client with the client's middleware and fetch, and a typed
 * method per operation over it.
 */
import createClient, {
  type Client,
  type Middleware,
  type MiddlewareCallbackParams,
} from "openapi-fetch";
import { inspect } from "node:util";
import type { paths } from "../generated/atlas.js";
import { createAuth, markResent } from "./auth/middleware.js";
import { AtlasValidationError } from "./errors.js";
import { createClientFetch } from "./http/fetch.js";
import { adopt, AtlasRequest, isAtlasRequest } from "./http/request.js";
import { serializeBody, serializePath, serializeQuery, SerializedText } from "./http/serialize.js";
import { createMethods, type Methods } from "./methods.js";
import { deprecationMiddleware } from "./middleware/deprecation.js";
import { headersMiddleware, rateLimitOf, type RateLimit } from "./middleware/headers.js";
import { validationMiddleware } from "./middleware/validation.js";
import { resolveOptions, type AtlasInvitesOptions } from "./options.js";
import { scrubberFor } from "./text.js";

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

export interface AtlasInvites extends Methods {
  /**
   * The openapi-fetch client every method goes through. Middleware added with
   * `atlas.client.use()` applies to every call, and path-based calls get the same middleware.
   */
  readonly client: Client<paths>;
  /**
   * RateLimit-Limit and RateLimit-Remaining of the last API answer that carried them, an answer
   * that was retried included.
   */
  readonly rateLimit: RateLimit | undefined;
  /**
   * Closes the client: calls already sent finish, with their re-send after a 401 and their retries
   * (bounded by their timeouts and the retry policy); calls not sent yet, those still waiting for
   * credentials among them, and every later call fail as closed. Once the calls sent have ended,
   * the auth session lets go of what it holds: a service account revokes its tokens, after
   * waiting (within its timeout) for a token request already on its way, so that the token Atlas
   * issues for it is revoked too. Rejects with an AtlasAuthError when a revocation fails; the
   * client is closed all the same.
   */
  close(): Promise<void>;
}

/**
 * Creates a client for the Atlas invitation operations and the Cloud Users API operations that
 * succeed them.
 *
 * @example
 * import { createAtlasInvites, serviceAccount } from "atlas-invites";
 *
 * const atlas = createAtlasInvites({
 *   auth: serviceAccount({
 *     clientId: "mdb_sa_id_1234",
 *     clientSecret: process.env.MONGODB_ATLAS_CLIENT_SECRET ?? "",
 *   }),
 * });
 * const invite = await atlas.getOrgInvite({
 *   orgId: "4888442a3354817a7320eb61",
 *   invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e",
 * });
 */
export function createAtlasInvites(options: AtlasInvitesOptions): AtlasInvites {
  const config = resolveOptions(options);
  const { baseUrl } = config;
  const { origin } = new URL(baseUrl);
  // The pieces refer to each other (the session sends through the fetch, the fetch asks auth to
  // renew credentials before a retry, auth re-sends through the client after a 401); each refers
  // to the next through a function that runs only once a call is made.
  const session = config.auth.start({
    baseUrl,
    userAgent: config.userAgent,
    send: (path, init, closing) => fetch.send(path, init, closing),
  });
  let closing: Promise<void> | undefined;
  const auth = createAuth(session, {
    timeoutMs: config.timeoutMs,
    closed: () => closing !== undefined,
    resend: (request, schemaPath, params, options) => resend(request, schemaPath, params, options),
  });
  const scrub = scrubberFor(() => auth.secrets());
  let rateLimit: RateLimit | undefined;
  const fetch = createClientFetch({
    ...config,
    scrub,
    beforeRetry: (request, since) => auth.reauthorize(request, since),
    onAnswer: (response) => (rateLimit = rateLimitOf(response.headers) ?? rateLimit),
    waiting: () => auth.waiting(),
  });
  const client = createClient<paths>({
    baseUrl,
    fetch,
    Request: AtlasRequest as unknown as typeof Request,
    bodySerializer: serializeBody,
    querySerializer: serializeQuery,
    pathSerializer: serializePath,
  });
  // Every call, of a method or on `atlas.client`, counts as in progress until it settles, so that
  // close() waits for the calls already sent, their re-send after a 401 included. Each call gets
  // params of its own, by which authentication knows the call, and authentication hears when it
  // ended: a middleware added later can end it before its answer comes back through them.
  const sendAgain = client.request;
  /**
   * The middleware a call was given of its own (read as those of `use()`), by its params, for
   * its re-send after a 401.
   */
  const perCall = new WeakMap<object, Middleware[]>();
  for (const name of CALLS) {
    const call = client[name] as (...args: unknown[]) => Promise<unknown>;
    const at = name === "request" ? 2 : 1;
    (client as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const init: {
        params?: object;
        fetch?: unknown;
        Request?: unknown;
        middleware?: Middleware[];
        baseUrl?: string;
      } = {
        ...(args[at] as object | undefined),
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
      args[at] = init;
      return fetch.track(call(...args).finally(() => auth.ended(params)));
    };
  }

  /**
   * The second try after a 401: the same call once more, through every middleware, its own
   * included, to the same URL (the call's base URL and serializers).
   */
  async function resend(
    request: Request,
    schemaPath: string,
    params: MiddlewareCallbackParams["params"],
    options: MiddlewareCallbackParams["options"],
  ): Promise<Response> {
    const own = isAtlasRequest(request) ? request : undefined;
    const text = own ? own.bodyText : request.body === null ? null : await request.clone().text();
    // Not through the wrapper above: these params are marked as the re-send's, and the call they
    // belong to is already counted as in progress.
    const { response } = await sendAgain(
      request.method.toLowerCase() as "get",
      schemaPath as never,
      {
        // The call's own base URL and serializers, so that it goes to the same URL; its body is
        // the text already sent, which the client's serializer passes on as it is.
        ...options,
        bodySerializer: serializeBody,
        params: markResent({ ...params }),
        body: text === null ? undefined : new SerializedText(text),
        headers: request.headers,
        signal: request.signal,
        ...(own && { timeout: own.timeout }),
        middleware: perCall.get(params),
        // Sent through the fetch for a call already sent, so that close() lets it out even when
        // a middleware hands the fetch a request of its own.
        fetch: fetch.again,
        parseAs: "stream",
      } as never,
    );
    return response;
  }

  // The order matters. onRequest runs top to bottom: find the operation and set the headers it
  // sends (version, User-Agent), check the input, report deprecation, then authenticate last, so
  // that the credentials sign the final request. onResponse runs bottom to top: authentication
  // handles a 401 first, so deprecation headers are read from the answer the caller gets (the
  // client's fetch reads rate limits, from every answer). Middleware added later with
  // `atlas.client.use()` runs after all of these on the way out and before them on the way back.
  // With `onDeprecation: false` there is nothing to report, and no middleware for it.
  const deprecation =
    config.onDeprecation === false ? [] : [deprecationMiddleware(config.onDeprecation, scrub)];
  client.use(
    headersMiddleware(config.userAgent),
    validationMiddleware,
    ...deprecation,
    auth.middleware,
  );

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
          return (await adopt(result, call)) as unknown as Request;
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

  const describe = () => ({ baseUrl, auth: config.auth.label, closed: closing !== undefined });
  const atlas: AtlasInvites & { [inspect.custom](): string; toJSON(): object } = {
    ...createMethods(client, baseUrl, scrub),
    client,
    get rateLimit() {
      return rateLimit;
    },
    close() {
      if (!closing) {
        closing = fetch.close().then(() => session.close?.());
        auth.close();
      }
      return closing;
    },
    [inspect.custom]: () => `AtlasInvites ${inspect(describe())}`,
    toJSON: describe,
  };
  return atlas;
}
