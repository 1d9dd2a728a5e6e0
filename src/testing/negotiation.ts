/**
 * Which version a request asks for. Atlas picks the resource version from the media type in
 * `Accept` (application/vnd.atlas.YYYY-MM-DD+json) and answers 406 when none of the versions it
 * serves is acceptable.
 *
 * The header is read as RFC 9110, section 12.5.1 defines it: a comma-separated list of media
 * ranges, each with an optional weight `q` from 0 to 1, where `q=0` means "not acceptable". A
 * version named with q=0 is therefore a refusal, not a request. Only ranges that name a version
 * exactly count: a wildcard (`*\/*`, `application/*`) or plain `application/json` names none.
 */

interface Range {
  type: string;
  q: number;
}

/** RFC 9110, section 12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ). */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** Splits on commas that are not inside a quoted string. */
function splitList(header: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i]!;
    if (quoted && c === "\\" && i + 1 < header.length) {
      current += c + header[++i]!;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) {
      out.push(current);
      current = "";
    } else current += c;
  }
  out.push(current);
  return out;
}

function parseRange(text: string): Range | undefined {
  const [mediaType = "", ...params] = text.split(";");
  const type = mediaType.trim().toLowerCase();
  if (!/^[^\s/]+\/[^\s/]+$/.test(type)) return undefined;
  let q = 1;
  for (const param of params) {
    const eq = param.indexOf("=");
    if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== "q") continue;
    const value = param.slice(eq + 1).trim();
    // A weight that is not a qvalue makes the range unusable rather than silently acceptable.
    if (!QVALUE.test(value)) return undefined;
    q = Number(value);
  }
  return { type, q };
}

/**
 * The media type to answer with: among `offered` (newest version first), the one the header
 * weighs highest, the newer one on a tie; undefined when none is acceptable.
 */
export function pickMediaType(
  accept: string | undefined,
  offered: readonly string[],
): string | undefined {
  if (accept === undefined) return undefined;
  const ranges = splitList(accept)
    .map(parseRange)
    .filter((r): r is Range => r !== undefined);
  let best: { type: string; q: number } | undefined;
  for (const type of offered) {
    // The highest weight given to this exact type; a later range cannot lift a refusal, because
    // RFC 9110 lets the most specific matching range decide, and these are all equally specific.
    const weights = ranges.filter((r) => r.type === type.toLowerCase()).map((r) => r.q);
    if (weights.length === 0) continue;
    const q = weights.includes(0) ? 0 : Math.max(...weights);
    if (q > 0 && (best === undefined || q > best.q)) best = { type, q };
  }
  return best?.type;
}

/**
 * The list operations also still answer the older 2023-01-01 version, with its own schema
 * (PaginatedAppUserView), and that version has a sunset date (the spec's x-sunset on it).
 * test/fake-atlas.test.ts checks both against generated/openapi.json.
 */
export const LEGACY_LIST_VERSION = {
  mediaType: "application/vnd.atlas.2023-01-01+json",
  operations: ["listOrgUsers", "listGroupUsers"] as readonly string[],
  sunset: "2027-07-01",
} as const;

/** The media types an operation answers with, newest version first. */
export function mediaTypesOf(op: { operationId: string; mediaType: string }): string[] {
  return LEGACY_LIST_VERSION.operations.includes(op.operationId)
    ? [op.mediaType, LEGACY_LIST_VERSION.mediaType]
    : [op.mediaType];
}
