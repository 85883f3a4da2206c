/**
 * The pilot's harness overhead: wall time of one cell run by `spark-at-scale pilot` (CLI start,
 * validation, environment checks, process group, evidence, classification, atomic save)
 * against a bare spark-submit of the very same command line. Rounds alternate the two so
 * that machine noise falls on both. Goal: ratio <= 1.10.
 *
 *   npm run bench:pilot
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { experimentSchema } from "../src/config/experiment";
import { cellSpecs } from "../src/experiment/cellSpecs";
import { WORKLOAD_SCRIPT_PATH } from "../src/render/workloadScript";
import { findLocalSpark } from "../src/pilot/environment";
import { planLocalCells } from "../src/pilot/localPlan";
import { cellWorkDirs, prepareWorkDirs, sparkSubmitCommand } from "../src/pilot/sparkSubmit";

const ROUNDS = 3;
const ROOT = path.resolve(__dirname, "..");
const EXPERIMENT = {
  name: "bench",
  axes: {
    executorMemory: ["512m"],
    tableRatio: [0.25],
    strategy: ["sort_merge"],
    skew: [0],
    aqe: [true],
  },
  fixed: {
    executorInstances: 2,
    driverMemory: "1g",
    probeSize: "64m",
    keys: 20000,
    partitions: 4,
    concurrency: 1,
  },
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-bench-"));
const stackFile = path.join(dir, "Pulumi.bench.yaml");
fs.writeFileSync(
  stackFile,
  `config:\n  spark-at-scale:experiment: ${JSON.stringify(EXPERIMENT)}\n`,
);

// The bare run: the command line the pilot builds, with the same SPARK_HOME arrangement.
const experiment = experimentSchema.parse(EXPERIMENT);
const [cell] = planLocalCells(cellSpecs(experiment), experiment, {
  scale: 1,
  memoryBudgetMiB: 16_384,
}).cells;
const spark = findLocalSpark();

function bareRun(): number {
  const dirs = cellWorkDirs(path.join(dir, "bare"), cell.spec.name);
  prepareWorkDirs(dirs, spark.sparkHome);
  const command = sparkSubmitCommand(
    cell,
    dirs,
    spark.sparkSubmit,
    spark.python,
    WORKLOAD_SCRIPT_PATH,
  );
  const started = Date.now();
  const run = spawnSync(command.file, [...command.args], {
    env: { ...process.env, ...command.env },
    stdio: "ignore",
  });
  const seconds = (Date.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`bare spark-submit failed with ${run.status}`);
  return seconds;
}

function pilotRun(): number {
  const started = Date.now();
  const run = spawnSync(
    path.join(ROOT, "bin", "spark-at-scale"),
    ["pilot", "--config", stackFile, "--results", path.join(dir, "results"), "--rerun"],
    { env: { ...process.env, CI: "true" }, stdio: "ignore" },
  );
  const seconds = (Date.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`pilot failed with ${run.status}`);
  return seconds;
}

const bare: number[] = [];
const pilot: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  bare.push(bareRun());
  pilot.push(pilotRun());
  console.log(
    `round ${round}: bare spark-submit ${bare.at(-1)!.toFixed(1)} s, pilot ${pilot.at(-1)!.toFixed(1)} s`,
  );
}
fs.rmSync(dir, { recursive: true, force: true });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `cell ${cell.spec.name}, median of ${ROUNDS}: bare ${median(bare).toFixed(1)} s, pilot ${median(pilot).toFixed(1)} s`,
);
console.log(
  `harness overhead ratio (pilot / bare): ${(median(pilot) / median(bare)).toFixed(3)}  (goal <= 1.10)`,
);
