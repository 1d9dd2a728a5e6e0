/**
 * Client overhead over real HTTP: the same calls as the no-network metric, sent over loopback to
 * a server in another process, against raw `fetch(url, init)` plus `response.json()` with the
 * same headers. Both arms use Node's global fetch and its connection pool; the figure is the
 * median over interleaved rounds of the ratio of the two arms' wall-clock time in that round.
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../lib/project.js";
import {
  ACCESS_TOKEN,
  ATLAS_JSON,
  INVITATION_ID,
  ORG_ID,
  ORG_PATH,
  ORG_URL_PATH,
  PATCH_BODY,
} from "../lib/fixtures.js";
import createClient from "openapi-fetch";
import type { paths } from "../../generated/atlas.js";
import type { MetricReport, Result } from "../lib/results.js";
import type { ClientModule } from "../lib/runtime.js";
import {
  interleave,
  medianExcess,
  medianRatio,
  signed,
  type TimingOptions,
} from "../lib/timing.js";

export const HTTP_RATIO_LIMIT = 1.1;

const SERVER = path.join(ROOT, "bench/lib/loopback-server.ts");

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(SERVER, [], {
    execArgv: ["--import", "tsx"],
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const [message] = (await once(child, "message")) as [{ port: number }];
  return { child, url: `http://127.0.0.1:${message.port}` };
}

export async function measureHttpOverhead(
  { createAtlasInvites }: ClientModule,
  quick: boolean,
): Promise<MetricReport> {
  const server = await startServer();
  try {
    const atlas = createAtlasInvites({
      auth: { type: "accessToken", token: ACCESS_TOKEN },
      baseUrl: server.url,
      onDeprecation: false,
    });
    // The raw arm sends what our client sends, so both put the same bytes on the wire.
    const userAgent = `atlas-invites-bench raw-fetch (node ${process.versions.node})`;
    const getHeaders = {
      Accept: ATLAS_JSON,
      Authorization: `Bearer ${ACCESS_TOKEN}`,
      "User-Agent": userAgent,
    };
    const patchHeaders = { ...getHeaders, "Content-Type": ATLAS_JSON };
    const url = `${server.url}${ORG_URL_PATH}`;
    // Raw fetch with what a per-attempt timeout needs (an AbortSignal and a timer, cleared once
    // the body is read), to show how much of our overhead is the timeout alone.
    const timedFetch = async (init: RequestInit): Promise<unknown> => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 30_000);
      timer.unref();
      try {
        const response = await fetch(url, { ...init, signal: controller.signal });
        return await response.json();
      } finally {
        clearTimeout(timer);
      }
    };
    const patchInit = () => ({
      method: "PATCH",
      headers: patchHeaders,
      body: JSON.stringify(PATCH_BODY),
    });
    // Bare openapi-fetch over the same socket, for reference: the request path ours builds on.
    const bare = createClient<paths>({ baseUrl: server.url, headers: getHeaders });
    const params = { path: { orgId: ORG_ID, invitationId: INVITATION_ID } };
    const arms = {
      rawGet: async () => (await fetch(url, { method: "GET", headers: getHeaders })).json(),
      oursGet: () => atlas.getOrgInvite({ orgId: ORG_ID, invitationId: INVITATION_ID }),
      timedGet: () => timedFetch({ method: "GET", headers: getHeaders }),
      rawPatch: async () => (await fetch(url, patchInit())).json(),
      timedPatch: () => timedFetch(patchInit()),
      bareGet: () => bare.GET(ORG_PATH, { params }),
      barePatch: () => bare.PATCH(ORG_PATH, { params, body: PATCH_BODY }),
      oursPatch: () =>
        atlas.updateOrgInviteById({
          orgId: ORG_ID,
          invitationId: INVITATION_ID,
          body: PATCH_BODY,
        }),
    };
    for (const arm of Object.values(arms)) {
      const value = await arm();
      const data = ((value as { data?: unknown }).data ?? value) as { id?: unknown };
      if (data.id !== INVITATION_ID) throw new Error("loopback overhead: unexpected answer");
    }
    const options: TimingOptions = quick
      ? { rounds: 61, warmupRounds: 4, batch: 10, clock: "wall" }
      : { rounds: 321, warmupRounds: 8, batch: 10, clock: "wall" };
    const t = await interleave(arms, options);
    await atlas.close();

    const rows: Result[] = [];
    const details: string[] = [];
    for (const [label, raw, ours, timed, bareArm] of [
      ["GET", t.rawGet, t.oursGet, t.timedGet, t.bareGet],
      ["PATCH", t.rawPatch, t.oursPatch, t.timedPatch, t.barePatch],
    ] as const) {
      const ratio = medianRatio(ours, raw);
      rows.push({
        name: `Client overhead, ${label}, loopback HTTP`,
        value: ours.medianUs,
        unit: "µs/call",
        baseline: raw.medianUs,
        ratio,
        target: `ratio <= ${HTTP_RATIO_LIMIT.toFixed(2)}`,
        met: ratio <= HTTP_RATIO_LIMIT,
      });
      details.push(
        `${label} over loopback HTTP, median wall-clock µs per call: raw fetch ${raw.medianUs.toFixed(1)}, ` +
          `ours ${ours.medianUs.toFixed(1)}, raw fetch with a timeout signal ${timed.medianUs.toFixed(1)}; ` +
          `per round ours took ${ratio.toFixed(3)}x raw fetch (median; ` +
          `${signed(medianExcess(ours, raw), 1)} µs), raw fetch with a timeout signal ` +
          `${medianRatio(timed, raw).toFixed(3)}x and bare openapi-fetch ` +
          `${medianRatio(bareArm, raw).toFixed(3)}x (${signed(medianExcess(bareArm, raw), 1)} µs); ` +
          `${options.rounds} interleaved rounds of ` +
          `${options.batch} sequential calls per arm after ${options.warmupRounds} warm-up rounds.`,
      );
    }
    const timeoutShare = (["GET", "PATCH"] as const).map((label) => {
      const raw = label === "GET" ? t.rawGet : t.rawPatch;
      const ours = label === "GET" ? t.oursGet : t.oursPatch;
      const timed = label === "GET" ? t.timedGet : t.timedPatch;
      const bareArm = label === "GET" ? t.bareGet : t.barePatch;
      return (
        `${label} ${signed(medianExcess(ours, raw), 1)} µs, where raw fetch with only a timeout ` +
        `signal adds ${signed(medianExcess(timed, raw), 1)} µs and bare openapi-fetch ` +
        `${signed(medianExcess(bareArm, raw), 1)} µs (${medianRatio(bareArm, raw).toFixed(2)}x)`
      );
    });
    const misses = rows.some((r) => r.met === false)
      ? [
          "Client overhead over loopback HTTP: per call, ours adds " +
            `${timeoutShare.join("; ")}. Ours hands undici an AbortSignal for every attempt ` +
            "(needed to abort one that runs past its timeout and free its socket), runs six " +
            "middleware and a retrying transport, and allocates more per call, which costs more " +
            "garbage collection over a real socket than in the no-network loop. The " +
            `${HTTP_RATIO_LIMIT.toFixed(2)} target leaves ` +
            `${((HTTP_RATIO_LIMIT - 1) * t.rawGet.medianUs).toFixed(1)} µs per GET in this run, ` +
            `of which the timeout signal alone takes ${medianExcess(t.timedGet, t.rawGet).toFixed(1)} µs. ` +
            "The load average was " +
            `${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores when these rounds ended.`,
        ]
      : [];
    return {
      results: rows,
      details,
      misses,
      commands: [
        "server: child_process.fork(bench/lib/loopback-server.ts) on 127.0.0.1, one fixed 200 answer; " +
          "client: global fetch (undici) in the bench process, keep-alive",
      ],
    };
  } finally {
    server.child.disconnect();
    server.child.kill();
  }
}
