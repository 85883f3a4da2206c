/**
 * The pilot matrix `spark-at-scale pilot` runs when given no stack (`npm start`): boundary
 * searches instead of a grid, so that a few cells show where each join strategy's limit lies
 * and how it ends there — eleven cells and about twelve minutes on a 2-core machine.
 *
 * Executors have 512 MiB of heap, just above Spark's 450 MiB floor, and run in memory cgroups
 * of heap + overhead, as pods do. For each combination the pilot looks for the largest build
 * side (as a multiple of the heap, 0.2 to 1) that passes, to within 25 %:
 * - Broadcast with the 384 MiB overhead floor: the relation and its pieces fill the heap near
 *   0.35, and the executor JVM runs out of heap (executor_jvm_oom).
 * - Broadcast with a 64 MiB overhead: the kernel kills the executor first, as the heap in use
 *   and the JVM's native memory pass the 576 MiB limit (executor_container_oom).
 * - Shuffle hash with 4 partitions, skew 0 and 1.2: a task's partition outgrows its share of the
 *   127 MiB execution pool and Spark's memory manager refuses it (spark_memory_oom); skew moves
 *   the limit down.
 * - Sort-merge spills instead of failing: it passes at the top of the range.
 * Measured runs are in the README ("The local pilot").
 */
export const BUILTIN_PILOT_EXPERIMENT = {
  name: "pilot",
  description:
    "Built-in local pilot: the boundary of each join strategy for 512m executors, with the 384m overhead floor and a 64m overhead.",
  axes: {
    executorMemory: ["512m"],
    strategy: ["broadcast", "shuffle_hash", "sort_merge"],
    skew: [0, 1.2],
    aqe: [true],
    memoryOverhead: ["384m", "64m"],
  },
  search: {
    tableRatio: { min: 0.2, max: 1, tolerance: 0.25 },
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
  // Skew moves a shuffled join's limit, not a broadcast's (the whole build side is broadcast);
  // the small overhead is about the broadcast's pod, and sort-merge is the control.
  exclude: [
    { strategy: "broadcast", skew: 1.2 },
    { strategy: "shuffle_hash", memoryOverhead: "64m" },
    { strategy: "sort_merge", memoryOverhead: "64m" },
    { strategy: "sort_merge", skew: 1.2 },
  ] as Array<Record<string, unknown>>,
};
