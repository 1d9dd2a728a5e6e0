import type { Middleware as FetchMiddleware } from "openapi-fetch";
import type { components as SpecComponents, paths as SpecPaths } from "../generated/atlas.js";

export { createAtlasInvites } from "./client.js";
export type { AtlasInvites } from "./client.js";
export { DEFAULT_BASE_URL } from "./options.js";
export type { AtlasInvitesOptions } from "./options.js";
export { serviceAccount } from "./auth/service-account.js";
export type { ServiceAccountOptions } from "./auth/service-account.js";
export { apiKey } from "./auth/digest.js";
export type { ApiKeyOptions } from "./auth/digest.js";
export { accessToken } from "./auth/access-token.js";
export type { AccessTokenOptions } from "./auth/access-token.js";
export { fromEnv } from "./auth/env.js";
export type { EnvLike } from "./auth/env.js";
export type { AuthContext, AuthSession, AuthStrategy, SignableRequest } from "./auth/strategy.js";
export {
  AtlasApiError,
  AtlasAuthError,
  AtlasError,
  AtlasTimeoutError,
  AtlasValidationError,
  isAtlasApiError,
} from "./errors.js";
export type { AtlasApiErrorMatching } from "./errors.js";
export type { Violation, ViolationRule } from "./validation/rules.js";
export type { FetchLike, SentReply } from "./http/fetch.js";
export type { OnRetry, RetryInfo, RetryOptions } from "./http/retry.js";
export type { DeprecationNotice, OnDeprecation } from "./middleware/deprecation.js";
export type { RateLimit } from "./middleware/headers.js";
/** The type of what `atlas.client.use()` takes, so a program need not import openapi-fetch itself. */
export type Middleware = FetchMiddleware;
export { OPERATION_IDS, ORG_ROLES, KNOWN_PROJECT_ROLES } from "../generated/operations.js";
export type { OperationId } from "../generated/operations.js";
/** The spec's paths, as openapi-typescript writes them: what `atlas.client.GET()` and the rest take. */
export type paths = SpecPaths;
/** The spec's schemas, parameters and responses, as openapi-typescript writes them. */
export type components = SpecComponents;
export type * from "./types.js";
