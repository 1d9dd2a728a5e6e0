/**
 * `npm run drift -- <path-or-https-url> [--json] [--all] [--ours <spec>]`: compares MongoDB's
 * published spec with our bundled one (generated/openapi.json) for the operations we implement.
 *
 * Exit codes: 0 nothing breaking, 1 something breaking, 2 the input could not be read.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  compareSpecs,
  DriftInputError,
  exitCodeFor,
  formatText,
  loadSpec,
  toJsonView,
} from "./lib/drift/index.js";

const USAGE = `usage: npm run drift -- <upstream spec: path or https URL> [--json] [--all] [--ours <spec>]

  --json         print the report as JSON instead of text
  --all          also list cosmetic differences (descriptions, summaries, titles, tags)
  --ours <spec>  compare against this spec instead of generated/openapi.json`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function fail(message: string): never {
  process.stderr.write(`drift: ${message}\n`);
  process.exit(2);
}

let args: ReturnType<typeof parseOptions>;
function parseOptions() {
  return parseArgs({
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      all: { type: "boolean", default: false },
      ours: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
try {
  args = parseOptions();
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}
if (args.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const [source, ...extra] = args.positionals;
if (source === undefined || extra.length > 0) {
  fail(`give exactly one upstream spec\n${USAGE}`);
}

/**
 * npm runs a script in the package root; a relative path means the folder `npm run drift` was
 * typed in, which npm passes as INIT_CWD. Run directly, the script reads from its own cwd.
 */
const invokedFrom =
  process.env.npm_lifecycle_event === "drift" ? (process.env.INIT_CWD ?? ".") : ".";
const local = (file: string) =>
  /^[a-z][a-z0-9+.-]*:\/\//i.test(file) || path.isAbsolute(file)
    ? file
    : path.relative(".", path.resolve(invokedFrom, file));

const oursPath = args.values.ours
  ? local(args.values.ours)
  : path.join(root, "generated", "openapi.json");
let report;
try {
  const [ours, upstream] = await Promise.all([loadSpec(oursPath), loadSpec(local(source))]);
  report = compareSpecs(ours, upstream, source);
} catch (error) {
  if (error instanceof DriftInputError) fail(error.message);
  throw error;
}

const view = { all: args.values.all };
process.stdout.write(
  args.values.json
    ? `${JSON.stringify(toJsonView(report, view), null, 2)}\n`
    : formatText(report, view),
);
process.exitCode = exitCodeFor(report);
