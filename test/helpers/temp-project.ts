/**
 * A throw-away copy of the project's spec pipeline in the system temp directory, so tests can
 * edit the spec, regenerate and run the drift check without touching the working tree.
 * node_modules is a symlink to the real one, so copies cost a few milliseconds.
 */
import { run, type RunResult } from "./processes.js";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Everything `npm run generate` and `npm run check:generated` read or write. */
const PIPELINE_ENTRIES = [
  "openapi",
  "scripts",
  "generated",
  "redocly.yaml",
  // Lint problems the spec keeps on purpose; without it a copy would not lint.
  ".redocly.lint-ignore.yaml",
  "package.json",
  "tsconfig.json",
  ".prettierrc.json",
  ".prettierignore",
  // The method types in generated/methods.ts name results by the friendly aliases declared here.
  "src/types.ts",
];

export interface TempProject {
  dir: string;
  /** Runs `node --import tsx scripts/<script> <dir>` inside the copy. */
  script(script: "generate.ts" | "check-generated.ts"): Promise<RunResult>;
  /** Runs any command with the copy as working directory. */
  run(command: string, args: string[]): Promise<RunResult>;
  read(relative: string): Promise<string>;
  write(relative: string, content: string): Promise<void>;
  /** Replaces exactly one occurrence of `from`; fails when it occurs zero or several times. */
  replace(relative: string, from: string, to: string): Promise<void>;
  remove(relative: string): Promise<void>;
  dispose(): Promise<void>;
}

function runIn(cwd: string, command: string, args: string[]): Promise<RunResult> {
  return run(command, args, {
    cwd,
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  });
}

export async function createTempProject(): Promise<TempProject> {
  const dir = await mkdtemp(path.join(tmpdir(), "atlas-invites-pipeline-"));
  for (const entry of PIPELINE_ENTRIES) {
    await cp(path.join(PROJECT_ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  await symlink(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");

  const resolve = (relative: string) => path.join(dir, relative);
  const project: TempProject = {
    dir,
    script: (script) =>
      runIn(dir, process.execPath, ["--import", "tsx", path.join("scripts", script), dir]),
    run: (command, args) => runIn(dir, command, args),
    read: (relative) => readFile(resolve(relative), "utf8"),
    write: (relative, content) => writeFile(resolve(relative), content),
    async replace(relative, from, to) {
      const text = await project.read(relative);
      const count = text.split(from).length - 1;
      if (count !== 1) throw new Error(`${relative}: expected one "${from}", found ${count}`);
      await project.write(
        relative,
        text.replace(from, () => to),
      );
    },
    remove: (relative) => rm(resolve(relative), { recursive: true, force: true }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
  return project;
}
