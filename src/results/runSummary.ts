import { renderTable } from "../core/textTable";
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

/** The summary as the pilot prints it: one row per cell, then the totals. */
export function summaryText(
  experiment: string,
  records: readonly CellResult[],
  summary: PilotSummary,
): string {
  const table = renderTable(
    ["cell", "strategy", "ratio", "skew", "join run", "state", "failure class", "time"],
    records.map((r) => [
      r.cell,
      r.parameters.strategy,
      String(r.parameters.tableRatio),
      String(r.parameters.skew),
      typeof r.workload?.joinOperator === "string" ? r.workload.joinOperator : "-",
      r.state,
      r.failureClass,
      r.durationSeconds === null ? "-" : duration(r.durationSeconds),
    ]),
  );
  const byClass = Object.entries(summary.failedByClass)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return [
    table,
    "",
    `experiment ${experiment}: ${summary.cells} cells, ${summary.succeeded} succeeded, ${summary.failed} failed` +
      (byClass ? ` (${byClass})` : "") +
      `; wall time ${duration(summary.wallSeconds)}`,
  ].join("\n");
}
