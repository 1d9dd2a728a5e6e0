/**
 * `npm run bench`: every metric of the benchmark, side by side in one run, printed as a table
 * and written to bench/results.json and BENCHMARKS.md.
 *
 * `npm run bench -- --quick` is the reduced run for CI: fewer rounds, no pipeline or type-check
 * timings, nothing written but .tmp/bench-quick.json. It fails only when a count misses its
 * target (Digest exchanges per call, token requests) or a bundle outgrows its CI regression
 * budget (the bundle targets are reported there, not enforced); timing ratios are printed, not
 * enforced, because CI machines are shared and noisy. A metric that cannot run at all fails either
 * mode. The full run exits non-zero when any target is missed, after writing its reports.
 */
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as prettier from "prettier";
import { measureDigest, measureTokenRequests } from "./metrics/auth-counts.js";
import { BUNDLE_PROGRAMS, measureBundle } from "./metrics/bundle.js";
import { HTTP_RATIO_LIMIT, measureHttpOverhead } from "./metrics/overhead-http.js";
import { measureStubOverhead, STUB_RATIO_LIMITS } from "./metrics/overhead-stub.js";
import { measurePipeline } from "./metrics/pipeline.js";
import { measureTypecheck } from "./metrics/typecheck.js";
import { ROOT } from "./lib/project.js";
import { markdownTable, textTable, type MetricReport, type Result } from "./lib/results.js";
import { loadRuntime, type Runtime } from "./lib/runtime.js";

const quick = process.argv.includes("--quick");
const unknown = process.argv.slice(2).filter((arg) => arg !== "--quick");
if (unknown.length > 0) {
  console.error(`bench: unknown argument(s) ${unknown.join(" ")}; the only option is --quick`);
  process.exit(2);
}

/**
 * Rows that fail `--quick`: counts and the bundles' CI regression budgets, which noise cannot move.
 * The bundle targets are reported there but not enforced; the budgets catch growth instead.
 */
const ENFORCED_IN_QUICK = new Set([
  "Digest exchanges per call",
  "Token requests for 1,000 concurrent first calls",
  ...BUNDLE_PROGRAMS.map((p) => p.budgetName),
]);

const bytes = (n: number) => `${n.toLocaleString("en-US")} B`;

interface Metric {
  /** Names of the rows it produces, so a failed metric still shows up in the table. */
  rows: string[];
  units: string[];
  targets: string[];
  run: (runtime: Runtime) => Promise<MetricReport>;
  full?: boolean;
  /** What the rows measure and how, in a sentence or two, for BENCHMARKS.md. */
  about: string;
}

const metrics: Metric[] = [
  {
    rows: ["Digest exchanges per call"],
    units: ["exchanges/call"],
    targets: ["<= 1.01"],
    run: (rt) => measureDigest(rt.client, rt.testing),
    about:
      "HTTP exchanges per call with an API key (HTTP Digest), counted by the fake Atlas over " +
      "200 sequential calls, next to a client that is challenged on every call (the baseline).",
  },
  {
    rows: ["Token requests for 1,000 concurrent first calls"],
    units: ["requests"],
    targets: ["= 1"],
    run: (rt) => measureTokenRequests(rt.client, rt.testing),
    about:
      "Requests to the fake Atlas's token endpoint when 1,000 calls start at once on a new " +
      "service-account client and the endpoint takes 50 ms to answer.",
  },
  {
    rows: ["Client overhead, GET, no network", "Client overhead, PATCH, no network"],
    units: ["µs/call over raw fetch", "µs/call over raw fetch"],
    targets: [
      `ratio <= ${STUB_RATIO_LIMITS.GET.toFixed(2)}`,
      `ratio <= ${STUB_RATIO_LIMITS.PATCH.toFixed(2)}`,
    ],
    run: (rt) => measureStubOverhead(rt, quick),
    about:
      "CPU time a call adds over `fetch` + `response.json()` when fetch is a stub that answers " +
      "at once (value), against what bare openapi-fetch adds over the same stub (baseline); the " +
      "ratio is the one to meet. The client runs with an access token and deprecation notices " +
      "off (`onDeprecation: false`, which leaves their middleware out). Further arms take the " +
      "client apart (its Request class, each middleware, its fetch, the method) and are listed " +
      "under Details.",
  },
  {
    rows: ["Client overhead, GET, loopback HTTP", "Client overhead, PATCH, loopback HTTP"],
    units: ["µs/call", "µs/call"],
    targets: [`ratio <= ${HTTP_RATIO_LIMIT.toFixed(2)}`, `ratio <= ${HTTP_RATIO_LIMIT.toFixed(2)}`],
    run: (rt) => measureHttpOverhead(rt, quick),
    about:
      "Wall-clock time of a call to a server in another process over 127.0.0.1 (value) against " +
      "raw `fetch` with the same headers and body (baseline); the ratio is the median of the " +
      "per-round ratios. Further arms take the request path apart (what the client's fetch asks " +
      "of undici, openapi-fetch's own path, the client's middleware, the client's fetch, the " +
      "method) and are listed under Details.",
  },
  {
    rows: BUNDLE_PROGRAMS.flatMap((p) => [p.name, p.budgetName]),
    units: BUNDLE_PROGRAMS.flatMap(() => ["B", "B"]),
    targets: BUNDLE_PROGRAMS.flatMap((p) => [
      `<= ${bytes(p.target)}`,
      `<= ${bytes(p.budget)} (CI guard)`,
    ]),
    run: () => measureBundle(),
    about:
      "Gzip size (level 6) of two programs bundled as a user would (esbuild, minify, platform " +
      "node, format esm): the README's service-account program and a program with every auth " +
      "strategy through `fromEnv()`. The baseline is the same call through openapi-fetch alone. " +
      "The CI regression budget rows are the measured size plus 3 %, enforced by `--quick`.",
  },
  {
    rows: ["Pipeline: generate", "Pipeline: check:generated"],
    units: ["ms", "ms"],
    targets: ["ratio <= 2.0", "ratio <= 1.5"],
    run: () => measurePipeline(9),
    about:
      "Wall-clock time of `generate` and `check:generated` as fresh processes (value) against " +
      "the openapi-typescript CLI on the same spec (baseline), on scratch copies of the project.",
    full: true,
  },
  {
    rows: ["Consumer type-check: instantiations", "Consumer type-check: check time"],
    units: ["instantiations", "s"],
    targets: ["<= 30,000", "reported"],
    run: () => measureTypecheck(3),
    about:
      "Type instantiations and check time of `tsc --extendedDiagnostics` on a consumer that " +
      "calls all eleven methods and `paginate` and narrows on `orgMembershipStatus`, against " +
      "the declarations `npm run compile` emits.",
    full: true,
  },
];

function gitDescription(): string {
  try {
    return execFileSync("git", ["describe", "--always", "--dirty", "--abbrev=12"], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
  } catch {
    return "unknown";
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

const started = new Date();
// Taken before the run writes its reports, so "-dirty" means the measured code was uncommitted.
const commit = gitDescription();
const loadBefore = os.loadavg();
const results: Result[] = [];
const details: string[] = [];
const misses: string[] = [];
const commands: string[] = [];
const failures: string[] = [];

const runtime = await loadRuntime();
try {
  for (const metric of metrics) {
    if (metric.full && quick) continue;
    const label = metric.rows.join(" / ");
    process.stdout.write(`bench: ${label} ... `);
    const t0 = performance.now();
    try {
      const report = await metric.run(runtime);
      results.push(...report.results);
      details.push(...report.details);
      misses.push(...(report.misses ?? []));
      commands.push(...report.commands);
      console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      console.log("failed");
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${label}: ${message}`);
      metric.rows.forEach((name, i) =>
        results.push({
          name,
          value: null,
          unit: metric.units[i]!,
          baseline: null,
          ratio: null,
          target: metric.targets[i]!,
          met: false,
        }),
      );
    }
  }
} finally {
  await runtime.remove();
}

const seconds = (Date.now() - started.getTime()) / 1000;
const loadAfter = os.loadavg();
console.log();
console.log(textTable(results));
for (const failure of failures) console.log(`\nbench: could not measure ${failure}`);

const missed = results.filter((r) => r.met === false);
const gate = quick ? missed.filter((r) => ENFORCED_IN_QUICK.has(r.name)) : missed;

if (quick) {
  await mkdir(path.join(ROOT, ".tmp"), { recursive: true });
  await writeFile(
    path.join(ROOT, ".tmp/bench-quick.json"),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  const reported = missed.filter((r) => !ENFORCED_IN_QUICK.has(r.name));
  if (reported.length > 0) {
    console.log(
      `\nbench --quick: targets missed in this run (reported, not enforced): ` +
        reported.map((r) => r.name).join("; "),
    );
  }
  for (const program of BUNDLE_PROGRAMS) {
    const size = results.find((r) => r.name === program.name)?.value;
    if (size == null) continue;
    console.log(
      `bench --quick: ${program.name} ${bytes(size)}; its ${bytes(program.target)} target is ` +
        `${size <= program.target ? "met" : "missed (reported, not enforced here)"}; CI enforces ` +
        `the regression budget of ${bytes(program.budget)}, which it is ` +
        `${size <= program.budget ? "within" : "OVER"}.`,
    );
  }
} else {
  await writeFile(path.join(ROOT, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const m = machine();
  await writeFile(
    path.join(ROOT, "BENCHMARKS.md"),
    await renderMarkdown({
      results,
      details,
      misses,
      commands,
      failures,
      date: started.toISOString(),
      seconds,
      machine: m,
      load: [loadBefore, loadAfter],
      commit,
    }),
  );
  console.log("\nbench: wrote bench/results.json and BENCHMARKS.md");
}
console.log(
  `bench: ${results.length - missed.length} of ${results.length} rows met or reported, ${seconds.toFixed(0)} s`,
);
if (gate.length > 0) {
  console.error(`bench: target missed: ${gate.map((r) => r.name).join("; ")}`);
  process.exitCode = 1;
}
// A metric that could not run at all is a broken benchmark, in either mode.
if (failures.length > 0) process.exitCode = 1;
// An enforced row that is missing (renamed, or its metric dropped) would pass unseen.
const absent = [...ENFORCED_IN_QUICK].filter((name) => !results.some((r) => r.name === name));
if (absent.length > 0) {
  console.error(`bench: enforced rows missing from the results: ${absent.join("; ")}`);
  process.exitCode = 1;
}

interface MarkdownInput {
  results: Result[];
  details: string[];
  misses: string[];
  commands: string[];
  failures: string[];
  date: string;
  seconds: number;
  machine: ReturnType<typeof machine>;
  load: [number[], number[]];
  commit: string;
}

/** BENCHMARKS.md, formatted by prettier so that `npm run format:check` accepts it as written. */
async function renderMarkdown(input: MarkdownInput): Promise<string> {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" / ");
  const missedRows = input.results.filter((r) => r.met === false);
  const text = [
    "# Benchmarks",
    "",
    "Written by `npm run bench` from one run; do not edit by hand. Every figure below was measured",
    "in that run, and every comparison is a ratio or a count taken side by side in it, because the",
    "machines are shared and noisy. `bench/results.json` holds the same rows for tools.",
    "",
    markdownTable(input.results),
    "",
    missedRows.length === 0
      ? "Every target was met in this run."
      : `Targets missed in this run: ${missedRows.map((r) => r.name).join("; ")}.`,
    "",
    "## What each row measures",
    "",
    ...metrics.map((m) => `- ${m.rows.map((r) => `**${r}**`).join(", ")}: ${m.about}`),
    "",
    ...(input.misses.length === 0
      ? []
      : ["## Why targets were missed", "", ...input.misses.map((m) => `- ${m}`), ""]),
    "## The run",
    "",
    `- Date: ${input.date}, ${input.seconds.toFixed(0)} s in all`,
    `- Machine: ${input.machine.cpu}, ${input.machine.cores} cores, ${input.machine.memoryGiB.toFixed(1)} GiB memory, ${input.machine.platform}`,
    `- Load average (1 / 5 / 15 min): ${load(input.load[0])} at the start, ${load(input.load[1])} at the end`,
    `- Node ${process.version}; commit ${input.commit}`,
    "",
    "## Details",
    "",
    ...input.details.map((d) => `- ${d}`),
    ...input.failures.map((f) => `- Not measured: ${f}`),
    "",
    "## How it measures",
    "",
    "- Timings interleave their arms: each round runs a batch of sequential calls per arm, in a",
    "  shuffled order. An arm's figure is the median of its rounds, and a comparison of two arms is",
    "  the median of their per-round differences or ratios, so load from other processes spoils a",
    "  few rounds of every arm rather than all rounds of one, and slow drifts cancel out.",
    "- Without network the clock is this process's CPU time (user + system), which leaves out time",
    "  spent waiting for a core; over loopback HTTP it is wall-clock latency, what a caller sees.",
    "- The runtime metrics load src/ compiled by esbuild without keepNames, as the published",
    "  JavaScript runs; tsx's name-keeping helpers would otherwise add a cost per closure.",
    "- The pipeline runs on scratch copies of the spec project, so the checkout is never written.",
    "",
    "## Commands",
    "",
    "```sh",
    "npm run bench              # this file and bench/results.json",
    "npm run bench -- --quick   # CI: fails only on a count or a bundle's regression budget",
    "```",
    "",
    "What the run executes:",
    "",
    ...input.commands.map((c) => `- ${c}`),
    "",
  ].join("\n");
  const file = path.join(ROOT, "BENCHMARKS.md");
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...config, filepath: file });
}
