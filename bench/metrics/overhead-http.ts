/**
 * Client overhead over real HTTP: the same calls as the no-network metric, sent over loopback to
 * a server in another process, against raw `fetch(url, init)` plus `response.json()` with the
 * same headers. Both arms use Node's global fetch and its connection pool; the figure is the
 * median over interleaved rounds of the ratio of the two arms' wall-clock time in that round.
 *
 * Further arms, for explaining a miss: raw fetch with only a timeout signal; raw fetch called
 * exactly the way the client's fetch calls it (a Headers object, a timeout signal and timer,
 * `redirect: "manual"`, the body read as text and parsed); `atlas.client.GET/PATCH` without the
 * method; bare openapi-fetch. Two more take the client apart along the request path, each
 * sending through that same shaped raw fetch in place of the client's fetch: openapi-fetch with
 * the client's Request class and serializers and one middleware that sets the same headers (what
 * openapi-fetch's own path costs), and the same with the client's own middleware in its order.
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import type { paths } from "../../generated/atlas.js";
import {
  ACCESS_TOKEN,
  ATLAS_JSON,
  INVITATION_ID,
  ORG_ID,
  ORG_PATH,
  ORG_URL_PATH,
  PATCH_BODY,
} from "../lib/fixtures.js";
import { ROOT } from "../lib/project.js";
import type { MetricReport, Result } from "../lib/results.js";
import type { Runtime } from "../lib/runtime.js";
import {
  interleave,
  medianExcess,
  medianRatio,
  signed,
  type Arm,
  type TimingOptions,
} from "../lib/timing.js";

export const HTTP_RATIO_LIMIT = 1.15;

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

type Label = "GET" | "PATCH";
const LABELS: Label[] = ["GET", "PATCH"];

export async function measureHttpOverhead(
  { client: clientModule, internals }: Runtime,
  quick: boolean,
): Promise<MetricReport> {
  const { createAtlasInvites, accessToken } = clientModule;
  const server = await startServer();
  try {
    const atlas = createAtlasInvites({
      auth: accessToken({ token: ACCESS_TOKEN }),
      baseUrl: server.url,
      onDeprecation: false,
    });
    // The raw arms send what our client sends, so every arm puts the same bytes on the wire.
    const userAgent = `atlas-invites-bench raw-fetch (node ${process.versions.node})`;
    const headersOf = (label: Label): Record<string, string> => ({
      Accept: ATLAS_JSON,
      Authorization: `Bearer ${ACCESS_TOKEN}`,
      "User-Agent": userAgent,
      ...(label === "PATCH" && { "Content-Type": ATLAS_JSON }),
    });
    const bodyOf = (label: Label) => (label === "PATCH" ? JSON.stringify(PATCH_BODY) : undefined);
    const url = `${server.url}${ORG_URL_PATH}`;

    /** Raw fetch with a per-attempt timeout (a signal and a timer, cleared once the body is read). */
    const timedFetch = async (init: RequestInit, readAsText: boolean): Promise<unknown> => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 30_000);
      timer.unref();
      try {
        const response = await fetch(url, { ...init, signal: controller.signal });
        return readAsText ? (JSON.parse(await response.text()) as unknown) : await response.json();
      } finally {
        clearTimeout(timer);
      }
    };
    const bare = createClient<paths>({ baseUrl: server.url, headers: headersOf("GET") });

    /**
     * The shaped raw fetch as openapi-fetch's `fetch`: it sends the client's request the way the
     * client's fetch does (its Headers, its body text, a timeout signal and timer, manual
     * redirects) and leaves reading the body to openapi-fetch.
     */
    const shapedFetch = async (request: Request): Promise<Response> => {
      const own = request as unknown as { bodyText: string | null };
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 30_000);
      timer.unref();
      try {
        return await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: own.bodyText,
          signal: controller.signal,
          redirect: "manual",
        });
      } finally {
        clearTimeout(timer);
      }
    };
    const ownOptions: ClientOptions = {
      baseUrl: server.url,
      fetch: shapedFetch,
      Request: internals.AtlasRequest as unknown as typeof Request,
      bodySerializer: internals.serializeBody,
      querySerializer: internals.serializeQuery,
      pathSerializer: internals.serializePath,
    };
    const headersSetter = (label: Label): Middleware => ({
      onRequest({ request }) {
        for (const [name, value] of Object.entries(headersOf(label))) {
          request.headers.set(name, value);
        }
        return undefined;
      },
    });
    const pathOnly = Object.fromEntries(
      LABELS.map((label) => {
        const client = createClient<paths>(ownOptions);
        client.use(headersSetter(label));
        return [label, client];
      }),
    ) as Record<Label, Client<paths>>;
    // The client's own middleware, as it registers them (notices are off, as for "ours"), over
    // the shaped fetch: atlas.client takes no per-call fetch, so the chain is assembled here.
    const session = accessToken({ token: ACCESS_TOKEN }).start({
      baseUrl: server.url,
      userAgent: internals.buildUserAgent(undefined),
      send: () => Promise.reject(new Error("an access token sends no requests of its own")),
    });
    const chained = createClient<paths>(ownOptions);
    chained.use(
      internals.headersMiddleware(internals.buildUserAgent(undefined)),
      internals.validationMiddleware((text) => text),
      internals.createAuth(session, {
        timeoutMs: 30_000,
        closed: () => false,
        resend: () => Promise.reject(new Error("the loopback server never answers 401")),
      }).middleware,
    );
    const params = { path: { orgId: ORG_ID, invitationId: INVITATION_ID } };
    const ids = { orgId: ORG_ID, invitationId: INVITATION_ID };

    const armsOf = (label: Label): Record<string, Arm> => {
      const viaClient = (client: Client<paths>, extra: object = {}) =>
        label === "GET"
          ? () => client.GET(ORG_PATH, { params, ...extra })
          : () => client.PATCH(ORG_PATH, { params, body: PATCH_BODY, ...extra });
      return {
        raw: async () =>
          (
            await fetch(url, { method: label, headers: headersOf(label), body: bodyOf(label) })
          ).json(),
        ours:
          label === "GET"
            ? () => atlas.getOrgInvite(ids)
            : () => atlas.updateOrgInviteById({ ...ids, body: PATCH_BODY }),
        timed: () =>
          timedFetch({ method: label, headers: headersOf(label), body: bodyOf(label) }, false),
        shaped: () =>
          timedFetch(
            {
              method: label,
              headers: new Headers(headersOf(label)),
              body: bodyOf(label) ?? null,
              redirect: "manual",
            },
            true,
          ),
        client: viaClient(atlas.client),
        bare: viaClient(bare),
        path: viaClient(pathOnly[label]),
        middleware: viaClient(chained),
      };
    };
    const arms: Record<string, Arm> = {};
    for (const label of LABELS) {
      for (const [name, arm] of Object.entries(armsOf(label))) arms[`${label} ${name}`] = arm;
    }
    for (const [name, arm] of Object.entries(arms)) {
      const value = await arm();
      const data = ((value as { data?: unknown }).data ?? value) as { id?: unknown };
      if (data.id !== INVITATION_ID) throw new Error(`loopback overhead: arm "${name}" failed`);
    }
    const options: TimingOptions = quick
      ? { rounds: 61, warmupRounds: 4, batch: 10, clock: "wall" }
      : { rounds: 321, warmupRounds: 8, batch: 10, clock: "wall" };
    const t = await interleave(arms, options);
    // The same calls timed in this process's CPU time: what the client costs here whatever the
    // server and other processes do with the cores meanwhile.
    const cpu = await interleave(
      Object.fromEntries(
        LABELS.flatMap((label) =>
          ["raw", "shaped", "ours"].map((name) => [`${label} ${name}`, arms[`${label} ${name}`]!]),
        ),
      ),
      { ...options, rounds: Math.ceil(options.rounds / 3), clock: "cpu" },
    );
    await atlas.close();

    const rows: Result[] = [];
    const details: string[] = [];
    const misses: string[] = [];
    for (const label of LABELS) {
      const arm = (name: string) => t[`${label} ${name}`]!;
      const excess = (name: string) => signed(medianExcess(arm(name), arm("raw")), 1);
      const ratioOf = (name: string) => medianRatio(arm(name), arm("raw")).toFixed(3);
      const ratio = medianRatio(arm("ours"), arm("raw"));
      const met = ratio <= HTTP_RATIO_LIMIT;
      rows.push({
        name: `Client overhead, ${label}, loopback HTTP`,
        value: arm("ours").medianUs,
        unit: "µs/call",
        baseline: arm("raw").medianUs,
        ratio,
        target: `ratio <= ${HTTP_RATIO_LIMIT.toFixed(2)}`,
        met,
      });
      const versus =
        `raw fetch with a timeout signal ${ratioOf("timed")}x (${excess("timed")} µs), raw fetch ` +
        `called as the client's fetch calls it ${ratioOf("shaped")}x (${excess("shaped")} µs), ` +
        `\`atlas.client.${label}\` ${ratioOf("client")}x (${excess("client")} µs), bare ` +
        `openapi-fetch ${ratioOf("bare")}x (${excess("bare")} µs)`;
      /** How much longer arm `a` took than arm `b`, median of the per-round differences. */
      const part = (a: string, b: string) => signed(medianExcess(arm(a), arm(b)), 1);
      const parts =
        `${label} over loopback HTTP, what each part of the request path adds (µs per call, ` +
        "median of per-round differences between arms that differ by that part only): what the " +
        `client's fetch asks of undici (a timeout signal, manual redirects) ${part("shaped", "raw")}; ` +
        "openapi-fetch's own path (the client's Request class and serializers, one middleware " +
        `setting the same headers) over that shaped fetch ${part("path", "shaped")}; the client's ` +
        `middleware (headers, validation, authentication) instead of that one ` +
        `${part("middleware", "path")}; the client's fetch (bounded body readers, retry ` +
        "bookkeeping, the origin check) and its count of calls in progress instead of the shaped fetch " +
        `${part("client", "middleware")}; the method over \`atlas.client.${label}\` ` +
        `${part("ours", "client")}`;
      const cpuOf = (name: string) => cpu[`${label} ${name}`]!;
      const cpuLine =
        `in this process's CPU time per call: raw fetch ${cpuOf("raw").medianUs.toFixed(1)} µs, ` +
        `raw fetch called as the client's fetch calls it ` +
        `${signed(medianExcess(cpuOf("shaped"), cpuOf("raw")), 1)} µs more, ours ` +
        `${signed(medianExcess(cpuOf("ours"), cpuOf("raw")), 1)} µs more`;
      details.push(
        `${label} over loopback HTTP, median wall-clock µs per call: raw fetch ` +
          `${arm("raw").medianUs.toFixed(1)}, ours ${arm("ours").medianUs.toFixed(1)}. Per round, ` +
          `over raw fetch (medians): ours ${ratio.toFixed(3)}x (${excess("ours")} µs), ${versus}; ` +
          `${cpuLine}.`,
        `${parts}.`,
      );
      if (!met) {
        misses.push(
          `Client overhead, ${label}, loopback HTTP: ours took ${ratio.toFixed(3)}x raw fetch ` +
            `(${excess("ours")} µs per call; the ${HTTP_RATIO_LIMIT.toFixed(2)} target allows ` +
            `${((HTTP_RATIO_LIMIT - 1) * arm("raw").medianUs).toFixed(1)} µs in this run). ` +
            `Against the same raw fetch: ${versus}. What the client's fetch asks of undici ` +
            "(a timeout signal and manual redirects) is the gap between raw fetch and raw fetch " +
            "called as the client's fetch calls it; the rest is the client's own JavaScript " +
            `(${cpuLine}), broken down by part in the details. Wall-clock time ` +
            "stretches CPU time when the cores are shared; the load average was " +
            `${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores when these rounds ended.`,
        );
      }
    }
    details.push(
      `Loopback HTTP: ${options.rounds} interleaved rounds of ${options.batch} sequential calls ` +
        `per arm after ${options.warmupRounds} warm-up rounds, then ` +
        `${Math.ceil(options.rounds / 3)} rounds of the raw, shaped and ours arms timed in CPU time.`,
    );
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
