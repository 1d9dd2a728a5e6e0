/**
 * The methods' types as an application's editor and compiler meet them, under the strictest
 * consumer settings (exactOptionalPropertyTypes on): the TypeScript language service shows each
 * method's JSDoc, marks the deprecated operations deprecated (editors strike those calls through)
 * and names the input and result types; optional query parameters take `undefined`; and each
 * misuse is refused with one error that names the method's input type.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATION_IDS, operationDetails, operations } from "../generated/operations.js";
import { ROOT, typeCheck, writeConsumerTsconfig } from "./helpers/consumer-typecheck.js";

const ids = { orgId: "4888442a3354817a7320eb61", groupId: "32b6e34b3d91647abb20e7b8" };
const PRELUDE = `import {
  accessToken,
  createAtlasInvites,
  type Envelope,
  type ListEnvelope,
  type OrganizationInvitation,
  type PaginatedOrgUserView,
} from "atlas-invites";

const atlas = createAtlasInvites({ auth: accessToken({ token: "token" }) });
const orgId = "${ids.orgId}";
const groupId = "${ids.groupId}";
const userId = "65a8c4e1f2b3d4a5c6e7f809";
const invitationId = "5f1a7b3c9d2e4f6a8b0c1d2e";
declare const maybeText: string | undefined;
declare const maybeNumber: number | undefined;
declare const maybeFlag: boolean | undefined;
declare const maybeTrue: true | undefined;
void [orgId, groupId, userId, invitationId, maybeText, maybeNumber, maybeFlag, maybeTrue];
export type Used = [Envelope<unknown>, OrganizationInvitation, PaginatedOrgUserView];
`;

/** Calls that must compile: a maybe-value for optional query parameters, and `envelope`. */
const ACCEPTED = `${PRELUDE}
export const page: PaginatedOrgUserView = await atlas.listOrgUsers({
  orgId,
  username: maybeText,
  pageNum: maybeNumber,
  itemsPerPage: undefined,
  includeCount: maybeFlag,
  orgMembershipStatuses: undefined,
});
await atlas.listGroupUsers({ groupId, flattenTeams: maybeFlag, includeOrgUsers: undefined });
await atlas.getOrgUser({ orgId, userId, pretty: maybeFlag, orgMembershipStatuses: undefined });
await atlas.updateOrgUser({ orgId, userId, pretty: undefined, body: { teamIds: [] } });
// envelope left out, or undefined, answers the body; true answers the envelope.
export const plain: OrganizationInvitation = await atlas.getOrgInvite({
  orgId,
  invitationId,
  envelope: undefined,
});
export const wrapped: ListEnvelope<PaginatedOrgUserView> = await atlas.listOrgUsers({
  orgId,
  envelope: true,
});
// A flag that may be undefined gives either shape.
export const either: OrganizationInvitation | Envelope<OrganizationInvitation> =
  await atlas.getOrgInvite({ orgId, invitationId, envelope: maybeTrue });
// paginate takes no envelope, but an undefined one is left out, as its runtime check does.
void atlas.paginate("listOrgUsers", { orgId, envelope: undefined });
`;

/**
 * Calls that must compile: the client only reads what it is given, so readonly arrays (an
 * `as const` list, ORG_ROLES) are taken wherever a list is, and an optional body field takes a
 * maybe-value, as an optional query parameter does (JSON leaves an undefined field out).
 */
const ACCEPTED_INPUTS = `${PRELUDE}
import { KNOWN_PROJECT_ROLES, ORG_ROLES } from "atlas-invites";
declare const maybeTeams: string[] | undefined;
const pending = ["PENDING", "INVITATION_EXPIRED"] as const;
await atlas.listOrgUsers({ orgId, orgMembershipStatuses: pending });
for await (const user of atlas.paginate("listGroupUsers", {
  groupId,
  orgMembershipStatuses: pending,
})) {
  void user;
}
await atlas.updateOrgUser({
  orgId,
  userId,
  body: {
    roles: {
      orgRoles: ORG_ROLES,
      groupRoleAssignments: [{ groupId, groupRoles: KNOWN_PROJECT_ROLES }],
    },
    teamIds: maybeTeams,
  },
});
await atlas.updateOrgUser({
  orgId,
  userId,
  body: { roles: { orgRoles: ["ORG_MEMBER"] as const, groupRoleAssignments: undefined } },
});
await atlas.updateOrgInviteById({
  orgId,
  invitationId,
  body: { roles: undefined, groupRoleAssignments: [{ groupId, roles: ["GROUP_OWNER"] as const }] },
});
await atlas.updateGroupInvites({
  groupId,
  body: { username: "ana@example.com", roles: KNOWN_PROJECT_ROLES },
});
await atlas.addGroupUserRole({ groupId, userId, body: { groupRole: KNOWN_PROJECT_ROLES[0] } });
`;

/** The fake Atlas's options, each given a maybe-value, as a test's own settings would. */
const FAKE_OPTIONS = `import { startFakeAtlas } from "atlas-invites/testing";
declare const maybeNumber: number | undefined;
declare const maybeText: string | undefined;
declare const maybeFlag: boolean | undefined;
const fake = await startFakeAtlas({
  port: maybeNumber,
  accessTokens: undefined,
  rateLimit: maybeNumber,
  rateLimitWindowMs: maybeNumber,
  deprecationHeaders: maybeFlag,
  authSchemes: undefined,
  serviceAccount: {
    clientId: maybeText,
    clientSecret: maybeText,
    tokenLifetimeSeconds: maybeNumber,
    tokenDelayMs: maybeNumber,
  },
  apiKey: {
    publicKey: maybeText,
    privateKey: maybeText,
    algorithms: undefined,
    nonceLifetimeMs: maybeNumber,
    opaque: maybeFlag,
  },
  lacksRole: maybeFlag,
  maxRequestBytes: maybeNumber,
});
await fake.close();
`;

/**
 * A strategy of the user's own that wraps a built-in one and passes its session's members on:
 * the members the built-in session lacks are then undefined, which the client takes as absent.
 */
const WRAPPED_STRATEGY = `import { serviceAccount, type AuthStrategy } from "atlas-invites";
const inner = serviceAccount({ clientId: "mdb_sa_id_1234", clientSecret: "secret" });
export const counted: AuthStrategy = {
  label: \`counted \${inner.label}\`,
  start(context) {
    const session = inner.start(context);
    let calls = 0;
    return {
      authorize: (request) => {
        calls += 1;
        return session.authorize(request);
      },
      onUnauthorized: session.onUnauthorized?.bind(session),
      onResponse: session.onResponse?.bind(session),
      onError: session.onError?.bind(session),
      secrets: session.secrets?.bind(session),
      close: session.close && (() => (console.log(calls), session.close!())),
    };
  },
};
`;

/** A scheme of the test's own for the fake, its optional members given as maybe-values. */
const FAKE_SCHEME = `import { startFakeAtlas, type FakeAuthScheme } from "atlas-invites/testing";
declare const maybeName: string | undefined;
declare const maybeFlag: boolean | undefined;
declare const maybeChallenge: ((stale: boolean) => string) | undefined;
const custom: FakeAuthScheme = {
  check: (req) => ({
    verdict: req.headers.authorization === "Custom ok" ? "accepted" : "absent",
    credential: maybeName,
    stale: maybeFlag,
  }),
  challenge: maybeChallenge,
  route: undefined,
};
const fake = await startFakeAtlas({ authSchemes: [custom] });
await fake.close();
`;

/** One misuse per file, each with what its single error must say. */
const REFUSED: Record<string, { code: string; error: RegExp }> = {
  "path-undefined.ts": {
    code: "await atlas.getOrgUser({ orgId: maybeText, userId });",
    error: /'string \| undefined' is not assignable to type 'string'/,
  },
  "query-type.ts": {
    code: "await atlas.listOrgUsers({ orgId, username: 42 });",
    error: /'number' is not assignable to type 'string'/,
  },
  "unknown-key.ts": {
    code: "await atlas.getOrgInvite({ orgId, invitationID: invitationId });",
    error: /'invitationID' does not exist in type 'GetOrgInviteInput & \{ envelope\?: false; \}'/,
  },
  "client-required.ts": {
    code: 'await atlas.updateGroupInvites({ groupId, body: { roles: ["GROUP_OWNER"] } });',
    error: /Property 'username' is missing/,
  },
  "envelope-maybe.ts": {
    code: `export const e: Envelope<OrganizationInvitation> = await atlas.getOrgInvite({
  orgId,
  invitationId,
  envelope: maybeTrue,
});`,
    error: /is not assignable to type 'Envelope</,
  },
  "body-required-undefined.ts": {
    code: "await atlas.updateOrgUser({ orgId, userId, body: { roles: { orgRoles: undefined } } });",
    error: /Type 'undefined' is not assignable to type 'readonly \("ORG_OWNER"/,
  },
  "body-readonly-wrong-role.ts": {
    code: `const roles = ["ORG_ADMIN"] as const;
await atlas.updateOrgUser({ orgId, userId, body: { roles: { orgRoles: roles } } });`,
    error: /'"ORG_ADMIN"' is not assignable to type '"ORG_OWNER" \| /,
  },
  "paginate-envelope.ts": {
    code: 'void atlas.paginate("listOrgUsers", { orgId, envelope: true });',
    error: /^TS2322: Type 'true' is not assignable to type 'undefined'\.$/,
  },
  // An object built first escapes the excess property check that refuses unknown keys in a
  // literal; the runtime would refuse its envelope, so the compiler has to as well.
  "paginate-envelope-object.ts": {
    code: `const base = { orgId, envelope: true as const };
void atlas.paginate("listOrgUsers", base);`,
    error:
      /not assignable to parameter of type 'PaginateInput<"listOrgUsers">'[^]*Types of property 'envelope' are incompatible/,
  },
};

/** A mention of every method, for the language service's deprecation marks. */
const MENTIONS = `${PRELUDE}\n${[...OPERATION_IDS, "paginate"].map((id) => `void atlas.${id};`).join("\n")}\n`;
/** Every query parameter of every method, named in a call, for the deprecation marks on parameters. */
const PARAMETER_MENTIONS = `${PRELUDE}
await atlas.listOrgUsers({ orgId, orgMembershipStatus: "PENDING", orgMembershipStatuses: ["PENDING"], username: "a@example.com", pageNum: 1, itemsPerPage: 1, includeCount: true, pretty: true });
await atlas.listGroupUsers({ groupId, orgMembershipStatus: "PENDING", orgMembershipStatuses: ["PENDING"], username: "a@example.com", pageNum: 1, itemsPerPage: 1, includeCount: true, pretty: true, flattenTeams: true, includeOrgUsers: true });
await atlas.getOrgUser({ orgId, userId, orgMembershipStatuses: ["PENDING"], pretty: true });
await atlas.getGroupUser({ groupId, userId, orgMembershipStatuses: ["PENDING"], pretty: true });
`;
/** Where the language service is asked for a hover and a completion entry. */
const HOVER = `${PRELUDE}\nawait atlas.getOrgInvite({ orgId, invitationId });\nvoid atlas.\n`;
/** The call options, named in a method's call, for what their hover says. */
const CALL_OPTIONS = `${PRELUDE}
await atlas.getOrgUser({ orgId, userId, timeout: 0, signal: AbortSignal.timeout(5_000) });
`;
/** Results of the user operations, whose types are intersections in the generated schema. */
const RESULTS = `${PRELUDE}
export const orgUser = await atlas.getOrgUser({ orgId, userId });
export const groupUser = await atlas.getGroupUser({ groupId, userId });
export const enveloped = await atlas.getOrgUser({ orgId, userId, envelope: true });
export const page = await atlas.listOrgUsers({ orgId });
export const row = page.results[0];
export const listed = await atlas.listGroupUsers({ groupId, envelope: true });
export const orgUsers = atlas.paginate("listOrgUsers", { orgId });
export const groupUsers = atlas.paginate("listGroupUsers", { groupId });
export const orgInvite = await atlas.getOrgInvite({ orgId, invitationId });
export const groupInvite = await atlas.updateGroupInviteById({ groupId, invitationId, body: {} });
export const invitesEnvelope = await atlas.updateGroupInvites({
  groupId,
  body: { username: "ana@example.com" },
  envelope: true,
});
`;

/**
 * Under `strict: false` (no strictNullChecks), `null` is assignable to every type, so a check
 * such as `pageSize extends number` holds for every operation. These calls must be judged as
 * under `strict`: only list operations page.
 */
const LOOSE_ACCEPTED = `${PRELUDE}
// Each item is a user (a never or an any item would fail one of the two lines).
for await (const user of atlas.paginate("listOrgUsers", { orgId })) {
  const name: string = user.username;
  // @ts-expect-error an organization user has no groupName
  void [name, user.groupName];
}
for await (const user of atlas.paginate("listGroupUsers", { groupId })) {
  const name: string = user.username;
  // @ts-expect-error a project user has no teamIds
  void [name, user.teamIds];
}
`;
const LOOSE_REFUSED: Record<string, string> = {
  "loose-paginate-get.ts": 'void atlas.paginate("getOrgInvite", { orgId, invitationId });',
  "loose-paginate-update.ts":
    'void atlas.paginate("updateOrgUser", { orgId, userId, body: { teamIds: [] } });',
};

let dir: string;
let result: ReturnType<typeof typeCheck>;
let loose: ReturnType<typeof typeCheck>;
let service: ts.LanguageService;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  await mkdir(path.join(ROOT, ".tmp"), { recursive: true });
  dir = await mkdtemp(path.join(ROOT, ".tmp", "method-types-"));
  await writeConsumerTsconfig(dir);
  await writeFile(file("accepted.ts"), ACCEPTED);
  await writeFile(file("accepted-inputs.ts"), ACCEPTED_INPUTS);
  await writeFile(file("fake-options.ts"), FAKE_OPTIONS);
  await writeFile(file("wrapped-strategy.ts"), WRAPPED_STRATEGY);
  await writeFile(file("fake-scheme.ts"), FAKE_SCHEME);
  await writeFile(file("mentions.ts"), MENTIONS);
  await writeFile(file("results.ts"), RESULTS);
  await writeFile(file("parameter-mentions.ts"), PARAMETER_MENTIONS);
  await writeFile(file("hover.ts"), HOVER.replace("void atlas.\n", "void atlas.getOrgInvite;\n"));
  await writeFile(file("call-options.ts"), CALL_OPTIONS);
  for (const [name, { code }] of Object.entries(REFUSED)) {
    await writeFile(file(name), `${PRELUDE}\n${code}\n`);
  }
  result = typeCheck(dir);

  const looseDir = path.join(dir, "loose");
  await mkdir(looseDir);
  await writeConsumerTsconfig(looseDir, {
    strict: false,
    exactOptionalPropertyTypes: false,
    noUncheckedIndexedAccess: false,
  });
  await writeFile(path.join(looseDir, "accepted.ts"), LOOSE_ACCEPTED);
  for (const [name, code] of Object.entries(LOOSE_REFUSED)) {
    await writeFile(path.join(looseDir, name), `${PRELUDE}\n${code}\n`);
  }
  loose = typeCheck(looseDir);

  const parsed = ts.getParsedCommandLineOfConfigFile(file("tsconfig.json"), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  })!;
  service = ts.createLanguageService({
    getScriptFileNames: () => parsed.fileNames,
    getScriptVersion: () => "1",
    getScriptSnapshot: (name) => {
      const text = ts.sys.readFile(name);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => dir,
    getCompilationSettings: () => parsed.options,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (name) => ts.sys.fileExists(name),
    readFile: (name) => ts.sys.readFile(name),
    readDirectory: (...args) => ts.sys.readDirectory(...args),
    directoryExists: (name) => ts.sys.directoryExists(name),
    getDirectories: (name) => ts.sys.getDirectories(name),
  });
}, 120_000);

afterAll(async () => {
  service?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("method inputs under exactOptionalPropertyTypes", () => {
  it("take undefined for optional query parameters and for envelope", () => {
    expect(result.errors.get("accepted.ts") ?? []).toEqual([]);
  });

  it("take readonly arrays, and undefined for optional body fields", () => {
    expect(result.errors.get("accepted-inputs.ts") ?? []).toEqual([]);
  });

  it("leave every option of the fake Atlas to take undefined, as its defaults do", () => {
    expect(result.errors.get("fake-options.ts") ?? []).toEqual([]);
  });

  it("take a scheme of the fake's whose optional members and check fields are undefined", () => {
    expect(result.errors.get("fake-scheme.ts") ?? []).toEqual([]);
  });

  it("take a strategy's session whose optional members are undefined, as a wrapper passes them", () => {
    expect(result.errors.get("wrapped-strategy.ts") ?? []).toEqual([]);
  });

  it.each(Object.entries(REFUSED))("refuse %s with one error naming the problem", (name, c) => {
    const errors = result.errors.get(name) ?? [];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(c.error);
    // One signature per method: the error is about the call, not a list of overloads.
    expect(errors[0]).not.toMatch(/No overload matches/);
  });

  it("leave no other file with errors", () => {
    const others = [...result.errors.keys()].filter((f) => !Object.hasOwn(REFUSED, f));
    expect(others).toEqual([]);
    expect(result.status).not.toBe(0);
  });
});

describe("method inputs under strict: false", () => {
  it("page list operations, item by item", () => {
    expect(loose.errors.get("accepted.ts") ?? []).toEqual([]);
  });

  it.each(Object.keys(LOOSE_REFUSED))("refuse %s: only a list operation pages", (name) => {
    const errors = loose.errors.get(name) ?? [];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/ is not assignable to parameter of type 'ListOperationId'/);
  });
});

describe("what an editor shows", () => {
  it("underlines a paginate envelope and points to the note that paginate takes none", async () => {
    const text = await readFile(file("paginate-envelope.ts"), "utf8");
    const [error, ...more] = service.getSemanticDiagnostics(file("paginate-envelope.ts"));
    expect(more).toEqual([]);
    expect(text.slice(error!.start, error!.start! + error!.length!)).toBe("envelope");
    const [declared] = error!.relatedInformation ?? [];
    expect(ts.flattenDiagnosticMessageText(declared!.messageText, "\n")).toBe(
      `The expected type comes from property 'envelope' which is declared here on type 'PaginateInput<"listOrgUsers">'`,
    );
    const source = declared!.file!.text;
    const line = source.lastIndexOf("\n", declared!.start);
    expect(source.slice(source.lastIndexOf("\n", line - 1) + 1, line)).toMatch(
      /Not taken: paginate reads each page's results itself/,
    );
  });

  it("marks exactly the operations the spec deprecates as deprecated", async () => {
    const text = await readFile(file("mentions.ts"), "utf8");
    const marked = service
      .getSuggestionDiagnostics(file("mentions.ts"))
      .filter((d) => d.reportsDeprecated)
      .map((d) => text.slice(d.start, d.start + d.length))
      .sort();
    const deprecated = OPERATION_IDS.filter((id) => operations[id].deprecated);
    expect(marked).toEqual([...deprecated].sort());
    expect(marked).toEqual([
      "getOrgInvite",
      "updateGroupInviteById",
      "updateGroupInvites",
      "updateOrgInviteById",
    ]);
  });

  it("marks exactly the query parameters the spec deprecates as deprecated", async () => {
    // listOrgUsers and listGroupUsers still take the single-value orgMembershipStatus, which the
    // spec (like upstream) marks deprecated in favour of orgMembershipStatuses. An editor shows
    // the mark on hover and strikes the name through in completions.
    const text = await readFile(file("parameter-mentions.ts"), "utf8");
    const marked: string[] = [];
    for (const call of text.matchAll(/atlas\.(\w+)\(\{(.*)\}\);/g)) {
      for (const key of call[2]!.matchAll(/(\w+):/g)) {
        const at = call.index + call[0].indexOf(call[2]!) + key.index;
        const info = service.getQuickInfoAtPosition(file("parameter-mentions.ts"), at);
        expect(info, `${call[1]}.${key[1]}`).toBeDefined();
        if (info?.tags?.some((t) => t.name === "deprecated")) marked.push(`${call[1]}.${key[1]}`);
      }
    }
    expect(marked.sort()).toEqual([
      "listGroupUsers.orgMembershipStatus",
      "listOrgUsers.orgMembershipStatus",
    ]);
  });

  it.each(OPERATION_IDS)(
    "documents %s with its route, the role it needs, and its sunset if deprecated",
    async (id) => {
      const text = await readFile(file("mentions.ts"), "utf8");
      const info = service.getQuickInfoAtPosition(file("mentions.ts"), text.indexOf(`.${id};`) + 1);
      const op = operations[id];
      const docs = ts.displayPartsToString(info?.documentation);
      expect(docs).toContain(`\`${op.method} ${op.path}\``);
      // MongoDB's reference names a role for each of them (x-rolesRequirements).
      const { roles } = operationDetails[id];
      const needs = `Needs credentials that hold the ${roles.join(" role or the ")} role.`;
      if (roles.length > 0) expect(docs.replace(/\s+/g, " ")).toContain(needs);
      else expect(docs).not.toContain("Needs credentials");
      const tag = info?.tags?.find((t) => t.name === "deprecated");
      if (op.deprecated) {
        const said = ts.displayPartsToString(tag?.text).replace(/\s+/g, " ");
        expect(said).toContain(op.sunset);
        expect(said).toContain(op.replacement);
      } else {
        expect(tag).toBeUndefined();
      }
    },
  );

  it("shows one @example for each method and paginate, and every example compiles", async () => {
    const text = await readFile(file("mentions.ts"), "utf8");
    const examplesDir = path.join(dir, "examples");
    await mkdir(examplesDir);
    await writeConsumerTsconfig(examplesDir);
    for (const name of [...OPERATION_IDS, "paginate"]) {
      const at = text.indexOf(`.${name};`) + 1;
      const info = service.getQuickInfoAtPosition(file("mentions.ts"), at);
      const examples = (info?.tags ?? [])
        .filter((tag) => tag.name === "example")
        .map((tag) => ts.displayPartsToString(tag.text));
      expect(examples, name).toHaveLength(1);
      const code = examples[0]!;
      expect(code, name).toContain(`atlas.${name}(`);
      // A fragment (paginate's) uses a client it does not create: declare one for it.
      const client = /^import /m.test(code)
        ? ""
        : 'import type { AtlasInvites } from "atlas-invites";\ndeclare const atlas: AtlasInvites;\n';
      await writeFile(path.join(examplesDir, `${name}.ts`), `${client}${code}\nexport {};\n`);
    }
    const checked = typeCheck(examplesDir);
    expect(Object.fromEntries(checked.errors)).toEqual({});
    expect(checked.status).toBe(0);
  }, 60_000);

  it("says on a call's timeout what 0 does and how high it goes, as the client option does", async () => {
    const text = await readFile(file("call-options.ts"), "utf8");
    const info = service.getQuickInfoAtPosition(file("call-options.ts"), text.indexOf("timeout:"));
    const docs = ts.displayPartsToString(info?.documentation).replace(/\s+/g, " ");
    expect(docs).toContain("0 turns it off");
    expect(docs).toContain("at most 2147483647");
  });

  it("names a user operation's result by its type instead of spelling out the schema", async () => {
    const text = await readFile(file("results.ts"), "utf8");
    const hover = (name: string) =>
      ts.displayPartsToString(
        service.getQuickInfoAtPosition(file("results.ts"), text.indexOf(`${name} =`))?.displayParts,
      );
    expect(hover("orgUser")).toBe("const orgUser: OrgUser");
    expect(hover("groupUser")).toBe("const groupUser: GroupUser");
    expect(hover("enveloped")).toBe("const enveloped: Envelope<OrgUser>");
  });

  it("names a list's page and its items by their types, paginate's items too", async () => {
    const text = await readFile(file("results.ts"), "utf8");
    const hover = (name: string) =>
      ts.displayPartsToString(
        service.getQuickInfoAtPosition(file("results.ts"), text.indexOf(`${name} =`))?.displayParts,
      );
    expect(hover("page")).toBe("const page: PaginatedOrgUserView");
    expect(hover("row")).toBe("const row: OrgUser | undefined");
    expect(hover("listed")).toBe("const listed: ListEnvelope<PaginatedGroupUserView>");
    expect(hover("orgUsers")).toBe("const orgUsers: AsyncIterable<OrgUser>");
    expect(hover("groupUsers")).toBe("const groupUsers: AsyncIterable<GroupUser>");
  });

  it("names an invitation operation's result by its type too", async () => {
    const text = await readFile(file("results.ts"), "utf8");
    const hover = (name: string) =>
      ts.displayPartsToString(
        service.getQuickInfoAtPosition(file("results.ts"), text.indexOf(`${name} =`))?.displayParts,
      );
    expect(hover("orgInvite")).toBe("const orgInvite: OrganizationInvitation");
    expect(hover("groupInvite")).toBe("const groupInvite: GroupInvitation");
    expect(hover("invitesEnvelope")).toBe("const invitesEnvelope: Envelope<GroupInvitation>");
  });

  it("names the input type at a call, and the result type in the method's declaration", async () => {
    const text = await readFile(file("hover.ts"), "utf8");
    const call = text.indexOf("getOrgInvite({");
    const hover = ts.displayPartsToString(
      service.getQuickInfoAtPosition(file("hover.ts"), call)?.displayParts,
    );
    expect(hover).toContain("getOrgInvite: <false>(input: GetOrgInviteInput & {");

    const entry = service.getCompletionEntryDetails(
      file("hover.ts"),
      text.indexOf("void atlas.getOrgInvite;") + "void atlas.".length,
      "getOrgInvite",
      undefined,
      undefined,
      undefined,
      undefined,
    );
    expect(ts.displayPartsToString(entry?.displayParts)).toContain(
      "(input: GetOrgInviteInput & EnvelopeOption<E>) => Promise<Enveloped<OrganizationInvitation, E>>",
    );
  });
});
