/**
 * A real HTTP server on 127.0.0.1 that answers the four invitation operations the way Atlas
 * does: it checks the versioned Accept header (406), path patterns and body fields (400
 * VALIDATION_ERROR with badRequestDetail), credentials (401), unknown invitations (404), and
 * answers with spec-shaped bodies, rate-limit headers and Deprecation/Sunset headers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { requestValidators } from "../../generated/validators.js";
import { operationDetails } from "../../generated/operations.js";
import { operations, type Operation, type OperationId } from "../operations.js";
import type {
  GroupInvitation,
  GroupInvitationRequest,
  GroupInvitationUpdateRequest,
  OrganizationInvitation,
  OrganizationInvitationUpdateRequest,
} from "../types.js";
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
import { FakeInvites } from "./store.js";

export interface FakeAtlasOptions {
  /** Port to listen on; default 0 (any free port). */
  port?: number;
  /** Bearer tokens the fake accepts. Default: one random token, see `credentials.accessToken`. */
  accessTokens?: string[];
  /** Requests per rate-limit window before 429. Default 100. */
  rateLimit?: number;
  /** Length of a rate-limit window in ms. Default 60 000. */
  rateLimitWindowMs?: number;
  /** Send Deprecation and Sunset headers on deprecated operations. Default true. */
  deprecationHeaders?: boolean;
  /** Extra auth schemes. */
  authSchemes?: FakeAuthScheme[];
  /** The service-account token endpoint; on by default with random credentials, false turns it off. */
  serviceAccount?: FakeServiceAccountOptions | false;
  /** HTTP Digest for API keys; on by default with random keys, false turns it off. */
  apiKey?: FakeApiKeyOptions | false;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The operation it matched, if any. */
  operationId: string | undefined;
  /** The status the fake answered with. */
  status: number;
  /** The kind of injected fault that shaped the answer, if one did. */
  fault?: FaultKind;
}

export interface FakeAtlas {
  /** Base URL to give the client, e.g. http://127.0.0.1:43121. */
  readonly url: string;
  /** The in-memory invitations; seed them before calling. */
  readonly invites: FakeInvites;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Credentials the fake accepts by default. */
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
   * unless `operationId`, `path` or `when` narrows them. See {@link Fault} for each kind.
   *
   * @example
   * const fake = await startFakeAtlas();
   * // The next two calls of getOrgInvite get a 503 asking to come back in one second.
   * fake.inject({ kind: "status", status: 503, retryAfter: "1", times: 2, operationId: "getOrgInvite" });
   * // The call after that never gets an answer, until the client gives up.
   * const hang = fake.inject({ kind: "hang" });
   * // ... run the code under test, then:
   * console.log(hang.hits, hang.openConnections);
   */
  inject(fault: Fault): InjectedFault;
  /** Stops the server and closes open connections. */
  close(): Promise<void>;
}

interface Route {
  op: Operation;
  regex: RegExp;
  names: string[];
}

const routes: Route[] = (Object.values(operations) as Operation[]).map((op) => {
  const names: string[] = [];
  const source = op.path
    .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    .replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
      names.push(name);
      return "([^/]*)";
    });
  return { op, regex: new RegExp(`^${source}$`), names };
});

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

function sunsetHttpDate(day: string | null): string | undefined {
  return day ? new Date(`${day}T00:00:00Z`).toUTCString() : undefined;
}

export async function startFakeAtlas(options: FakeAtlasOptions = {}): Promise<FakeAtlas> {
  const accessToken = `fake-${randomBytes(16).toString("hex")}`;
  const tokens = new Set(options.accessTokens ?? [accessToken]);
  const stats = newAuthStats();
  const account = serviceAccountScheme(options.serviceAccount || {}, stats);
  const apiKey = apiKeyScheme(options.apiKey || {}, stats);
  const schemes: FakeAuthScheme[] = [
    bearerScheme((t) => tokens.has(t)),
    ...(options.serviceAccount === false ? [] : [account.scheme]),
    ...(options.apiKey === false ? [] : [apiKey.scheme]),
    ...(options.authSchemes ?? []),
  ];
  const limit = options.rateLimit ?? 100;
  const windowMs = options.rateLimitWindowMs ?? 60_000;
  let windowStart = Date.now();
  let used = 0;
  const requests: RecordedRequest[] = [];
  let url = "";
  const invites = new FakeInvites(() => url);
  const faults = new FaultInjector();

  function send(
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    body: unknown,
    contentType: string,
    headers: Record<string, string> = {},
  ): void {
    record.status = status;
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, {
      "Content-Type": contentType,
      "Content-Length": Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  function apiError(
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    errorCode: string,
    detail: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): void {
    send(
      res,
      record,
      status,
      {
        error: status,
        errorCode,
        detail,
        reason: REASONS[status] ?? "Error",
        parameters: [],
        ...extra,
      },
      "application/json",
      headers,
    );
  }

  function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    body: string,
    record: RecordedRequest,
  ): void {
    const target = new URL(req.url ?? "/", "http://fake.invalid");
    const route = routes.find((r) => r.regex.test(target.pathname) && r.op.method === req.method);
    if (!route) {
      const pathKnown = routes.some((r) => r.regex.test(target.pathname));
      return pathKnown
        ? apiError(
            res,
            record,
            405,
            "METHOD_NOT_ALLOWED",
            `${req.method} is not allowed on this path`,
          )
        : apiError(res, record, 404, "RESOURCE_NOT_FOUND", `no operation at ${target.pathname}`);
    }
    const { op } = route;
    record.operationId = op.operationId;

    const auth = schemes.map((s) => s.check(req, req.method ?? "GET", req.url ?? "/"));
    if (!auth.some((a) => a.verdict === "accepted")) {
      const challenges = schemes
        .map((s, i) => s.challenge?.(auth[i]?.stale === true))
        .filter((c): c is string => !!c);
      const headers: Record<string, string> = {};
      if (challenges.length > 0) headers["WWW-Authenticate"] = challenges.join(", ");
      return apiError(
        res,
        record,
        401,
        "UNAUTHORIZED",
        "You are not authorized for this resource.",
        {},
        headers,
      );
    }

    // Atlas picks the resource version from Accept and refuses a missing or unknown one.
    const accept = req.headers.accept ?? "";
    if (!accept.split(",").some((t) => t.trim().split(";")[0] === op.mediaType)) {
      return apiError(
        res,
        record,
        406,
        "INVALID_VERSION_DATE",
        `this resource needs Accept: ${op.mediaType}`,
      );
    }

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
      return apiError(
        res,
        record,
        429,
        "RATE_LIMITED",
        "Too many requests in this window.",
        {},
        {
          ...rateHeaders,
          "Retry-After": String(Math.max(1, wait)),
        },
      );
    }

    const params: Record<string, string> = {};
    const match = route.regex.exec(target.pathname)!;
    const violations: { field: string; description: string }[] = [];
    route.names.forEach((name, i) => {
      const value = decodeURIComponent(match[i + 1] ?? "");
      params[name] = value;
      if (!/^([a-f0-9]{24})$/.test(value)) {
        violations.push({ field: name, description: "must match ^([a-f0-9]{24})$" });
      }
    });

    let parsed: unknown;
    const bodySchema = operationDetails[op.operationId].bodySchema;
    if (bodySchema !== null) {
      const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
      if (type !== op.mediaType && type !== "application/json") {
        return apiError(res, record, 415, "UNSUPPORTED_MEDIA_TYPE", `send ${op.mediaType}`);
      }
      try {
        parsed = JSON.parse(body);
      } catch {
        return apiError(res, record, 400, "MALFORMED_JSON", "The request body is not valid JSON.");
      }
      // Atlas itself ignores fields it does not know and read-only fields; the client's
      // stricter checks are its own policy, so the fake mirrors Atlas, not the client.
      const validate = requestValidators[bodySchema];
      for (const v of validate(parsed)) {
        if (v.rule === "unknownField" || v.rule === "readOnly") continue;
        violations.push({ field: v.path, description: v.message });
      }
    }
    if (violations.length > 0) {
      return apiError(res, record, 400, "VALIDATION_ERROR", "The request has invalid fields.", {
        badRequestDetail: { fields: violations },
      });
    }

    const result = perform(op.operationId, params, parsed);
    if (result === undefined) {
      return apiError(
        res,
        record,
        404,
        "RESOURCE_NOT_FOUND",
        "No pending invitation matches this request.",
      );
    }
    const headers: Record<string, string> = { ...rateHeaders };
    if (op.deprecated && options.deprecationHeaders !== false) {
      headers.Deprecation = new Date("2025-06-01T00:00:00Z").toUTCString();
      const sunset = sunsetHttpDate(op.sunset);
      if (sunset) headers.Sunset = sunset;
    }
    const envelope = target.searchParams.get("envelope") === "true";
    const payload = envelope ? { status: 200, content: result } : result;
    record.status = 200;
    const text =
      target.searchParams.get("pretty") === "true"
        ? JSON.stringify(payload, null, 2)
        : JSON.stringify(payload);
    res.writeHead(200, {
      "Content-Type": op.mediaType,
      "Content-Length": Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  function perform(id: OperationId, params: Record<string, string>, body: unknown): unknown {
    switch (id) {
      case "getOrgInvite":
        return invites.getOrgInvite(params.orgId!, params.invitationId!);
      case "updateOrgInviteById": {
        const found = invites.getOrgInvite(params.orgId!, params.invitationId!);
        if (!found) return undefined;
        const change = body as OrganizationInvitationUpdateRequest;
        const next: OrganizationInvitation = {
          ...found,
          ...(change.roles && { roles: change.roles }),
          ...(change.teamIds && { teamIds: change.teamIds }),
          ...(change.groupRoleAssignments && {
            groupRoleAssignments: change.groupRoleAssignments.flatMap((a) =>
              (a.roles ?? []).map((groupRole) => ({ groupId: a.groupId, groupRole })),
            ),
          }),
        };
        invites.putOrgInvite(next);
        return next;
      }
      case "updateGroupInvites": {
        const change = body as GroupInvitationRequest;
        const found = change.username
          ? invites.findGroupInviteByUsername(params.groupId!, change.username)
          : undefined;
        return found && updateGroup(found, change);
      }
      case "updateGroupInviteById": {
        const found = invites.getGroupInvite(params.groupId!, params.invitationId!);
        return found && updateGroup(found, body as GroupInvitationUpdateRequest);
      }
    }
  }

  function updateGroup(
    found: GroupInvitation,
    change: GroupInvitationUpdateRequest,
  ): GroupInvitation {
    const next: GroupInvitation = { ...found };
    if (change.roles) next.roles = change.roles;
    invites.putGroupInvite(next);
    return next;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
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
        apiError(res, record, 500, "UNEXPECTED_ERROR", `fake Atlas failed: ${String(err)}`);
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
