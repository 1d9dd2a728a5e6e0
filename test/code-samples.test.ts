/**
 * The TypeScript samples in the published spec (x-codeSamples) are compiled against the client's
 * real types, so the rendered docs never show code that does not build. Each sample imports from
 * "atlas-invites"; a throw-away tsconfig maps that name to src/index.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operations } from "../src/index.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

interface Sample {
  operationId: string;
  label: string;
  source: string;
}

interface CodeSample {
  lang?: string;
  label?: string;
  source?: string;
}

async function typeScriptSamples(): Promise<{ samples: Sample[]; operationIds: string[] }> {
  const spec = JSON.parse(await readFile(path.join(ROOT, "generated/openapi.json"), "utf8")) as {
    paths: Record<string, Record<string, { operationId?: string; "x-codeSamples"?: CodeSample[] }>>;
  };
  const samples: Sample[] = [];
  const operationIds: string[] = [];
  for (const item of Object.values(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method) || !op.operationId) continue;
      operationIds.push(op.operationId);
      for (const sample of op["x-codeSamples"] ?? []) {
        if (!/^(typescript|ts)$/i.test(sample.lang ?? "")) continue;
        samples.push({
          operationId: op.operationId,
          label: sample.label ?? "",
          source: sample.source ?? "",
        });
      }
    }
  }
  return { samples, operationIds };
}

/** Writes a tsconfig that resolves the package name to the sources, like a consumer would see it. */
async function writeTsconfig(dir: string): Promise<void> {
  const rel = (p: string) => path.relative(dir, path.join(ROOT, p)).split(path.sep).join("/");
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2023"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      skipLibCheck: true,
      types: ["node"],
      paths: {
        "atlas-invites": [rel("src/index.ts")],
        "atlas-invites/testing": [rel("src/testing/index.ts")],
      },
    },
    include: ["*.ts"],
  };
  await writeFile(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
}

/** Runs tsc on the directory and groups its diagnostics by file name. */
function typeCheck(dir: string): { status: number | null; errors: Map<string, string[]> } {
  const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", dir, "--pretty", "false"], {
    cwd: dir,
    encoding: "utf8",
  });
  const errors = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of `${run.stdout}${run.stderr}`.split("\n")) {
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
  return { status: run.status, errors };
}

let dir: string;
let samples: Sample[];
let operationIds: string[];
let result: ReturnType<typeof typeCheck>;
const fileOf = (i: number) => `sample-${i}.ts`;

beforeAll(async () => {
  ({ samples, operationIds } = await typeScriptSamples());
  await mkdir(path.join(ROOT, ".tmp"), { recursive: true });
  // Inside the project, so that node_modules and the package's "type": "module" apply.
  dir = await mkdtemp(path.join(ROOT, ".tmp", "code-samples-"));
  await writeTsconfig(dir);
  for (const [i, sample] of samples.entries()) {
    await writeFile(path.join(dir, fileOf(i)), sample.source);
  }
  // Two samples that must not compile, to prove the check can fail: a misspelled method and an
  // organization role that does not exist.
  const getSample = samples.find((s) => s.operationId === "getOrgInvite");
  const updateSample = samples.find((s) => s.operationId === "updateOrgInviteById");
  if (getSample && updateSample) {
    await writeFile(
      path.join(dir, "broken-method.ts"),
      getSample.source.replace(/\.getOrgInvite\(/g, ".getOrgInvitation("),
    );
    await writeFile(
      path.join(dir, "broken-role.ts"),
      updateSample.source.replace(/"ORG_MEMBER"/g, '"ORG_ADMIN"'),
    );
  }
  result = typeCheck(dir);
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("x-codeSamples in the bundled spec", () => {
  it("gives every operation of the spec a TypeScript sample", () => {
    expect(operationIds.sort()).toEqual(Object.keys(operations).sort());
    for (const id of operationIds) {
      expect(
        samples.filter((s) => s.operationId === id),
        `${id} has no TypeScript sample`,
      ).not.toHaveLength(0);
    }
  });

  it("has each sample import the package and call the method named by its operationId", () => {
    for (const sample of samples) {
      expect(sample.source, sample.operationId).toMatch(/from "atlas-invites"/);
      expect(sample.source, sample.operationId).toMatch(
        new RegExp(`\\.${sample.operationId}\\(\\s*\\{`),
      );
    }
  });

  it("type-checks every sample against the client with zero errors", () => {
    expect(samples.length).toBeGreaterThan(0);
    const report = samples
      .map((s, i) => ({ id: s.operationId, errors: result.errors.get(fileOf(i)) ?? [] }))
      .filter((r) => r.errors.length > 0);
    expect(report).toEqual([]);
  });

  it("fails for a sample that calls a method the client does not have, or a wrong role", () => {
    // tsc exits non-zero because of the broken files, and only because of them.
    expect(result.status).not.toBe(0);
    expect([...result.errors.keys()].sort()).toEqual(["broken-method.ts", "broken-role.ts"]);
    expect(result.errors.get("broken-method.ts")!.join("\n")).toMatch(
      /TS2551: Property 'getOrgInvitation' does not exist .*Did you mean 'getOrgInvite'/,
    );
    expect(result.errors.get("broken-role.ts")!.join("\n")).toMatch(
      /Type '"ORG_ADMIN"' is not assignable to type '"ORG_OWNER" \| "ORG_MEMBER"/,
    );
  });
});
