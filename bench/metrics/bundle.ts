/**
 * Runtime bundle: what an application ships when it uses the client. Two programs are bundled the
 * way a user would bundle them (esbuild, minify, platform node, format esm; Node built-ins stay
 * external) and gzipped at level 6:
 * - the README's program: a service account, one getOrgInvite call with error handling, close;
 * - a program that authenticates with `fromEnv()` or, when given one, an access token, so that
 *   every auth strategy is in the bundle.
 * "atlas-invites" resolves to src/index.ts. The baseline is the same kind of program written
 * against openapi-fetch alone.
 */
import { build, transform } from "esbuild";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "../lib/project.js";
import type { MetricReport, Result } from "../lib/results.js";

export interface BundleProgram {
  /** The row's name. */
  name: string;
  /** The row's name for the CI regression budget. */
  budgetName: string;
  source: string;
  /** The target, in gzip bytes. */
  target: number;
  /**
   * The CI regression budget, in gzip bytes: what `--quick` enforces. It is not a target: the
   * gzip size this program measured, plus 3 %, rounded up to 100 B (see `budgetBasis`). Lower it
   * when the bundle shrinks; raise it only with a reason recorded in the commit.
   */
  budget: number;
  /** Where the budget comes from, for BENCHMARKS.md. */
  budgetBasis: string;
}

const ORG = "4888442a3354817a7320eb61";
const INVITE = "5f1a7b3c9d2e4f6a8b0c1d2e";

/** One call with the error handling the README shows, then close. */
const CALL = `
try {
  const invite = await atlas.getOrgInvite({ orgId: "${ORG}", invitationId: "${INVITE}" });
  console.log(\`\${invite.username} is invited to \${invite.orgName} as \${invite.roles?.join(", ")}\`);
} catch (err) {
  if (isAtlasApiError(err, 404)) {
    console.log("No pending invitation with that id: it was accepted, revoked or never sent.");
  } else if (isAtlasApiError(err)) {
    console.error(\`Atlas refused: \${err.status} \${err.errorCode ?? ""} \${err.detail ?? ""}\`);
    process.exitCode = 1;
  } else {
    throw err;
  }
} finally {
  await atlas.close();
}
`;

export const SERVICE_ACCOUNT_PROGRAM: BundleProgram = {
  name: "Bundle: service-account program (gzip)",
  budgetName: "Bundle: service-account program, CI regression budget (gzip)",
  target: 8_000,
  budget: 18_900,
  budgetBasis: "18,278 B measured at 64b66a0 plus 3 %, rounded up to 100 B.",
  source: `
import { createAtlasInvites, serviceAccount, isAtlasApiError } from "atlas-invites";

const atlas = createAtlasInvites({
  auth: serviceAccount({
    clientId: process.env.MONGODB_ATLAS_CLIENT_ID ?? "",
    clientSecret: process.env.MONGODB_ATLAS_CLIENT_SECRET ?? "",
  }),
  baseUrl: process.env.MONGODB_ATLAS_BASE_URL,
});
${CALL}`,
};

export const FROM_ENV_PROGRAM: BundleProgram = {
  name: "Bundle: fromEnv() program, every auth strategy (gzip)",
  budgetName: "Bundle: fromEnv() program, CI regression budget (gzip)",
  target: 11_000,
  budget: 20_700,
  budgetBasis: "20,086 B measured at 64b66a0 plus 3 %, rounded up to 100 B.",
  source: `
import { accessToken, createAtlasInvites, fromEnv, isAtlasApiError } from "atlas-invites";

const token = process.env.ATLAS_ACCESS_TOKEN;
const atlas = createAtlasInvites({ auth: token ? accessToken({ token }) : fromEnv() });
${CALL}`,
};

export const BUNDLE_PROGRAMS = [SERVICE_ACCOUNT_PROGRAM, FROM_ENV_PROGRAM];

/** The same call through a bare openapi-fetch client, for scale. */
const BASELINE_PROGRAM = `
import createClient from "openapi-fetch";
const client = createClient({
  baseUrl: process.env.MONGODB_ATLAS_BASE_URL ?? "https://cloud.mongodb.com",
  headers: { Authorization: "Bearer " + (process.env.ATLAS_ACCESS_TOKEN ?? "") },
});
const { data, error, response } = await client.GET("/api/atlas/v2/orgs/{orgId}/invites/{invitationId}", {
  params: { path: { orgId: "${ORG}", invitationId: "${INVITE}" } },
});
if (error) console.error(response.status, error);
else console.log(data);
`;

interface BundleSize {
  minified: number;
  gzip: number;
  /** Minified bytes each input file contributes, largest first. */
  inputs: [file: string, bytes: number][];
}

/** A dependency by its path from node_modules/, wherever the packages were installed. */
function shortName(file: string): string {
  const at = file.lastIndexOf("node_modules/");
  return at === -1 ? file : file.slice(at);
}

/** What the user's bundler does: "atlas-invites" is this checkout's src/index.ts. */
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  alias: { "atlas-invites": path.join(ROOT, "src/index.ts") },
  write: false,
  logLevel: "silent",
} as const;

const stdin = (contents: string) => ({
  contents,
  resolveDir: ROOT,
  loader: "ts" as const,
  sourcefile: "program.ts",
});

async function bundleSize(program: string, external: string[] = []): Promise<BundleSize> {
  const result = await build({
    ...common,
    stdin: stdin(program),
    minify: true,
    external: ["node:*", ...external],
    metafile: true,
  });
  const code = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs)
    .map(([file, info]): [string, number] => [shortName(file), info.bytesInOutput])
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
  return { minified: code.byteLength, gzip: gzipSync(code, { level: 6 }).byteLength, inputs };
}

/**
 * What each input costs in the gzipped bundle: the bundle is built once more with every file's
 * code under a `// file` heading (identifiers and syntax minified, whitespace not), and for each
 * file the gzip size of the whole is compared with the gzip size without that file's code, both
 * whitespace-minified. The sum differs a little from the total, since gzip shares text across files.
 */
async function gzipByInput(program: string): Promise<[string, number][]> {
  const result = await build({
    ...common,
    stdin: stdin(program),
    minifySyntax: true,
    minifyIdentifiers: true,
    external: ["node:*"],
  });
  const lines = result.outputFiles[0]!.text.split("\n");
  const heads = lines.flatMap((line, i) =>
    /^\/\/ \S+\.(?:ts|mjs|js)$/.test(line) ? [[i, line.slice(3)] as const] : [],
  );
  const gzipOf = async (code: string) =>
    gzipSync((await transform(code, { minifyWhitespace: true, format: "esm" })).code, { level: 6 })
      .byteLength;
  const whole = await gzipOf(lines.join("\n"));
  const cost = new Map<string, number>();
  for (const [h, [start, file]] of heads.entries()) {
    const end = heads[h + 1]?.[0] ?? lines.length;
    const without = await gzipOf([...lines.slice(0, start), ...lines.slice(end)].join("\n"));
    cost.set(shortName(file), (cost.get(shortName(file)) ?? 0) + whole - without);
  }
  return [...cost].sort((a, b) => b[1] - a[1]);
}

/** Bytes per group of inputs: openapi-fetch, generated code, auth, http, the rest of src/. */
function groups(inputs: [string, number][]): [string, number][] {
  const sums = new Map<string, number>();
  for (const [file, n] of inputs) {
    const group = file.includes("node_modules/openapi-fetch/")
      ? "openapi-fetch"
      : file.startsWith("generated/")
        ? "generated/"
        : /^src\/(auth|http|middleware|validation)\//.test(file)
          ? `${file.split("/").slice(0, 2).join("/")}/`
          : file.startsWith("src/")
            ? "other src/"
            : "the program itself";
    sums.set(group, (sums.get(group) ?? 0) + n);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

const bytes = (n: number) => `${n.toLocaleString("en-US")} B`;
const list = (rows: [string, number][]) =>
  rows.map(([name, n]) => `${name} ${bytes(n)}`).join(", ");

export async function measureBundle(): Promise<MetricReport> {
  const baseline = await bundleSize(BASELINE_PROGRAM);
  const results: Result[] = [];
  const details: string[] = [
    `Bundle baseline, the same call through openapi-fetch alone: ${bytes(baseline.minified)} ` +
      `minified, ${bytes(baseline.gzip)} gzip.`,
  ];
  const misses: string[] = [];
  for (const program of BUNDLE_PROGRAMS) {
    const ours = await bundleSize(program.source);
    // The same program with openapi-fetch left out: what the client's own code weighs.
    const ownCode = await bundleSize(program.source, ["openapi-fetch"]);
    const gzipCost = await gzipByInput(program.source);
    const gzipGroups = groups(gzipCost);
    const met = ours.gzip <= program.target;
    const withinBudget = ours.gzip <= program.budget;
    results.push(
      {
        name: program.name,
        value: ours.gzip,
        unit: "B",
        baseline: baseline.gzip,
        ratio: ours.gzip / baseline.gzip,
        target: `<= ${bytes(program.target)}`,
        met,
      },
      {
        name: program.budgetName,
        value: ours.gzip,
        unit: "B",
        baseline: null,
        ratio: null,
        target: `<= ${bytes(program.budget)} (CI guard)`,
        met: withinBudget,
      },
    );
    details.push(
      `${program.name}: ${bytes(ours.minified)} minified, ${bytes(ours.gzip)} gzip from ` +
        `${ours.inputs.length} input files; without openapi-fetch (the client's own code) ` +
        `${bytes(ownCode.minified)} minified, ${bytes(ownCode.gzip)} gzip.`,
      `${program.name}, what each group of inputs adds to the gzip size: ${list(gzipGroups)}.`,
      `${program.name}, what each input adds to the gzip size (the whole minus the whole ` +
        `without it): ${list(gzipCost)}.`,
      `${program.name}, minified bytes of each input before gzip: ${list(ours.inputs)}.`,
      `${program.budgetName}: ${bytes(program.budget)}, ${program.budgetBasis}`,
    );
    if (!met) {
      const heavy = gzipCost.filter(([file, n]) => !file.includes("node_modules/") && n >= 300);
      misses.push(
        `${program.name}: ${bytes(ours.gzip)} gzip against a target of ${bytes(program.target)} ` +
          `(${bytes(ours.gzip - program.target)} over); the client's own code, bundled without ` +
          `openapi-fetch, is ${bytes(ownCode.gzip)} gzip. By group: ${list(gzipGroups)}. The ` +
          `client's files that add 300 B or more each: ${list(heavy)}.`,
      );
    }
    if (!withinBudget) {
      misses.push(
        `${program.budgetName}: the bundle grew to ${bytes(ours.gzip)} gzip, past the ` +
          `${bytes(program.budget)} it may take; shrink what grew, or raise the budget in ` +
          "bench/metrics/bundle.ts with the reason in the commit.",
      );
    }
  }
  return {
    results,
    details,
    misses,
    commands: [
      "esbuild API: build({ stdin: <program>, bundle: true, minify: true, platform: 'node', " +
        "format: 'esm', target: 'node20', external: ['node:*'], alias: { 'atlas-invites': " +
        "'src/index.ts' } }), then zlib.gzipSync(code, { level: 6 })",
    ],
  };
}
