/**
 * A job's limits projected from its small runs. Each quantity Spark measured in every run (a
 * task's peak execution memory, a task's and a stage's results, a broadcast's relation, its
 * pieces) is fit as a line in the scale; each limit a cell's memory sets (a task's share of the
 * execution pool, the executor heap a broadcast is rebuilt in, the pod, the driver's heap and
 * maxResultSize, Spark's broadcast limits) is then crossed at some scale, found by bisection. The
 * smallest crossing that fails the job is the predicted failing scale, with its class. Pure:
 * profiles and a target in, projections out. The limits' arithmetic is the memory model's
 * (src/predict/README.md), fed with measured sizes instead of a generated table's.
 */
import type { JoinStrategy } from "../config/experiment";
import { BYTES_PER_MIB as MIB } from "../core/quantity";
import type { FailureClass } from "../failure/failureClass";
import {
  EXECUTOR_LIVE_HEAP_MIB,
  GC_NATIVE_FRACTION,
  JVM_NATIVE_BASE_MIB,
  MAX_BROADCAST_TABLE_BYTES,
  MAX_BROADCAST_TABLE_ROWS,
  MEMORY_FRACTION,
  RESERVED_SYSTEM_MEMORY_MIB,
  SERIAL_OLD_GENERATION_FRACTION,
  SHUFFLE_FETCH_IN_FLIGHT_MIB,
  TASK_RESULT_CHUNK_BYTES,
  TASK_RESULT_COPIES,
} from "../predict/constants";
import { DEFAULT_CALIBRATION } from "../predict/defaults";
import { chunkedBufferHeapBytes, ergonomicCollector } from "../predict/heapRegions";
import type { RunProfile, StageProfile } from "../trace/runProfile";
import { firstFailingScale, fitLine, valueAt, type LinearFit } from "./growth";

/** The memory the projection is for: the runs' own unless told otherwise. */
export interface ProfileTarget {
  /** The join strategy the runs preferred: which limits apply (a broadcast's, a hash build's). */
  readonly strategy: JoinStrategy;
  readonly heapMiB: number;
  readonly overheadMiB: number;
  readonly cores: number;
  readonly driverMiB: number;
  /** spark.driver.maxResultSize in bytes; 0 = unlimited. */
  readonly driverMaxResultSizeBytes: number;
  /** Executors held to heap + overhead (pods; the pilot's cgroups): the pod limit applies. */
  readonly memoryLimited: boolean;
}

/** One small run: its scale and its profile. */
export interface ProfiledRun {
  readonly scale: number;
  readonly profile: RunProfile;
  /** spark.sql.shuffle.partitions it ran with, when known. */
  readonly partitions?: number;
}

export type ProjectedLimitId =
  | "executor_collect_heap"
  | "driver_max_result_size"
  | "broadcast_rows"
  | "broadcast_bytes"
  | "driver_heap"
  | "executor_broadcast_heap"
  | "executor_container"
  | "task_execution_memory";

/** The quantities fit, one line each. */
export type QuantityId =
  | "taskResultBytes"
  | "stageResultBytes"
  | "broadcastRows"
  | "broadcastDataBytes"
  | "taskExecutionBytes"
  | "broadcastPiecesBytes";

export interface Quantity {
  readonly id: QuantityId;
  readonly points: readonly { readonly scale: number; readonly value: number }[];
  readonly fit: LinearFit;
}

export interface LimitProjection {
  readonly id: ProjectedLimitId;
  /** The class the job fails with when this limit is crossed first; null: it spills instead. */
  readonly failureClass: FailureClass | null;
  /** The limit at the target's memory, in its unit (bytes or rows). */
  readonly capacity: number;
  /** What the limit holds against, at the largest run's scale. */
  readonly demandAtLargestRun: number;
  /** The scale the demand reaches the capacity; null when it does not grow to it. */
  readonly crossingScale: number | null;
  readonly words: string;
}

export interface JobProjection {
  readonly scales: readonly number[];
  readonly quantities: readonly Quantity[];
  /** Every limit that applies, in the order the job meets them. */
  readonly limits: readonly LimitProjection[];
  /** The smallest scale a failing limit is crossed at; null when none is. */
  readonly failingScale: number | null;
  readonly failureClass: FailureClass;
  readonly binding: ProjectedLimitId | null;
  /** Where the job starts to spill (a limit with no failure class), when it does. */
  readonly spillScale: number | null;
}

const maxOf = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), 0);

/**
 * The largest task peak execution memory, as one shuffle partition's. With AQE a small run's
 * reduce tasks are coalesced, each holding several of the `partitions` shuffle partitions; as
 * the data grows AQE stops coalescing and a task holds one. So a shuffled join's coalesced task
 * counts for tasks / partitions of its peak (partitions alike within a task). A broadcast's peak
 * is its relation, whatever the task holds: left as it is.
 */
function taskExecutionPerPartition(run: ProfiledRun, shuffledJoin: boolean): number {
  const top = run.profile.stages.reduce<StageProfile | undefined>(
    (a, b) => (a === undefined || b.peakTaskExecutionBytes > a.peakTaskExecutionBytes ? b : a),
    undefined,
  );
  if (!top) return 0;
  const { partitions } = run;
  const coalesced =
    shuffledJoin &&
    partitions !== undefined &&
    top.maxShuffleReadBytes > 0 &&
    top.tasks > 0 &&
    top.tasks < partitions;
  return coalesced
    ? (top.peakTaskExecutionBytes * top.tasks) / partitions
    : top.peakTaskExecutionBytes;
}

/** Each run's value of each quantity. */
function measured(run: ProfiledRun, shuffledJoin: boolean): Record<QuantityId, number> {
  const { stages, broadcasts, peaks } = run.profile;
  return {
    taskResultBytes: maxOf(stages.map((s) => s.maxTaskResultBytes)),
    stageResultBytes: maxOf(stages.map((s) => s.resultBytes)),
    broadcastRows: maxOf(broadcasts.map((b) => b.rows)),
    broadcastDataBytes: maxOf(broadcasts.map((b) => b.dataBytes)),
    // Under a broadcast, a BroadcastHashJoin task reports its relations' size (rebuilt, tight)
    // as its peak execution memory; under a shuffled join, its pool's share.
    taskExecutionBytes: taskExecutionPerPartition(run, shuffledJoin),
    // The pieces the driver keeps to serve: the serialized, compressed relations.
    broadcastPiecesBytes: broadcasts.length > 0 ? (peaks.driverStorageBytes ?? 0) : 0,
  };
}

const QUANTITY_IDS: readonly QuantityId[] = [
  "taskResultBytes",
  "stageResultBytes",
  "broadcastRows",
  "broadcastDataBytes",
  "taskExecutionBytes",
  "broadcastPiecesBytes",
];

/**
 * Projects `runs` (two or more scales, all completed) to `target`. The caller checks the runs;
 * this throws on fewer than two scales.
 */
export function projectJob(runs: readonly ProfiledRun[], target: ProfileTarget): JobProjection {
  // In-flight shuffle fetches count against a shuffled join's pod, as in the memory model (its
  // pod limit was measured that way); a broadcast's other shuffles are left out there too.
  const shuffled = target.strategy === "shuffle_hash" || target.strategy === "sort_merge";
  const values = runs.map((r) => ({ scale: r.scale, value: measured(r, shuffled) }));
  const quantities = QUANTITY_IDS.map((id): Quantity => {
    const points = values.map((v) => ({ scale: v.scale, value: v.value[id] }));
    return { id, points, fit: fitLine(points) };
  });
  const fitOf = (id: QuantityId) => quantities.find((q) => q.id === id)!.fit;
  const at = (id: QuantityId, scale: number) => Math.max(0, valueAt(fitOf(id), scale));
  const largest = Math.max(...runs.map((r) => r.scale));
  const broadcasting = runs.some((r) => r.profile.broadcasts.length > 0);

  const heapBytes = target.heapMiB * MIB;
  const podMiB = target.heapMiB + target.overheadMiB;
  const collector = ergonomicCollector(target.memoryLimited ? podMiB : null);
  const baselineMiB = DEFAULT_CALIBRATION.executorHeapBaselineMiB;
  const limits: LimitProjection[] = [];
  const project = (
    id: ProjectedLimitId,
    failureClass: FailureClass | null,
    capacity: number,
    demand: (scale: number) => number,
    words: string,
  ) =>
    limits.push({
      id,
      failureClass,
      capacity,
      demandAtLargestRun: demand(largest),
      crossingScale: firstFailingScale((s) => demand(s) > capacity),
      words,
    });

  // Collect tasks hold their result three times in 1 MiB chunks, side by side on each executor.
  project(
    "executor_collect_heap",
    "executor_jvm_oom",
    heapBytes - EXECUTOR_LIVE_HEAP_MIB * MIB,
    (s) =>
      target.cores *
      TASK_RESULT_COPIES *
      chunkedBufferHeapBytes(
        at("taskResultBytes", s),
        TASK_RESULT_CHUNK_BYTES,
        heapBytes,
        collector,
      ),
    `${target.cores} task(s) x ${TASK_RESULT_COPIES} copies of the largest task result (${collector}) against the heap less ${EXECUTOR_LIVE_HEAP_MIB} MiB`,
  );
  if (target.driverMaxResultSizeBytes > 0) {
    project(
      "driver_max_result_size",
      "other",
      target.driverMaxResultSizeBytes,
      (s) => at("stageResultBytes", s),
      "a stage's results against spark.driver.maxResultSize",
    );
  }
  if (broadcasting) {
    project(
      "broadcast_rows",
      "broadcast_too_large",
      MAX_BROADCAST_TABLE_ROWS - 1,
      (s) => at("broadcastRows", s),
      "a broadcast's rows against Spark's 512,000,000",
    );
    project(
      "broadcast_bytes",
      "broadcast_too_large",
      MAX_BROADCAST_TABLE_BYTES,
      (s) => at("broadcastDataBytes", s),
      "a broadcast relation's estimated size against Spark's 8 GiB",
    );
    const factor = DEFAULT_CALIBRATION.driverBuildFactor;
    project(
      "driver_heap",
      "broadcast_too_large",
      (target.driverMiB - RESERVED_SYSTEM_MEMORY_MIB) * MIB,
      (s) => factor * at("taskExecutionBytes", s),
      `${factor} x the relations built against the driver's heap less ${RESERVED_SYSTEM_MEMORY_MIB} MiB`,
    );
    const room =
      collector === "G1"
        ? heapBytes - baselineMiB * MIB
        : SERIAL_OLD_GENERATION_FRACTION * heapBytes - EXECUTOR_LIVE_HEAP_MIB * MIB;
    project(
      "executor_broadcast_heap",
      "executor_jvm_oom",
      room,
      (s) => at("taskExecutionBytes", s) + at("broadcastPiecesBytes", s),
      collector === "G1"
        ? `the rebuilt relations and their pieces against the heap less ${baselineMiB} MiB (G1)`
        : `the rebuilt relations and their pieces against 2/3 of the heap less ${EXECUTOR_LIVE_HEAP_MIB} MiB (Serial's old generation)`,
    );
  }
  if (target.memoryLimited) {
    const nativeMiB =
      JVM_NATIVE_BASE_MIB +
      GC_NATIVE_FRACTION * target.heapMiB +
      (shuffled ? SHUFFLE_FETCH_IN_FLIGHT_MIB * target.cores : 0);
    const heldBytes = (s: number) =>
      broadcasting
        ? at("taskExecutionBytes", s) + at("broadcastPiecesBytes", s)
        : target.cores * at("taskExecutionBytes", s);
    project(
      "executor_container",
      "executor_container_oom",
      0,
      // Native memory against the room the limit leaves: negative room = killed.
      (s) => {
        const usedMiB = Math.min(target.heapMiB, baselineMiB + heldBytes(s) / MIB);
        return (nativeMiB - (target.overheadMiB + target.heapMiB - usedMiB)) * MIB;
      },
      `the JVM's native ${nativeMiB.toFixed(0)} MiB against the ${target.overheadMiB} MiB overhead and the heap not in use (pod ${podMiB} MiB)`,
    );
  }
  const poolBytes =
    Math.max(0, target.heapMiB - RESERVED_SYSTEM_MEMORY_MIB) * MEMORY_FRACTION * MIB;
  // A hash build cannot spill: past its share it fails. Sorts and aggregations spill instead.
  const hashBuild = target.strategy === "shuffle_hash";
  if (!broadcasting || hashBuild) {
    project(
      "task_execution_memory",
      hashBuild ? "spark_memory_oom" : null,
      poolBytes / target.cores,
      (s) => at("taskExecutionBytes", s),
      `a task's peak execution memory against its share of the ${(poolBytes / MIB).toFixed(0)} MiB pool (${target.cores} task(s) per executor)`,
    );
  }
  const failing = limits.filter((l) => l.failureClass !== null && l.crossingScale !== null);
  const first = failing.reduce<LimitProjection | null>(
    (a, b) => (a === null || b.crossingScale! < a.crossingScale! ? b : a),
    null,
  );
  const spill = limits.find((l) => l.failureClass === null);
  return {
    scales: [...new Set(runs.map((r) => r.scale))].sort((a, b) => a - b),
    quantities,
    limits,
    failingScale: first?.crossingScale ?? null,
    failureClass: first?.failureClass ?? "none",
    binding: first?.id ?? null,
    spillScale: spill?.crossingScale ?? null,
  };
}
