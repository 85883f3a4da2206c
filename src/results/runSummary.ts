import { joinOperatorCounts } from "./joinOperators";
import { renderTable } from "../core/textTable";
import { lostExecutorExitCodes } from "./executorLosses";
import type { CellResult } from "./cellResult";

/** Counts for the end-of-run summary. */
export interface PilotSummary {
  readonly cells: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Failed cells by failure class. */
  readonly failedByClass: Readonly<Record<string, number>>;
  readonly wallSeconds: number;
}

/** Counts over a set of records. */
export function summarise(records: readonly CellResult[], wallSeconds: number): PilotSummary {
  const failedByClass: Record<string, number> = {};
  for (const r of records) {
    if (r.failureClass !== "none")
      failedByClass[r.failureClass] = (failedByClass[r.failureClass] ?? 0) + 1;
  }
  const succeeded = records.filter((r) => r.state === "COMPLETED").length;
  return {
    cells: records.length,
    succeeded,
    failed: records.length - succeeded,
    failedByClass,
    wallSeconds,
  };
}

function duration(seconds: number): string {
  const whole = Math.round(seconds);
  const m = Math.floor(whole / 60);
  const s = whole % 60;
  return m > 0 ? `${m}m${String(s).padStart(2, "0")}s` : `${s}s`;
}

/** "2 (exit 52)": executors lost during the run, replaced when the cell completed; "-" for none. */
function lostExecutors(r: CellResult): string {
  if (r.executorFailures === 0) return "-";
  const codes = lostExecutorExitCodes(r);
  return `${r.executorFailures}` + (codes.length > 0 ? ` (exit ${codes.join(", ")})` : "");
}

/** The join operator the join workload ran, or a query's operators (`BHJ x2, SMJ x1`). */
function joinRun(r: CellResult): string {
  if (typeof r.workload?.joinOperator === "string") return r.workload.joinOperator;
  const entries = joinOperatorCounts(r);
  if (!entries) return "-";
  if (entries.length === 0) return "none";
  const short = (name: string) => name.replace(/[a-z]/g, "");
  return entries.map(([name, count]) => `${short(name)} x${count}`).join(", ");
}

/** The summary as the pilot prints it: one row per cell, then the totals. */
export function summaryText(
  experiment: string,
  records: readonly CellResult[],
  summary: PilotSummary,
): string {
  const table = renderTable(
    [
      "cell",
      "strategy",
      "ratio",
      "skew",
      "join run",
      "state",
      "failure class",
      "lost executors",
      "time",
    ],
    records.map((r) => [
      r.cell,
      r.parameters.strategy,
      // A query cell's size is its scale factor; its joins are the operators its plans chose.
      r.parameters.query ? `sf ${r.parameters.query.scaleFactor}` : String(r.parameters.tableRatio),
      r.parameters.query ? "-" : String(r.parameters.skew),
      joinRun(r),
      r.state,
      r.failureClass,
      lostExecutors(r),
      r.durationSeconds === null ? "-" : duration(r.durationSeconds),
    ]),
  );
  const recovered = records.filter((r) => r.state === "COMPLETED" && r.executorFailures > 0).length;
  const byClass = Object.entries(summary.failedByClass)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return [
    table,
    "",
    `experiment ${experiment}: ${summary.cells} cells, ${summary.succeeded} succeeded, ${summary.failed} failed` +
      (byClass ? ` (${byClass})` : "") +
      (recovered > 0 ? `; ${recovered} completed on replacements of lost executors` : "") +
      `; wall time ${duration(summary.wallSeconds)}`,
  ].join("\n");
}
