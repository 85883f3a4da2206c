import { expect } from "chai";
import { topKeyShare } from "../../src/predict/keyDistribution";
import {
  DEFAULT_AQE_SETTINGS,
  shufflePlan,
  sparkMedian,
  splitSizeListByTargetSize,
  type ShufflePlanInput,
} from "../../src/predict/shuffleTasks";

/** 8 GiB build (67,108,864 rows), 1 GiB probe, 100,000 keys, 64 partitions, 64 map tasks. */
const BIG: ShufflePlanInput = {
  buildRows: 67_108_864,
  probeRows: 8_388_608,
  keys: 100_000,
  skew: 1.2,
  partitions: 64,
  aqe: true,
  mapTasks: 64,
  defaultParallelism: 2,
  mapOutputRowBytes: 120,
  settings: DEFAULT_AQE_SETTINGS,
};

describe("predict: a shuffled join's reduce tasks, with and without AQE", () => {
  it("takes the median as Spark's Utils.median does", () => {
    expect(sparkMedian([50, 800, 60, 90])).to.equal(75); // (60 + 90) / 2
    expect(sparkMedian([3, 1, 2])).to.equal(2);
    expect(sparkMedian([0, 0])).to.equal(1); // at least 1
  });

  it("groups map outputs like ShufflePartitionsUtil.splitSizeListByTargetSize", () => {
    // 8 blocks of 34.7 against 64: single blocks would do, but two neighbours together stay
    // under 1.2 x 64 = 76.8, so they merge: groups start at 0, 2, 4, 6.
    expect(splitSizeListByTargetSize(new Array<number>(8).fill(34.7), 64)).to.deep.equal([
      0, 2, 4, 6,
    ]);
    // Target 30: [10,10,10] fills it; the next 10 stays alone (10 + 30 = 40 is over
    // 1.2 x 30 = 36); 100 is a group by itself; the trailing 1 is under 0.2 x 30 = 6 and
    // merges into the 100.
    expect(splitSizeListByTargetSize([10, 10, 10, 10, 100, 1], 30)).to.deep.equal([0, 3, 4]);
  });

  it("without AQE, a task is a hash partition, the hot key's whole partition in one task", () => {
    const plan = shufflePlan({ ...BIG, aqe: false });
    expect(plan.tasks).to.have.length(64);
    expect(plan.skewedPartitions).to.deep.equal([]);
    const hot = plan.tasks.reduce((a, b) => (b.buildRows > a.buildRows ? b : a));
    // Partition 29 holds key 0 (19.6 % of the rows) and the keys that hash with it: 28.9 %.
    expect(hot.label).to.equal("partition 29");
    expect(hot.buildRows / BIG.buildRows).to.be.closeTo(0.2894, 0.0001);
    expect(hot.topKeyRows).to.be.closeTo(topKeyShare(100_000, 1.2) * BIG.buildRows, 1e-6);
  });

  it("with AQE, splits partitions over max(256 MiB, 5 x median) by map output", () => {
    const plan = shufflePlan(BIG);
    // Map output per partition: share x 67,108,864 rows x 120 B. Median 58.6 MiB, so the
    // threshold is max(256 MiB, 5 x 58.6 = 293 MiB) = 293 MiB: partitions 24, 29, 35 and 44
    // (keys 0-3 and their neighbours) are skewed. Partition 29 is 2,223 MiB from 64 map tasks:
    // blocks of 34.7 MiB against a target of max(64 MiB, mean of the others = 70.8 MiB), so two
    // blocks a split: 32 splits, each 1/32 of the partition and of the hot key.
    expect(plan.skewedPartitions).to.deep.equal([24, 29, 35, 44]);
    const splits = plan.tasks.filter((t) => t.label.startsWith("partition 29, split"));
    expect(splits).to.have.length(32);
    const partitionRows = 0.28942334850071816 * BIG.buildRows;
    const hotRows = topKeyShare(100_000, 1.2) * BIG.buildRows;
    for (const split of splits) {
      expect(split.buildRows).to.be.closeTo(partitionRows / 32, 1);
      expect(split.topKeyRows).to.be.closeTo(hotRows / 32, 1);
    }
  });

  it("cannot split a partition fed by a single map task", () => {
    const plan = shufflePlan({ ...BIG, mapTasks: 1 });
    expect(plan.skewedPartitions).to.deep.equal([]);
  });

  it("with AQE, coalesces small neighbouring partitions up to the target", () => {
    // 64 MiB build and 64 MiB probe (524,288 rows each) in 64 partitions: map output 60 MiB a
    // side, 120 MiB in all; target = min(64 MiB, 120 MiB / 2 cores) = 60 MiB, each partition
    // about 1.9 MiB, so about 32 partitions make a task: 0-30, 31-62 and the last one left.
    const plan = shufflePlan({
      ...BIG,
      skew: 0,
      buildRows: 524_288,
      probeRows: 524_288,
      mapTasks: 2,
    });
    expect(plan.tasks.map((t) => t.label)).to.deep.equal([
      "partitions 0-30",
      "partitions 31-62",
      "partition 63",
    ]);
    const noCoalesce = shufflePlan({
      ...BIG,
      skew: 0,
      buildRows: 524_288,
      probeRows: 524_288,
      mapTasks: 2,
      settings: { ...DEFAULT_AQE_SETTINGS, coalesceEnabled: false },
    });
    expect(noCoalesce.tasks).to.have.length(64);
  });
});
