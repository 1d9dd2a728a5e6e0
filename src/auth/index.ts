/** Picks the auth strategy for the `auth` option, after checking its shape. */
import { AtlasValidationError } from "../errors.js";
import { accessTokenStrategy, type AccessTokenAuth } from "./access-token.js";
import { apiKeyStrategy, type ApiKeyAuth } from "./digest.js";
import { credentialsFromEnv } from "./env.js";
import { serviceAccountStrategy, type ServiceAccountAuth } from "./service-account.js";
import type { AuthContext, AuthStrategy } from "./strategy.js";

export type AuthOptions = AccessTokenAuth | ServiceAccountAuth | ApiKeyAuth;

/** The fields of each kind of credentials; anything else in `auth` is a mistake. */
const FIELDS = {
  serviceAccount: ["clientId", "clientSecret"],
  apiKey: ["publicKey", "privateKey"],
  accessToken: ["token"],
} as const;
type Kind = keyof typeof FIELDS;
const KINDS = Object.keys(FIELDS) as Kind[];

function fail(message: string): never {
  throw new AtlasValidationError(`atlas-invites: ${message}`);
}

/** Checks the shape of `auth` without ever printing a value, since values may be secrets. */
function checkShape(auth: Record<string, unknown>): Kind {
  const kindsPresent = KINDS.filter((kind) => FIELDS[kind].some((field) => field in auth));
  if (kindsPresent.length > 1) {
    const names = kindsPresent.map((kind) => FIELDS[kind].filter((f) => f in auth).join("/"));
    fail(
      `options.auth mixes the fields of ${kindsPresent.join(" and ")} auth (${names.join(" with ")}); pass one kind of credentials`,
    );
  }
  const type = auth.type;
  if (typeof type !== "string" || !KINDS.includes(type as Kind)) {
    const hint = kindsPresent[0]
      ? `; for ${FIELDS[kindsPresent[0]].join(" and ")} use "${kindsPresent[0]}"`
      : "";
    fail(`options.auth.type must be "serviceAccount", "apiKey" or "accessToken"${hint}`);
  }
  const allowed: readonly string[] = FIELDS[type as Kind];
  for (const key of Object.keys(auth)) {
    if (key !== "type" && !allowed.includes(key)) {
      const name = /^[\w$-]{1,40}$/.test(key) ? key : "(a field)";
      fail(
        `options.auth.${name} is not a field of ${type} auth; expected type, ${allowed.join(", ")}`,
      );
    }
  }
  return type as Kind;
}

/**
 * Builds the strategy for `auth`. `"env"` reads the credentials from the environment
 * (see credentialsFromEnv).
 */
export function createAuthStrategy(auth: AuthOptions | "env", context: AuthContext): AuthStrategy {
  const options = auth === "env" ? credentialsFromEnv() : auth;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    fail(
      'options.auth is required, for example { type: "serviceAccount", clientId, clientSecret } or "env"',
    );
  }
  switch (checkShape(options as unknown as Record<string, unknown>)) {
    case "serviceAccount":
      return serviceAccountStrategy(options as ServiceAccountAuth, context);
    case "apiKey":
      return apiKeyStrategy(options as ApiKeyAuth);
    case "accessToken":
      return accessTokenStrategy(options as AccessTokenAuth);
  }
}

export { credentialsFromEnv };
export type { AccessTokenAuth, ApiKeyAuth, AuthContext, AuthStrategy, ServiceAccountAuth };
