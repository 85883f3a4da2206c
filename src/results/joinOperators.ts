import type { CellResult } from "./cellResult";

/**
 * A query cell's join operators as its final plans chose them, `[operator, count]` in the
 * result line's order; undefined when the record has none (a join cell, or no result line).
 * The one reader of `workload.joinOperators` for the run table, the report and its CSV.
 */
export function joinOperatorCounts(record: CellResult): Array<[string, number]> | undefined {
  const operators = record.workload?.joinOperators;
  if (!operators || typeof operators !== "object") return undefined;
  return Object.entries(operators as Record<string, unknown>).map(([name, count]) => [
    name,
    Number(count),
  ]);
}
