/**
 * The boundary search over the table ratio, as a pure function of the outcomes so far: which
 * ratio to probe next, or that the search is done. Nothing is kept between probes but their
 * records, so a search resumes after `kill -9` exactly where it stood: the records say what
 * has been probed, and this says what comes next.
 *
 * The search brackets the boundary: the largest ratio that passed below the smallest that
 * failed. It starts at the predictor's estimate and, until it has both sides, gallops away from
 * it in steps that double in log space — (1 + t), (1 + t)^2, (1 + t)^4, … — so a good estimate
 * needs two probes (one each side, one step of the tolerance apart) and a poor one a few more.
 * Once bracketed it bisects (at the geometric mean) until failing / passing <= 1 + t. Ratios are
 * rounded to three significant digits so that cell names stay readable (r0p457).
 */
import { cellSize } from "./cellSize";
import { isProbeOf, type CellParameters, type SearchSpec } from "./cells";

/** One probe's outcome. */
export interface Probe {
  readonly ratio: number;
  readonly passed: boolean;
}

/** Where the boundary lies as far as the probes tell. */
export interface Bracket {
  /** The largest ratio that passed below `firstFail` (below every ratio if none failed). */
  readonly lastPass: number | null;
  /** The smallest ratio that failed. */
  readonly firstFail: number | null;
  /**
   * Ratios that passed above `firstFail`: the boundary is not a single step there (AQE's skew
   * split can make a larger table pass where a smaller one failed). The bracket is the first
   * transition; these are reported, not searched.
   */
  readonly passesAboveFail: readonly number[];
}

/** What a search does next. */
export type SearchStep =
  | { readonly kind: "probe"; readonly ratio: number }
  | {
      readonly kind: "done";
      /**
       * `bracketed`: within the tolerance; `passes-at-max`: no failure up to the range's top;
       * `fails-at-min`: failing already at its bottom; `resolution`: the bracket cannot be split
       * at three significant digits.
       */
      readonly why: "bracketed" | "passes-at-max" | "fails-at-min" | "resolution";
    };

/** The ratios a search may probe, and when it is close enough. */
export interface SearchRange {
  readonly min: number;
  readonly max: number;
  /** Done when firstFail / lastPass <= 1 + tolerance. */
  readonly tolerance: number;
}

/** A ratio as probes are named: three significant digits. */
export function roundRatio(ratio: number): number {
  return Number(ratio.toPrecision(3));
}

/**
 * A ratio rounded down to three significant digits: where a search starts, so that its first
 * probe is one the predictor expects to pass rather than a hair above its estimate.
 */
export function roundRatioDown(ratio: number): number {
  return roundToThreeDigits(ratio, "down");
}

/**
 * A ratio rounded up to three significant digits: a step down from a failure, so that the bracket
 * it makes with that failure stays within the factor stepped (0.374 / 1.25 = 0.2992 becomes 0.3,
 * not 0.299, which would leave 0.374 / 0.299 > 1.25 and cost one more probe).
 */
export function roundRatioUp(ratio: number): number {
  return roundToThreeDigits(ratio, "up");
}

/** Three significant digits, rounded one way; 1e-9 keeps a ratio already on a digit there. */
function roundToThreeDigits(ratio: number, direction: "up" | "down"): number {
  const unit = 10 ** (Math.floor(Math.log10(ratio)) - 2);
  const units =
    direction === "up" ? Math.ceil(ratio / unit - 1e-9) : Math.floor(ratio / unit + 1e-9);
  return Number((units * unit).toPrecision(3));
}

/** The bracket the probes give. */
export function bracketOf(probes: readonly Probe[]): Bracket {
  const fails = probes.filter((p) => !p.passed).map((p) => p.ratio);
  const firstFail = fails.length > 0 ? Math.min(...fails) : null;
  const passes = probes.filter((p) => p.passed).map((p) => p.ratio);
  const below = passes.filter((r) => firstFail === null || r < firstFail);
  return {
    lastPass: below.length > 0 ? Math.max(...below) : null,
    firstFail,
    passesAboveFail: passes
      .filter((r) => firstFail !== null && r > firstFail)
      .sort((a, b) => a - b),
  };
}

/** True when the bracket is as tight as the range asks (a little slack for rounding). */
export function isTight(bracket: Bracket, tolerance: number): boolean {
  return (
    bracket.lastPass !== null &&
    bracket.firstFail !== null &&
    bracket.firstFail / bracket.lastPass <= 1 + tolerance + 1e-9
  );
}

/**
 * The next step of a search from its probes so far. `start` is where to begin (the
 * predictor's estimate of the largest passing ratio); it is clipped to the range.
 */
export function nextStep(probes: readonly Probe[], range: SearchRange, start: number): SearchStep {
  const clip = (r: number) => Math.min(range.max, Math.max(range.min, r));
  const tried = new Set(probes.map((p) => p.ratio));
  const fresh = (ratio: number): SearchStep =>
    tried.has(ratio) ? { kind: "done", why: "resolution" } : { kind: "probe", ratio };
  if (probes.length === 0) return { kind: "probe", ratio: clip(roundRatioDown(clip(start))) };

  const bracket = bracketOf(probes);
  const { lastPass, firstFail } = bracket;
  const step = 1 + range.tolerance;
  if (lastPass !== null && firstFail !== null) {
    if (isTight(bracket, range.tolerance)) return { kind: "done", why: "bracketed" };
    const middle = roundRatio(Math.sqrt(lastPass * firstFail));
    return middle <= lastPass || middle >= firstFail
      ? { kind: "done", why: "resolution" }
      : fresh(middle);
  }
  if (firstFail === null && lastPass !== null) {
    // Only passes: gallop up from the largest, the step growing with each pass.
    if (lastPass >= range.max) return { kind: "done", why: "passes-at-max" };
    const passes = probes.filter((p) => p.passed).length;
    // Rounded down, towards the pass, for the same reason as roundRatioUp below.
    const next = roundRatioDown(clip(lastPass * step ** (2 ** (passes - 1))));
    return next <= lastPass ? { kind: "done", why: "resolution" } : fresh(next);
  }
  // Only failures: gallop down from the smallest.
  const fail = firstFail ?? range.min;
  if (fail <= range.min) return { kind: "done", why: "fails-at-min" };
  const failures = probes.filter((p) => !p.passed).length;
  const next = roundRatioUp(clip(fail / step ** (2 ** (failures - 1))));
  return next >= fail ? { kind: "done", why: "resolution" } : fresh(next);
}

/**
 * The probes a grid needs to find the same boundary to the same tolerance without looking at
 * outcomes: ratios from `min` to `max` spaced by at most a factor of 1 + tolerance, so that some
 * pair of neighbours brackets the boundary wherever it is.
 */
export function gridProbesFor(range: SearchRange): number {
  return Math.ceil(Math.log(range.max / range.min) / Math.log(1 + range.tolerance) - 1e-9) + 1;
}

/** What a search reads from a finished probe's record: its cell and how it ended. */
export interface ProbeRecord {
  readonly parameters: CellParameters;
  readonly state: string;
  readonly failureClass: string;
}

/**
 * The probes of `search` among `records`: every record of one of its cells, whatever ratio.
 * A probe passed when its cell completed with no failure (the report's "succeeded").
 */
export function probesOf(search: SearchSpec, records: readonly ProbeRecord[]): Probe[] {
  return records
    .filter((r) => isProbeOf(search, r.parameters))
    .map((r) => ({
      ratio: cellSize(r.parameters),
      passed: r.state === "COMPLETED" && r.failureClass === "none",
    }))
    .sort((a, b) => a.ratio - b.ratio);
}
