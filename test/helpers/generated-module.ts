/**
 * Imports code the generator wrote somewhere other than generated/ (a synthetic spec's output, a
 * throw-away copy of the project). The generated validators import their run-time pieces from
 * src/validation/ by a path relative to generated/; the imported copy uses this checkout's files
 * by their absolute paths instead.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

/** `"../src/validation/<name>.js"`, as the generated module names the run-time pieces. */
const VALIDATION_IMPORT = /"\.\.\/src\/validation\/([\w-]+)\.js"/g;
const VALIDATION_DIR = fileURLToPath(new URL("../../src/validation/", import.meta.url));

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
      const rewritten = source.replace(VALIDATION_IMPORT, (_m, name: string) =>
        JSON.stringify(path.join(VALIDATION_DIR, `${name}.ts`)),
      );
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
