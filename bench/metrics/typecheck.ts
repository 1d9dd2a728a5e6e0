/**
 * Consumer type-check: what the package costs the compiler of an application that uses it. The
 * package's declarations are emitted fresh from src/ (as `npm run compile` emits them into
 * dist/), and a small consumer that calls all eleven methods and `paginate` is checked with
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
const USER_ID = "65a8c4e1f2b3d4a5c6e7f809";

const CONSUMER = `import {
  accessToken,
  createAtlasInvites,
  isAtlasApiError,
  type GroupInvitation,
  type OrganizationInvitation,
  type OrgUser,
} from "atlas-invites";

const atlas = createAtlasInvites({ auth: accessToken({ token: "token" }) });
const orgId = "${ORG_ID}";
const groupId = "${GROUP_ID}";
const invitationId = "${INVITATION_ID}";
const userId = "${USER_ID}";

/** What a user's status says about them; narrowing picks the fields of each kind. */
function describe(user: OrgUser): string {
  if (user.orgMembershipStatus === "ACTIVE") return \`\${user.firstName} \${user.lastName}\`;
  return \`\${user.username}, invited by \${user.inviterUsername}\`;
}

try {
  // The invitation operations.
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
  });
  const byId = await atlas.updateGroupInviteById({
    groupId,
    invitationId,
    body: { roles: ["GROUP_OWNER"] },
  });
  console.log(invite.orgName, wrapped.content.orgName, updated.roles, byName.roles, byId.groupId);

  // The Cloud Users API operations.
  const page = await atlas.listOrgUsers({
    orgId,
    orgMembershipStatuses: ["PENDING"],
    username: "invitee@example.com",
    pageNum: 1,
    itemsPerPage: 100,
    includeCount: true,
  });
  for (const user of page.results ?? []) console.log(describe(user));
  const orgUser = await atlas.getOrgUser({ orgId, userId });
  console.log(describe(orgUser));
  const changed = await atlas.updateOrgUser({
    orgId,
    userId,
    body: {
      roles: {
        orgRoles: ["ORG_MEMBER"],
        groupRoleAssignments: [{ groupId, groupRoles: ["GROUP_READ_ONLY"] }],
      },
      teamIds: [],
    },
  });
  const groupPage = await atlas.listGroupUsers({ groupId, orgMembershipStatuses: ["ACTIVE"] });
  const groupUser = await atlas.getGroupUser({ groupId, userId });
  const added = await atlas.addGroupUserRole({
    groupId,
    userId,
    body: { groupRole: "GROUP_READ_ONLY" },
  });
  const removed = await atlas.removeGroupUserRole({
    groupId,
    userId,
    body: { groupRole: "GROUP_READ_ONLY" },
  });
  if (groupUser.orgMembershipStatus === "PENDING") console.log(groupUser.invitationCreatedAt);
  console.log(changed.roles, groupPage.totalCount, added.roles, removed.roles);

  for await (const user of atlas.paginate("listOrgUsers", { orgId, orgMembershipStatuses: ["PENDING"] })) {
    if (user.orgMembershipStatus !== "ACTIVE") console.log(user.inviterUsername);
  }
} catch (err) {
  if (isAtlasApiError(err, 404)) console.log(err.status, err.errorCode);
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
        "tsc -p <scratch>/app/tsconfig.json --extendedDiagnostics   (consumer.ts calls the eleven methods and paginate; " +
          "paths maps atlas-invites to decl/src/index.d.ts; strict, NodeNext, skipLibCheck)",
      ],
    };
  } finally {
    await scratch.remove();
  }
}
