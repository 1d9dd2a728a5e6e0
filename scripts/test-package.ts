/**
 * `npm run test:package`: proves the published package from the outside, the way users meet it.
 *
 * It packs the package with `npm pack`, installs the tarball into fresh consumer projects in a
 * temporary directory (offline, from the npm cache) and checks: the tarball's file list against an
 * allow-list, the declaration maps, the package.json fields, publint (strict), Are the Types Wrong
 * (ESM-only profile), TypeScript consumers (NodeNext and bundler resolution, skipLibCheck off, and a
 * CommonJS one), and an ESM and a CommonJS consumer that run against the fake Atlas.
 *
 * dist/ is compiled first (`npm run compile`) when it is missing or older than src/ or generated/.
 *
 *   npm run test:package                          all checks
 *   npm run test:package -- --keep                keep the temporary directory for inspection
 *   npm run test:package -- --self-test-broken    run the checks on deliberately broken copies of
 *                                                 the package and require each breakage to be caught
 *
 * Prints one PASS/FAIL line per check and a closing `N passed, N failed` line, writes
 * .tmp/test-package.json, and exits 1 on any failure.
 */
import { spawnSync } from "node:child_process";
import {
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
import { dirname, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const tscPath = join(root, "node_modules", "typescript", "bin", "tsc");

interface PackageJson {
  name?: string;
  version?: string;
  type?: string;
  main?: string;
  types?: string;
  exports?: Record<string, unknown>;
  files?: string[];
  sideEffects?: unknown;
  engines?: { node?: string };
  license?: string;
  repository?: { url?: string } | string;
  keywords?: string[];
  publishConfig?: { access?: string; provenance?: boolean };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;
const rootPkg = readJson<PackageJson>(join(root, "package.json"));

// ---------------------------------------------------------------------------------------------
// Processes

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Children get our environment minus what `npm run` describes about this project, so an npm
 * started in a consumer directory configures itself from that directory alone.
 */
const childEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !key.startsWith("npm_package_") &&
      !key.startsWith("npm_lifecycle_") &&
      key !== "npm_config_local_prefix" &&
      key !== "INIT_CWD",
  ),
);
Object.assign(childEnv, {
  NO_COLOR: "1",
  FORCE_COLOR: "0",
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
});

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

function mustRun(command: string, args: string[], cwd: string, timeoutMs?: number): Ran {
  const ran = run(command, args, cwd, timeoutMs);
  if (ran.status !== 0) {
    throw new Error(`\`${command} ${args.join(" ")}\` exited ${ran.status}\n${output(ran)}`);
  }
  return ran;
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

// ---------------------------------------------------------------------------------------------
// dist/

function walk(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return walk(full, base);
    return [
      posix.normalize(
        full
          .slice(base.length + 1)
          .split("\\")
          .join("/"),
      ),
    ];
  });
}

function newestMtime(dirs: string[]): number {
  let newest = 0;
  for (const dir of dirs)
    for (const file of walk(join(root, dir)))
      newest = Math.max(newest, statSync(join(root, dir, file)).mtimeMs);
  return newest;
}

function oldestMtime(dirs: string[]): number {
  let oldest = Infinity;
  for (const dir of dirs)
    for (const file of walk(join(root, dir)))
      oldest = Math.min(oldest, statSync(join(root, dir, file)).mtimeMs);
  return oldest;
}

/** Compiles when dist/ lacks an entry point or is older than what it is compiled from. */
function ensureDist(): void {
  const entries = ["dist/src/index.js", "dist/src/testing/index.js", "dist/src/index.d.ts"];
  const missing = entries.filter((file) => !existsSync(join(root, file)));
  const stale =
    missing.length === 0 &&
    newestMtime(["src", "generated"]) > oldestMtime(["dist/src", "dist/generated"]);
  if (missing.length === 0 && !stale) return;
  const why =
    missing.length > 0 ? `${missing.join(", ")} missing` : "older than src/ or generated/";
  console.log(`dist/ is ${missing.length > 0 ? "incomplete" : "stale"} (${why}): npm run compile`);
  mustRun("npm", ["run", "compile"], root);
}

// ---------------------------------------------------------------------------------------------
// The tarball

interface Staged {
  tarball: string;
  /** The unpacked tarball: its `package/` folder. */
  dir: string;
  files: string[];
  pkg: PackageJson;
}

function pack(work: string): string {
  const ran = mustRun(
    "npm",
    ["pack", "--json", "--ignore-scripts", "--pack-destination", work],
    root,
  );
  const result = JSON.parse(ran.stdout.slice(ran.stdout.indexOf("["))) as { filename: string }[];
  const filename = result[0]?.filename;
  if (!filename) throw new Error(`npm pack reported no tarball:\n${output(ran)}`);
  return join(work, filename);
}

function unpack(tarball: string, into: string): Staged {
  mkdirSync(into, { recursive: true });
  mustRun("tar", ["-xzf", tarball, "-C", into], into);
  const dir = join(into, "package");
  return {
    tarball,
    dir,
    files: walk(dir).sort(),
    pkg: readJson<PackageJson>(join(dir, "package.json")),
  };
}

function repack(staged: Staged, tarball: string): Staged {
  mustRun("tar", ["-czf", tarball, "-C", dirname(staged.dir), "package"], dirname(staged.dir));
  const pkg = readJson<PackageJson>(join(staged.dir, "package.json"));
  return { tarball, dir: staged.dir, files: walk(staged.dir).sort(), pkg };
}

// ---------------------------------------------------------------------------------------------
// Deliberate breakages, for --self-test-broken: each names the checks that must catch it.

interface Breakage {
  name: string;
  describe: string;
  mustFail: string[];
  apply(dir: string): void;
}

const editJson = (file: string, edit: (value: PackageJson) => void) => {
  const value = readJson<PackageJson>(file);
  edit(value);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
};

const CHECK = {
  contents: "tarball holds only what users need",
  maps: "declaration maps point at shipped sources",
  fields: "package.json fields and runtime dependencies",
  version: "User-Agent version is the package.json version",
  publint: "publint --strict",
  attw: "attw --profile esm-only",
  installEsm: "install the tarball into a fresh ESM project",
  installCjs: "install the tarball into a fresh CommonJS project",
  tsNodeNext: "TypeScript consumer, module NodeNext, skipLibCheck false",
  tsBundler: "TypeScript consumer, module ESNext + moduleResolution bundler, skipLibCheck false",
  tsCjs: "TypeScript CommonJS consumer, module NodeNext, skipLibCheck false",
  runEsm: "ESM consumer imports the package and calls the fake Atlas",
  runCjs: "CommonJS consumer requires the package and calls the fake Atlas",
} as const;

const breakages: Breakage[] = [
  {
    name: "exports-missing-file",
    describe: 'exports["./testing"] points at a file the tarball does not hold',
    mustFail: [CHECK.fields, CHECK.publint, CHECK.runEsm, CHECK.runCjs],
    apply(dir) {
      editJson(join(dir, "package.json"), (pkg) => {
        pkg.exports = {
          ...pkg.exports,
          "./testing": {
            types: "./dist/src/testing/index.d.ts",
            default: "./dist/src/testing/missing.js",
          },
        };
      });
    },
  },
  {
    name: "declaration-type-error",
    describe: "dist/src/index.d.ts declares a value of a type that does not exist",
    mustFail: [CHECK.tsNodeNext, CHECK.tsBundler, CHECK.tsCjs],
    apply(dir) {
      const file = join(dir, "dist/src/index.d.ts");
      writeFileSync(
        file,
        // On a line of its own: the file ends in a sourceMappingURL comment without a newline.
        `${readFileSync(file, "utf8")}\nexport declare const broken: NoSuchType;\n`,
      );
    },
  },
  {
    name: "junk-files",
    describe: "the tarball gains a test file, a fixture, a bench script and a .js.map",
    mustFail: [CHECK.contents],
    apply(dir) {
      const add = (file: string, text: string) => {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), text);
      };
      add("test/client.test.ts", "export {};\n");
      add("test/fixtures/invite.json", "{}\n");
      add("bench/client.bench.ts", "export {};\n");
      add("dist/src/index.js.map", '{"version":3,"sources":[],"mappings":""}\n');
    },
  },
  {
    name: "version-not-regenerated",
    describe: "package.json is bumped without regenerating and compiling package-info",
    mustFail: [CHECK.version, CHECK.runEsm, CHECK.runCjs],
    apply(dir) {
      editJson(join(dir, "package.json"), (pkg) => {
        pkg.version = "99.0.0";
      });
    },
  },
  {
    name: "sources-not-shipped",
    describe: "src/ and generated/ are left out, so declaration maps and ./openapi.json dangle",
    mustFail: [CHECK.contents, CHECK.maps, CHECK.publint, CHECK.runEsm, CHECK.runCjs],
    apply(dir) {
      rmSync(join(dir, "src"), { recursive: true });
      rmSync(join(dir, "generated"), { recursive: true });
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Checks

interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

class Checks {
  readonly results: CheckResult[] = [];
  constructor(private readonly quiet: boolean) {}

  /** Runs `fn`; a throw is a failure whose message is the detail. Returns whether it passed. */
  check(name: string, fn: () => string | void): boolean {
    const started = performance.now();
    let ok = true;
    let detail: string;
    try {
      detail = fn() ?? "";
    } catch (err) {
      ok = false;
      detail = err instanceof Error ? err.message : String(err);
    }
    const ms = Math.round(performance.now() - started);
    this.results.push({ name, ok, detail, ms });
    if (!this.quiet) {
      const note = ok && detail ? ` (${detail})` : "";
      console.log(`${ok ? "PASS" : "FAIL"}  ${name}${note}`);
      if (!ok) console.log(indent(detail));
    }
    return ok;
  }

  get passed(): number {
    return this.results.filter((r) => r.ok).length;
  }
  get failed(): number {
    return this.results.filter((r) => !r.ok).length;
  }
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `      ${line}`)
    .join("\n");

function fail(problems: string[], what: string): void {
  if (problems.length > 0) throw new Error(`${what}:\n${problems.map((p) => `- ${p}`).join("\n")}`);
}

// What the tarball may hold (paths inside `package/`). Everything else is junk.
const ALLOWED: RegExp[] = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
  /^dist\/(src|generated)\/[\w/-]+(\.js|\.d\.ts|\.d\.ts\.map)$/,
  /^src\/[\w/-]+\.ts$/,
  /^generated\/[\w-]+\.(ts|json)$/,
];
// Named so a failure says what kind of junk slipped in.
const JUNK: [RegExp, string][] = [
  [/(^|\/)(test|tests|__tests__)\//, "test folder"],
  [/\.(test|spec|test-d|bench)\.[cm]?[jt]s$/, "test or bench file"],
  [/(^|\/)fixtures?\//, "fixture"],
  [/(^|\/)bench\//, "bench folder"],
  [/^scripts\//, "build script"],
  [/(?<!\.d\.ts)\.map$/, "source map of compiled JavaScript"],
  [/\.tsbuildinfo$/, "TypeScript build info"],
  [/^dist\/docs\//, "rendered docs"],
];
const REQUIRED = [
  "package.json",
  "README.md",
  "LICENSE",
  "CHANGELOG.md",
  "dist/src/index.js",
  "dist/src/index.d.ts",
  "dist/src/index.d.ts.map",
  "dist/src/testing/index.js",
  "dist/src/testing/index.d.ts",
  "dist/generated/atlas.d.ts",
  "dist/generated/package-info.js",
  "src/index.ts",
  "generated/atlas.ts",
  "generated/openapi.json",
];

function checkContents(staged: Staged): string {
  const problems: string[] = [];
  const have = new Set(staged.files);
  for (const file of staged.files) {
    const junk = JUNK.find(([pattern]) => pattern.test(file));
    if (junk) problems.push(`${file}: ${junk[1]}`);
    else if (!ALLOWED.some((pattern) => pattern.test(file))) problems.push(`${file}: not allowed`);
  }
  for (const file of REQUIRED) if (!have.has(file)) problems.push(`${file}: missing`);
  // Every shipped module is compiled, and nothing compiled lacks its source (a stale leftover).
  for (const file of staged.files) {
    const source = /^(src|generated)\/(.+)\.ts$/.exec(file);
    if (source && !/\.test\./.test(file)) {
      for (const ext of [".js", ".d.ts", ".d.ts.map"]) {
        const compiled = `dist/${source[1]}/${source[2]}${ext}`;
        if (!have.has(compiled)) problems.push(`${compiled}: missing for ${file}`);
      }
    }
    const compiled = /^dist\/(src|generated)\/(.+)\.js$/.exec(file);
    if (compiled && !have.has(`${compiled[1]}/${compiled[2]}.ts`))
      problems.push(`${file}: compiled from a source the tarball does not hold`);
  }
  fail(problems, `${problems.length} problem(s) in the file list`);
  return `${staged.files.length} files`;
}

function checkMaps(staged: Staged): string {
  const problems: string[] = [];
  const maps = staged.files.filter((file) => file.endsWith(".d.ts.map"));
  if (maps.length === 0) problems.push("no declaration maps in the tarball");
  for (const map of maps) {
    const parsed = readJson<{ file?: string; sources?: string[] }>(join(staged.dir, map));
    const here = posix.dirname(map);
    if (!parsed.file || !staged.files.includes(posix.join(here, parsed.file)))
      problems.push(`${map}: "file" ${parsed.file} is not in the tarball`);
    if (!parsed.sources?.length) problems.push(`${map}: no sources`);
    for (const source of parsed.sources ?? []) {
      const target = posix.normalize(posix.join(here, source));
      if (!staged.files.includes(target)) problems.push(`${map}: source ${target} is not shipped`);
    }
  }
  fail(problems, "declaration maps that lead nowhere");
  return `${maps.length} maps`;
}

const builtin = (specifier: string) => specifier.startsWith("node:");
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

function checkFields(staged: Staged): string {
  const { pkg } = staged;
  const problems: string[] = [];
  const expect = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const shipped = (path: unknown) =>
    typeof path === "string" && staged.files.includes(posix.normalize(path));

  expect(pkg.name === rootPkg.name, `name is ${pkg.name}`);
  expect(
    /^\d+\.\d+\.\d+(-[\w.]+)?$/.test(pkg.version ?? ""),
    `version ${pkg.version} is not semver`,
  );
  expect(pkg.type === "module", `type is ${pkg.type}, not "module"`);
  expect(pkg.sideEffects === false, "sideEffects is not false");
  expect(
    /^>=\s*20\.19(\.0)?$/.test(pkg.engines?.node ?? ""),
    `engines.node is ${pkg.engines?.node}`,
  );
  expect(pkg.license === "Apache-2.0", `license is ${pkg.license}`);
  const license = staged.files.includes("LICENSE")
    ? readFileSync(join(staged.dir, "LICENSE"), "utf8")
    : "";
  expect(
    /Apache License\s+Version 2\.0/.test(license),
    "LICENSE does not hold the Apache-2.0 text",
  );
  const repository = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  expect(Boolean(repository), "repository is missing");
  expect((pkg.keywords?.length ?? 0) > 0, "keywords are missing");
  expect(pkg.publishConfig?.provenance === true, "publishConfig.provenance is not true");
  expect(pkg.publishConfig?.access === "public", "publishConfig.access is not public");
  expect(shipped(pkg.main), `main ${pkg.main} is not in the tarball`);
  expect(shipped(pkg.types), `types ${pkg.types} is not in the tarball`);

  for (const subpath of [".", "./testing"]) {
    const target = pkg.exports?.[subpath];
    if (!target || typeof target !== "object") {
      problems.push(`exports["${subpath}"] is missing or not a conditions object`);
      continue;
    }
    const conditions = target as Record<string, unknown>;
    expect(Object.keys(conditions)[0] === "types", `exports["${subpath}"]: "types" is not first`);
    for (const [condition, path] of Object.entries(conditions))
      expect(shipped(path), `exports["${subpath}"].${condition}: ${String(path)} is not shipped`);
  }
  for (const [subpath, target] of Object.entries(pkg.exports ?? {}))
    if (typeof target === "string")
      expect(shipped(target), `exports["${subpath}"]: ${target} is not shipped`);

  // Whatever dist/ imports at run time, or its declarations import, users must get from
  // `dependencies` (or from Node and @types/node).
  const deps = new Set(Object.keys(pkg.dependencies ?? {}));
  const imported = new Map<string, string>();
  for (const file of staged.files.filter((f) => /^dist\/.*\.(js|d\.ts)$/.test(f))) {
    const text = readFileSync(join(staged.dir, file), "utf8");
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"'.][^"']*)["']/g)) {
      const specifier = match[1]!;
      if (!builtin(specifier)) imported.set(packageOf(specifier), file);
    }
  }
  for (const [name, file] of imported)
    expect(deps.has(name), `${file} imports ${name}, which is not in dependencies`);
  for (const name of deps)
    expect(imported.has(name), `dependency ${name} is never imported by dist/`);
  fail(problems, "package.json problems");
  return `exports ${Object.keys(pkg.exports ?? {}).join(" ")}; dependencies ${[...deps].join(" ")}`;
}

function checkVersion(staged: Staged): string {
  const file = join(staged.dir, "dist/generated/package-info.js");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const name = /PACKAGE_NAME = "([^"]*)"/.exec(text)?.[1];
  const version = /PACKAGE_VERSION = "([^"]*)"/.exec(text)?.[1];
  const problems: string[] = [];
  if (name !== staged.pkg.name)
    problems.push(`package-info names ${name}, package.json ${staged.pkg.name}`);
  if (version !== staged.pkg.version)
    problems.push(`package-info says ${version}, package.json ${staged.pkg.version}`);
  fail(problems, "the User-Agent would not report the published version (run `npm run build`)");
  return `${name}/${version}`;
}

function checkPublint(staged: Staged): string {
  const ran = run(
    bin("publint"),
    ["run", "--strict", "--level", "suggestion", staged.tarball],
    root,
  );
  if (ran.status !== 0 || !/All good!/.test(ran.stdout))
    throw new Error(`publint exited ${ran.status}:\n${output(ran)}`);
  return "all good";
}

function checkAttw(staged: Staged): string {
  const args = [staged.tarball, "--profile", "esm-only", "--no-color", "--no-emoji"];
  const ran = run(bin("attw"), args, root);
  if (ran.status !== 0) throw new Error(`attw exited ${ran.status}:\n${output(ran, 60)}`);
  return "node16 from ESM and bundler resolve every entry point";
}

// ---------------------------------------------------------------------------------------------
// Consumer projects

const typesNode = `@types/node@${rootPkg.devDependencies?.["@types/node"] ?? "20"}`;

function install(project: string, type: "module" | "commonjs", staged: Staged): string {
  mkdirSync(project, { recursive: true });
  const manifest = { name: `consumer-${type}`, version: "1.0.0", private: true, type };
  writeFileSync(join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  // Offline from the npm cache that `npm ci` filled; a cache that lacks a package (ENOTCACHED)
  // is the machine's state, not the package's, so that one case goes to the registry.
  const args = ["install", "--no-audit", "--no-fund", staged.tarball, typesNode];
  let how = "offline";
  const offline = run("npm", [...args, "--offline"], project);
  if (offline.status !== 0) {
    if (!/ENOTCACHED/.test(offline.stderr))
      throw new Error(`npm install --offline exited ${offline.status}\n${output(offline)}`);
    mustRun("npm", [...args, "--prefer-offline"], project);
    how = "from the registry: the npm cache lacked a dependency";
  }
  const installed = join(project, "node_modules", staged.pkg.name ?? "", "package.json");
  if (!existsSync(installed)) throw new Error(`${installed} is missing after npm install`);
  const version = readJson<PackageJson>(installed).version;
  if (version !== staged.pkg.version)
    throw new Error(`installed version ${version}, tarball ${staged.pkg.version}`);
  return `${staged.pkg.name}@${version} + openapi-fetch, ${how}`;
}

/** Type-level use of the package; each @ts-expect-error fails the check if the types went `any`. */
const typedConsumerBody = `
  const fake: FakeAtlas = await startFakeAtlas();
  const atlas: AtlasInvites = createAtlasInvites({
    auth: { type: "accessToken", token: fake.credentials.accessToken },
    baseUrl: fake.url,
    userAgent: "consumer/1.0.0",
    onDeprecation: false,
  });

  const seeded: OrganizationInvitation = fake.invites.addOrgInvite({ roles: ["ORG_MEMBER"] });
  const orgId: string = seeded.orgId ?? "";
  const invitationId: string = seeded.id ?? "";

  const invite: OrganizationInvitation = await atlas.getOrgInvite({ orgId, invitationId });
  const orgName: string = invite.orgName;
  const wrapped: Envelope<OrganizationInvitation> = await atlas.getOrgInvite({
    orgId,
    invitationId,
    envelope: true,
  });
  const status: number = wrapped.status;
  const updated: GroupInvitation = await atlas.updateGroupInvites({
    groupId: "32b6e34b3d91647abb20e7b8",
    body: { username: "ana@example.com", roles: ["GROUP_READ_ONLY"] },
  });
  const roles: OrgRole[] = ["ORG_OWNER", "ORG_MEMBER"];
  await atlas.updateOrgInviteById({ orgId, invitationId, body: { roles }, pretty: true });

  // @ts-expect-error invitationId is required
  await atlas.getOrgInvite({ orgId });
  // @ts-expect-error organization roles are a closed set
  await atlas.updateOrgInviteById({ orgId, invitationId, body: { roles: ["ORG_EVERYTHING"] } });
  // @ts-expect-error not an operation of this package
  const unknownId: OperationId = "deleteOrgInvite";

  try {
    await atlas.getOrgInvite({ orgId, invitationId: "0123456789abcdef01234567" });
  } catch (err) {
    if (isAtlasApiError(err)) {
      const code: string | undefined = err.errorCode;
      const httpStatus: number = err.status;
      console.log(code, httpStatus);
    }
    if (err instanceof AtlasApiError) {
      const method: string = err.method;
      console.log(method, err.detail);
    }
  }
  const ids = Object.keys(operations) as OperationId[];
  console.log(orgName, status, updated.roles, unknownId, ids);
  await atlas.close();
  await fake.close();
`;

const typedImports = `import {
  AtlasApiError,
  createAtlasInvites,
  isAtlasApiError,
  operations,
  type AtlasInvites,
  type Envelope,
  type GroupInvitation,
  type OperationId,
  type OrganizationInvitation,
  type OrgRole,
} from "atlas-invites";
import { startFakeAtlas, type FakeAtlas } from "atlas-invites/testing";
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

function typeCheck(project: string, config: string, file: string, options: object): string {
  const tsconfig = { compilerOptions: { ...strictOptions, ...options }, files: [file] };
  writeFileSync(join(project, config), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const ran = run(
    process.execPath,
    [tscPath, "-p", config, "--pretty", "false", "--listFiles"],
    project,
  );
  const lines = ran.stdout.split("\n");
  const declarations = lines.filter(
    (line) => line.includes("/node_modules/atlas-invites/") && line.endsWith(".d.ts"),
  );
  if (ran.status !== 0) {
    const diagnostics = {
      ...ran,
      stdout: lines.filter((line) => !line.startsWith("/")).join("\n"),
    };
    throw new Error(`tsc -p ${config} exited ${ran.status}:\n${output(diagnostics)}`);
  }
  if (declarations.length === 0)
    throw new Error("tsc passed without reading any declaration file of the package");
  return `${declarations.length} package declaration files checked`;
}

/** The same runtime checks for the ESM and the CommonJS consumer; only the loading differs. */
function runtimeConsumer(kind: "esm" | "cjs"): string {
  const header =
    kind === "esm"
      ? `import assert from "node:assert/strict";
import { AtlasApiError, createAtlasInvites, isAtlasApiError } from "atlas-invites";
import { startFakeAtlas } from "atlas-invites/testing";
import spec from "atlas-invites/openapi.json" with { type: "json" };
import pkg from "atlas-invites/package.json" with { type: "json" };
`
      : `"use strict";
const assert = require("node:assert/strict");
const { AtlasApiError, createAtlasInvites, isAtlasApiError } = require("atlas-invites");
const { startFakeAtlas } = require("atlas-invites/testing");
const spec = require("atlas-invites/openapi.json");
const pkg = require("atlas-invites/package.json");
`;
  return `${header}
async function main() {
  const fake = await startFakeAtlas();
  const atlas = createAtlasInvites({
    auth: { type: "accessToken", token: fake.credentials.accessToken },
    baseUrl: fake.url,
    onDeprecation: false,
  });
  try {
    const seeded = fake.invites.addOrgInvite({ username: "ana@example.com", roles: ["ORG_OWNER"] });
    const invite = await atlas.getOrgInvite({ orgId: seeded.orgId, invitationId: seeded.id });
    assert.deepEqual(invite, seeded);

    const userAgent = String(fake.requests.at(-1)?.headers["user-agent"]);
    const expected = pkg.name + "/" + pkg.version + " ";
    assert.ok(userAgent.startsWith(expected), "User-Agent " + userAgent + " lacks " + expected);

    const group = fake.invites.addGroupInvite({ roles: ["GROUP_READ_ONLY"] });
    const updated = await atlas.updateGroupInviteById({
      groupId: group.groupId,
      invitationId: group.id,
      body: { roles: ["GROUP_OWNER"] },
    });
    assert.deepEqual(updated.roles, ["GROUP_OWNER"]);

    const missing = "0123456789abcdef01234567";
    await assert.rejects(atlas.getOrgInvite({ orgId: seeded.orgId, invitationId: missing }), (err) => {
      assert.ok(err instanceof AtlasApiError, "a 404 is not an AtlasApiError: " + err);
      assert.ok(isAtlasApiError(err));
      assert.equal(err.status, 404);
      return true;
    });

    const operationIds = Object.values(spec.paths)
      .flatMap((item) => Object.values(item).map((operation) => operation.operationId))
      .filter(Boolean)
      .sort();
    assert.deepEqual(operationIds, [
      "getOrgInvite",
      "updateGroupInviteById",
      "updateGroupInvites",
      "updateOrgInviteById",
    ]);
    console.log("consumer ok (${kind}): " + userAgent);
  } finally {
    await atlas.close();
    await fake.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
`;
}

function runConsumer(project: string, file: string, kind: "esm" | "cjs"): string {
  writeFileSync(join(project, file), runtimeConsumer(kind));
  const ran = run(process.execPath, [file], project, 60_000);
  const line = ran.stdout.split("\n").find((l) => l.startsWith(`consumer ok (${kind}): `));
  if (ran.status !== 0 || !line)
    throw new Error(`node ${file} exited ${ran.status}:\n${output(ran)}`);
  return line.slice(`consumer ok (${kind}): `.length);
}

// ---------------------------------------------------------------------------------------------
// One full pass over a staged tarball

function runChecks(staged: Staged, work: string, quiet: boolean): Checks {
  const checks = new Checks(quiet);
  const esm = join(work, "consumer-esm");
  const cjs = join(work, "consumer-cjs");

  checks.check(CHECK.contents, () => checkContents(staged));
  checks.check(CHECK.maps, () => checkMaps(staged));
  checks.check(CHECK.fields, () => checkFields(staged));
  checks.check(CHECK.version, () => checkVersion(staged));
  checks.check(CHECK.publint, () => checkPublint(staged));
  checks.check(CHECK.attw, () => checkAttw(staged));

  const esmReady = checks.check(CHECK.installEsm, () => install(esm, "module", staged));
  const cjsReady = checks.check(CHECK.installCjs, () => install(cjs, "commonjs", staged));
  const needs = (ready: boolean) => {
    if (!ready) throw new Error("not run: the consumer project could not be installed");
  };

  writeFileSync(
    join(esm, "typed.ts"),
    `${typedImports}\n${typedConsumerBody.replace(/^ {2}/gm, "")}`,
  );
  checks.check(CHECK.tsNodeNext, () => {
    needs(esmReady);
    return typeCheck(esm, "tsconfig.nodenext.json", "typed.ts", {
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2022"],
      types: ["node"],
    });
  });
  checks.check(CHECK.tsBundler, () => {
    needs(esmReady);
    return typeCheck(esm, "tsconfig.bundler.json", "typed.ts", {
      module: "ESNext",
      moduleResolution: "bundler",
      lib: ["ES2022", "DOM", "DOM.Iterable"],
      verbatimModuleSyntax: true,
    });
  });
  writeFileSync(
    join(cjs, "typed.ts"),
    `${typedImports}\nasync function main(): Promise<void> {${typedConsumerBody}}\n\nvoid main();\n`,
  );
  checks.check(CHECK.tsCjs, () => {
    needs(cjsReady);
    return typeCheck(cjs, "tsconfig.json", "typed.ts", {
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2022"],
      types: ["node"],
    });
  });

  checks.check(CHECK.runEsm, () => {
    needs(esmReady);
    return runConsumer(esm, "consumer.mjs", "esm");
  });
  checks.check(CHECK.runCjs, () => {
    needs(cjsReady);
    return runConsumer(cjs, "consumer.cjs", "cjs");
  });
  return checks;
}

function writeSummary(file: string, summary: object): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
}

/**
 * --self-test-broken: the intact package must pass every check, and each broken copy must fail
 * at least the checks its breakage names. Returns whether all of that held.
 */
function selfTestBroken(tarball: string): boolean {
  const outcomes: { breakage: string; ok: boolean; failedChecks: string[]; notCaught: string[] }[] =
    [];
  const cases: (Breakage | undefined)[] = [undefined, ...breakages];
  for (const breakage of cases) {
    const name = breakage?.name ?? "intact";
    const dir = join(work, name);
    let staged = unpack(tarball, dir);
    if (breakage) {
      breakage.apply(staged.dir);
      staged = repack(staged, join(work, `${name}.tgz`));
    }
    const checks = runChecks(staged, dir, true);
    const failedChecks = checks.results.filter((r) => !r.ok).map((r) => r.name);
    const notCaught = (breakage?.mustFail ?? []).filter((check) => !failedChecks.includes(check));
    const ok = breakage ? checks.failed > 0 && notCaught.length === 0 : checks.failed === 0;
    outcomes.push({ breakage: name, ok, failedChecks, notCaught });

    const verdict = breakage ? (ok ? "CAUGHT" : "MISSED") : ok ? "CLEAN " : "DIRTY ";
    const what = breakage
      ? `${name}: ${breakage.describe}`
      : "the intact package passes every check";
    console.log(`${verdict}  ${what}`);
    for (const result of checks.results.filter((r) => !r.ok)) {
      console.log(`      FAIL ${result.name}`);
      console.log(indent(indent(result.detail.split("\n").slice(0, 6).join("\n"))));
    }
    if (notCaught.length > 0)
      console.log(`      expected to fail but passed: ${notCaught.join("; ")}`);
  }
  const passed = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.length - passed;
  writeSummary(join(root, ".tmp", "test-package-self-test.json"), { passed, failed, outcomes });
  console.log(`self-test: ${passed} passed, ${failed} failed`);
  return failed === 0;
}

// ---------------------------------------------------------------------------------------------
// Main

const args = new Set(process.argv.slice(2));
const keep = args.has("--keep");
const selfTest = args.has("--self-test-broken");
for (const arg of args)
  if (!["--keep", "--self-test-broken"].includes(arg)) {
    console.error(`test:package: unknown option ${arg} (known: --keep, --self-test-broken)`);
    process.exit(2);
  }

ensureDist();
const work = mkdtempSync(join(tmpdir(), "atlas-invites-package-"));
console.log(`test:package: node ${process.versions.node}, working in ${work}`);
let exitCode = 0;

try {
  const tarball = pack(work);

  if (!selfTest) {
    const staged = unpack(tarball, join(work, "unpacked"));
    console.log(`packed ${posix.basename(tarball)}: ${staged.files.length} files`);
    const checks = runChecks(staged, work, false);
    writeSummary(join(root, ".tmp", "test-package.json"), {
      passed: checks.passed,
      failed: checks.failed,
      node: process.versions.node,
      checks: checks.results,
    });
    console.log(`${checks.passed} passed, ${checks.failed} failed`);
    exitCode = checks.failed > 0 ? 1 : 0;
  } else {
    exitCode = selfTestBroken(tarball) ? 0 : 1;
  }
} catch (err) {
  console.error(`test:package could not run: ${err instanceof Error ? err.message : String(err)}`);
  writeSummary(join(root, ".tmp", selfTest ? "test-package-self-test.json" : "test-package.json"), {
    passed: 0,
    failed: 1,
    error: err instanceof Error ? err.message : String(err),
  });
  console.log("0 passed, 1 failed");
  exitCode = 1;
} finally {
  if (keep || (exitCode !== 0 && !selfTest)) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
