/**
 * Runtime bundle: what an application ships when it uses the client. esbuild bundles and
 * minifies a small program that creates a client with each auth strategy and calls all four
 * operations (Node built-ins stay external), and the output is gzipped. The baseline is the same
 * program shape written against openapi-fetch alone.
 */
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { ROOT } from "../lib/project.js";
import type { MetricReport } from "../lib/results.js";

export const BUNDLE_BUDGET_BYTES = 5_000;

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
    .map(([file, info]): [string, number] => [file, info.bytesInOutput])
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
  return { minified: code.byteLength, gzip: gzipSync(code).byteLength, inputs };
}

export async function measureBundle(): Promise<MetricReport> {
  const ours = await bundleSize(OUR_PROGRAM);
  const baseline = await bundleSize(BASELINE_PROGRAM);
  // The same program with openapi-fetch left out: what the client's own code weighs.
  const ownCode = await bundleSize(OUR_PROGRAM, ["openapi-fetch"]);
  const met = ours.gzip <= BUNDLE_BUDGET_BYTES;
  const bytes = (n: number) => `${n.toLocaleString("en-US")} B`;
  const largest = ours.inputs
    .slice(0, 8)
    .map(([file, n]) => `${file} ${bytes(n)}`)
    .join(", ");
  return {
    results: [
      {
        name: "Runtime bundle (gzip)",
        value: ours.gzip,
        unit: "B",
        baseline: baseline.gzip,
        ratio: ours.gzip / baseline.gzip,
        target: `<= ${BUNDLE_BUDGET_BYTES.toLocaleString("en-US")} B`,
        met,
      },
    ],
    misses: met
      ? []
      : [
          `Runtime bundle: openapi-fetch alone takes ${bytes(baseline.gzip)} of the ` +
            `${bytes(BUNDLE_BUDGET_BYTES)} budget; the client's own code, bundled without it, is ` +
            `${bytes(ownCode.gzip)} gzip (${bytes(ownCode.minified)} minified): three auth ` +
            "strategies (bearer, OAuth client credentials, HTTP Digest), the generated operation " +
            "table and body validators, the retrying transport, typed errors and the middleware. " +
            "The largest inputs are listed under Details.",
        ],
    details: [
      `Bundle: our program ${bytes(ours.minified)} minified, ${bytes(ours.gzip)} gzip ` +
        `(${ours.inputs.length} input files); openapi-fetch alone ${bytes(baseline.minified)} ` +
        `minified, ${bytes(baseline.gzip)} gzip. gzip is zlib at its default level (6).`,
      `Bundle, largest inputs of our program (minified bytes before gzip): ${largest}.`,
      `Bundle without openapi-fetch (the client's own code): ${bytes(ownCode.minified)} minified, ` +
        `${bytes(ownCode.gzip)} gzip.`,
    ],
    commands: [
      "esbuild API: build({ stdin: <program>, bundle: true, minify: true, platform: 'node', " +
        "format: 'esm', target: 'node20', external: ['node:*'] }), then zlib.gzipSync",
    ],
  };
}
