/**
 * The pilot end to end on real Spark: spark-submit on local-cluster, two cells (a sort-merge
 * join that fits and a broadcast of half the executor heap, which its executors cannot rebuild), a `kill -9` in the
 * middle, and a resume. About three minutes on a 2-core machine.
 */
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { readPredictions } from "../../src/campaign/preRunPredictions";
import { cellResultSchema, type CellResult } from "../../src/results/cellResult";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "bin", "spark-at-scale");
const MEMORY_CLASSES = [
  "executor_jvm_oom",
  "spark_memory_oom",
  "driver_oom",
  "broadcast_too_large",
];

const TINY_STACK = `config:
  spark-at-scale:experiment:
    name: e2e
    axes:
      executorMemory: [512m]
      tableRatio: [0.25, 0.5]
      strategy: [broadcast, sort_merge]
      skew: [0]
    fixed:
      executorInstances: 2
      driverMemory: 3g
      probeSize: 32m
      keys: 20000
      partitions: 4
      concurrency: 1
      taskMaxFailures: 2
      cellTimeoutMinutes: 5
    exclude:
      - { strategy: broadcast, tableRatio: 0.25 }
      - { strategy: sort_merge, tableRatio: 0.5 }
`;
const BROADCAST_CELL = "m512m-bhj-r0p5-s0-aqe-1";
const SORT_MERGE_CELL = "m512m-smj-r0p25-s0-aqe-1";

function pilotArgs(stackFile: string, results: string): string[] {
  return [CLI, "pilot", "--config", stackFile, "--results", results];
}

function readRecords(results: string): CellResult[] {
  const file = path.join(results, "e2e", "results.jsonl");
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => cellResultSchema.parse(JSON.parse(line)));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("pilot end to end (real Spark, local-cluster)", function () {
  this.timeout(15 * 60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-e2e-"));
  const stackFile = path.join(dir, "Pulumi.e2e.yaml");
  const results = path.join(dir, "results");
  fs.writeFileSync(stackFile, TINY_STACK);
  const env = { ...process.env, CI: "true" };
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  let firstRecord: CellResult;
  let predictionsWritten: string;

  it("survives kill -9 during a cell: the finished cell's record is intact", async () => {
    const pilot = spawn(process.execPath, pilotArgs(stackFile, results), { env, stdio: "ignore" });
    const secondCellRunning = path.join(results, "e2e", "work", SORT_MERGE_CELL, "process-group");
    const deadline = Date.now() + 8 * 60_000;
    while (!fs.existsSync(secondCellRunning)) {
      expect(Date.now(), "the second cell did not start in time").to.be.below(deadline);
      expect(pilot.exitCode, "the pilot ended before the second cell").to.equal(null);
      await sleep(500);
    }
    await sleep(3000); // well inside the second cell's run
    pilot.kill("SIGKILL");
    await new Promise((resolve) => pilot.once("exit", resolve));

    const records = readRecords(results); // parses every line: nothing torn
    expect(records.map((r) => r.cell)).to.deep.equal([BROADCAST_CELL]);
    firstRecord = records[0];

    // Both cells were predicted before the first one started, blind to how either ended.
    const predictions = readPredictions(path.join(results, "e2e"));
    expect([...predictions.keys()].sort()).to.deep.equal([BROADCAST_CELL, SORT_MERGE_CELL]);
    expect(predictions.get(BROADCAST_CELL)!.outcome).to.equal("failed");
    expect(predictions.get(SORT_MERGE_CELL)!.outcome).to.equal("succeeded");
    for (const prediction of predictions.values()) {
      expect(Date.parse(prediction.predictedAt)).to.be.at.most(Date.parse(firstRecord.start!));
    }
    predictionsWritten = fs.readFileSync(path.join(results, "e2e", "predictions.jsonl"), "utf8");
  });

  it("resumes: runs only the unfinished cell, stops the orphaned run, and records every cell once", () => {
    const run = spawnSync(process.execPath, pilotArgs(stackFile, results), {
      env,
      encoding: "utf8",
    });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/stopped 1 Spark run\(s\) left by an interrupted pilot/);
    expect(run.stdout).to.match(new RegExp(`${BROADCAST_CELL}: done before, skipped`));
    expect(run.stdout).to.match(/experiment e2e: 2 cells, 1 succeeded, 1 failed/);

    const records = readRecords(results);
    expect(records.map((r) => r.cell)).to.deep.equal([BROADCAST_CELL, SORT_MERGE_CELL]);
    expect(records[0]).to.deep.equal(firstRecord); // not re-run
    // A resume never replaces what was predicted before the first run.
    expect(fs.readFileSync(path.join(results, "e2e", "predictions.jsonl"), "utf8")).to.equal(
      predictionsWritten,
    );
    expect(fs.existsSync(path.join(results, "e2e", "work"))).to.equal(false); // scratch cleaned
  });

  it("records each cell with the full schema and the expected outcome", () => {
    const schema = JSON.parse(
      fs.readFileSync(path.join(ROOT, "schemas", "workload-result.schema.json"), "utf8"),
    );
    const validateWorkload = new Ajv2020({ strict: false }).compile(schema);
    const [broadcast, sortMerge] = readRecords(results);

    expect(sortMerge.state).to.equal("COMPLETED");
    expect(sortMerge.failureClass).to.equal("none");
    expect(sortMerge.runner).to.equal("local-cluster");
    expect(sortMerge.workload?.joinOperator).to.equal("SortMergeJoin");
    expect(sortMerge.sizing.buildBytes).to.equal(128 * 2 ** 20);
    expect(sortMerge.sparkApplicationId).to.match(/^app-\d+-\d+$/);
    expect(sortMerge.durationSeconds).to.be.above(0);

    expect(broadcast.state).to.equal("FAILED");
    expect(MEMORY_CLASSES).to.include(broadcast.failureClass);
    expect(broadcast.workload?.outcome).to.equal("failed");
    expect(broadcast.workload?.joinOperator).to.equal("BroadcastHashJoin");
    expect(broadcast.evidence.decidedBy).to.not.equal("");
    expect(broadcast.evidence.messageExcerpt).to.match(/exited with code 52|OutOfMemory|memory/i);

    for (const record of [broadcast, sortMerge]) {
      expect(validateWorkload(record.workload), JSON.stringify(validateWorkload.errors)).to.equal(
        true,
      );
      expect(record.pool).to.equal(null);
      expect(record.scale).to.equal(1);
    }
  });

  it("skips every finished cell on a third run, without starting Spark", () => {
    const run = spawnSync(process.execPath, pilotArgs(stackFile, results), {
      env,
      encoding: "utf8",
    });
    expect(run.status, run.stderr).to.equal(0);
    // One line says nothing ran, instead of the earlier cells' table under "wall time 0s".
    const said = run.stdout
      .split("\n")
      .filter((line) => /nothing to run|done before|wall time/.test(line));
    expect(said).to.have.length(1);
    expect(said[0]).to.match(
      /^experiment e2e: nothing to run, all 2 cells have results in .*results\.jsonl/,
    );
    expect(readRecords(results)).to.have.length(2);
  });
});

describe("pilot: clear errors before anything runs", function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-errors-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const results = path.join(dir, "results");
  const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(process.execPath, [CLI, "pilot", "--results", results, ...args], {
      env,
      encoding: "utf8",
    });

  it("names the bad key of an invalid experiment", () => {
    const file = path.join(dir, "bad.yaml");
    fs.writeFileSync(
      file,
      TINY_STACK.replace("strategy: [broadcast, sort_merge]", "strategy: [broadcast, nested_loop]"),
    );
    const result = run(["--config", file]);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(
      /spark-at-scale:experiment\.axes\.strategy\[1\]: one of broadcast, shuffle_hash, sort_merge, auto \(got "nested_loop"\)/,
    );
    expect(fs.existsSync(results)).to.equal(false);
  });

  it("says when pyspark is missing", () => {
    const result = run(["--spark-submit", path.join(dir, "no-venv", "bin", "spark-submit")]);
    expect(result.status).to.equal(3);
    expect(result.stderr).to.match(
      /pyspark not found: no .*no-venv\/bin\/spark-submit.*bootstrap\.sh/,
    );
  });

  it("says when Java is missing", () => {
    const env = Object.fromEntries(
      Object.entries({ ...process.env, PATH: path.join(dir, "empty-path") }).filter(
        ([key]) => key !== "JAVA_HOME",
      ),
    );
    const result = run([], env);
    expect(result.status).to.equal(3);
    expect(result.stderr).to.match(
      /Java not found \(tried "java" on PATH\): Spark 4\.0 needs Java 17 or 21/,
    );
  });

  it("rejects a scale outside (0, 1] and an unparsable budget", () => {
    expect(run(["--scale", "2"]).stderr).to.match(/--scale 2: a factor above 0 and at most 1/);
    expect(run(["--memory-budget", "lots"]).stderr).to.match(
      /--memory-budget lots: a memory size such as 12g/,
    );
  });
});
