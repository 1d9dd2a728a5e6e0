/**
 * One row per metric, as written to bench/results.json, and the table printed at the end of a
 * run. Every value is measured in the run that reports it; nothing here is a stored figure.
 */

export interface Result {
  name: string;
  /** The measured figure, or null when the metric could not be measured in this run. */
  value: number | null;
  unit: string;
  /** The figure it is compared with, measured in the same run (null when there is none). */
  baseline: number | null;
  /**
   * How value compares with baseline: value / baseline, except for timings, where it is the
   * median of the per-round ratios (loopback HTTP) or of ours-over-raw / openapi-fetch-over-raw.
   */
  ratio: number | null;
  /** The target in words, for example "<= 1.01". */
  target: string;
  /** Whether the target was met; null when the metric was not measured or only reported. */
  met: boolean | null;
}

/** What a metric hands back: its rows, and lines that explain them in BENCHMARKS.md. */
export interface MetricReport {
  results: Result[];
  details: string[];
  /** For each missed target: what the figures of this run say about why. */
  misses?: string[];
  /** Commands or programs the metric ran, for the "exact commands" section. */
  commands: string[];
}

export function ratioOf(value: number | null, baseline: number | null): number | null {
  if (value === null || baseline === null || baseline === 0) return null;
  return value / baseline;
}

/** Rounds for display: integers keep every digit, small figures up to three decimals. */
export function show(value: number | null): string {
  if (value === null) return "-";
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString("en-US");
  if (abs >= 10) return value.toFixed(1);
  return String(Number(value.toFixed(3)));
}

function verdict(met: boolean | null): string {
  if (met === null) return "reported";
  return met ? "met" : "MISSED";
}

/** A figure with its unit; microseconds keep one decimal, which is all the noise allows. */
function withUnit(value: number, unit: string): string {
  const figure = unit.startsWith("µs") && Math.abs(value) < 100 ? value.toFixed(1) : show(value);
  return `${figure} ${unit}`;
}

export function tableRows(results: Result[]): string[][] {
  return results.map((r) => [
    r.name,
    r.value === null ? "not measured" : withUnit(r.value, r.unit),
    r.baseline === null ? "-" : withUnit(r.baseline, r.unit),
    r.ratio === null ? "-" : `${r.ratio.toFixed(2)}x`,
    r.target,
    verdict(r.met),
  ]);
}

export const TABLE_HEADER = ["metric", "value", "baseline", "ratio", "target", "result"];

/** A plain-text table for the terminal. */
export function textTable(results: Result[]): string {
  const rows = [TABLE_HEADER, ...tableRows(results)];
  const widths = TABLE_HEADER.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)]
    .join("\n")
    .trimEnd();
}

/** The same table in Markdown. */
export function markdownTable(results: Result[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, "\\|");
  const rows = tableRows(results).map((row) => `| ${row.map(escape).join(" | ")} |`);
  return [`| ${TABLE_HEADER.join(" | ")} |`, "|---|---:|---:|---:|---|---|", ...rows].join("\n");
}
