/**
 * A broadcast's constraints, in the order the job meets them: the executors' collect tasks send
 * the build side to the driver (under spark.driver.maxResultSize), the driver builds the
 * relation (Spark's row and size limits, the driver's heap), and each executor rebuilds it from
 * the fetched pieces.
 */
import { BYTES_PER_MIB as MIB } from "../core/quantity";
import type { CellQuantities } from "./cellQuantities";
import {
  EXECUTOR_LIVE_HEAP_MIB,
  MAX_BROADCAST_TABLE_BYTES,
  MAX_BROADCAST_TABLE_ROWS,
  RESERVED_SYSTEM_MEMORY_MIB,
  SERIAL_OLD_GENERATION_FRACTION,
  TASK_RESULT_CHUNK_BYTES,
  TASK_RESULT_COPIES,
} from "./constants";
import type { DemandAndCapacity } from "./constraints";
import { byteArrayHeapBytes, chunkedBufferHeapBytes, type Collector } from "./heapRegions";
import { broadcastRelation, collectedRowBytes, type BroadcastRelation } from "./relation";
import { tasksSharingExecutor } from "./taskSchedule";
import type { Calibration, PredictInput } from "./types";

/** executor_collect_heap: the collect tasks' copies of their rows on one executor's heap. */
export interface CollectHeap extends DemandAndCapacity {
  readonly id: "executor_collect_heap";
  /** Collect tasks running side by side on the busiest executor. */
  readonly sideBySide: number;
  readonly tasks: number;
  /** One task's compressed rows. */
  readonly resultBytes: number;
  readonly copies: number;
  /** The heap one 1 MiB chunk takes, and one copy of a task's rows. */
  readonly chunkHeapBytes: number;
  readonly copyHeapBytes: number;
  readonly collector: Collector;
  readonly heapMiB: number;
  readonly liveHeapMiB: number;
}

/** driver_max_result_size: the collected build side against spark.driver.maxResultSize. */
export interface DriverResultSize extends DemandAndCapacity {
  readonly id: "driver_max_result_size";
  readonly buildRows: number;
}

/** broadcast_rows: build rows against Spark's row limit (capacity: the limit less one). */
export interface BroadcastRows extends DemandAndCapacity {
  readonly id: "broadcast_rows";
  readonly rowLimit: number;
}

/** driver_heap: the driver's collect, build and serialization against its heap. */
export interface DriverHeap extends DemandAndCapacity {
  readonly id: "driver_heap";
  readonly driverBuildFactor: number;
  readonly buildBytes: number;
  readonly driverMiB: number;
  readonly reservedMiB: number;
}

/** broadcast_bytes: the relation's rows against half the 8 GiB its estimated size may reach. */
export interface BroadcastBytes extends DemandAndCapacity {
  readonly id: "broadcast_bytes";
  readonly driverEstimatedBytes: number;
}

/** Where a rebuilt relation and its pieces live on the executor's heap. */
export type RebuildRoom =
  | { readonly collector: "G1"; readonly baselineMiB: number }
  | {
      readonly collector: "Serial";
      readonly oldGenerationBytes: number;
      readonly liveHeapMiB: number;
    };

/** executor_broadcast_heap: the rebuilt relation and its pieces against the room they have. */
export interface BroadcastRebuildHeap extends DemandAndCapacity {
  readonly id: "executor_broadcast_heap";
  readonly relationBytes: number;
  readonly piecesBytes: number;
  readonly heapMiB: number;
  readonly room: RebuildRoom;
}

export type BroadcastNumbers =
  | CollectHeap
  | DriverResultSize
  | BroadcastRows
  | DriverHeap
  | BroadcastBytes
  | BroadcastRebuildHeap;

export function broadcastRelationOf(
  input: PredictInput,
  quantities: CellQuantities,
): BroadcastRelation {
  return broadcastRelation(
    quantities.buildRows,
    input.keys,
    quantities.payloadBytes,
    quantities.payloadKind,
  );
}

/** What each executor holds on its heap for a broadcast: the rebuilt relation and its pieces. */
export function broadcastHeapDemand(relation: BroadcastRelation): number {
  return relation.relationBytes + relation.piecesBytes;
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
function collectHeap(input: PredictInput, quantities: CellQuantities): CollectHeap {
  const { cores, heapBytes, collector } = quantities;
  const tasks = quantities.mapTasks;
  const sideBySide = Math.max(
    ...tasksSharingExecutor(tasks, input.sizing.executorInstances, cores),
  );
  const resultBytes = Math.ceil(
    Math.ceil(quantities.buildRows / tasks) *
      collectedRowBytes(quantities.payloadBytes, quantities.payloadKind),
  );
  const copyHeapBytes = chunkedBufferHeapBytes(
    resultBytes,
    TASK_RESULT_CHUNK_BYTES,
    heapBytes,
    collector,
  );
  const chunkHeapBytes = byteArrayHeapBytes(TASK_RESULT_CHUNK_BYTES, heapBytes, collector);
  return {
    id: "executor_collect_heap",
    demand: sideBySide * TASK_RESULT_COPIES * copyHeapBytes,
    capacity: heapBytes - EXECUTOR_LIVE_HEAP_MIB * MIB,
    sideBySide,
    tasks,
    resultBytes,
    copies: TASK_RESULT_COPIES,
    chunkHeapBytes,
    copyHeapBytes,
    collector,
    heapMiB: input.sizing.heapMiB,
    liveHeapMiB: EXECUTOR_LIVE_HEAP_MIB,
  };
}

/**
 * The heap a rebuilt relation and its pieces may fill. G1: the whole heap less the calibrated
 * baseline. Serial (a pod or cgroup under 1792 MiB): the relation's page, larger than the young
 * generation, is allocated in the old one, where the pieces it is read from were promoted, so
 * both and Spark's own live heap must fit the old generation, 2/3 of the heap.
 */
function rebuildRoom(
  quantities: CellQuantities,
  calibration: Calibration,
): { readonly bytes: number; readonly room: RebuildRoom } {
  if (quantities.collector === "G1") {
    const baselineMiB = calibration.executorHeapBaselineMiB;
    return {
      bytes: quantities.heapBytes - baselineMiB * MIB,
      room: { collector: "G1", baselineMiB },
    };
  }
  const oldGenerationBytes = SERIAL_OLD_GENERATION_FRACTION * quantities.heapBytes;
  return {
    bytes: oldGenerationBytes - EXECUTOR_LIVE_HEAP_MIB * MIB,
    room: { collector: "Serial", oldGenerationBytes, liveHeapMiB: EXECUTOR_LIVE_HEAP_MIB },
  };
}

export function broadcastChecks(
  input: PredictInput,
  quantities: CellQuantities,
  calibration: Calibration,
): BroadcastNumbers[] {
  const { buildRows, settings } = quantities;
  const relation = broadcastRelationOf(input, quantities);
  const checks: BroadcastNumbers[] = [collectHeap(input, quantities)];
  if (settings.driverMaxResultSizeBytes > 0) {
    checks.push({
      id: "driver_max_result_size",
      demand: Math.ceil(
        buildRows * collectedRowBytes(quantities.payloadBytes, quantities.payloadKind),
      ),
      capacity: settings.driverMaxResultSizeBytes,
      buildRows,
    });
  }
  checks.push({
    id: "broadcast_rows",
    demand: buildRows,
    capacity: MAX_BROADCAST_TABLE_ROWS - 1,
    rowLimit: MAX_BROADCAST_TABLE_ROWS,
  });
  const driverMiB = input.sizing.driverMemoryMiB;
  if (Number.isFinite(driverMiB)) {
    checks.push({
      id: "driver_heap",
      demand: calibration.driverBuildFactor * input.sizing.buildBytes,
      capacity: (driverMiB - RESERVED_SYSTEM_MEMORY_MIB) * MIB,
      driverBuildFactor: calibration.driverBuildFactor,
      buildBytes: input.sizing.buildBytes,
      driverMiB,
      reservedMiB: RESERVED_SYSTEM_MEMORY_MIB,
    });
  }
  checks.push({
    id: "broadcast_bytes",
    demand: relation.usedBytes,
    capacity: MAX_BROADCAST_TABLE_BYTES / 2,
    driverEstimatedBytes: relation.driverEstimatedBytes,
  });
  const { bytes, room } = rebuildRoom(quantities, calibration);
  checks.push({
    id: "executor_broadcast_heap",
    demand: broadcastHeapDemand(relation),
    capacity: bytes,
    relationBytes: relation.relationBytes,
    piecesBytes: relation.piecesBytes,
    heapMiB: input.sizing.heapMiB,
    room,
  });
  return checks;
}
