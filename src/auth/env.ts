/**
 * Credentials from the environment variables the Atlas CLI and the Terraform provider use.
 * A service account wins when both pairs are complete, as Atlas recommends service accounts.
 */
import { AtlasValidationError } from "../errors.js";
import type { ApiKeyAuth } from "./digest.js";
import type { ServiceAccountAuth } from "./service-account.js";

const CLIENT_ID = "MONGODB_ATLAS_CLIENT_ID";
const CLIENT_SECRET = "MONGODB_ATLAS_CLIENT_SECRET";
const PUBLIC_KEY = "MONGODB_ATLAS_PUBLIC_KEY";
const PRIVATE_KEY = "MONGODB_ATLAS_PRIVATE_KEY";

/** What `credentialsFromEnv` reads: any object of strings, `process.env` by default. */
export type EnvLike = Readonly<Record<string, string | undefined>>;

function processEnv(): EnvLike {
  return (globalThis as { process?: { env?: EnvLike } }).process?.env ?? {};
}

/**
 * The `auth` option from MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET (a service
 * account), or else from MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY (an API key).
 * Throws an AtlasValidationError naming the missing variables when neither pair is complete;
 * the message names variables only, never their values. `auth: "env"` does the same.
 *
 * @example
 * const atlas = createAtlasInvites({ auth: credentialsFromEnv() });
 */
export function credentialsFromEnv(env: EnvLike = processEnv()): ServiceAccountAuth | ApiKeyAuth {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const clientId = read(CLIENT_ID);
  const clientSecret = read(CLIENT_SECRET);
  if (clientId && clientSecret) return { type: "serviceAccount", clientId, clientSecret };
  const publicKey = read(PUBLIC_KEY);
  const privateKey = read(PRIVATE_KEY);
  if (publicKey && privateKey) return { type: "apiKey", publicKey, privateKey };

  const missing = (pair: [string, string | undefined][]) =>
    pair.filter(([, value]) => value === undefined).map(([name]) => name);
  const account = missing([
    [CLIENT_ID, clientId],
    [CLIENT_SECRET, clientSecret],
  ]);
  const key = missing([
    [PUBLIC_KEY, publicKey],
    [PRIVATE_KEY, privateKey],
  ]);
  // Point at the pair the user started on; if neither, name all four.
  const started = [account.length < 2 && account, key.length < 2 && key].filter(
    (names): names is string[] => names !== false,
  );
  const hint =
    started.length > 0
      ? `missing ${started.map((names) => names.join(" and ")).join(", or ")}`
      : `set ${CLIENT_ID} and ${CLIENT_SECRET} (service account) or ${PUBLIC_KEY} and ${PRIVATE_KEY} (API key)`;
  throw new AtlasValidationError(
    `atlas-invites: no complete Atlas credentials in the environment: ${hint}`,
    [...account, ...key].map((name) => ({
      path: name,
      rule: "required",
      message: `${name} is not set`,
    })),
  );
}
