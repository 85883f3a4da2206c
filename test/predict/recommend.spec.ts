import { expect } from "chai";
import { SAFE_MARGIN } from "../../src/predict/constants";
import { predict } from "../../src/predict/predict";
import {
  defaultHeapCandidatesMiB,
  recommendExecutorMemory,
  type RecommendInput,
} from "../../src/predict/recommend";
import { cell, MIB } from "./helpers";

/** The pilot's join with a fixed 512 MiB build side: 50,000 keys, 4 partitions, local. */
const PILOT_JOIN = {
  buildBytes: 512 * MIB,
  skew: 0,
  keys: 50_000,
  partitions: 4,
  executorCores: 1,
  aqe: true,
  runner: "local-cluster",
  probeBytes: 64 * MIB,
} as const;

/** The smallest margin of the executor-side constraints at `heapMiB`. */
function executorMargin(input: RecommendInput, heapMiB: number): number {
  const prediction = predict({
    ...cell({
      strategy: input.strategy,
      heapMiB,
      tableRatio: input.buildBytes / (heapMiB * MIB),
      skew: input.skew,
      aqe: input.aqe,
      keys: input.keys,
      partitions: input.partitions,
      runner: input.runner,
      probeMiB: (input.probeBytes ?? 1024 * MIB) / MIB,
    }),
  });
  return Math.min(...prediction.checks.filter((c) => c.scope === "executor").map((c) => c.margin));
}

describe("predict: recommending executor memory", () => {
  it("tries 512 MiB to 64 GiB in 256 MiB steps by default", () => {
    const candidates = defaultHeapCandidatesMiB();
    expect(candidates[0]).to.equal(512);
    expect(candidates[1]).to.equal(768);
    expect(candidates[candidates.length - 1]).to.equal(65536);
    expect(candidates).to.have.length(255);
  });

  it("returns the smallest heap with a safe margin for a shuffled hash join", () => {
    // Each task builds 128 MiB of rows: page 256 MiB, asks 384.5 MiB. Safe needs a task share of
    // 384.5 x 2^0.25 = 457.3 MiB = (heap - 300) x 0.6, so heap >= 1,062 MiB.
    // 1024 MiB: share 434.4 MiB, margin log2(434.4 / 384.5) = 0.18 (would succeed, not safely).
    // 1280 MiB: share 588.0 MiB, margin log2(588 / 384.5) = 0.61.
    const input: RecommendInput = { ...PILOT_JOIN, strategy: "shuffle_hash" };
    const r = recommendExecutorMemory(input);
    expect(r).to.not.equal(undefined);
    expect(r!.executorMemory).to.equal("1280m");
    expect(r!.podMemoryMiB).to.equal(1280 + 384);
    expect(r!.margin).to.be.closeTo(Math.log2(588 / 384.5), 1e-9);
    const below = executorMargin(input, 1024);
    expect(below).to.be.closeTo(Math.log2(434.4 / 384.5), 1e-9);
    expect(below).to.be.within(0, SAFE_MARGIN);
  });

  it("returns the smallest heap for a broadcast, counting the relation and its pieces", () => {
    // Relation + pieces = 1,024.8 MiB; safe needs heap - 128 >= 1,024.8 x 2^0.25 = 1,218.6.
    // 1280: 1,152 MiB available, margin 0.17; 1536: 1,408 MiB, margin 0.46.
    const r = recommendExecutorMemory({
      ...PILOT_JOIN,
      strategy: "broadcast",
      driverMemoryMiB: 3072,
    });
    expect(r!.executorMemory).to.equal("1536m");
    expect(r!.margin).to.be.closeTo(Math.log2(1408 / (1_074_541_824 / MIB)), 1e-9);
    // The driver's margin (0.115) is reported in the prediction, but no executor heap changes
    // it: it only has to pass.
    expect(r!.prediction.bindingConstraint).to.equal("driver_heap");
  });

  it("recommends nothing when the driver cannot build the broadcast, whatever the executors", () => {
    // 5 x 512 MiB = 2,560 MiB > 2,048 - 300.
    const r = recommendExecutorMemory({
      ...PILOT_JOIN,
      strategy: "broadcast",
      driverMemoryMiB: 2048,
    });
    expect(r).to.equal(undefined);
  });

  it("keeps to the candidates it is given, smallest first", () => {
    const r = recommendExecutorMemory({
      ...PILOT_JOIN,
      strategy: "shuffle_hash",
      candidatesMiB: [4096, 1024, 2048, 256],
    });
    // 256 is under Spark's 450 MiB minimum and skipped; 1024 is not safe; 2048 is.
    expect(r!.executorMemory).to.equal("2g");
    expect(r!.heapMiB).to.equal(2048);
  });

  it("counts the pod's native memory on Kubernetes", () => {
    // At 1280 MiB: native 192 + 40 + 48 = 280 MiB against the 384 MiB overhead and the heap the
    // pool leaves, 1280 - (128 + 588) = 564 MiB: margin log2(948 / 280) = 1.76, so the task's
    // 0.61 binds, as without a pod.
    const input: RecommendInput = {
      ...PILOT_JOIN,
      strategy: "shuffle_hash",
      skew: 1.2,
      runner: "kubernetes",
    };
    const r = recommendExecutorMemory(input);
    expect(r!.executorMemory).to.equal("1280m");
    expect(r!.margin).to.be.closeTo(executorMargin(input, 1280), 1e-9);
    const atRecommended = predict(
      cell({
        strategy: "shuffle_hash",
        heapMiB: 1280,
        tableRatio: 0.4,
        skew: 1.2,
        keys: 50_000,
        partitions: 4,
        runner: "kubernetes",
        probeMiB: 64,
      }),
    );
    const container = atRecommended.checks.find((c) => c.id === "executor_container")!;
    expect(container.margin).to.be.closeTo(Math.log2(948 / 280), 1e-9);
  });

  it("is the smallest: one step down is never safe", () => {
    for (const strategy of ["broadcast", "shuffle_hash", "sort_merge"] as const) {
      for (const skew of [0, 1.2, 2]) {
        const input: RecommendInput = {
          ...PILOT_JOIN,
          strategy,
          skew,
          // 1 GiB: a broadcast's 960 MiB of collected rows stays under maxResultSize (1 GiB).
          buildBytes: 1024 * MIB,
          partitions: 16,
        };
        const r = recommendExecutorMemory(input);
        expect(r, `${strategy} ${skew}`).to.not.equal(undefined);
        expect(r!.margin).to.be.at.least(SAFE_MARGIN);
        if (r!.heapMiB > 512) {
          expect(executorMargin(input, r!.heapMiB - 256), `${strategy} ${skew}`).to.be.below(
            SAFE_MARGIN,
          );
        }
      }
    }
  });
});
