/**
 * Every answer in test/fixtures/atlas-answers (what public sources show Atlas sending), replayed
 * twice: through the client, from a small server on 127.0.0.1 that sends exactly that answer,
 * and through the fake Atlas, driven into the same situation, whose answer must match it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  accessToken,
  apiKey,
  createAtlasInvites,
  isAtlasApiError,
  serviceAccount,
  type AtlasApiError,
  type AtlasInvites,
} from "../src/index.js";
import { startFakeAtlas, type FakeAtlas } from "../src/testing/index.js";
import { fakeRequest } from "./helpers/fake-request.js";
import { json } from "./helpers/hostile-server.js";

interface ObservedAnswer {
  situation: string;
  sources: string[];
  sourceNote?: string;
  seen: string;
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  shownFields: string[];
  wholeBodyShown: boolean;
  detailPattern: string;
  parametersPattern?: string[];
}

const DIR = new URL("./fixtures/atlas-answers/", import.meta.url);
const corpus: [string, ObservedAnswer][] = readdirSync(DIR)
  .filter((file) => file.endsWith(".json"))
  .sort()
  .map((file) => [
    file.replace(/\.json$/, ""),
    JSON.parse(readFileSync(new URL(file, DIR), "utf8")) as ObservedAnswer,
  ]);

const ORG_ID = "4888442a3354817a7320eb61";
const GROUP_ID = "32b6e34b3d91647abb20e7b8";
const USER_ID = "65a8c4e1f2b3d4a5c6e7f809";

/** The entry's detail with `<name>` or `<value>` filled in. */
function expectedDetail(entry: ObservedAnswer, filler = ""): string {
  return entry.detailPattern.replace(/<(?:name|value)>/, filler);
}

describe("the corpus", () => {
  it("holds one entry per observed answer, each citing its source or saying why it cannot", () => {
    expect(corpus.map(([name]) => name)).toEqual([
      "credentials-failed",
      "invalid-attribute",
      "invalid-enum-value",
      "invalid-version-date",
      "missing-attribute",
      "missing-role",
    ]);
    for (const [name, entry] of corpus) {
      // A public thread or dump on GitHub, or a page of MongoDB's own documentation.
      for (const url of entry.sources) {
        expect(url, name).toMatch(/^https:\/\/(?:github\.com|www\.mongodb\.com\/docs)\/\S+$/);
      }
      if (entry.sources.length === 0) expect(entry.sourceNote, name).toMatch(/\S/);
      expect(entry.body.error, name).toBe(entry.status);
      for (const field of entry.shownFields) expect(entry.body, name).toHaveProperty(field);
      // The sample detail is the pattern with one concrete name or value in it.
      const pattern = new RegExp(
        `^${entry.detailPattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/<(name|value)>/, ".+")}$`,
      );
      expect(entry.body.detail, name).toMatch(pattern);
    }
  });
});

describe("the client keeps every observed answer intact", () => {
  let server: Server;
  let base = "";
  let answer: ObservedAnswer;
  let received = 0;
  const opened: AtlasInvites[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      received++;
      req.resume();
      req.on("end", () => json(res, answer.status, answer.body, answer.headers));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((atlas) => atlas.close()));
    received = 0;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each(corpus)("%s", async (_name, entry) => {
    answer = entry;
    const atlas = createAtlasInvites({
      auth: accessToken({ token: "corpus-replay-token" }),
      baseUrl: base,
      retry: false,
    });
    opened.push(atlas);
    const err = (await atlas
      .getOrgUser({ orgId: ORG_ID, userId: USER_ID })
      .catch((e: unknown) => e)) as AtlasApiError;
    expect(isAtlasApiError(err)).toBe(true);
    expect(err.status).toBe(entry.status);
    expect(err.errorCode).toBe(entry.body.errorCode);
    expect(err.detail).toBe(entry.body.detail);
    expect(err.reason).toBe(entry.body.reason);
    expect(err.parameters).toEqual(entry.body.parameters);
    expect(err.message).not.toContain("\n");
    expect(err.message).toContain(String(entry.body.detail));
    expect(err.message.startsWith(`[${entry.status}`)).toBe(true);
    if (typeof entry.body.errorCode === "string") {
      expect(isAtlasApiError(err, entry.body.errorCode)).toBe(true);
    }
    // A 4xx is final: no retry, and an access token has nothing to renew.
    expect(received).toBe(1);
  });

  it("with an API key, answers the observed challenge once, then reports the 401 without a code", async () => {
    answer = corpus.find(([name]) => name === "credentials-failed")![1];
    const atlas = createAtlasInvites({
      auth: apiKey({ publicKey: "abcdefgh", privateKey: "11111111-2222-3333-4444-555555555555" }),
      baseUrl: base,
      retry: false,
    });
    opened.push(atlas);
    const err = (await atlas
      .getOrgUser({ orgId: ORG_ID, userId: USER_ID })
      .catch((e: unknown) => e)) as AtlasApiError;
    expect(isAtlasApiError(err, 401)).toBe(true);
    expect(err.errorCode).toBeUndefined();
    expect(err.detail).toBe("You are not authorized for this resource.");
    expect(received).toBe(2);
  });
});

/** How to bring the fake into each situation of the corpus, and what fills the pattern. */
const situations: Record<
  string,
  (fake: FakeAtlas) => Promise<{ response: Response; filler?: string }>
> = {
  "credentials-failed": async (fake) => ({
    response: await fakeRequest(fake, "GET", `/api/atlas/v2/orgs/${ORG_ID}/users/${USER_ID}`, {
      authorization: "Bearer not-a-token-the-fake-issued",
    }),
  }),
  "missing-role": async (fake) => {
    fake.roles.deny({ credential: "accessToken", operationId: "getOrgUser" });
    return {
      response: await fakeRequest(fake, "GET", `/api/atlas/v2/orgs/${ORG_ID}/users/${USER_ID}`),
    };
  },
  "invalid-attribute": async (fake) => ({
    response: await fakeRequest(fake, "PATCH", `/api/atlas/v2/orgs/${ORG_ID}/users/${USER_ID}`, {
      body: { teamIdz: [] },
    }),
    filler: "teamIdz",
  }),
  "missing-attribute": async (fake) => ({
    response: await fakeRequest(
      fake,
      "POST",
      `/api/atlas/v2/groups/${GROUP_ID}/users/${USER_ID}:addRole`,
      { body: {} },
    ),
    filler: "groupRole",
  }),
  "invalid-enum-value": async (fake) => ({
    response: await fakeRequest(fake, "PATCH", `/api/atlas/v2/orgs/${ORG_ID}/users/${USER_ID}`, {
      body: { roles: { orgRoles: ["ORG_ADMIN"] } },
    }),
    filler: "ORG_ADMIN",
  }),
  "invalid-version-date": async (fake) => ({
    response: await fakeRequest(fake, "GET", `/api/atlas/v2/orgs/${ORG_ID}/users/${USER_ID}`, {
      accept: "application/vnd.atlas.2023-01-01+json",
    }),
  }),
};

describe("the fake Atlas answers each observed situation as observed", () => {
  let fake: FakeAtlas;
  beforeAll(async () => {
    fake = await startFakeAtlas({ rateLimit: 1_000_000 });
    fake.users.addOrgUser({ orgId: ORG_ID, id: USER_ID });
    fake.users.addGroupUser({ groupId: GROUP_ID, orgId: ORG_ID, id: USER_ID });
  });
  afterEach(() => fake.roles.reset());
  afterAll(() => fake.close());

  it("has a way into every situation of the corpus", () => {
    expect(Object.keys(situations).sort()).toEqual(corpus.map(([name]) => name));
  });

  it.each(corpus)("%s", async (name, entry) => {
    const { response, filler } = await situations[name]!(fake);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(entry.status);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(body.errorCode).toBe(entry.body.errorCode);
    expect(body.detail).toBe(expectedDetail(entry, filler));
    if (entry.parametersPattern) {
      expect(body.parameters).toEqual(entry.parametersPattern.map(() => filler));
    }
    if (entry.wholeBodyShown) {
      expect(body).toEqual(entry.body);
    } else {
      // Besides what a source shows, the fake sends only the status and its reason phrase:
      // it adds no field (parameters, say) that no source shows with this answer.
      for (const field of Object.keys(body)) {
        expect(["error", "reason", ...entry.shownFields], `${name}: ${field}`).toContain(field);
      }
      expect(body.error).toBe(entry.status);
    }
    const challenge = entry.headers["WWW-Authenticate"];
    if (challenge === undefined) {
      expect(response.headers.get("www-authenticate")).toBeNull();
    } else {
      // The observed challenge with any nonce: the nonce is fresh for every challenge.
      const shape = challenge
        .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
        .replace(/nonce="[^"]*"/, 'nonce="[^"]+"');
      expect(response.headers.get("www-authenticate")).toMatch(new RegExp(`^${shape}$`));
    }
  });
});

describe("a service account that lacks the role", () => {
  it("gets one token for any number of refused calls, and every call rejects with USER_UNAUTHORIZED", async () => {
    const fake = await startFakeAtlas({ lacksRole: ["getOrgUser"] });
    fake.users.addOrgUser({ orgId: ORG_ID, id: USER_ID });
    const atlas = createAtlasInvites({
      auth: serviceAccount(fake.credentials.serviceAccount),
      baseUrl: fake.url,
    });
    try {
      const errors: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        errors.push(
          await atlas.getOrgUser({ orgId: ORG_ID, userId: USER_ID }).catch((e: unknown) => e),
        );
      }
      for (const err of errors) expect(isAtlasApiError(err, "USER_UNAUTHORIZED")).toBe(true);
      expect(fake.stats.tokenRequests).toBe(1);
      expect(fake.stats.exchanges).toBe(5);
      expect(fake.requests.filter((r) => r.operationId === "getOrgUser")).toHaveLength(5);
      // The token stays valid: the same credentials may still call what they hold a role for.
      const page = await atlas.listOrgUsers({ orgId: ORG_ID });
      expect(page.results.map((u) => u.id)).toEqual([USER_ID]);
      expect(fake.stats.tokenRequests).toBe(1);
    } finally {
      await atlas.close();
      await fake.close();
    }
  });
});
