/**
 * The check of `startFakeAtlas`'s options, made once before the fake starts. A misspelt option
 * (`ratelimit`), a rule given where a list is asked for (`lacksRole: "updateOrgUser"`) or a value
 * the fake cannot serve fails with a TypeError that names it. Left unchecked, each was ignored
 * or half-used, and a test then passed or failed for a reason it did not state.
 */
import type { FakeServiceAccountOptions } from "./bearer-auth.js";
import type { FakeApiKeyOptions, FakeDigestAlgorithm } from "./digest-auth.js";
import type { FakeAtlasOptions } from "./fake-atlas-types.js";

/** Every option's name; `satisfies` keeps each list equal to its interface. */
const OPTIONS = Object.keys({
  port: 0,
  accessTokens: 0,
  rateLimit: 0,
  rateLimitWindowMs: 0,
  deprecationHeaders: 0,
  authSchemes: 0,
  serviceAccount: 0,
  apiKey: 0,
  lacksRole: 0,
  maxRequestBytes: 0,
} satisfies Record<keyof FakeAtlasOptions, 0>);

const SERVICE_ACCOUNT = Object.keys({
  clientId: 0,
  clientSecret: 0,
  tokenLifetimeSeconds: 0,
  tokenDelayMs: 0,
} satisfies Record<keyof FakeServiceAccountOptions, 0>);

const API_KEY = Object.keys({
  publicKey: 0,
  privateKey: 0,
  algorithms: 0,
  nonceLifetimeMs: 0,
  opaque: 0,
} satisfies Record<keyof FakeApiKeyOptions, 0>);

const ALGORITHMS = Object.keys({
  MD5: 0,
  "MD5-sess": 0,
  "SHA-256": 0,
  "SHA-256-sess": 0,
  "SHA-512-256": 0,
  "SHA-512-256-sess": 0,
} satisfies Record<FakeDigestAlgorithm, 0>);

function fail(message: string): never {
  throw new TypeError(`startFakeAtlas: ${message}`);
}

/** Names each key of `value` that is not in `known`; a key set to undefined is left out. */
function onlyKnown(value: object, known: readonly string[], prefix: string): void {
  for (const [key, option] of Object.entries(value)) {
    if (option !== undefined && !known.includes(key))
      fail(`${prefix}${key} is not an option (${known.join(", ")})`);
  }
}

/** A plain object, as every group of options is. */
function isOptionObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Throws a TypeError naming the first option the fake cannot use as given. */
export function checkOptions(options: FakeAtlasOptions): void {
  if (!isOptionObject(options)) fail("options must be an object");
  onlyKnown(options, OPTIONS, "");
  const { rateLimit, rateLimitWindowMs, accessTokens, lacksRole, serviceAccount, apiKey } = options;
  // Infinity leaves the rate limit off; a fraction or NaN would make a limit no request meets.
  if (rateLimit !== undefined && !(Number.isInteger(rateLimit) && rateLimit >= 0)) {
    if (rateLimit !== Infinity) fail("rateLimit must be a whole number, 0 or more, or Infinity");
  }
  if (
    rateLimitWindowMs !== undefined &&
    !(Number.isFinite(rateLimitWindowMs) && rateLimitWindowMs > 0)
  ) {
    fail("rateLimitWindowMs must be a finite number above 0");
  }
  if (accessTokens !== undefined) {
    if (!Array.isArray(accessTokens) || accessTokens.some((t) => typeof t !== "string")) {
      fail("accessTokens must be a list of strings");
    }
  }
  if (lacksRole !== undefined && typeof lacksRole !== "boolean" && !Array.isArray(lacksRole)) {
    fail("lacksRole must be true, false or a list of operationIds and rules");
  }
  for (const [name, value, known] of [
    ["serviceAccount", serviceAccount, SERVICE_ACCOUNT],
    ["apiKey", apiKey, API_KEY],
  ] as const) {
    if (value === undefined || value === false) continue;
    if (!isOptionObject(value)) fail(`${name} must be false or an object of options`);
    onlyKnown(value, known, `${name}.`);
  }
  const algorithms: unknown = (apiKey || {}).algorithms ?? [];
  if (!Array.isArray(algorithms)) fail("apiKey.algorithms must be a list");
  for (const algorithm of algorithms) {
    if (!ALGORITHMS.includes(algorithm as string)) {
      fail(`apiKey.algorithms: ${String(algorithm)} is not one of ${ALGORITHMS.join(", ")}`);
    }
  }
}
