// Prints the one summary line CI reads, computed from the result files that the test runs wrote:
// vitest JSON reports in .tmp/ci and the small {passed, failed} files of the package checks, their
// self-test and the browser check.
// Usage: ci-summary.ts [<failed step> <the result file it was to write, or "">]...
// Every failed step shows up as at least one failure, so the line never says "0 failed" after a
// failed step: one that wrote no results counts as one failed test, and so does one whose results
// show no failed test (vitest exits 1 on an error thrown outside any test, such as an unhandled
// rejection, yet its report then counts every test as passed).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

interface VitestReport {
  numPassedTests?: number;
  numFailedTests: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: { status: string; assertionResults?: { status: string }[] }[];
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** The counts of one result file; a file that cannot be read as JSON counts as one failure. */
function countsOf(file: string): Counts {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    console.log(`unreadable result file: ${file}`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const report = data as VitestReport;
  if (typeof report.numPassedTests === "number") {
    // A file that failed with no failed test of its own: it did not load (syntax error, failed
    // import), or a beforeAll/afterAll hook threw, which vitest reports on the file or suite only.
    const fileFailures = (report.testResults ?? []).filter(
      (r) =>
        r.status === "failed" && !(r.assertionResults ?? []).some((a) => a.status === "failed"),
    ).length;
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests + fileFailures,
      skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    };
  }
  const small = data as { passed?: number; failed?: number };
  return { passed: small.passed ?? 0, failed: small.failed ?? 0, skipped: 0 };
}

const hasResults = (file: string) => file !== "" && existsSync(file) && statSync(file).size > 0;

const args = process.argv.slice(2);
if (args.length % 2 !== 0) {
  console.log('ci-summary: expected pairs of <failed step> <result file or "">');
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const files: string[] = [];
const dir = ".tmp/ci";
for (const file of existsSync(dir) ? readdirSync(dir) : []) {
  if (file.endsWith(".json")) files.push(path.join(dir, file));
}
for (const extra of [
  ".tmp/test-package.json",
  ".tmp/test-package-self-test.json",
  "dist/docs/browser-results.json",
]) {
  if (hasResults(extra)) files.push(path.normalize(extra));
}
const counts = new Map(files.map((file) => [file, countsOf(file)]));

const total: Counts = { passed: 0, failed: 0, skipped: 0 };
for (const c of counts.values()) {
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
}

const withoutResults: string[] = [];
const withoutFailures: string[] = [];
for (let i = 0; i < args.length; i += 2) {
  const [step, results] = [args[i]!, args[i + 1]!];
  if (!hasResults(results)) withoutResults.push(step);
  else if ((counts.get(path.normalize(results)) ?? countsOf(results)).failed === 0) {
    withoutFailures.push(step);
  }
}
total.failed += withoutResults.length + withoutFailures.length;
if (withoutResults.length > 0) console.log(`failed without results: ${withoutResults.join(", ")}`);
if (withoutFailures.length > 0) {
  console.log(`failed though their results show no failed test: ${withoutFailures.join(", ")}`);
}
// Skipped and todo tests are named on a line of their own: the last line stays exactly
// `N passed, N failed`, the form CI reads.
if (total.skipped > 0) console.log(`${total.skipped} skipped or todo, counted neither way`);
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(args.length > 0 || total.failed > 0 ? 1 : 0);
