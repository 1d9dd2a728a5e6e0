/**
 * `npm run test:package`: the published package, tried the way users meet it.
 *
 * It packs the package with `npm pack`, installs the tarball into a fresh ESM project in a
 * temporary directory (offline, from the npm cache) and checks:
 * - the tarball holds what users need and nothing else (tests, fixtures, build scripts, maps of
 *   compiled JavaScript), and its declaration maps point at sources it ships;
 * - publint (strict) and Are the Types Wrong (ESM-only profile) on the package: entry points,
 *   export conditions, files that exports name, and the types each resolution mode finds;
 * - a TypeScript consumer type-checks under NodeNext, Node16 and bundler resolution (skipLibCheck
 *   off), with `@ts-expect-error` lines that fail if the types went loose, and a CommonJS module
 *   (.cts) of a TypeScript project type-checks under NodeNext and is refused under Node16 with
 *   TS1479 alone, as the README says;
 * - an ESM consumer (`import`) and a CommonJS consumer (`require()`) call the fake Atlas from
 *   `atlas-invites/testing` with each auth strategy and check the answers and the User-Agent.
 *
 * dist/ is compiled first (`npm run compile`) when it is missing or older than src/ or generated/.
 *
 *   npm run test:package                          all checks
 *   npm run test:package -- --keep               keep the temporary directory for inspection
 *   npm run test:package -- --self-test-broken   break the installed copy in five ways and
 *                                                require each breakage to fail the checks meant
 *                                                to catch it (the tools and consumers re-run in
 *                                                place, without packing or installing again)
 *
 * Prints one PASS/FAIL line per check and a closing `N passed, N failed` line, writes
 * .tmp/test-package.json ({ passed, failed, ... }), and exits 1 on any failure.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const tscPath = join(root, "node_modules", "typescript", "bin", "tsc");
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;
const rootPkg = readJson<{ name: string; devDependencies: Record<string, string> }>(
  join(root, "package.json"),
);

// ---------------------------------------------------------------------------------------------
// Processes

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Children get our environment minus what `npm run` describes about this project, so an npm
 * started in the consumer directory configures itself from that directory alone.
 */
const childEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !key.startsWith("npm_package_") &&
        !key.startsWith("npm_lifecycle_") &&
        key !== "npm_config_local_prefix" &&
        key !== "INIT_CWD",
    ),
  ),
  NO_COLOR: "1",
  FORCE_COLOR: "0",
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
};

function run(command: string, args: string[], cwd: string, timeoutMs = 180_000): Ran {
  const result = spawnSync(command, args, {
    cwd,
    env: childEnv,
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const problem = result.error ? `\n${result.error.message}` : "";
  return {
    status: result.status,
    stdout: result.stdout ?? "",
    stderr: (result.stderr ?? "") + problem,
  };
}

/** The interesting part of a child's output, without npm's config warnings. */
function output(ran: Ran, maxLines = 40): string {
  const lines = `${ran.stdout}\n${ran.stderr}`
    .split("\n")
    .filter((line) => line.trim() !== "" && !/^npm warn Unknown (user|env) config/.test(line));
  const shown = lines.slice(0, maxLines);
  if (lines.length > maxLines) shown.push(`... ${lines.length - maxLines} more lines`);
  return shown.join("\n");
}

function mustRun(command: string, args: string[], cwd: string): Ran {
  const ran = run(command, args, cwd);
  if (ran.status !== 0) {
    throw new Error(`\`${command} ${args.join(" ")}\` exited ${ran.status}\n${output(ran)}`);
  }
  return ran;
}

/** Every file under `dir`, as paths relative to it with forward slashes. */
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"));
}

/** Compiles when dist/ lacks an entry point or is older than what it is compiled from. */
function ensureDist(): void {
  const entries = ["dist/src/index.js", "dist/src/testing/index.js", "dist/src/index.d.ts"];
  const mtimes = (dirs: string[]) =>
    dirs.flatMap((dir) => walk(join(root, dir)).map((f) => statSync(join(root, dir, f)).mtimeMs));
  const missing = entries.filter((file) => !existsSync(join(root, file)));
  const stale =
    missing.length === 0 &&
    Math.max(...mtimes(["src", "generated"])) > Math.min(...mtimes(["dist/src", "dist/generated"]));
  if (missing.length === 0 && !stale) return;
  console.log(`dist/ is ${missing.length > 0 ? "incomplete" : "stale"}: npm run compile`);
  mustRun("npm", ["run", "compile"], root);
}

// ---------------------------------------------------------------------------------------------
// The checks

const CHECK = {
  contents: "tarball holds only what users need, and its declaration maps lead to shipped sources",
  publint: "publint --strict",
  attw: "attw --profile esm-only",
  install: "install the tarball into a fresh ESM project",
  tsNodeNext: "TypeScript consumer, module NodeNext, skipLibCheck false",
  tsNode16: "TypeScript consumer, module Node16, skipLibCheck false",
  tsBundler: "TypeScript consumer, moduleResolution bundler, skipLibCheck false",
  tsCommonJs: "TypeScript CommonJS consumer (.cts), module NodeNext, skipLibCheck false",
  tsCommonJsNode16: "TypeScript CommonJS consumer (.cts), module Node16: refused with TS1479",
  runEsm: "ESM consumer imports the package and calls the fake Atlas",
  runCjs: "CommonJS consumer requires the package and calls the fake Atlas",
} as const;

/** What the tarball may hold; everything else is junk that users download for nothing. */
const ALLOWED = [
  /^(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/,
  // The guides the package's own messages and JSDoc point to.
  /^docs\/(MIGRATING|FAKE-ATLAS|RELIABILITY)\.md$/,
  /^dist\/(src|generated)\/[\w/-]+(\.js|\.d\.ts|\.d\.ts\.map)$/,
  /^src\/[\w/-]+(?<!\.test)\.ts$/,
  /^generated\/[\w-]+\.(ts|json)$/,
];
const REQUIRED = [
  "package.json",
  "README.md",
  "LICENSE",
  "CHANGELOG.md",
  "docs/MIGRATING.md",
  "docs/FAKE-ATLAS.md",
  "docs/RELIABILITY.md",
];

/**
 * The file list: nothing outside the allow-list, every shipped source compiled, every compiled
 * module's source shipped (no stale leftovers), and every declaration map's sources shipped, so
 * "go to definition" lands in real TypeScript. Which files package.json points at is publint's
 * and attw's business.
 */
function checkContents(dir: string): string {
  const files = walk(dir).sort();
  const have = new Set(files);
  const problems: string[] = [];
  for (const file of files) {
    if (!ALLOWED.some((pattern) => pattern.test(file))) problems.push(`${file}: not allowed`);
    const source = /^(src|generated)\/(.+)\.ts$/.exec(file);
    for (const ext of source ? [".js", ".d.ts", ".d.ts.map"] : []) {
      const compiled = `dist/${source![1]}/${source![2]}${ext}`;
      if (!have.has(compiled)) problems.push(`${compiled}: missing for ${file}`);
    }
    const compiled = /^dist\/(src|generated)\/(.+)\.js$/.exec(file);
    if (compiled && !have.has(`${compiled[1]}/${compiled[2]}.ts`)) {
      problems.push(`${file}: compiled from a source the tarball does not hold`);
    }
    if (file.endsWith(".d.ts.map")) {
      const map = readJson<{ sources?: string[] }>(join(dir, file));
      if (!map.sources?.length) problems.push(`${file}: no sources`);
      for (const s of map.sources ?? []) {
        const target = posix.normalize(posix.join(posix.dirname(file), s));
        if (!have.has(target)) problems.push(`${file}: source ${target} is not shipped`);
      }
    }
  }
  for (const file of REQUIRED) if (!have.has(file)) problems.push(`${file}: missing`);
  if (!files.some((file) => file.endsWith(".d.ts.map"))) problems.push("no declaration maps");
  if (problems.length > 0) throw new Error(problems.map((p) => `- ${p}`).join("\n"));
  return `${files.length} files`;
}

/** publint on a package directory, as packed (the installed copy holds exactly the tarball). */
function checkPublint(dir: string): string {
  const ran = run(bin("publint"), ["run", dir, "--pack", "false", "--strict"], root);
  if (ran.status !== 0 || !/All good!/.test(ran.stdout)) {
    throw new Error(`publint exited ${ran.status}:\n${output(ran)}`);
  }
  return "all good";
}

function checkAttw(tarball: string): string {
  const args = [tarball, "--profile", "esm-only", "--no-color", "--no-emoji"];
  const ran = run(bin("attw"), args, root);
  if (ran.status !== 0) throw new Error(`attw exited ${ran.status}:\n${output(ran, 60)}`);
  return "node16 from ESM and bundler resolution find types for every entry point";
}

function install(project: string, tarball: string): string {
  mkdirSync(project, { recursive: true });
  const manifest = { name: "consumer", version: "1.0.0", private: true, type: "module" };
  writeFileSync(join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const typesNode = `@types/node@${rootPkg.devDependencies["@types/node"]}`;
  const args = ["install", "--no-audit", "--no-fund", tarball, typesNode];
  // Offline from the npm cache that `npm ci` filled; a cache that lacks a package (ENOTCACHED)
  // is the machine's state, not the package's, so that one case goes to the registry.
  const offline = run("npm", [...args, "--offline"], project);
  if (offline.status === 0) return "offline";
  if (!/ENOTCACHED/.test(offline.stderr)) {
    throw new Error(`npm install --offline exited ${offline.status}\n${output(offline)}`);
  }
  mustRun("npm", [...args, "--prefer-offline"], project);
  return "from the registry: the npm cache lacked a dependency";
}

/** Type-level use of the package; each @ts-expect-error fails the check if the types went loose. */
const TYPED_CONSUMER = `import {
  accessToken,
  AtlasApiError,
  createAtlasInvites,
  isAtlasApiError,
  OPERATION_IDS,
  ORG_ROLES,
  type AtlasInvites,
  type Envelope,
  type GroupInvitation,
  type OperationId,
  type OrganizationInvitation,
  type OrgRole,
  type OrgUser,
} from "atlas-invites";
import { startFakeAtlas, type FakeAtlas, type FakeOrgInvite } from "atlas-invites/testing";

const fake: FakeAtlas = await startFakeAtlas();
const atlas: AtlasInvites = createAtlasInvites({
  auth: accessToken({ token: fake.credentials.accessToken }),
  baseUrl: fake.url,
  userAgent: "consumer/1.0.0",
  onDeprecation: false,
});

// exactOptionalPropertyTypes is on: an option or call option read from somewhere that may
// leave it out still type-checks.
const unset: string | undefined = process.env.ATLAS_INVITES_CONSUMER_UNSET;
const configured: AtlasInvites = createAtlasInvites({
  auth: accessToken({ token: fake.credentials.accessToken }),
  baseUrl: unset,
  userAgent: unset,
  timeout: undefined,
  retry: { maxRetries: undefined },
  onRetry: undefined,
  maxResponseBytes: undefined,
});

const seeded: FakeOrgInvite = fake.invites.addOrgInvite({ roles: ["ORG_MEMBER"] });
// The fake fills the ids of what it seeds, and its types say so.
const orgId: string = seeded.orgId;
const invitationId: string = seeded.id;
const invite: OrganizationInvitation = await atlas.getOrgInvite({ orgId, invitationId });
const wrapped: Envelope<OrganizationInvitation> = await atlas.getOrgInvite({
  orgId,
  invitationId,
  envelope: true,
});
const updated: GroupInvitation = await atlas.updateGroupInvites({
  groupId: "32b6e34b3d91647abb20e7b8",
  body: { username: "ana@example.com", roles: ["GROUP_READ_ONLY"] },
});
const roles: OrgRole[] = ["ORG_OWNER", "ORG_MEMBER"];
await atlas.updateOrgInviteById({ orgId, invitationId, body: { roles } });
// The client only reads its input: readonly lists are taken, and an optional body field takes a
// maybe-value under exactOptionalPropertyTypes.
await atlas.updateOrgInviteById({ orgId, invitationId, body: { roles: ORG_ROLES, teamIds: undefined } });

for await (const user of atlas.paginate("listOrgUsers", { orgId, orgMembershipStatuses: ["PENDING"] })) {
  const who: OrgUser = user;
  if (who.orgMembershipStatus === "ACTIVE") console.log(who.firstName);
  else console.log(who.inviterUsername);
}

// The Cloud Users API, as the README's quick tour uses it.
const { results } = await atlas.listOrgUsers({ orgId, username: "ana@example.com" });
const invitee = results[0];
if (invitee?.orgMembershipStatus === "PENDING") {
  const since: string = invitee.invitationCreatedAt;
  const changed: OrgUser = await atlas.updateOrgUser({
    orgId,
    userId: invitee.id,
    body: { roles: { orgRoles: ["ORG_MEMBER", "ORG_BILLING_READ_ONLY"] } },
  });
  console.log(since, changed.roles.orgRoles);
  // @ts-expect-error ORG_ADMIN is not an organization role
  await atlas.updateOrgUser({ orgId, userId: invitee.id, body: { roles: { orgRoles: ["ORG_ADMIN"] } } });
  // @ts-expect-error the role operations take one role, not a list
  await atlas.addGroupUserRole({ groupId: orgId, userId: invitee.id, body: { groupRoles: ["GROUP_OWNER"] } });
}

// @ts-expect-error invitationId is required
await atlas.getOrgInvite({ orgId });
// @ts-expect-error organization roles are a closed set
await atlas.updateOrgInviteById({ orgId, invitationId, body: { roles: ["ORG_EVERYTHING"] } });
// @ts-expect-error not an operation of this package
const unknownId: OperationId = "deleteOrgInvite";
// @ts-expect-error auth takes a strategy value, not an options object
createAtlasInvites({ auth: { type: "accessToken", token: "t" } });

try {
  await atlas.getOrgInvite({ orgId, invitationId: "0123456789abcdef01234567" });
} catch (err) {
  if (isAtlasApiError(err, 404)) {
    const code: string | undefined = err.errorCode;
    const status: number = err.status;
    console.log(code, status);
  }
  if (err instanceof AtlasApiError) console.log(err.detail);
}
await configured.getOrgInvite({ orgId, invitationId, signal: undefined, timeout: undefined });
const ids: readonly OperationId[] = OPERATION_IDS;
console.log(invite.orgName, wrapped.status, updated.roles, unknownId, ids);
await atlas.close();
await fake.close();
`;

const strictOptions = {
  target: "ES2022",
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noUnusedLocals: true,
  skipLibCheck: false,
  noEmit: true,
};

/**
 * A CommonJS module of a TypeScript project: its imports compile to require(), which loads this
 * ES module on Node 20.19 and later. TypeScript allows that under module NodeNext (5.8 and later);
 * under Node16 it refuses with TS1479, as the README says.
 */
const TYPED_CJS_CONSUMER = `import { accessToken, createAtlasInvites, type AtlasInvites } from "atlas-invites";
import { startFakeAtlas, type FakeAtlas } from "atlas-invites/testing";

export async function main(): Promise<string> {
  const fake: FakeAtlas = await startFakeAtlas();
  const atlas: AtlasInvites = createAtlasInvites({
    auth: accessToken({ token: fake.credentials.accessToken }),
    baseUrl: fake.url,
  });
  const orgId = "4888442a3354817a7320eb61";
  const user = fake.users.addOrgUser({ orgId, username: "ana@example.com" });
  const found = await atlas.getOrgUser({ orgId, userId: user.id });
  await atlas.close();
  await fake.close();
  return found.username;
}
`;

function typeCheck(project: string, config: string, options: object, file = "typed.ts"): string {
  const tsconfig = { compilerOptions: { ...strictOptions, ...options }, files: [file] };
  writeFileSync(join(project, config), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const ran = run(
    process.execPath,
    [tscPath, "-p", config, "--pretty", "false", "--listFiles"],
    project,
  );
  const lines = ran.stdout.split("\n");
  if (ran.status !== 0) {
    const diagnostics = lines.filter((line) => !line.startsWith("/")).join("\n");
    throw new Error(
      `tsc -p ${config} exited ${ran.status}:\n${output({ ...ran, stdout: diagnostics })}`,
    );
  }
  const declarations = lines.filter(
    (line) => line.includes("/node_modules/atlas-invites/") && line.endsWith(".d.ts"),
  );
  if (declarations.length === 0) throw new Error("tsc passed without reading the package's types");
  return `${declarations.length} declaration files of the package checked`;
}

/**
 * What the README tells CommonJS TypeScript users: under module Node16 the compiler refuses to
 * import this ES module from a CommonJS module (TS1479), and nothing else is wrong. Should a
 * TypeScript release accept it, or the package stop being an ES module, the README is out of date.
 */
function refusedUnderNode16(project: string): string {
  const config = "tsconfig.cjs-node16.json";
  const options = {
    module: "Node16",
    moduleResolution: "Node16",
    lib: ["ES2022"],
    types: ["node"],
  };
  const tsconfig = { compilerOptions: { ...strictOptions, ...options }, files: ["typed-cjs.cts"] };
  writeFileSync(join(project, config), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const ran = run(process.execPath, [tscPath, "-p", config, "--pretty", "false"], project);
  const errors = ran.stdout.split("\n").filter((line) => / error TS\d+:/.test(line));
  const others = errors.filter((line) => !line.includes("error TS1479:"));
  const refused = ["atlas-invites", "atlas-invites/testing"].filter((spec) =>
    errors.some((line) => line.includes("error TS1479:") && line.includes(`import("${spec}")`)),
  );
  if (ran.status === 0 || others.length > 0 || refused.length !== 2) {
    throw new Error(
      `expected TS1479 for both imports and no other error; tsc exited ${ran.status}:\n${output(ran)}`,
    );
  }
  return "both imports refused with TS1479, as the README says";
}

/**
 * The same calls for the ESM and the CommonJS consumer; only the loading differs. Each auth
 * strategy gets a client: a token, and fromEnv() with the fake's service account and API key.
 * The expected operations come from the shipped spec, the User-Agent from package.json.
 */
function runtimeConsumer(kind: "esm" | "cjs"): string {
  const names =
    "accessToken, AtlasApiError, createAtlasInvites, fromEnv, isAtlasApiError, OPERATION_IDS";
  const header =
    kind === "esm"
      ? `import assert from "node:assert/strict";
import { ${names} } from "atlas-invites";
import { startFakeAtlas } from "atlas-invites/testing";
import spec from "atlas-invites/openapi.json" with { type: "json" };
import pkg from "atlas-invites/package.json" with { type: "json" };
`
      : `"use strict";
const assert = require("node:assert/strict");
const { ${names} } = require("atlas-invites");
const { startFakeAtlas } = require("atlas-invites/testing");
const spec = require("atlas-invites/openapi.json");
const pkg = require("atlas-invites/package.json");
`;
  return `${header}
async function main() {
  const fake = await startFakeAtlas();
  const { serviceAccount, apiKey } = fake.credentials;
  const strategies = {
    accessToken: accessToken({ token: fake.credentials.accessToken }),
    "fromEnv (service account)": fromEnv({
      MONGODB_ATLAS_CLIENT_ID: serviceAccount.clientId,
      MONGODB_ATLAS_CLIENT_SECRET: serviceAccount.clientSecret,
    }),
    "fromEnv (API key)": fromEnv({
      MONGODB_ATLAS_PUBLIC_KEY: apiKey.publicKey,
      MONGODB_ATLAS_PRIVATE_KEY: apiKey.privateKey,
    }),
  };
  let userAgent = "";
  try {
    for (const [label, auth] of Object.entries(strategies)) {
      const atlas = createAtlasInvites({ auth, baseUrl: fake.url, onDeprecation: false });
      try {
        const seeded = fake.invites.addOrgInvite({ username: "ana@example.com", roles: ["ORG_OWNER"] });
        const invite = await atlas.getOrgInvite({ orgId: seeded.orgId, invitationId: seeded.id });
        assert.deepEqual(invite, seeded, label);

        const group = fake.invites.addGroupInvite({ roles: ["GROUP_READ_ONLY"] });
        const updated = await atlas.updateGroupInviteById({
          groupId: group.groupId,
          invitationId: group.id,
          body: { roles: ["GROUP_OWNER"] },
        });
        assert.deepEqual(updated.roles, ["GROUP_OWNER"], label);

        const missing = "0123456789abcdef01234567";
        await assert.rejects(atlas.getOrgInvite({ orgId: seeded.orgId, invitationId: missing }), (err) => {
          assert.ok(err instanceof AtlasApiError, label + ": a 404 is not an AtlasApiError: " + err);
          assert.ok(isAtlasApiError(err, 404), label);
          return true;
        });
      } finally {
        await atlas.close();
      }
    }
    userAgent = String(fake.requests.at(-1)?.headers["user-agent"]);
    const expected = pkg.name + "/" + pkg.version + " ";
    assert.ok(userAgent.startsWith(expected), "User-Agent " + userAgent + " lacks " + expected);

    const inSpec = Object.values(spec.paths)
      .flatMap((item) => Object.values(item).map((operation) => operation.operationId))
      .filter(Boolean);
    assert.deepEqual([...OPERATION_IDS].sort(), inSpec.sort());
  } finally {
    await fake.close();
  }
  console.log("consumer ok (${kind}): " + Object.keys(strategies).join(", ") + "; " + userAgent);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
`;
}

function runConsumer(project: string, kind: "esm" | "cjs"): string {
  const file = kind === "esm" ? "consumer.mjs" : "consumer.cjs";
  writeFileSync(join(project, file), runtimeConsumer(kind));
  const ran = run(process.execPath, [file], project, 60_000);
  const prefix = `consumer ok (${kind}): `;
  const line = ran.stdout.split("\n").find((l) => l.startsWith(prefix));
  if (ran.status !== 0 || !line)
    throw new Error(`node ${file} exited ${ran.status}:\n${output(ran)}`);
  return line.slice(prefix.length);
}

// ---------------------------------------------------------------------------------------------
// Running checks

interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

/** Runs `fn`; a throw is a failure whose message is the detail. */
function check(results: CheckResult[], name: string, fn: () => string, quiet = false): boolean {
  const started = performance.now();
  let ok = true;
  let detail: string;
  try {
    detail = fn();
  } catch (err) {
    ok = false;
    detail = err instanceof Error ? err.message : String(err);
  }
  results.push({ name, ok, detail, ms: Math.round(performance.now() - started) });
  if (!quiet) {
    console.log(`${ok ? "PASS" : "FAIL"}  ${name}${ok ? ` (${detail})` : ""}`);
    if (!ok) console.log(indent(detail));
  }
  return ok;
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `      ${line}`)
    .join("\n");

/** The checks that look at the installed copy, by name: what the self-test re-runs. */
function installedChecks(project: string): Record<string, () => string> {
  const installed = join(project, "node_modules", rootPkg.name);
  return {
    [CHECK.contents]: () => checkContents(installed),
    [CHECK.publint]: () => checkPublint(installed),
    [CHECK.tsNodeNext]: () =>
      typeCheck(project, "tsconfig.nodenext.json", {
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2022"],
        types: ["node"],
      }),
    [CHECK.tsNode16]: () =>
      typeCheck(project, "tsconfig.node16.json", {
        module: "Node16",
        moduleResolution: "Node16",
        lib: ["ES2022"],
        types: ["node"],
      }),
    [CHECK.tsBundler]: () =>
      typeCheck(project, "tsconfig.bundler.json", {
        module: "ESNext",
        moduleResolution: "bundler",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        verbatimModuleSyntax: true,
      }),
    [CHECK.tsCommonJs]: () =>
      typeCheck(
        project,
        "tsconfig.cjs.json",
        { module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022"], types: ["node"] },
        "typed-cjs.cts",
      ),
    [CHECK.tsCommonJsNode16]: () => refusedUnderNode16(project),
    [CHECK.runEsm]: () => runConsumer(project, "esm"),
    [CHECK.runCjs]: () => runConsumer(project, "cjs"),
  };
}

// ---------------------------------------------------------------------------------------------
// --self-test-broken: deliberate breakages of the installed copy, each with the checks that must
// catch it. The intact copy passes every check first, so a failure below is the breakage's doing;
// each breakage then re-runs only the checks it names, which keeps the self-test short.

interface Breakage {
  name: string;
  mustFail: string[];
  apply(dir: string): void;
}

const editPackageJson = (dir: string, edit: (pkg: Record<string, unknown>) => void) => {
  const pkg = readJson<Record<string, unknown>>(join(dir, "package.json"));
  edit(pkg);
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
};

const breakages: Breakage[] = [
  {
    name: "a test file and a map of compiled JavaScript are shipped",
    mustFail: [CHECK.contents],
    apply(dir) {
      mkdirSync(join(dir, "test"), { recursive: true });
      writeFileSync(join(dir, "test/client.test.ts"), "export {};\n");
      writeFileSync(
        join(dir, "dist/src/index.js.map"),
        '{"version":3,"sources":[],"mappings":""}\n',
      );
    },
  },
  {
    name: "dist/src/index.d.ts declares a value of a type that does not exist",
    mustFail: [CHECK.tsNodeNext, CHECK.tsNode16, CHECK.tsBundler, CHECK.tsCommonJs],
    apply(dir) {
      const file = join(dir, "dist/src/index.d.ts");
      writeFileSync(
        file,
        `${readFileSync(file, "utf8")}\nexport declare const broken: NoSuchType;\n`,
      );
    },
  },
  {
    name: 'exports["./testing"] points at a file the package does not hold',
    mustFail: [CHECK.publint, CHECK.runEsm, CHECK.runCjs],
    apply(dir) {
      editPackageJson(dir, (pkg) => {
        const exports = pkg.exports as Record<string, unknown>;
        exports["./testing"] = {
          types: "./dist/src/testing/index.d.ts",
          default: "./dist/src/testing/missing.js",
        };
      });
    },
  },
  {
    // Node 20.19 and later detect the ES module syntax and still run the consumers; TypeScript
    // then takes the declarations for CommonJS, and the README's TS1479 no longer holds.
    name: 'package.json loses "type": "module"',
    mustFail: [CHECK.tsCommonJsNode16],
    apply(dir) {
      editPackageJson(dir, (pkg) => {
        delete pkg.type;
      });
    },
  },
  {
    name: "package.json is bumped without regenerating and compiling",
    mustFail: [CHECK.runEsm, CHECK.runCjs],
    apply(dir) {
      editPackageJson(dir, (pkg) => {
        pkg.version = "99.0.0";
      });
    },
  },
];

function selfTestBroken(project: string): { passed: number; failed: number; outcomes: object[] } {
  const installed = join(project, "node_modules", rootPkg.name);
  const pristine = join(project, "pristine");
  cpSync(installed, pristine, { recursive: true });
  const outcomes: { case: string; ok: boolean; failedChecks: string[]; notCaught: string[] }[] = [];
  for (const breakage of [undefined, ...breakages]) {
    rmSync(installed, { recursive: true, force: true });
    cpSync(pristine, installed, { recursive: true });
    breakage?.apply(installed);
    const results: CheckResult[] = [];
    for (const [name, fn] of Object.entries(installedChecks(project))) {
      if (!breakage || breakage.mustFail.includes(name)) check(results, name, fn, true);
    }
    const failedChecks = results.filter((r) => !r.ok).map((r) => r.name);
    const notCaught = (breakage?.mustFail ?? []).filter((name) => !failedChecks.includes(name));
    const ok = breakage ? notCaught.length === 0 : failedChecks.length === 0;
    const label = breakage?.name ?? "the intact package passes every check";
    outcomes.push({ case: label, ok, failedChecks, notCaught });
    console.log(`${breakage ? (ok ? "CAUGHT" : "MISSED") : ok ? "CLEAN " : "DIRTY "}  ${label}`);
    for (const r of results.filter((r) => !r.ok)) {
      console.log(
        `      FAIL ${r.name}\n${indent(indent(r.detail.split("\n").slice(0, 4).join("\n")))}`,
      );
    }
    if (notCaught.length > 0)
      console.log(`      expected to fail but passed: ${notCaught.join("; ")}`);
  }
  rmSync(installed, { recursive: true, force: true });
  cpSync(pristine, installed, { recursive: true });
  const passed = outcomes.filter((o) => o.ok).length;
  return { passed, failed: outcomes.length - passed, outcomes };
}

// ---------------------------------------------------------------------------------------------
// Main

const args = process.argv.slice(2);
const keep = args.includes("--keep");
const selfTest = args.includes("--self-test-broken");
const unknown = args.filter((arg) => arg !== "--keep" && arg !== "--self-test-broken");
if (unknown.length > 0) {
  console.error(
    `test:package: unknown option ${unknown.join(" ")} (known: --keep, --self-test-broken)`,
  );
  process.exit(2);
}

const summaryFile = join(
  root,
  ".tmp",
  selfTest ? "test-package-self-test.json" : "test-package.json",
);
const writeSummary = (summary: object) => {
  mkdirSync(dirname(summaryFile), { recursive: true });
  writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
};

const work = mkdtempSync(join(tmpdir(), "atlas-invites-package-"));
let exitCode = 1;
try {
  ensureDist();
  console.log(`test:package: node ${process.versions.node}, working in ${work}`);
  const packed = mustRun(
    "npm",
    ["pack", "--json", "--ignore-scripts", "--pack-destination", work],
    root,
  );
  const filename = (
    JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as { filename: string }[]
  )[0]?.filename;
  if (!filename) throw new Error(`npm pack reported no tarball:\n${output(packed)}`);
  const tarball = join(work, filename);
  const project = join(work, "consumer");

  const results: CheckResult[] = [];
  check(results, CHECK.attw, () => checkAttw(tarball));
  const installed = check(results, CHECK.install, () => install(project, tarball));
  if (installed) {
    writeFileSync(join(project, "typed.ts"), TYPED_CONSUMER);
    writeFileSync(join(project, "typed-cjs.cts"), TYPED_CJS_CONSUMER);
    if (selfTest) {
      const outcome = selfTestBroken(project);
      writeSummary(outcome);
      console.log(`self-test: ${outcome.passed} passed, ${outcome.failed} failed`);
      exitCode = outcome.failed === 0 ? 0 : 1;
    } else {
      for (const [name, fn] of Object.entries(installedChecks(project))) check(results, name, fn);
    }
  }
  if (!selfTest || !installed) {
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    writeSummary({ passed, failed, node: process.versions.node, checks: results });
    console.log(`${passed} passed, ${failed} failed`);
    exitCode = failed > 0 ? 1 : 0;
  }
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`test:package could not run: ${message}`);
  writeSummary({ passed: 0, failed: 1, error: message });
  console.log("0 passed, 1 failed");
  exitCode = 1;
} finally {
  if (keep || (exitCode !== 0 && !selfTest)) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
