/**
 * Runtime bundle: what an application ships when it uses the client. esbuild bundles and
 * minifies a small program that creates a client with each auth strategy and calls all four
 * operations (Node built-ins stay external), and the output is gzipped. The baseline is the same
 * program shape written against openapi-fetch alone.
 */
import { build, transform } from "esbuild";
import { gzipSync } from "node:zlib";
import { ROOT } from "../lib/project.js";
import type { MetricReport } from "../lib/results.js";

/** The target of the benchmark's brief, reported as it stands whether or not it is met. */
export const BUNDLE_TARGET_BYTES = 5_000;

/**
 * The CI regression budget: 14,439 B, the gzip size this program measured once the methods ran
 * the middleware themselves (commit 7ea244d, +332 B over the first budget's 14,107 B), plus a
 * margin of 3%, rounded up to 100 B. It is not a target. `--quick` enforces it instead of the
 * 5,000 B target, which is known to be out of reach and explained in BENCHMARKS.md, so CI fails
 * when the bundle grows, not because of that documented miss. Lower it when the bundle shrinks;
 * raise it only with a reason recorded in the commit.
 */
export const BUNDLE_REGRESSION_BUDGET_BYTES = 14_900;

export const BUNDLE_ROW = "Runtime bundle (gzip)";
export const BUNDLE_REGRESSION_ROW = "Runtime bundle, CI regression budget (gzip)";

const ORG = "4888442a3354817a7320eb61";
const INVITE = "5f1a7b3c9d2e4f6a8b0c1d2e";
const GROUP = "32b6e34b3d91647abb20e7b8";

/** Uses every auth strategy and every method, so nothing of the client is shaken out. */
const OUR_PROGRAM = `
import { createAtlasInvites } from "./src/index.ts";
const clients = [
  createAtlasInvites({ auth: { type: "accessToken", token: process.env.TOKEN ?? "t" } }),
  createAtlasInvites({ auth: { type: "serviceAccount", clientId: "mdb_sa_id_1", clientSecret: process.env.SECRET ?? "s" } }),
  createAtlasInvites({ auth: { type: "apiKey", publicKey: "abcdefgh", privateKey: process.env.KEY ?? "k" } }),
];
for (const atlas of clients) {
  console.log(await atlas.getOrgInvite({ orgId: "${ORG}", invitationId: "${INVITE}" }));
  console.log(await atlas.updateOrgInviteById({ orgId: "${ORG}", invitationId: "${INVITE}", body: { roles: ["ORG_MEMBER"] } }));
  console.log(await atlas.updateGroupInvites({ groupId: "${GROUP}", body: { username: "a@example.com", roles: ["GROUP_READ_ONLY"] } }));
  console.log(await atlas.updateGroupInviteById({ groupId: "${GROUP}", invitationId: "${INVITE}", body: { roles: ["GROUP_OWNER"] } }));
  await atlas.close();
}
`;

/** The same calls through a bare openapi-fetch client. */
const BASELINE_PROGRAM = `
import createClient from "openapi-fetch";
const client = createClient({ baseUrl: "https://cloud.mongodb.com", headers: { Authorization: "Bearer " + (process.env.TOKEN ?? "t") } });
const org = { path: { orgId: "${ORG}", invitationId: "${INVITE}" } };
console.log(await client.GET("/api/atlas/v2/orgs/{orgId}/invites/{invitationId}", { params: org }));
console.log(await client.PATCH("/api/atlas/v2/orgs/{orgId}/invites/{invitationId}", { params: org, body: { roles: ["ORG_MEMBER"] } }));
console.log(await client.PATCH("/api/atlas/v2/groups/{groupId}/invites", { params: { path: { groupId: "${GROUP}" } }, body: { username: "a@example.com", roles: ["GROUP_READ_ONLY"] } }));
console.log(await client.PATCH("/api/atlas/v2/groups/{groupId}/invites/{invitationId}", { params: { path: { groupId: "${GROUP}", invitationId: "${INVITE}" } }, body: { roles: ["GROUP_OWNER"] } }));
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

async function bundleSize(program: string, external: string[] = []): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: program, resolveDir: ROOT, loader: "ts", sourcefile: "program.ts" },
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["node:*", ...external],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs)
    .map(([file, info]): [string, number] => [shortName(file), info.bytesInOutput])
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
  return { minified: code.byteLength, gzip: gzipSync(code).byteLength, inputs };
}

/**
 * What each input costs in the gzipped bundle: the bundle is built once more with every file's
 * code under a `// file` heading (identifiers and syntax minified, whitespace not), and for each
 * file the gzip size of the whole is compared with the gzip size without that file's code, both
 * whitespace-minified. The sum differs a little from the total, since gzip shares text across files.
 */
async function gzipByInput(program: string): Promise<[string, number][]> {
  const result = await build({
    stdin: { contents: program, resolveDir: ROOT, loader: "ts", sourcefile: "program.ts" },
    bundle: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["node:*"],
    write: false,
    logLevel: "silent",
  });
  const lines = result.outputFiles[0]!.text.split("\n");
  const heads = lines.flatMap((line, i) =>
    /^\/\/ \S+\.(?:ts|mjs|js)$/.test(line) ? [[i, line.slice(3)] as const] : [],
  );
  const gzipOf = async (code: string) =>
    gzipSync((await transform(code, { minifyWhitespace: true, format: "esm" })).code).byteLength;
  const whole = await gzipOf(lines.join("\n"));
  const cost = new Map<string, number>();
  for (const [h, [start, file]] of heads.entries()) {
    const end = heads[h + 1]?.[0] ?? lines.length;
    const without = await gzipOf([...lines.slice(0, start), ...lines.slice(end)].join("\n"));
    cost.set(shortName(file), (cost.get(shortName(file)) ?? 0) + whole - without);
  }
  return [...cost].sort((a, b) => b[1] - a[1]);
}

/** Minified bytes per group of inputs: openapi-fetch, generated code, auth, the rest of src/. */
function groups(inputs: [string, number][]): [string, number][] {
  const sums = new Map<string, number>();
  for (const [file, n] of inputs) {
    const group = file.includes("node_modules/openapi-fetch/")
      ? "openapi-fetch"
      : file.startsWith("generated/")
        ? "generated/"
        : file.startsWith("src/auth/")
          ? "src/auth/"
          : file.startsWith("src/")
            ? "other src/"
            : "the program itself";
    sums.set(group, (sums.get(group) ?? 0) + n);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

export async function measureBundle(): Promise<MetricReport> {
  const ours = await bundleSize(OUR_PROGRAM);
  const baseline = await bundleSize(BASELINE_PROGRAM);
  // The same program with openapi-fetch left out: what the client's own code weighs.
  const ownCode = await bundleSize(OUR_PROGRAM, ["openapi-fetch"]);
  const gzipCost = await gzipByInput(OUR_PROGRAM);
  const heavy = gzipCost.filter(([file, n]) => !file.includes("node_modules/") && n > 1_000);
  const met = ours.gzip <= BUNDLE_TARGET_BYTES;
  const withinBudget = ours.gzip <= BUNDLE_REGRESSION_BUDGET_BYTES;
  const bytes = (n: number) => `${n.toLocaleString("en-US")} B`;
  const list = (rows: [string, number][]) =>
    rows.map(([name, n]) => `${name} ${bytes(n)}`).join(", ");
  const budget = bytes(BUNDLE_REGRESSION_BUDGET_BYTES);
  return {
    results: [
      {
        name: BUNDLE_ROW,
        value: ours.gzip,
        unit: "B",
        baseline: baseline.gzip,
        ratio: ours.gzip / baseline.gzip,
        target: `<= ${BUNDLE_TARGET_BYTES.toLocaleString("en-US")} B`,
        met,
      },
      {
        name: BUNDLE_REGRESSION_ROW,
        value: ours.gzip,
        unit: "B",
        baseline: null,
        ratio: null,
        target: `<= ${budget} (CI guard)`,
        met: withinBudget,
      },
    ],
    misses: [
      ...(met
        ? []
        : [
            `Runtime bundle: openapi-fetch alone takes ${bytes(baseline.gzip)} of the ` +
              `${bytes(BUNDLE_TARGET_BYTES)} target; the client's own code, bundled without it, is ` +
              `${bytes(ownCode.gzip)} gzip (${bytes(ownCode.minified)} minified): three auth ` +
              "strategies (bearer, OAuth client credentials, HTTP Digest), the generated operation " +
              "table and body validators, the retrying transport, typed errors and the middleware. " +
              `${heavy.length} of the client's own files each add more than 1 KB to the gzip size ` +
              `(${list(heavy)}; the breakdown by module is under Details), ` +
              "so the target cannot be met without dropping behaviour the client " +
              `promises. The miss is reported, not hidden: CI (\`--quick\`) enforces the separate ` +
              `regression budget of ${budget} instead, so it fails when the bundle grows and not ` +
              "because of this known miss.",
          ]),
      ...(withinBudget
        ? []
        : [
            `Runtime bundle, CI regression budget: the bundle grew to ${bytes(ours.gzip)} gzip, ` +
              `past the ${budget} it may take; shrink what grew, or raise ` +
              "BUNDLE_REGRESSION_BUDGET_BYTES in bench/metrics/bundle.ts with the reason in the commit.",
          ]),
    ],
    details: [
      `Bundle: our program ${bytes(ours.minified)} minified, ${bytes(ours.gzip)} gzip ` +
        `(${ours.inputs.length} input files); openapi-fetch alone ${bytes(baseline.minified)} ` +
        `minified, ${bytes(baseline.gzip)} gzip. gzip is zlib at its default level (6).`,
      `Bundle, every input of our program (minified bytes before gzip): ${list(ours.inputs)}.`,
      `Bundle, by group (minified bytes): ${list(groups(ours.inputs))}.`,
      `Bundle, what each input adds to the gzip size (the whole minus the whole without it): ` +
        `${list(gzipCost)}.`,
      `Bundle without openapi-fetch (the client's own code): ${bytes(ownCode.minified)} minified, ` +
        `${bytes(ownCode.gzip)} gzip.`,
      `Bundle, CI regression budget: ${budget} gzip (14,107 B measured at b4ed4cc plus 3%, ` +
        "rounded up to 100 B); `--quick` fails above it, and reports the 5,000 B target without " +
        "enforcing it.",
    ],
    commands: [
      "esbuild API: build({ stdin: <program>, bundle: true, minify: true, platform: 'node', " +
        "format: 'esm', target: 'node20', external: ['node:*'] }), then zlib.gzipSync",
    ],
  };
}
