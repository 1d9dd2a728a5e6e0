/**
 * The README's examples, as written. The two programs of the quick tour run in a child process
 * with tsx: the first against a fake Atlas whose URL and service-account credentials reach it
 * through the environment variables the program documents, the second verbatim (it starts its own
 * fake). Every TypeScript block of the README is then compiled against the package's real types.
 * "atlas-invites" resolves to src/ through a throw-away tsconfig, the way a consumer's import
 * resolves to the published package.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AtlasApiError, accessToken, createAtlasInvites } from "../src/index.js";
import { startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";
import { ROOT, TSC, writeConsumerTsconfig } from "./helpers/consumer-typecheck.js";
import { envWithoutAtlas, run, type RunResult } from "./helpers/processes.js";

const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");

interface CodeBlock {
  lang: string;
  code: string;
  /** The nearest `##` heading above the block. */
  section: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

/** The fenced code blocks of a Markdown document, with the section each sits in. */
function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split("\n");
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^## (.+)$/.exec(line);
    if (heading) section = heading[1]!.trim();
    const fence = /^(`{3,})(\w*)\s*$/.exec(line);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === fence[1]);
    if (end === -1) throw new Error(`README.md:${i + 1}: unclosed code fence`);
    blocks.push({
      lang: fence[2]!,
      code: lines.slice(i + 1, end).join("\n") + "\n",
      section,
      line: i + 1,
    });
    i = end;
  }
  return blocks;
}

const isTypeScript = (b: CodeBlock) => b.lang === "ts" || b.lang === "typescript";

/** Runs a TypeScript file with tsx, from its directory so tsx reads the tsconfig there. */
function runTs(file: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return run(process.execPath, [TSX_CLI, file], { cwd: path.dirname(file), env });
}

let dir: string;
let blocks: CodeBlock[];
let tour: CodeBlock[];
let callAtlas: string;
let testAgainstFake: string;

beforeAll(async () => {
  blocks = codeBlocks(await readFile(path.join(ROOT, "README.md"), "utf8"));
  tour = blocks.filter((b) => b.section === "Quick tour" && isTypeScript(b));
  await mkdir(path.join(ROOT, ".tmp"), { recursive: true });
  // Inside the project, so that node_modules and the package's "type": "module" apply.
  dir = await mkdtemp(path.join(ROOT, ".tmp", "readme-"));
  await writeConsumerTsconfig(dir);
  callAtlas = path.join(dir, "tour-call-atlas.ts");
  testAgainstFake = path.join(dir, "tour-test-against-fake.ts");
  if (tour.length === 2) {
    await writeFile(callAtlas, tour[0]!.code);
    await writeFile(testAgainstFake, tour[1]!.code);
  }
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("README quick tour, run as written", () => {
  let fake: FakeAtlas;
  let orgId: string;
  beforeAll(async () => {
    fake = await startFakeAtlas();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => {
    fake.users.clear();
    fake.roles.reset();
    fake.requests.length = 0;
  });

  /** Runs the first program against the fake, signed in with the fake's service account. */
  function runFirstProgram(secret = fake.credentials.serviceAccount.clientSecret) {
    return runTs(
      callAtlas,
      envWithoutAtlas({
        MONGODB_ATLAS_CLIENT_ID: fake.credentials.serviceAccount.clientId,
        MONGODB_ATLAS_CLIENT_SECRET: secret,
        MONGODB_ATLAS_BASE_URL: fake.url,
      }),
    );
  }

  it("finds the pending invitation and changes its roles", async () => {
    expect(tour).toHaveLength(2);
    const [call, test] = tour.map((b) => b.code);
    expect(call).toMatch(/serviceAccount\(\{/);
    expect(call).toMatch(/\.listOrgUsers\(/);
    expect(call).toMatch(/\.updateOrgUser\(/);
    expect(call).toMatch(/isAtlasApiError\(err/);
    expect(test).toMatch(/from "atlas-invites\/testing"/);
    expect(test).toMatch(/startFakeAtlas\(/);
    // The organization the program asks about; the fake is seeded with it.
    orgId = /const orgId = "([a-f0-9]{24})"/.exec(call!)?.[1] ?? "";
    expect(orgId).not.toBe("");
    fake.users.addOrgUser({ orgId, username: "someone-else@example.com" });
    const ana = fake.users.addOrgUser({ orgId, username: "ana@example.com" });

    const run = await runFirstProgram();
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("ana@example.com will join as ORG_MEMBER, ORG_BILLING_READ_ONLY\n");
    expect(fake.users.getOrgUser(orgId, ana.id)?.roles.orgRoles).toEqual([
      "ORG_MEMBER",
      "ORG_BILLING_READ_ONLY",
    ]);
    const api = fake.requests.filter((r) => r.operationId !== undefined);
    expect(api.map((r) => [r.method, r.operationId, r.status])).toEqual([
      ["GET", "listOrgUsers", 200],
      ["PATCH", "updateOrgUser", 200],
    ]);
    expect(api[0]!.url).toBe(
      `/api/atlas/v2/orgs/${orgId}/users?username=ana%40example.com&orgMembershipStatuses=PENDING`,
    );
    // It signed in with the service account: a token request, then bearer calls.
    expect(fake.requests.some((r) => r.url === "/api/oauth/token")).toBe(true);
    expect(String(api[0]!.headers.authorization)).toMatch(/^Bearer /);
  });

  it("says so when there is no pending invitation", async () => {
    fake.users.addOrgUser({ orgId, username: "ana@example.com", orgMembershipStatus: "ACTIVE" });
    const run = await runFirstProgram();
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("ana@example.com has no pending invitation in this organization.\n");
    expect(fake.requests.filter((r) => r.operationId === "updateOrgUser")).toEqual([]);
  });

  it("takes its missing-role branch when the service account lacks the role", async () => {
    fake.users.addOrgUser({ orgId, username: "ana@example.com" });
    fake.roles.deny({ credential: "serviceAccount", operationId: "updateOrgUser" });
    const run = await runFirstProgram();
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("This service account lacks the role this change needs.\n");
    // One token served both calls: a missing role is not a failed credential.
    expect(fake.requests.filter((r) => r.url === "/api/oauth/token")).toHaveLength(1);
  });

  it("fails without printing the secret when the secret is wrong", async () => {
    const wrongSecret = "mdb_sa_sk_readme_wrong_secret_0123456789";
    const run = await runFirstProgram(wrongSecret);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/AtlasAuthError/);
    expect(run.stdout + run.stderr).not.toContain(wrongSecret);
    expect(run.stdout + run.stderr).toContain(fake.credentials.serviceAccount.clientId);
  });

  it("gives the error message the Errors section shows for a missing role", async () => {
    const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
    const shown = /for\s+example\s+`(\[401 USER_UNAUTHORIZED\] [^`]+)`/.exec(readme)?.[1];
    expect(shown).toBeDefined();
    const orgId = "4888442a3354817a7320eb61";
    const user = fake.users.addOrgUser({ orgId, username: "ana@example.com" });
    fake.roles.deny({ operationId: "updateOrgUser" });
    const atlas = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
    });
    try {
      const err = await atlas
        .updateOrgUser({ orgId, userId: user.id, body: { teamIds: [] } })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AtlasApiError);
      expect((err as AtlasApiError).message).toBe(shown!.replace(/\s*\n\s*/g, " "));
    } finally {
      await atlas.close();
    }
  });

  it("runs the fake-Atlas program verbatim", async () => {
    const run = await runTs(testAgainstFake, envWithoutAtlas({}));
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("updated ana@example.com: ORG_MEMBER, ORG_BILLING_READ_ONLY\n");
  });
});

describe("README TypeScript blocks", () => {
  it("all compile against the package's types, and a broken copy does not", async () => {
    const ts = blocks.filter(isTypeScript);
    // The tour, authentication, errors and options each show code.
    expect(ts.length).toBeGreaterThanOrEqual(5);
    const files = ts.map((b, i) => ({ name: `block-${i + 1}-line-${b.line}.ts`, block: b }));
    for (const { name, block } of files) await writeFile(path.join(dir, name), block.code);
    // A copy of the first block with a misspelled method proves tsc really checks these files.
    await writeFile(
      path.join(dir, "broken.ts"),
      ts[0]!.code.replace(".updateOrgUser(", ".updateOrganizationUser("),
    );

    const run = spawnSync(process.execPath, [TSC, "-p", dir, "--pretty", "false"], {
      cwd: dir,
      encoding: "utf8",
    });
    const errors = `${run.stdout}${run.stderr}`
      .split("\n")
      .filter((line) => /\): error TS\d+/.test(line));
    const inBroken = errors.filter((e) => e.startsWith("broken.ts("));
    expect(inBroken.join("\n")).toMatch(/TS2339: Property 'updateOrganizationUser' does not exist/);
    expect(errors.filter((e) => !e.startsWith("broken.ts("))).toEqual([]);
    // Every block was part of the compilation (tsx-run files included).
    const listed = spawnSync(process.execPath, [TSC, "-p", dir, "--listFilesOnly"], {
      encoding: "utf8",
    }).stdout;
    for (const { name } of files) expect(listed).toContain(path.join(dir, name));
  }, 120_000);
});
