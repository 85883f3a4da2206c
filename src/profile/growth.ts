/**
 * How a measured quantity grows with a job's scale: a straight line through the small runs (a
 * fixed part, such as Spark's own state or a query's small tables, plus a part in proportion to
 * the data), fit by least squares, and where it reaches a limit.
 */

/** `y = intercept + slope * scale`. */
export interface LinearFit {
  readonly intercept: number;
  readonly slope: number;
}

export interface Point {
  readonly scale: number;
  readonly value: number;
}

/** The least-squares line through `points` (at least two distinct scales). */
export function fitLine(points: readonly Point[]): LinearFit {
  const scales = new Set(points.map((p) => p.scale));
  if (scales.size < 2) throw new Error("a line needs points at two scales at least");
  const n = points.length;
  const meanX = points.reduce((a, p) => a + p.scale, 0) / n;
  const meanY = points.reduce((a, p) => a + p.value, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.scale - meanX) * (p.value - meanY);
    sxx += (p.scale - meanX) ** 2;
  }
  const slope = sxy / sxx;
  return { intercept: meanY - slope * meanX, slope };
}

export function valueAt(fit: LinearFit, scale: number): number {
  return fit.intercept + fit.slope * scale;
}

/** Largest scale a search for a crossing looks at: a million times the unit. */
const MAX_SCALE = 1e6;

/**
 * The smallest scale at which `fails(scale)` holds, for a `fails` that holds from some scale on
 * (monotonic); null when it does not hold by MAX_SCALE. Bisection to a relative 1e-9.
 */
export function firstFailingScale(fails: (scale: number) => boolean): number | null {
  if (!fails(MAX_SCALE)) return null;
  if (fails(0)) return 0;
  let low = 0;
  let high = MAX_SCALE;
  while (high - low > 1e-9 * high) {
    const middle = (low + high) / 2;
    if (fails(middle)) high = middle;
    else low = middle;
  }
  return high;
}
