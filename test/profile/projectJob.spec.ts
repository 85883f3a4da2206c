import { expect } from "chai";
import { firstFailingScale, fitLine, valueAt } from "../../src/profile/growth";
import { projectJob, type ProfileTarget } from "../../src/profile/projectJob";
import { recommendFromProfile } from "../../src/profile/recommendFromProfile";
import type { RunProfile, StageProfile } from "../../src/trace/runProfile";

const MIB = 1024 * 1024;

function stage(overrides: Partial<StageProfile>): StageProfile {
  return {
    stageId: 0,
    attempt: 0,
    name: "collect",
    tasks: 4,
    peakTaskExecutionBytes: 0,
    memoryBytesSpilled: 0,
    maxTaskResultBytes: 4000,
    resultBytes: 16000,
    maxShuffleReadBytes: 0,
    medianShuffleReadBytes: 0,
    shuffleWriteBytes: 0,
    ...overrides,
  };
}

/** A broadcast run at `scale`: relations of 100 MiB per unit, pieces of 40 MiB per unit. */
function broadcastRun(scale: number): { scale: number; profile: RunProfile } {
  return {
    scale,
    profile: {
      stages: [
        stage({ stageId: 1, peakTaskExecutionBytes: 100 * MIB * scale }),
        stage({ stageId: 2, maxShuffleReadBytes: 10 * MIB * scale, medianShuffleReadBytes: 1 }),
      ],
      broadcasts: [{ dataBytes: 128 * MIB * scale, rows: 1_000_000 * scale }],
      peaks: {
        executorHeapBytes: null,
        executorOffHeapBytes: null,
        executorStorageBytes: null,
        driverHeapBytes: null,
        driverStorageBytes: 40 * MIB * scale,
      },
    },
  };
}

const TARGET: ProfileTarget = {
  strategy: "broadcast",
  heapMiB: 512,
  overheadMiB: 384,
  cores: 1,
  driverMiB: 3072,
  driverMaxResultSizeBytes: 0,
  memoryLimited: true,
};

describe("profile: growth lines", () => {
  it("fits the least-squares line and finds where a monotonic demand first fails", () => {
    const fit = fitLine([
      { scale: 1, value: 12 },
      { scale: 2, value: 22 },
      { scale: 4, value: 42 },
    ]);
    expect(fit.intercept).to.be.closeTo(2, 1e-9);
    expect(fit.slope).to.be.closeTo(10, 1e-9);
    expect(valueAt(fit, 10)).to.be.closeTo(102, 1e-9);
    expect(firstFailingScale((s) => valueAt(fit, s) > 52)).to.be.closeTo(5, 1e-6);
    expect(firstFailingScale(() => false)).to.equal(null);
    expect(() => fitLine([{ scale: 1, value: 1 }])).to.throw(/two scales/);
  });
});

describe("profile: a job's limits projected from small runs", () => {
  const runs = [0.1, 0.2, 0.4].map(broadcastRun);

  it("crosses a broadcast's executor heap where the relations and pieces fill Serial's old generation", () => {
    // 576 + 384 MiB pod < 1792 MiB: Serial. Room 2/3 x 512 - 30 = 311.3 MiB; the demand grows
    // 140 MiB per unit of scale, so it is crossed at 311.3 / 140 = 2.224.
    const p = projectJob(runs, TARGET);
    expect(p.binding).to.equal("executor_broadcast_heap");
    expect(p.failureClass).to.equal("executor_jvm_oom");
    expect(p.failingScale).to.be.closeTo((((2 / 3) * 512 - 30) * MIB) / (140 * MIB), 1e-6);
    const driver = p.limits.find((l) => l.id === "driver_heap")!;
    // 5 x 100 MiB per unit against 2772 MiB: 5.544.
    expect(driver.crossingScale).to.be.closeTo(2772 / 500, 1e-6);
    expect(p.limits.map((l) => l.id)).to.deep.equal([
      "executor_collect_heap",
      "broadcast_rows",
      "broadcast_bytes",
      "driver_heap",
      "executor_broadcast_heap",
      "executor_container",
    ]);
  });

  it("moves the crossing with the target's memory: a 1 GiB driver fails first", () => {
    const p = projectJob(runs, { ...TARGET, heapMiB: 4096, driverMiB: 1024 });
    expect(p.binding).to.equal("driver_heap");
    expect(p.failureClass).to.equal("broadcast_too_large");
    expect(p.failingScale).to.be.closeTo(724 / 500, 1e-6);
  });

  it("fails a hash build past its task's share, and lets a sort spill", () => {
    const shuffled = [0.1, 0.2].map((scale) => ({
      scale,
      profile: {
        ...broadcastRun(scale).profile,
        broadcasts: [],
        peaks: { ...broadcastRun(scale).profile.peaks, driverStorageBytes: 0 },
      },
    }));
    const hash = projectJob(shuffled, { ...TARGET, strategy: "shuffle_hash" });
    // Pool (512 - 300) x 0.6 = 127.2 MiB for one task: crossed at 1.272.
    expect(hash.binding).to.equal("task_execution_memory");
    expect(hash.failureClass).to.equal("spark_memory_oom");
    expect(hash.failingScale).to.be.closeTo(1.272, 1e-6);
    const sort = projectJob(shuffled, { ...TARGET, strategy: "sort_merge" });
    expect(sort.spillScale).to.be.closeTo(1.272, 1e-6);
    expect(sort.binding).to.not.equal("task_execution_memory");
  });

  it("recommends the memory that keeps every limit beyond the target with the margin", () => {
    const r = recommendFromProfile(runs, TARGET, 4);
    expect(r.safeScale).to.be.closeTo(4 * 2 ** 0.25, 1e-9);
    // Each recommended setting keeps its limits past the safe scale, one step less does not.
    const at = (t: Partial<ProfileTarget>) => projectJob(runs, { ...TARGET, ...t });
    const crossing = (t: Partial<ProfileTarget>, id: string) =>
      at(t).limits.find((l) => l.id === id)!.crossingScale ?? Infinity;
    expect(crossing({ heapMiB: r.executorHeapMiB! }, "executor_broadcast_heap")).to.be.at.least(
      r.safeScale,
    );
    expect(crossing({ heapMiB: r.executorHeapMiB! - 64 }, "executor_broadcast_heap")).to.be.below(
      r.safeScale,
    );
    expect(
      crossing({ heapMiB: r.executorHeapMiB!, driverMiB: r.driverMiB! }, "driver_heap"),
    ).to.be.at.least(r.safeScale);
    expect(r.fixedLimits).to.deep.equal([]);
  });
});
