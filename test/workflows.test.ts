/**
 * The GitHub workflows, read as data: what they run, with which actions and which permissions.
 * They cannot run here, so these checks pin what a reviewer would otherwise check by eye.
 */
import { readdirSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { run } from "./helpers/processes.js";
import { PROJECT_ROOT } from "./helpers/temp-project.js";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
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

  test("CI cancels a superseded run of a pull request, never one of main", () => {
    const { concurrency } = parse(text("ci.yml")) as {
      concurrency?: { group?: string; "cancel-in-progress"?: unknown };
    };
    expect(concurrency?.group).toBe("ci-${{ github.ref }}");
    expect(concurrency?.["cancel-in-progress"]).toBe("${{ github.ref != 'refs/heads/main' }}");
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

  test("release: only the publish job can sign, and it runs npm publish on the tarball the pack job made", () => {
    const release = workflow("release.yml");
    const signing = Object.entries(release.jobs)
      .filter(([, spec]) => spec.permissions?.["id-token"] === "write")
      .map(([job]) => job);
    expect(signing).toEqual(["publish"]);

    // Nothing of the repository or its dependencies runs where the token can be minted: no
    // checkout, no install, build or test; npm publish alone, without lifecycle scripts.
    const publish = steps("release.yml", "publish");
    expect(publish.filter((s) => s.uses?.startsWith("actions/checkout@"))).toEqual([]);
    const runs = publish.flatMap((s) => (s.run === undefined ? [] : [s.run]));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(
      /^npm publish "\.tmp\/release\/atlas-invites-\$\{GITHUB_REF_NAME#v\}\.tgz" /,
    );
    expect(runs[0]).toContain(" --provenance");
    expect(runs[0]).toContain(" --ignore-scripts");

    // The tarball comes from the pack job, which builds without the permission, and is
    // published only after every CI check passed.
    const download = publish.find((s) => s.uses?.startsWith("actions/download-artifact@"));
    const pack = steps("release.yml", "pack");
    const upload = pack.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(download?.with?.name).toBeDefined();
    expect(upload?.with?.name).toBe(download?.with?.name);
    expect(
      pack.map((s) => s.run ?? "").filter((run) => /npm (ci|run build|pack)\b/.test(run)),
    ).toHaveLength(3);
    expect(release.jobs.publish?.needs).toEqual(expect.arrayContaining(["checks", "pack"]));
  });

  test("CI runs the npm scripts .ci/run runs, on Node 20, 22 and 24", () => {
    expect(workflow("ci.yml").jobs.test?.strategy?.matrix?.node).toEqual([20, 22, 24]);
    const npm = /npm (?:ci|test|run [\w:]+(?: -- --(?:quick|self-test-broken))?)/g;
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
      "npm run test:package -- --self-test-broken",
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

/**
 * The drift workflow's issue step, run with bash -e as GitHub runs a `run:` block, against a
 * stand-in `gh` that logs its arguments and answers `issue list` and `issue view` as told.
 */
describe("drift issue step", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  const script = steps("drift.yml", "drift").find((s) => s.name?.includes("drift issue"))?.run;

  async function issueStep(options: {
    changed: string;
    report: string;
    existing?: string;
    existingBody?: string;
  }) {
    const dir = await mkdtemp(path.join(tmpdir(), "drift-issue-"));
    dirs.push(dir);
    const gh = [
      "#!/bin/sh",
      'echo "$*" >> gh.log',
      'case "$1 $2" in',
      '  "issue list") printf "%s\\n" "$STUB_EXISTING" ;;',
      '  "issue view") cat existing-body.md ;;',
      "esac",
    ].join("\n");
    await writeFile(path.join(dir, "gh"), `${gh}\n`);
    await chmod(path.join(dir, "gh"), 0o755);
    await writeFile(path.join(dir, "gh.log"), "");
    await writeFile(path.join(dir, "drift-report.txt"), options.report);
    await writeFile(path.join(dir, "existing-body.md"), options.existingBody ?? "");
    const result = await run("bash", ["-e", "-c", script ?? "exit 99"], {
      cwd: dir,
      env: {
        PATH: `${dir}:${process.env.PATH ?? ""}`,
        CHANGED: options.changed,
        BREAKING: "1",
        RUN_URL: "https://example.com/run/1",
        UPSTREAM_URL: "https://example.com/v2.yaml",
        STUB_EXISTING: options.existing ?? "",
      },
    });
    const calls = (await readFile(path.join(dir, "gh.log"), "utf8")).split("\n").filter(Boolean);
    const body = await readFile(path.join(dir, "issue-body.md"), "utf8").catch(() => null);
    return { status: result.status, stderr: result.stderr, calls, body };
  }

  const report = "Drift report: v2.yaml\n  BREAKING  something moved\n";

  test("closes the open issue once upstream matches, and does nothing when none is open", async () => {
    const none = await issueStep({ changed: "0", report: "Upstream matches our spec.\n" });
    expect(none.status).toBe(0);
    expect(none.calls.map((c) => c.split(" ").slice(0, 2).join(" "))).toEqual(["issue list"]);
    const open = await issueStep({ changed: "0", report: "", existing: "7" });
    expect(open.status).toBe(0);
    expect(open.calls[1]).toMatch(/^issue close 7 --comment Upstream matches our spec again/);
  });

  test("opens an issue holding the report, and leaves it alone while the report stays the same", async () => {
    const first = await issueStep({ changed: "1", report });
    expect(first.status, first.stderr).toBe(0);
    expect(
      first.calls.some((c) => c.startsWith("issue create ") && c.includes("--label drift")),
    ).toBe(true);
    expect(first.body).toContain(`\`\`\`\n${report}\`\`\`\n`);

    const again = await issueStep({
      changed: "1",
      report,
      existing: "7",
      existingBody: first.body ?? "",
    });
    expect(again.status).toBe(0);
    expect(again.calls.filter((c) => /^issue (create|edit|comment)/.test(c))).toEqual([]);

    const moved = await issueStep({
      changed: "2",
      report: `${report}  notable   another\n`,
      existing: "7",
      existingBody: first.body ?? "",
    });
    expect(moved.calls.filter((c) => /^issue (create|edit|comment)/.test(c))).toEqual([
      "issue edit 7 --body-file issue-body.md",
      "issue comment 7 --body The report changed; the description now shows the latest one (https://example.com/run/1).",
    ]);
  });

  test("cuts a long report at a line, within GitHub's body limit, and still closes the code block", async () => {
    const line = (i: number) =>
      `  BREAKING  response 200 body.field${i}: type changed from string to integer\n`;
    const long = Array.from({ length: 2000 }, (_, i) => line(i)).join("");
    expect(long.length).toBeGreaterThan(100_000);
    const { status, body } = await issueStep({ changed: "2000", report: long });
    expect(status).toBe(0);
    expect(body?.length).toBeLessThanOrEqual(65_536);
    const lines = (body ?? "").split("\n");
    expect(lines.at(-2)).toBe("```");
    expect(lines.at(-3)).toBe("[cut here: the run's summary shows the whole report]");
    // Every report line kept is whole.
    const kept = lines.slice(lines.indexOf("```") + 1, -3);
    expect(kept.length).toBeGreaterThan(100);
    kept.forEach((text, i) => expect(`${text}\n`).toBe(line(i)));
  });
});
