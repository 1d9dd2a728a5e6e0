/**
 * `npm run generate`: lint the spec, then write every file derived from it into generated/.
 * Prints one line per step with its timing. Formatting happens here, so a second run is a no-op.
 */
import { spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { generateAll, readPipelineConfig } from "./lib/pipeline.js";

const root = process.argv[2] ?? process.cwd();
const started = performance.now();
const log = (name: string, ms: number) =>
  console.log(`  ${name.padEnd(44)} ${ms.toFixed(0).padStart(5)} ms`);

const cfg = await readPipelineConfig(root);
console.log(`generate: ${cfg.specPath}`);

// Lint with the same Redocly CLI that `npm run lint:spec` and CI use, so the rules cannot differ.
let t = performance.now();
const redocly = createRequire(import.meta.url).resolve("@redocly/cli/lib/index.js");
const lint = spawnSync(process.execPath, [redocly, "lint", "--format=stylish"], {
  cwd: root,
  encoding: "utf8",
  env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
});
if (lint.status !== 0) {
  process.stderr.write(lint.stdout + lint.stderr);
  console.error("generate: the spec does not lint; nothing was written.");
  process.exit(1);
}
log("lint (redocly recommended-strict + ours)", performance.now() - t);

const files = await generateAll(cfg, log);
t = performance.now();
let changed = 0;
for (const file of files) {
  const target = path.join(root, file.path);
  const current = await readFile(target, "utf8").catch(() => null);
  if (current === file.content) continue;
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, file.content);
  changed++;
}
log(`write (${changed} of ${files.length} files changed)`, performance.now() - t);
console.log(`generate: done in ${(performance.now() - started).toFixed(0)} ms`);
