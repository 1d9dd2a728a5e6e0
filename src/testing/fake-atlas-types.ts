/**
 * The public face of the fake Atlas: the options `startFakeAtlas` takes, the `FakeAtlas` it
 * resolves to, and the record it keeps of each request it receives.
 */
import type { OperationId } from "../operations.js";
import type { FakeAuthScheme, FakeAuthStats } from "./auth-scheme.js";
import type { FakeServiceAccountOptions, FakeTokenEndpoint } from "./bearer-auth.js";
import type { FakeApiKeyOptions, FakeDigest } from "./digest-auth.js";
import type { Fault, FaultKind, InjectedFault } from "./faults.js";
import type { Caller, FakeRoles, LacksRole } from "./roles.js";
import type { FakeInviteStore } from "./store.js";
import type { FakeUserStore } from "./users.js";

/**
 * What `startFakeAtlas` takes; every option may be left out. An option it does not know, or a
 * value it cannot use, makes it throw a TypeError that names the option.
 */
export interface FakeAtlasOptions {
  /** Port to listen on; default 0 (any free port). */
  port?: number | undefined;
  /**
   * Bearer tokens the fake accepts; `credentials.accessToken` is the first. Default: one random
   * token. An empty list accepts none (and `credentials.accessToken` is then refused).
   */
  accessTokens?: string[] | undefined;
  /** Requests per rate-limit window before 429. Default 100; Infinity never answers 429. */
  rateLimit?: number | undefined;
  /** Length of a rate-limit window in ms. Default 60 000. */
  rateLimitWindowMs?: number | undefined;
  /** Send Deprecation and Sunset headers on deprecated operations and versions. Default true. */
  deprecationHeaders?: boolean | undefined;
  /** Extra auth schemes, asked after the built-in ones. */
  authSchemes?: FakeAuthScheme[] | undefined;
  /** The service-account token endpoint; on by default with random credentials, false turns it off. */
  serviceAccount?: FakeServiceAccountOptions | false | undefined;
  /** HTTP Digest for API keys; on by default with random keys, false turns it off. */
  apiKey?: FakeApiKeyOptions | false | undefined;
  /**
   * Credentials that lack the role for some operations, from the start: their calls get 401
   * USER_UNAUTHORIZED, as Atlas answers valid credentials without the needed role. `true` denies
   * every operation to every credential; an operationId denies that operation to every
   * credential; a rule narrows by credential, operations, organization or project. The same
   * rules can be added and lifted later through `fake.roles`.
   *
   * @example
   * // The service account may not change users; everything else works.
   * const fake = await startFakeAtlas({
   *   lacksRole: [{ credential: "serviceAccount", operationId: ["updateOrgUser", "addGroupUserRole"] }],
   * });
   */
  lacksRole?: boolean | readonly (OperationId | LacksRole)[] | undefined;
  /**
   * The largest request body the fake accepts, in bytes; a larger one gets 413. Default 1 MiB.
   */
  maxRequestBytes?: number | undefined;
}

/** One request the fake received, as `fake.requests` lists it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received (its first `maxRequestBytes` bytes when it was larger). */
  body: string;
  /**
   * The operation its method and path name, whatever the answer (a 401 or a Digest challenge
   * included); undefined for a path or method the spec does not have, or a malformed path.
   */
  operationId: OperationId | undefined;
  /** Which kind of credential the fake accepted for it, if any. */
  credential?: Caller["kind"];
  /**
   * The status the fake answered with; 0 while it sent no answer (a `hang` or `reset` fault, an
   * answer still held by a `delay` fault or a token endpoint delay, or one the client left before).
   */
  status: number;
  /** The kind of injected fault that shaped the answer, if one did. */
  fault?: FaultKind;
}

/** A running fake Atlas: its URL, its stores and rules, its credentials and its controls. */
export interface FakeAtlas {
  /** Base URL to give the client, e.g. http://127.0.0.1:43121. */
  readonly url: string;
  /** The invitations of the four deprecated invitation operations; seed them before calling. */
  readonly invites: FakeInviteStore;
  /**
   * The users of the Cloud Users API operations (pending invitations included); seed them before
   * calling. Invitations and users are separate: an invitation is not a user, and an invitation's
   * id is not a user's id, because no public source says how the two relate.
   */
  readonly users: FakeUserStore;
  /** Which credentials lack the role for which operations (401 USER_UNAUTHORIZED). */
  readonly roles: FakeRoles;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /**
   * Credentials the fake accepts by default; `serviceAccount(fake.credentials.serviceAccount)`,
   * `apiKey(fake.credentials.apiKey)` and `accessToken({ token: fake.credentials.accessToken })`
   * work as they are.
   */
  readonly credentials: {
    accessToken: string;
    serviceAccount: { clientId: string; clientSecret: string };
    apiKey: { publicKey: string; privateKey: string };
  };
  /** Counters of API exchanges, token requests, revocations and Digest challenges. */
  readonly stats: FakeAuthStats;
  /** Controls of the token endpoint: lifetime, delay, scripted failures, revocation. */
  readonly tokenEndpoint: FakeTokenEndpoint;
  /** Controls of the Digest scheme: algorithms, nonce lifetime, stale nonces. */
  readonly digest: FakeDigest;
  /**
   * Makes the next matching request(s) fail the way production does: an error status with or
   * without Retry-After, a connection that never answers or is reset, a body cut in half, an HTML
   * page from a proxy, an empty or invalid body, a huge body, unknown fields, or a late answer.
   * Faults apply first injected first, once each unless `times` says otherwise, to every request
   * unless `operationId`, `path` or `when` narrows them, and before the fake checks credentials.
   * See {@link Fault} for each kind.
   *
   * @example
   * const fake = await startFakeAtlas();
   * // The next two calls of getOrgUser get a 503 asking to come back in one second.
   * fake.inject({ kind: "status", status: 503, retryAfter: "1", times: 2, operationId: "getOrgUser" });
   * // The call after that never gets an answer, until the client gives up.
   * const hang = fake.inject({ kind: "hang" });
   * // ... run the code under test, then:
   * console.log(hang.hits, hang.openConnections);
   */
  inject(fault: Fault): InjectedFault;
  /**
   * Puts the fake back as `startFakeAtlas` left it, for a suite that shares one fake across
   * tests: no users, invitations, records or injected faults, the counters at zero, the role
   * rules of `lacksRole` only, no scripted token answers, the token endpoint's and Digest
   * scheme's settings as the options gave them, and a fresh rate-limit window. Credentials,
   * issued tokens and Digest nonces stay valid, so a client shared across tests keeps working.
   *
   * @example
   * import { afterAll, beforeAll, beforeEach } from "vitest";
   * import { startFakeAtlas, type FakeAtlas } from "atlas-invites/testing";
   *
   * let fake: FakeAtlas;
   * beforeAll(async () => {
   *   fake = await startFakeAtlas();
   * });
   * beforeEach(() => fake.reset());
   * afterAll(() => fake.close());
   */
  reset(): void;
  /**
   * Stops the server, closes open connections and drops answers still waiting for a delay (token
   * endpoint, `delay` fault), so no timer of the fake keeps the process alive.
   */
  close(): Promise<void>;
}
