/**
 * The last line of .ci/run, computed by scripts/ci-summary.ts from the result files of the test
 * runs. Each case lays out result files by hand in a temporary folder and runs the script there.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { run } from "./helpers/processes.js";
import { PROJECT_ROOT } from "./helpers/temp-project.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A folder holding `files` (relative path -> JSON value, or raw text). */
async function layout(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "ci-summary-"));
  dirs.push(dir);
  // For `--import tsx`, which resolves from the working directory.
  await symlink(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    const text = typeof content === "string" ? content : JSON.stringify(content);
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

function summary(dir: string, ...failedSteps: string[]) {
  const script = path.join(PROJECT_ROOT, "scripts/ci-summary.ts");
  return run(process.execPath, ["--import", "tsx", script, ...failedSteps], { cwd: dir });
}

/** What vitest's JSON reporter writes, cut to the fields the summary reads. */
const vitest = (passed: number, failed: number, extra: object = {}) => ({
  numPassedTests: passed,
  numFailedTests: failed,
  numPendingTests: 0,
  numTodoTests: 0,
  testResults: [{ status: failed > 0 ? "failed" : "passed", assertionResults: [{}] }],
  ...extra,
});

describe("ci-summary", () => {
  test("adds up every result file and exits 0 when no step failed", async () => {
    const dir = await layout({
      ".tmp/ci/vitest-node20.json": vitest(40, 0, { numPendingTests: 2 }),
      ".tmp/ci/vitest-node22.json": vitest(41, 0),
      ".tmp/test-package.json": { passed: 9, failed: 0 },
      "dist/docs/browser-results.json": { passed: 110, failed: 0 },
    });
    const result = await summary(dir);
    expect(result.stdout).toBe("200 passed, 0 failed, 2 skipped\n");
    expect(result.status).toBe(0);
  });

  test("counts failed tests and test files that did not load, without counting the step again", async () => {
    const dir = await layout({
      ".tmp/ci/vitest-node20.json": vitest(38, 2, {
        testResults: [
          { status: "failed", assertionResults: [{}, {}] },
          { status: "failed", assertionResults: [] },
        ],
      }),
    });
    const result = await summary(dir, "npm test (node 20)", ".tmp/ci/vitest-node20.json");
    expect(result.stdout).toBe("38 passed, 3 failed\n");
    expect(result.status).toBe(1);
  });

  test("counts a failed step whose results show no failed test, and names it", async () => {
    // vitest exits 1 on an error thrown outside any test, while its report says every test passed.
    const dir = await layout({ ".tmp/ci/vitest-node24.json": vitest(40, 0) });
    const result = await summary(dir, "npm test (node 24)", ".tmp/ci/vitest-node24.json");
    expect(result.stdout).toBe(
      "failed although no test failed: npm test (node 24)\n40 passed, 1 failed\n",
    );
    expect(result.status).toBe(1);
  });

  test("counts a failed step that wrote no results, or an unreadable file, and names it", async () => {
    const dir = await layout({
      ".tmp/ci/vitest-node20.json": vitest(40, 0),
      "dist/docs/browser-results.json": '{"passed": 3',
    });
    const result = await summary(
      dir,
      "npm run check",
      "",
      "npm run test:package",
      ".tmp/test-package.json",
      "npm run test:browser",
      "dist/docs/browser-results.json",
    );
    expect(result.stdout).toBe(
      "failed without results: npm run check, npm run test:package, npm run test:browser\n" +
        "40 passed, 3 failed\n",
    );
    expect(result.status).toBe(1);
  });
});
