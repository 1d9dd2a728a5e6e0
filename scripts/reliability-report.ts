/**
 * Rewrites the measured figures in docs/RELIABILITY.md from what the last test run wrote to
 * .tmp/reliability/*.json, so the document never carries typed-in numbers.
 *
 *   npx vitest run && npm run reliability:report
 *   npm run reliability:report -- --audit   # also runs `npm audit --omit=dev` and records it
 *
 * Exits 1 when a counts file is missing or when the counts show a request wrongly sent or a
 * secret leaked, after writing the document, so the failure is visible in both places.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import type { ReliabilityCounts } from "../test/helpers/reliability.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DOC = path.join(ROOT, "docs", "RELIABILITY.md");
const COUNTS_DIR = path.join(ROOT, ".tmp", "reliability");

/** The files the reliability tests write; each must be present for a complete report. */
const EXPECTED = [
  "reliability-input",
  "reliability-faults",
  "reliability-responses",
  "reliability-auth",
  "property",
  "secrets",
  "hostile",
];

/** One test file's counts, as test/helpers/reliability.ts writes them. */
type Counts = ReliabilityCounts & { file: string; writtenAt: string };

function fail(message: string): never {
  console.error(`reliability-report: ${message}`);
  process.exit(1);
}

function readCounts(): Counts[] {
  if (!existsSync(COUNTS_DIR))
    fail(`no ${path.relative(ROOT, COUNTS_DIR)}/; run npx vitest run first`);
  const present = new Set(readdirSync(COUNTS_DIR).map((f) => f.replace(/\.json$/, "")));
  const missing = EXPECTED.filter((name) => !present.has(name));
  if (missing.length > 0)
    fail(`missing counts for ${missing.join(", ")}; run npx vitest run first`);
  return EXPECTED.map(
    (name) => JSON.parse(readFileSync(path.join(COUNTS_DIR, `${name}.json`), "utf8")) as Counts,
  );
}

const fmt = (n: number) => n.toLocaleString("en-US");

function countsTable(all: Counts[]): string {
  const rows = all.map(
    (c) =>
      `| \`${c.file}\` | ${fmt(c.scenarios)} | ${fmt(c.inputsTried)} | ${fmt(c.propertyRuns)} | ${fmt(c.faultsInjected)} | ${fmt(c.requestsWronglySent)} | ${fmt(c.secretsLeaked)} |`,
  );
  const sum = (key: keyof Counts) => all.reduce((n, c) => n + (c[key] as number), 0);
  const newest =
    all
      .map((c) => c.writtenAt)
      .sort()
      .at(-1) ?? "";
  const lines = [
    `Last run: ${newest.slice(0, 19).replace("T", " ")} UTC, Node ${process.versions.node}.`,
    "",
    "| test file | scenarios | inputs tried | property runs | faults injected | requests wrongly sent | secrets leaked |",
    "|---|--:|--:|--:|--:|--:|--:|",
    ...rows,
    `| **total** | **${fmt(sum("scenarios"))}** | **${fmt(sum("inputsTried"))}** | **${fmt(sum("propertyRuns"))}** | **${fmt(sum("faultsInjected"))}** | **${fmt(sum("requestsWronglySent"))}** | **${fmt(sum("secretsLeaked"))}** |`,
  ];

  const property = all.find((c) => c.file.endsWith("property.test.ts"))?.details as
    | { numRunsPerProperty: number; properties: Record<string, { runs: number; ms: number }> }
    | undefined;
  if (property) {
    lines.push(
      "",
      `Property tests, ${fmt(property.numRunsPerProperty)} runs per property (\`NUM_RUNS\`):`,
      "",
      "| property | runs | time (ms) |",
      "|---|--:|--:|",
      ...Object.entries(property.properties).map(
        ([name, p]) => `| ${name} | ${fmt(p.runs)} | ${fmt(p.ms)} |`,
      ),
    );
  }

  const secrets = all.find((c) => c.file.endsWith("secrets.test.ts"))?.details as
    | {
        perStrategy: Record<
          string,
          {
            scenarios: number;
            faultsInjected: number;
            observed: number;
            hits: number;
            outcomes: Record<string, number>;
          }
        >;
        bytesWrittenToStdoutAndStderr: number;
        processWarnings: number;
        consoleCalls: number;
        secretsLookedFor: string[];
        issuedTokensLookedFor: number;
      }
    | undefined;
  if (secrets) {
    lines.push(
      "",
      "Secret scan, per auth strategy:",
      "",
      "| strategy | scenarios | faults injected | values scanned | secrets found | how the scenarios ended |",
      "|---|--:|--:|--:|--:|---|",
      ...Object.entries(secrets.perStrategy).map(
        ([name, s]) =>
          `| ${name} | ${fmt(s.scenarios)} | ${fmt(s.faultsInjected)} | ${fmt(s.observed)} | ${fmt(s.hits)} | ${Object.entries(
            s.outcomes,
          )
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")} |`,
      ),
      "",
      `Also scanned: ${fmt(secrets.bytesWrittenToStdoutAndStderr)} characters written to stdout/stderr, ` +
        `${fmt(secrets.processWarnings)} process warnings, ${fmt(secrets.consoleCalls)} console calls. ` +
        `Looked for: ${secrets.secretsLookedFor.join(", ")}, and ${fmt(secrets.issuedTokensLookedFor)} access tokens the fake issued.`,
    );
  }
  return lines.join("\n");
}

function auditSection(): string {
  const run = spawnSync("npm", ["audit", "--omit=dev", "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  const tree = spawnSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const shipped = (tree.stdout ?? "")
    .split("\n")
    .filter((l) => l.includes("node_modules"))
    .map((l) => l.slice(l.lastIndexOf("node_modules/") + "node_modules/".length));
  const when = new Date().toISOString().slice(0, 10);
  const lines = [
    `Runtime dependency tree (\`npm ls --omit=dev --all\`, ${when}): ${shipped.map((p) => `\`${p}\``).join(", ")} (${shipped.length} packages).`,
    "",
  ];
  let report: {
    metadata?: { vulnerabilities?: Record<string, number> };
    message?: string;
    error?: { summary?: string };
  } = {};
  try {
    report = JSON.parse(run.stdout || "{}") as typeof report;
  } catch {
    report = { message: (run.stderr || "no output").trim().split("\n").at(-1) };
  }
  const found = report.metadata?.vulnerabilities;
  if (found) {
    const total = Object.values(found).reduce((n, v) => n + v, 0);
    lines.push(
      `\`npm audit --omit=dev\` (${when}): ${total} known vulnerabilities (` +
        Object.entries(found)
          .filter(([k]) => k !== "total")
          .map(([k, v]) => `${k} ${v}`)
          .join(", ") +
        ").",
    );
  } else {
    lines.push(
      `\`npm audit --omit=dev\` (${when}) could not report: ${report.message ?? report.error?.summary ?? "unknown error"}. ` +
        "No figure could be obtained from this machine; rerun where the registry serves npm's advisory endpoint.",
    );
  }
  return lines.join("\n");
}

function replaceBetween(doc: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i === -1 || j === -1 || j < i)
    fail(`docs/RELIABILITY.md lacks the ${start} ... ${end} markers`);
  return `${doc.slice(0, i + start.length)}\n${body}\n${doc.slice(j)}`;
}

const all = readCounts();
let doc = readFileSync(DOC, "utf8");
doc = replaceBetween(doc, "reliability-counts", countsTable(all));
if (process.argv.includes("--audit")) doc = replaceBetween(doc, "audit", auditSection());
// The document is checked by `prettier --check`; write it the way prettier would.
writeFileSync(DOC, await format(doc, { ...(await resolveConfig(DOC)), filepath: DOC }));

const wronglySent = all.reduce((n, c) => n + c.requestsWronglySent, 0);
const leaked = all.reduce((n, c) => n + c.secretsLeaked, 0);
console.log(
  `reliability-report: updated docs/RELIABILITY.md (${wronglySent} requests wrongly sent, ${leaked} secrets leaked)`,
);
if (wronglySent > 0 || leaked > 0) process.exit(1);
