import type { AccuracyReport } from "../predict/accuracy";
import { sparkMemoryToMiB } from "../core/quantity";
import type { CellResult } from "../results/cellResult";

/** Per strategy and executor memory: the smallest table ratio at which a cell failed. */
export function failureOnsets(records: readonly CellResult[]): string[] {
  const groups = new Map<string, CellResult[]>();
  for (const r of records) {
    const key = `${r.parameters.strategy}|${r.parameters.executorMemory}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups]
    .sort(([a], [b]) => {
      const [sa, ma] = a.split("|");
      const [sb, mb] = b.split("|");
      return sa.localeCompare(sb) || (sparkMemoryToMiB(ma) ?? 0) - (sparkMemoryToMiB(mb) ?? 0);
    })
    .map(([key, cells]) => {
      const [strategy, memory] = key.split("|");
      const failed = cells
        .filter((c) => c.state !== "COMPLETED")
        .sort((a, b) => a.parameters.tableRatio - b.parameters.tableRatio);
      const passed = cells
        .filter((c) => c.state === "COMPLETED")
        .map((c) => c.parameters.tableRatio);
      if (failed.length === 0)
        return `${strategy} with ${memory} executors: no failure up to ratio ${Math.max(...passed)}`;
      const first = failed[0];
      const largestPass =
        passed.length > 0
          ? Math.max(...passed.filter((p) => p < first.parameters.tableRatio), 0)
          : 0;
      return (
        `${strategy} with ${memory} executors: first fails at ratio ${first.parameters.tableRatio} (${first.failureClass})` +
        (largestPass > 0 ? `, last passes at ${largestPass}` : "")
      );
    });
}

const percent = (x: number) => (Number.isNaN(x) ? "n/a" : `${Math.round(x * 1000) / 10} %`);

/** The confusion matrix of outcomes as text (observed rows, predicted columns). */
export function confusionText(report: AccuracyReport): string {
  const o = report.confusion.outcome;
  return [
    "                    predicted succeeded  predicted failed",
    `observed succeeded  ${String(o.succeeded.succeeded).padStart(19)}  ${String(o.succeeded.failed).padStart(16)}`,
    `observed failed     ${String(o.failed.succeeded).padStart(19)}  ${String(o.failed.failed).padStart(16)}`,
  ].join("\n");
}

/** The summary the report prints and puts on its page. */
export function summaryLines(records: readonly CellResult[], report: AccuracyReport): string[] {
  return [
    `${records.length} cells: ${records.filter((r) => r.state === "COMPLETED").length} completed, ` +
      `${records.filter((r) => r.state !== "COMPLETED").length} failed`,
    ...failureOnsets(records),
    `predictor (leave-one-out): outcome accuracy ${percent(report.outcomeAccuracy)}, ` +
      `failure-class accuracy ${percent(report.classAccuracy)}`,
    ...report.wrong.map(
      (w) =>
        `  wrong: ${w.cell}: observed ${w.observed.failureClass}, predicted ${w.predicted.failureClass} ` +
        `(${w.predicted.bindingConstraint}, margin ${w.predicted.margin.toFixed(2)})`,
    ),
  ];
}
