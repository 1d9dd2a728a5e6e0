/**
 * The version middleware: Atlas selects the resource version from the `Accept` media type
 * (application/vnd.atlas.YYYY-MM-DD+json) and answers 406 without one. Each operation's version
 * comes from the generated table, which picks it from the spec; no version is written in src/.
 */
import type { Middleware } from "openapi-fetch";
import { AtlasValidationError } from "../errors.js";
import { isAtlasRequest } from "../http/request.js";
import { findOperation } from "../operations.js";

export const apiVersionMiddleware: Middleware = {
  onRequest({ request, schemaPath }) {
    const op = findOperation(request.method, schemaPath);
    if (!op) {
      throw new AtlasValidationError(
        `atlas-invites: ${request.method} ${schemaPath} is not an operation of the spec; nothing was sent`,
      );
    }
    if (isAtlasRequest(request)) request.operation = op;
    request.headers.set("Accept", op.mediaType);
    if (op.body !== null) request.headers.set("Content-Type", op.mediaType);
    return undefined;
  },
};
