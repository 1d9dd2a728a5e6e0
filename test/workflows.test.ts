/**
 * The GitHub workflows, read as data: what they run, with which actions and which permissions.
 * They cannot run here, so these checks pin what a reviewer would otherwise check by eye.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT } from "./helpers/temp-project.js";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps?: Step[];
}
interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const dir = path.join(PROJECT_ROOT, ".github/workflows");
const files = readdirSync(dir).filter((name) => name.endsWith(".yml"));
const text = (name: string) => readFileSync(path.join(dir, name), "utf8");
const workflow = (name: string) => parse(text(name)) as Workflow;
const steps = (name: string, job: string) => workflow(name).jobs[job]?.steps ?? [];

describe("workflows", () => {
  test("every workflow parses, and there are the four expected", () => {
    expect(files.sort()).toEqual(["ci.yml", "docs.yml", "drift.yml", "release.yml"]);
    for (const name of files) expect(Object.keys(workflow(name).jobs).length).toBeGreaterThan(0);
  });

  test("pin every action to a commit, naming its release in a comment", () => {
    const loose: string[] = [];
    for (const name of files) {
      for (const line of text(name).split("\n")) {
        const match = /^\s*(?:- )?uses: (\S+)(.*)$/.exec(line);
        if (!match) continue;
        const [, ref = "", comment = ""] = match;
        // A reusable workflow of this repository runs at the caller's commit.
        if (ref.startsWith("./")) continue;
        if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) || !/^ # v\d/.test(comment)) {
          loose.push(`${name}: ${line.trim()}`);
        }
      }
    }
    expect(loose).toEqual([]);
  });

  test("check out without leaving the job's token in .git/config", () => {
    for (const name of files) {
      for (const job of Object.keys(workflow(name).jobs)) {
        for (const step of steps(name, job).filter((s) =>
          s.uses?.startsWith("actions/checkout@"),
        )) {
          expect(step.with?.["persist-credentials"], `${name} ${job}`).toBe(false);
        }
      }
    }
  });

  test("read the repository by default; write only where a job needs it", () => {
    const granted: string[] = [];
    for (const name of files) {
      const wf = workflow(name);
      expect(wf.permissions?.contents, name).toBe("read");
      for (const [scope, level] of Object.entries(wf.permissions ?? {})) {
        if (level !== "read") granted.push(`${name}: ${scope}`);
      }
      for (const [job, spec] of Object.entries(wf.jobs)) {
        for (const [scope, level] of Object.entries(spec.permissions ?? {})) {
          if (level !== "read") granted.push(`${name} ${job}: ${scope}`);
        }
      }
    }
    expect(granted.sort()).toEqual([
      // GitHub Pages deployment proves the run's identity with an OIDC token.
      "docs.yml deploy: id-token",
      "docs.yml deploy: pages",
      // The drift report opens, updates and closes its issue.
      "drift.yml: issues",
      // npm provenance signs the statement with the run's OIDC identity.
      "release.yml publish: id-token",
    ]);
  });

  test("CI runs the npm scripts .ci/run runs, on Node 20, 22 and 24", () => {
    expect(workflow("ci.yml").jobs.test?.strategy?.matrix?.node).toEqual([20, 22, 24]);
    const npm = /npm (?:ci|test|run [\w:]+(?: -- --quick)?)/g;
    const inCi = new Set(steps("ci.yml", "test").flatMap((s) => s.run?.match(npm) ?? []));
    const local = readFileSync(path.join(PROJECT_ROOT, ".ci/run"), "utf8");
    expect(inCi).toEqual(new Set(local.match(npm)));
    expect([...inCi].sort()).toEqual([
      "npm ci",
      "npm run bench -- --quick",
      "npm run build",
      "npm run check",
      "npm run test:browser",
      "npm run test:package",
      "npm test",
    ]);
  });

  test("publish the docs page alone, not the browser check's screenshots and results", () => {
    const build = steps("docs.yml", "build");
    const upload = build.find((s) => s.uses?.startsWith("actions/upload-pages-artifact@"));
    const folder = String(upload?.with?.path).replace(/\/$/, "");
    expect(folder).not.toBe("dist/docs");
    const copies = build.map((s) => s.run ?? "").filter((run) => run.includes(folder));
    expect(copies).toEqual([`mkdir -p ${folder} && cp dist/docs/index.html ${folder}/`]);
  });
});
