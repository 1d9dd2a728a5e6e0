/**
 * The pieces of the client that the no-network metric assembles one by one to show what each
 * costs: the Request class and serializers the client gives openapi-fetch, and each middleware.
 * Bundled with the public entry points (see runtime.ts), so these are the very instances the
 * client uses.
 */
export { createAuth } from "../../src/auth/middleware.js";
export { AtlasRequest } from "../../src/http/request.js";
export { serializeBody, serializePath, serializeQuery } from "../../src/http/serialize.js";
export { deprecationMiddleware } from "../../src/middleware/deprecation.js";
export { buildUserAgent, headersMiddleware } from "../../src/middleware/headers.js";
export { validationMiddleware } from "../../src/middleware/validation.js";
