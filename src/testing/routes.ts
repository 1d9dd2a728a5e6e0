/**
 * The fake Atlas's one route matcher. The server and fault injection both ask it which operation
 * a request is for, so a fault scoped to an operation fires exactly where the server would have
 * answered that operation.
 *
 * Matching works on the request target as it arrived (RFC 9112, section 3.2): the path is split
 * on "/" before anything is decoded, so an encoded slash (%2F) stays inside one path parameter,
 * and the colon of a custom method (`.../users/{userId}:addRole`) is matched as sent, unencoded.
 * Path parameters and query values are then percent-decoded strictly: a "%" without two hex
 * digits after it, or bytes that are not UTF-8, make the target malformed (the server answers
 * 400) instead of throwing.
 */
import { operations, type Operation, type OperationId } from "../operations.js";

interface Segment {
  /** A fixed segment, such as "users". */
  literal?: string;
  /** The parameter a segment captures, such as "userId". */
  param?: string;
  /** What follows the parameter inside the same segment, such as ":addRole". */
  suffix?: string;
}

interface Route {
  op: Operation;
  segments: Segment[];
  /** Characters the route fixes (literal segments and suffixes); the most specific route wins. */
  fixed: number;
}

const ROUTES: Route[] = (Object.values(operations) as Operation[]).map((op) => {
  const segments = op.path
    .split("/")
    .slice(1)
    .map((part): Segment => {
      const m = /^\{([^{}]+)\}(.*)$/.exec(part);
      return m ? { param: m[1]!, suffix: m[2]! } : { literal: part };
    });
  const fixed = segments.reduce((n, s) => n + (s.literal ?? s.suffix ?? "").length, 0);
  return { op, segments, fixed };
});

/** The parts of a request target, still percent-encoded. */
export interface Target {
  /** The path, as sent (no query). */
  path: string;
  /** The query without its "?", as sent; "" when there is none. */
  query: string;
}

/**
 * Splits a request target into path and query. Origin-form (`/a/b?c`) is the usual form;
 * absolute-form (`http://host/a/b?c`, RFC 9112, section 3.2.2) is accepted too. Anything else
 * (`*`, authority-form) has no path, and an empty path is returned for it.
 */
export function splitTarget(url: string): Target {
  let rest = url;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
  if (absolute) rest = rest.slice(absolute[0].length) || "/";
  if (!rest.startsWith("/")) return { path: "", query: "" };
  const hash = rest.indexOf("#");
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf("?");
  return q === -1
    ? { path: rest, query: "" }
    : { path: rest.slice(0, q), query: rest.slice(q + 1) };
}

/** Thrown by the strict decoders; the server turns it into a 400. */
export class MalformedTarget extends Error {
  override name = "MalformedTarget";
}

/** Percent-decodes one component, refusing what decodeURIComponent would throw on. */
export function decodeStrict(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new MalformedTarget(`${what} is not valid percent-encoded UTF-8`);
  }
}

/**
 * The query's parameters, each with every value it was sent with, in order (an array parameter
 * is sent once per value). `+` means a space, as in HTML forms.
 */
export function parseQuery(query: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (query === "") return out;
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? "" : pair.slice(eq + 1);
    const name = decodeStrict(rawName.replace(/\+/g, " "), "a query parameter name");
    const value = decodeStrict(rawValue.replace(/\+/g, " "), `the query parameter ${name}`);
    const values = out.get(name) ?? [];
    values.push(value);
    out.set(name, values);
  }
  return out;
}

/** What a request target is, for a method. */
export type RouteMatch =
  /** An operation of the spec, with its path parameters decoded. */
  | { kind: "operation"; op: Operation; params: Record<string, string> }
  /** A path of the spec, but no operation with this method there; `allowed` lists the methods. */
  | { kind: "wrongMethod"; allowed: string[] }
  /** No path of the spec. */
  | { kind: "unknown" }
  /** The path cannot be decoded. */
  | { kind: "malformed"; detail: string };

interface Candidate {
  route: Route;
  raw: Record<string, string>;
}

function candidates(path: string): Candidate[] {
  const parts = path.split("/").slice(1);
  const found: Candidate[] = [];
  for (const route of ROUTES) {
    if (route.segments.length !== parts.length) continue;
    const raw: Record<string, string> = {};
    const fits = route.segments.every((segment, i) => {
      const part = parts[i]!;
      if (segment.literal !== undefined) return part === segment.literal;
      const suffix = segment.suffix ?? "";
      if (!part.endsWith(suffix) || part.length === suffix.length) return false;
      raw[segment.param!] = part.slice(0, part.length - suffix.length);
      return true;
    });
    if (fits) found.push({ route, raw });
  }
  // `/users/abc:addRole` fits both `{userId}:addRole` and `{userId}` (with userId
  // "abc:addRole"); the route that fixes more of the path is the one the path belongs to.
  const best = Math.max(0, ...found.map((c) => c.route.fixed));
  return found.filter((c) => c.route.fixed === best);
}

/** Which operation a method and a raw path are for. */
export function matchRoute(method: string, path: string): RouteMatch {
  if (/%(?![0-9a-fA-F]{2})/.test(path)) {
    return { kind: "malformed", detail: "The path has a % that does not start a %XX escape." };
  }
  const found = candidates(path);
  if (found.length === 0) return { kind: "unknown" };
  const hit = found.find((c) => c.route.op.method === method);
  if (!hit) {
    return { kind: "wrongMethod", allowed: [...new Set(found.map((c) => c.route.op.method))] };
  }
  const params: Record<string, string> = {};
  try {
    for (const [name, raw] of Object.entries(hit.raw)) {
      params[name] = decodeStrict(raw, `the path parameter ${name}`);
    }
  } catch (error) {
    return { kind: "malformed", detail: `${(error as Error).message}.` };
  }
  return { kind: "operation", op: hit.route.op, params };
}

/** The operationId a request is for, or undefined when it is for none (or malformed). */
export function operationIdOf(method: string, url: string): OperationId | undefined {
  const match = matchRoute(method, splitTarget(url).path);
  return match.kind === "operation" ? match.op.operationId : undefined;
}
