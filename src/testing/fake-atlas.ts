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
 *
 * This file starts the server and takes each request through steps 1 and 2; api-handler.ts takes
 * it through steps 3 to 8. The options and the returned object are typed in fake-atlas-types.ts.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import type { OperationId } from "../operations.js";
import { redactAuthorization } from "../text.js";
import { DEFAULT_BUCKET, unobserved } from "./answers.js";
import { createApiHandler, reply } from "./api-handler.js";
import { newAuthStats, type FakeAuthScheme } from "./auth-scheme.js";
import { checkOptions } from "./check-options.js";
import { bearerScheme, serviceAccountScheme } from "./bearer-auth.js";
import { apiKeyScheme } from "./digest-auth.js";
import type { FakeAtlas, FakeAtlasOptions, RecordedRequest } from "./fake-atlas-types.js";
import { FaultInjector } from "./fault-injector.js";
import { RoleRules, type Caller, type LacksRole } from "./roles.js";
import { operationIdOf } from "./routes.js";
import { FakeInvites } from "./store.js";
import { FakeUsers } from "./users.js";

/** The largest request body the fake reads by default: 1 MiB (Atlas's own limit is not public). */
export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

/** The form fields of a token or revocation request whose values are secrets. */
const SECRET_FIELDS = /(^|&)(token|client_secret|refresh_token|client_assertion)=[^&]*/g;

/**
 * What JSON.stringify, a test's snapshot (vitest's serializer calls toJSON) and util.inspect show
 * of a record: its fields, with the Authorization header's value past its scheme and the token of
 * a revocation replaced, so that a snapshot of `fake.requests` holds no credential, which a test
 * may have given the fake from its own configuration. The fields themselves keep them, for
 * assertions. Both are hidden properties: a record still equals a plain copy of its fields.
 */
function hideCredentials(record: RecordedRequest): void {
  const shown = () => {
    const sent = record.headers.authorization;
    const headers = { ...record.headers };
    if (sent !== undefined) headers.authorization = redactAuthorization(String(sent));
    // The forms of the token endpoints carry secrets: the token a revocation names (RFC 7009,
    // section 2.1), a client secret sent in the body (RFC 6749, section 2.3.1), a refresh token
    // or a client assertion (RFC 6749, section 6; RFC 7521, section 4.2). Every value is hidden.
    const form = record.url.startsWith("/api/oauth/");
    const body = form ? record.body.replace(SECRET_FIELDS, "$1$2=[redacted]") : record.body;
    return { ...record, headers, body };
  };
  Object.defineProperties(record, {
    toJSON: { value: shown },
    [Symbol.for("nodejs.util.inspect.custom")]: {
      value: (_depth: number, options: object, inspect: (value: unknown, o: object) => string) =>
        inspect(shown(), options),
    },
  });
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
  checkOptions(options);
  const tokens = new Set(options.accessTokens ?? [`fake-${randomBytes(16).toString("hex")}`]);
  // The token handed out must be one the fake accepts: the first of the list. An empty list
  // accepts no token at all, so what is handed out then is a random one the fake refuses.
  const accessToken = tokens.values().next().value ?? `fake-${randomBytes(16).toString("hex")}`;
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
  const requests: RecordedRequest[] = [];
  let url = "";
  const invites = new FakeInvites(() => url);
  const users = new FakeUsers();
  const roles = new RoleRules();
  // The rules the options set, applied at start and again by reset().
  const startingRules = () => {
    if (options.lacksRole === true) roles.deny();
    else if (Array.isArray(options.lacksRole)) {
      for (const rule of options.lacksRole as readonly (OperationId | LacksRole)[])
        roles.deny(rule);
    }
  };
  startingRules();
  const digestStart = { ...apiKey.digest, algorithms: [...apiKey.digest.algorithms] };
  const bucket = {
    capacity: options.rateLimit ?? DEFAULT_BUCKET.capacity,
    windowMs: options.rateLimitWindowMs ?? DEFAULT_BUCKET.windowMs,
  };
  const faults = new FaultInjector(bucket);

  const handleApi = createApiHandler(options, {
    bucket,
    schemes,
    kinds,
    roles,
    invites,
    users,
    url: () => url,
  });

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
        // Named from the request line, so a request the fake refuses before routing it (a 401,
        // a Digest challenge) still counts for its operation.
        operationId: operationIdOf(req.method ?? "GET", req.url ?? "/"),
        status: 0,
      };
      hideCredentials(record);
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
            // Token endpoints may answer later (a configured delay), or never when the client
            // leaves first: 0 until an answer goes out, as for a request a fault holds.
            record.status = res.headersSent ? res.statusCode : 0;
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
    reset() {
      users.clear();
      invites.clear();
      roles.reset();
      startingRules();
      faults.clear();
      account.reset();
      apiKey.digest.algorithms = [...digestStart.algorithms];
      apiKey.digest.nonceLifetimeMs = digestStart.nonceLifetimeMs;
      handleApi.resetRateLimit();
      requests.length = 0;
      Object.assign(stats, newAuthStats());
    },
    close() {
      faults.clear();
      account.close();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
