/**
 * The predictor out of sample. The held-out matrices (test/fixtures/predict/heldout/) ran on
 * real Spark 4.0.4 with the local pilot; nothing in the model was fit on them: every cell is
 * predicted with the shipped constants. The 12-cell grid that was the built-in matrix before its
 * boundary searches (test/predict/fixtures/pilot-results.jsonl) is held to the same bar; the
 * built-in searches' probes (test/fixtures/predict/builtin-search/), cells chosen to sit on a
 * boundary, are held to it too. docs/prediction-accuracy.md states the numbers asserted here, and its
 * per-region table is checked against these records.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { experimentSchema } from "../../src/config/experiment";
import { isProbeOf } from "../../src/experiment/cells";
import { cellSpecs, searchSpecs } from "../../src/experiment/cellSpecs";
import { BUILTIN_PILOT_EXPERIMENT } from "../../src/pilot/builtinExperiment";
import { accuracy, accuracyByRegion, type PredictedCell } from "../../src/predict/accuracy";
import {
  DEFAULT_DRIVER_BUILD_FACTOR,
  DEFAULT_EXECUTOR_HEAP_BASELINE_MIB,
} from "../../src/predict/constants";
import { DEFAULT_CALIBRATION, predict } from "../../src/predict/predict";
import { inputFromRecord, observedOutcome } from "../../src/predict/records";
import { readResultsFile } from "../../src/report/loadResults";
import { regionTable } from "../../src/report/summary";
import type { CellResult } from "../../src/results/cellResult";
import { pilotRecords } from "./helpers";

const ROOT = path.resolve(__dirname, "..", "..");
const HELD_OUT = path.join(ROOT, "test", "fixtures", "predict", "heldout");
const EXPERIMENTS = ["heldout", "heldout-aqe-skew"];
const BUILTIN_SEARCH = path.join(ROOT, "test", "fixtures", "predict", "builtin-search");
const CLUSTER_OVERHEADS = path.join(ROOT, "test", "fixtures", "cluster", "local-overheads");

/** A held-out experiment's records, checked to be exactly the cells of its committed matrix. */
function heldOutRecords(name: string): CellResult[] {
  const stack = yaml.load(fs.readFileSync(path.join(HELD_OUT, `${name}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  const experiment = experimentSchema.parse(stack.config["spark-at-scale:experiment"]);
  const records = readResultsFile(path.join(HELD_OUT, name, "results.jsonl"));
  expect(records.map((r) => r.cell).sort()).to.deep.equal(cellSpecs(experiment).map((c) => c.name));
  for (const r of records) {
    expect(r.runner, r.cell).to.equal("local-cluster");
    expect(r.workload?.sparkVersion, r.cell).to.equal("4.0.4");
  }
  return records;
}

/** Every record predicted with the shipped constants (no calibration on any record). */
function shipped(records: readonly CellResult[]): PredictedCell[] {
  return records.map((observed) => ({
    observed,
    predicted: predict(inputFromRecord(observed), DEFAULT_CALIBRATION),
  }));
}

describe("predict: held out (real Spark cells the constants were never fit on)", () => {
  const heldOut = EXPERIMENTS.flatMap(heldOutRecords);
  const builtin = pilotRecords();

  it("predicts with the documented constants, not a fit", () => {
    expect(DEFAULT_CALIBRATION).to.deep.equal({
      driverBuildFactor: DEFAULT_DRIVER_BUILD_FACTOR,
      executorHeapBaselineMiB: DEFAULT_EXECUTOR_HEAP_BASELINE_MIB,
    });
  });

  it("gets the held-out cells right as often as docs/prediction-accuracy.md says (19 of 21)", () => {
    const report = accuracy(shipped(heldOut));
    expect(report.cells).to.equal(HELD_OUT_CLAIM.cells);
    expect(report.outcomeAccuracy).to.equal(HELD_OUT_CLAIM.outcomesRight / HELD_OUT_CLAIM.cells);
    expect(report.classAccuracy).to.equal(HELD_OUT_CLAIM.classesRight / HELD_OUT_CLAIM.cells);
    // The goal: 90 % outcome and 85 % class (docs/prediction-accuracy.md).
    expect(report.outcomeAccuracy).to.be.at.least(0.9);
    expect(report.classAccuracy).to.be.at.least(0.85);
    expect(report.wrong.map((w) => w.cell)).to.deep.equal(HELD_OUT_CLAIM.wrong);
  });

  it("predicts the 2-core broadcast's OutOfMemoryError while its executors collect the build side", () => {
    // Two collect tasks side by side on each 2-core executor hold 2 x 3 copies of 66 one-MiB
    // chunks, each chunk two G1 regions (test/predict/predict.spec.ts has the arithmetic and
    // the measurement); its 1-core neighbours run one collect task at a time and complete.
    const byCell = new Map(heldOut.map((r) => [r.cell, r]));
    const twoCores = predict(inputFromRecord(byCell.get("m768m-bhj-r0p4-s1p5-aqe-c2-1")!));
    expect(twoCores).to.include({
      failureClass: "executor_jvm_oom",
      bindingConstraint: "executor_collect_heap",
    });
    const oneCore = predict(inputFromRecord(byCell.get("m768m-bhj-r0p4-s1p5-aqe-1")!));
    expect(oneCore.outcome).to.equal("succeeded");
  });

  it("misses the two skewed 2-core shuffled hash joins only because the pool is shared", () => {
    // Both completed. Their hot task was refused at half the pool, as predicted (rerun with
    // millisecond executor logs: refused with its neighbour's page still held), and Spark's
    // retry (spark.task.maxFailures = 2 in this matrix) ran alone on its executor and got the
    // whole pool. Whether a retry runs alone is timing: rerun, the AQE-on cell again completed
    // on its retry and the AQE-off one was refused twice and failed (docs/prediction-accuracy.md).
    const byCell = new Map(heldOut.map((r) => [r.cell, r]));
    for (const name of ["m768m-shj-r0p25-s1p5-aqe-c2-1", "m768m-shj-r0p25-s1p5-noaqe-c2-1"]) {
      const prediction = predict(inputFromRecord(byCell.get(name)!));
      const task = prediction.checks.find((c) => c.id === "shj_task_memory")!;
      const wholePool = task.capacity * 2;
      expect(task.demand, name).to.be.above(task.capacity).and.at.most(wholePool);
      expect(task.detail, name).to.contain("that runs alone on its executor completes");
    }
  });

  it("gets the built-in searches' boundary probes right as often as docs/report.md says", () => {
    const experiment = experimentSchema.parse(BUILTIN_PILOT_EXPERIMENT);
    const probes = readResultsFile(path.join(BUILTIN_SEARCH, "results.jsonl"));
    const searches = searchSpecs(experiment);
    for (const r of probes) {
      expect(
        searches.some((search) => isProbeOf(search, r.parameters)),
        r.cell,
      ).to.equal(true);
      expect(r.memoryLimits?.enforced, r.cell).to.equal(true);
    }
    const report = accuracy(shipped(probes));
    expect(report.cells).to.equal(PROBE_CLAIM.cells);
    expect(report.outcomeAccuracy).to.equal(PROBE_CLAIM.outcomesRight / PROBE_CLAIM.cells);
    expect(report.classAccuracy).to.equal(PROBE_CLAIM.classesRight / PROBE_CLAIM.cells);
    expect(report.wrong.map((w) => w.cell).sort()).to.deep.equal(PROBE_CLAIM.wrong);
    expect(report.outcomeAccuracy).to.be.at.least(0.9);
    expect(report.classAccuracy).to.be.at.least(0.85);
  });

  it("gets the former built-in grid right with the same constants", () => {
    const report = accuracy(shipped(builtin));
    expect(report.cells).to.equal(12);
    expect(report.outcomeAccuracy).to.be.at.least(0.9);
    expect(report.classAccuracy).to.be.at.least(0.85);
    expect(report.wrong).to.deep.equal([]);
  });

  it("sees AQE's non-monotonic failure region and predicts it", () => {
    // 700 MiB executors, shuffled hash join, skew 1.5 over 50,000 keys, 8 partitions. With AQE
    // on, the hot partition of the 0.5 x heap table is below 256 MB of map output (not split)
    // and too big for a task; the 0.9 x heap table's hot partition is above it, is split, and
    // every split fits. With AQE off, 0.9 fails too.
    const byCell = new Map(heldOutRecords("heldout-aqe-skew").map((r) => [r.cell, r]));
    const outcomes = (aqe: string) =>
      ["0p25", "0p5", "0p9"].map((ratio) => {
        const record = byCell.get(`m700m-shj-r${ratio}-s1p5-${aqe}-1`)!;
        return [observedOutcome(record), predict(inputFromRecord(record)).outcome];
      });
    expect(outcomes("aqe")).to.deep.equal([
      ["succeeded", "succeeded"],
      ["failed", "failed"],
      ["succeeded", "succeeded"],
    ]);
    expect(outcomes("noaqe")).to.deep.equal([
      ["succeeded", "succeeded"],
      ["failed", "failed"],
      ["failed", "failed"],
    ]);
  });

  it("meets the pod limit where the heap in use peaks: the local cluster's two-overhead matrix", () => {
    // These records led to the change (no longer held out): with the pod checked first and the
    // whole heap counted as in use, 3 of their 10 classes were missed. The driver refuses the
    // 0.8 x heap broadcast before any executor rebuilds it, the shuffled hash task is refused
    // its page before the pool fills, and the sort-merge join's heap in use is its pool.
    const records = readResultsFile(path.join(CLUSTER_OVERHEADS, "results.jsonl"));
    const report = accuracy(shipped(records));
    expect(report.cells).to.equal(10);
    expect(report.wrong).to.deep.equal([]);
    const byCell = new Map(records.map((r) => [r.cell, r]));
    const broadcast = predict(inputFromRecord(byCell.get("m768m-bhj-r0p8-s0-noaqe-oh96m-1")!));
    expect(broadcast.bindingConstraint).to.equal("driver_heap");
    const container = broadcast.checks.find((c) => c.id === "executor_container")!;
    expect(container.margin).to.be.below(0);
  });

  it("states in docs/prediction-accuracy.md the per-region accuracy these records give", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "prediction-accuracy.md"), "utf8");
    const table = regionTable(accuracyByRegion(shipped([...heldOut, ...builtin])));
    expect(doc).to.contain(table);
  });
});

/** What docs/report.md claims for the built-in searches' probes. */
const PROBE_CLAIM = {
  cells: 11,
  outcomesRight: 10,
  classesRight: 10,
  wrong: ["m512m-bhj-r0p291-s0-aqe-oh64m-1"],
};

/** What docs/prediction-accuracy.md claims for the held-out cells. */
const HELD_OUT_CLAIM = {
  cells: 21,
  outcomesRight: 19,
  classesRight: 19,
  wrong: ["m768m-shj-r0p25-s1p5-aqe-c2-1", "m768m-shj-r0p25-s1p5-noaqe-c2-1"],
};
