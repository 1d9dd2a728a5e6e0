/**
 * Client overhead with no network: every arm calls the same stub `fetch`, which builds a fresh
 * Response for each call, and reads the JSON body. The raw arm is `fetch(url, init)` plus
 * `response.json()`; "ours" is a method of the full client (access-token auth, version header,
 * input validation, retries and the per-attempt timeout at their defaults, deprecation notices
 * off via `onDeprecation: false`, so that their middleware is not registered); the baseline is a bare openapi-fetch `createClient()` with its
 * default `Request`. What is left after subtracting the raw arm is what each client adds per call,
 * and the row's ratio is ours over the baseline's.
 *
 * Further arms take the client apart, so that a miss can be explained with figures:
 * - bare openapi-fetch with one middleware that does nothing (what openapi-fetch charges for
 *   having middleware at all);
 * - bare openapi-fetch with the client's Request class and serializers and no middleware;
 * - the same plus each of the client's middleware alone;
 * - the same with every middleware the client registers, in its order, and none of its fetch
 *   (timeout, retries, body rules) nor its count of calls in progress (atlas.client takes no
 *   per-call `fetch`);
 * - `atlas.client.GET/PATCH` as is: middleware and the client's fetch, without the method.
 */
import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import type { paths } from "../../generated/atlas.js";
import {
  ACCESS_TOKEN,
  ATLAS_JSON,
  INVITATION_ID,
  ORG_ID,
  ORG_INVITE_TEXT,
  ORG_PATH,
  ORG_URL_PATH,
  PATCH_BODY,
} from "../lib/fixtures.js";
import type { MetricReport, Result } from "../lib/results.js";
import type { Runtime } from "../lib/runtime.js";
import { interleave, medianExcess, signed, type Arm, type TimingOptions } from "../lib/timing.js";

/** Targets for ours-over-raw divided by openapi-fetch-over-raw. */
export const STUB_RATIO_LIMITS = { GET: 1.0, PATCH: 0.6 } as const;

const BASE_URL = "https://cloud.mongodb.com";
const RESPONSE_HEADERS = {
  "Content-Type": ATLAS_JSON,
  "Content-Length": String(Buffer.byteLength(ORG_INVITE_TEXT)),
  "RateLimit-Limit": "100",
  "RateLimit-Remaining": "99",
};

/** Ignores the request and answers 200 with a new Response each time, as a server would. */
function stubFetch(_input: unknown, _init?: unknown): Promise<Response> {
  return Promise.resolve(new Response(ORG_INVITE_TEXT, { status: 200, headers: RESPONSE_HEADERS }));
}

type Label = "GET" | "PATCH";
const LABELS: Label[] = ["GET", "PATCH"];

export async function measureStubOverhead(
  { client: clientModule, internals }: Runtime,
  quick: boolean,
): Promise<MetricReport> {
  const { createAtlasInvites, accessToken } = clientModule;
  const auth = accessToken({ token: ACCESS_TOKEN });
  const atlas = createAtlasInvites({
    auth,
    baseUrl: BASE_URL,
    fetch: stubFetch,
    onDeprecation: false,
  });

  // The same client with deprecation notices on, delivered to a callback that does nothing: per
  // call, the work of the default (which warns once per process, then only checks).
  const withNotices = createAtlasInvites({
    auth,
    baseUrl: BASE_URL,
    fetch: stubFetch,
    onDeprecation: () => undefined,
  });

  const authHeader = { Authorization: `Bearer ${ACCESS_TOKEN}` };
  const bare = createClient<paths>({ baseUrl: BASE_URL, fetch: stubFetch, headers: authHeader });
  const noop: Middleware = { onRequest: () => undefined, onResponse: () => undefined };
  const bareNoop = createClient<paths>({
    baseUrl: BASE_URL,
    fetch: stubFetch,
    headers: authHeader,
  });
  bareNoop.use(noop);

  // openapi-fetch with what the client gives it in place of its defaults, and the stub as fetch.
  const ownOptions: ClientOptions = {
    baseUrl: BASE_URL,
    fetch: stubFetch,
    Request: internals.AtlasRequest as unknown as typeof Request,
    bodySerializer: internals.serializeBody,
    querySerializer: internals.serializeQuery,
    pathSerializer: internals.serializePath,
  };
  const own = (...middleware: Middleware[]): Client<paths> => {
    const client = createClient<paths>(ownOptions);
    if (middleware.length > 0) client.use(...middleware);
    return client;
  };
  const session = auth.start({
    baseUrl: BASE_URL,
    userAgent: internals.buildUserAgent(undefined),
    send: () => Promise.reject(new Error("an access token sends no requests of its own")),
  });
  const authMiddleware = internals.createAuth(session, {
    timeoutMs: 30_000,
    closed: () => false,
    resend: () => Promise.reject(new Error("the stub never answers 401")),
  }).middleware;
  // Each middleware alone, as the client builds it.
  const single: Record<string, Middleware> = {
    "headers (version, User-Agent)": internals.headersMiddleware(
      internals.buildUserAgent(undefined),
    ),
    // Its scrubber runs only on a refusal's text.
    validation: internals.validationMiddleware((text) => text),
    // Notices on, delivered to a callback that does nothing (the client leaves this middleware
    // out when they are off, as "ours" has them). Its scrubber runs only on a notice's text.
    deprecation: internals.deprecationMiddleware(
      () => undefined,
      (text) => text,
    ),
    auth: authMiddleware,
  };
  const ownClient = own();
  // What "ours" registers: deprecation notices are off there.
  const middlewareOnly = own(
    single["headers (version, User-Agent)"]!,
    single.validation!,
    single.auth!,
  );
  const singleClients = Object.fromEntries(
    Object.entries(single).map(([name, middleware]) => [name, own(middleware)]),
  );

  const url = `${BASE_URL}${ORG_URL_PATH}`;
  const params = { path: { orgId: ORG_ID, invitationId: INVITATION_ID } };
  const ids = { orgId: ORG_ID, invitationId: INVITATION_ID };
  const getHeaders = { Accept: ATLAS_JSON, ...authHeader };
  const patchHeaders = { ...getHeaders, "Content-Type": ATLAS_JSON };

  /** The arms of one method, by name; every arm reads the invitation. */
  const armsOf = (label: Label): Record<string, Arm> => {
    const call = (client: Client<paths>, extra: object = {}) =>
      label === "GET"
        ? () => client.GET(ORG_PATH, { params, ...extra })
        : () => client.PATCH(ORG_PATH, { params, body: PATCH_BODY, ...extra });
    const arms: Record<string, Arm> = {
      raw:
        label === "GET"
          ? async () => (await stubFetch(url, { method: "GET", headers: getHeaders })).json()
          : async () => {
              const init = {
                method: "PATCH",
                headers: patchHeaders,
                body: JSON.stringify(PATCH_BODY),
              };
              return (await stubFetch(url, init)).json();
            },
      ours:
        label === "GET"
          ? () => atlas.getOrgInvite(ids)
          : () => atlas.updateOrgInviteById({ ...ids, body: PATCH_BODY }),
      oursNotices:
        label === "GET"
          ? () => withNotices.getOrgInvite(ids)
          : () => withNotices.updateOrgInviteById({ ...ids, body: PATCH_BODY }),
      bare: call(bare),
      bareNoop: call(bareNoop),
      own: call(ownClient),
      middlewareOnly: call(middlewareOnly),
      client: call(atlas.client),
    };
    for (const [name, client] of Object.entries(singleClients)) arms[`own+${name}`] = call(client);
    return arms;
  };
  const arms: Record<string, Arm> = {};
  for (const label of LABELS) {
    for (const [name, arm] of Object.entries(armsOf(label))) arms[`${label} ${name}`] = arm;
  }
  // Fails loudly if a stubbed call does not return the invitation, before any timing.
  for (const [name, arm] of Object.entries(arms)) {
    const value = await arm();
    const data = (value as { data?: unknown }).data ?? value;
    const id = typeof data === "string" ? (JSON.parse(data) as { id?: unknown }).id : undefined;
    if ((data as { id?: unknown }).id !== INVITATION_ID && id !== INVITATION_ID) {
      throw new Error(`stub overhead: arm "${name}" returned ${JSON.stringify(value)}`);
    }
  }

  const options: TimingOptions = quick
    ? { rounds: 15, warmupRounds: 3, batch: 200, clock: "cpu" }
    : { rounds: 101, warmupRounds: 8, batch: 200, clock: "cpu" };
  const t = await interleave(arms, options);
  await atlas.close();
  await withNotices.close();

  const rows: Result[] = [];
  const details: string[] = [];
  const misses: string[] = [];
  for (const label of LABELS) {
    const arm = (name: string) => t[`${label} ${name}`]!;
    /** How much longer arm `a` took than arm `b`, median of the per-round differences, in µs. */
    const over = (a: string, b: string) => medianExcess(arm(a), arm(b));
    const oursOver = over("ours", "raw");
    const bareOver = over("bare", "raw");
    const ratio = bareOver > 0 ? oursOver / bareOver : null;
    const limit = STUB_RATIO_LIMITS[label];
    const met = ratio !== null && ratio <= limit;
    rows.push({
      name: `Client overhead, ${label}, no network`,
      value: oursOver,
      unit: "µs/call over raw fetch",
      baseline: bareOver,
      ratio,
      target: `ratio <= ${limit.toFixed(2)}`,
      met,
    });
    const f = (n: number) => signed(n, 2);
    const parts = [
      `the client's Request class and serializers instead of openapi-fetch's defaults ${f(over("own", "bare"))}`,
      `openapi-fetch's own cost of having middleware (one that does nothing) ${f(over("bareNoop", "bare"))}`,
      `the client's middleware (headers, validation, authentication) ${f(over("middlewareOnly", "own"))}, of which alone: ` +
        Object.keys(single)
          .map((name) => `${name} ${f(over(`own+${name}`, "own"))}`)
          .join(", "),
      `the client's fetch (timeout signal and timer, retry bookkeeping, body rules) and its count of calls in progress ${f(over("client", "middlewareOnly"))}`,
      `the method over \`atlas.client.${label}\` (its argument split into path and query, ` +
        `the body read as text and parsed) ${f(over("ours", "client"))}`,
      `not part of the row: the same call with deprecation notices on (delivered to a callback) ` +
        `${f(over("oursNotices", "ours"))}`,
    ];
    details.push(
      `${label} with a stub fetch, median CPU µs per call: raw fetch ${arm("raw").medianUs.toFixed(2)}, ` +
        `ours ${arm("ours").medianUs.toFixed(2)}, bare openapi-fetch ${arm("bare").medianUs.toFixed(2)}; ` +
        `over raw fetch (median of the per-round differences) ours ${f(oursOver)}, ` +
        `openapi-fetch ${f(bareOver)}, ratio ${ratio === null ? "-" : ratio.toFixed(2)}.`,
      `${label} with a stub fetch, what each part adds (µs per call, median of per-round ` +
        `differences between arms that differ by that part only): ${parts.join("; ")}.`,
    );
    if (!met) {
      misses.push(
        `Client overhead, ${label}, no network: ours adds ${oursOver.toFixed(2)} µs per call over raw ` +
          `fetch against ${bareOver.toFixed(2)} µs for bare openapi-fetch (ratio ` +
          `${ratio === null ? "-" : ratio.toFixed(2)}, target ${limit.toFixed(2)}). By part: ${parts.join("; ")}. ` +
          "The parts are measured in separate arms, so they add up to the total only roughly.",
      );
    }
  }
  details.push(
    `No network: ${options.rounds} interleaved rounds of ${options.batch} sequential calls per arm ` +
      `after ${options.warmupRounds} warm-up rounds, ${Object.keys(arms).length} arms in all.`,
  );

  // What a few platform objects cost on this Node, for reading the figures above: the client's
  // fetch creates one AbortController per attempt, openapi-fetch's default path one Request.
  const primitives = await interleave(
    {
      empty: () => Promise.resolve(),
      signal: () => Promise.resolve(new AbortController().signal),
      timer: () => Promise.resolve(clearTimeout(setTimeout(() => undefined, 30_000))),
      headers: () => Promise.resolve(new Headers(getHeaders)),
      getRequest: () => Promise.resolve(new Request(url, { headers: getHeaders })),
      patchRequest: () =>
        Promise.resolve(
          new Request(url, { method: "PATCH", headers: patchHeaders, body: '{"roles":[]}' }),
        ),
      response: () => stubFetch(url),
      await: async () => {
        await Promise.resolve();
      },
    },
    { ...options, batch: options.batch * 2 },
  );
  const cost = (arm: keyof typeof primitives) =>
    medianExcess(primitives[arm], primitives.empty).toFixed(2);
  details.push(
    `Platform costs on this Node, median CPU µs each: new AbortController().signal ${cost("signal")}, ` +
      `setTimeout + clearTimeout ${cost("timer")}, new Headers (2 fields) ${cost("headers")}, ` +
      `new Request (GET) ${cost("getRequest")}, new Request (PATCH with a body) ${cost("patchRequest")}, ` +
      `new Response ${cost("response")}, an async function that awaits a resolved promise ${cost("await")}.`,
  );
  return {
    results: rows,
    details,
    misses,
    commands: [
      "in-process: stub fetch returning `new Response(body, { status: 200, headers })` per call; " +
        "ours = createAtlasInvites({ auth: accessToken({ token }), fetch: stub, onDeprecation: false }) " +
        "(retries and the 30 s per-attempt timeout at their defaults); openapi-fetch = " +
        "createClient({ fetch: stub, headers: { Authorization } }); raw = `(await stub(url, init)).json()`",
    ],
  };
}
