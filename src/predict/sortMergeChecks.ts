/**
 * A sort-merge join's constraint: the sorts spill, but the join buffers every build row of the
 * key it is at as an on-heap copy, beside a full execution pool.
 */
import { BYTES_PER_MIB as MIB } from "../core/quantity";
import { cellShufflePlan, type CellQuantities } from "./cellQuantities";
import { SMJ_BUFFERED_ROW_OVERHEAD_BYTES } from "./constants";
import type { DemandAndCapacity } from "./constraints";
import type { Calibration, PredictInput } from "./types";

/** smj_key_buffer: the hottest key's buffered rows against the heap beside the pool. */
export interface SortMergeKeyBuffer extends DemandAndCapacity {
  readonly id: "smj_key_buffer";
  readonly topKeyRows: number;
  readonly taskLabel: string;
  readonly aqe: boolean;
  readonly skewedPartitions: number;
  readonly perRowBytes: number;
  readonly heapMiB: number;
  readonly baselineMiB: number;
  readonly executionPoolBytes: number;
}

export function sortMergeChecks(
  input: PredictInput,
  quantities: CellQuantities,
  calibration: Calibration,
): SortMergeKeyBuffer[] {
  const plan = cellShufflePlan(input, quantities);
  const worst = plan.tasks.reduce((a, b) => (b.topKeyRows > a.topKeyRows ? b : a));
  const perRowBytes = quantities.rowBytes + SMJ_BUFFERED_ROW_OVERHEAD_BYTES;
  const baselineMiB = calibration.executorHeapBaselineMiB;
  return [
    {
      id: "smj_key_buffer",
      demand: worst.topKeyRows * perRowBytes,
      capacity: quantities.heapBytes - baselineMiB * MIB - quantities.executionPoolBytes,
      topKeyRows: worst.topKeyRows,
      taskLabel: worst.label,
      aqe: input.parameters.aqe,
      skewedPartitions: plan.skewedPartitions.length,
      perRowBytes,
      heapMiB: input.sizing.heapMiB,
      baselineMiB,
      executionPoolBytes: quantities.executionPoolBytes,
    },
  ];
}
