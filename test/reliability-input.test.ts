// Bad input is refused before the wire: every case below must fail with AtlasValidationError that
// names the field and the rule, and neither the fetch nor the fake Atlas may see a request.
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { operations } from "../generated/operations.js";
import {
  accessToken,
  AtlasValidationError,
  createAtlasInvites,
  type AtlasInvites,
  type OperationId,
} from "../src/index.js";
import { startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";
import {
  BAD_BODIES,
  BAD_IDS,
  BAD_SHAPES,
  ID_RULES,
  OTHER_ID,
  VALID_ID,
  validInput,
} from "./helpers/bad-input.js";
import { countingFetch, newCounts, rejection, writeCounts } from "./helpers/reliability.js";
import { json, stubFetch } from "./helpers/stub-fetch.js";

let fake: FakeAtlas;
let atlas: AtlasInvites;
const spy = countingFetch();
const counts = newCounts();

beforeAll(async () => {
  fake = await startFakeAtlas();
  atlas = createAtlasInvites({
    auth: accessToken({ token: fake.credentials.accessToken }),
    baseUrl: fake.url,
    fetch: spy,
    onDeprecation: false,
  });
});
afterEach(() => {
  counts.requestsWronglySent += spy.calls + fake.requests.length;
  counts.scenarios++;
  spy.calls = 0;
  fake.requests.length = 0;
});
afterAll(async () => {
  writeCounts("reliability-input", counts);
  await atlas.close();
  await fake.close();
});

type Call = (input: unknown) => Promise<unknown>;
const method = (id: OperationId): Call => (atlas as unknown as Record<OperationId, Call>)[id];

type Parameter = { $ref?: string; name?: string; in?: string; schema?: { pattern?: string } };
type SpecOperation = { operationId?: string; parameters?: Parameter[] };
const spec = JSON.parse(
  readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8"),
) as {
  paths: Record<string, { parameters?: Parameter[]; [method: string]: unknown }>;
  components: { parameters: Record<string, Parameter> };
};

const resolve = (entry: Parameter): Parameter =>
  entry.$ref ? spec.components.parameters[entry.$ref.split("/").pop()!]! : entry;

/** The pattern the spec gives a path parameter, read from the spec itself. */
function patternOf(path: string, name: string): string {
  for (const entry of spec.paths[path]?.parameters ?? []) {
    const param = resolve(entry);
    if (param.in === "path" && param.name === name && param.schema?.pattern) {
      return param.schema.pattern;
    }
  }
  throw new Error(`the spec gives ${path} no pattern for ${name}`);
}

/** "operationId name" for each path parameter of each operation the spec declares. */
function specPathParameters(): string[] {
  const found: string[] = [];
  for (const item of Object.values(spec.paths)) {
    for (const [key, value] of Object.entries(item)) {
      const op = value as SpecOperation;
      if (key === "parameters" || op.operationId === undefined) continue;
      for (const entry of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        const param = resolve(entry);
        if (param.in === "path") found.push(`${op.operationId} ${param.name}`);
      }
    }
  }
  return found.sort();
}

describe("path parameters are checked against the spec's patterns", () => {
  const cases = Object.values(operations).flatMap((op) =>
    op.pathParams.flatMap((name: string) =>
      BAD_IDS.map(
        ([label, value]) => [op.operationId, name, patternOf(op.path, name), label, value] as const,
      ),
    ),
  );

  it("covers every path parameter of every operation", () => {
    // The cases come from the generated table; the spec says which parameters there must be.
    const params = specPathParameters();
    // The eleven operations have 19 path parameters between them.
    expect(params.length).toBeGreaterThanOrEqual(19);
    expect(cases).toHaveLength(params.length * BAD_IDS.length);
    expect([...new Set(cases.map(([id, name]) => `${id} ${name}`))].sort()).toEqual(params);
  });

  it.each(cases)("%s refuses %s as %s", async (id, name, pattern, _label, value) => {
    counts.inputsTried++;
    const err = await rejection(method(id)({ ...validInput(id), [name]: value }));
    expect(err).toBeInstanceOf(AtlasValidationError);
    const violations = (err as AtlasValidationError).violations;
    expect(violations).toHaveLength(1);
    const [violation] = violations;
    expect(violation!.path).toBe(name);
    expect(ID_RULES).toContain(violation!.rule);
    expect(err.message).toContain(`${name}: `);
    // A string is held against the pattern, which comes from the spec.
    if (violation!.rule === "pattern") expect(err.message).toContain(pattern);
    if (violation!.rule === "type") expect(err.message).toContain(`${name}: expected a string`);
    if (violation!.rule === "required") expect(value).toBeUndefined();
    expect(err.message).toContain("nothing was sent");
    // One line, with no control or invisible formatting character a terminal would act on.
    expect(err.message).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    expect(spy.calls).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("reports every bad parameter of one call at once", async () => {
    counts.inputsTried++;
    const err = await rejection(method("getOrgInvite")({ orgId: "../x", invitationId: null }));
    expect((err as AtlasValidationError).violations.map((v) => [v.path, v.rule])).toEqual([
      ["orgId", "pattern"],
      ["invitationId", "type"],
    ]);
    expect(spy.calls).toBe(0);
  });

  it("refuses a bad id given to atlas.client directly", async () => {
    counts.inputsTried++;
    const err = await rejection(
      atlas.client.GET("/api/atlas/v2/orgs/{orgId}/invites/{invitationId}", {
        params: { path: { orgId: VALID_ID, invitationId: "%2F..%2F" } },
      }),
    );
    expect(err).toBeInstanceOf(AtlasValidationError);
    expect(err.message).toContain(
      'invitationId: "%2F..%2F" does not match the pattern ^([a-f0-9]{24})$',
    );
    expect(spy.calls).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("request bodies are checked against the spec's schemas", () => {
  it.each(BAD_BODIES)("%s refuses %s", async (id, _label, body, expected) => {
    counts.inputsTried++;
    const err = await rejection(method(id)({ ...validInput(id), body }));
    expect(err).toBeInstanceOf(AtlasValidationError);
    const violations = (err as AtlasValidationError).violations;
    expect(violations.map((v) => [v.path, v.rule])).toEqual(expected);
    // The message lists every violation, in one line.
    for (const v of violations) expect(err.message).toContain(v.message);
    expect(err.message).not.toMatch(/[\r\n]/);
    expect(spy.calls).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses a bad body given to atlas.client directly", async () => {
    counts.inputsTried++;
    const err = await rejection(
      atlas.client.PATCH("/api/atlas/v2/orgs/{orgId}/invites/{invitationId}", {
        params: { path: { orgId: VALID_ID, invitationId: OTHER_ID } },
        body: { roles: ["ORG_ADMIN"] } as never,
      }),
    );
    expect(err).toBeInstanceOf(AtlasValidationError);
    expect((err as AtlasValidationError).violations[0]!.rule).toBe("enum");
    expect(spy.calls).toBe(0);
  });

  it("turns a throwing getter into a violation instead of a crash", async () => {
    counts.inputsTried++;
    const body = {
      get roles(): string[] {
        throw new Error("getter blew up");
      },
    };
    const err = await rejection(
      method("updateGroupInviteById")({ ...validInput("updateGroupInviteById"), body }),
    );
    expect(err).toBeInstanceOf(AtlasValidationError);
    expect((err as AtlasValidationError).violations.map((v) => v.rule)).toEqual(["unreadable"]);
    expect(spy.calls).toBe(0);
  });
});

describe("a huge bad input", () => {
  it("stops after 50 violations, and the message lists ten of them", async () => {
    counts.inputsTried++;
    const roles = Array.from({ length: 10_000 }, (_, i) => `ROLE_${i}`);
    const started = performance.now();
    const err = await rejection(
      method("updateOrgInviteById")({ ...validInput("updateOrgInviteById"), body: { roles } }),
    );
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(AtlasValidationError);
    const violations = (err as AtlasValidationError).violations;
    expect(violations).toHaveLength(51);
    expect(violations.slice(0, 50).every((v) => v.rule === "enum")).toBe(true);
    expect(violations[49]!.path).toBe("body.roles[49]");
    expect(violations[50]).toEqual({
      path: "",
      rule: "unreadable",
      message: "stopped after 50 violations; there may be more",
    });
    expect(err.message).toContain("body.roles[9]: ");
    expect(err.message).not.toContain("body.roles[10]: ");
    expect(err.message).toMatch(/; and 41 more$/);
    // Generous: proves the check does not walk all ten thousand items into messages.
    expect(elapsed).toBeLessThan(5_000);
    expect(spy.calls).toBe(0);
  });
});

describe("call shapes a JavaScript caller can get wrong", () => {
  it.each(BAD_SHAPES)("refuses %s", async (_label, id, input, message) => {
    counts.inputsTried++;
    const err = await rejection(method(id)(input));
    expect(err).toBeInstanceOf(AtlasValidationError);
    expect(err.message).toMatch(message);
    // Code that prints err.violations (as the README does) has something to print.
    const { violations } = err as AtlasValidationError;
    expect(violations.length).toBeGreaterThan(0);
    for (const v of violations) expect(v.message.startsWith(`${v.path || "value"}: `)).toBe(true);
    expect(spy.calls).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("refusals of a whole call carry the violation that names what is wrong", () => {
  /** What a call threw, synchronously (paginate) or as a rejection (a method). */
  async function thrown(run: () => unknown): Promise<unknown> {
    try {
      await run();
    } catch (error) {
      return error;
    }
    throw new Error("the call did not throw");
  }
  /** paginate as JavaScript may call it, with anything for either argument. */
  const paginate = (id: unknown, input: unknown) =>
    (atlas.paginate as (id: unknown, input: unknown) => AsyncIterable<unknown>)(id, input);
  const LISTS = "listGroupUsers, listOrgUsers";
  it.each<[string, () => unknown, string, string, RegExp]>([
    [
      "a method called with no argument",
      () => method("getOrgUser")(undefined),
      "",
      "type",
      /^value: expected an object with the parameters of getOrgUser \(orgId, userId\), got undefined$/,
    ],
    [
      "a method called with a string",
      () => method("getGroupUser")(VALID_ID),
      "",
      "type",
      /^value: expected an object with the parameters of getGroupUser \(groupId, userId\), got a string$/,
    ],
    [
      "paginate over an operation that does not page",
      () => paginate("getOrgUser", { orgId: VALID_ID }),
      "operationId",
      "enum",
      new RegExp(`^operationId: "getOrgUser" is not one of ${LISTS}$`),
    ],
    [
      "paginate over a name inherited from Object.prototype",
      () => paginate("toString", { orgId: VALID_ID }),
      "operationId",
      "enum",
      new RegExp(`^operationId: "toString" is not one of ${LISTS}$`),
    ],
    [
      "paginate with no argument",
      () => paginate("listOrgUsers", undefined),
      "",
      "type",
      /^value: expected an object with the parameters of listOrgUsers \(orgId\), got undefined$/,
    ],
    [
      "paginate with envelope",
      () => paginate("listOrgUsers", { orgId: VALID_ID, envelope: true }),
      "envelope",
      "unknownParameter",
      /^envelope: is not a parameter of paginate, which reads each page's results itself$/,
    ],
    [
      "atlas.client with a path the spec does not have",
      () => atlas.client.GET("/api/atlas/v2/orgs/{orgId}/teams" as never, {} as never),
      "url",
      "enum",
      /^url: GET \/api\/atlas\/v2\/orgs\/\{orgId\}\/teams is not an operation of the spec$/,
    ],
  ])("%s", async (_label, run, path, rule, message) => {
    counts.inputsTried++;
    const err = await thrown(run);
    expect(err).toBeInstanceOf(AtlasValidationError);
    const { violations } = err as AtlasValidationError;
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ path, rule });
    expect(violations[0]!.message).toMatch(message);
    expect(spy.calls).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("text a URL cannot carry is refused, not altered", () => {
  // A lone surrogate has no UTF-8 form, so encodeURIComponent throws on it; the serializer then
  // sends U+FFFD in its place, which is another value than the one given.
  it.each([
    ["username", "ana\uD800@example.com"],
    ["orgMembershipStatus", "\uDC00PENDING"],
  ])("listOrgUsers refuses a lone surrogate in %s", async (name, value) => {
    counts.inputsTried++;
    const err = await rejection(method("listOrgUsers")({ orgId: VALID_ID, [name]: value }));
    expect(err).toBeInstanceOf(AtlasValidationError);
    expect((err as AtlasValidationError).violations).toMatchObject([
      { path: name, rule: "format" },
    ]);
    expect(err.message).toContain(`${name}: `);
    expect(err.message).toContain("lone surrogate");
    expect(spy.calls).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  // A query list goes into the URL once per item (style form, explode), so an empty one sent
  // nothing, and Atlas answered as if the filter were left out: with ACTIVE and PENDING users.
  it.each(["listOrgUsers", "listGroupUsers", "getOrgUser", "getGroupUser"] as const)(
    "%s refuses an empty orgMembershipStatuses list",
    async (id) => {
      counts.inputsTried++;
      const ids = operations[id].pathParams.map((name): [string, string] => [name, VALID_ID]);
      const input = { ...Object.fromEntries(ids), orgMembershipStatuses: [] };
      const err = await rejection(method(id)(input));
      expect(err).toBeInstanceOf(AtlasValidationError);
      expect((err as AtlasValidationError).violations).toEqual([
        {
          path: "orgMembershipStatuses",
          rule: "minItems",
          message: "orgMembershipStatuses: an empty list sends nothing, as if omitted",
        },
      ]);
      expect(spy.calls).toBe(0);
      expect(fake.requests).toHaveLength(0);
    },
  );

  it("a value with a surrogate pair is sent as given", async () => {
    counts.inputsTried++;
    const username = "\u{1F600}@example.com";
    await method("listOrgUsers")({ orgId: VALID_ID, username });
    expect(new URL(fake.requests[0]!.url, fake.url).searchParams.get("username")).toBe(username);
    spy.calls = 0;
    fake.requests.length = 0;
  });
});

describe("prototype keys neither smuggle parameters in nor slip past the checks", () => {
  // A stub answers here: with Object.prototype polluted, the fake Atlas (same process) would be
  // polluted too, and these tests are about what the client sends.
  const stub = stubFetch(() =>
    json(200, { results: [] }, { "Content-Type": "application/vnd.atlas.2025-02-19+json" }),
  );
  const client = createAtlasInvites({ auth: accessToken({ token: "t" }), fetch: stub });
  afterAll(() => client.close());

  /** The query of every request the stub was given, then forgotten. */
  function sentQueries(): string[] {
    return stub.calls.splice(0).map((call) => call.url.search);
  }

  /** Runs `body` with `name` set on Object.prototype, and always takes it away again. */
  async function withPolluted(name: string, value: unknown, body: () => Promise<void>) {
    Object.defineProperty(Object.prototype, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    try {
      await body();
    } finally {
      delete (Object.prototype as Record<string, unknown>)[name];
    }
  }

  it("an own __proto__ key (as JSON.parse makes one) is refused as a parameter, not followed", async () => {
    counts.inputsTried++;
    const input: unknown = JSON.parse(
      `{"orgId": "${VALID_ID}", "__proto__": {"pageNum": 0, "foo": "bar"}}`,
    );
    const err = await rejection(client.listOrgUsers(input as never));
    expect(err).toBeInstanceOf(AtlasValidationError);
    expect((err as AtlasValidationError).violations).toMatchObject([
      { path: "__proto__", rule: "unknownParameter" },
    ]);
    expect(err.message).toContain("__proto__: is not a parameter of listOrgUsers");
    expect(sentQueries()).toEqual([]);
  });

  it("a query name inherited from a polluted Object.prototype is not sent by a method", async () => {
    counts.inputsTried++;
    await withPolluted("pageNum", 0, async () => {
      await client.listOrgUsers({ orgId: VALID_ID });
    });
    expect(sentQueries()).toEqual([""]);
  });

  it("nor by atlas.client, whose checks read own keys only", async () => {
    counts.inputsTried++;
    await withPolluted("itemsPerPage", 0, async () => {
      await client.client.GET("/api/atlas/v2/orgs/{orgId}/users", {
        params: { path: { orgId: VALID_ID }, query: {} },
      });
    });
    expect(sentQueries()).toEqual([""]);
  });

  it("a path parameter inherited from a polluted Object.prototype counts as missing", async () => {
    counts.inputsTried++;
    let err: Error | undefined;
    await withPolluted("orgId", "../../x", async () => {
      err = await rejection(
        client.client.GET("/api/atlas/v2/orgs/{orgId}/users", { params: { path: {} } } as never),
      );
    });
    expect(err).toBeInstanceOf(AtlasValidationError);
    expect((err as AtlasValidationError).violations).toMatchObject([
      { path: "orgId", rule: "required" },
    ]);
    expect(sentQueries()).toEqual([]);
  });

  it("a required body field inherited from a polluted Object.prototype counts as missing", async () => {
    // The body sent is the JSON text, which holds own fields only: an inherited username or
    // groupRole would pass the check and then be missing on the wire.
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        "username",
        () => client.updateGroupInvites({ groupId: VALID_ID, body: { roles: [] } } as never),
        "body.username",
      ],
      [
        "groupRole",
        () => client.addGroupUserRole({ ...validInput("addGroupUserRole"), body: {} } as never),
        "body.groupRole",
      ],
      [
        "orgRoles",
        () =>
          client.updateOrgUser({ ...validInput("updateOrgUser"), body: { roles: {} } } as never),
        "body.roles.orgRoles",
      ],
    ];
    for (const [name, call, path] of cases) {
      counts.inputsTried++;
      let err: Error | undefined;
      await withPolluted(
        name,
        name === "orgRoles" ? ["ORG_MEMBER"] : "ana@example.com",
        async () => {
          err = await rejection(call());
        },
      );
      expect(err, name).toBeInstanceOf(AtlasValidationError);
      expect((err as AtlasValidationError).violations, name).toMatchObject([
        { path, rule: "required" },
      ]);
    }
    expect(sentQueries()).toEqual([]);
  });
});

describe("the same client still sends valid input", () => {
  it("a valid call after all the refusals reaches the fake exactly once", async () => {
    counts.inputsTried++;
    const seeded = fake.invites.addOrgInvite();
    await method("getOrgInvite")({ orgId: seeded.orgId, invitationId: seeded.id });
    expect(spy.calls).toBe(1);
    expect(fake.requests).toHaveLength(1);
    // This one was meant to be sent; it does not count as wrongly sent.
    spy.calls = 0;
    fake.requests.length = 0;
  });
});
