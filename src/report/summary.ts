import { regionLabel, type AccuracyReport, type RegionAccuracy } from "../predict/accuracy";
import { renderTable } from "../core/textTable";
import { FAILURE_CLASSES } from "../failure/failureClass";
import { sparkMemoryToMiB } from "../core/quantity";
import { inputToHeapNote } from "./inputToHeap";
import { joinOperatorCounts } from "../results/joinOperators";
import type { CellResult } from "../results/cellResult";
import { lostExecutorExitCodes } from "../results/executorLosses";
import { cellSize, sizeWord, workloadLabel } from "../experiment/cellSize";
import { axesLabel, overheadLabel, sweptAxes } from "./axes";

/**
 * Per strategy, executor memory and every other axis the records sweep (skew, AQE, overhead,
 * cores): the smallest table ratio at which a cell failed.
 */
export function failureOnsets(records: readonly CellResult[]): string[] {
  const axes = sweptAxes(records);
  const groups = new Map<string, { label: string; cells: CellResult[] }>();
  for (const r of records) {
    const p = r.parameters;
    const label = [
      [workloadLabel(p), `${p.strategy} with ${p.executorMemory} executors`]
        .filter(Boolean)
        .join(" "),
      axesLabel(p, axes),
    ]
      .filter(Boolean)
      .join(", ");
    const group = groups.get(label) ?? { label, cells: [] };
    group.cells.push(r);
    groups.set(label, group);
  }
  const order = (g: { label: string; cells: CellResult[] }) => g.cells[0].parameters;
  return [...groups.values()]
    .sort((a, b) => {
      const pa = order(a);
      const pb = order(b);
      return (
        pa.strategy.localeCompare(pb.strategy) ||
        (sparkMemoryToMiB(pa.executorMemory) ?? 0) - (sparkMemoryToMiB(pb.executorMemory) ?? 0) ||
        a.label.localeCompare(b.label)
      );
    })
    .map(({ label, cells }) => {
      const failed = cells
        .filter((c) => c.state !== "COMPLETED")
        .sort((a, b) => cellSize(a.parameters) - cellSize(b.parameters));
      const passed = cells
        .filter((c) => c.state === "COMPLETED")
        .map((c) => cellSize(c.parameters));
      const word = sizeWord(cells[0].parameters);
      const at = (size: number) =>
        inputToHeapNote(cells.filter((c) => cellSize(c.parameters) === size));
      if (failed.length === 0) {
        const largest = Math.max(...passed);
        return `${label}: no failure up to ${word} ${largest}${at(largest)}`;
      }
      const first = failed[0];
      const firstSize = cellSize(first.parameters);
      const largestPass =
        passed.length > 0 ? Math.max(...passed.filter((p) => p < firstSize), 0) : 0;
      return (
        `${label}: first fails at ${word} ${firstSize}${at(firstSize)} (${first.failureClass})` +
        (largestPass > 0 ? `, last passes at ${largestPass}${at(largestPass)}` : "")
      );
    });
}

/**
 * Runs of cells that differ only in table size where a larger table completed after a smaller
 * one failed. With AQE on and a shuffled join this is AQE's skew split: a partition is split
 * only when its map output is above an absolute size (256 MB by default) as well as 5 x the
 * median, so a middle-sized table's hot partition can be too small to split yet too big for a
 * task, while a larger table's is split into pieces that fit.
 */
export function nonMonotonicRuns(records: readonly CellResult[]): string[] {
  const groups = new Map<string, CellResult[]>();
  for (const r of records) {
    const p = r.parameters;
    const key = [
      workloadLabel(p),
      p.strategy,
      p.executorMemory,
      p.skew,
      p.aqe,
      p.executorCores,
      p.memoryOverheadFactor,
      p.memoryOverhead,
    ].join("|");
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const overheads = sweptAxes(records).includes("overhead");
  const lines: string[] = [];
  for (const cells of groups.values()) {
    const sorted = [...cells].sort((a, b) => cellSize(a.parameters) - cellSize(b.parameters));
    const firstFail = sorted.findIndex((c) => c.state !== "COMPLETED");
    if (firstFail < 0) continue;
    const laterPass = sorted.slice(firstFail + 1).find((c) => c.state === "COMPLETED");
    if (!laterPass) continue;
    const p = sorted[firstFail].parameters;
    const word = sizeWord(p);
    const why =
      p.aqe && p.strategy !== "broadcast" && p.strategy !== "auto"
        ? ": AQE splits a skewed partition only above spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes (256 MB), so the larger table's hot partition was split and the middle one's was not"
        : "";
    lines.push(
      `not monotonic: ${p.strategy} with ${p.executorMemory} executors, skew ${p.skew}, AQE ${p.aqe ? "on" : "off"}, ` +
        `${p.executorCores} core(s)${overheads ? `, ${overheadLabel(p)}` : ""}: fails at ${word} ${cellSize(p)} (${sorted[firstFail].failureClass}) ` +
        `but completes at ${cellSize(laterPass.parameters)}${why}`,
    );
  }
  return lines;
}

/** Completed cells whose executors failed and were replaced: how many, with which exit codes. */
export function completedOnReplacements(records: readonly CellResult[]): string[] {
  return records
    .filter((r) => r.state === "COMPLETED" && r.executorFailures > 0)
    .map(
      (r) =>
        `completed on replacements: ${r.cell} lost ${r.executorFailures} executor(s)` +
        (lostExecutorExitCodes(r).length > 0
          ? ` (exit ${lostExecutorExitCodes(r).join(", ")})`
          : "") +
        "; Spark replaced them and retried their tasks",
    );
}

export const percent = (x: number) => (Number.isNaN(x) ? "n/a" : `${Math.round(x * 1000) / 10} %`);

/** The confusion matrix of outcomes as text (observed rows, predicted columns). */
export function confusionText(report: AccuracyReport): string {
  const o = report.confusion.outcome;
  return [
    "                    predicted succeeded  predicted failed",
    `observed succeeded  ${String(o.succeeded.succeeded).padStart(19)}  ${String(o.succeeded.failed).padStart(16)}`,
    `observed failed     ${String(o.failed.succeeded).padStart(19)}  ${String(o.failed.failed).padStart(16)}`,
  ].join("\n");
}

/**
 * The failure-class confusion matrix as text: observed classes (rows) by predicted classes
 * (columns), only the classes that were observed or predicted.
 */
export function classConfusionText(report: AccuracyReport): string {
  const m = report.confusion.failureClass;
  const classes = FAILURE_CLASSES.filter((c) =>
    FAILURE_CLASSES.some((other) => m[c][other] > 0 || m[other][c] > 0),
  );
  return renderTable(
    ["observed \\ predicted", ...classes],
    classes.map((observed) => [observed, ...classes.map((p) => String(m[observed][p]))]),
  );
}

/**
 * Accuracy per region (strategy, AQE, cores) as a table: with the shipped constants, and
 * leave-one-out when given. A region's accuracy is of few cells: read it with its count.
 * `recovered` counts the misses whose first executors failed as predicted and whose
 * application completed on replacements, apart from plain misses.
 */
export function regionTable(
  shipped: readonly RegionAccuracy[],
  leaveOneOut?: readonly RegionAccuracy[],
): string {
  const loo = new Map((leaveOneOut ?? []).map((r) => [regionLabel(r), r.report]));
  const header = ["region", "cells", "outcome", "class", "recovered"];
  if (leaveOneOut) header.push("outcome (LOO)", "class (LOO)");
  return renderTable(
    header,
    shipped.map((r) => {
      const row = [
        regionLabel(r),
        String(r.report.cells),
        percent(r.report.outcomeAccuracy),
        percent(r.report.classAccuracy),
        String(r.report.recovered),
      ];
      const other = loo.get(regionLabel(r));
      if (leaveOneOut) {
        row.push(
          other ? percent(other.outcomeAccuracy) : "n/a",
          other ? percent(other.classAccuracy) : "n/a",
        );
      }
      return row;
    }),
  );
}

function recoveredNote(report: AccuracyReport): string {
  return report.recovered > 0
    ? `; ${report.recovered} of the misses had their first executors fail as predicted and completed on replacements`
    : "";
}

/** The summary the report prints and puts on its page. */
export function summaryLines(
  records: readonly CellResult[],
  report: AccuracyReport,
  shipped?: AccuracyReport,
  /** Cells the memory model predicts (the join's); the accuracy lines are left out for none. */
  predictedCells = records.length,
): string[] {
  const queryCells = records.length - predictedCells;
  const predictions =
    predictedCells === 0
      ? []
      : [
          ...(shipped
            ? [
                `predictor (shipped constants): outcome accuracy ${percent(shipped.outcomeAccuracy)}, ` +
                  `failure-class accuracy ${percent(shipped.classAccuracy)}${recoveredNote(shipped)}`,
              ]
            : []),
          `predictor (leave-one-out): outcome accuracy ${percent(report.outcomeAccuracy)}, ` +
            `failure-class accuracy ${percent(report.classAccuracy)}${recoveredNote(report)}`,
        ];
  return [
    `${records.length} cells: ${records.filter((r) => r.state === "COMPLETED").length} completed, ` +
      `${records.filter((r) => r.state !== "COMPLETED").length} failed`,
    ...failureOnsets(records),
    ...nonMonotonicRuns(records),
    ...completedOnReplacements(records),
    ...joinOperatorLines(records),
    ...(queryCells > 0
      ? [`${queryCells} query cell(s): not predicted (the memory model is the synthetic join's)`]
      : []),
    ...predictions,
    ...report.wrong.map(
      (w) =>
        `  ${w.recovered ? "recovered" : "wrong"}: ${w.cell}: observed ${w.observed.failureClass}, predicted ${w.predicted.failureClass} ` +
        `(${w.predicted.bindingConstraint}, margin ${w.predicted.margin.toFixed(2)})` +
        (w.recovered
          ? ": its first executors failed as predicted and the application completed on replacements"
          : ""),
    ),
  ];
}

/** Each query cell's join operators as its final plans chose them under its preference. */
export function joinOperatorLines(records: readonly CellResult[]): string[] {
  return records
    .filter((r) => r.parameters.query)
    .map((r) => {
      const operators = joinOperatorCounts(r) ?? [];
      const text =
        operators.length > 0
          ? operators.map(([name, count]) => `${name} x${count}`).join(", ")
          : "no join operator recorded";
      return `join operators: ${r.cell} (${r.parameters.strategy} preferred): ${text}`;
    });
}
