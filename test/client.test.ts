import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AtlasApiError,
  AtlasValidationError,
  createAtlasInvites,
  isAtlasApiError,
  operations,
  type AtlasInvites,
} from "../src/index.js";
import { resetDeprecationWarnings } from "../src/deprecation.js";
import { startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";

let fake: FakeAtlas;
let atlas: AtlasInvites;

beforeAll(async () => {
  fake = await startFakeAtlas();
  atlas = createAtlasInvites({
    auth: { type: "accessToken", token: fake.credentials.accessToken },
    baseUrl: fake.url,
    onDeprecation: false,
  });
});
afterAll(async () => {
  await atlas.close();
  await fake.close();
});
afterEach(() => {
  fake.requests.length = 0;
  vi.restoreAllMocks();
});

describe("the four methods over real HTTP", () => {
  it("getOrgInvite returns the stored invitation", async () => {
    const seeded = fake.invites.addOrgInvite({ username: "ana@example.com", roles: ["ORG_OWNER"] });
    const invite = await atlas.getOrgInvite({ orgId: seeded.orgId!, invitationId: seeded.id! });
    expect(invite).toEqual(seeded);
    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.method).toBe("GET");
    expect(sent.url).toBe(`/api/atlas/v2/orgs/${seeded.orgId}/invites/${seeded.id}`);
    expect(sent.headers.accept).toBe("application/vnd.atlas.2023-01-01+json");
    expect(sent.headers["content-type"]).toBeUndefined();
    expect(sent.headers.authorization).toBe(`Bearer ${fake.credentials.accessToken}`);
    expect(sent.body).toBe("");
  });

  it("updateOrgInviteById sends the body as given and returns the updated invitation", async () => {
    const seeded = fake.invites.addOrgInvite();
    const body = {
      roles: ["ORG_MEMBER" as const, "ORG_BILLING_ADMIN" as const],
      groupRoleAssignments: [
        { groupId: "32b6e34b3d91647abb20e7b8", roles: ["GROUP_OWNER", "GROUP_READ_ONLY"] },
      ],
    };
    const invite = await atlas.updateOrgInviteById({
      orgId: seeded.orgId!,
      invitationId: seeded.id!,
      body,
    });
    expect(invite.roles).toEqual(["ORG_MEMBER", "ORG_BILLING_ADMIN"]);
    expect(invite.groupRoleAssignments).toEqual([
      { groupId: "32b6e34b3d91647abb20e7b8", groupRole: "GROUP_OWNER" },
      { groupId: "32b6e34b3d91647abb20e7b8", groupRole: "GROUP_READ_ONLY" },
    ]);
    const sent = fake.requests[0]!;
    expect(sent.method).toBe("PATCH");
    expect(sent.body).toBe(JSON.stringify(body));
    expect(sent.headers["content-type"]).toBe("application/vnd.atlas.2023-01-01+json");
    expect(sent.headers.accept).toBe("application/vnd.atlas.2023-01-01+json");
  });

  it("updateGroupInvites picks the invitation by username", async () => {
    const seeded = fake.invites.addGroupInvite({ username: "bo@example.com" });
    const invite = await atlas.updateGroupInvites({
      groupId: seeded.groupId!,
      body: { username: "bo@example.com", roles: ["GROUP_CLUSTER_MANAGER"] },
    });
    expect(invite.id).toBe(seeded.id);
    expect(invite.roles).toEqual(["GROUP_CLUSTER_MANAGER"]);
    expect(fake.invites.getGroupInvite(seeded.groupId!, seeded.id!)?.roles).toEqual([
      "GROUP_CLUSTER_MANAGER",
    ]);
  });

  it("updateGroupInviteById accepts project roles Atlas may add later", async () => {
    const seeded = fake.invites.addGroupInvite();
    const invite = await atlas.updateGroupInviteById({
      groupId: seeded.groupId!,
      invitationId: seeded.id!,
      body: { roles: ["GROUP_SOMETHING_NEW"] },
    });
    expect(invite.roles).toEqual(["GROUP_SOMETHING_NEW"]);
  });

  it("passes query parameters and returns the envelope when asked", async () => {
    const seeded = fake.invites.addGroupInvite();
    const wrapped = await atlas.updateGroupInvites({
      groupId: seeded.groupId!,
      envelope: true,
      pretty: true,
      body: { username: seeded.username!, roles: ["GROUP_OWNER"] },
    });
    expect(wrapped.status).toBe(200);
    expect(wrapped.content.roles).toEqual(["GROUP_OWNER"]);
    expect(fake.requests[0]!.url).toMatch(/\?envelope=true&pretty=true$/);
  });

  it("has one method per operation of the generated table", () => {
    for (const id of Object.keys(operations)) {
      expect(typeof (atlas as unknown as Record<string, unknown>)[id]).toBe("function");
    }
  });
});

describe("errors", () => {
  it("throws AtlasApiError with Atlas's fields and a one-line message on 404", async () => {
    const err = await atlas
      .getOrgInvite({ orgId: "4888442a3354817a7320eb61", invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasApiError);
    const apiErr = err as AtlasApiError;
    expect(apiErr.status).toBe(404);
    expect(apiErr.errorCode).toBe("RESOURCE_NOT_FOUND");
    expect(apiErr.method).toBe("GET");
    expect(apiErr.path).toBe("/api/atlas/v2/orgs/{orgId}/invites/{invitationId}");
    expect(apiErr.url).toBe(
      `${fake.url}/api/atlas/v2/orgs/4888442a3354817a7320eb61/invites/5f1a7b3c9d2e4f6a8b0c1d2e`,
    );
    expect(apiErr.message).toBe(
      "[404 RESOURCE_NOT_FOUND] GET /api/atlas/v2/orgs/{orgId}/invites/{invitationId}: No pending invitation matches this request.",
    );
    expect(apiErr.response.status).toBe(404);
    expect(isAtlasApiError(err, "RESOURCE_NOT_FOUND")).toBe(true);
    expect(isAtlasApiError(err, "VALIDATION_ERROR")).toBe(false);
    expect(isAtlasApiError(new Error("x"))).toBe(false);
  });

  it("maps a 401 to AtlasApiError when the token is wrong", async () => {
    const wrong = createAtlasInvites({
      auth: { type: "accessToken", token: "not-the-token" },
      baseUrl: fake.url,
      onDeprecation: false,
    });
    const err = await wrong
      .getOrgInvite({ orgId: "4888442a3354817a7320eb61", invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e" })
      .catch((e: unknown) => e);
    expect(isAtlasApiError(err)).toBe(true);
    expect((err as AtlasApiError).status).toBe(401);
    expect(String((err as Error).message)).not.toContain("not-the-token");
  });

  it("turns a non-JSON error body into AtlasApiError with the first bytes", async () => {
    const html = "<html><body>Bad gateway from a proxy</body></html>";
    const client = createAtlasInvites({
      auth: { type: "accessToken", token: "t" },
      baseUrl: "https://cloud.mongodb.com",
      retry: false,
      onDeprecation: false,
      fetch: () =>
        Promise.resolve(
          new Response(html, { status: 502, headers: { "Content-Type": "text/html" } }),
        ),
    });
    const err = (await client
      .getOrgInvite({ orgId: "4888442a3354817a7320eb61", invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e" })
      .catch((e: unknown) => e)) as AtlasApiError;
    expect(err).toBeInstanceOf(AtlasApiError);
    expect(err.status).toBe(502);
    expect(err.errorCode).toBeUndefined();
    expect(err.message).toContain("Bad gateway from a proxy");
  });

  it("turns an invalid JSON 200 body into AtlasApiError instead of a parse crash", async () => {
    const client = createAtlasInvites({
      auth: { type: "accessToken", token: "t" },
      onDeprecation: false,
      fetch: () => Promise.resolve(new Response('{"id": "abc', { status: 200 })),
    });
    const err = (await client
      .getOrgInvite({ orgId: "4888442a3354817a7320eb61", invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e" })
      .catch((e: unknown) => e)) as AtlasApiError;
    expect(err).toBeInstanceOf(AtlasApiError);
    expect(err.status).toBe(200);
    expect(err.message).toContain("not valid JSON");
  });
});

describe("middleware", () => {
  it("sends our User-Agent after the caller's prefix", async () => {
    const client = createAtlasInvites({
      auth: { type: "accessToken", token: fake.credentials.accessToken },
      baseUrl: fake.url,
      userAgent: "my-app/1.2",
      onDeprecation: false,
    });
    const seeded = fake.invites.addOrgInvite();
    await client.getOrgInvite({ orgId: seeded.orgId!, invitationId: seeded.id! });
    expect(fake.requests[0]!.headers["user-agent"]).toBe(
      `my-app/1.2 atlas-invites/0.1.0 (node ${process.versions.node})`,
    );
  });

  it("exposes the last rate-limit headers", async () => {
    const seeded = fake.invites.addOrgInvite();
    await atlas.getOrgInvite({ orgId: seeded.orgId!, invitationId: seeded.id! });
    const first = atlas.rateLimit;
    await atlas.getOrgInvite({ orgId: seeded.orgId!, invitationId: seeded.id! });
    expect(first?.limit).toBe(100);
    expect(atlas.rateLimit?.remaining).toBe(first!.remaining - 1);
  });

  it("warns once per deprecated operation, naming the sunset and the replacement", async () => {
    resetDeprecationWarnings();
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const client = createAtlasInvites({
      auth: { type: "accessToken", token: fake.credentials.accessToken },
      baseUrl: fake.url,
    });
    const seeded = fake.invites.addOrgInvite();
    await client.getOrgInvite({ orgId: seeded.orgId!, invitationId: seeded.id! });
    await client.getOrgInvite({ orgId: seeded.orgId!, invitationId: seeded.id! });
    const messages = warn.mock.calls.map((c) => String(c[0]));
    const fromSpec = messages.filter((m) => m.includes("stops working on 2027-07-01"));
    expect(fromSpec).toHaveLength(1);
    expect(fromSpec[0]).toContain("getOrgInvite");
    expect(fromSpec[0]).toContain("getOrganizationUser");
    const fromHeaders = messages.filter((m) => m.includes("Atlas reports Deprecation"));
    expect(fromHeaders).toHaveLength(1);
    expect(fromHeaders[0]).toContain("Sunset: Thu, 01 Jul 2027 00:00:00 GMT");
    expect(warn.mock.calls[0]![1]).toMatchObject({ type: "DeprecationWarning" });
  });

  it("names the Cloud Users API without an operation for project operations", async () => {
    const notices: string[] = [];
    const client = createAtlasInvites({
      auth: { type: "accessToken", token: fake.credentials.accessToken },
      baseUrl: fake.url,
      onDeprecation: (n) => notices.push(`${n.source}:${n.replacement}`),
    });
    const seeded = fake.invites.addGroupInvite();
    await client.updateGroupInviteById({
      groupId: seeded.groupId!,
      invitationId: seeded.id!,
      body: {},
    });
    expect(notices).toEqual([
      "spec:the MongoDB Cloud Users API",
      "response:the MongoDB Cloud Users API",
    ]);
  });

  it("refuses a path the spec does not know instead of guessing a version", async () => {
    const sendSpy = vi.fn();
    const client = createAtlasInvites({
      auth: { type: "accessToken", token: "t" },
      fetch: sendSpy,
      onDeprecation: false,
    });
    await expect(
      client.client.GET("/api/atlas/v2/orgs/{orgId}/teams" as never, {} as never),
    ).rejects.toThrow(/not an operation of the spec/);
    expect(sendSpy).not.toHaveBeenCalled();
  });

  it("validates calls made through atlas.client too", async () => {
    const sendSpy = vi.fn();
    const client = createAtlasInvites({
      auth: { type: "accessToken", token: "t" },
      fetch: sendSpy,
      onDeprecation: false,
    });
    await expect(
      client.client.GET("/api/atlas/v2/orgs/{orgId}/invites/{invitationId}", {
        params: { path: { orgId: "../x", invitationId: "5f1a7b3c9d2e4f6a8b0c1d2e" } },
      }),
    ).rejects.toThrow(AtlasValidationError);
    expect(sendSpy).not.toHaveBeenCalled();
  });

  it("answers path-based calls with the version header through atlas.client", async () => {
    const seeded = fake.invites.addOrgInvite();
    const { data, response } = await atlas.client.GET(
      "/api/atlas/v2/orgs/{orgId}/invites/{invitationId}",
      {
        params: { path: { orgId: seeded.orgId!, invitationId: seeded.id! } },
      },
    );
    expect(response.status).toBe(200);
    expect(data?.id).toBe(seeded.id);
  });
});

describe("the fake Atlas itself", () => {
  it("answers 406 without the versioned Accept header", async () => {
    const seeded = fake.invites.addOrgInvite();
    const res = await fetch(`${fake.url}/api/atlas/v2/orgs/${seeded.orgId}/invites/${seeded.id}`, {
      headers: {
        Authorization: `Bearer ${fake.credentials.accessToken}`,
        Accept: "application/json",
      },
    });
    expect(res.status).toBe(406);
  });

  it("answers 400 VALIDATION_ERROR with badRequestDetail for a bad body", async () => {
    const seeded = fake.invites.addOrgInvite();
    const res = await fetch(`${fake.url}/api/atlas/v2/orgs/${seeded.orgId}/invites/${seeded.id}`, {
      method: "PATCH",
      headers: {
        Authorization: `Bearer ${fake.credentials.accessToken}`,
        Accept: "application/vnd.atlas.2023-01-01+json",
        "Content-Type": "application/vnd.atlas.2023-01-01+json",
      },
      body: JSON.stringify({ roles: ["ORG_ADMIN"] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      errorCode: string;
      badRequestDetail: { fields: { field: string }[] };
    };
    expect(body.errorCode).toBe("VALIDATION_ERROR");
    expect(body.badRequestDetail.fields[0]!.field).toContain("roles");
  });
});
