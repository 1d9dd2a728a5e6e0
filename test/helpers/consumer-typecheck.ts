/**
 * Type-checks snippets the way a consumer sees the package: a temporary tsconfig maps
 * `atlas-invites` and `atlas-invites/testing` to the sources, and tsc reports per file.
 */
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");

/**
 * Writes the consumer's tsconfig. `overrides` replaces compiler options, for a consumer whose
 * settings are looser than the strictest ones (`strict: false` is common in older projects).
 */
export async function writeConsumerTsconfig(
  dir: string,
  overrides: Record<string, unknown> = {},
): Promise<void> {
  const rel = (p: string) => path.relative(dir, path.join(ROOT, p)).split(path.sep).join("/");
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2023"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      // The strictest settings a consumer may have: the samples must compile under them too.
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      skipLibCheck: true,
      types: ["node"],
      paths: {
        "atlas-invites": [rel("src/index.ts")],
        "atlas-invites/testing": [rel("src/testing/index.ts")],
      },
      ...overrides,
    },
    include: ["*.ts"],
  };
  await writeFile(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
}

/** Runs tsc on the directory and groups its diagnostics by file name. */
export function typeCheck(dir: string): { status: number | null; errors: Map<string, string[]> } {
  const result = spawnSync(process.execPath, [TSC, "-p", dir, "--pretty", "false"], {
    cwd: dir,
    encoding: "utf8",
  });
  const errors = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of `${result.stdout}${result.stderr}`.split("\n")) {
    const match = /^(.*?)\(\d+,\d+\): error (TS\d+: .*)$/.exec(line);
    if (match) {
      const file = path.basename(match[1]!);
      last = errors.get(file) ?? [];
      last.push(match[2]!);
      errors.set(file, last);
    } else if (last && /^\s+\S/.test(line)) {
      // The indented lines after a diagnostic explain it (which overload, which type).
      last[last.length - 1] += `\n${line.trim()}`;
    } else {
      last = undefined;
    }
  }
  return { status: result.status, errors };
}
