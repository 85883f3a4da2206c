/**
 * How well predictions matched what finished cells did, for the experiment report.
 */
import { FAILURE_CLASSES, type FailureClass } from "../failure/failureClass";
import type { CellResult } from "../results/cellResult";
import type { ConstraintId, Prediction } from "./predict";
import { observedOutcome } from "./records";

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
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function matrix<K extends string>(keys: readonly K[]): Record<K, Record<K, number>> {
  return Object.fromEntries(keys.map((k) => [k, zeros(keys)])) as Record<K, Record<K, number>>;
}

/** Accuracy of `pairs`, with confusion matrices and the cells predicted wrong. */
export function accuracy(
  pairs: ReadonlyArray<{ readonly observed: CellResult; readonly predicted: Prediction }>,
): AccuracyReport {
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
  };
}
