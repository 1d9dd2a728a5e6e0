/**
 * `npm run generate`: lint the spec, then write every file derived from it into generated/.
 * Prints one line per step with its timing. Formatting happens here, so a second run is a no-op.
 *
 * The Redocly linter runs in a child process from the start, while this process builds every file
 * in memory (about as long as the lint takes); nothing is written until the linter has passed.
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const root = process.argv[2] ?? process.cwd();
const started = performance.now();
const log = (name: string, ms: number) =>
  console.log(`  ${name.padEnd(44)} ${ms.toFixed(0).padStart(5)} ms`);

/** Lints with the same Redocly CLI that `npm run lint:spec` and CI use, so the rules cannot differ. */
function lintSpec(): Promise<{ ok: boolean; output: string; ms: number }> {
  const redocly = createRequire(import.meta.url).resolve("@redocly/cli/lib/index.js");
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(process.execPath, [redocly, "lint", "--format=stylish"], {
      cwd: root,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const done = (ok: boolean) => resolve({ ok, output, ms: performance.now() - started });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.once("error", (error) => {
      output += `${error.message}\n`;
      done(false);
    });
    child.once("close", (code) => done(code === 0));
  });
}

// Started before the pipeline's packages load, which takes a good part of the time it runs.
const lint = lintSpec();
const { generateAll, readPipelineConfig, strayFiles } = await import("./lib/pipeline.js");

const cfg = await readPipelineConfig(root);
console.log(`generate: ${cfg.specPath}`);
// Step lines wait for the lint line, so the output reads in the order the steps take effect.
const steps: [string, number][] = [];
const generated = generateAll(cfg, (name, ms) => steps.push([name, ms])).then(
  (files) => ({ files }),
  (error: unknown) => ({ error }),
);

const linted = await lint;
if (!linted.ok) {
  process.stderr.write(linted.output);
  console.error("generate: the spec does not lint; nothing was written.");
  process.exit(1);
}
log("lint (redocly recommended-strict + ours)", linted.ms);
const result = await generated;
for (const [name, ms] of steps) log(name, ms);
if ("error" in result) {
  // A spec the linter accepts can still break a rule of ours (x-client-required naming a field
  // the body does not have); the message names the operation and the field.
  console.error(`generate: ${(result.error as Error).message}; nothing was written.`);
  process.exit(1);
}

const t = performance.now();
let changed = 0;
for (const file of result.files) {
  const target = path.join(root, file.path);
  const current = await readFile(target, "utf8").catch(() => null);
  if (current === file.content) continue;
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, file.content);
  changed++;
}
log(`write (${changed} of ${result.files.length} files changed)`, performance.now() - t);
// generated/ holds only what this run wrote; anything else would ship with the package unchecked.
const removeIfEmpty = (dir: string) =>
  rmdir(path.join(root, dir)).then(
    () => true,
    () => false,
  );
for (const stray of await strayFiles(root, result.files)) {
  await rm(path.join(root, stray));
  // Folders it leaves empty go too; rmdir refuses one that still holds something.
  let dir = path.dirname(stray);
  while (dir !== "generated" && dir !== "." && (await removeIfEmpty(dir))) dir = path.dirname(dir);
  console.log(`  removed ${stray} (not produced by the generator)`);
}
console.log(`generate: done in ${(performance.now() - started).toFixed(0)} ms`);
