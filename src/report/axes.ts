/**
 * The axes a set of records sweeps besides executor memory, strategy and table ratio, and a
 * cell's words for them — so that cells differing only in overhead or cores never share a
 * failure-map square or a summary sentence.
 */
import { DEFAULT_MEMORY_OVERHEAD_FACTOR } from "../config/experiment";
import type { CellParameters } from "../experiment/cells";

/** An axis a report tells cells apart by, beyond memory, strategy and ratio. */
export type SweptAxis = "skew" | "aqe" | "overhead" | "cores";

const AXES: readonly SweptAxis[] = ["skew", "aqe", "overhead", "cores"];

type AxisParameters = Pick<
  CellParameters,
  "skew" | "aqe" | "memoryOverhead" | "memoryOverheadFactor" | "executorCores"
>;

/** What the cell asked for as executor memory overhead: an explicit size, a factor, or Spark's rule. */
export function overheadLabel(p: AxisParameters): string {
  if (p.memoryOverhead !== null) return `overhead ${p.memoryOverhead}`;
  if (p.memoryOverheadFactor !== DEFAULT_MEMORY_OVERHEAD_FACTOR)
    return `overhead factor ${p.memoryOverheadFactor}`;
  return "overhead by Spark's rule";
}

function axisLabel(p: AxisParameters, axis: SweptAxis): string {
  switch (axis) {
    case "skew":
      return `skew ${p.skew}`;
    case "aqe":
      return p.aqe ? "AQE on" : "AQE off";
    case "overhead":
      return overheadLabel(p);
    case "cores":
      return p.executorCores === 1 ? "1 core" : `${p.executorCores} cores`;
  }
}

/** The axes on which `records` take more than one value, in a fixed order. */
export function sweptAxes(
  records: ReadonlyArray<{ readonly parameters: AxisParameters }>,
): SweptAxis[] {
  return AXES.filter((axis) => new Set(records.map((r) => axisLabel(r.parameters, axis))).size > 1);
}

/** The cell's values on `axes`, as words ("skew 0, AQE off, overhead 384m"); empty for none. */
export function axesLabel(p: AxisParameters, axes: readonly SweptAxis[]): string {
  return axes.map((axis) => axisLabel(p, axis)).join(", ");
}
