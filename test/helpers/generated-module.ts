/**
 * Imports code the generator wrote somewhere other than generated/ (a synthetic spec's output, a
 * throw-away copy of the project). The generated validators import their helpers from
 * src/validation/rules.ts by a path relative to generated/; the imported copy uses this checkout's
 * file by its absolute path instead.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const RULES_IMPORT = '"../src/validation/rules.js"';
const RULES_FILE = fileURLToPath(new URL("../../src/validation/rules.ts", import.meta.url));

export interface GeneratedLoader {
  /** Compiles generated TypeScript to JavaScript and imports it as a module. */
  load(source: string): Promise<Record<string, unknown>>;
  /** Removes the scratch directory. */
  dispose(): Promise<void>;
}

export function generatedLoader(): GeneratedLoader {
  let scratch: string | undefined;
  let loaded = 0;
  return {
    async load(source) {
      scratch ??= await mkdtemp(path.join(tmpdir(), "atlas-invites-generated-"));
      const rewritten = source.split(RULES_IMPORT).join(JSON.stringify(RULES_FILE));
      const js = ts.transpileModule(rewritten, {
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      }).outputText;
      const file = path.join(scratch, `generated-${++loaded}.mjs`);
      await writeFile(file, js);
      return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    },
    async dispose() {
      if (scratch) await rm(scratch, { recursive: true, force: true });
    },
  };
}
