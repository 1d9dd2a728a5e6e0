/** A bearer token the caller already holds, sent as it is. */
import { checkFields, VISIBLE_ASCII } from "./credentials.js";
import type { AuthStrategy } from "./strategy.js";

/** What `accessToken()` takes: a bearer token obtained elsewhere. */
export interface AccessTokenOptions {
  /** The token, sent as `Authorization: Bearer <token>` on every call. */
  token: string;
}

/**
 * Authenticates every call with a bearer token you obtained some other way. Atlas answers 401
 * once it expires; create a new client with a fresh token then.
 *
 * @example
 * import { accessToken, createAtlasInvites } from "atlas-invites";
 *
 * const atlas = createAtlasInvites({ auth: accessToken({ token: process.env.ATLAS_TOKEN ?? "" }) });
 */
export function accessToken(options: AccessTokenOptions): AuthStrategy {
  const { token } = checkFields("accessToken", options, { token: VISIBLE_ASCII });
  const header = `Bearer ${token}`;
  return {
    label: "access token",
    start: () => ({
      authorize(request) {
        request.headers.set("Authorization", header);
      },
      secrets: () => [token],
    }),
  };
}
