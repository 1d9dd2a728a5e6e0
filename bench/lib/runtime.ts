/**
 * The code under test, compiled the way it ships. Running src/ through tsx would add the
 * `__name` helper calls that esbuild's keepNames inserts around every function, which the
 * published JavaScript (plain tsc output) does not have; they cost real time per call. So the
 * runtime metrics load src/ compiled by esbuild without keepNames, with packages left external
 * (openapi-fetch is then the very module the baseline arms use). A third entry point,
 * bench/lib/internals.ts, shares the same chunks, so the pieces it exports are the client's own.
 */
import { build } from "esbuild";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as Client from "../../src/index.js";
import type * as Testing from "../../src/testing/index.js";
import type * as Internals from "./internals.js";
import { ROOT, scratchDir } from "./project.js";

export type ClientModule = typeof Client;
export type TestingModule = typeof Testing;
export type InternalsModule = typeof Internals;

export interface Runtime {
  client: ClientModule;
  testing: TestingModule;
  internals: InternalsModule;
  remove: () => Promise<void>;
}

export async function loadRuntime(): Promise<Runtime> {
  const scratch = await scratchDir("runtime");
  const outdir = path.join(scratch.dir, "out");
  await build({
    entryPoints: {
      client: path.join(ROOT, "src/index.ts"),
      testing: path.join(ROOT, "src/testing/index.ts"),
      internals: path.join(ROOT, "bench/lib/internals.ts"),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    outExtension: { ".js": ".mjs" },
    logLevel: "silent",
  });
  const load = (name: string) => import(pathToFileURL(path.join(outdir, `${name}.mjs`)).href);
  return {
    client: (await load("client")) as ClientModule,
    testing: (await load("testing")) as TestingModule,
    internals: (await load("internals")) as InternalsModule,
    remove: scratch.remove,
  };
}
