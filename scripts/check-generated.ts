/**
 * `npm run check:generated`: regenerate in memory and compare with generated/ on disk.
 * Fails naming each stale file and the command that refreshes it. Never writes.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { generateAll, readPipelineConfig, strayFiles } from "./lib/pipeline.js";

const root = process.argv[2] ?? process.cwd();
let files: Awaited<ReturnType<typeof generateAll>>;
try {
  files = await generateAll(await readPipelineConfig(root));
} catch (error) {
  // A spec that cannot be read or bundled (a YAML mistake, a $ref to a missing file): the message
  // names the file and the place; a stack trace of the pipeline would only hide it.
  console.error(`check:generated: cannot generate from the spec: ${(error as Error).message}`);
  process.exit(1);
}
const stale: string[] = [];
for (const file of files) {
  const current = await readFile(path.join(root, file.path), "utf8").catch(() => null);
  if (current === null) stale.push(`${file.path} (missing)`);
  else if (current !== file.content) stale.push(`${file.path} (differs from a fresh generation)`);
}
for (const file of await strayFiles(root, files)) {
  stale.push(`${file} (not produced by the generator)`);
}
if (stale.length > 0) {
  console.error("check:generated: generated code is out of date with openapi/:");
  for (const s of stale) console.error(`  stale: ${s}`);
  console.error("Run `npm run generate` and commit the result.");
  process.exit(1);
}
console.log(`check:generated: ${files.length} files match the spec`);
