/**
 * Pipeline: `npm run generate` and `npm run check:generated` as fresh processes, against the
 * openapi-typescript CLI alone on the same spec. The scripts are started as
 * `node --import tsx scripts/<name>.ts <dir>` rather than through npm, so npm's own start-up
 * is not counted. Everything runs on scratch copies of the spec project: generate writes
 * generated/ and the CLI writes the output that redocly.yaml names (x-openapi-ts), and neither
 * may touch the checkout. Rounds are interleaved; each figure is a median.
 */
import path from "node:path";
import { copySpecProject, ROOT, runNode, scratchDir, type ProcessRun } from "../lib/project.js";
import type { MetricReport } from "../lib/results.js";
import { median } from "../lib/timing.js";

export const GENERATE_RATIO_LIMIT = 2.0;
export const CHECK_RATIO_LIMIT = 1.5;

/** The three measured processes, and two empty ones that show what start-up alone costs. */
type Step = "generate" | "check" | "cli" | "node" | "tsx";

export async function measurePipeline(rounds: number): Promise<MetricReport> {
  const project = await scratchDir("pipeline");
  const cliProject = await scratchDir("openapi-ts");
  try {
    await copySpecProject(project.dir);
    await copySpecProject(cliProject.dir);
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
    for (let round = 0; round < rounds; round++) {
      const order = [...steps];
      if (round % 2 === 1) order.reverse();
      for (const step of order) times[step].push((await run(step)).ms);
    }
    const generate = median(times.generate);
    const check = median(times.check);
    const cli = median(times.cli);
    const list = (values: number[]) => values.map((v) => v.toFixed(0)).join(", ");
    const generateMet = generate / cli <= GENERATE_RATIO_LIMIT;
    const checkMet = check / cli <= CHECK_RATIO_LIMIT;
    const misses =
      generateMet && checkMet
        ? []
        : [
            "Pipeline: generate and check:generated start through tsx (an empty script takes " +
              `${median(times.tsx).toFixed(0)} ms that way against ${median(times.node).toFixed(0)} ms ` +
              "with plain node) and format every file they produce with prettier, which the " +
              "openapi-typescript CLI does not; they also build the operation table, the " +
              "validators and the bundled spec, and generate runs the Redocly linter in a child process.",
          ];
    return {
      misses,
      results: [
        {
          name: "Pipeline: generate",
          value: generate,
          unit: "ms",
          baseline: cli,
          ratio: generate / cli,
          target: `ratio <= ${GENERATE_RATIO_LIMIT.toFixed(1)}`,
          met: generateMet,
        },
        {
          name: "Pipeline: check:generated",
          value: check,
          unit: "ms",
          baseline: cli,
          ratio: check / cli,
          target: `ratio <= ${CHECK_RATIO_LIMIT.toFixed(1)}`,
          met: checkMet,
        },
      ],
      details: [
        `Pipeline, wall-clock ms per cold process over ${rounds} interleaved rounds: ` +
          `generate [${list(times.generate)}], check:generated [${list(times.check)}], ` +
          `openapi-typescript CLI [${list(times.cli)}].`,
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
