/**
 * The executor's memory limit (its pod's, or its cgroup's on local-cluster): the heap in use
 * plus the JVM's native memory must stay under heap + overhead, or the kernel kills it.
 */
import { BYTES_PER_MIB as MIB } from "../core/quantity";
import type { CellQuantities } from "./cellQuantities";
import { GC_NATIVE_FRACTION, JVM_NATIVE_BASE_MIB, SHUFFLE_FETCH_IN_FLIGHT_MIB } from "./constants";
import type { DemandAndCapacity } from "./constraints";
import { broadcastHeapDemand, broadcastRelationOf } from "./broadcastChecks";
import type { Calibration, PredictInput } from "./types";

/** executor_container: native memory (demand) against the room the limit leaves (capacity). */
export interface ContainerLimit extends DemandAndCapacity {
  readonly id: "executor_container";
  readonly nativeMiB: number;
  readonly jvmNativeBaseMiB: number;
  readonly gcMiB: number;
  /** A shuffled strategy, whose fetches hold buffers off the heap. */
  readonly shuffled: boolean;
  /** In-flight shuffle fetches, MiB (0 for a broadcast). */
  readonly fetchMiB: number;
  readonly heapMiB: number;
  readonly heapInUseMiB: number;
  readonly overheadMiB: number;
  readonly podMemoryMiB: number;
  /** The limit's room for the native part: the overhead plus the heap not in use. */
  readonly roomMiB: number;
}

/**
 * The executor's heap the pod holds: the JVM commits heap as it uses it, so a pod counts the heap
 * in use, not -Xmx. Beside the baseline, a broadcast holds its relation and pieces; a shuffled
 * join at most its execution pool, which its sorts or hash builds fill (the pages live there).
 * Counting the whole heap instead predicted kills that 96 MiB-overhead pods on the local
 * cluster did not see (a sort-merge join of 0.8 x a 768 MiB heap completed).
 */
function heapInUseMiB(
  input: PredictInput,
  quantities: CellQuantities,
  calibration: Calibration,
): number {
  const heapMiB = input.sizing.heapMiB;
  const heldBytes =
    quantities.strategy === "broadcast"
      ? broadcastHeapDemand(broadcastRelationOf(input, quantities))
      : quantities.executionPoolBytes;
  return Math.min(heapMiB, calibration.executorHeapBaselineMiB + heldBytes / MIB);
}

export function containerLimit(
  input: PredictInput,
  quantities: CellQuantities,
  calibration: Calibration,
): ContainerLimit {
  const heapMiB = input.sizing.heapMiB;
  const shuffled = quantities.strategy !== "broadcast";
  // The same numbers under Serial: its card table is smaller than G1's bitmaps, but the young
  // generation it grows (127-137 MiB measured in a 576 MiB cgroup) stays resident, and the
  // first executors of the pilot's 64 MiB-overhead broadcasts were killed from 0.233 x the
  // heap up, where these numbers put the boundary (0.234).
  const gcMiB = GC_NATIVE_FRACTION * heapMiB;
  const fetchMiB = shuffled ? quantities.cores * SHUFFLE_FETCH_IN_FLIGHT_MIB : 0;
  const nativeMiB = JVM_NATIVE_BASE_MIB + gcMiB + fetchMiB;
  // The pod is killed when the heap in use plus the native part pass its limit (heap +
  // overhead): when the native part outgrows the overhead and whatever heap is not in use. The
  // heap in use cannot pass -Xmx, so with the whole heap in use this is native against overhead.
  const usedMiB = heapInUseMiB(input, quantities, calibration);
  const overheadMiB = input.sizing.podMemoryMiB - heapMiB;
  const roomMiB = overheadMiB + (heapMiB - usedMiB);
  return {
    id: "executor_container",
    demand: nativeMiB * MIB,
    capacity: roomMiB * MIB,
    nativeMiB,
    jvmNativeBaseMiB: JVM_NATIVE_BASE_MIB,
    gcMiB,
    shuffled,
    fetchMiB,
    heapMiB,
    heapInUseMiB: usedMiB,
    overheadMiB,
    podMemoryMiB: input.sizing.podMemoryMiB,
    roomMiB,
  };
}
