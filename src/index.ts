export { createAtlasInvites, DEFAULT_BASE_URL } from "./client.js";
export type { AtlasInvites, AtlasInvitesOptions } from "./client.js";
export {
  AtlasApiError,
  AtlasAuthError,
  AtlasError,
  AtlasTimeoutError,
  AtlasValidationError,
  isAtlasApiError,
} from "./errors.js";
export type { AuthOptions, ServiceAccountAuth, ApiKeyAuth, AccessTokenAuth } from "./auth/index.js";
export { credentialsFromEnv } from "./auth/env.js";
export type { EnvLike } from "./auth/env.js";
export type { AuthStrategy, AuthContext, FetchLike } from "./auth/strategy.js";
export type { DeprecationNotice, OnDeprecation } from "./deprecation.js";
export type { RateLimit } from "./rate-limit.js";
export type { RetryInfo, RetryOptions } from "./transport.js";
export { operations, ORG_ROLES, KNOWN_PROJECT_ROLES } from "../generated/operations.js";
export type { OperationId } from "../generated/operations.js";
export type { paths, components } from "../generated/atlas.js";
export type * from "./types.js";
