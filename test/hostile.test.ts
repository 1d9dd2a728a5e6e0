/**
 * The client against servers that misbehave on purpose, on 127.0.0.1: they redirect, stall, echo
 * credentials back and flood. Each test says what a careful client must do and counts what
 * reached "another origin" (a second server that must never be contacted).
 */
import { getEventListeners } from "node:events";
import { inspect } from "node:util";
import { runInNewContext } from "node:vm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  accessToken,
  apiKey,
  AtlasApiError,
  AtlasAuthError,
  AtlasError,
  AtlasTimeoutError,
  AtlasValidationError,
  createAtlasInvites,
  serviceAccount,
  type AtlasInvites,
  type AtlasInvitesOptions,
  type DeprecationNotice,
} from "../src/index.js";
import { leakedSecrets } from "./helpers/auth-secrets.js";
import {
  INVITATION_ID,
  INVITE,
  json,
  ORG_ID,
  startHostileServer,
  type HostileServer,
} from "./helpers/hostile-server.js";
import { newCounts, rejection, settle, writeCounts } from "./helpers/reliability.js";

const counts = newCounts();
let server: HostileServer;
let elsewhere: HostileServer;
const clients: AtlasInvites[] = [];

const TOKEN = "hostile-test-bearer-token-8d1f0c";
const CLIENT_ID = "mdb_sa_id_hostile";
const CLIENT_SECRET = "mdb_sa_sk_hostile_secret_4f2a9e";

beforeAll(async () => {
  server = await startHostileServer();
  elsewhere = await startHostileServer();
});
afterAll(async () => {
  await server.close();
  await elsewhere.close();
  writeCounts("hostile", counts);
});
beforeEach(() => {
  server.seen.length = 0;
  elsewhere.seen.length = 0;
});
afterEach(async () => {
  counts.scenarios++;
  // Every answer these servers gave was part of a scenario built to misbehave.
  counts.faultsInjected += server.seen.length;
  // Nothing any test did may reach the other origin.
  expect(elsewhere.seen).toEqual([]);
  for (const atlas of clients.splice(0)) await atlas.close().catch(() => undefined);
});

function client(options: Partial<AtlasInvitesOptions> = {}): AtlasInvites {
  const atlas = createAtlasInvites({
    auth: accessToken({ token: TOKEN }),
    baseUrl: server.url,
    onDeprecation: false,
    retry: false,
    ...options,
  });
  clients.push(atlas);
  return atlas;
}

/** Counts the secrets found in anything a user could print of `value`, and returns them. */
function leaks(value: unknown, secrets: string[]): string[] {
  const found = leakedSecrets(value, secrets);
  counts.secretsLeaked += found.length;
  return found;
}

const get = (atlas: AtlasInvites, extra: { signal?: AbortSignal; timeout?: number } = {}) =>
  atlas.getOrgInvite({ orgId: ORG_ID, invitationId: INVITATION_ID, ...extra });

/** A token endpoint that issues `value` with `expiresIn` (undefined leaves the field out). */
function tokenAnswer(value: string, expiresIn?: unknown) {
  return {
    access_token: value,
    token_type: "Bearer",
    ...(expiresIn !== undefined && { expires_in: expiresIn }),
  };
}

describe("redirects are never followed", () => {
  it.each([301, 302, 303, 307, 308])(
    "a %i to another origin on a PATCH sends nothing there and names the target",
    async (status) => {
      server.handle((_req, res) => {
        res.writeHead(status, { Location: `${elsewhere.url}/steal` }).end();
      });
      const error = await rejection(
        client().updateOrgInviteById({
          orgId: ORG_ID,
          invitationId: INVITATION_ID,
          body: { roles: ["ORG_MEMBER"] },
        }),
      );
      expect(error).toBeInstanceOf(AtlasApiError);
      expect((error as AtlasApiError).status).toBe(status);
      expect(error.message).toContain(String(status));
      expect(error.message).toContain(elsewhere.url);
      expect(server.seen).toHaveLength(1);
      expect(leaks(error, [TOKEN])).toEqual([]);
    },
  );

  it("a redirected token request gives an AtlasAuthError and no API call uses a foreign token", async () => {
    elsewhere.handle((_req, res) => json(res, 200, tokenAnswer("minted-elsewhere-0000", 3600)));
    server.handle((req, res) => {
      if (req.url === "/api/oauth/token") {
        res.writeHead(307, { Location: `${elsewhere.url}/api/oauth/token` }).end();
      } else json(res, 200, INVITE);
    });
    const atlas = client({
      auth: serviceAccount({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    });
    const error = await rejection(get(atlas));
    expect(error).toBeInstanceOf(AtlasAuthError);
    expect(error.message).toContain("307");
    expect(error.message).toContain(elsewhere.url);
    expect(server.seen.map((r) => r.url)).toEqual(["/api/oauth/token"]);
    expect(leaks(error, [CLIENT_SECRET])).toEqual([]);
  });

  it.each([307, 308, 302])(
    "close() does not follow a %i from the revoke endpoint, rejects, and still closes",
    async (status) => {
      server.handle((req, res) => {
        if (req.url === "/api/oauth/token") json(res, 200, tokenAnswer("live-token-aaaa", 3600));
        else if (req.url === "/api/oauth/revoke") {
          res.writeHead(status, { Location: `${elsewhere.url}/api/oauth/revoke` }).end();
        } else json(res, 200, INVITE);
      });
      const atlas = client({
        auth: serviceAccount({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
      });
      await get(atlas);
      const error = await rejection(atlas.close());
      expect(error).toBeInstanceOf(AtlasAuthError);
      expect(error.message).toMatch(/stays valid until it expires/);
      expect(error.message).toContain(elsewhere.url);
      expect(leaks(error, ["live-token-aaaa", CLIENT_SECRET])).toEqual([]);
      // Closed all the same: the next call is refused without a request.
      const before = server.seen.length;
      const after = await rejection(get(atlas));
      expect(after.message).toMatch(/closed/);
      expect(server.seen).toHaveLength(before);
    },
  );

  it("close() rejects when the revoke endpoint answers an error status or cannot be reached", async () => {
    server.handle((req, res) => {
      if (req.url === "/api/oauth/token") json(res, 200, tokenAnswer("live-token-bbbb", 3600));
      else if (req.url === "/api/oauth/revoke") json(res, 500, { error: "server_error" });
      else json(res, 200, INVITE);
    });
    const atlas = client({
      auth: serviceAccount({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    });
    await get(atlas);
    const error = await rejection(atlas.close());
    expect(error).toBeInstanceOf(AtlasAuthError);
    expect(error.message).toMatch(/answered 500.*stays valid until it expires/);

    server.handle((req, res) => {
      if (req.url === "/api/oauth/token") json(res, 200, tokenAnswer("live-token-cccc", 3600));
      else if (req.url === "/api/oauth/revoke") res.destroy();
      else json(res, 200, INVITE);
    });
    const other = client({
      auth: serviceAccount({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    });
    await get(other);
    const dropped = await rejection(other.close());
    expect(dropped).toBeInstanceOf(AtlasAuthError);
    expect(dropped.message).toMatch(/stays valid until it expires/);
  });

  it("a fetch that follows redirects by itself has its answer refused", async () => {
    server.handle((_req, res) => json(res, 200, INVITE));
    const following: AtlasInvitesOptions["fetch"] = async (input, init) => {
      const response = await fetch(input, init);
      Object.defineProperty(response, "redirected", { value: true });
      return response;
    };
    const error = await rejection(get(client({ fetch: following })));
    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error.message).toMatch(/followed a redirect/);
  });

  it("a redirect target that echoes the token in its host name shows [redacted] there, though URLs lowercase hosts", async () => {
    const token = "Hostile-Mixed-Case-Token-5e7A";
    server.handle((req, res) => {
      const sent = (req.headers.authorization ?? "").slice("Bearer ".length);
      res.writeHead(302, { Location: `http://${sent}.evil.example/` }).end();
    });
    const error = await rejection(get(client({ auth: accessToken({ token }) })));
    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error.message).toContain(
      "this redirect to http://[redacted].evil.example was not followed",
    );
    expect(leaks(error, [token, token.toLowerCase()])).toEqual([]);

    // The same from a fetch that followed it by itself: the answer's url names the target.
    server.handle((_req, res) => json(res, 200, INVITE));
    const following: AtlasInvitesOptions["fetch"] = async (input, init) => {
      const response = await fetch(input, init);
      const sent = new Headers(init?.headers).get("Authorization")?.slice("Bearer ".length);
      Object.defineProperty(response, "redirected", { value: true });
      const url = `http://${sent}.evil.example/x`;
      Object.defineProperty(response, "url", { value: url, configurable: true });
      return response;
    };
    const followed = await rejection(
      get(client({ auth: accessToken({ token }), fetch: following })),
    );
    expect(followed.message).toContain("followed a redirect to http://[redacted].evil.example/x");
    expect(leaks(followed, [token, token.toLowerCase()])).toEqual([]);
  });

  it("a middleware that points a request at another origin gets nothing sent", async () => {
    server.handle((_req, res) => json(res, 200, INVITE));
    const atlas = client();
    atlas.client.use({
      onRequest: ({ request }) => new Request(`${elsewhere.url}/x`, { headers: request.headers }),
    });
    const error = await rejection(get(atlas));
    expect(error).toBeInstanceOf(AtlasError);
    expect(error.message).toMatch(/sends requests to http:\/\/127\.0\.0\.1:\d+ only/);
    expect(server.seen).toEqual([]);
    expect(leaks(error, [TOKEN])).toEqual([]);
  });
});

describe("the caller's signal and timeout bound the whole call", () => {
  function slowTokenEndpoint(delayMs: number) {
    server.handle((req, res) => {
      if (req.url === "/api/oauth/token") {
        setTimeout(() => json(res, 200, tokenAnswer("slow-token-dddd", 3600)), delayMs);
      } else json(res, 200, INVITE);
    });
  }

  it("an abort while waiting for a token ends the call at once; the token request goes on for the others", async () => {
    slowTokenEndpoint(1_500);
    const atlas = client({
      auth: serviceAccount({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    });
    const controller = new AbortController();
    const reason = new Error("the user gave up");
    const started = performance.now();
    const aborted = get(atlas, { signal: controller.signal });
    const patient = get(atlas);
    setTimeout(() => controller.abort(reason), 100);
    await expect(aborted).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(patient).resolves.toMatchObject({ id: INVITATION_ID });
    expect(server.seen.filter((r) => r.url === "/api/oauth/token")).toHaveLength(1);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("a per-call timeout covers the wait for a token", async () => {
    slowTokenEndpoint(1_500);
    const atlas = client({
      auth: serviceAccount({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    });
    const started = performance.now();
    const error = await rejection(get(atlas, { timeout: 200 }));
    expect(error).toBeInstanceOf(AtlasTimeoutError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("an already aborted signal sends nothing, not even a token request", async () => {
    slowTokenEndpoint(0);
    const atlas = client({
      auth: serviceAccount({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    });
    const reason = new Error("aborted before the call");
    await expect(get(atlas, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(server.seen).toEqual([]);
  });

  it("an abort while waiting for the first Digest challenge ends the call at once", async () => {
    server.handle((_req, res) => {
      setTimeout(
        () =>
          json(
            res,
            401,
            {
              error: 401,
              reason: "Unauthorized",
              detail: "You are not authorized for this resource.",
            },
            {
              "WWW-Authenticate":
                'Digest realm="MMS Public API", domain="", nonce="bm9uY2U=", algorithm=MD5, qop="auth", stale=false',
            },
          ),
        1_500,
      );
    });
    const atlas = client({
      auth: apiKey({ publicKey: "abcdefgh", privateKey: "private-key-1234" }),
    });
    const first = get(atlas).catch(() => undefined);
    const controller = new AbortController();
    const second = get(atlas, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 100);
    const started = performance.now();
    await expect(second).rejects.toThrow("stop");
    expect(performance.now() - started).toBeLessThan(1_000);
    await first;
  });
});

describe("error text is one line, bounded, and free of credentials", () => {
  it("a 1 MB multi-line detail becomes a short one-line message; the detail stays whole", async () => {
    const detail = `first line\nsecond line\r\n${"x".repeat(1_000_000)}`;
    server.handle((_req, res) => json(res, 500, { error: 500, errorCode: "BOOM", detail }));
    const error = (await rejection(get(client()))) as AtlasApiError;
    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).toContain("first line\\nsecond line\\r\\n");
    expect(error.detail).toBe(detail);
  });

  it("a server that echoes the bearer token, in JSON or in an HTML page, never gets it into the error", async () => {
    server.handle((req, res) => {
      const sent = req.headers.authorization ?? "";
      json(res, 403, {
        error: 403,
        errorCode: "ECHO",
        detail: `you sent ${sent}`,
        parameters: [sent],
      });
    });
    const jsonError = await rejection(get(client()));
    expect(jsonError.message).toContain("[redacted]");
    expect(leaks(jsonError, [TOKEN])).toEqual([]);

    server.handle((req, res) => {
      const page = `<html><body><h1>Bad gateway</h1><pre>${req.headers.authorization}</pre></body></html>`;
      res.writeHead(502, { "Content-Type": "text/html" }).end(page);
    });
    const htmlError = await rejection(get(client()));
    expect(htmlError).toBeInstanceOf(AtlasApiError);
    expect(leaks(htmlError, [TOKEN])).toEqual([]);
    expect(leaks(inspect(htmlError, { showHidden: true, depth: Infinity }), [TOKEN])).toEqual([]);
    // The page as the error's response hands it out, the token taken out of it too.
    const page = await (htmlError as AtlasApiError).response.text();
    expect(page).toContain("<pre>Bearer [redacted]</pre>");
    expect(leaks(page, [TOKEN])).toEqual([]);
  });

  it("a token endpoint that echoes the client secret never gets it into the error", async () => {
    server.handle((req, res) => {
      const basic = (req.headers.authorization ?? "").slice(6);
      const decoded = Buffer.from(basic, "base64").toString("utf8");
      json(res, 401, { error: "invalid_client", error_description: `got ${decoded} and ${basic}` });
    });
    const atlas = client({
      auth: serviceAccount({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    });
    const error = await rejection(get(atlas));
    expect(error).toBeInstanceOf(AtlasAuthError);
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64");
    expect(leaks(error, [CLIENT_SECRET, basic])).toEqual([]);
  });

  it("an error answer that echoes the bearer token in a header has it scrubbed on err.response and in util.inspect", async () => {
    server.handle((req, res) => {
      res.statusMessage = `you sent ${req.headers.authorization}`;
      json(
        res,
        403,
        { error: 403, detail: "no" },
        { "X-Echo": `you sent ${req.headers.authorization}` },
      );
    });
    const error = (await rejection(get(client()))) as AtlasApiError;
    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error.response.headers.get("X-Echo")).toBe("you sent Bearer [redacted]");
    expect(error.response.headers.get("Content-Type")).toBe("application/json");
    expect(error.response.statusText).toBe("you sent Bearer [redacted]");
    expect(leaks(error, [TOKEN])).toEqual([]);
    expect(leaks(inspect(error, { showHidden: true, depth: Infinity }), [TOKEN])).toEqual([]);
    // Not even the platform's own copy of what the server sent, which customInspect: false shows.
    const raw = inspect(error, { showHidden: true, depth: Infinity, customInspect: false });
    expect(leaks(raw, [TOKEN])).toEqual([]);
  });

  it("Sunset and Deprecation headers that echo the bearer token reach neither a notice nor a warning", async () => {
    server.handle((req, res) => {
      const echo = `echo ${req.headers.authorization}`;
      json(res, 200, INVITE, { Deprecation: echo, Sunset: echo });
    });
    const notices: DeprecationNotice[] = [];
    await get(client({ onDeprecation: (notice) => notices.push(notice) }));
    const fromHeaders = notices.find((n) => n.source === "response");
    expect(fromHeaders).toMatchObject({
      sunset: "echo Bearer [redacted]",
      deprecation: "echo Bearer [redacted]",
    });
    expect(fromHeaders?.message).toContain("Sunset: echo Bearer [redacted]");
    expect(leaks(notices, [TOKEN])).toEqual([]);

    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      await get(client({ onDeprecation: undefined }));
      await settle();
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((w) => w.message).join("\n")).toContain("Sunset: echo Bearer [redacted]");
    expect(leaks(warnings, [TOKEN])).toEqual([]);
  });

  it("an onDeprecation that throws costs the call nothing: its answer comes back, the failure is a warning", async () => {
    let sent = 0;
    server.handle((_req, res) => {
      sent++;
      json(res, 200, INVITE, { Sunset: "Wed, 01 Dec 2027 00:00:00 GMT" });
    });
    const warnings: (Error & { code?: string })[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    let calls = 0;
    try {
      const atlas = client({
        onDeprecation: () => {
          calls++;
          throw new Error(`logger down, last header Bearer ${TOKEN}`);
        },
      });
      // Thrown twice: for the spec's notice on the way out, and for the new Sunset on the way back.
      expect((await get(atlas)).id).toBe(INVITE.id);
      await settle();
    } finally {
      process.off("warning", onWarning);
    }
    expect(calls).toBe(2);
    const failed = warnings.filter((w) => w.code === "ATLAS_INVITES_ON_DEPRECATION_FAILED");
    expect(failed.map((w) => w.message)).toEqual([
      "atlas-invites: onDeprecation threw Error: logger down, last header Bearer [redacted]",
      "atlas-invites: onDeprecation threw Error: logger down, last header Bearer [redacted]",
    ]);
    expect(leaks(warnings, [TOKEN])).toEqual([]);
    expect(sent).toBe(1);
  });

  it("an async onDeprecation that rejects costs the process nothing: the rejection is a warning too", async () => {
    server.handle((_req, res) =>
      json(res, 200, INVITE, { Sunset: "Wed, 01 Dec 2027 00:00:00 GMT" }),
    );
    const warnings: (Error & { code?: string })[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("warning", onWarning);
    process.on("unhandledRejection", onUnhandled);
    try {
      const atlas = client({
        onDeprecation: async () => {
          await Promise.resolve();
          throw new Error(`logger down, last header Bearer ${TOKEN}`);
        },
      });
      expect((await get(atlas)).id).toBe(INVITE.id);
      // The rejections settle after the answer; give them, and Node's report of them, a turn.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await settle();
    } finally {
      process.off("warning", onWarning);
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
    const failed = warnings.filter((w) => w.code === "ATLAS_INVITES_ON_DEPRECATION_FAILED");
    expect(failed.map((w) => w.message)).toEqual([
      "atlas-invites: onDeprecation threw Error: logger down, last header Bearer [redacted]",
      "atlas-invites: onDeprecation threw Error: logger down, last header Bearer [redacted]",
    ]);
    expect(leaks(warnings, [TOKEN])).toEqual([]);
  });

  it("a rejected promise of another realm from onDeprecation is a warning too, not an unhandled rejection", async () => {
    // A promise made in a vm context (or any promise library's thenable) is no instance of this
    // realm's Promise, and still a promise the callback returned. The warning is captured where
    // it is emitted, so that the test run prints nothing.
    server.handle((_req, res) => json(res, 200, INVITE));
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    let warnings: unknown[][];
    try {
      const atlas = client({
        onDeprecation: () =>
          runInNewContext(
            "Promise.reject(new Error('logger of another realm down'))",
          ) as Promise<void>,
      });
      expect((await get(atlas)).id).toBe(INVITE.id);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await settle();
    } finally {
      process.off("unhandledRejection", onUnhandled);
      warnings = [...warn.mock.calls];
      warn.mockRestore();
    }
    expect(unhandled).toEqual([]);
    expect(warnings).toEqual([
      [
        "atlas-invites: onDeprecation threw Error: logger of another realm down",
        { code: "ATLAS_INVITES_ON_DEPRECATION_FAILED" },
      ],
    ]);
  });

  // JSON lets a serializer write any character of a string as \uXXXX, and some always escape
  // "/" or, to be HTML-safe, "=" (which ends most Basic credentials). Each form is applied to the
  // content of one JSON string.
  const hex = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  const jsonEscapes: [string, (text: string) => string][] = [
    ['"/" as \\/', (text) => text.replaceAll("/", "\\/")],
    ['"=" as \\u003d', (text) => text.replaceAll("=", hex("="))],
    ["every character as \\uXXXX", (text) => text.replace(/[^]/g, hex)],
  ];

  it.each(jsonEscapes)(
    "a token endpoint that echoes the Basic credentials with %s never gets them into the error",
    async (_form, escape) => {
      // A secret whose Basic form holds a "/" and ends in "=", so each escape changes it.
      const secret = "mdb_sa_sk_hostile?_secret9";
      const basic = Buffer.from(`${CLIENT_ID}:${secret}`).toString("base64");
      expect(basic).toMatch(/\/.*=$/);
      server.handle((req, res) => {
        const echo = escape(`got ${req.headers.authorization}`);
        const body = `{"error":"invalid_client","error_description":"${echo}"}`;
        res.writeHead(401, { "Content-Type": "application/json" }).end(body);
      });
      const auth = serviceAccount({ clientId: CLIENT_ID, clientSecret: secret });
      const error = await rejection(get(client({ auth })));
      expect(error).toBeInstanceOf(AtlasAuthError);
      expect(error.message).toContain(`"error_description":"${escape("got Basic ")}[redacted]"`);
      expect(leaks(error, [secret, basic, escape(basic)])).toEqual([]);
    },
  );

  it.each(jsonEscapes)(
    "an API error body that echoes the bearer token with %s has it taken out of response.text() too",
    async (_form, escape) => {
      const token = "hostile/escaped=token=8d1f";
      server.handle((req, res) => {
        const echo = escape(`you sent ${req.headers.authorization}`);
        res
          .writeHead(400, { "Content-Type": "application/json" })
          .end(`{"error":400,"detail":"${echo}"}`);
      });
      const error = (await rejection(
        get(client({ auth: accessToken({ token }) })),
      )) as AtlasApiError;
      expect(error).toBeInstanceOf(AtlasApiError);
      expect(error.detail).toBe("you sent Bearer [redacted]");
      const text = await error.response.text();
      expect(text).toBe(`{"error":400,"detail":"${escape("you sent Bearer ")}[redacted]"}`);
      expect(leaks(error, [token, escape(token)])).toEqual([]);
    },
  );
});

describe("credentials and options that cannot go into a header are refused when the client is created", () => {
  const cases: [string, () => unknown, string][] = [
    ["a token with a NUL", () => accessToken({ token: "abc\u0000def" }), "token"],
    ["a token with a line break", () => accessToken({ token: "abc\ndef" }), "token"],
    ["a token with a space", () => accessToken({ token: "abc def" }), "token"],
    [
      "a private key with a NUL",
      () => apiKey({ publicKey: "abcdefgh", privateKey: "k\u0000ey" }),
      "privateKey",
    ],
    [
      "a client secret with a NUL",
      () => serviceAccount({ clientId: "id", clientSecret: "s\u0000ecret" }),
      "clientSecret",
    ],
    [
      "a public key with a quote",
      () => apiKey({ publicKey: 'ab"cd', privateKey: "key" }),
      "publicKey",
    ],
    ["a userAgent with a NUL", () => client({ userAgent: "app\u0000/1.0" }), "userAgent"],
    ["a userAgent outside Latin-1", () => client({ userAgent: "app/1.0 \u20ac" }), "userAgent"],
    [
      "a userAgent with a line break",
      () => client({ userAgent: "app/1.0\r\nX-Evil: 1" }),
      "userAgent",
    ],
  ];
  it.each(cases)("%s", (_name, create, field) => {
    counts.inputsTried++;
    let error: unknown;
    try {
      create();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AtlasValidationError);
    expect((error as Error).message).toContain(field);
    for (const value of ["abc", "k\u0000ey", "s\u0000ecret", "\u20ac", "X-Evil"]) {
      expect((error as Error).message).not.toContain(value);
    }
    expect(server.seen).toEqual([]);
  });
});

describe("what is validated is what is sent", () => {
  beforeEach(() => server.handle((_req, res) => json(res, 200, INVITE)));
  const update = (atlas: AtlasInvites, body: unknown) => {
    counts.inputsTried++;
    return atlas.updateOrgInviteById({
      orgId: ORG_ID,
      invitationId: INVITATION_ID,
      body: body as { roles: ["ORG_MEMBER"] },
    });
  };

  it("a toJSON that adds a field is refused, and nothing is sent", async () => {
    const body = {
      roles: ["ORG_MEMBER"],
      toJSON: () => ({ roles: ["ORG_MEMBER"], orgId: ORG_ID }),
    };
    const error = await rejection(update(client(), body));
    expect(error).toBeInstanceOf(AtlasValidationError);
    expect(error.message).toContain("body.orgId");
    expect(server.seen).toEqual([]);
  });

  it("a getter that changes between reads: the bytes sent are the ones checked", async () => {
    let reads = 0;
    const body = {
      get roles() {
        reads++;
        return reads === 1 ? ["ORG_MEMBER"] : ["NOT_A_ROLE"];
      },
    };
    await update(client(), body);
    expect(reads).toBe(1);
    expect(server.seen[0]!.body).toBe('{"roles":["ORG_MEMBER"]}');
  });

  it("a Proxy that answers differently each time is read once", async () => {
    let reads = 0;
    const body = new Proxy(
      {},
      {
        ownKeys: () => ["roles"],
        getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }),
        get: (_target, key) => {
          if (key !== "roles") return undefined;
          return ++reads === 1 ? ["ORG_OWNER"] : ["BOGUS"];
        },
      },
    );
    await update(client(), body);
    expect(server.seen[0]!.body).toBe('{"roles":["ORG_OWNER"]}');
  });

  it("a body JSON cannot represent is refused by name, with nothing sent", async () => {
    const error = await rejection(update(client(), { roles: [10n] }));
    expect(error).toBeInstanceOf(AtlasValidationError);
    expect(error.message).toMatch(/body: cannot be serialised as JSON/);
    expect(server.seen).toEqual([]);
  });
});

describe("odd edges", () => {
  it.each(["https://cloud.example.com?", "https://cloud.example.com#", "http://127.0.0.1:1/?x"])(
    "a baseUrl ending in a query or fragment is refused: %s",
    (baseUrl) => {
      counts.inputsTried++;
      expect(() => createAtlasInvites({ auth: accessToken({ token: TOKEN }), baseUrl })).toThrow(
        /options\.baseUrl must not have a query string or fragment/,
      );
    },
  );

  it.each([
    [200, "gzip"],
    [404, "deflate"],
    [200, "br"],
  ])(
    "a %i whose body is not in its Content-Encoding (%s) says so, not that the connection closed",
    async (status, encoding) => {
      server.handle((_req, res) => {
        res.writeHead(status, { "Content-Type": "application/json", "Content-Encoding": encoding });
        res.end(JSON.stringify(INVITE));
      });
      const error = await rejection(get(client()));
      expect(error).toBeInstanceOf(AtlasApiError);
      expect((error as AtlasApiError).status).toBe(status);
      expect(error.message).toContain("the response body could not be decoded");
      expect(error.message).not.toContain("connection closed");
    },
  );

  it("atlas.client leaves no listener on a long-lived signal", async () => {
    server.handle((_req, res) => json(res, 200, INVITE));
    const atlas = client();
    const controller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      for (let i = 0; i < 20; i++) {
        const { data } = await atlas.client.GET(
          "/api/atlas/v2/orgs/{orgId}/invites/{invitationId}",
          {
            params: { path: { orgId: ORG_ID, invitationId: INVITATION_ID } },
            signal: controller.signal,
          },
        );
        expect(data?.id).toBe(INVITATION_ID);
        await get(atlas, { signal: controller.signal });
      }
    } finally {
      process.off("warning", onWarning);
    }
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  });

  it("close() lets a call in flight finish, then revokes; the call never sees a 401", async () => {
    const live = new Set<string>();
    server.handle((req, res) => {
      if (req.url === "/api/oauth/token") {
        live.add("inflight-token-eeee");
        json(res, 200, tokenAnswer("inflight-token-eeee", 3600));
      } else if (req.url === "/api/oauth/revoke") {
        live.delete(new URLSearchParams(req.body).get("token") ?? "");
        json(res, 200, {});
      } else {
        const token = (req.headers.authorization ?? "").slice(7);
        setTimeout(() => {
          if (live.has(token)) json(res, 200, INVITE);
          else
            json(res, 401, {
              error: 401,
              reason: "Unauthorized",
              detail: "You are not authorized for this resource.",
            });
        }, 300);
      }
    });
    const atlas = client({
      auth: serviceAccount({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    });
    await get(atlas);
    const inFlight = get(atlas);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = atlas.close();
    await expect(inFlight).resolves.toMatchObject({ id: INVITATION_ID });
    await closing;
    expect(live.size).toBe(0);
    const after = await rejection(get(atlas));
    expect(after.message).toMatch(/closed/);
  });

  it("an endless answer stops at the response size limit with an error that says so", async () => {
    let sent = 0;
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/vnd.atlas.2023-01-01+json" });
      const chunk = Buffer.alloc(64 * 1024, "a");
      const pump = () => {
        while (sent < 600 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 600 * 1024 * 1024 && !res.destroyed) res.once("drain", pump);
      };
      res.on("close", () => (sent = Infinity));
      pump();
    });
    const error = await rejection(get(client({ maxResponseBytes: 1024 * 1024 })));
    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error.message).toMatch(/maxResponseBytes/);
  });

  it("a declared length over the limit is refused before reading", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Length": String(700 * 1024 * 1024) });
      res.write("{");
    });
    const error = await rejection(get(client({ maxResponseBytes: 1024 })));
    expect(error.message).toMatch(
      /734003200 bytes, more than maxResponseBytes allows \(1024 bytes\)/,
    );
  });

  it("an onRetry that throws ends the call with that very exception", async () => {
    server.handle((_req, res) =>
      json(res, 503, { error: 503, detail: "busy" }, { "Retry-After": "0" }),
    );
    const thrown = new Error("my hook failed");
    const atlas = client({
      retry: { maxRetries: 2 },
      onRetry: () => {
        throw thrown;
      },
    });
    await expect(get(atlas)).rejects.toBe(thrown);
    expect(server.seen).toHaveLength(1);
  });

  it("a million invalid items are refused quickly, with a bounded list", async () => {
    const roles = Array.from({ length: 1_000_000 }, () => "NOT_A_ROLE");
    const started = performance.now();
    const error = (await rejection(
      client().updateOrgInviteById({
        orgId: ORG_ID,
        invitationId: INVITATION_ID,
        body: { roles: roles as ["ORG_MEMBER"] },
      }),
    )) as AtlasValidationError;
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(AtlasValidationError);
    expect(error.violations.length).toBeLessThanOrEqual(51);
    expect(error.message.length).toBeLessThan(2_000);
    expect(server.seen).toEqual([]);
    counts.inputsTried++;
  });

  it.each([
    ["missing", undefined],
    ["null", null],
    ["zero", 0],
    ["negative", -30],
    ["not a number", "soon"],
    ["a millionth of a second", 1e-6],
    ["beyond any date (1e13 seconds)", 1e13],
    ["the largest number", Number.MAX_VALUE],
  ])(
    "an expires_in that is %s never costs a token per call, and close() revokes it",
    async (_name, expiresIn) => {
      let issued = 0;
      const revoked: string[] = [];
      server.handle((req, res) => {
        if (req.url === "/api/oauth/token")
          json(res, 200, tokenAnswer(`odd-token-${++issued}-ffff`, expiresIn));
        else if (req.url === "/api/oauth/revoke") {
          revoked.push(new URLSearchParams(req.body).get("token") ?? "");
          json(res, 200, {});
        } else json(res, 200, INVITE);
      });
      const atlas = client({
        auth: serviceAccount({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
      });
      for (let i = 0; i < 5; i++) await get(atlas);
      expect(issued).toBe(1);
      await atlas.close();
      expect(revoked).toEqual(["odd-token-1-ffff"]);
    },
  );

  // The header is scrubbed as it arrives: a value, quoted or bare, reads "[redacted]".
  it.each([
    [
      "algorithm",
      (key: string) => `Digest realm="r", nonce="bm9uY2U=", algorithm=${key}, qop="auth"`,
      "[redacted]",
    ],
    [
      "qop",
      (key: string) => `Digest realm="r", nonce="bm9uY2U=", algorithm=MD5, qop="${key}"`,
      "[redacted]",
    ],
  ])(
    "a Digest challenge that echoes the private key as its %s is named without it in the error",
    async (param, challenge, shown) => {
      const privateKey = "private-key-echo-5678";
      server.handle((_req, res) =>
        json(
          res,
          401,
          { error: 401, reason: "Unauthorized" },
          { "WWW-Authenticate": challenge(privateKey) },
        ),
      );
      const error = await rejection(
        get(client({ auth: apiKey({ publicKey: "abcdefgh", privateKey }) })),
      );
      expect(error).toBeInstanceOf(AtlasAuthError);
      expect(error.message).toContain(`HTTP Digest with ${param}=${shown}, which`);
      expect(leaks(error, [privateKey])).toEqual([]);
    },
  );

  it.each([
    ["nonce", 'Digest realm="MMS Public API", algorithm=MD5, qop="auth"'],
    ["realm", 'Digest nonce="bm9uY2U=", algorithm=MD5, qop="auth"'],
  ])("a Digest challenge without a %s is named as such", async (missing, challenge) => {
    server.handle((_req, res) =>
      json(
        res,
        401,
        { error: 401, reason: "Unauthorized", detail: "You are not authorized for this resource." },
        {
          "WWW-Authenticate": challenge,
        },
      ),
    );
    const atlas = client({
      auth: apiKey({ publicKey: "abcdefgh", privateKey: "private-key-5678" }),
    });
    const error = await rejection(get(atlas));
    expect(error).toBeInstanceOf(AtlasAuthError);
    expect(error.message).toContain(`without ${missing}`);
    expect(leaks(error, ["private-key-5678"])).toEqual([]);
  });
});
