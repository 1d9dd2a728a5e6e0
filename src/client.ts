/**
 * createAtlasInvites: an openapi-fetch client with the client's middleware and fetch, and a typed
 * method per operation over it.
 */
import createClient, { type Client, type MiddlewareCallbackParams } from "openapi-fetch";
import { inspect } from "node:util";
import type { paths } from "../generated/atlas.js";
import { createAuth, markResent } from "./auth/middleware.js";
import { wrapCalls } from "./calls.js";
import { AtlasValidationError } from "./errors.js";
import { createClientFetch } from "./http/fetch.js";
import { AtlasRequest, isAtlasRequest, sourceOf } from "./http/request.js";
import { serializeBody, serializePath, serializeQuery, SerializedText } from "./http/serialize.js";
import { createMethods, type Methods } from "./methods.js";
import { deprecationMiddleware } from "./middleware/deprecation.js";
import { headersMiddleware, rateLimitOf, type RateLimit } from "./middleware/headers.js";
import { validationMiddleware } from "./middleware/validation.js";
import { resolveOptions, type AtlasInvitesOptions } from "./options.js";
import { scrubberFor } from "./text.js";
import type { ClientPaths } from "./types.js";

/**
 * What createAtlasInvites returns: one method per operation, `paginate`, the underlying
 * openapi-fetch `client`, the last `rateLimit` seen, and `close()`.
 */
export interface AtlasInvites extends Methods {
  /**
   * The openapi-fetch client every method goes through. Middleware added with
   * `atlas.client.use()` applies to every call, and path-based calls get the same middleware.
   * A path-based call also takes a per-call `timeout` in ms, checked when the call is made (its
   * type is openapi-fetch's `unknown` for extra options). Its answers are typed in the version the
   * client asks for (`ClientPaths`), and unwrapped: with `envelope: true` in its query, `data` is
   * `{ status, content }` all the same (the methods type that answer). openapi-fetch does not
   * check `body` for unknown fields at compile time; the client refuses them before sending.
   */
  readonly client: Client<ClientPaths>;
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
   * issues for it is revoked too; with `timeout: 0` such a request, that no call waits for any
   * more, is abandoned instead, and a token it might bring stays valid until it expires. A call
   * has ended when its promise settles: an answer handed out unread (a path-based call with
   * `parseAs: "stream"`) is not waited for. Rejects with an AtlasAuthError when a revocation
   * fails; the client is closed all the same.
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
 * const { results } = await atlas.listOrgUsers({
 *   orgId: "4888442a3354817a7320eb61",
 *   orgMembershipStatuses: ["PENDING"],
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
  // A strategy written in JavaScript may return no session; say so now, not at the first call.
  if (typeof session?.authorize !== "function") {
    const message = "auth: its start() must return a session with an authorize(request) function";
    throw new AtlasValidationError(`atlas-invites: options.${message}`, [
      { path: "auth", rule: "type", message },
    ]);
  }
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
  /**
   * The second try after a 401: the same call once more, through every middleware, its own
   * included, to the same URL (the call's base URL and serializers). It starts from the request
   * the call began with, as the first try did: what the middleware changed of that one (a header
   * appended, a body rewritten) they change again, once.
   */
  async function resend(
    request: Request,
    schemaPath: string,
    params: MiddlewareCallbackParams["params"],
    options: MiddlewareCallbackParams["options"],
  ): Promise<Response> {
    const first = sourceOf(request);
    const own = isAtlasRequest(first) ? first : undefined;
    const text = own ? own.bodyText : first.body === null ? null : await first.clone().text();
    // Not through the call wrapper (calls.ts): these params are marked as the re-send's, and the
    // call they belong to is already counted as in progress.
    const { response } = await sendAgain(
      first.method.toLowerCase() as "get",
      schemaPath as never,
      {
        // The call's own base URL and serializers, so that it goes to the same URL; its body is
        // the text the call began with, which the client's serializer passes on as it is.
        ...options,
        bodySerializer: serializeBody,
        params: markResent(paramsAgain(params) as typeof params),
        body: text === null ? undefined : new SerializedText(text),
        headers: ownHeaders(params),
        signal: first.signal,
        ...(own && { timeout: own.timeout }),
        middleware: ownMiddleware(params),
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
    validationMiddleware(scrub),
    ...deprecation,
    auth.middleware,
  );

  // Calls are wrapped once the client's own middleware is in place: middleware added from here on
  // is the user's.
  const { sendAgain, ownMiddleware, ownHeaders, paramsAgain } = wrapCalls(client, {
    origin,
    track: (call, ended) => fetch.track(call, ended),
    ended: (params) => auth.ended(params),
  });

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
