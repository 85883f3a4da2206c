/**
 * The pilot matrix `spark-at-scale pilot` runs when given no stack: 12 cells, about nine
 * minutes on a 2-core machine, placed to cross failure boundaries — for broadcast and shuffle
 * hash, both a cell that succeeds and one that runs out of memory; sort-merge is the control.
 *
 * Executors have 512 MiB of heap, just above Spark's 450 MiB floor. With 300 MiB reserved, the
 * unified pool is (512 - 300) x 0.6 ≈ 127 MiB.
 * - Broadcast: a quarter of the heap (128 MiB) is rebuilt in each executor and fits; a build
 *   side as large as the heap cannot be, and the executor JVM runs out of heap.
 * - Shuffle hash with 4 partitions holds a quarter of the build side per task: 32 MiB fits the
 *   pool, 128 MiB does not, and Spark's memory manager refuses it.
 * - Sort-merge spills instead of failing.
 * Measured on this project's 2-core reference machine: 8 succeeded, 2 executor_jvm_oom,
 * 2 spark_memory_oom, 9 minutes (README, "The local pilot").
 */
export const BUILTIN_PILOT_EXPERIMENT = {
  name: "pilot",
  description: "Built-in local pilot: 512m executors, build side of 1/4 and 1x the heap.",
  axes: {
    executorMemory: ["512m"],
    tableRatio: [0.25, 1],
    strategy: ["broadcast", "shuffle_hash", "sort_merge"],
    skew: [0, 1.2],
    aqe: [true],
  },
  fixed: {
    executorInstances: 2,
    driverMemory: "3g",
    probeSize: "64m",
    keys: 50000,
    partitions: 4,
    repeats: 1,
    // One at a time: two cells would split this machine's two cores and muddy durations.
    concurrency: 1,
    // A doomed cell fails after one retry instead of three; the class is the same.
    taskMaxFailures: 2,
    cellTimeoutMinutes: 5,
  },
  exclude: [] as Array<Record<string, unknown>>,
};
