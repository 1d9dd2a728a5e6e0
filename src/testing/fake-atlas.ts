/**
 * A real HTTP server on 127.0.0.1 that answers the invitation operations and the Cloud Users API
 * operations the way Atlas is seen to answer them (docs/FAKE-ATLAS.md lists every behaviour and
 * what it rests on). A request to the API goes through the same steps, in this order:
 *
 * 1. body size: a body over `maxRequestBytes` gets 413 (read to its end, never kept in memory);
 * 2. injected faults, then the token endpoints of the service-account scheme;
 * 3. authentication: anything under /api/atlas/ without credentials the fake accepts gets the
 *    observed 401 (no errorCode, plus the Digest challenge when API keys are on), whatever the
 *    path, because Atlas checks credentials before it looks at the resource;
 * 4. routing: a path that cannot be decoded gets 400, an unknown path 404, a known path with
 *    another method 405;
 * 5. the version in Accept (406 INVALID_VERSION_DATE), then the rate limit (429);
 * 6. the caller's role (`lacksRole` rules: 401 USER_UNAUTHORIZED);
 * 7. parameters and body, checked with the generated validators (400 INVALID_ATTRIBUTE,
 *    MISSING_ATTRIBUTE, INVALID_ENUM_VALUE where Atlas is seen to use them);
 * 8. the operation itself (200, 404, 409).
 *
 * A 500 means the fake itself failed; the client retries it, so a test would see a retry.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { operationDetails } from "../../generated/operations.js";
import { requestValidators, validateInput } from "../../generated/validators.js";
import type { OperationId } from "../operations.js";
import {
  credentialsFailed,
  invalidEnumValue,
  invalidVersionDate,
  unobserved,
  userUnauthorized,
  type ErrorAnswer,
} from "./answers.js";
import { badRequest } from "./bad-request.js";
import {
  apiKeyScheme,
  bearerScheme,
  newAuthStats,
  serviceAccountScheme,
  type FakeApiKeyOptions,
  type FakeAuthScheme,
  type FakeAuthStats,
  type FakeDigest,
  type FakeServiceAccountOptions,
  type FakeTokenEndpoint,
} from "./fake-auth.js";
import { FaultInjector, type Fault, type FaultKind, type InjectedFault } from "./faults.js";
import { perform } from "./handlers.js";
import { LEGACY_LIST_VERSION, mediaTypesOf, pickMediaType } from "./negotiation.js";
import { typedQuery } from "./query.js";
import { RoleRules, type Caller, type FakeRoles, type LacksRole } from "./roles.js";
import { matchRoute, MalformedTarget, parseQuery, splitTarget } from "./routes.js";
import { FakeInvites, type FakeInviteStore } from "./store.js";
import { FakeUsers, type FakeUserStore } from "./users.js";

/** The largest request body the fake reads by default: 1 MiB (Atlas's own limit is not public). */
export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

export interface FakeAtlasOptions {
  /** Port to listen on; default 0 (any free port). */
  port?: number;
  /** Bearer tokens the fake accepts. Default: one random token, see `credentials.accessToken`. */
  accessTokens?: string[];
  /** Requests per rate-limit window before 429. Default 100. */
  rateLimit?: number;
  /** Length of a rate-limit window in ms. Default 60 000. */
  rateLimitWindowMs?: number;
  /** Send Deprecation and Sunset headers on deprecated operations and versions. Default true. */
  deprecationHeaders?: boolean;
  /** Extra auth schemes, asked after the built-in ones. */
  authSchemes?: FakeAuthScheme[];
  /** The service-account token endpoint; on by default with random credentials, false turns it off. */
  serviceAccount?: FakeServiceAccountOptions | false;
  /** HTTP Digest for API keys; on by default with random keys, false turns it off. */
  apiKey?: FakeApiKeyOptions | false;
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
  lacksRole?: boolean | readonly (OperationId | LacksRole)[];
  /**
   * The largest request body the fake accepts, in bytes; a larger one gets 413. Default 1 MiB.
   */
  maxRequestBytes?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received (its first `maxRequestBytes` bytes when it was larger). */
  body: string;
  /** The operation it matched, if it got as far as routing. */
  operationId: string | undefined;
  /** Which kind of credential the fake accepted for it, if any. */
  credential?: Caller["kind"];
  /** The status the fake answered with. */
  status: number;
  /** The kind of injected fault that shaped the answer, if one did. */
  fault?: FaultKind;
}

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
  /** Stops the server and closes open connections. */
  close(): Promise<void>;
}

/** When the fake says the deprecated operations were deprecated (the real date is not public). */
const DEPRECATED_SINCE = new Date("2025-06-01T00:00:00Z").toUTCString();

function httpDate(day: string): string {
  return new Date(`${day}T00:00:00Z`).toUTCString();
}

/**
 * Starts a fake Atlas on 127.0.0.1 and resolves once it listens.
 *
 * @example
 * import { createAtlasInvites, serviceAccount } from "atlas-invites";
 * import { startFakeAtlas } from "atlas-invites/testing";
 *
 * const fake = await startFakeAtlas();
 * const orgId = "4888442a3354817a7320eb61";
 * fake.users.addOrgUser({ orgId, username: "ana@example.com" }); // PENDING unless told otherwise
 * const atlas = createAtlasInvites({
 *   auth: serviceAccount(fake.credentials.serviceAccount),
 *   baseUrl: fake.url,
 * });
 * try {
 *   const page = await atlas.listOrgUsers({ orgId, orgMembershipStatuses: ["PENDING"] });
 *   console.log(page.results.map((user) => user.username)); // ["ana@example.com"]
 * } finally {
 *   await atlas.close();
 *   await fake.close();
 * }
 */
export async function startFakeAtlas(options: FakeAtlasOptions = {}): Promise<FakeAtlas> {
  const accessToken = `fake-${randomBytes(16).toString("hex")}`;
  const tokens = new Set(options.accessTokens ?? [accessToken]);
  const stats = newAuthStats();
  const account = serviceAccountScheme(options.serviceAccount || {}, stats);
  const apiKey = apiKeyScheme(options.apiKey || {}, stats);
  const bearer = bearerScheme((t) => tokens.has(t));
  const kinds = new Map<FakeAuthScheme, Caller["kind"]>([
    [bearer, "accessToken"],
    [account.scheme, "serviceAccount"],
    [apiKey.scheme, "apiKey"],
  ]);
  const schemes: FakeAuthScheme[] = [
    bearer,
    ...(options.serviceAccount === false ? [] : [account.scheme]),
    ...(options.apiKey === false ? [] : [apiKey.scheme]),
    ...(options.authSchemes ?? []),
  ];
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  if (!Number.isInteger(maxRequestBytes) || maxRequestBytes < 0) {
    throw new TypeError("startFakeAtlas: maxRequestBytes must be a non-negative integer");
  }
  const limit = options.rateLimit ?? 100;
  const windowMs = options.rateLimitWindowMs ?? 60_000;
  let windowStart = Date.now();
  let used = 0;
  const requests: RecordedRequest[] = [];
  let url = "";
  const invites = new FakeInvites(() => url);
  const users = new FakeUsers();
  const roles = new RoleRules();
  if (options.lacksRole === true) roles.deny();
  else if (Array.isArray(options.lacksRole)) {
    for (const rule of options.lacksRole as readonly (OperationId | LacksRole)[]) roles.deny(rule);
  }
  const faults = new FaultInjector();

  function reply(res: ServerResponse, record: RecordedRequest, answer: ErrorAnswer): void {
    record.status = answer.status;
    const text = JSON.stringify(answer.body);
    // Error bodies are application/json whatever version was asked for (the spec's responses).
    res.writeHead(answer.status, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(text),
      ...answer.headers,
    });
    res.end(text);
  }

  /** The observed 401 for failed credentials, with every scheme's challenge. */
  function refuseCredentials(res: ServerResponse, record: RecordedRequest, stale: boolean[]): void {
    const challenges = schemes
      .map((s, i) => s.challenge?.(stale[i] === true))
      .filter((c): c is string => !!c);
    const answer = credentialsFailed();
    if (challenges.length > 0) answer.headers = { "WWW-Authenticate": challenges.join(", ") };
    reply(res, record, answer);
  }

  function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    body: string,
    record: RecordedRequest,
  ): void {
    const method = req.method ?? "GET";
    const target = splitTarget(req.url ?? "/");
    if (target.path !== "/api/atlas" && !target.path.startsWith("/api/atlas/")) {
      return reply(res, record, unobserved(404, "This server answers under /api/atlas/ only."));
    }

    const checks = schemes.map((s) => s.check(req, method, req.url ?? "/"));
    const accepted = checks.findIndex((c) => c.verdict === "accepted");
    if (accepted === -1) {
      return refuseCredentials(
        res,
        record,
        checks.map((c) => c.stale === true),
      );
    }
    const caller: Caller = {
      kind: kinds.get(schemes[accepted]!) ?? "custom",
      id: checks[accepted]!.credential,
    };
    record.credential = caller.kind;

    const match = matchRoute(method, target.path);
    if (match.kind === "malformed") return reply(res, record, unobserved(400, match.detail));
    if (match.kind === "unknown") {
      return reply(res, record, unobserved(404, `No resource at ${target.path}.`));
    }
    if (match.kind === "wrongMethod") {
      // RFC 9110, section 15.5.6: a 405 lists the methods the resource takes in Allow.
      const allow = match.allowed.join(", ");
      return reply(
        res,
        record,
        unobserved(405, `${method} is not allowed here; use ${allow}.`, { Allow: allow }),
      );
    }
    const { op, params } = match;
    record.operationId = op.operationId;

    const mediaType = pickMediaType(req.headers.accept, mediaTypesOf(op));
    if (mediaType === undefined) return reply(res, record, invalidVersionDate());

    if (Date.now() - windowStart >= windowMs) {
      windowStart = Date.now();
      used = 0;
    }
    used++;
    const rateHeaders = {
      "RateLimit-Limit": String(limit),
      "RateLimit-Remaining": String(Math.max(0, limit - used)),
    };
    if (used > limit) {
      const wait = Math.ceil((windowStart + windowMs - Date.now()) / 1000);
      return reply(
        res,
        record,
        unobserved(429, "Too many requests in this window.", {
          ...rateHeaders,
          "Retry-After": String(Math.max(1, wait)),
        }),
      );
    }

    if (roles.refuses(caller, op.operationId, params)) {
      return reply(res, record, userUnauthorized());
    }

    let query: Record<string, unknown>;
    try {
      query = typedQuery(op, parseQuery(target.query));
    } catch (error) {
      if (!(error instanceof MalformedTarget)) throw error;
      return reply(res, record, unobserved(400, `${error.message}.`));
    }
    const refused = badRequest(
      validateInput(op.operationId, params, query, undefined).filter(
        // The fake ignores query parameters the operation does not declare (a guess); the body
        // is judged below, against its own schema.
        (v) => v.rule !== "unknownParameter" && v.path !== "body" && !v.path.startsWith("body."),
      ),
      { ...params, ...query },
    );
    if (refused) return reply(res, record, refused);
    const single = query.orgMembershipStatus;
    // The deprecated single-value filter is a plain string in the spec; the fake holds it to the
    // four statuses of its array form.
    if (
      typeof single === "string" &&
      !["PENDING", "ACTIVE", "INVITATION_EXPIRED", "INVITATION_REJECTED"].includes(single)
    ) {
      return reply(res, record, invalidEnumValue(single));
    }

    let parsed: unknown;
    const { bodySchema } = operationDetails[op.operationId];
    if (bodySchema !== null) {
      if (body.trim() === "") {
        return reply(res, record, unobserved(400, "This operation needs a request body."));
      }
      const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== op.mediaType && type !== "application/json") {
        return reply(res, record, unobserved(415, `Send the body as ${op.mediaType}.`));
      }
      try {
        parsed = JSON.parse(body);
      } catch {
        return reply(res, record, unobserved(400, "The request body is not valid JSON."));
      }
      const bodyRefused = badRequest(requestValidators[bodySchema](parsed), parsed);
      if (bodyRefused) return reply(res, record, bodyRefused);
    }

    const outcome = perform(
      {
        operationId: op.operationId,
        params,
        query,
        body: parsed,
        path: target.path,
        mediaType,
      },
      { invites, users, baseUrl: url },
    );
    if (!outcome.ok) return reply(res, record, outcome.answer);

    const headers: Record<string, string> = { ...rateHeaders };
    const legacy = mediaType === LEGACY_LIST_VERSION.mediaType;
    if ((op.deprecated || legacy) && options.deprecationHeaders !== false) {
      headers.Deprecation = DEPRECATED_SINCE;
      const sunset = legacy ? LEGACY_LIST_VERSION.sunset : op.sunset;
      if (sunset) headers.Sunset = httpDate(sunset);
    }
    const envelope = query.envelope === true;
    const payload = envelope ? { status: 200, content: outcome.body } : outcome.body;
    record.status = 200;
    const text = query.pretty === true ? JSON.stringify(payload, null, 2) : JSON.stringify(payload);
    res.writeHead(200, {
      "Content-Type": mediaType,
      "Content-Length": Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Bytes past the limit are read and dropped, so a huge body costs the fake no memory and the
    // client still gets its 413 instead of a connection cut while it is sending.
    req.on("data", (c: Buffer) => {
      if (size < maxRequestBytes) chunks.push(c.subarray(0, maxRequestBytes - size));
      size += c.length;
    });
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const record: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: { ...req.headers },
        body,
        operationId: undefined,
        status: 0,
      };
      requests.push(record);
      // Every request outside the token endpoints is one API exchange, whatever its answer.
      if (!record.url.startsWith("/api/oauth/")) stats.exchanges++;
      try {
        if (size > maxRequestBytes) {
          return reply(
            res,
            record,
            unobserved(
              413,
              `The request body has ${size} bytes; this server takes at most ${maxRequestBytes}.`,
            ),
          );
        }
        if (faults.apply(req, res, record)) return;
        for (const scheme of schemes) {
          if (scheme.route?.(req, res, body)) {
            record.status = res.statusCode;
            // Token endpoints may answer later (a configured delay); record the final status.
            res.once("finish", () => (record.status = res.statusCode));
            return;
          }
        }
        handleApi(req, res, body, record);
      } catch (err) {
        // Only a defect of the fake lands here.
        if (res.headersSent) res.destroy();
        else reply(res, record, unobserved(500, `The fake Atlas failed: ${String(err)}`));
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    invites,
    users,
    roles,
    requests,
    credentials: {
      accessToken,
      serviceAccount: account.credentials,
      apiKey: apiKey.credentials,
    },
    stats,
    tokenEndpoint: account.endpoint,
    digest: apiKey.digest,
    inject: (fault) => faults.inject(fault),
    close() {
      faults.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
