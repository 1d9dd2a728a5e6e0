// Prints the one summary line CI reads, computed from the result files that the test runs wrote:
// vitest JSON reports and the small {passed, failed} files of the package and browser checks.
// Usage: ci-summary.ts [<failed step> <the result file it writes, or "">]...
// A failed step counts as one failed test unless its result file shows a failed test: it may have
// written no results, or results that are all green although the run failed (vitest exits 1 on
// an error thrown outside any test and still reports every test as passed). Nothing is hidden.
import { existsSync, readdirSync, readFileSync } from "node:fs";

interface VitestReport {
  numPassedTests?: number;
  numFailedTests: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: { status: string; assertionResults?: unknown[] }[];
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** The counts in one result file, or null when it is absent, empty or not JSON. */
function countsOf(file: string): Counts | null {
  let data: VitestReport & { passed?: number; failed?: number };
  try {
    data = JSON.parse(readFileSync(file, "utf8")) as typeof data;
  } catch {
    return null;
  }
  if (typeof data.numPassedTests !== "number") {
    return { passed: data.passed ?? 0, failed: data.failed ?? 0, skipped: 0 };
  }
  return {
    passed: data.numPassedTests,
    // A file that failed to load (syntax error, failed import) has no test results of its own.
    failed:
      data.numFailedTests +
      (data.testResults ?? []).filter(
        (r) => r.status === "failed" && (r.assertionResults ?? []).length === 0,
      ).length,
    skipped: (data.numPendingTests ?? 0) + (data.numTodoTests ?? 0),
  };
}

const failedSteps: { name: string; results: string }[] = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) {
  failedSteps.push({ name: args[i] ?? "", results: args[i + 1] ?? "" });
}

const dir = ".tmp/ci";
const files = [
  ...(existsSync(dir) ? readdirSync(dir) : [])
    .filter((file) => file.endsWith(".json"))
    .map((file) => `${dir}/${file}`),
  ".tmp/test-package.json",
  "dist/docs/browser-results.json",
];
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
for (const file of files) {
  const counts = countsOf(file);
  if (!counts) continue;
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}

const withoutResults: string[] = [];
const withoutFailedTest: string[] = [];
for (const step of failedSteps) {
  const counts = step.results === "" ? null : countsOf(step.results);
  if (!counts) withoutResults.push(step.name);
  else if (counts.failed === 0) withoutFailedTest.push(step.name);
}
total.failed += withoutResults.length + withoutFailedTest.length;
if (withoutResults.length > 0) {
  console.log(`failed without results: ${withoutResults.join(", ")}`);
}
if (withoutFailedTest.length > 0) {
  console.log(`failed although no test failed: ${withoutFailedTest.join(", ")}`);
}
const { passed, failed, skipped } = total;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failedSteps.length > 0 || failed > 0 ? 1 : 0);
