/**
 * `npm run check:generated`: regenerate in memory and compare with generated/ on disk.
 * Fails naming each stale file and the command that refreshes it. Never writes.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { generateAll, readPipelineConfig, strayFiles } from "./lib/pipeline.js";

const root = process.argv[2] ?? process.cwd();
const cfg = await readPipelineConfig(root);
const files = await generateAll(cfg);
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
