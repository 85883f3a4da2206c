/**
 * How well predictions matched what finished cells did, for the experiment report.
 */
import { FAILURE_CLASSES, type FailureClass } from "../failure/failureClass";
import type { CellResult } from "../results/cellResult";
import type { ConstraintId, Prediction } from "./types";
import { observedOutcome } from "./records";
import { LOST_EXECUTOR_EXIT } from "./replacement";

type Outcome = Prediction["outcome"];
const OUTCOMES: readonly Outcome[] = ["succeeded", "failed"];

/** A cell the prediction got wrong (outcome or class). */
export interface WrongPrediction {
  readonly cell: string;
  readonly observed: { readonly outcome: Outcome; readonly failureClass: FailureClass };
  readonly predicted: {
    readonly outcome: Outcome;
    readonly failureClass: FailureClass;
    readonly bindingConstraint: ConstraintId;
    readonly margin: number;
  };
  /** True when only the class is wrong. */
  readonly outcomeRight: boolean;
  /**
   * The cell's first executors failed the way predicted (the class's exit code) and the
   * application completed on their replacements: a miss of the outcome, not of the mechanism.
   */
  readonly recovered: boolean;
}

export interface AccuracyReport {
  readonly cells: number;
  /** Share of cells whose outcome (succeeded / failed) was predicted; NaN for no cells. */
  readonly outcomeAccuracy: number;
  /** Share of cells whose failure class ("none" for success) was predicted; NaN for no cells. */
  readonly classAccuracy: number;
  /** Counts, observed (rows) by predicted (columns). */
  readonly confusion: {
    readonly outcome: Record<Outcome, Record<Outcome, number>>;
    readonly failureClass: Record<FailureClass, Record<FailureClass, number>>;
  };
  readonly wrong: readonly WrongPrediction[];
  /** Of the wrong ones, how many are `recovered`: counted apart from plain misses. */
  readonly recovered: number;
}

/**
 * True when the prediction was an executor lost the way it says and the cell completed on
 * replacements: its record shows lost executors with the class's exit code.
 */
export function recoveredAsPredicted(
  observed: CellResult,
  predicted: Pick<Prediction, "failureClass">,
): boolean {
  const exit = LOST_EXECUTOR_EXIT[predicted.failureClass];
  return (
    exit !== undefined &&
    observed.state === "COMPLETED" &&
    observed.executorFailures > 0 &&
    observed.evidence.exitCodes.includes(exit)
  );
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function matrix<K extends string>(keys: readonly K[]): Record<K, Record<K, number>> {
  return Object.fromEntries(keys.map((k) => [k, zeros(keys)])) as Record<K, Record<K, number>>;
}

/** What accuracy reads of a prediction: a stored one made before the run has only these. */
export type PredictionSummary = Pick<
  Prediction,
  "outcome" | "failureClass" | "bindingConstraint" | "margin"
>;

/** A finished cell and what was predicted for it. */
export interface PredictedCell {
  readonly observed: CellResult;
  readonly predicted: PredictionSummary;
}

/** Accuracy of `pairs`, with confusion matrices and the cells predicted wrong. */
export function accuracy(pairs: readonly PredictedCell[]): AccuracyReport {
  const outcome = matrix(OUTCOMES);
  const failureClass = matrix(FAILURE_CLASSES);
  const wrong: WrongPrediction[] = [];
  let outcomesRight = 0;
  let classesRight = 0;
  for (const { observed, predicted } of pairs) {
    const seen = observedOutcome(observed);
    outcome[seen][predicted.outcome] += 1;
    failureClass[observed.failureClass][predicted.failureClass] += 1;
    const outcomeRight = seen === predicted.outcome;
    const classRight = observed.failureClass === predicted.failureClass;
    if (outcomeRight) outcomesRight += 1;
    if (classRight) classesRight += 1;
    if (!outcomeRight || !classRight) {
      wrong.push({
        cell: observed.cell,
        observed: { outcome: seen, failureClass: observed.failureClass },
        predicted: {
          outcome: predicted.outcome,
          failureClass: predicted.failureClass,
          bindingConstraint: predicted.bindingConstraint,
          margin: predicted.margin,
        },
        outcomeRight,
        recovered: recoveredAsPredicted(observed, predicted),
      });
    }
  }
  const n = pairs.length;
  return {
    cells: n,
    outcomeAccuracy: n === 0 ? Number.NaN : outcomesRight / n,
    classAccuracy: n === 0 ? Number.NaN : classesRight / n,
    confusion: { outcome, failureClass },
    wrong,
    recovered: wrong.filter((w) => w.recovered).length,
  };
}

/** A region of the matrix the predictor may be weaker in: strategy x AQE x cores. */
export interface Region {
  readonly strategy: CellResult["parameters"]["strategy"];
  readonly aqe: boolean;
  readonly executorCores: number;
}

/** The accuracy of the cells of one region. */
export interface RegionAccuracy extends Region {
  readonly report: AccuracyReport;
}

/** The region a cell belongs to. */
export function regionOf(record: CellResult): Region {
  const { strategy, aqe, executorCores } = record.parameters;
  return { strategy, aqe, executorCores };
}

/** "shuffle_hash, AQE on, 2 cores". */
export function regionLabel(region: Region): string {
  const cores = `${region.executorCores} core${region.executorCores === 1 ? "" : "s"}`;
  return `${region.strategy}, AQE ${region.aqe ? "on" : "off"}, ${cores}`;
}

/** Accuracy per region (strategy, AQE, cores), in that order, so a weak region shows. */
export function accuracyByRegion(pairs: readonly PredictedCell[]): RegionAccuracy[] {
  const groups = new Map<string, { region: Region; pairs: PredictedCell[] }>();
  for (const pair of pairs) {
    const region = regionOf(pair.observed);
    const key = regionLabel(region);
    const group = groups.get(key) ?? { region, pairs: [] };
    group.pairs.push(pair);
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort(
      (a, b) =>
        a.region.strategy.localeCompare(b.region.strategy) ||
        Number(b.region.aqe) - Number(a.region.aqe) ||
        a.region.executorCores - b.region.executorCores,
    )
    .map((g) => ({ ...g.region, report: accuracy(g.pairs) }));
}

/** A band of the binding constraint's |margin|: how far from its boundary a cell was predicted. */
export interface MarginBucket {
  /** "0 to 0.1": |margin| from (included) and to (excluded). */
  readonly label: string;
  readonly from: number;
  readonly to: number;
  readonly report: AccuracyReport;
}

/** The bands of |margin| a reliability table shows: near the boundary to far from it. */
export const MARGIN_BUCKET_EDGES = [0, 0.1, 0.25, 0.5, 1, Number.POSITIVE_INFINITY] as const;

/**
 * Accuracy per band of |margin| (log2 of capacity over demand): how far a prediction can be
 * trusted at a given distance from its boundary. Empty bands are left out.
 */
export function accuracyByMargin(pairs: readonly PredictedCell[]): MarginBucket[] {
  const buckets: MarginBucket[] = [];
  for (let i = 0; i + 1 < MARGIN_BUCKET_EDGES.length; i++) {
    const from = MARGIN_BUCKET_EDGES[i];
    const to = MARGIN_BUCKET_EDGES[i + 1];
    const inBand = pairs.filter((p) => {
      const size = Math.abs(p.predicted.margin);
      return size >= from && (size < to || !Number.isFinite(to));
    });
    if (inBand.length === 0) continue;
    const label = Number.isFinite(to) ? `${from} to ${to}` : `${from} or more`;
    buckets.push({ label, from, to, report: accuracy(inBand) });
  }
  return buckets;
}
