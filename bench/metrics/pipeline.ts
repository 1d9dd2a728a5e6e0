/**
 * Pipeline: `npm run generate` and `npm run check:generated` as fresh processes, against the
 * openapi-typescript CLI alone on the same spec. The scripts are started as
 * `node --import tsx scripts/<name>.ts <dir>` rather than through npm, so npm's own start-up
 * is not counted. Everything runs on scratch copies of the spec project: generate writes
 * generated/ and the CLI writes the output that redocly.yaml names (x-openapi-ts), and neither
 * may touch the checkout. Rounds are interleaved; each figure is a median, and each ratio the
 * median of the per-round ratios.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import YAML from "yaml";
import { copySpecProject, ROOT, runNode, scratchDir, type ProcessRun } from "../lib/project.js";
import type { MetricReport } from "../lib/results.js";
import { median } from "../lib/timing.js";

export const GENERATE_RATIO_LIMIT = 2.0;
export const CHECK_RATIO_LIMIT = 1.5;

/**
 * The openapi-typescript CLI lints the spec with redocly.yaml's rules but does not read
 * .redocly.lint-ignore.yaml, so the problems the project ignores on purpose stop it. In its
 * scratch copy, the rules named in the ignore file are lowered from error to warn: they still run
 * over the whole spec (the same work), they just no longer end the run. Returns the rules lowered.
 */
async function relaxIgnoredRules(dir: string): Promise<string[]> {
  const ignore = YAML.parse(
    await readFile(path.join(dir, ".redocly.lint-ignore.yaml"), "utf8").catch(() => ""),
  ) as Record<string, Record<string, unknown>> | null;
  const names = new Set(Object.values(ignore ?? {}).flatMap((rules) => Object.keys(rules)));
  if (names.size === 0) return [];
  const configFile = path.join(dir, "redocly.yaml");
  const config = YAML.parse(await readFile(configFile, "utf8")) as {
    rules?: Record<string, unknown>;
  };
  config.rules ??= {};
  for (const name of names) {
    const rule = config.rules[name];
    config.rules[name] =
      typeof rule === "object" && rule !== null ? { ...rule, severity: "warn" } : "warn";
  }
  await writeFile(configFile, YAML.stringify(config));
  return [...names];
}

/** The three measured processes, and two empty ones that show what start-up alone costs. */
type Step = "generate" | "check" | "cli" | "node" | "tsx";

export async function measurePipeline(rounds: number): Promise<MetricReport> {
  const project = await scratchDir("pipeline");
  const cliProject = await scratchDir("openapi-ts");
  try {
    await copySpecProject(project.dir);
    await copySpecProject(cliProject.dir);
    const relaxed = await relaxIgnoredRules(cliProject.dir);
    const commands: Record<Step, { args: string[]; cwd: string }> = {
      generate: {
        args: ["--import", "tsx", path.join(ROOT, "scripts/generate.ts"), project.dir],
        cwd: project.dir,
      },
      check: {
        args: ["--import", "tsx", path.join(ROOT, "scripts/check-generated.ts"), project.dir],
        cwd: project.dir,
      },
      cli: {
        args: [path.join(ROOT, "node_modules/openapi-typescript/bin/cli.js")],
        cwd: cliProject.dir,
      },
      node: { args: ["-e", ""], cwd: project.dir },
      tsx: { args: ["--import", "tsx", "-e", ""], cwd: project.dir },
    };
    const run = async (step: Step): Promise<ProcessRun> => {
      const result = await runNode(commands[step].args, commands[step].cwd);
      if (result.code !== 0) {
        throw new Error(`pipeline: ${step} exited with ${result.code}: ${result.stderr.trim()}`);
      }
      return result;
    };
    // One unrecorded run of each: generate brings the scratch copy up to date, and every step
    // reads its files once so that all of them start from the same warm file cache.
    const steps: Step[] = ["generate", "check", "cli", "node", "tsx"];
    for (const step of steps) await run(step);
    const times: Record<Step, number[]> = { generate: [], check: [], cli: [], node: [], tsx: [] };
    const cpu: Record<Step, number[]> = { generate: [], check: [], cli: [], node: [], tsx: [] };
    for (let round = 0; round < rounds; round++) {
      const order = [...steps];
      if (round % 2 === 1) order.reverse();
      for (const step of order) {
        const result = await run(step);
        times[step].push(result.ms);
        if (result.cpuMs !== null) cpu[step].push(result.cpuMs);
      }
    }
    const cpuOf = (step: Step) =>
      cpu[step].length === rounds ? `${median(cpu[step]).toFixed(0)} ms` : "not measured";
    const generate = median(times.generate);
    const check = median(times.check);
    const cli = median(times.cli);
    // Each run is compared with the CLI's run in the same round, so load that comes and goes
    // between rounds (other processes on a shared machine) moves both sides of a ratio.
    const perRound = (step: Step) => median(times[step].map((ms, i) => ms / times.cli[i]!));
    const generateRatio = perRound("generate");
    const checkRatio = perRound("check");
    const list = (values: number[]) => values.map((v) => v.toFixed(0)).join(", ");
    const generateMet = generateRatio <= GENERATE_RATIO_LIMIT;
    const checkMet = checkRatio <= CHECK_RATIO_LIMIT;
    const startup =
      `an empty script takes ${median(times.tsx).toFixed(0)} ms through tsx against ` +
      `${median(times.node).toFixed(0)} ms with plain node`;
    const misses = [
      ...(generateMet
        ? []
        : [
            `Pipeline: generate took ${generateRatio.toFixed(2)}x the openapi-typescript CLI ` +
              `(median ${generate.toFixed(0)} ms against ${cli.toFixed(0)} ms; CPU time ` +
              `${cpuOf("generate")} against ${cpuOf("cli")}). It runs the Redocly CLI's lint in a ` +
              "child process while it builds the types, the operation table, the validators and " +
              "the bundled spec and formats them with prettier, none of which the CLI does but " +
              `the types; it starts through tsx (${startup}).`,
          ]),
      ...(checkMet
        ? []
        : [
            `Pipeline: check:generated took ${checkRatio.toFixed(2)}x the openapi-typescript CLI ` +
              `(median ${check.toFixed(0)} ms against ${cli.toFixed(0)} ms; CPU time ` +
              `${cpuOf("check")} against ${cpuOf("cli")}). It builds and formats every generated ` +
              "file with prettier in one thread, where the CLI writes the types unformatted; it " +
              `starts through tsx (${startup}).`,
          ]),
    ];
    return {
      misses,
      results: [
        {
          name: "Pipeline: generate",
          value: generate,
          unit: "ms",
          baseline: cli,
          ratio: generateRatio,
          target: `ratio <= ${GENERATE_RATIO_LIMIT.toFixed(1)}`,
          met: generateMet,
        },
        {
          name: "Pipeline: check:generated",
          value: check,
          unit: "ms",
          baseline: cli,
          ratio: checkRatio,
          target: `ratio <= ${CHECK_RATIO_LIMIT.toFixed(1)}`,
          met: checkMet,
        },
      ],
      details: [
        `Pipeline, wall-clock ms per cold process over ${rounds} interleaved rounds: ` +
          `generate [${list(times.generate)}], check:generated [${list(times.check)}], ` +
          `openapi-typescript CLI [${list(times.cli)}]; each ratio is the median of the ` +
          "per-round ratios to the CLI's run of the same round.",
        `Pipeline, median CPU time per process (user + system, with its threads and child ` +
          `processes): generate ${cpuOf("generate")}, check:generated ${cpuOf("check")}, ` +
          `openapi-typescript CLI ${cpuOf("cli")}. generate's lint runs in a child process ` +
          "alongside the rest, so its wall-clock time is less than its CPU time on two free cores.",
        ...(relaxed.length === 0
          ? []
          : [
              "Pipeline: the openapi-typescript CLI does not read .redocly.lint-ignore.yaml, so in " +
                `its scratch copy the rules that file names (${relaxed.join(", ")}) are set to warn ` +
                "instead of error; they still run over the whole spec.",
            ]),
        `Pipeline start-up alone, median ms: \`node -e ""\` ${median(times.node).toFixed(0)}, ` +
          `\`node --import tsx -e ""\` ${median(times.tsx).toFixed(0)}; generate and check:generated ` +
          "start through tsx, the openapi-typescript CLI is plain JavaScript.",
      ],
      commands: [
        "node --import tsx scripts/generate.ts <scratch copy>",
        "node --import tsx scripts/check-generated.ts <scratch copy>",
        "node node_modules/openapi-typescript/bin/cli.js   (cwd: another scratch copy; reads redocly.yaml's x-openapi-ts)",
      ],
    };
  } finally {
    await project.remove();
    await cliProject.remove();
  }
}
