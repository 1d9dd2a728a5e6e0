/**
 * Consumer type-check: what the package costs the compiler of an application that uses it. The
 * package's declarations are emitted fresh from src/ (as `npm run compile` emits them into
 * dist/), and a small consumer that calls all four methods is checked with
 * `tsc --extendedDiagnostics`, with `atlas-invites` mapped to those declarations through
 * `paths`. Instantiations are a count; check time is the median of a few runs.
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { ROOT, runNode, scratchDir } from "../lib/project.js";
import type { MetricReport } from "../lib/results.js";
import { median } from "../lib/timing.js";
import { GROUP_ID, INVITATION_ID, ORG_ID } from "../lib/fixtures.js";

export const INSTANTIATION_LIMIT = 30_000;

const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");

const CONSUMER = `import {
  createAtlasInvites,
  isAtlasApiError,
  type GroupInvitation,
  type OrganizationInvitation,
} from "atlas-invites";

const atlas = createAtlasInvites({ auth: { type: "accessToken", token: "token" } });
const orgId = "${ORG_ID}";
const groupId = "${GROUP_ID}";
const invitationId = "${INVITATION_ID}";

try {
  const invite: OrganizationInvitation = await atlas.getOrgInvite({ orgId, invitationId });
  const wrapped = await atlas.getOrgInvite({ orgId, invitationId, envelope: true });
  const updated: OrganizationInvitation = await atlas.updateOrgInviteById({
    orgId,
    invitationId,
    body: { roles: ["ORG_MEMBER"], teamIds: [] },
  });
  const byName: GroupInvitation = await atlas.updateGroupInvites({
    groupId,
    body: { username: "invitee@example.com", roles: ["GROUP_READ_ONLY"] },
    pretty: true,
  });
  const byId = await atlas.updateGroupInviteById({
    groupId,
    invitationId,
    body: { roles: ["GROUP_OWNER"] },
  });
  console.log(invite.orgName, wrapped.content.orgName, updated.roles, byName.roles, byId.groupId);
} catch (err) {
  if (isAtlasApiError(err, "RESOURCE_NOT_FOUND")) console.log(err.status);
  else throw err;
} finally {
  await atlas.close();
}
`;

function figure(output: string, label: string): number {
  const match = new RegExp(`^${label}:\\s+([\\d.]+)`, "m").exec(output);
  if (!match) throw new Error(`typecheck: tsc printed no "${label}"`);
  return Number(match[1]);
}

export async function measureTypecheck(runs: number): Promise<MetricReport> {
  const scratch = await scratchDir("consumer");
  try {
    const decl = path.join(scratch.dir, "decl");
    // Declarations as the package ships them; a type error elsewhere in src/ still emits.
    await runNode(
      [
        TSC,
        "-p",
        "tsconfig.build.json",
        "--emitDeclarationOnly",
        "--declarationMap",
        "false",
      ].concat(["--outDir", decl]),
      ROOT,
    );
    const entry = path.join(decl, "src/index.d.ts");
    await stat(entry).catch(() => {
      throw new Error("typecheck: tsc emitted no src/index.d.ts");
    });
    const app = path.join(scratch.dir, "app");
    await mkdir(app);
    await writeFile(path.join(app, "package.json"), JSON.stringify({ type: "module" }));
    await writeFile(path.join(app, "consumer.ts"), CONSUMER);
    await writeFile(
      path.join(app, "tsconfig.json"),
      JSON.stringify(
        {
          compilerOptions: {
            target: "ES2022",
            lib: ["ES2023"],
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ["node"],
            paths: { "atlas-invites": [entry] },
          },
          files: ["consumer.ts"],
        },
        null,
        2,
      ),
    );
    const instantiations: number[] = [];
    const checkTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await runNode([TSC, "-p", "tsconfig.json", "--extendedDiagnostics"], app);
      if (run.code !== 0) {
        throw new Error(`typecheck: the consumer does not compile:\n${run.stdout}${run.stderr}`);
      }
      instantiations.push(figure(run.stdout, "Instantiations"));
      checkTimes.push(figure(run.stdout, "Check time"));
    }
    const count = Math.max(...instantiations);
    const checkTime = median(checkTimes);
    return {
      results: [
        {
          name: "Consumer type-check: instantiations",
          value: count,
          unit: "instantiations",
          baseline: null,
          ratio: null,
          target: `<= ${INSTANTIATION_LIMIT.toLocaleString("en-US")}`,
          met: count <= INSTANTIATION_LIMIT,
        },
        {
          name: "Consumer type-check: check time",
          value: checkTime,
          unit: "s",
          baseline: null,
          ratio: null,
          target: "reported",
          met: null,
        },
      ],
      details: [
        `Consumer type-check over ${runs} runs: instantiations [${instantiations.join(", ")}], ` +
          `check time [${checkTimes.map((t) => t.toFixed(2)).join(", ")}] s (median shown).`,
      ],
      commands: [
        "tsc -p tsconfig.build.json --emitDeclarationOnly --declarationMap false --outDir <scratch>/decl",
        "tsc -p <scratch>/app/tsconfig.json --extendedDiagnostics   (consumer.ts calls the four methods; " +
          "paths maps atlas-invites to decl/src/index.d.ts; strict, NodeNext, skipLibCheck)",
      ],
    };
  } finally {
    await scratch.remove();
  }
}
