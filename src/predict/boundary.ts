/**
 * The predictor's boundary: the largest table ratio it predicts to pass, for a cell whose other
 * settings are fixed. The pilot starts each boundary search there, and the report draws it as a
 * curve over executor memory beside the boundary the searches found.
 */
import { BYTES_PER_MIB, mibToSparkMemory } from "../core/quantity";
import { memoryOverheadMiB } from "../experiment/sizing";
import type { FailureClass } from "../failure/failureClass";
import { DEFAULT_CALIBRATION, predict } from "./predict";
import type { Calibration, PredictInput } from "./types";

/** Where the predictor puts the boundary within a range of ratios. */
export interface PredictedBoundary {
  /** The largest ratio predicted to pass below `firstFail`; null when even `min` fails. */
  readonly lastPass: number | null;
  /** The smallest ratio predicted to fail; null when even `max` passes. */
  readonly firstFail: number | null;
  /** How the predictor says `firstFail` fails; null when nothing fails. */
  readonly failureClass: FailureClass | null;
}

/**
 * `input` with another table ratio and, optionally, another executor heap: the build side
 * follows the ratio, and the overhead follows Spark's rule for the new heap (an explicit
 * overhead stays as given).
 */
export function inputAt(input: PredictInput, ratio: number, heapMiB?: number): PredictInput {
  const heap = heapMiB ?? input.sizing.heapMiB;
  const overhead =
    heapMiB === undefined || input.parameters.memoryOverhead !== null
      ? input.sizing.overheadMiB
      : memoryOverheadMiB(heap, input.parameters.memoryOverheadFactor);
  return {
    ...input,
    parameters: {
      ...input.parameters,
      tableRatio: ratio,
      executorMemory:
        heapMiB === undefined ? input.parameters.executorMemory : mibToSparkMemory(heap),
    },
    sizing: {
      ...input.sizing,
      heapMiB: heap,
      overheadMiB: overhead,
      podMemoryMiB: heap + overhead,
      buildBytes: Math.round(ratio * heap * BYTES_PER_MIB),
    },
  };
}

/** Points of the first scan, spaced evenly in log space between min and max. */
const SCAN_POINTS = 96;
/** Bisection steps after the scan: the bracket ends within (max / min)^(1 / 96 / 2^20). */
const BISECTIONS = 20;

/**
 * The predictor's boundary for `input`'s cell between ratios `min` and `max`: the first ratio it
 * predicts to fail, scanning up from `min`, and the largest passing one below it. A scan, not a
 * bisection over the whole range, because the prediction need not be monotonic in the ratio
 * (AQE splits a skewed partition only past a size).
 */
export function predictedBoundary(
  input: PredictInput,
  range: { readonly min: number; readonly max: number },
  calibration: Calibration = DEFAULT_CALIBRATION,
  heapMiB?: number,
): PredictedBoundary {
  const passes = (ratio: number) =>
    predict(inputAt(input, ratio, heapMiB), calibration).outcome === "succeeded";
  const at = (i: number) => range.min * (range.max / range.min) ** (i / (SCAN_POINTS - 1));
  let index = 0;
  while (index < SCAN_POINTS && passes(at(index))) index += 1;
  if (index === SCAN_POINTS) return { lastPass: range.max, firstFail: null, failureClass: null };
  const classAt = (ratio: number) =>
    predict(inputAt(input, ratio, heapMiB), calibration).failureClass;
  if (index === 0) {
    return { lastPass: null, firstFail: range.min, failureClass: classAt(range.min) };
  }
  let pass = at(index - 1);
  let fail = at(index);
  for (let step = 0; step < BISECTIONS; step++) {
    const middle = Math.sqrt(pass * fail);
    if (passes(middle)) pass = middle;
    else fail = middle;
  }
  return { lastPass: pass, firstFail: fail, failureClass: classAt(fail) };
}
