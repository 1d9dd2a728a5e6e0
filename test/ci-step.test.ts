// The step runner of .ci/run (.ci/step.sh), run by bash with short limits: a step that runs past
// its limit is stopped with everything it started, reported as timed out and counted as failed.
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "./helpers/processes.js";
import { PROJECT_ROOT } from "./helpers/temp-project.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "atlas-invites-ci-step-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Sources .ci/step.sh, runs `script`, then prints failed_steps one entry a line. */
function steps(script: string) {
  const source = [
    "set -uo pipefail",
    `source ${JSON.stringify(path.join(PROJECT_ROOT, ".ci/step.sh"))}`,
    script,
    `printf 'failed: %s\\n' "\${failed_steps[@]+"\${failed_steps[@]}"}"`,
  ].join("\n");
  return run("bash", ["-c", source], { cwd: dir, timeoutMs: 30_000 });
}

/** Whether a process is still running (a killed child not yet reaped shows as a zombie). */
function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  const state = readFileSync(stat, "utf8").split(") ")[1]?.[0];
  return state !== "Z" && state !== "X";
}

describe(".ci/step.sh", () => {
  it("reports a passing and a failing step, and counts only the failed one", async () => {
    const result = await steps(
      'step "passes" "" 10 true\nstep "fails" .tmp/fails.json 10 bash -c "exit 3"',
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^::: passes: ok \(\d+ s\)$/m);
    expect(result.stdout).toMatch(/^::: fails: FAILED \(\d+ s\)$/m);
    expect(result.stdout).toContain("failed: fails\nfailed: .tmp/fails.json\n");
    expect(result.stdout).not.toContain("failed: passes");
  }, 30_000);

  it("stops a step at its limit, with the processes it started, and counts it as failed", async () => {
    const started = Date.now();
    // The step leaves a grandchild running and then waits: both must go at the limit.
    const result = await steps(
      `step "hangs" .tmp/hangs.json 1 bash -c 'sleep 60 & echo $! > grandchild.pid; sleep 60'\n` +
        'step "after it" "" 10 true',
    );
    const seconds = (Date.now() - started) / 1000;
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^::: hangs: FAILED, timed out after 1 s \(stopped after \d s\)$/m,
    );
    expect(result.stdout).toContain(
      "failed: hangs (timed out after 1 s)\nfailed: .tmp/hangs.json\n",
    );
    // The run goes on to the next step.
    expect(result.stdout).toMatch(/^::: after it: ok/m);
    expect(seconds).toBeLessThan(10);
    const grandchild = Number(await readFile(path.join(dir, "grandchild.pid"), "utf8"));
    expect(grandchild).toBeGreaterThan(0);
    expect(alive(grandchild)).toBe(false);
  }, 30_000);
});

describe(".ci/run", () => {
  it("gives every step a time limit in whole seconds", () => {
    const script = readFileSync(path.join(PROJECT_ROOT, ".ci/run"), "utf8");
    const calls = script.split("\n").filter((line) => /^\s*step /.test(line));
    expect(calls.length).toBeGreaterThan(5);
    const arg = String.raw`("[^"]*"|[^\s"]+)`;
    const limit = new RegExp(String.raw`^\s*step ${arg} ${arg} (\d+) \S`);
    expect(calls.filter((line) => !limit.test(line))).toEqual([]);
  });
});
