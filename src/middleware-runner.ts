/**
 * Runs openapi-fetch middleware around one request, with the same contract as openapi-fetch
 * itself: onRequest in registration order (a returned Request replaces the request, a returned
 * Response answers it), then fetch, then onError or onResponse in reverse order.
 *
 * The generated methods use this instead of openapi-fetch's request builder: they already know
 * the operation, have validated the input and can build the URL from a pre-split template, so
 * they skip the work openapi-fetch repeats per call (header merging, URL templating, option
 * freezing). `atlas.client` still goes through openapi-fetch, with the very same middleware.
 */
import type { Middleware, MiddlewareCallbackParams } from "openapi-fetch";
import type { AtlasRequest } from "./request.js";

type Options = MiddlewareCallbackParams["options"];
type Params = MiddlewareCallbackParams["params"];

let nextId = 0;

export async function runMiddleware(
  middleware: readonly Middleware[],
  request: AtlasRequest,
  schemaPath: string,
  params: Params,
  options: Options,
): Promise<Response> {
  const id = (++nextId).toString(36);
  let req = request as unknown as Request;
  let response: Response | undefined;
  for (const m of middleware) {
    if (!m.onRequest) continue;
    // Most middleware answer synchronously; awaiting only real promises saves a microtask each.
    let result = m.onRequest({ request: req, schemaPath, params, options, id });
    if (result instanceof Promise) result = await result;
    if (result instanceof Response) {
      response = result;
      break;
    }
    if (result) req = result;
  }
  if (response) return response;
  try {
    response = await options.fetch(req);
  } catch (error) {
    let failure: unknown = error;
    for (let i = middleware.length - 1; i >= 0; i--) {
      const onError = middleware[i]!.onError;
      if (!onError) continue;
      const result = await onError({
        request: req,
        error: failure,
        schemaPath,
        params,
        options,
        id,
      });
      if (result instanceof Response) return result;
      if (result instanceof Error) failure = result;
    }
    throw failure;
  }
  for (let i = middleware.length - 1; i >= 0; i--) {
    const onResponse = middleware[i]!.onResponse;
    if (!onResponse) continue;
    let result = onResponse({ request: req, response, schemaPath, params, options, id });
    if (result instanceof Promise) result = await result;
    if (result) response = result;
  }
  return response;
}
