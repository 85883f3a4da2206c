/** One measurement for program.bench.ts, in its own process: prints a JSON line. */
import * as k8s from "@pulumi/kubernetes";
import { registeredResources, resetRegistrations } from "../test/mocks";
import { devStackConfig } from "../test/helpers/devStack";
import { compileStack } from "../src/render/compile";
import { runProgram } from "../stacks/program";

const [mode, cellsText] = process.argv.slice(2);
const cells = Number(cellsText);

/** The dev stack with an experiment of exactly `cells` cells (one axis stretched). */
function stackWithCells(count: number): Record<string, unknown> {
  const config = devStackConfig();
  const strategies = ["broadcast", "shuffle_hash", "sort_merge", "auto"];
  const ratios = Array.from(
    { length: count / strategies.length },
    (_, i) => Math.round((0.05 + i * 0.01) * 100) / 100,
  );
  config.experiment = {
    name: "bench",
    axes: {
      executorMemory: ["2g"],
      tableRatio: ratios,
      strategy: strategies,
      skew: [0],
      aqe: [true],
    },
    fixed: { concurrency: 4 },
  };
  return config;
}

async function main(): Promise<void> {
  const raw = stackWithCells(cells);
  const script = () => "print('bench')\n";
  resetRegistrations();
  const started = process.hrtime.bigint();
  if (mode === "program") {
    runProgram(raw, "bench", { workloadScript: script });
  } else {
    const objects = compileStack(raw, "bench", script).objects!;
    for (const app of objects.applications)
      new k8s.apiextensions.CustomResource(app.metadata.name, app);
  }
  const resources = (await registeredResources()).length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ seconds, peakRssMiB, resources }));
}

void main();
