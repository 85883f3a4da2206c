/**
 * Which earlier cell each cell waits for, so that at most `concurrency` run at once: cells are
 * dealt round-robin into `concurrency` lanes and each waits for the one before it in its lane.
 * Returns, per cell index, the index of its predecessor, or undefined for a lane's first cell.
 */
export function lanePredecessors(
  cellCount: number,
  concurrency: number,
): Array<number | undefined> {
  return Array.from({ length: cellCount }, (_, index) =>
    index >= concurrency ? index - concurrency : undefined,
  );
}
