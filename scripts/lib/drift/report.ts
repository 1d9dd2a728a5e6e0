/**
 * The two views of a drift report: readable text grouped by operation, and the same as JSON.
 * Cosmetic differences are counted always but listed only with `--all`.
 */
import { SEVERITIES, type Difference, type DriftReport, type Severity } from "./types.js";

export interface ViewOptions {
  /** List cosmetic differences too. */
  all?: boolean;
}

/** 0 when nothing is breaking, 1 when something is. (2, unreadable input, is the CLI's.) */
export function exitCodeFor(report: DriftReport): 0 | 1 {
  return report.counts.breaking > 0 ? 1 : 0;
}

function shownSeverities(options: ViewOptions): Severity[] {
  return options.all ? [...SEVERITIES] : ["breaking", "notable"];
}

function rank(d: Difference): number {
  return SEVERITIES.indexOf(d.severity);
}

/** Breaking first, then notable, then cosmetic; document order within each. */
function ordered(differences: Difference[], shown: Severity[]): Difference[] {
  return differences
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => shown.includes(d.severity))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .map(({ d }) => d);
}

export interface DriftReportView extends DriftReport {
  /** Which severities the lists hold. */
  shown: Severity[];
  exitCode: 0 | 1;
}

/** The report as data, with the same differences the text view lists. */
export function toJsonView(report: DriftReport, options: ViewOptions = {}): DriftReportView {
  const shown = shownSeverities(options);
  return {
    ...report,
    operations: report.operations.map((op) => ({
      ...op,
      differences: ordered(op.differences, shown),
    })),
    securitySchemes: ordered(report.securitySchemes, shown),
    shown,
    exitCode: exitCodeFor(report),
  };
}

const LABEL: Record<Severity, string> = {
  breaking: "BREAKING",
  notable: "notable ",
  cosmetic: "cosmetic",
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

const STATUS_PREFIX = /^response (\S+)( .*)?$/;

/**
 * Merges lines that differ only in the response status: a change to the shared error schema
 * reads once as `responses 400, 401, 404 application/json body.detail`, not once per status.
 */
function collapse(differences: Difference[]): string[] {
  const groups = new Map<string, { d: Difference; statuses: string[] }>();
  const lines: string[] = [];
  for (const d of differences) {
    const match = STATUS_PREFIX.exec(d.where);
    if (!match) {
      lines.push(`  ${LABEL[d.severity]}  ${d.where}: ${d.message}`);
      continue;
    }
    const key = `${d.severity}\u0000${d.kind}\u0000${match[2] ?? ""}\u0000${d.message}`;
    const group = groups.get(key);
    if (group) {
      group.statuses.push(match[1] ?? "");
      continue;
    }
    const entry = { d, statuses: [match[1] ?? ""] };
    groups.set(key, entry);
    // Placeholder, filled in once every status of the group is known.
    lines.push(key);
  }
  return lines.map((line) => {
    const group = groups.get(line);
    if (!group) return line;
    const { d, statuses } = group;
    const rest = STATUS_PREFIX.exec(d.where)?.[2] ?? "";
    const where = `${statuses.length > 1 ? "responses" : "response"} ${statuses.join(", ")}${rest}`;
    return `  ${LABEL[d.severity]}  ${where}: ${d.message}`;
  });
}

function section(lines: string[], differences: Difference[], all: Difference[]): void {
  lines.push(...collapse(differences));
  const hidden = all.length - differences.length;
  if (differences.length === 0) {
    lines.push(
      hidden > 0
        ? `  no breaking or notable differences (${plural(hidden, "cosmetic difference")} hidden)`
        : "  no differences",
    );
  }
}

/** The report as text for people, grouped by operation. */
export function formatText(report: DriftReport, options: ViewOptions = {}): string {
  const shown = shownSeverities(options);
  const { counts, upstream } = report;
  const lines: string[] = [];
  const about = [upstream.title, upstream.version].filter(Boolean).join(" ");
  lines.push(`Drift report: ${upstream.source}${about ? ` (${about})` : ""}`);
  const total = counts.breaking + counts.notable + counts.cosmetic;
  let summary = `${plural(report.operations.length, "operation")} compared: ${counts.breaking} breaking, ${counts.notable} notable, ${counts.cosmetic} cosmetic`;
  if (!options.all && counts.cosmetic > 0) summary += " (cosmetic hidden; --all lists them)";
  lines.push(total === 0 ? `${summary}. Upstream matches our spec.` : summary);

  for (const op of report.operations) {
    lines.push("", `${op.operationId}  ${op.method} ${op.path}`);
    if (op.upstream === null) {
      lines.push("  upstream: not found");
    } else if (
      op.upstream.operationId !== op.operationId ||
      op.upstream.method !== op.method ||
      op.upstream.path !== op.path
    ) {
      lines.push(
        `  upstream: ${op.upstream.operationId ?? "(no operationId)"}  ${op.upstream.method} ${op.upstream.path}`,
      );
    }
    section(lines, ordered(op.differences, shown), op.differences);
  }
  lines.push("", "Security schemes");
  section(lines, ordered(report.securitySchemes, shown), report.securitySchemes);
  if (report.problems.length > 0) {
    lines.push("", "Problems (parts that could not be compared)");
    for (const p of report.problems) lines.push(`  ${p}`);
  }
  lines.push(
    "",
    counts.breaking > 0
      ? `Result: ${plural(counts.breaking, "breaking difference")} (exit 1)`
      : "Result: nothing breaking (exit 0)",
  );
  return `${lines.join("\n")}\n`;
}
