/**
 * The version middleware: Atlas selects the resource version from the `Accept` media type
 * (application/vnd.atlas.YYYY-MM-DD+json) and answers 406 without one. The version of each
 * operation comes from the generated table, never from a string in src/.
 */
import type { Middleware } from "openapi-fetch";
import { AtlasValidationError } from "./errors.js";
import { findOperation } from "./operations.js";
import { isAtlasRequest } from "./request.js";

export const apiVersionMiddleware: Middleware = {
  onRequest({ request, schemaPath }) {
    const op = findOperation(request.method, schemaPath);
    if (!op) {
      throw new AtlasValidationError(
        `atlas-invites: ${request.method} ${schemaPath} is not an operation of the spec; ` +
          "no request was sent",
      );
    }
    if (isAtlasRequest(request)) request.state.operationId = op.operationId;
    request.headers.set("Accept", op.accept);
    if (op.requestMediaType !== null && request.method !== "GET") {
      request.headers.set("Content-Type", op.requestMediaType);
    }
    return undefined;
  },
};
