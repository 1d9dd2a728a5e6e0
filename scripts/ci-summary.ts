// Prints the one summary line CI reads, computed from the result files that the test runs wrote:
// vitest JSON reports and the small {passed, failed} files of the package and browser checks.
// Usage: ci-summary.ts <number of failed steps> [failed steps that wrote no results...]
// A step that failed without writing results counts as one failed test, so nothing is hidden.
import { existsSync, readdirSync, readFileSync } from "node:fs";

interface VitestReport {
  numPassedTests?: number;
  numFailedTests: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: { status: string; assertionResults?: unknown[] }[];
}

const failedStepCount = Number(process.argv[2] ?? 0);
const unreported = process.argv.slice(3);
let passed = 0;
let failed = 0;
let skipped = 0;

const dir = ".tmp/ci";
for (const file of existsSync(dir) ? readdirSync(dir) : []) {
  if (!file.endsWith(".json")) continue;
  const data = JSON.parse(readFileSync(`${dir}/${file}`, "utf8")) as VitestReport;
  if (typeof data.numPassedTests === "number") {
    passed += data.numPassedTests;
    failed += data.numFailedTests;
    skipped += (data.numPendingTests ?? 0) + (data.numTodoTests ?? 0);
    // A file that failed to load (syntax error, failed import) has no test results of its own.
    failed += (data.testResults ?? []).filter(
      (r) => r.status === "failed" && (r.assertionResults ?? []).length === 0,
    ).length;
  }
}
for (const extra of [".tmp/test-package.json", "dist/docs/browser-results.json"]) {
  if (!existsSync(extra)) continue;
  const data = JSON.parse(readFileSync(extra, "utf8")) as { passed?: number; failed?: number };
  passed += data.passed ?? 0;
  failed += data.failed ?? 0;
}
failed += unreported.length;
if (unreported.length > 0) console.log(`failed without results: ${unreported.join(", ")}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failedStepCount > 0 || failed > 0 ? 1 : 0);
