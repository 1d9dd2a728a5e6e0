// The last line of .ci/run, `N passed, N failed`, from scripts/ci-summary.ts. The vitest reports it
// reads here are written by real vitest runs over small test files, so the test follows vitest's
// report format rather than a copy of it.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run, type RunResult } from "./helpers/processes.js";
import { PROJECT_ROOT } from "./helpers/temp-project.js";

let dir: string;

/** The environment without the variables of the vitest run this test is part of. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST|TEST$|NODE_OPTIONS$)/.test(key)),
  );
}

/** Runs vitest on one test file in the scratch project and keeps its JSON report. */
async function vitestReport(name: string, source: string): Promise<RunResult> {
  await writeFile(path.join(dir, `${name}.test.ts`), source);
  return run(
    process.execPath,
    [
      path.join(PROJECT_ROOT, "node_modules/vitest/vitest.mjs"),
      "run",
      `${name}.test.ts`,
      "--reporter=json",
      `--outputFile=.tmp/ci/vitest-${name}.json`,
    ],
    { cwd: dir, env: cleanEnv(), timeoutMs: 60_000 },
  );
}

/** ci-summary.ts as .ci/run calls it: pairs of a failed step and its result file. */
function summary(...failedSteps: string[]): Promise<RunResult> {
  return run(
    process.execPath,
    ["--import", "tsx", path.join(PROJECT_ROOT, "scripts/ci-summary.ts"), ...failedSteps],
    { cwd: dir, env: cleanEnv(), timeoutMs: 30_000 },
  );
}

const lastLine = (r: RunResult) => r.stdout.trimEnd().split("\n").at(-1);

// A scratch project per test, so no result file outlives the test that wrote it.
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "atlas-invites-ci-summary-"));
  await symlink(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  await writeFile(path.join(dir, "package.json"), '{ "type": "module" }\n');
  await mkdir(path.join(dir, ".tmp/ci"), { recursive: true });
}, 60_000);
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("ci-summary", () => {
  it("prints success only when every step passed", async () => {
    const tests = await vitestReport(
      "passing",
      'import { expect, it } from "vitest";\n' +
        'it("one", () => expect(1 + 1).toBe(2));\n' +
        'it("two", () => expect("a").toBe("a"));\n' +
        'it.skip("later", () => expect(1).toBe(2));\n',
    );
    expect(tests.status).toBe(0);
    const result = await summary();
    // The last line is exactly the form CI reads; skipped tests are named above it.
    expect(lastLine(result)).toBe("2 passed, 0 failed");
    expect(result.stdout).toContain("1 skipped or todo, counted neither way\n");
    expect(result.status).toBe(0);
  }, 60_000);

  it("counts a vitest run that failed only on an error outside its tests", async () => {
    // vitest exits 1 and its report shows every test passed.
    const tests = await vitestReport(
      "unhandled",
      'import { expect, it } from "vitest";\n' +
        'it("passes, then leaves a rejection behind", () => {\n' +
        '  void Promise.reject(new Error("after the test"));\n' +
        "  expect(1).toBe(1);\n" +
        "});\n" +
        'it("waits", () => new Promise((done) => setTimeout(done, 50)));\n',
    );
    expect(tests.status).toBe(1);
    const result = await summary("npm test (node 20)", ".tmp/ci/vitest-unhandled.json");
    expect(result.stdout).toContain(
      "failed though their results show no failed test: npm test (node 20)",
    );
    expect(lastLine(result)).toBe("2 passed, 1 failed");
    expect(result.status).toBe(1);
  }, 60_000);

  it("counts a hook that threw though every test passed", async () => {
    const tests = await vitestReport(
      "hook",
      'import { afterAll, expect, it } from "vitest";\n' +
        'afterAll(() => { throw new Error("cleanup failed"); });\n' +
        'it("passes", () => expect(1).toBe(1));\n',
    );
    expect(tests.status).toBe(1);
    // The file's own failure is counted, so the step adds nothing more.
    const result = await summary("npm test (node 22)", ".tmp/ci/vitest-hook.json");
    expect(lastLine(result)).toBe("1 passed, 1 failed");
    expect(result.stdout).not.toContain("show no failed test");
    expect(result.status).toBe(1);
  }, 60_000);

  it("counts failed steps that wrote no results, or results that cannot be read", async () => {
    await writeFile(path.join(dir, ".tmp/ci/vitest-cut.json"), '{"numPassedTests": 3, "numF');
    const result = await summary(
      "npm run check",
      "",
      "npm test (node 24)",
      ".tmp/ci/vitest-cut.json",
      "npm run test:package",
      ".tmp/test-package.json",
    );
    expect(result.stdout).toContain("failed without results: npm run check, npm run test:package");
    expect(result.stdout).toContain("unreadable result file: .tmp/ci/vitest-cut.json");
    expect(lastLine(result)).toBe("0 passed, 3 failed");
    expect(result.status).toBe(1);
  }, 60_000);

  it("adds the package and browser checks' own counts", async () => {
    await mkdir(path.join(dir, "dist/docs"), { recursive: true });
    await writeFile(path.join(dir, ".tmp/test-package.json"), '{"passed": 7, "failed": 2}');
    await writeFile(path.join(dir, "dist/docs/browser-results.json"), '{"passed": 5, "failed": 0}');
    const result = await summary("npm run test:package", ".tmp/test-package.json");
    // The package check's own failures stand for its failed step.
    expect(lastLine(result)).toBe("12 passed, 2 failed");
    expect(result.status).toBe(1);
  }, 30_000);

  it("adds the package self-test's own counts", async () => {
    // Six cases: the intact package passes every check, then five breakages; one was missed.
    await writeFile(
      path.join(dir, ".tmp/test-package-self-test.json"),
      '{"passed": 5, "failed": 1, "outcomes": []}',
    );
    const result = await summary(
      "npm run test:package -- --self-test-broken",
      ".tmp/test-package-self-test.json",
    );
    expect(lastLine(result)).toBe("5 passed, 1 failed");
    expect(result.status).toBe(1);
  }, 30_000);
});
