/**
 * A cell's data size on the axis its workload is sized by: the join's table ratio (build side
 * over executor heap) or a query's scale factor. Reports, summaries and tables read a cell's
 * size through here, so join and query cells line up on one "how much data" axis.
 */
import type { CellParameters } from "./cells";

type SizeParameters = Pick<CellParameters, "tableRatio" | "query">;

/** The table ratio of a join cell, the scale factor of a query cell. */
export function cellSize(p: SizeParameters): number {
  if (p.query) return p.query.scaleFactor;
  if (p.tableRatio === null) throw new Error("a join cell without a table ratio");
  return p.tableRatio;
}

/** What `cellSize` measures, as words: "ratio" or "scale factor". */
export function sizeWord(p: SizeParameters): string {
  return p.query ? "scale factor" : "ratio";
}

/** A query cell's workload as words ("tpch q03", "sql spend"); empty for the join. */
export function workloadLabel(p: Pick<CellParameters, "query">): string {
  return p.query ? `${p.query.kind} ${p.query.name}` : "";
}

/** True for the synthetic join's cells: the ones the memory model and boundary searches know. */
export function isJoinCell(p: SizeParameters): p is SizeParameters & { tableRatio: number } {
  return !p.query && p.tableRatio !== null;
}
