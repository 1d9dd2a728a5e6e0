/**
 * The shape of a drift report. The text report and `--json` are two views of this one structure.
 */

/**
 * - `breaking`: our client would send something Atlas rejects, or mistype what Atlas returns.
 * - `notable`: the contract moved in a way a maintainer should act on, but calls keep working.
 * - `cosmetic`: prose only (descriptions, summaries, titles, tags); hidden unless `--all`.
 */
export type Severity = "breaking" | "notable" | "cosmetic";

export const SEVERITIES: readonly Severity[] = ["breaking", "notable", "cosmetic"];

export interface Difference {
  severity: Severity;
  /** Stable machine-readable name of the kind of change, for example `enum-value-removed`. */
  kind: string;
  /** Where in the operation: `response 200 application/vnd.atlas.2023-01-01+json body.roles[]`. */
  where: string;
  /** One readable sentence saying what changed and what it means for a client. */
  message: string;
  ours?: unknown;
  upstream?: unknown;
}

export interface OperationLocation {
  operationId: string | null;
  method: string;
  path: string;
}

export interface OperationReport {
  operationId: string;
  method: string;
  path: string;
  /** Where the operation was found upstream; `null` when it was not found at all. */
  upstream: OperationLocation | null;
  differences: Difference[];
}

export type Counts = Record<Severity, number>;

export interface DriftReport {
  upstream: { source: string; title: string | null; version: string | null };
  operations: OperationReport[];
  /** Differences in the security schemes our operations rely on (shared by all of them). */
  securitySchemes: Difference[];
  /** Counts over every difference found, including those a view hides. */
  counts: Counts;
  /** `$ref`s that could not be followed, on either side. */
  problems: string[];
}
