// Property-based tests (fast-check): valid ids and bodies are sent exactly as given; invalid ones
// are refused with nothing sent. NUM_RUNS sets the cases per property (default 1000). Most
// properties use a recording stub fetch; two run over real HTTP against the fake Atlas.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullOperations as operations } from "./helpers/operation-table.js";
import {
  accessToken,
  AtlasValidationError,
  createAtlasInvites,
  KNOWN_PROJECT_ROLES,
  ORG_ROLES,
  type AtlasInvites,
  type OperationId,
} from "../src/index.js";
import { startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";
import { ID_RULES, validInput } from "./helpers/bad-input.js";
import { countingFetch, newCounts, writeCounts } from "./helpers/reliability.js";
import { stubFetch } from "./helpers/stub-fetch.js";

const NUM_RUNS = Number(process.env.NUM_RUNS ?? 1000);
if (!Number.isInteger(NUM_RUNS) || NUM_RUNS < 1) {
  throw new Error("NUM_RUNS must be a positive integer");
}
// CI must run the full count; a smaller NUM_RUNS is for quick local runs only.
if (process.env.CI && NUM_RUNS < 1000) throw new Error("NUM_RUNS below 1000 is not allowed in CI");

const counts = newCounts();
const timings: Record<string, { runs: number; ms: number }> = {};

/** Runs a property, records its runs and time, and fails the test with fast-check's report. */
async function check<T>(name: string, property: fc.IAsyncPropertyWithHooks<T>): Promise<void> {
  const started = performance.now();
  const result = await fc.check(property, { numRuns: NUM_RUNS });
  timings[name] = { runs: result.numRuns, ms: Math.round(performance.now() - started) };
  counts.propertyRuns += result.numRuns;
  counts.inputsTried += result.numRuns;
  counts.scenarios++;
  if (result.failed) throw new Error(fc.defaultReportMessage(result) ?? "property failed");
  expect(result.numRuns).toBe(NUM_RUNS);
}

// ---------------------------------------------------------------- the spec, read independently

type Schema = { properties?: Record<string, { readOnly?: boolean }> };
const spec = JSON.parse(
  readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8"),
) as {
  components: { schemas: Record<string, Schema> };
};
const props = (name: string) => Object.keys(spec.components.schemas[name]?.properties ?? {});

/** Fields of the returned resource that are read-only and not fields of the request body. */
function readOnlyFields(id: OperationId): string[] {
  const op = operations[id];
  const request = new Set(op.bodySchema ? props(op.bodySchema) : []);
  const resource = spec.components.schemas[op.responseSchema]?.properties ?? {};
  return Object.entries(resource)
    .filter(([name, p]) => p.readOnly === true && !request.has(name))
    .map(([name]) => name);
}

// ---------------------------------------------------------------- arbitraries

const HEX = [..."0123456789abcdef"];
const validId = fc.string({ unit: fc.constantFrom(...HEX), minLength: 24, maxLength: 24 });
/** The test's own oracle for the id rule, used only to filter random strings. */
const isValidId = (s: string) => /^[0-9a-f]{24}$/.test(s);

const orgRoles = fc.uniqueArray(fc.constantFrom(...ORG_ROLES), { maxLength: ORG_ROLES.length });
// ProjectRole is an open string: any text is a valid role name.
const projectRole = fc.oneof(
  fc.constantFrom(...KNOWN_PROJECT_ROLES),
  fc.string({ unit: "grapheme", maxLength: 30 }),
);
const projectRoles = fc.uniqueArray(projectRole, { maxLength: 5 });
const label = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-"),
  minLength: 1,
  maxLength: 10,
});
const email = fc
  .tuple(
    fc.string({
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789._+-"),
      minLength: 1,
      maxLength: 16,
    }),
    fc.array(label, { minLength: 1, maxLength: 3 }),
    fc.string({
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
      minLength: 2,
      maxLength: 6,
    }),
  )
  .map(([local, labels, tld]) => `${local}@${[...labels, tld].join(".")}`);

const bodies = {
  updateOrgInviteById: fc.record(
    {
      roles: orgRoles,
      // teamIds are plain strings; binary units include lone surrogates, which JSON.stringify
      // escapes, so the bytes on the wire must still equal JSON.stringify of the input.
      teamIds: fc.uniqueArray(fc.string({ unit: "binary", maxLength: 24 }), { maxLength: 4 }),
      groupRoleAssignments: fc.array(
        fc.record({ groupId: validId, roles: projectRoles }, { requiredKeys: [] }),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  ),
  // username picks the invitation, so the client requires it (the spec's x-client-required).
  updateGroupInvites: fc.record(
    { username: email, roles: projectRoles },
    { requiredKeys: ["username"] },
  ),
  updateGroupInviteById: fc.record({ roles: projectRoles }, { requiredKeys: [] }),
  updateOrgUser: fc.record(
    {
      roles: fc.record(
        {
          orgRoles: fc.uniqueArray(fc.constantFrom(...ORG_ROLES), {
            minLength: 1,
            maxLength: ORG_ROLES.length,
          }),
          groupRoleAssignments: fc.array(
            fc.record({ groupId: validId, groupRoles: projectRoles }, { requiredKeys: [] }),
            { maxLength: 3 },
          ),
        },
        { requiredKeys: ["orgRoles"] },
      ),
      teamIds: fc.uniqueArray(validId, { maxLength: 4 }),
    },
    { requiredKeys: [] },
  ),
  addGroupUserRole: fc.record({ groupRole: projectRole }),
  removeGroupUserRole: fc.record({ groupRole: projectRole }),
} as const;

type Body = Record<string, unknown>;

const invalidId: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !isValidId(s)),
  fc
    .tuple(
      validId,
      fc.nat(23),
      fc.constantFrom("A", "F", "g", "z", "/", "%", ".", " ", "\n", "é", "０", "\u0000", "🙂"),
    )
    .map(([id, i, c]) => id.slice(0, i) + c + id.slice(i + 1)),
  validId.map((id) => id.slice(0, 23)),
  fc.tuple(validId, fc.constantFrom(...HEX)).map(([id, c]) => id + c),
  validId.map((id) => id.toUpperCase()).filter((id) => !isValidId(id)),
  fc.constantFrom(null, undefined, "", "../x", "%2F", NaN),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.object(),
  fc.array(validId, { minLength: 1, maxLength: 2 }),
);

/** A way to spoil a valid body, and the violation it must produce. */
interface Defect {
  apply(body: Body): unknown;
  path: string;
  rule: string;
}

const nonArray = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.object());
const nonString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.object(),
  fc.array(fc.nat()),
);
const key = fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,15}$/);

function defects(id: (typeof DEFECT_OPS)[number]): fc.Arbitrary<Defect> {
  const op = operations[id];
  const known = new Set([...props(op.bodySchema), ...readOnlyFields(id)]);
  const options: fc.Arbitrary<Defect>[] = [
    fc
      .tuple(
        key.filter((k) => !known.has(k)),
        fc.jsonValue(),
      )
      .map(([k, v]) => ({
        apply: (b: Body) => ({ ...b, [k]: v }),
        path: `body.${k}`,
        rule: "unknownField",
      })),
    fc.tuple(fc.constantFrom(...readOnlyFields(id)), fc.jsonValue()).map(([k, v]) => ({
      apply: (b: Body) => ({ ...b, [k]: v }),
      path: `body.${k}`,
      rule: "readOnly",
    })),
    nonArray.map((v) => ({
      apply: (b: Body) => ({ ...b, roles: v }),
      path: "body.roles",
      rule: "type",
    })),
    nonString.map((v) => ({
      apply: (b: Body) => ({ ...b, roles: [...((b.roles as unknown[]) ?? []), v] }),
      path: "",
      rule: "type",
    })),
    fc.nat().map((n) => ({
      apply: (b: Body) => {
        const roles = (b.roles as unknown[] | undefined) ?? [];
        const base =
          roles.length > 0 ? roles : [id === "updateOrgInviteById" ? "ORG_MEMBER" : "GROUP_OWNER"];
        return { ...b, roles: [...base, base[n % base.length]] };
      },
      path: "",
      rule: "uniqueItems",
    })),
    fc
      .oneof(fc.array(fc.jsonValue()), fc.string(), fc.double(), fc.boolean(), fc.constant(null))
      .map((v) => ({
        apply: () => v,
        path: "body",
        rule: "type",
      })),
  ];
  if (id === "updateOrgInviteById") {
    options.push(
      fc
        .string()
        .filter((s) => !(ORG_ROLES as readonly string[]).includes(s))
        .map((s) => ({
          apply: (b: Body) => ({ ...b, roles: [...((b.roles as unknown[]) ?? []), s] }),
          path: "",
          rule: "enum",
        })),
      invalidId
        .filter((v) => typeof v === "string")
        .map((v) => ({
          apply: (b: Body) => ({ ...b, groupRoleAssignments: [{ groupId: v }] }),
          path: "body.groupRoleAssignments[0].groupId",
          rule: "pattern",
        })),
    );
  }
  if (id === "updateGroupInvites") {
    options.push(
      fc
        .string()
        .filter((s) => !s.includes("@"))
        .map((s) => ({
          apply: (b: Body) => ({ ...b, username: s }),
          path: "body.username",
          rule: "format",
        })),
      fc.constant({
        apply: ({ username: _picked, ...rest }: Body) => rest,
        path: "body.username",
        rule: "required",
      }),
    );
  }
  return fc.oneof(...options);
}

// ---------------------------------------------------------------- a recording stub fetch

const REPLY = JSON.stringify({ id: "5f1a7b3c9d2e4f6a8b0c1d2e", roles: ["ORG_MEMBER"] });
const stub = stubFetch(
  () =>
    new Response(REPLY, {
      status: 200,
      headers: { "Content-Type": "application/vnd.atlas.2023-01-01+json" },
    }),
);
const sent = stub.calls;
const stubbed = createAtlasInvites({
  auth: accessToken({ token: "property-token" }),
  baseUrl: "https://cloud.mongodb.com",
  fetch: stub,
  onDeprecation: false,
});
type Call = (input: unknown) => Promise<unknown>;
const call = (atlas: AtlasInvites, id: OperationId): Call =>
  (atlas as unknown as Record<OperationId, Call>)[id];

/** Calls the method and returns the AtlasValidationError it must refuse the input with. */
async function refusal(
  atlas: AtlasInvites,
  id: OperationId,
  input: Record<string, unknown>,
): Promise<AtlasValidationError> {
  const err = await call(
    atlas,
    id,
  )(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AtlasValidationError);
  return err as AtlasValidationError;
}

function expectedPath(id: OperationId, params: Record<string, unknown>): string {
  return operations[id].path.replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name]));
}

/** The operations that take a body. */
const BODY_OPS = [
  "updateOrgInviteById",
  "updateGroupInvites",
  "updateGroupInviteById",
  "updateOrgUser",
  "addGroupUserRole",
  "removeGroupUserRole",
] as const;
/** The invitation bodies, whose defects `defects` knows how to make. */
const DEFECT_OPS = ["updateOrgInviteById", "updateGroupInvites", "updateGroupInviteById"] as const;
const flags = fc.record({ envelope: fc.boolean(), pretty: fc.boolean() }, { requiredKeys: [] });

describe("valid input is sent exactly as given (stub fetch)", () => {
  it("getOrgInvite: any pair of valid ids", async () => {
    await check(
      "getOrgInvite valid ids",
      fc.asyncProperty(
        validId,
        validId,
        fc.option(fc.boolean(), { nil: undefined }),
        async (orgId, invitationId, envelope) => {
          sent.length = 0;
          await call(
            stubbed,
            "getOrgInvite",
          )({ orgId, invitationId, ...(envelope !== undefined && { envelope }) });
          expect(sent).toHaveLength(1);
          expect(sent[0]!.method).toBe("GET");
          expect(sent[0]!.url.pathname).toBe(`/api/atlas/v2/orgs/${orgId}/invites/${invitationId}`);
          expect(sent[0]!.url.search).toBe(envelope === undefined ? "" : `?envelope=${envelope}`);
          expect(sent[0]!.body).toBeNull();
        },
      ),
    );
  });

  it("covers every operation that takes a body", () => {
    const withBody = Object.values(operations).filter((op) => op.body !== null);
    expect(withBody.map((op) => op.operationId).sort()).toEqual([...BODY_OPS].sort());
  });

  it.each(BODY_OPS)("%s: any valid ids and body", async (id) => {
    const op = operations[id];
    const params: readonly string[] = op.pathParams;
    const queryNames = new Set<string>(op.queryParams);
    await check(
      `${id} valid bodies`,
      fc.asyncProperty(
        fc.array(validId, { minLength: params.length, maxLength: params.length }),
        bodies[id] as fc.Arbitrary<Body>,
        flags,
        async (ids, body, query) => {
          sent.length = 0;
          const path = Object.fromEntries(params.map((name, i) => [name, ids[i]]));
          const usable = Object.fromEntries(
            Object.entries(query).filter(([k]) => queryNames.has(k)),
          );
          await call(stubbed, id)({ ...path, ...usable, body });
          expect(sent).toHaveLength(1);
          expect(sent[0]!.method).toBe(op.method);
          expect(sent[0]!.url.pathname).toBe(expectedPath(id, path));
          expect(Object.fromEntries(sent[0]!.url.searchParams)).toEqual(
            Object.fromEntries(Object.entries(usable).map(([k, v]) => [k, String(v)])),
          );
          expect(sent[0]!.body).toBe(JSON.stringify(body));
        },
      ),
    );
  });
});

describe("invalid input is refused with nothing sent (stub fetch)", () => {
  const ids = Object.keys(operations) as OperationId[];

  it("any invalid id in any path parameter", async () => {
    const arb = fc.constantFrom(...ids).chain((id) =>
      fc.record({
        id: fc.constant(id),
        spoiled: fc.constantFrom(...operations[id].pathParams),
        bad: invalidId,
      }),
    );
    await check(
      "invalid ids",
      fc.asyncProperty(arb, async ({ id, spoiled, bad }) => {
        sent.length = 0;
        const input: Record<string, unknown> = { ...validInput(id), [spoiled]: bad };
        const { violations } = await refusal(stubbed, id, input);
        expect(violations.map((v) => v.path)).toEqual([spoiled]);
        expect(ID_RULES).toContain(violations[0]!.rule);
        counts.requestsWronglySent += sent.length;
        expect(sent).toHaveLength(0);
      }),
    );
  });

  it.each(DEFECT_OPS)("%s: any valid body with a defect", async (id) => {
    const params = operations[id].pathParams;
    await check(
      `${id} invalid bodies`,
      fc.asyncProperty(bodies[id], defects(id), async (body, defect) => {
        sent.length = 0;
        const spoiled = defect.apply(body);
        const input: Record<string, unknown> = { body: spoiled };
        for (const name of params) input[name] = "4888442a3354817a7320eb61";
        const { violations } = await refusal(stubbed, id, input);
        // Defects on roles land at the index they were appended to.
        const roles = (spoiled as Body | null)?.roles;
        const path = defect.path || `body.roles[${(roles as unknown[]).length - 1}]`;
        expect(violations).toContainEqual(expect.objectContaining({ path, rule: defect.rule }));
        counts.requestsWronglySent += sent.length;
        expect(sent).toHaveLength(0);
      }),
    );
  });
});

describe("over real HTTP against the fake Atlas", () => {
  let fake: FakeAtlas;
  let atlas: AtlasInvites;
  const spy = countingFetch();

  beforeAll(async () => {
    fake = await startFakeAtlas({ rateLimit: 1_000_000_000 });
    atlas = createAtlasInvites({
      auth: accessToken({ token: fake.credentials.accessToken }),
      baseUrl: fake.url,
      fetch: spy,
      onDeprecation: false,
    });
  });
  afterAll(async () => {
    await atlas.close();
    await fake.close();
  });

  it("updateOrgInviteById: the fake receives each valid body byte for byte", async () => {
    await check(
      "updateOrgInviteById valid bodies over HTTP",
      fc.asyncProperty(bodies.updateOrgInviteById, async (body) => {
        fake.requests.length = 0;
        const seeded = fake.invites.addOrgInvite();
        const result = await atlas.updateOrgInviteById({
          orgId: seeded.orgId,
          invitationId: seeded.id,
          body,
        });
        expect(fake.requests).toHaveLength(1);
        expect(fake.requests[0]!.url).toBe(
          `/api/atlas/v2/orgs/${seeded.orgId}/invites/${seeded.id}`,
        );
        expect(fake.requests[0]!.body).toBe(JSON.stringify(body));
        expect(result.roles).toEqual(body.roles ?? seeded.roles);
      }),
    );
  });

  it("invalid ids and bodies never reach the fake", async () => {
    const arb = fc.oneof(
      invalidId.map((bad) => ({
        id: "getOrgInvite" as const,
        input: { orgId: bad, invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e" },
      })),
      fc
        .tuple(bodies.updateOrgInviteById, defects("updateOrgInviteById"))
        .map(([body, defect]) => ({
          id: "updateOrgInviteById" as const,
          input: {
            orgId: "4888442a3354817a7320eb61",
            invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e",
            body: defect.apply(body as Body),
          },
        })),
    );
    spy.calls = 0;
    fake.requests.length = 0;
    await check(
      "invalid input over HTTP",
      fc.asyncProperty(arb, async ({ id, input }) => {
        await refusal(atlas, id, input);
        counts.requestsWronglySent += spy.calls + fake.requests.length;
        expect(spy.calls).toBe(0);
        expect(fake.requests).toHaveLength(0);
      }),
    );
  });
});

afterAll(() => {
  counts.details = { numRunsPerProperty: NUM_RUNS, properties: timings };
  writeCounts("property", counts);
});
