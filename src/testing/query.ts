/**
 * The query of a request, typed the way the spec declares each parameter, so the generated
 * validators (which check values, not text) can judge it. A value that does not read as its type
 * ("yes" for a boolean) is kept as text, and the validator then reports it.
 */
import { operationDetails } from "../../generated/operations.js";
import type { Operation } from "../operations.js";
import { splitTarget } from "./routes.js";

/**
 * The schema type of every query parameter the spec declares (openapi/components/parameters).
 * test/fake-atlas.test.ts checks this table against generated/openapi.json.
 */
export const QUERY_TYPES: Readonly<Record<string, "boolean" | "integer" | "string" | "array">> = {
  envelope: "boolean",
  pretty: "boolean",
  includeCount: "boolean",
  flattenTeams: "boolean",
  includeOrgUsers: "boolean",
  itemsPerPage: "integer",
  pageNum: "integer",
  username: "string",
  orgMembershipStatus: "string",
  orgMembershipStatuses: "array",
};

function typed(type: string | undefined, text: string): unknown {
  if (type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  // Any run of digits is a number; one too large to be exact is left to the validator to refuse.
  if (type === "integer") return /^-?\d+$/.test(text) ? Number(text) : text;
  return text;
}

/**
 * The operation's query parameters with their values typed. Parameters the operation does not
 * declare are left out: whether Atlas refuses or ignores them is not public, and the fake ignores
 * them (a guess). A parameter that is not an array and comes more than once counts with its
 * first value (a guess too).
 */
export function typedQuery(op: Operation, query: Map<string, string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of operationDetails[op.operationId].queryParams as readonly string[]) {
    const values = query.get(name);
    if (values === undefined) continue;
    const type = QUERY_TYPES[name];
    out[name] = type === "array" ? values : typed(type, values[0]!);
  }
  return out;
}

/** Percent-decodes a query component, keeping it as it came when it cannot be decoded. */
function lenientDecode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

/**
 * Whether a request asks for the envelope: its first `envelope` value is `true`, the rule the
 * typed query follows (every operation declares `envelope`). Read from the raw target, so that
 * answers given before the query is checked, or because it is malformed, are wrapped too.
 */
export function wantsEnvelope(url: string): boolean {
  for (const pair of splitTarget(url).query.split("&")) {
    const eq = pair.indexOf("=");
    if (lenientDecode(eq === -1 ? pair : pair.slice(0, eq)) !== "envelope") continue;
    return eq !== -1 && lenientDecode(pair.slice(eq + 1)) === "true";
  }
  return false;
}
