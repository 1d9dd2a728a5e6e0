/**
 * The TypeScript samples in the published spec (x-codeSamples) are compiled against the client's
 * real types, so the rendered docs never show code that does not build. Each sample imports from
 * "atlas-invites"; a throw-away tsconfig maps that name to src/index.ts. All eleven operations
 * have one: the four deprecated invitation operations and the seven Cloud Users operations.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATION_IDS } from "../generated/operations.js";
import { ROOT, typeCheck, writeConsumerTsconfig } from "./helpers/consumer-typecheck.js";

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
  await writeConsumerTsconfig(dir);
  for (const [i, sample] of samples.entries()) {
    await writeFile(path.join(dir, fileOf(i)), sample.source);
  }
  // Samples that must not compile, to prove the check can fail: a misspelled method, an
  // organization role that does not exist (in an invitation body and in a user's roles), a
  // membership status that does not exist, and a role body with the wrong field name.
  const sampleOf = (id: string) => samples.find((s) => s.operationId === id)?.source ?? "";
  const broken: Record<string, string> = {
    "broken-method.ts": sampleOf("getOrgInvite").replace(/\.getOrgInvite\(/g, ".getOrgInvitation("),
    "broken-role.ts": sampleOf("updateOrgInviteById").replace(/"ORG_MEMBER"/g, '"ORG_ADMIN"'),
    "broken-org-roles.ts": sampleOf("updateOrgUser").replace(/"ORG_MEMBER"/g, '"ORG_ADMIN"'),
    "broken-status.ts": sampleOf("getOrgUser").replace(/"ACTIVE"/g, '"INVITED"'),
    "broken-body.ts": sampleOf("addGroupUserRole").replace(/groupRole:/g, "groupRoles:"),
  };
  for (const [file, source] of Object.entries(broken)) {
    // Each breakage must have changed its sample, or the file would prove nothing.
    expect(source, file).not.toBe("");
    expect(
      samples.some((s) => s.source === source),
      file,
    ).toBe(false);
    await writeFile(path.join(dir, file), source);
  }
  result = typeCheck(dir);
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("x-codeSamples in the bundled spec", () => {
  it("gives every operation of the spec a TypeScript sample", () => {
    expect(operationIds.sort()).toEqual([...OPERATION_IDS].sort());
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
    expect(samples.length).toBeGreaterThanOrEqual(OPERATION_IDS.length);
    const report = samples
      .map((s, i) => ({ id: s.operationId, errors: result.errors.get(fileOf(i)) ?? [] }))
      .filter((r) => r.errors.length > 0);
    expect(report).toEqual([]);
  });

  it("fails for a wrong method, role, membership status or body field", () => {
    // tsc exits non-zero because of the broken files, and only because of them.
    expect(result.status).not.toBe(0);
    expect([...result.errors.keys()].sort()).toEqual([
      "broken-body.ts",
      "broken-method.ts",
      "broken-org-roles.ts",
      "broken-role.ts",
      "broken-status.ts",
    ]);
    expect(result.errors.get("broken-method.ts")!.join("\n")).toMatch(
      /TS2551: Property 'getOrgInvitation' does not exist .*Did you mean 'getOrgInvite'/,
    );
    expect(result.errors.get("broken-role.ts")!.join("\n")).toMatch(
      /Type '"ORG_ADMIN"' is not assignable to type '"ORG_OWNER" \| "ORG_MEMBER"/,
    );
    expect(result.errors.get("broken-org-roles.ts")!.join("\n")).toMatch(
      /Type '"ORG_ADMIN"' is not assignable to type '"ORG_OWNER" \| "ORG_MEMBER"/,
    );
    expect(result.errors.get("broken-status.ts")!.join("\n")).toMatch(
      /Type '"INVITED"' is not assignable to type '"PENDING" \| "ACTIVE" \| "INVITATION_EXPIRED" \| "INVITATION_REJECTED"'/,
    );
    expect(result.errors.get("broken-body.ts")!.join("\n")).toMatch(
      /'groupRoles' does not exist in type .*Did you mean to write 'groupRole'\?/,
    );
  });
});
