/**
 * A query cell's data size relative to its executor heap: the same "size relative to memory"
 * axis the join's table ratio is, measured from the input the query read (its files on disk).
 */
import type { CellResult } from "../results/cellResult";

/** A query cell's input size on disk over its executor heap; null for a join cell or no result. */
export function inputToHeap(record: CellResult): number | null {
  const bytes = record.workload?.inputBytes;
  if (!record.parameters.query || typeof bytes !== "number") return null;
  return Math.round((bytes / (record.sizing.heapMiB * 1024 * 1024)) * 1000) / 1000;
}

/** " (input 0.14 x heap)" for the first query cell of `cells` that knows it; "" otherwise. */
export function inputToHeapNote(cells: readonly CellResult[]): string {
  for (const cell of cells) {
    const ratio = inputToHeap(cell);
    if (ratio !== null) return ` (input ${ratio} x heap)`;
  }
  return "";
}
