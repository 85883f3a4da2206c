/**
 * How the predictions made before each cell ran (predictions.jsonl) did: outcome and class
 * accuracy, the confusion matrices, accuracy per band of margin, and the cells today's model
 * would predict differently. These are blind predictions: no record existed when they were made,
 * and one made after its cell had started (a cell adopted from a run this tool did not start,
 * such as `pulumi up`'s) is set aside rather than scored.
 */
import type { StoredPrediction } from "../campaign/preRunPredictions";
import { renderTable } from "../core/textTable";
import {
  accuracy,
  accuracyByMargin,
  type AccuracyReport,
  type MarginBucket,
} from "../predict/accuracy";
import { predict } from "../predict/predict";
import { inputFromRecord, type RecordFallback } from "../predict/records";
import type { CellResult } from "../results/cellResult";
import { classConfusionText, confusionText, percent } from "./summary";

export interface PreRunAccuracy {
  readonly report: AccuracyReport;
  readonly byMargin: readonly MarginBucket[];
  /** Cells whose stored prediction today's model would change (outcome or class). */
  readonly changedSince: readonly string[];
  /** Records with no stored prediction (run before predictions were kept, or query cells). */
  readonly unpredicted: number;
  /** Records whose prediction was made after the cell had started: not blind, not scored. */
  readonly predictedLate: number;
}

/** Whether a prediction was made before its cell started (a record without a start counts). */
function predictedBeforeStart(predicted: StoredPrediction, observed: CellResult): boolean {
  if (observed.start === null) return true;
  return Date.parse(predicted.predictedAt) <= Date.parse(observed.start);
}

/**
 * The stored predictions of `records` scored against them; undefined when none has one. When
 * every one was made late, the result scores no cell and only counts them.
 */
export function preRunAccuracy(
  records: readonly CellResult[],
  stored: ReadonlyMap<string, StoredPrediction>,
  fallback: RecordFallback,
): PreRunAccuracy | undefined {
  const predictedPairs = records.flatMap((observed) => {
    const predicted = stored.get(observed.cell);
    return predicted ? [{ observed, predicted }] : [];
  });
  if (predictedPairs.length === 0) return undefined;
  const pairs = predictedPairs.filter((p) => predictedBeforeStart(p.predicted, p.observed));
  const changedSince = pairs
    .filter(({ observed, predicted }) => {
      const now = predict(inputFromRecord(observed, fallback));
      return now.outcome !== predicted.outcome || now.failureClass !== predicted.failureClass;
    })
    .map((p) => p.observed.cell);
  return {
    report: accuracy(pairs),
    byMargin: accuracyByMargin(pairs),
    changedSince,
    unpredicted: records.length - predictedPairs.length,
    predictedLate: predictedPairs.length - pairs.length,
  };
}

/** Accuracy per band of |margin| as a table. */
export function marginTable(buckets: readonly MarginBucket[]): string {
  return renderTable(
    ["|margin|", "cells", "outcome right", "class right"],
    buckets.map((b) => [
      b.label,
      String(b.report.cells),
      percent(b.report.outcomeAccuracy),
      percent(b.report.classAccuracy),
    ]),
  );
}

/** The section as text lines, for the terminal and the page. */
export function preRunLines(result: PreRunAccuracy): string[] {
  const { report } = result;
  const late = `${result.predictedLate} prediction(s) made after their cell had started were not scored`;
  if (report.cells === 0)
    return [`predicted before they ran (predictions.jsonl): none to score; ${late}`];
  const lines = [
    `predicted before they ran (predictions.jsonl): ${report.cells} cells, outcome accuracy ` +
      `${percent(report.outcomeAccuracy)}, failure-class accuracy ${percent(report.classAccuracy)}` +
      (result.unpredicted > 0 ? `; ${result.unpredicted} record(s) had no stored prediction` : "") +
      (result.predictedLate > 0 ? `; ${late}` : ""),
    "outcome confusion matrix (observed rows, predicted columns):",
    confusionText(report),
    "failure-class confusion matrix (observed rows, predicted columns):",
    classConfusionText(report),
    "accuracy by |margin| of the binding constraint (log2 of capacity over demand):",
    marginTable(result.byMargin),
  ];
  for (const w of report.wrong) {
    lines.push(
      `missed ${w.cell}: ${w.observed.failureClass} observed, ${w.predicted.failureClass} predicted ` +
        `(${w.predicted.bindingConstraint}, margin ${w.predicted.margin.toFixed(2)})` +
        (w.recovered
          ? "; its first executors failed as predicted and replacements completed it"
          : ""),
    );
  }
  if (result.changedSince.length > 0) {
    lines.push(
      `today's model predicts ${result.changedSince.length} of these differently: ${result.changedSince.join(", ")}`,
    );
  }
  return lines;
}
