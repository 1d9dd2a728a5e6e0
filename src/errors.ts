/**
 * Typed errors. Every message is one line that says what happened; none of them contains a
 * credential (text from a server passes through the client's scrubber first).
 */
import type { components } from "../generated/atlas.js";
import type { Violation } from "./validation/rules.js";
import { oneLine, type Scrub } from "./text.js";

// The schema is nullable; the error reads a null as absent, so its field is an object or undefined.
type BadRequestDetail = NonNullable<components["schemas"]["BadRequestDetail"]>;

/** Base class of every error this package throws. */
export class AtlasError extends Error {
  override name = "AtlasError";
}

/** Invalid input or options, detected before anything was sent. */
export class AtlasValidationError extends AtlasError {
  override name = "AtlasValidationError";
  constructor(
    message: string,
    /** One entry per broken rule, with the place it concerns. */
    readonly violations: readonly Violation[] = [],
  ) {
    super(message);
  }
}

/** An attempt ran past its timeout (the caller's own `signal` rejects with its reason instead). */
export class AtlasTimeoutError extends AtlasError {
  override name = "AtlasTimeoutError";
  constructor(
    /** The request's method. */
    readonly method: string,
    /** The request's URL, without credentials, query or fragment. */
    readonly url: string,
    /** How long the attempt ran, in ms: its timeout, and any time it waited on for other calls. */
    readonly timeoutMs: number,
    /** What the attempt was doing when its time ran out, when it had not been sent yet. */
    stage?: "waiting for credentials",
  ) {
    super(
      `atlas-invites: ${method} ${url} timed out after ${timeoutMs} ms${stage ? ` while ${stage}` : ""}`,
    );
  }
}

/**
 * Credentials could not be obtained, used or released: the token endpoint refused or failed, a
 * Digest challenge asked for something this client cannot answer, or a revocation failed. The
 * message names the credential by its public half (client id or public key), never by its secret.
 */
export class AtlasAuthError extends AtlasError {
  override name = "AtlasAuthError";
  /** HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;
  /**
   * The OAuth error code of that answer (RFC 6749, section 5.2), such as invalid_client, or
   * Atlas's errorCode when the answer is an Atlas error, such as RATE_LIMITED.
   */
  readonly errorCode: string | undefined;
  constructor(
    message: string,
    init: { status?: number | undefined; errorCode?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.errorCode = init.errorCode;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` when it is a string, else undefined: Atlas error fields are read only with their type. */
const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;

/** What an answer holds: with `envelope: true`, the envelope's `content`; else the body itself. */
export function envelopeContent(body: unknown): unknown {
  return isRecord(body) && typeof body.status === "number" ? body.content : body;
}

/**
 * The Atlas error in a body, or undefined when the body is not one. Atlas's schema requires
 * `error` and `errorCode`, but Atlas leaves `errorCode` out when credentials fail (observed:
 * github.com/mongodb/terraform-provider-mongodbatlas/issues/1327), so a numeric `error` or a
 * textual `detail` or `reason` is enough. With `envelope: true` the error sits in `content`.
 */
function atlasErrorIn(body: unknown): Record<string, unknown> | undefined {
  const value = envelopeContent(body);
  if (!isRecord(value)) return undefined;
  const { error, detail, reason } = value;
  return typeof error === "number" || text(detail) || text(reason) ? value : undefined;
}

/**
 * Applies `scrub` to every string inside a parsed JSON value. Atlas's errors nest a few levels; an
 * array or object more than 100 levels down becomes a note. JSON.parse reads a body nested
 * thousands deep (10 KB of "[" will do), but walking it here, or JSON.stringify for the message,
 * would overflow the stack and the caller would get a RangeError instead of this error.
 */
function scrubDeep(value: unknown, scrub: Scrub, depth = 100): unknown {
  if (typeof value === "string") return scrub(value);
  if (typeof value === "object" && value !== null && depth === 0) return "[nested too deeply]";
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, scrub, depth - 1));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, scrubDeep(v, scrub, depth - 1)]),
    );
  }
  return value;
}

/**
 * Scrubs the status text, header values and URL of `response` when any of them holds a secret: a
 * server may echo the Authorization header in one (Location, Sunset, a debugging header), and the
 * URL of an answer a fetch reached by a redirect is the server's Location. Own properties stand in
 * for the platform's getters, which `response.headers` and util.inspect of the response read.
 */
export function scrubHeaders(response: Response, scrub: Scrub): void {
  const { statusText, url } = response;
  const all = `${statusText}\n${url}\n${[...response.headers].join("\n")}`;
  if (scrub(all) === all) return;
  const headers = new Headers();
  for (const [name, value] of response.headers) headers.append(name, scrub(value));
  const clean = { headers, statusText: scrub(statusText), url: scrub(url) };
  for (const [key, value] of Object.entries(clean)) {
    // A property a custom fetch defined for good stays as it is, rather than fail the call.
    if (Object.getOwnPropertyDescriptor(response, key)?.configurable === false) continue;
    Object.defineProperty(response, key, { value, configurable: true });
  }
}

export interface AtlasApiErrorInit {
  status: number;
  method: string;
  /** The path template, for example /api/atlas/v2/orgs/{orgId}/invites/{invitationId}. */
  path: string;
  /** The request URL without credentials, query or fragment. */
  url: string;
  response: Response;
  /** The body: parsed JSON, the text when it was not JSON, or undefined when there was none. */
  body: unknown;
  /** Set when an answer could not be used, to say why (an empty 200, a redirect, ...). */
  problem?: string;
  /** Removes the client's credentials from server text. */
  scrub?: Scrub;
}

/**
 * Atlas answered with an error status, or with an answer the client could not use. Carries the
 * fields of Atlas's error body when there was one, and the start of the body when there was not.
 *
 * @example
 * try {
 *   await atlas.getOrgUser({ orgId, userId });
 * } catch (err) {
 *   if (isAtlasApiError(err, 404)) console.log("no such user in this organization");
 *   else throw err;
 * }
 */
export class AtlasApiError extends AtlasError {
  override name = "AtlasApiError";
  readonly status: number;
  /** Atlas's machine-readable code. Undefined when Atlas sent none, as on credential failures. */
  readonly errorCode: string | undefined;
  /** Atlas's explanation, whole (the message quotes at most 200 characters of it). */
  readonly detail: string | undefined;
  readonly reason: string | undefined;
  readonly parameters: readonly unknown[] | undefined;
  readonly badRequestDetail: BadRequestDetail | undefined;
  readonly method: string;
  readonly path: string;
  readonly url: string;
  /**
   * The body: parsed JSON (an array or object nested more than 100 levels down replaced by the
   * text "[nested too deeply]"), or the text when it was not JSON.
   */
  readonly body: unknown;
  // Private, so that util.inspect of the error, even with showHidden, neither makes a log long
  // nor shows the platform's internal copy of what the server sent.
  readonly #response: Response;

  constructor(init: AtlasApiErrorInit) {
    const body = scrubDeep(init.body, init.scrub ?? String);
    const found = atlasErrorIn(body);
    const fields = found ?? {};
    const errorCode = text(fields.errorCode);
    const detail = text(fields.detail);
    const reason = text(fields.reason);
    const quoted = typeof body === "string" ? body : "";
    let what: string;
    if (init.problem !== undefined) {
      what = quoted ? `${init.problem}: ${oneLine(quoted)}` : init.problem;
    } else if (found) {
      // `||`: an empty detail or reason says nothing, so the next field is quoted instead.
      what = oneLine(detail || reason || errorCode || "no detail");
      // Atlas refuses failed credentials with a 401 and no errorCode, in words that read like a
      // missing role ("You are not authorized for this resource.", observed); a missing role
      // comes with USER_UNAUTHORIZED. Say which one this is.
      if (init.status === 401 && errorCode === undefined) what += " (the credentials were refused)";
    } else if (body === undefined || body === "") {
      what = "empty response body";
    } else {
      what = `the response body is not an Atlas error: ${oneLine(quoted || JSON.stringify(body))}`;
    }
    if (init.scrub) scrubHeaders(init.response, init.scrub);
    // Quoted so a log says how long Atlas asked to wait; the client retries no longer than
    // retry.maxDelayMs allows, so a longer wait ends the call here.
    const wait =
      init.status === 429 || init.status === 503 ? init.response.headers.get("Retry-After") : null;
    if (wait !== null) what += ` (Retry-After: ${oneLine(wait, 40)})`;
    const code = errorCode === undefined ? "" : ` ${oneLine(errorCode, 60)}`;
    super(`[${init.status}${code}] ${init.method} ${init.path}: ${what}`);
    this.status = init.status;
    this.errorCode = errorCode;
    this.detail = detail;
    this.reason = reason;
    this.parameters = Array.isArray(fields.parameters) ? fields.parameters : undefined;
    this.badRequestDetail = isRecord(fields.badRequestDetail) ? fields.badRequestDetail : undefined;
    this.method = init.method;
    this.path = init.path;
    this.url = init.url;
    this.body = body;
    this.#response = init.response;
  }

  /** The response: its status text, headers and body readers scrubbed like `body`. */
  get response(): Response {
    return this.#response;
  }
}

/**
 * What `isAtlasApiError(err, match)` makes of `err`: an AtlasApiError whose `status` (a number) or
 * `errorCode` (a string) is `match`. Spelling the match out, rather than claiming a bare
 * AtlasApiError, is what lets the `else` branch keep the AtlasApiErrors with another status: a
 * variable typed `AtlasApiError` is not narrowed to `never` there.
 */
export type AtlasApiErrorMatching<M extends number | string | undefined> = AtlasApiError &
  (M extends number
    ? { readonly status: M }
    : M extends string
      ? { readonly errorCode: M }
      : unknown);

/**
 * True when `err` is an AtlasApiError and, when `match` is given, has that HTTP status (a number)
 * or that Atlas error code (a string). With a literal `match` (`404`, `"USER_UNAUTHORIZED"`), the
 * `if` branch knows `err.status` or `err.errorCode` is that value, and the `else` branch still
 * holds the AtlasApiErrors with another one. A `match` known only as `number` or `string` tells
 * the `if` branch no more than AtlasApiError, and TypeScript reads its false as "not an
 * AtlasApiError": for a value already typed AtlasApiError, compare `err.status` yourself instead.
 * Passed as is to an array method (`outcomes.filter(isAtlasApiError)`), it matches no status.
 *
 * @example
 * if (isAtlasApiError(err, 404)) console.log("not found");
 * else if (isAtlasApiError(err, "USER_UNAUTHORIZED")) console.log("these credentials lack the role");
 */
export function isAtlasApiError(err: unknown): err is AtlasApiError;
export function isAtlasApiError<M extends number | string | undefined>(
  err: unknown,
  match: M,
): err is AtlasApiErrorMatching<M>;
export function isAtlasApiError(
  err: unknown,
  match?: number | string,
  ...from: unknown[]
): boolean {
  if (!(err instanceof AtlasApiError)) return false;
  // Passed as is to filter, some, find or map, it gets the element's index and then the array:
  // that index is no status to match.
  if (match === undefined || from.length > 0) return true;
  return typeof match === "number" ? err.status === match : err.errorCode === match;
}
