/** Where the project lives, scratch directories, and timed child processes. */
import { spawn } from "node:child_process";
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Shown in BENCHMARKS.md instead of this machine's checkout path. */
export function relative(file: string): string {
  const rel = path.relative(ROOT, file);
  return rel.startsWith("..") ? file : rel || ".";
}

/**
 * A scratch directory outside the checkout, with node_modules linked back to the project's so
 * that packages resolve. Removed by the returned function.
 */
export async function scratchDir(
  label: string,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `atlas-invites-bench-${label}-`));
  await symlink(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Copies what the code generator reads (the spec, its config, package.json, generated/). */
export async function copySpecProject(dir: string): Promise<void> {
  for (const entry of [
    "openapi",
    "redocly.yaml",
    "package.json",
    ".prettierrc.json",
    "generated",
  ]) {
    await cp(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
}

export interface ProcessRun {
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
}

/** Starts `node <args>` as a fresh process and times it from spawn to exit. */
export function runNode(args: string[], cwd: string): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd,
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: "off",
        REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
        NO_COLOR: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) =>
      resolve({ code, ms: performance.now() - started, stdout, stderr }),
    );
  });
}
