/** Child processes for tests: run a command to completion and keep what it printed. */
import { spawn } from "node:child_process";

export interface RunResult {
  /** Exit code, or null when the process died from a signal. */
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      // Past it the child gets SIGTERM, so its status is not 0.
      ...(options.timeoutMs !== undefined && { timeout: options.timeoutMs }),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The current environment without Atlas credentials or ids, plus `extra`. */
export function envWithoutAtlas(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(MONGODB_ATLAS_|ATLAS_)/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}
