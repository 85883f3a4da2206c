/**
 * The predictor's words: each constraint's comparison, with its numbers, and the prediction's
 * one line. Everything here is rendered from the numbers the mechanism modules return
 * (containerLimit.ts, broadcastChecks.ts, shuffledHashChecks.ts, sortMergeChecks.ts).
 */
import { formatBytes } from "../core/formatBytes";
import type {
  BroadcastBytes,
  BroadcastNumbers,
  BroadcastRebuildHeap,
  BroadcastRows,
  CollectHeap,
  DriverHeap,
  DriverResultSize,
} from "./broadcastChecks";
import type { ContainerLimit } from "./containerLimit";
import type {
  ShuffledHashNumbers,
  ShuffledHashPageLimit,
  ShuffledHashTaskMemory,
} from "./shuffledHashChecks";
import type { SortMergeKeyBuffer } from "./sortMergeChecks";
import type { ConstraintCheck, PredictInput } from "./types";

/** Any constraint's numbers, told apart by `id`. */
export type ConstraintNumbers =
  ContainerLimit | BroadcastNumbers | ShuffledHashNumbers | SortMergeKeyBuffer;

function formatRows(rows: number): string {
  return Math.round(rows).toLocaleString("en-US");
}

function formatMargin(margin: number): string {
  if (!Number.isFinite(margin)) return margin > 0 ? "+inf" : "-inf";
  return `${margin >= 0 ? "+" : ""}${margin.toFixed(2)}`;
}

function aqeNote(n: { readonly aqe: boolean; readonly skewedPartitions: number }): string {
  if (!n.aqe) return "AQE off";
  return n.skewedPartitions === 0
    ? "AQE found no skewed partition"
    : `AQE split ${n.skewedPartitions} skewed partition(s)`;
}

function containerDetail(n: ContainerLimit): string {
  return (
    `the executor JVM's native memory, ${n.nativeMiB.toFixed(0)} MiB (JVM ${n.jvmNativeBaseMiB} + GC ` +
    `${n.gcMiB.toFixed(0)}` +
    (n.shuffled ? ` + shuffle fetch ${n.fetchMiB}` : "") +
    `), must fit the pod's ${n.overheadMiB} MiB above the heap` +
    (n.heapInUseMiB < n.heapMiB
      ? ` plus the ${(n.heapMiB - n.heapInUseMiB).toFixed(0)} MiB of heap the join leaves unused`
      : "") +
    ` (limit ${n.podMemoryMiB} MiB)`
  );
}

function collectDetail(n: CollectHeap): string {
  return (
    `${n.sideBySide} of the build side's ${n.tasks} collect task(s) run side by side on an executor, each ` +
    `holding its ${formatBytes(n.resultBytes)} of compressed rows ${n.copies} times (value, ` +
    `serialized value, serialized result) in 1 MiB chunks that take ${formatBytes(n.chunkHeapBytes)} of ` +
    `${n.collector} heap each, ${formatBytes(n.copyHeapBytes)} a copy: ${formatBytes(n.demand)} needed, ` +
    `${n.heapMiB} - ${n.liveHeapMiB} MiB of heap available`
  );
}

function resultSizeDetail(n: DriverResultSize): string {
  return (
    `the driver collects the build side as ${formatBytes(n.demand)} of compressed task results ` +
    `(${formatRows(n.buildRows)} rows) under spark.driver.maxResultSize ` +
    `${formatBytes(n.capacity)}`
  );
}

function broadcastRowsDetail(n: BroadcastRows): string {
  return `${formatRows(n.demand)} build rows under Spark's broadcast limit of ${formatRows(n.rowLimit)}`;
}

function driverHeapDetail(n: DriverHeap): string {
  return (
    `the driver collects, builds and serializes the relation: ${n.driverBuildFactor} x ` +
    `${formatBytes(n.buildBytes)} = ${formatBytes(n.demand)} needed, ` +
    `${n.driverMiB} - ${n.reservedMiB} MiB of driver heap available`
  );
}

function broadcastBytesDetail(n: BroadcastBytes): string {
  return (
    `the relation's rows take ${formatBytes(n.demand)}; its page doubles to 8 GiB past 4 GiB and ` +
    `Spark refuses an estimatedSize (now ${formatBytes(n.driverEstimatedBytes)}) of 8 GiB or more`
  );
}

function rebuildDetail(n: BroadcastRebuildHeap): string {
  const { room } = n;
  const where = room.collector === "G1" ? "" : ", both in the Serial collector's old generation";
  const available =
    room.collector === "G1"
      ? `${n.heapMiB} - ${room.baselineMiB} MiB of heap available`
      : `${formatBytes(room.oldGenerationBytes)} (2/3 of ${n.heapMiB} MiB) - ` +
        `${room.liveHeapMiB} MiB available`;
  return (
    `each executor rebuilds the ${formatBytes(n.relationBytes)} relation while holding its ` +
    `${formatBytes(n.piecesBytes)} of fetched pieces${where}: ${formatBytes(n.demand)} needed, ` +
    available
  );
}

function shuffledHashTaskDetail(n: ShuffledHashTaskMemory): string {
  const shareText =
    n.activeTasks === 1
      ? n.cores > 1
        ? `all of it: the stage's ${n.stageTasks} task(s) leave it alone on its executor`
        : "all of it"
      : `1/${n.activeTasks} of it: ${n.activeTasks} tasks share its executor`;
  const retryNote = n.retryAloneCompletes
    ? `; it would fit the whole pool, so a retry (spark.task.maxFailures > 1) that runs alone on its executor completes (timing, not size)`
    : "";
  return (
    `the tightest build task (${n.taskLabel}, ${formatRows(n.taskRows)} rows, ` +
    `${aqeNote(n)}) grows its hash relation to a ` +
    `${formatBytes(n.pageBytes)} page + ${formatBytes(n.arrayBytes)} array and asks for ` +
    `${formatBytes(n.demand)} at its last doubling; it may hold ` +
    `${formatBytes(n.capacity)}, ${shareText} (execution pool (${n.heapMiB} - ` +
    `${n.reservedMiB} MiB) x ${n.memoryFraction}, ${n.cores} core(s) per executor)` +
    retryNote
  );
}

function shuffledHashPageDetail(n: ShuffledHashPageLimit): string {
  return `the largest build task's rows take ${formatBytes(n.demand)} of the 8 GiB a hashed relation's page may hold`;
}

function sortMergeDetail(n: SortMergeKeyBuffer): string {
  return (
    `sort-merge buffers the hottest key's ${formatRows(n.topKeyRows)} build rows (${n.taskLabel}, ` +
    `${aqeNote(n)}) as on-heap copies of ${n.perRowBytes} bytes: ${formatBytes(n.demand)} ` +
    `needed beside a full execution pool, ${n.heapMiB} - ${n.baselineMiB} - ` +
    `${formatBytes(n.executionPoolBytes)} available; the sorts themselves spill`
  );
}

/** A constraint's comparison in words, with its numbers. */
export function constraintDetail(n: ConstraintNumbers): string {
  switch (n.id) {
    case "executor_container":
      return containerDetail(n);
    case "executor_collect_heap":
      return collectDetail(n);
    case "driver_max_result_size":
      return resultSizeDetail(n);
    case "broadcast_rows":
      return broadcastRowsDetail(n);
    case "driver_heap":
      return driverHeapDetail(n);
    case "broadcast_bytes":
      return broadcastBytesDetail(n);
    case "executor_broadcast_heap":
      return rebuildDetail(n);
    case "shj_task_memory":
      return shuffledHashTaskDetail(n);
    case "shj_page_limit":
      return shuffledHashPageDetail(n);
    case "smj_key_buffer":
      return sortMergeDetail(n);
  }
}

/** The prediction's one line: the cell, the verdict, the binding constraint and its margin. */
export function predictionExplanation(
  input: PredictInput,
  failing: ConstraintCheck | undefined,
  binding: ConstraintCheck,
): string {
  const what =
    `${input.parameters.strategy} join, ${formatBytes(input.sizing.buildBytes)} build side, ` +
    `${input.sizing.heapMiB} MiB executor heap`;
  const verdict = failing ? `fails (${failing.failureClass})` : "succeeds";
  return `${what}: ${verdict} at ${binding.id}: ${binding.detail}; margin ${formatMargin(binding.margin)}`;
}
