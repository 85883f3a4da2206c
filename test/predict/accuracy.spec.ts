import { expect } from "chai";
import {
  accuracy,
  accuracyByMargin,
  accuracyByRegion,
  regionLabel,
} from "../../src/predict/accuracy";
import { predict } from "../../src/predict/predict";
import { inputFromRecord } from "../../src/predict/records";
import { pilotRecord, variant } from "./helpers";

describe("predict: accuracy against observed cells", () => {
  it("counts outcomes and classes, observed by predicted, and lists the cells got wrong", () => {
    // Three cells: one right, one failure with the wrong class, one wrong outcome.
    const right = pilotRecord("m512m-bhj-r1-s0-aqe-1"); // observed and predicted executor_jvm_oom
    const wrongClass = variant(right, "wrong-class", { failureClass: "executor_container_oom" });
    const wrongOutcome = variant(pilotRecord("m512m-bhj-r0p25-s0-aqe-1"), "wrong-outcome", {
      state: "FAILED",
      failureClass: "executor_jvm_oom",
    }); // predicted to succeed
    const pairs = [right, wrongClass, wrongOutcome].map((observed) => ({
      observed,
      predicted: predict(inputFromRecord(observed)),
    }));
    const report = accuracy(pairs);
    expect(report.cells).to.equal(3);
    expect(report.outcomeAccuracy).to.equal(2 / 3); // wrong-class still failed, as predicted
    expect(report.classAccuracy).to.equal(1 / 3);
    expect(report.confusion.outcome).to.deep.equal({
      succeeded: { succeeded: 0, failed: 0 },
      failed: { succeeded: 1, failed: 2 },
    });
    const classes = report.confusion.failureClass;
    expect(classes.executor_jvm_oom.executor_jvm_oom).to.equal(1);
    expect(classes.executor_jvm_oom.none).to.equal(1);
    expect(classes.executor_container_oom.executor_jvm_oom).to.equal(1);
    // Every cell is counted once in each matrix.
    const total = Object.values(classes)
      .flatMap((row) => Object.values(row))
      .reduce((a, b) => a + b, 0);
    expect(total).to.equal(3);
    expect(report.wrong.map((w) => [w.cell, w.outcomeRight])).to.deep.equal([
      ["wrong-class", true],
      ["wrong-outcome", false],
    ]);
    expect(report.wrong[1].predicted).to.include({
      outcome: "succeeded",
      failureClass: "none",
      bindingConstraint: "executor_collect_heap",
    });
  });

  it("reports NaN accuracy for no cells rather than a misleading 0 or 1", () => {
    const report = accuracy([]);
    expect(report.cells).to.equal(0);
    expect(Number.isNaN(report.outcomeAccuracy)).to.equal(true);
    expect(report.wrong).to.deep.equal([]);
  });
});

describe("predict: accuracy by region (strategy, AQE, cores)", () => {
  it("groups cells by strategy, AQE and cores, in that order, each with its own accuracy", () => {
    const right = pilotRecord("m512m-bhj-r1-s0-aqe-1");
    const twoCores = (r: typeof right, name: string) => ({
      ...variant(r, name, {}),
      parameters: { ...r.parameters, executorCores: 2 },
    });
    const noAqe = {
      ...variant(right, "no-aqe", {}),
      parameters: { ...right.parameters, aqe: false },
    };
    const wrong = variant(pilotRecord("m512m-shj-r0p25-s0-aqe-1"), "shj-wrong", {
      state: "FAILED",
      failureClass: "spark_memory_oom",
    });
    const cells = [wrong, twoCores(right, "bhj-c2"), noAqe, right];
    const regions = accuracyByRegion(
      cells.map((observed) => ({ observed, predicted: predict(inputFromRecord(observed)) })),
    );
    expect(regions.map(regionLabel)).to.deep.equal([
      "broadcast, AQE on, 1 core",
      "broadcast, AQE on, 2 cores",
      "broadcast, AQE off, 1 core",
      "shuffle_hash, AQE on, 1 core",
    ]);
    expect(regions.map((r) => r.report.cells)).to.deep.equal([1, 1, 1, 1]);
    expect(regions.map((r) => r.report.outcomeAccuracy)).to.deep.equal([1, 1, 1, 0]);
    expect(regions[3].report.wrong.map((w) => w.cell)).to.deep.equal(["shj-wrong"]);
  });

  it("scores predictions per band of |margin|, leaving out empty bands", () => {
    const right = pilotRecord("m512m-bhj-r1-s0-aqe-1");
    const base = predict(inputFromRecord(right));
    const at = (cell: string, margin: number, failureClass = base.failureClass) => ({
      observed: variant(right, cell, {}),
      predicted: {
        ...base,
        margin,
        failureClass,
        outcome: failureClass === "none" ? ("succeeded" as const) : ("failed" as const),
      },
    });
    const buckets = accuracyByMargin([
      at("near", -0.05, "none"), // |margin| 0.05, class and outcome wrong
      at("near-right", 0.09),
      at("far", -1.7),
      at("far-too", 3, "executor_container_oom"), // outcome right, class wrong
      at("unbounded", Number.POSITIVE_INFINITY),
    ]);
    expect(buckets.map((b) => [b.label, b.report.cells])).to.deep.equal([
      ["0 to 0.1", 2],
      ["1 or more", 3],
    ]);
    expect(buckets[0].report.outcomeAccuracy).to.equal(0.5);
    expect(buckets[1].report.outcomeAccuracy).to.equal(1);
    expect(buckets[1].report.classAccuracy).to.equal(2 / 3);
  });
});
