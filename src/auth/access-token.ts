/** A bearer token the caller already holds (for example from a service account token exchange). */
import { AtlasValidationError } from "../errors.js";
import type { AuthStrategy } from "./strategy.js";

export interface AccessTokenAuth {
  type: "accessToken";
  token: string;
}

export function accessTokenStrategy(options: AccessTokenAuth): AuthStrategy {
  const token = options.token;
  if (typeof token !== "string" || token.trim() === "") {
    throw new AtlasValidationError(
      "atlas-invites: auth.token must be a non-empty string for accessToken auth",
    );
  }
  if (/[\r\n]/.test(token)) {
    throw new AtlasValidationError("atlas-invites: auth.token must not contain line breaks");
  }
  const header = `Bearer ${token}`;
  return {
    type: "accessToken",
    label: "access token",
    authorize(request) {
      request.headers.set("Authorization", header);
    },
  };
}
