/**
 * Runs the auth strategy around each request. After a 401 the strategy may refresh its
 * credentials; the request is then re-sent exactly once (its body is kept as text, so the bytes
 * are identical). A second 401 goes to the caller: no loops.
 */
import type { Middleware } from "openapi-fetch";
import type { AuthStrategy } from "./auth/strategy.js";
import { AtlasError } from "./errors.js";
import { isAtlasRequest, type AtlasRequest } from "./request.js";

export function authMiddleware(strategy: AuthStrategy, isClosed: () => boolean): Middleware {
  return {
    // Not async: strategies that answer synchronously (a fixed token, a cached Digest nonce)
    // then cost no extra promise per request.
    onRequest({ request }) {
      if (isClosed())
        return Promise.reject(new AtlasError("atlas-invites: this client was closed"));
      if (!isAtlasRequest(request)) {
        return Promise.reject(
          new AtlasError("atlas-invites: a middleware replaced the request with a foreign one"),
        );
      }
      request.state.authorized = true;
      const pending = strategy.authorize(request);
      return pending ? pending.then(() => undefined) : undefined;
    },
    onError({ request }) {
      if (isAtlasRequest(request)) strategy.onError?.(request);
      return undefined;
    },
    onResponse({ request, response, options }) {
      if (!isAtlasRequest(request)) return undefined;
      strategy.onResponse?.(request, response);
      if (response.status !== 401 || request.state.authRetried || !strategy.onUnauthorized) {
        return undefined;
      }
      return resend(request, response, options.fetch);
    },
  };

  async function resend(
    request: AtlasRequest,
    response: Response,
    send: (request: Request) => Promise<Response>,
  ): Promise<Response | undefined> {
    if (!(await strategy.onUnauthorized!(request, response))) return undefined;
    // Free the first answer's timer and connection before sending again.
    request.state.transport?.release?.();
    await response.body?.cancel().catch(() => undefined);
    const again = request.clone();
    again.state.authRetried = true;
    await strategy.authorize(again);
    const second = await send(again as unknown as Request);
    strategy.onResponse?.(again, second);
    return second;
  }
}
