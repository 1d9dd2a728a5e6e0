// Bad input is refused before the wire: every case below must fail with AtlasValidationError that
// names the field and the rule, and neither the fetch nor the fake Atlas may see a request.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AtlasValidationError,
  createAtlasInvites,
  operations,
  type AtlasInvites,
  type OperationId,
} from "../src/index.js";
import { startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";
import {
  BAD_BODIES,
  BAD_IDS,
  BAD_SHAPES,
  OTHER_ID,
  VALID_ID,
  validInput,
} from "./helpers/bad-input.js";
import { countingFetch, newCounts, rejection, writeCounts } from "./helpers/reliability.js";

let fake: FakeAtlas;
let atlas: AtlasInvites;
const spy = countingFetch();
const counts = newCounts();

beforeAll(async () => {
  fake = await startFakeAtlas();
  atlas = createAtlasInvites({
    auth: { type: "accessToken", token: fake.credentials.accessToken },
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

describe("path parameters are checked against the spec's patterns", () => {
  const cases = Object.values(operations).flatMap((op) =>
    op.pathParams.flatMap((param) =>
      BAD_IDS.map(
        ([label, value]) => [op.operationId, param.name, param.pattern, label, value] as const,
      ),
    ),
  );

  it.each(cases)("%s refuses %s as %s", async (id, name, pattern, _label, value) => {
    counts.inputsTried++;
    const err = await rejection(method(id)({ ...validInput(id), [name]: value }));
    expect(err).toBeInstanceOf(AtlasValidationError);
    const violations = (err as AtlasValidationError).violations;
    expect(violations).toHaveLength(1);
    expect(violations[0]!.path).toBe(name);
    expect(["type", "pattern"]).toContain(violations[0]!.rule);
    expect(err.message).toContain(`${name} must`);
    // The rule comes from the generated table, which comes from the spec.
    expect(err.message).toContain(pattern);
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
    expect(err.message).toContain("invitationId must match");
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

describe("call shapes a JavaScript caller can get wrong", () => {
  it.each(BAD_SHAPES)("refuses %s", async (_label, id, input, message) => {
    counts.inputsTried++;
    const err = await rejection(method(id)(input));
    expect(err).toBeInstanceOf(AtlasValidationError);
    expect(err.message).toMatch(message);
    expect(spy.calls).toBe(0);
    expect(fake.requests).toHaveLength(0);
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
