/** Where the project lives, scratch directories, and timed child processes. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
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

/**
 * Copies what the code generator reads: the spec, its config, package.json, generated/ and
 * src/types.ts.
 */
export async function copySpecProject(dir: string): Promise<void> {
  for (const entry of [
    "openapi",
    "redocly.yaml",
    ".redocly.lint-ignore.yaml",
    "package.json",
    ".prettierrc.json",
    "generated",
    // The method types name results by the friendly aliases declared there.
    "src/types.ts",
  ]) {
    await cp(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
}

export interface ProcessRun {
  code: number | null;
  ms: number;
  /**
   * CPU time (user + system) of the process and everything it waited for (threads, child
   * processes), in ms at the kernel's 10 ms tick; null where /proc is not available.
   */
  cpuMs: number | null;
  stdout: string;
  stderr: string;
}

/**
 * CPU time of the children this process has waited for, in ms: fields 16 and 17 (cutime, cstime)
 * of /proc/self/stat (proc(5)), in clock ticks of 1/100 s on Linux. Null elsewhere.
 */
function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}

/**
 * Starts `node <args>` as a fresh process and times it from spawn to exit, in wall-clock time and
 * in CPU time. Runs one at a time: the CPU figure is the growth of this process's children total.
 */
export function runNode(args: string[], cwd: string): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
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
    child.once("close", (code) => {
      const ms = performance.now() - started;
      const cpuAfter = childrenCpuMs();
      const cpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
      resolve({ code, ms, cpuMs, stdout, stderr });
    });
  });
}
