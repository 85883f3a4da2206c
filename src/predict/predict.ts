/**
 * Predicts, from Spark's memory model alone, whether a join cell will fail and why — before it
 * runs. The model's equations are in src/predict/README.md; every constant is in constants.ts
 * with its source.
 *
 * A prediction evaluates the constraints the cell's strategy meets, in the order the job meets
 * them. The first one whose demand exceeds its capacity decides the failure class; when none
 * does, the cell is predicted to succeed and the tightest one is reported. Each constraint's
 * margin is log2(capacity / demand): +1 = twice the room needed, 0 = exactly at the boundary
 * (still predicted to succeed), -1 = needs twice what there is.
 */
import type { CellParameters, CellSizing } from "../experiment/cells";
import { SPARK_DEFAULT_TASK_MAX_FAILURES } from "../experiment/cellSpecs";
import type { FailureClass } from "../failure/failureClass";
import { formatBytes } from "../core/formatBytes";
import { BYTES_PER_MIB as MIB } from "../core/quantity";
import type { Runner } from "../failure/runner";
import {
  DEFAULT_DRIVER_BUILD_FACTOR,
  DEFAULT_EXECUTOR_HEAP_BASELINE_MIB,
  DEFAULT_PAYLOAD_BYTES,
  DRIVER_MAX_RESULT_SIZE_BYTES,
  EXECUTOR_LIVE_HEAP_MIB,
  GC_NATIVE_FRACTION,
  INPUT_PARTITION_BYTES,
  JVM_NATIVE_BASE_MIB,
  MAX_BROADCAST_TABLE_BYTES,
  MAX_BROADCAST_TABLE_ROWS,
  MEMORY_FRACTION,
  PAGE_MAX_BYTES,
  RESERVED_SYSTEM_MEMORY_MIB,
  SERIAL_OLD_GENERATION_FRACTION,
  SHUFFLE_FETCH_IN_FLIGHT_MIB,
  SMJ_BUFFERED_ROW_OVERHEAD_BYTES,
  TASK_RESULT_CHUNK_BYTES,
  TASK_RESULT_COPIES,
} from "./constants";
import {
  byteArrayHeapBytes,
  chunkedBufferHeapBytes,
  ergonomicCollector,
  type Collector,
} from "./heapRegions";
import {
  broadcastRelation,
  collectedRowBytes,
  compressedRowBytes,
  rowBytesFor,
  shuffledHashRelationPeak,
  type PayloadKind,
} from "./relation";
import { DEFAULT_AQE_SETTINGS, shufflePlan, type AqeSettings } from "./shuffleTasks";
import { tasksSharingExecutor } from "./taskSchedule";

/** Where a cell runs: Kubernetes pods have a memory limit, local-cluster processes none. */
export type { Runner };

/** Spark settings the model reads; Spark 4.0's defaults unless a cell overrides them. */
export interface SparkSettings extends AqeSettings {
  /** spark.memory.fraction */
  readonly memoryFraction: number;
  /** spark.driver.maxResultSize in bytes; 0 = unlimited. */
  readonly driverMaxResultSizeBytes: number;
  /** spark.task.maxFailures: attempts a task gets; above 1 a refused task is retried. */
  readonly taskMaxFailures: number;
}

export const DEFAULT_SPARK_SETTINGS: SparkSettings = {
  ...DEFAULT_AQE_SETTINGS,
  memoryFraction: MEMORY_FRACTION,
  driverMaxResultSizeBytes: DRIVER_MAX_RESULT_SIZE_BYTES,
  taskMaxFailures: SPARK_DEFAULT_TASK_MAX_FAILURES,
};

/** The two factors results may refit (see calibrate.ts); everything else is fixed. */
export interface Calibration {
  /** Driver heap a broadcast needs per build byte, above the reserved 300 MiB. */
  readonly driverBuildFactor: number;
  /** Executor heap not available to on-heap data Spark does not account, MiB. */
  readonly executorHeapBaselineMiB: number;
}

export const DEFAULT_CALIBRATION: Calibration = {
  driverBuildFactor: DEFAULT_DRIVER_BUILD_FACTOR,
  executorHeapBaselineMiB: DEFAULT_EXECUTOR_HEAP_BASELINE_MIB,
};

/** What the predictor needs to know about a cell. */
export interface PredictInput {
  readonly parameters: CellParameters;
  /** Sizes the cell runs with (for the pilot: after scaling). */
  readonly sizing: CellSizing;
  /** Build keys K (`--keys`). */
  readonly keys: number;
  /** spark.sql.shuffle.partitions P (`--partitions`). */
  readonly partitions: number;
  readonly runner: Runner;
  /**
   * True when the executors run under a memory limit the kernel enforces: always on Kubernetes
   * (the pod's), on local-cluster only when the pilot put them in memory cgroups.
   */
  readonly memoryLimitsEnforced?: boolean;
  /** `--payload-bytes` (default 104: 128-byte rows). */
  readonly payloadBytes?: number;
  /** `--payload-kind` (default random). */
  readonly payloadKind?: PayloadKind;
  /** `--input-partitions`; default one per 128 MiB, at least the default parallelism. */
  readonly inputPartitions?: number | null;
  /** Overrides of Spark's defaults. */
  readonly settings?: Partial<SparkSettings>;
}

/** The constraints the model checks. */
export type ConstraintId =
  | "executor_container"
  | "executor_collect_heap"
  | "driver_max_result_size"
  | "broadcast_rows"
  | "driver_heap"
  | "broadcast_bytes"
  | "executor_broadcast_heap"
  | "shj_task_memory"
  | "shj_page_limit"
  | "smj_key_buffer";

/** One constraint, evaluated. */
export interface ConstraintCheck {
  readonly id: ConstraintId;
  /** Whose memory or which limit: only `executor` constraints change with executor memory. */
  readonly scope: "executor" | "driver" | "limit";
  readonly unit: "bytes" | "rows";
  readonly demand: number;
  readonly capacity: number;
  /** log2(capacity / demand): positive = room to spare, negative = fails. */
  readonly margin: number;
  /** The class the cell fails with if this constraint is the first to fail. */
  readonly failureClass: FailureClass;
  /** The comparison in words, with the numbers. */
  readonly detail: string;
}

export interface Prediction {
  readonly outcome: "succeeded" | "failed";
  /** "none" when the cell is predicted to succeed. */
  readonly failureClass: FailureClass;
  /** The binding constraint's margin, log2(capacity / demand). */
  readonly margin: number;
  /** The first constraint that fails, or the tightest one when none does. */
  readonly bindingConstraint: ConstraintId;
  /** One line with the numbers. */
  readonly explanation: string;
  /** Every constraint checked, in the order the job meets them. */
  readonly checks: readonly ConstraintCheck[];
  /** The factors used. */
  readonly calibration: Calibration;
}

/** log2(capacity / demand), infinite when nothing is demanded or nothing is available. */
export function marginOf(capacity: number, demand: number): number {
  if (demand <= 0) return Number.POSITIVE_INFINITY;
  if (capacity <= 0) return Number.NEGATIVE_INFINITY;
  return Math.log2(capacity / demand);
}

function formatRows(rows: number): string {
  return Math.round(rows).toLocaleString("en-US");
}

function formatMargin(margin: number): string {
  if (!Number.isFinite(margin)) return margin > 0 ? "+inf" : "-inf";
  return `${margin >= 0 ? "+" : ""}${margin.toFixed(2)}`;
}

function check(
  fields: Omit<ConstraintCheck, "margin" | "unit"> & { unit?: ConstraintCheck["unit"] },
): ConstraintCheck {
  return {
    ...fields,
    unit: fields.unit ?? "bytes",
    margin: marginOf(fields.capacity, fields.demand),
  };
}

/** Sizes every strategy needs. */
interface Derived {
  readonly strategy: "broadcast" | "shuffle_hash" | "sort_merge";
  readonly payloadBytes: number;
  readonly payloadKind: PayloadKind;
  readonly rowBytes: number;
  readonly buildRows: number;
  readonly probeRows: number;
  readonly heapBytes: number;
  readonly executionPoolBytes: number;
  readonly cores: number;
  readonly settings: SparkSettings;
  readonly collector: Collector;
}

/**
 * Whether the executors run under a memory limit the kernel enforces: always on Kubernetes (the
 * pod's), on local-cluster only when the pilot put them in memory cgroups.
 */
function memoryLimited(input: PredictInput): boolean {
  return input.runner === "kubernetes" || input.memoryLimitsEnforced === true;
}

/**
 * The collector the cell's executor JVMs pick: the pod's or cgroup's limit is all they see when
 * there is one; without, the machine (assumed 2 CPUs and 2 GiB or more).
 */
export function executorCollector(input: PredictInput): Collector {
  return ergonomicCollector(memoryLimited(input) ? input.sizing.podMemoryMiB : null);
}

function derive(input: PredictInput): Derived {
  const payloadBytes = input.payloadBytes ?? DEFAULT_PAYLOAD_BYTES;
  const rowBytes = rowBytesFor(payloadBytes);
  const settings = { ...DEFAULT_SPARK_SETTINGS, ...input.settings };
  const heapMiB = input.sizing.heapMiB;
  return {
    // `auto` broadcasts the build side at any size: the planner's static estimate of a generated
    // side is far below its real size, under autoBroadcastJoinThreshold (workloads/README.md).
    strategy: input.parameters.strategy === "auto" ? "broadcast" : input.parameters.strategy,
    payloadBytes,
    payloadKind: input.payloadKind ?? "random",
    rowBytes,
    // The workload generates round(requested / rowBytes) rows, at least one.
    buildRows: Math.max(1, Math.round(input.sizing.buildBytes / rowBytes)),
    probeRows: Math.max(1, Math.round(input.sizing.probeBytes / rowBytes)),
    heapBytes: heapMiB * MIB,
    executionPoolBytes:
      Math.max(0, heapMiB - RESERVED_SYSTEM_MEMORY_MIB) * settings.memoryFraction * MIB,
    cores: Math.max(1, input.parameters.executorCores),
    settings,
    collector: executorCollector(input),
  };
}

/**
 * The executor's heap the pod holds: the JVM commits heap as it uses it, so a pod counts the heap
 * in use, not -Xmx. A broadcast's use is known (its relation and pieces beside the baseline);
 * for the shuffled strategies the model has no such figure and counts the whole heap.
 */
function heapInUseMiB(input: PredictInput, d: Derived, calibration: Calibration): number {
  const heapMiB = input.sizing.heapMiB;
  if (d.strategy !== "broadcast") return heapMiB;
  const relation = broadcastRelationOf(input, d);
  const usedMiB = calibration.executorHeapBaselineMiB + broadcastHeapDemand(relation) / MIB;
  return Math.min(heapMiB, usedMiB);
}

function broadcastRelationOf(input: PredictInput, d: Derived) {
  return broadcastRelation(d.buildRows, input.keys, d.payloadBytes, d.payloadKind);
}

/** What each executor holds on its heap for a broadcast: the rebuilt relation and its pieces. */
function broadcastHeapDemand(relation: ReturnType<typeof broadcastRelation>): number {
  return relation.relationBytes + relation.piecesBytes;
}

function containerCheck(
  input: PredictInput,
  d: Derived,
  calibration: Calibration,
): ConstraintCheck {
  const heapMiB = input.sizing.heapMiB;
  const shuffled = d.strategy !== "broadcast";
  // The same numbers under Serial: its card table is smaller than G1's bitmaps, but the young
  // generation it grows (127-137 MiB measured in a 576 MiB cgroup) stays resident, and the
  // first executors of the pilot's 64 MiB-overhead broadcasts were killed from 0.233 x the
  // heap up, where these numbers put the boundary (0.234).
  const gcMiB = GC_NATIVE_FRACTION * heapMiB;
  const fetchMiB = shuffled ? d.cores * SHUFFLE_FETCH_IN_FLIGHT_MIB : 0;
  const nativeMiB = JVM_NATIVE_BASE_MIB + gcMiB + fetchMiB;
  // The pod is killed when the heap in use plus the native part pass its limit (heap +
  // overhead): when the native part outgrows the overhead and whatever heap is not in use. The
  // heap in use cannot pass -Xmx, so with the whole heap in use this is native against overhead.
  const usedMiB = heapInUseMiB(input, d, calibration);
  const overheadMiB = input.sizing.podMemoryMiB - heapMiB;
  const roomMiB = overheadMiB + (heapMiB - usedMiB);
  return check({
    id: "executor_container",
    scope: "executor",
    demand: nativeMiB * MIB,
    capacity: roomMiB * MIB,
    failureClass: "executor_container_oom",
    detail:
      `the executor JVM's native memory, ${nativeMiB.toFixed(0)} MiB (JVM ${JVM_NATIVE_BASE_MIB} + GC ` +
      `${gcMiB.toFixed(0)}` +
      (shuffled ? ` + shuffle fetch ${fetchMiB}` : "") +
      `), must fit the pod's ${overheadMiB} MiB above the heap` +
      (usedMiB < heapMiB
        ? ` plus the ${(heapMiB - usedMiB).toFixed(0)} MiB of heap the broadcast leaves unused`
        : "") +
      ` (limit ${input.sizing.podMemoryMiB} MiB)` +
      (roomMiB < nativeMiB && d.settings.taskMaxFailures > 1
        ? `; Spark replaces a killed executor and retries its tasks (spark.task.maxFailures > 1), ` +
          `and near this boundary a replacement can complete (timing, not size)`
        : ""),
  });
}

/**
 * Before the driver can build a broadcast, the build side reaches it as task results. Each
 * collect task holds its partition's compressed rows three times over (its value, the value
 * serialized, the result that wraps it serialized) in 1 MiB chunks, which G1 stores as
 * humongous objects, and an executor runs as many of them side by side as it has tasks and
 * cores. Everything else on the heap then is Spark's own live state, measured, not the
 * calibrated baseline: the baseline also stands for the region rounding of a relation's
 * pieces, which here is counted chunk by chunk.
 */
function collectCheck(input: PredictInput, d: Derived): ConstraintCheck {
  const tasks = mapTasksOf(input);
  const sideBySide = Math.max(
    ...tasksSharingExecutor(tasks, input.sizing.executorInstances, d.cores),
  );
  const resultBytes = Math.ceil(
    Math.ceil(d.buildRows / tasks) * collectedRowBytes(d.payloadBytes, d.payloadKind),
  );
  const copyHeap = chunkedBufferHeapBytes(
    resultBytes,
    TASK_RESULT_CHUNK_BYTES,
    d.heapBytes,
    d.collector,
  );
  const chunkHeap = byteArrayHeapBytes(TASK_RESULT_CHUNK_BYTES, d.heapBytes, d.collector);
  const demand = sideBySide * TASK_RESULT_COPIES * copyHeap;
  return check({
    id: "executor_collect_heap",
    scope: "executor",
    demand,
    capacity: d.heapBytes - EXECUTOR_LIVE_HEAP_MIB * MIB,
    failureClass: "executor_jvm_oom",
    detail:
      `${sideBySide} of the build side's ${tasks} collect task(s) run side by side on an executor, each ` +
      `holding its ${formatBytes(resultBytes)} of compressed rows ${TASK_RESULT_COPIES} times (value, ` +
      `serialized value, serialized result) in 1 MiB chunks that take ${formatBytes(chunkHeap)} of ` +
      `${d.collector} heap each, ${formatBytes(copyHeap)} a copy: ${formatBytes(demand)} needed, ` +
      `${input.sizing.heapMiB} - ${EXECUTOR_LIVE_HEAP_MIB} MiB of heap available`,
  });
}

function broadcastChecks(
  input: PredictInput,
  d: Derived,
  calibration: Calibration,
): ConstraintCheck[] {
  const relation = broadcastRelationOf(input, d);
  const checks: ConstraintCheck[] = [collectCheck(input, d)];
  if (d.settings.driverMaxResultSizeBytes > 0) {
    const collected = Math.ceil(d.buildRows * collectedRowBytes(d.payloadBytes, d.payloadKind));
    checks.push(
      check({
        id: "driver_max_result_size",
        scope: "limit",
        demand: collected,
        capacity: d.settings.driverMaxResultSizeBytes,
        failureClass: "other",
        detail:
          `the driver collects the build side as ${formatBytes(collected)} of compressed task results ` +
          `(${formatRows(d.buildRows)} rows) under spark.driver.maxResultSize ` +
          `${formatBytes(d.settings.driverMaxResultSizeBytes)}`,
      }),
    );
  }
  checks.push(
    check({
      id: "broadcast_rows",
      scope: "limit",
      unit: "rows",
      demand: d.buildRows,
      capacity: MAX_BROADCAST_TABLE_ROWS - 1,
      failureClass: "broadcast_too_large",
      detail: `${formatRows(d.buildRows)} build rows under Spark's broadcast limit of ${formatRows(MAX_BROADCAST_TABLE_ROWS)}`,
    }),
  );
  const driverMiB = input.sizing.driverMemoryMiB;
  if (Number.isFinite(driverMiB)) {
    const demand = calibration.driverBuildFactor * input.sizing.buildBytes;
    checks.push(
      check({
        id: "driver_heap",
        scope: "driver",
        demand,
        capacity: (driverMiB - RESERVED_SYSTEM_MEMORY_MIB) * MIB,
        failureClass: "broadcast_too_large",
        detail:
          `the driver collects, builds and serializes the relation: ${calibration.driverBuildFactor} x ` +
          `${formatBytes(input.sizing.buildBytes)} = ${formatBytes(demand)} needed, ` +
          `${driverMiB} - ${RESERVED_SYSTEM_MEMORY_MIB} MiB of driver heap available`,
      }),
    );
  }
  checks.push(
    check({
      id: "broadcast_bytes",
      scope: "limit",
      demand: relation.usedBytes,
      capacity: MAX_BROADCAST_TABLE_BYTES / 2,
      failureClass: "broadcast_too_large",
      detail:
        `the relation's rows take ${formatBytes(relation.usedBytes)}; its page doubles to 8 GiB past 4 GiB and ` +
        `Spark refuses an estimatedSize (now ${formatBytes(relation.driverEstimatedBytes)}) of 8 GiB or more`,
    }),
  );
  const demand = broadcastHeapDemand(relation);
  const room = rebuildRoom(input, d, calibration);
  checks.push(
    check({
      id: "executor_broadcast_heap",
      scope: "executor",
      demand,
      capacity: room.bytes,
      failureClass: "executor_jvm_oom",
      detail:
        `each executor rebuilds the ${formatBytes(relation.relationBytes)} relation while holding its ` +
        `${formatBytes(relation.piecesBytes)} of fetched pieces${room.where}: ${formatBytes(demand)} needed, ` +
        room.available,
    }),
  );
  return checks;
}

/**
 * The heap a rebuilt relation and its pieces may fill. G1: the whole heap less the calibrated
 * baseline. Serial (a pod or cgroup under 1792 MiB): the relation's page, larger than the young
 * generation, is allocated in the old one, where the pieces it is read from were promoted, so
 * both and Spark's own live heap must fit the old generation, 2/3 of the heap.
 */
function rebuildRoom(
  input: PredictInput,
  d: Derived,
  calibration: Calibration,
): { bytes: number; where: string; available: string } {
  if (d.collector === "G1") {
    const baselineMiB = calibration.executorHeapBaselineMiB;
    return {
      bytes: d.heapBytes - baselineMiB * MIB,
      where: "",
      available: `${input.sizing.heapMiB} - ${baselineMiB} MiB of heap available`,
    };
  }
  const oldGenerationBytes = SERIAL_OLD_GENERATION_FRACTION * d.heapBytes;
  return {
    bytes: oldGenerationBytes - EXECUTOR_LIVE_HEAP_MIB * MIB,
    where: ", both in the Serial collector's old generation",
    available:
      `${formatBytes(oldGenerationBytes)} (2/3 of ${input.sizing.heapMiB} MiB) - ` +
      `${EXECUTOR_LIVE_HEAP_MIB} MiB available`,
  };
}

function mapTasksOf(input: PredictInput): number {
  if (input.inputPartitions) return input.inputPartitions;
  const parallelism = input.sizing.executorInstances * input.parameters.executorCores;
  return Math.max(parallelism, Math.ceil(input.sizing.buildBytes / INPUT_PARTITION_BYTES));
}

function planOf(input: PredictInput, d: Derived) {
  return shufflePlan({
    buildRows: d.buildRows,
    probeRows: d.probeRows,
    keys: input.keys,
    skew: input.parameters.skew,
    partitions: input.partitions,
    aqe: input.parameters.aqe,
    mapTasks: mapTasksOf(input),
    defaultParallelism: input.sizing.executorInstances * input.parameters.executorCores,
    mapOutputRowBytes: compressedRowBytes(d.payloadBytes, d.payloadKind),
    settings: d.settings,
  });
}

function aqeNote(input: PredictInput, skewed: readonly number[]): string {
  if (!input.parameters.aqe) return "AQE off";
  return skewed.length === 0
    ? "AQE found no skewed partition"
    : `AQE split ${skewed.length} skewed partition(s)`;
}

function shuffleHashChecks(input: PredictInput, d: Derived): ConstraintCheck[] {
  const plan = planOf(input, d);
  const peaks = plan.tasks.map((task) => ({
    task,
    peak: shuffledHashRelationPeak(task.buildRows, task.keys, d.payloadBytes),
  }));
  // A task may hold 1/N of its executor's pool, N = the tasks holding memory there when it
  // asks (ExecutionMemoryPool.acquireMemory), which is fewer than the cores when the stage has
  // fewer tasks than cores (taskSchedule.ts).
  const sharing = tasksSharingExecutor(peaks.length, input.sizing.executorInstances, d.cores);
  const asks = peaks.map((p, i) => {
    const active = sharing[i];
    const share = d.executionPoolBytes / active;
    return { ...p, active, share, margin: marginOf(share, p.peak.peakBytes) };
  });
  // The task with the least room; among equal margins (same page size), the one with most rows.
  const worst = asks.reduce((a, b) =>
    b.margin < a.margin || (b.margin === a.margin && b.task.buildRows > a.task.buildRows) ? b : a,
  );
  const largest = peaks.reduce((a, b) => (b.peak.usedBytes > a.peak.usedBytes ? b : a));
  const shareText =
    worst.active === 1
      ? d.cores > 1
        ? `all of it: the stage's ${peaks.length} task(s) leave it alone on its executor`
        : "all of it"
      : `1/${worst.active} of it: ${worst.active} tasks share its executor`;
  // Refused only because the pool is shared: Spark retries a failed task (spark.task.maxFailures),
  // and a retry that finds itself alone on its executor gets the whole pool. Whether it does is
  // timing (measured: the same cell completed on its retry once and was refused twice once).
  const retryNote =
    worst.active > 1 &&
    worst.margin < 0 &&
    worst.peak.peakBytes <= d.executionPoolBytes &&
    d.settings.taskMaxFailures > 1
      ? `; it would fit the whole pool, so a retry (spark.task.maxFailures > 1) that runs alone on its executor completes (timing, not size)`
      : "";
  return [
    check({
      id: "shj_task_memory",
      scope: "executor",
      demand: worst.peak.peakBytes,
      capacity: worst.share,
      failureClass: "spark_memory_oom",
      detail:
        `the tightest build task (${worst.task.label}, ${formatRows(worst.task.buildRows)} rows, ` +
        `${aqeNote(input, plan.skewedPartitions)}) grows its hash relation to a ` +
        `${formatBytes(worst.peak.pageBytes)} page + ${formatBytes(worst.peak.arrayBytes)} array and asks for ` +
        `${formatBytes(worst.peak.peakBytes)} at its last doubling; it may hold ` +
        `${formatBytes(worst.share)}, ${shareText} (execution pool (${input.sizing.heapMiB} - ` +
        `${RESERVED_SYSTEM_MEMORY_MIB} MiB) x ${d.settings.memoryFraction}, ${d.cores} core(s) per executor)` +
        retryNote,
    }),
    check({
      id: "shj_page_limit",
      scope: "limit",
      demand: largest.peak.usedBytes,
      capacity: PAGE_MAX_BYTES,
      failureClass: "task_failures_exhausted",
      detail: `the largest build task's rows take ${formatBytes(largest.peak.usedBytes)} of the 8 GiB a hashed relation's page may hold`,
    }),
  ];
}

function sortMergeChecks(
  input: PredictInput,
  d: Derived,
  calibration: Calibration,
): ConstraintCheck[] {
  const plan = planOf(input, d);
  const worst = plan.tasks.reduce((a, b) => (b.topKeyRows > a.topKeyRows ? b : a));
  const perRow = d.rowBytes + SMJ_BUFFERED_ROW_OVERHEAD_BYTES;
  const demand = worst.topKeyRows * perRow;
  const baselineMiB = calibration.executorHeapBaselineMiB;
  return [
    check({
      id: "smj_key_buffer",
      scope: "executor",
      demand,
      capacity: d.heapBytes - baselineMiB * MIB - d.executionPoolBytes,
      failureClass: "executor_jvm_oom",
      detail:
        `sort-merge buffers the hottest key's ${formatRows(worst.topKeyRows)} build rows (${worst.label}, ` +
        `${aqeNote(input, plan.skewedPartitions)}) as on-heap copies of ${perRow} bytes: ${formatBytes(demand)} ` +
        `needed beside a full execution pool, ${input.sizing.heapMiB} - ${baselineMiB} - ` +
        `${formatBytes(d.executionPoolBytes)} available; the sorts themselves spill`,
    }),
  ];
}

/** Every constraint of the cell's strategy, in the order the job meets them. */
export function constraintChecks(
  input: PredictInput,
  calibration: Calibration = DEFAULT_CALIBRATION,
): ConstraintCheck[] {
  const d = derive(input);
  const checks: ConstraintCheck[] = [];
  // A pod over its limit is killed whenever it gets there; the native part is there from the
  // start, so this is checked first. local-cluster executors have a limit only when the pilot
  // put them in memory cgroups (heap + overhead, like the pod).
  if (memoryLimited(input)) {
    checks.push(containerCheck(input, d, calibration));
  }
  if (d.strategy === "broadcast") checks.push(...broadcastChecks(input, d, calibration));
  else if (d.strategy === "shuffle_hash") checks.push(...shuffleHashChecks(input, d));
  else checks.push(...sortMergeChecks(input, d, calibration));
  return checks;
}

/** Predicts the cell's outcome; `calibration` defaults to the documented constants. */
export function predict(
  input: PredictInput,
  calibration: Calibration = DEFAULT_CALIBRATION,
): Prediction {
  const checks = constraintChecks(input, calibration);
  const failing = checks.find((c) => c.demand > c.capacity);
  const binding = failing ?? checks.reduce((a, b) => (b.margin < a.margin ? b : a));
  const failureClass = failing ? failing.failureClass : "none";
  const what =
    `${input.parameters.strategy} join, ${formatBytes(input.sizing.buildBytes)} build side, ` +
    `${input.sizing.heapMiB} MiB executor heap`;
  const verdict = failing ? `fails (${failureClass})` : "succeeds";
  return {
    outcome: failing ? "failed" : "succeeded",
    failureClass,
    margin: binding.margin,
    bindingConstraint: binding.id,
    explanation: `${what}: ${verdict} at ${binding.id}: ${binding.detail}; margin ${formatMargin(binding.margin)}`,
    checks,
    calibration: {
      driverBuildFactor: calibration.driverBuildFactor,
      executorHeapBaselineMiB: calibration.executorHeapBaselineMiB,
    },
  };
}
