import { expect } from "chai";
import { inputAt, predictedBoundary } from "../../src/predict/boundary";
import { predict } from "../../src/predict/predict";
import { cell, MIB, pilotCell } from "./helpers";

const RANGE = { min: 0.02, max: 8 };

describe("the predictor's boundary (largest ratio it predicts to pass)", () => {
  for (const strategy of ["broadcast", "shuffle_hash"] as const) {
    it(`${strategy}: passes just below, fails just above, within a hair`, () => {
      const input = pilotCell(strategy, 1, 0);
      const boundary = predictedBoundary(input, RANGE);
      expect(boundary.lastPass).to.be.a("number");
      expect(boundary.firstFail).to.be.a("number");
      expect(boundary.firstFail! / boundary.lastPass!).to.be.below(1.0001);
      expect(predict(inputAt(input, boundary.lastPass!)).outcome).to.equal("succeeded");
      expect(predict(inputAt(input, boundary.firstFail!)).outcome).to.equal("failed");
      expect(boundary.failureClass).to.equal(
        predict(inputAt(input, boundary.firstFail!)).failureClass,
      );
    });
  }

  it("sort-merge spills instead of failing: passes up to the range's top", () => {
    expect(predictedBoundary(pilotCell("sort_merge", 1, 0), RANGE)).to.deep.equal({
      lastPass: 8,
      firstFail: null,
      failureClass: null,
    });
  });

  it("moves the build side with the ratio, and the overhead with a new heap by Spark's rule", () => {
    const input = cell({ strategy: "broadcast", heapMiB: 512, tableRatio: 1 });
    const moved = inputAt(input, 0.5, 8192);
    expect(moved.sizing.buildBytes).to.equal(4096 * MIB);
    expect(moved.sizing.overheadMiB).to.equal(819); // 10 % of 8 GiB, above the 384 MiB floor
    expect(moved.sizing.podMemoryMiB).to.equal(8192 + 819);
    expect(moved.parameters.executorMemory).to.equal("8g");
    expect(inputAt(input, 0.5).sizing.overheadMiB).to.equal(384);
  });

  it("a larger executor takes a build side at least as large in MiB", () => {
    const input = pilotCell("broadcast", 1, 0);
    const small = predictedBoundary(input, RANGE, undefined, 512).lastPass!;
    const large = predictedBoundary(input, RANGE, undefined, 2048).lastPass!;
    expect(large * 2048).to.be.at.least(small * 512);
  });
});

describe("the container limit on the local pilot", () => {
  const withOverhead = (overheadMiB: number, memoryLimitsEnforced: boolean) => {
    const input = pilotCell("broadcast", 0.3, 0);
    return {
      ...input,
      sizing: { ...input.sizing, overheadMiB, podMemoryMiB: 512 + overheadMiB },
      memoryLimitsEnforced,
    };
  };

  it("is checked only when the pilot held the executors to their pods' memory", () => {
    expect(predict(withOverhead(64, true)).failureClass).to.equal("executor_container_oom");
    expect(predict(withOverhead(64, false)).failureClass).to.equal("none");
    expect(predict(withOverhead(384, true)).failureClass).to.equal("none");
  });
});
