/**
 * Steps 3 to 8 of the order fake-atlas.ts lists, for a request that no fault took over and no
 * token endpoint owns: credentials, routing, the version in Accept, the rate limit, the caller's
 * role, parameters and body, then the operation itself and its 200.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { operationDetails } from "../../generated/operations.js";
import { requestValidators, validateInput } from "../../generated/validators.js";
import {
  credentialsFailed,
  invalidEnumValue,
  invalidVersionDate,
  rateLimited,
  unobserved,
  userUnauthorized,
  type ErrorAnswer,
  type RateBucket,
} from "./answers.js";
import type { FakeAuthScheme } from "./auth-scheme.js";
import { badRequest } from "./bad-request.js";
import type { FakeAtlasOptions, RecordedRequest } from "./fake-atlas-types.js";
import { perform } from "./handlers.js";
import { LEGACY_LIST_VERSION, mediaTypesOf, pickMediaType } from "./negotiation.js";
import { typedQuery, wantsEnvelope } from "./query.js";
import type { Caller, RoleRules } from "./roles.js";
import { matchRoute, MalformedTarget, parseQuery, splitTarget } from "./routes.js";
import type { FakeInvites } from "./store.js";
import type { FakeUsers } from "./users.js";

/**
 * A YYYY-MM-DD day as the HTTP-date Atlas's Deprecation and Sunset headers carry. MongoDB's
 * versioning page shows them with the day of the month unpadded ("Wed, 1 Feb 2023 00:00:00 GMT",
 * https://www.mongodb.com/docs/atlas/api/versioned-api-overview/), so the fake writes them so too.
 */
function httpDate(day: string): string {
  return new Date(`${day}T00:00:00Z`).toUTCString().replace(/, 0(\d) /, ", $1 ");
}

/** When the fake says the deprecated operations were deprecated (the real date is not public). */
const DEPRECATED_SINCE = httpDate("2025-06-01");

/**
 * Sends an error answer as JSON and records its status. With `envelope=true` the body is wrapped
 * as `{ status, content }` like a success's: the spec describes the envelope for every answer and
 * makes no exception for errors. The HTTP status stays the error's; whether Atlas keeps it too
 * (or answers 200 around the error) is not public, so that part is a guess.
 */
export function reply(res: ServerResponse, record: RecordedRequest, answer: ErrorAnswer): void {
  record.status = answer.status;
  const body = wantsEnvelope(record.url)
    ? { status: answer.status, content: answer.body }
    : answer.body;
  const text = JSON.stringify(body);
  // Error bodies are application/json whatever version was asked for (the spec's responses).
  res.writeHead(answer.status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...answer.headers,
  });
  res.end(text);
}

/** The parts of one fake Atlas that its API handler works with. */
export interface ApiParts {
  /** The rate limit: requests allowed per window. */
  bucket: RateBucket;
  /** The auth schemes to ask, in this order. */
  schemes: readonly FakeAuthScheme[];
  /** The kind of credential each built-in scheme stands for; any other scheme is "custom". */
  kinds: ReadonlyMap<FakeAuthScheme, Caller["kind"]>;
  roles: RoleRules;
  invites: FakeInvites;
  users: FakeUsers;
  /** The fake's base URL, known once the server listens. */
  url: () => string;
}

/** Answers one request whose body has been read, filling in its record. */
export type ApiHandler = ((
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
  record: RecordedRequest,
) => void) & {
  /** Opens a new rate-limit window now, with no request counted yet. */
  resetRateLimit(): void;
};

/**
 * Makes the API handler of one fake Atlas. It keeps the fake's rate-limit window, which opens
 * now; `options.deprecationHeaders` is read on each answer.
 */
export function createApiHandler(options: FakeAtlasOptions, parts: ApiParts): ApiHandler {
  const { schemes, kinds, roles, invites, users, url } = parts;
  const { capacity: limit, windowMs } = parts.bucket;
  let windowStart = Date.now();
  let used = 0;

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

    const mediaType = pickMediaType(req.headers.accept, mediaTypesOf(op));
    if (mediaType === undefined) return reply(res, record, invalidVersionDate());

    if (Date.now() - windowStart >= windowMs) {
      windowStart = Date.now();
      used = 0;
    }
    used++;
    // Without a limit there is nothing to report: "Infinity" is no header value a client reads.
    const rateHeaders: Record<string, string> = Number.isFinite(limit)
      ? {
          "RateLimit-Limit": String(limit),
          "RateLimit-Remaining": String(Math.max(0, limit - used)),
        }
      : {};
    if (used > limit) {
      const wait = Math.ceil((windowStart + windowMs - Date.now()) / 1000);
      const answer = rateLimited(target.path, parts.bucket, Math.max(1, wait));
      answer.headers = { ...rateHeaders, "Retry-After": String(Math.max(1, wait)) };
      return reply(res, record, answer);
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
      { invites, users, baseUrl: url() },
    );
    if (!outcome.ok) return reply(res, record, outcome.answer);

    const headers: Record<string, string> = { ...rateHeaders };
    const legacy = mediaType === LEGACY_LIST_VERSION.mediaType;
    if ((op.deprecated || legacy) && options.deprecationHeaders !== false) {
      headers.Deprecation = DEPRECATED_SINCE;
      const sunset = legacy ? LEGACY_LIST_VERSION.sunset : op.sunset;
      if (sunset) headers.Sunset = httpDate(sunset);
    }
    // With envelope=true a single item is wrapped as { status, content }; a list's page is its own
    // envelope and gets `status` beside `results` (MongoDB's description of `envelope`).
    const envelope = query.envelope === true;
    const payload = !envelope
      ? outcome.body
      : op.pageSize !== null
        ? { ...(outcome.body as object), status: 200 }
        : { status: 200, content: outcome.body };
    record.status = 200;
    const text = query.pretty === true ? JSON.stringify(payload, null, 2) : JSON.stringify(payload);
    res.writeHead(200, {
      "Content-Type": mediaType,
      "Content-Length": Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }
  return Object.assign(handleApi, {
    resetRateLimit() {
      windowStart = Date.now();
      used = 0;
    },
  });
}
