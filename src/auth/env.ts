/**
 * Credentials from the environment variables the Atlas CLI and the Terraform provider use.
 * A service account wins when it and an API key are both complete, as Atlas recommends service
 * accounts.
 */
import { AtlasValidationError } from "../errors.js";
import { apiKey } from "./digest.js";
import { serviceAccount } from "./service-account.js";
import type { AuthStrategy } from "./strategy.js";

/** What `fromEnv` reads: any object of strings, `process.env` by default. */
export type EnvLike = Readonly<Record<string, string | undefined>>;

const key = (publicKey: string, privateKey: string) => apiKey({ publicKey, privateKey });

/** The pairs of variables, in the order they are tried, and the strategy each makes. */
const PAIRS: [string, string, (first: string, second: string) => AuthStrategy][] = [
  [
    "MONGODB_ATLAS_CLIENT_ID",
    "MONGODB_ATLAS_CLIENT_SECRET",
    (clientId, clientSecret) => serviceAccount({ clientId, clientSecret }),
  ],
  // The Atlas CLI reads only these names for an API key
  // (mongodb.com/docs/atlas/cli/current/atlas-cli-env-variables); the Terraform provider reads
  // them first (docs/guides/provider-configuration.md in terraform-provider-mongodbatlas).
  ["MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PRIVATE_API_KEY", key],
  // The older names, which the Terraform provider and the Go SDK's examples still read.
  ["MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PRIVATE_KEY", key],
];

/**
 * A service account from MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET or, when neither
 * of that pair is set, an API key from MONGODB_ATLAS_PUBLIC_API_KEY and
 * MONGODB_ATLAS_PRIVATE_API_KEY (the Atlas CLI's names) or else from MONGODB_ATLAS_PUBLIC_KEY and
 * MONGODB_ATLAS_PRIVATE_KEY (older names the Terraform provider also reads). The first complete
 * pair wins; a pair before it with one variable set and the other unset or blank is an error
 * naming both (set both, or unset both), never a silent switch; a half-set pair after it is
 * ignored. The variables are read when `fromEnv` is called. When no pair is complete, when its
 * argument is not an object or when a variable it reads holds something other than a string, it
 * throws an AtlasValidationError that names the variables or the argument, never a value.
 *
 * @example
 * import { createAtlasInvites, fromEnv } from "atlas-invites";
 *
 * const atlas = createAtlasInvites({ auth: fromEnv() });
 */
export function fromEnv(env: EnvLike = process.env): AuthStrategy {
  /** Refuses what a JavaScript caller can pass instead of strings, naming where it was. */
  const refuse = (path: string, what: string): never => {
    throw new AtlasValidationError(`atlas-invites: fromEnv: ${path} ${what}`, [
      { path, rule: "type", message: `${path} ${what}` },
    ]);
  };
  if (typeof env !== "object" || env === null) {
    refuse("its argument", "must be an object of environment variables, such as process.env");
  }
  const read = (name: string) => {
    const value: unknown = env[name];
    if (value !== undefined && typeof value !== "string") refuse(name, "must be a string");
    return (value as string | undefined)?.trim() ?? "";
  };
  const missing: string[][] = [];
  // The first pair with one variable set and the other not, as [set, unset].
  let halfSet: [string, string] | undefined;
  for (const [first, second, make] of PAIRS) {
    const values = [first, second].map(read);
    if (values[0] && values[1]) {
      // Half of a pair the user preferred is a typo or a forgotten value, not a wish for this one.
      if (halfSet) {
        const [set, unset] = halfSet;
        throw new AtlasValidationError(
          `atlas-invites: fromEnv: ${set} is set but ${unset} is not: set both, or unset both to use ${first} and ${second}`,
          [{ path: unset, rule: "required", message: `${unset} is not set` }],
        );
      }
      try {
        return make(values[0], values[1]);
      } catch (error) {
        // The strategy's message names the field; this one names the variables, never a value.
        if (!(error instanceof AtlasValidationError)) throw error;
        const why = error.message.replace("atlas-invites: ", "");
        throw new AtlasValidationError(
          `atlas-invites: fromEnv: ${first} and ${second} do not hold usable credentials: ${why}`,
          error.violations,
        );
      }
    }
    if (values[0] || values[1]) halfSet ??= values[0] ? [first, second] : [second, first];
    missing.push([first, second].filter((_, i) => !values[i]));
  }
  // Point at the pairs the user started on; if none, name every variable.
  const started = missing.filter((names) => names.length < 2);
  const hint = (started.length > 0 ? started : missing).map((names) => names.join(" and "));
  throw new AtlasValidationError(
    `atlas-invites: no complete Atlas credentials in the environment: missing ${hint.join(", or ")}`,
    missing.flat().map((name) => ({ path: name, rule: "required", message: `${name} is not set` })),
  );
}
