/**
 * The predictor on cells drawn at random: the records of examples/random-draw/ (32 join cells
 * drawn, seeded, from a space wider than the built-in matrix, run on real Spark 4.0.4 with the
 * pilot) and the predictions kept before each cell ran. Nothing was fit on them, and none was
 * rerun to find out why it ended as it did. docs/prediction-accuracy.md states the numbers
 * asserted here.
 */
import { expect } from "chai";
import * as path from "node:path";
import { readPredictions } from "../../src/campaign/preRunPredictions";
import { experimentSchema } from "../../src/config/experiment";
import { readStackFile } from "../../src/config/stackFile";
import { cellSpecs } from "../../src/experiment/cellSpecs";
import { readResultsFile } from "../../src/report/loadResults";
import { preRunAccuracy, preRunLines } from "../../src/report/preRunAccuracy";
import * as fs from "node:fs";
import { PROJECT_DIR } from "../helpers/devStack";

const EXAMPLE = path.join(PROJECT_DIR, "examples", "random-draw");
const RESULTS = path.join(EXAMPLE, "results");
const records = readResultsFile(path.join(RESULTS, "results.jsonl"));
const stored = readPredictions(RESULTS);
const FALLBACK = { keys: 50_000, partitions: 4 };

/** What docs/prediction-accuracy.md claims for the random draw. */
export const DRAW_CLAIM = {
  cells: 32,
  outcomesRight: 30,
  classesRight: 29,
  wrong: [
    "m1600m-bhj-r0p59-s0p5-noaqe-oh448m-1",
    "m1600m-shj-r0p58-s1p1-aqe-oh128m-1",
    "m1g-bhj-r0p26-s0-aqe-c2-oh224m-1",
  ],
};

describe("predict: 32 cells drawn at random, predicted before they ran", () => {
  it("are the draw's cells, each predicted before it started", () => {
    const config = readStackFile(path.join(EXAMPLE, "Pulumi.random-draw.yaml"));
    const experiment = experimentSchema.parse(config["experiment"]);
    const drawn = cellSpecs(experiment).map((c) => c.name);
    expect(records.map((r) => r.cell).sort()).to.deep.equal(drawn);
    expect([...stored.keys()].sort()).to.deep.equal(drawn);
    for (const r of records) {
      expect(r.runner, r.cell).to.equal("local-cluster");
      expect(r.memoryLimits?.enforced, r.cell).to.equal(true);
      expect(r.workload?.sparkVersion ?? "4.0.4", r.cell).to.equal("4.0.4");
      const predictedAt = Date.parse(stored.get(r.cell)!.predictedAt);
      expect(predictedAt, r.cell).to.be.below(Date.parse(r.start!));
    }
  });

  it("covers the space the issue asks for", () => {
    const p = records.map((r) => r.parameters);
    expect(new Set(p.map((x) => x.strategy))).to.deep.equal(
      new Set(["broadcast", "shuffle_hash", "sort_merge"]),
    );
    expect(new Set(p.map((x) => x.aqe))).to.deep.equal(new Set([true, false]));
    expect(new Set(p.map((x) => x.executorCores))).to.deep.equal(new Set([1, 2]));
    const heaps = records.map((r) => r.sizing.heapMiB);
    expect(Math.min(...heaps)).to.be.at.least(512);
    expect(Math.max(...heaps)).to.be.at.most(2048);
    const overheads = records.map((r) => r.sizing.overheadMiB);
    expect(Math.min(...overheads)).to.be.at.least(64);
    expect(Math.max(...overheads)).to.be.at.most(512);
    const skews = p.map((x) => x.skew);
    expect(Math.min(...skews)).to.be.at.least(0);
    expect(Math.max(...skews)).to.be.at.most(1.5);
  });

  it("gets them right as often as docs/prediction-accuracy.md says", () => {
    const scored = preRunAccuracy(records, stored, FALLBACK)!;
    const { report } = scored;
    expect(report.cells).to.equal(DRAW_CLAIM.cells);
    expect(report.outcomeAccuracy).to.equal(DRAW_CLAIM.outcomesRight / DRAW_CLAIM.cells);
    expect(report.classAccuracy).to.equal(DRAW_CLAIM.classesRight / DRAW_CLAIM.cells);
    expect(report.wrong.map((w) => w.cell).sort()).to.deep.equal(DRAW_CLAIM.wrong);
    // The goal of the issue: 90 % outcome, 85 % class, on cells nobody chose.
    expect(report.outcomeAccuracy).to.be.at.least(0.9);
    expect(report.classAccuracy).to.be.at.least(0.85);
    // The predictions kept are today's model's.
    expect(scored.changedSince).to.deep.equal([]);
  });

  it("states in docs/prediction-accuracy.md the report's section on them", () => {
    const scored = preRunAccuracy(records, stored, FALLBACK)!;
    const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "prediction-accuracy.md"), "utf8");
    for (const line of preRunLines(scored)) expect(doc).to.contain(line);
  });
});

describe("predict: a prediction made after its cell started is not scored", () => {
  it("sets aside cells whose record started before the prediction (an adopted run), and says so", () => {
    const [first, second] = records;
    // As if `first` had been started by `pulumi up` an hour before `run` adopted and predicted it.
    const adopted = {
      ...first,
      start: new Date(Date.parse(first.start!) - 3_600_000).toISOString(),
    };
    const late = new Map(stored);
    late.set(first.cell, { ...stored.get(first.cell)!, predictedAt: first.end! });
    const scored = preRunAccuracy([adopted, second], late, FALLBACK)!;
    expect(scored.report.cells).to.equal(1);
    expect(scored.predictedLate).to.equal(1);
    expect(preRunLines(scored)[0]).to.contain(
      "1 prediction(s) made after their cell had started were not scored",
    );
    const allLate = preRunAccuracy([adopted], late, FALLBACK)!;
    expect(allLate.report.cells).to.equal(0);
    expect(preRunLines(allLate)).to.deep.equal([
      "predicted before they ran (predictions.jsonl): none to score; 1 prediction(s) made after " +
        "their cell had started were not scored",
    ]);
    expect(preRunAccuracy([adopted], new Map(), FALLBACK)).to.equal(undefined);
  });
});
