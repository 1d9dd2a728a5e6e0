/**
 * Client overhead with no network: every arm calls the same stub `fetch`, which builds a fresh
 * Response for each call, and reads the JSON body. The raw arm is `fetch(url, init)` plus
 * `response.json()`; "ours" is the full client (access-token auth, version header, input
 * validation, retries and the per-attempt timeout on, deprecation notices off via
 * `onDeprecation: false`); "openapi-fetch" is a bare `createClient()` with its default
 * `Request`. What is left after subtracting the raw arm is what each client adds per call.
 */
import createClient from "openapi-fetch";
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
import type { ClientModule } from "../lib/runtime.js";
import { interleave, medianExcess, signed, type TimingOptions } from "../lib/timing.js";

export const STUB_OVERHEAD_LIMIT_US = 10;

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

export async function measureStubOverhead(
  { createAtlasInvites }: ClientModule,
  quick: boolean,
): Promise<MetricReport> {
  const atlas = createAtlasInvites({
    auth: { type: "accessToken", token: ACCESS_TOKEN },
    baseUrl: BASE_URL,
    fetch: stubFetch,
    onDeprecation: false,
  });
  const bare = createClient<paths>({
    baseUrl: BASE_URL,
    fetch: stubFetch,
    headers: { Authorization: `Bearer ${ACCESS_TOKEN}` },
  });
  const url = `${BASE_URL}${ORG_URL_PATH}`;
  const params = { path: { orgId: ORG_ID, invitationId: INVITATION_ID } };
  const getHeaders = { Accept: ATLAS_JSON, Authorization: `Bearer ${ACCESS_TOKEN}` };
  const patchHeaders = { ...getHeaders, "Content-Type": ATLAS_JSON };

  const arms = {
    rawGet: async () => {
      const response = await stubFetch(url, { method: "GET", headers: getHeaders });
      return response.json();
    },
    oursGet: () => atlas.getOrgInvite({ orgId: ORG_ID, invitationId: INVITATION_ID }),
    bareGet: () => bare.GET(ORG_PATH, { params }),
    rawPatch: async () => {
      const response = await stubFetch(url, {
        method: "PATCH",
        headers: patchHeaders,
        body: JSON.stringify(PATCH_BODY),
      });
      return response.json();
    },
    oursPatch: () =>
      atlas.updateOrgInviteById({ orgId: ORG_ID, invitationId: INVITATION_ID, body: PATCH_BODY }),
    barePatch: () => bare.PATCH(ORG_PATH, { params, body: PATCH_BODY }),
  };
  // Fails loudly if a stubbed call does not return the invitation, before any timing.
  for (const arm of Object.values(arms)) {
    const value = await arm();
    const data = (value as { data?: unknown }).data ?? value;
    if ((data as { id?: unknown }).id !== INVITATION_ID) {
      throw new Error(`stub overhead: an arm returned ${JSON.stringify(value)}`);
    }
  }

  const options: TimingOptions = quick
    ? { rounds: 15, warmupRounds: 3, batch: 200, clock: "cpu" }
    : { rounds: 101, warmupRounds: 8, batch: 200, clock: "cpu" };
  const t = await interleave(arms, options);
  await atlas.close();

  const rows: Result[] = [];
  const details: string[] = [];
  for (const [label, raw, ours, bareArm] of [
    ["GET", t.rawGet, t.oursGet, t.bareGet],
    ["PATCH", t.rawPatch, t.oursPatch, t.barePatch],
  ] as const) {
    const oursOver = medianExcess(ours, raw);
    const bareOver = medianExcess(bareArm, raw);
    rows.push({
      name: `Client overhead, ${label}, no network`,
      value: oursOver,
      unit: "µs/call over raw fetch",
      baseline: bareOver,
      ratio: bareOver > 0 ? oursOver / bareOver : null,
      target: `<= ${STUB_OVERHEAD_LIMIT_US} µs and < openapi-fetch`,
      met: oursOver <= STUB_OVERHEAD_LIMIT_US && oursOver < bareOver,
    });
    details.push(
      `${label} with a stub fetch, median CPU µs per call: raw fetch ${raw.medianUs.toFixed(2)}, ` +
        `ours ${ours.medianUs.toFixed(2)}, bare openapi-fetch ${bareArm.medianUs.toFixed(2)}; ` +
        `over raw fetch (median of the per-round differences) ours ${signed(oursOver, 2)}, ` +
        `openapi-fetch ${signed(bareOver, 2)}; ${options.rounds} interleaved rounds of ` +
        `${options.batch} sequential calls per arm after ${options.warmupRounds} warm-up rounds.`,
    );
  }
  // What a few platform objects cost on this Node, for reading the figures above: the client
  // creates one AbortSignal per attempt (its timeout), openapi-fetch's default path one Request.
  const primitives = await interleave(
    {
      empty: () => Promise.resolve(),
      signal: () => Promise.resolve(new AbortController().signal),
      getRequest: () => Promise.resolve(new Request(url, { headers: getHeaders })),
      patchRequest: () =>
        Promise.resolve(
          new Request(url, { method: "PATCH", headers: patchHeaders, body: '{"roles":[]}' }),
        ),
      response: () => stubFetch(url),
    },
    { ...options, batch: options.batch * 2 },
  );
  const cost = (arm: keyof typeof primitives) =>
    medianExcess(primitives[arm], primitives.empty).toFixed(2);
  details.push(
    `Platform costs on this Node, median CPU µs each: new AbortController().signal ${cost("signal")}, ` +
      `new Request (GET) ${cost("getRequest")}, new Request (PATCH with a body) ${cost("patchRequest")}, ` +
      `new Response ${cost("response")}.`,
  );
  const misses = rows.some((r) => r.met === false)
    ? [
        "Client overhead without network: each call of ours runs through openapi-fetch's request " +
          "pipeline, as the bare openapi-fetch arm does, and adds six middleware, input validation " +
          "and a transport that arms a per-attempt timeout with an AbortSignal of its own " +
          `(${cost("signal")} µs CPU each on this Node, before the garbage it leaves). The bare arm ` +
          "has no timeout, validation or retries; it pays for a standard Request instead " +
          `(${cost("getRequest")} µs for a GET, ${cost("patchRequest")} µs with a body), which is ` +
          "why its PATCH costs more than its GET.",
      ]
    : [];
  return {
    results: rows,
    details,
    misses,
    commands: [
      "in-process: stub fetch returning `new Response(body, { status: 200, headers })` per call; " +
        "ours = createAtlasInvites({ auth: { type: 'accessToken' }, fetch: stub, onDeprecation: false }) " +
        "(retries and the 30 s per-attempt timeout at their defaults); openapi-fetch = createClient({ fetch: stub }); " +
        "raw = `(await stub(url, init)).json()`",
    ],
  };
}
