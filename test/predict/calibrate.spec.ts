import { expect } from "chai";
import { accuracy } from "../../src/predict/accuracy";
import { calibrate, fitFactor, leaveOneOut } from "../../src/predict/calibrate";
import { BYTES_PER_MIB as MIB } from "../../src/core/quantity";
import { DEFAULT_CALIBRATION, predict } from "../../src/predict/predict";
import type { Prediction } from "../../src/predict/types";
import { inputFromRecord } from "../../src/predict/records";
import type { CellResult } from "../../src/results/cellResult";
import { pilotRecord, pilotRecords, variant } from "./helpers";

/**
 * A broadcast of 512 MiB whose driver had only 1,800 MiB and still built it (the executors
 * then ran out of heap): it says the driver factor is at most (1800 - 300) / 512 = 2.93,
 * against the default 5. Absurd next to workloads/README.md's 6 GiB for 1 GiB, and the pilot agrees
 * with it (its bounds are 5.41 and 21.7), so the fit moves to 2.93 whenever it is included.
 */
function absurdDriverRecord(): CellResult {
  return variant(pilotRecord("m512m-bhj-r1-s0-aqe-1"), "absurd-driver-1800m", {
    sizing: { driverMemoryMiB: 1800 },
  });
}

describe("predict: calibration", () => {
  it("keeps the documented defaults when there is nothing to fit", () => {
    const fit = calibrate([]);
    expect(fit.driverBuildFactor).to.equal(5);
    expect(fit.executorHeapBaselineMiB).to.equal(128);
    expect(fit.bounds.driverBuildFactor).to.deep.equal([]);
  });

  it("keeps them on the pilot, whose cells all agree with them, and says what bounds them", () => {
    const fit = calibrate(pilotRecords());
    expect(fit.driverBuildFactor).to.equal(5);
    expect(fit.executorHeapBaselineMiB).to.equal(128);
    expect(fit.contradicted).to.deep.equal({ driverBuildFactor: 0, executorHeapBaselineMiB: 0 });
    // Each broadcast cell's driver built the relation: factor <= (3072 - 300) / build MiB.
    expect(fit.bounds.driverBuildFactor.map((b) => [b.kind, b.value])).to.deep.equal([
      ["atMost", 2772 / 128], // 21.66
      ["atMost", 2772 / 128],
      ["atMost", 2772 / 512], // 5.41
      ["atMost", 2772 / 512],
    ]);
    // Baseline: 512 - 256.76 MiB (broadcast 0.25 fitted); sort-merge cells fitted beside the
    // pool; shuffle hash cells say nothing about it, nor do the ratio-1 broadcasts: their
    // OutOfMemoryError is predicted while their executors collect the build side, before any
    // relation is rebuilt.
    const baseline = fit.bounds.executorHeapBaselineMiB;
    expect(baseline.map((b) => b.cell)).to.not.include("m512m-shj-r1-s0-aqe-1");
    expect(baseline.map((b) => b.cell)).to.not.include("m512m-bhj-r1-s0-aqe-1");
    const tightest = Math.min(...baseline.filter((b) => b.kind === "atMost").map((b) => b.value));
    expect(tightest).to.be.closeTo(231.73, 0.01); // sort-merge skew 1.2, ratio 1
    expect(baseline.filter((b) => b.kind === "above")).to.deep.equal([]);
  });

  it("moves a factor only as far as the results require", () => {
    // The default contradicts an upper bound: the closest value that does not is the bound.
    expect(
      fitFactor([{ cell: "a", kind: "atMost", value: 3 }], 5, { minimum: 0, logScale: true }).value,
    ).to.equal(3);
    // A lower bound: just past it.
    const above = fitFactor([{ cell: "a", kind: "above", value: 7 }], 5, {
      minimum: 0,
      logScale: true,
    });
    expect(above.value).to.be.closeTo(7.007, 1e-9);
    // Two cells against one: the value contradicting fewer wins, here the default.
    const outvoted = fitFactor(
      [
        { cell: "a", kind: "above", value: 7 },
        { cell: "b", kind: "atMost", value: 6 },
        { cell: "c", kind: "atMost", value: 6.5 },
      ],
      5,
      { minimum: 0, logScale: true },
    );
    expect(outvoted).to.deep.equal({ value: 5, contradicted: 1 });
  });

  it("refits the driver factor from a cell that contradicts it", () => {
    const fit = calibrate([...pilotRecords(), absurdDriverRecord()]);
    expect(fit.driverBuildFactor).to.equal(1500 / 512); // 2.9296875
    expect(fit.executorHeapBaselineMiB).to.equal(128);
  });

  it("ignores cells that failed for reasons outside the model, and cells with no workload line", () => {
    const timedOut = variant(pilotRecord("m512m-bhj-r1-s0-aqe-1"), "timed-out", {
      sizing: { driverMemoryMiB: 1800 },
      state: "TIMEOUT",
      failureClass: "timeout",
    });
    const neverRan: CellResult = {
      ...variant(pilotRecord("m512m-bhj-r1-s0-aqe-1"), "never-ran", {
        state: "SUBMISSION_FAILED",
        failureClass: "submission_failed",
      }),
      workload: null,
    };
    const fit = calibrate([...pilotRecords(), timedOut, neverRan]);
    expect(fit.driverBuildFactor).to.equal(5);
    expect(fit.bounds.driverBuildFactor).to.have.length(4);
  });
});

describe("predict: leave-one-out", () => {
  it("predicts each pilot cell from the other eleven, and gets all 12 right", () => {
    const records = pilotRecords();
    const held = leaveOneOut(records);
    expect(held.map((h) => h.record.cell)).to.deep.equal(records.map((r) => r.cell));
    const report = accuracy(held.map((h) => ({ observed: h.record, predicted: h.prediction })));
    expect(report.outcomeAccuracy).to.equal(1);
    expect(report.classAccuracy).to.equal(1);
  });

  it("never fits on the record it predicts", () => {
    const records = [...pilotRecords(), absurdDriverRecord()];
    const held = leaveOneOut(records);
    held.forEach((h, i) => {
      const others = records.filter((_, j) => j !== i);
      // The fit is exactly the one on the others, and no bound in it comes from this cell.
      expect(h.calibration).to.deep.equal(calibrate(others));
      const cells = [
        ...h.calibration.bounds.driverBuildFactor,
        ...h.calibration.bounds.executorHeapBaselineMiB,
      ].map((b) => b.cell);
      expect(cells, h.record.cell).to.not.include(h.record.cell);
      expect(h.prediction).to.deep.equal(predict(inputFromRecord(h.record), calibrate(others)));
    });
  });

  it("lets an absurd record move the others' calibration but not its own prediction", () => {
    const absurd = absurdDriverRecord();
    const held = leaveOneOut([...pilotRecords(), absurd]);
    const own = held.find((h) => h.record.cell === absurd.cell)!;
    // Its own prediction uses the pilot-only fit (5): 5 x 512 = 2,560 MiB > 1,800 - 300.
    expect(own.calibration.driverBuildFactor).to.equal(5);
    const driver = (p: Prediction) => p.checks.find((c) => c.id === "driver_heap")!;
    expect(driver(own.prediction).demand).to.equal(2560 * MIB);
    expect(driver(own.prediction).capacity).to.equal(1500 * MIB);
    // Fitting on itself would have "explained" it: 2.93 x 512 = 1,500 MiB fits exactly.
    const selfFit = predict(inputFromRecord(absurd), calibrate([...pilotRecords(), absurd]));
    expect(driver(selfFit).demand).to.equal(driver(selfFit).capacity);
    // Every other cell's fit includes it, and moved.
    for (const h of held.filter((x) => x.record.cell !== absurd.cell)) {
      expect(h.calibration.driverBuildFactor, h.record.cell).to.equal(1500 / 512);
    }
    // Moving the factor did not change the other cells' outcomes.
    const others = held.filter((h) => h.record.cell !== absurd.cell);
    const report = accuracy(others.map((h) => ({ observed: h.record, predicted: h.prediction })));
    expect(report.classAccuracy).to.equal(1);
  });

  it("needs keys and partitions for a record without a workload line", () => {
    const neverRan: CellResult = { ...pilotRecord("m512m-smj-r1-s0-aqe-1"), workload: null };
    expect(() => leaveOneOut([neverRan])).to.throw(/no workload result line/);
    const held = leaveOneOut([neverRan], { fallback: { keys: 50_000, partitions: 4 } });
    expect(held[0].prediction.failureClass).to.equal("none");
    expect(held[0].calibration).to.include(DEFAULT_CALIBRATION);
  });
});
