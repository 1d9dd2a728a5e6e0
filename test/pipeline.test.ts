/**
 * The spec pipeline, exercised on throw-away copies of the project: the drift check catches a
 * stale generation, generation is stable, a new operation in the spec reaches the types and the
 * operation table with no other edit, and a spec that does not lint produces nothing.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { operations as committedTable } from "../generated/operations.js";
import type { Violation } from "../src/index.js";
import { generatedLoader } from "./helpers/generated-module.js";
import { createTempProject, PROJECT_ROOT, type TempProject } from "./helpers/temp-project.js";

const ORG_INVITE_PATH = "openapi/paths/orgs_{orgId}_invites_{invitationId}.yaml";
const TIMEOUT = 90_000;

const projects: TempProject[] = [];
async function freshCopy(): Promise<TempProject> {
  const project = await createTempProject();
  projects.push(project);
  return project;
}
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.dispose()));
});

/** Every file under generated/, by name, with its exact bytes. */
async function snapshotGenerated(root: string): Promise<Map<string, Buffer>> {
  const dir = path.join(root, "generated");
  const names = (await readdir(dir)).sort();
  const files = new Map<string, Buffer>();
  for (const name of names) files.set(name, await readFile(path.join(dir, name)));
  return files;
}

function changedCount(stdout: string): { changed: number; total: number } {
  const match = /write \((\d+) of (\d+) files changed\)/.exec(stdout);
  if (!match) throw new Error(`generate did not report its write step:\n${stdout}`);
  return { changed: Number(match[1]), total: Number(match[2]) };
}

describe("check:generated", () => {
  test(
    "passes on a fresh copy and fails, naming the stale files, once a description changes",
    async () => {
      const project = await freshCopy();

      const clean = await project.script("check-generated.ts");
      expect(clean.stderr).toBe("");
      expect(clean.status).toBe(0);
      expect(clean.stdout).toMatch(/check:generated: \d+ files match the spec/);

      await project.replace(
        ORG_INVITE_PATH,
        "Returns the stored details of one invitation",
        "Returns what Atlas keeps about one invitation",
      );
      const before = await snapshotGenerated(project.dir);
      const stale = await project.script("check-generated.ts");

      expect(stale.status).toBe(1);
      // A description reaches the JSDoc of the types and the bundled spec, not the route table.
      expect(stale.stderr).toContain("stale: generated/openapi.json");
      expect(stale.stderr).toContain("stale: generated/atlas.ts");
      // The method's JSDoc opens with the first sentence of the description.
      expect(stale.stderr).toContain("stale: generated/methods.ts");
      expect(stale.stderr).not.toContain("generated/operations.ts");
      expect(stale.stderr).toContain("npm run generate");
      // The check only compares; it never repairs what it finds.
      expect(await snapshotGenerated(project.dir)).toEqual(before);
    },
    TIMEOUT,
  );

  test(
    "names a hand edit, a missing file and a file the generator does not produce; generate repairs all three",
    async () => {
      const project = await freshCopy();
      await project.replace(
        "generated/operations.ts",
        'operationId: "getOrgInvite",',
        'operationId: "getOrgInvitation",',
      );
      await project.remove("generated/package-info.ts");
      // What a removed or renamed generator step leaves behind, at the top and in a folder.
      await project.write("generated/invites.ts", "export const left = 1;\n");
      await project.run("mkdir", ["-p", "generated/old"]);
      await project.write("generated/old/table.ts", "export const left = 2;\n");
      // Not the generator's business: an editor's swap file.
      await project.write("generated/.operations.ts.swp", "swap");

      const stale = await project.script("check-generated.ts");

      expect(stale.status).toBe(1);
      expect(stale.stderr.split("\n").filter((line) => line.includes("stale:"))).toEqual([
        "  stale: generated/operations.ts (differs from a fresh generation)",
        "  stale: generated/package-info.ts (missing)",
        "  stale: generated/invites.ts (not produced by the generator)",
        "  stale: generated/old/table.ts (not produced by the generator)",
      ]);
      expect(stale.stderr).toContain("npm run generate");

      const generated = await project.script("generate.ts");
      expect(generated.status).toBe(0);
      expect(generated.stdout).toContain("removed generated/invites.ts");
      expect(generated.stdout).toContain("removed generated/old/table.ts");
      const clean = await project.script("check-generated.ts");
      expect(clean.stderr).toBe("");
      expect(clean.status).toBe(0);
      expect(await project.read("generated/.operations.ts.swp")).toBe("swap");
      await project.remove("generated/.operations.ts.swp");
      expect(await snapshotGenerated(project.dir)).toEqual(await snapshotGenerated(PROJECT_ROOT));
    },
    TIMEOUT,
  );

  test(
    "names the broken $ref of a spec it cannot bundle, without a stack trace",
    async () => {
      const project = await freshCopy();
      await project.replace(
        ORG_INVITE_PATH,
        "$ref: ../components/parameters/OrgId.yaml",
        "$ref: ../components/parameters/OrganizationId.yaml",
      );

      const result = await project.script("check-generated.ts");

      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(
        /^check:generated: cannot generate from the spec: .*components\/parameters\/OrganizationId\.yaml/,
      );
      expect(result.stderr).not.toMatch(/^\s+at /m);
    },
    TIMEOUT,
  );
});

describe("generate", () => {
  test(
    "reproduces the committed files from scratch, and a second run changes nothing",
    async () => {
      const project = await freshCopy();
      await project.remove("generated");

      const first = await project.script("generate.ts");
      expect(first.stderr).toBe("");
      expect(first.status).toBe(0);
      const firstCount = changedCount(first.stdout);
      expect(firstCount.changed).toBe(firstCount.total);
      const afterFirst = await snapshotGenerated(project.dir);
      expect(afterFirst.size).toBe(firstCount.total);
      expect(afterFirst).toEqual(await snapshotGenerated(PROJECT_ROOT));

      // One line per step, each with its timing.
      for (const step of [
        "lint",
        "bundle spec",
        "types ->",
        "operation table ->",
        "validators ->",
        "method types ->",
        "bundled spec",
      ]) {
        expect(first.stdout).toMatch(new RegExp(`^ {2}${step}.* \\d+ ms$`, "m"));
      }

      const second = await project.script("generate.ts");
      expect(second.status).toBe(0);
      expect(changedCount(second.stdout)).toEqual({ changed: 0, total: firstCount.total });
      expect(await snapshotGenerated(project.dir)).toEqual(afterFirst);
    },
    TIMEOUT,
  );

  test(
    "refuses a spec that does not lint and writes nothing",
    async () => {
      const project = await freshCopy();
      await project.replace(
        ORG_INVITE_PATH,
        "summary: Get one pending organization invitation\n",
        "summary: Get one pending organization invitation.\n",
      );
      const before = await snapshotGenerated(project.dir);

      const result = await project.script("generate.ts");

      expect(result.status).toBe(1);
      expect(result.stderr).toContain("summary-no-full-stop");
      expect(result.stderr).toContain("nothing was written");
      expect(result.stdout).not.toMatch(/write \(/);
      // Had anything been written, the new summary would be in atlas.ts and openapi.json.
      expect(await snapshotGenerated(project.dir)).toEqual(before);
    },
    TIMEOUT,
  );
});

describe("generate: rules of ours", () => {
  test(
    "refuses an x-client-required field the body does not have, naming it, and writes nothing",
    async () => {
      const project = await freshCopy();
      await project.replace(
        "openapi/paths/groups_{groupId}_invites.yaml",
        "x-client-required:\n      - username\n",
        "x-client-required:\n      - userName\n",
      );
      const before = await snapshotGenerated(project.dir);

      const result = await project.script("generate.ts");

      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        "generate: updateGroupInvites: x-client-required names userName, which is not a writable field of GroupInvitationRequest; nothing was written.\n",
      );
      expect(await snapshotGenerated(project.dir)).toEqual(before);
    },
    TIMEOUT,
  );
});

describe("npm version", () => {
  test(
    "puts the new version the User-Agent names into the version commit, so check:generated stays green",
    async () => {
      const project = await freshCopy();
      const git = (...args: string[]) => project.run("git", args);
      await project.write(".gitignore", "node_modules\n");
      await git("init", "-q");
      await git("config", "user.name", "Release Test");
      await git("config", "user.email", "release@example.com");
      await git("add", ".");
      await git("commit", "-qm", "start");

      const bumped = await project.run("npm", ["version", "0.9.1"]);
      expect(bumped.status, bumped.stderr).toBe(0);

      expect(await project.read("generated/package-info.ts")).toContain(
        'PACKAGE_VERSION = "0.9.1";',
      );
      const committed = await git("show", "HEAD:generated/package-info.ts");
      expect(committed.stdout).toContain('PACKAGE_VERSION = "0.9.1";');
      expect((await git("status", "--porcelain")).stdout).toBe("");
      expect((await project.script("check-generated.ts")).status).toBe(0);
    },
    TIMEOUT,
  );
});

describe("spec-first", () => {
  const loader = generatedLoader();
  afterAll(() => loader.dispose());

  const NEW_PATH = "/api/atlas/v2/orgs/{orgId}/invites";
  const NEW_FILE = "openapi/paths/orgs_{orgId}_invites.yaml";
  const NEW_MEDIA_TYPE = "application/vnd.atlas.2024-05-30+json";

  /** A new operation, written the way a contributor would add one: one path file… */
  const pathFile = `parameters:
  - $ref: ../components/parameters/OrgId.yaml
get:
  operationId: listOrgInvites
  summary: List the pending invitations of an organization
  description: |
    Returns every invitation to the organization that nobody has accepted yet.

    **Who may call it:** credentials that hold the Organization Owner role.
  tags:
    - Organizations
  x-rolesRequirements:
    - Organization Owner
  x-codeSamples:
    - lang: TypeScript
      label: atlas-invites
      source: |
        const invites = await atlas.listOrgInvites({ orgId: "4888442a3354817a7320eb61" });
  parameters:
    - $ref: ../components/parameters/Envelope.yaml
  responses:
    "200":
      description: The pending invitations.
      content:
        ${NEW_MEDIA_TYPE}:
          schema:
            type: array
            items:
              $ref: ../components/schemas/OrganizationInvitation.yaml
    "404":
      $ref: ../components/responses/NotFound.yaml
`;

  /** …and a consumer that only compiles once the types (and the client's methods) know it. */
  const probe = `import type { operations, paths } from "./generated/atlas.js";
import type { OperationMethods } from "./generated/methods.js";

type Listed = operations["listOrgInvites"]["responses"][200]["content"]["${NEW_MEDIA_TYPE}"];
export const listed: Listed = [{ orgName: "Acme", username: "invitee@example.com" }];
// @ts-expect-error every listed invitation has the required orgName
export const incomplete: Listed = [{ username: "invitee@example.com" }];
export type Route = paths["${NEW_PATH}"]["get"];
export const route: Route = {} as operations["listOrgInvites"];
declare const methods: OperationMethods;
export const fromMethod: Promise<Listed> = methods.listOrgInvites({ orgId: "4888442a3354817a7320eb61" });
// @ts-expect-error the method's input requires the path parameter
void methods.listOrgInvites({});
`;
  const probeConfig = JSON.stringify({
    extends: "./tsconfig.json",
    include: [],
    files: ["probe.ts"],
  });

  test(
    "a new operation reaches the types, the methods' types and the operation table with no other edit",
    async () => {
      const project = await freshCopy();
      await project.write(NEW_FILE, pathFile);
      await project.replace(
        "openapi/openapi.yaml",
        "\npaths:\n",
        `\npaths:\n  ${NEW_PATH}:\n    $ref: paths/orgs_{orgId}_invites.yaml\n`,
      );
      await project.write("probe.ts", probe);
      await project.write("tsconfig.probe.json", probeConfig);
      const tsc = path.join(PROJECT_ROOT, "node_modules/typescript/bin/tsc");
      const typecheck = () => project.run(process.execPath, [tsc, "-p", "tsconfig.probe.json"]);

      // Before regenerating, the types do not know the operation.
      const unknown = await typecheck();
      expect(unknown.status).not.toBe(0);
      expect(unknown.stdout).toContain("listOrgInvites");

      const generated = await project.script("generate.ts");
      expect(generated.stderr).toBe("");
      expect(generated.status).toBe(0);

      const known = await typecheck();
      expect(known.stdout + known.stderr).toBe("");
      expect(known.status).toBe(0);

      const tableUrl = pathToFileURL(path.join(project.dir, "generated/operations.ts")).href;
      const { operations: table, operationDetails: details } = (await import(tableUrl)) as {
        operations: Record<string, Record<string, unknown>>;
        operationDetails: Record<string, Record<string, unknown>>;
      };
      expect(table.listOrgInvites).toEqual({
        operationId: "listOrgInvites",
        method: "GET",
        path: NEW_PATH,
        mediaType: NEW_MEDIA_TYPE,
        body: null,
        pathParams: ["orgId"],
        // No pageNum parameter, so not a list operation that paginate() would page through.
        pageSize: null,
        deprecated: false,
        sunset: null,
        replacement: null,
      });
      expect(details.listOrgInvites).toEqual({
        version: "2024-05-30",
        bodySchema: null,
        // The answer is an array, not a named schema.
        responseSchema: null,
        queryParams: ["envelope"],
        roles: ["Organization Owner"],
        // No request body, so no x-client-required fields.
        clientRequired: [],
      });
      // The operations already in the spec come out exactly as before.
      const { listOrgInvites: _added, ...rest } = table;
      expect(Object.keys(rest).sort()).toEqual(Object.keys(committedTable).sort());
      for (const [id, entry] of Object.entries(committedTable)) {
        expect(JSON.stringify(rest[id])).toBe(JSON.stringify(entry));
      }

      // The validators check the new operation's parameters, from the same spec.
      const validators = await loader.load(await project.read("generated/validators.ts"));
      const validateInput = validators.validateInput as (
        id: string,
        path: unknown,
        query: unknown,
        body: unknown,
      ) => Violation[];
      const ok = { orgId: "4888442a3354817a7320eb61" };
      expect(validateInput("listOrgInvites", ok, { envelope: true }, undefined)).toEqual([]);
      expect(
        validateInput(
          "listOrgInvites",
          { orgId: "../x" },
          { envelope: "yes", pretty: true },
          {},
        ).map((v) => [v.path, v.rule]),
      ).toEqual([
        ["orgId", "pattern"],
        ["envelope", "type"],
        ["pretty", "unknownParameter"],
        ["body", "unknownParameter"],
      ]);
    },
    TIMEOUT,
  );
});
