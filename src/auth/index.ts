/** Picks the auth strategy for the `auth` option. */
import { AtlasValidationError } from "../errors.js";
import { accessTokenStrategy, type AccessTokenAuth } from "./access-token.js";
import type { AuthContext, AuthStrategy } from "./strategy.js";

export interface ServiceAccountAuth {
  type: "serviceAccount";
  clientId: string;
  clientSecret: string;
}

export interface ApiKeyAuth {
  type: "apiKey";
  publicKey: string;
  privateKey: string;
}

export type AuthOptions = AccessTokenAuth | ServiceAccountAuth | ApiKeyAuth;

export function createAuthStrategy(auth: AuthOptions, _context: AuthContext): AuthStrategy {
  if (typeof auth !== "object" || auth === null) {
    throw new AtlasValidationError(
      'atlas-invites: options.auth is required, for example { type: "serviceAccount", clientId, clientSecret }',
    );
  }
  switch (auth.type) {
    case "accessToken":
      return accessTokenStrategy(auth);
    default:
      throw new AtlasValidationError(
        `atlas-invites: options.auth.type must be "serviceAccount", "apiKey" or "accessToken"`,
      );
  }
}

export type { AccessTokenAuth, AuthContext, AuthStrategy };
