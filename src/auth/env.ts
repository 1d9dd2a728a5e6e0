/**
 * Credentials from the environment variables the Atlas CLI and the Terraform provider use.
 * A service account wins when both pairs are complete, as Atlas recommends service accounts.
 */
import { AtlasValidationError } from "../errors.js";
import { apiKey } from "./digest.js";
import { serviceAccount } from "./service-account.js";
import type { AuthStrategy } from "./strategy.js";

const CLIENT_ID = "MONGODB_ATLAS_CLIENT_ID";
const CLIENT_SECRET = "MONGODB_ATLAS_CLIENT_SECRET";
const PUBLIC_KEY = "MONGODB_ATLAS_PUBLIC_KEY";
const PRIVATE_KEY = "MONGODB_ATLAS_PRIVATE_KEY";

/** What `fromEnv` reads: any object of strings, `process.env` by default. */
export type EnvLike = Readonly<Record<string, string | undefined>>;

function processEnv(): EnvLike {
  return (globalThis as { process?: { env?: EnvLike } }).process?.env ?? {};
}

/** Builds a strategy from variables, naming the variables (never their values) if it refuses them. */
function fromVariables(names: string, build: () => AuthStrategy): AuthStrategy {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof AtlasValidationError)) throw error;
    throw new AtlasValidationError(
      `atlas-invites: fromEnv: ${names} do not hold usable credentials: ${error.message.replace(/^atlas-invites: /, "")}`,
      error.violations,
    );
  }
}

/**
 * A service account from MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET or, when that
 * pair is not complete, an API key from MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY:
 * the variables the Atlas CLI and the Terraform provider read. The variables are read when
 * `fromEnv` is called. When neither pair is complete it throws an AtlasValidationError that names
 * the missing variables, never a value.
 *
 * @example
 * import { createAtlasInvites, fromEnv } from "atlas-invites";
 *
 * const atlas = createAtlasInvites({ auth: fromEnv() });
 */
export function fromEnv(env: EnvLike = processEnv()): AuthStrategy {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const clientId = read(CLIENT_ID);
  const clientSecret = read(CLIENT_SECRET);
  if (clientId && clientSecret) {
    return fromVariables(`${CLIENT_ID} and ${CLIENT_SECRET}`, () =>
      serviceAccount({ clientId, clientSecret }),
    );
  }
  const publicKey = read(PUBLIC_KEY);
  const privateKey = read(PRIVATE_KEY);
  if (publicKey && privateKey) {
    return fromVariables(`${PUBLIC_KEY} and ${PRIVATE_KEY}`, () =>
      apiKey({ publicKey, privateKey }),
    );
  }

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
