/**
 * The pilot matrix `spark-at-scale pilot` runs when given no stack: small enough for about ten
 * minutes on a 2-core laptop, and placed to cross failure boundaries — for broadcast and
 * shuffle hash, both a cell that succeeds and one that runs out of memory.
 *
 * Executors have the smallest heap Spark accepts headroom above (512 MiB); with Spark's 300 MiB
 * reserved, the unified pool is (512 - 300) x 0.6 ≈ 127 MiB. A broadcast build side of a
 * quarter of the heap (128 MiB) fits an executor; four times the heap cannot. Shuffle hash with
 * 4 partitions holds a quarter of the build side per task: fine at ratio 0.25, far over the
 * pool at ratio 4. Sort-merge spills instead, and is the control that should pass throughout.
 */
export const BUILTIN_PILOT_EXPERIMENT = {
  name: "pilot",
  description: "Built-in local pilot: 512m executors, build side from 1/4 to 4x the heap.",
  axes: {
    executorMemory: ["512m"],
    tableRatio: [0.25, 1, 4],
    strategy: ["broadcast", "shuffle_hash", "sort_merge", "auto"],
    skew: [0],
    aqe: [true],
  },
  fixed: {
    executorInstances: 2,
    driverMemory: "3g",
    probeSize: "128m",
    keys: 50000,
    partitions: 4,
    repeats: 1,
    concurrency: 1,
    cellTimeoutMinutes: 5,
  },
  exclude: [] as Array<Record<string, unknown>>,
};
