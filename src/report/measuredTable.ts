import { formatBytes } from "../core/formatBytes";
import type { MeasuredRow } from "./measuredPeaks";

/** Where each cell's application can be opened in the Spark UI. */
export interface HistoryLinks {
  /** A History Server's base URL, e.g. http://127.0.0.1:18080. */
  readonly historyUrl?: string;
  /** The applications it serves; when given, only these are linked (no dead links). */
  readonly historyApplications?: ReadonlySet<string>;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const bytes = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value) ? "–" : formatBytes(value);

/** The Spark UI page of an application on a History Server. */
export function historyLink(baseUrl: string, applicationId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/history/${encodeURIComponent(applicationId)}/jobs/`;
}

function linkOf(row: MeasuredRow, links: HistoryLinks): string {
  const id = row.applicationId;
  if (!links.historyUrl || id === null) return "";
  if (links.historyApplications && !links.historyApplications.has(id)) return "";
  return `<a href="${escapeHtml(historyLink(links.historyUrl, id))}">Spark UI</a>`;
}

/**
 * The measured-memory table: per cell, the predictor's binding constraint and its demand, the
 * measured peak that answers it, the executors' and driver's peaks, the join stage's spill, GC
 * time and failed tasks with the most frequent reason; with a link to the cell's application
 * in a History Server when one is known.
 */
export function measuredTable(rows: readonly MeasuredRow[], links: HistoryLinks = {}): string {
  const header = [
    "cell",
    "outcome",
    "binding constraint",
    "predicted demand",
    "measured peak",
    "executor heap peak",
    "executor execution peak",
    "driver heap peak",
    "join stage spill",
    "GC (s)",
    "failed tasks",
    "most frequent task failure",
    "Spark UI",
  ];
  const body = rows
    .map((row) => {
      const m = row.metrics;
      const cells = [
        `<td>${escapeHtml(row.cell)}</td>`,
        `<td class="text">${escapeHtml(row.failureClass)}</td>`,
        `<td class="text">${escapeHtml(row.bindingConstraint)}</td>`,
        `<td>${bytes(row.predictedDemandBytes)}</td>`,
        `<td>${row.measured ? `${bytes(row.measured.bytes)} <small>(${escapeHtml(row.measured.what)})</small>` : "–"}</td>`,
        `<td>${bytes(m?.peakExecutorJvmHeapBytes)}</td>`,
        `<td>${bytes(m?.peakExecutorOnHeapExecutionBytes)}</td>`,
        `<td>${bytes(m?.peakDriverJvmHeapBytes)}</td>`,
        `<td>${m?.joinStage ? bytes(m.joinStage.memoryBytesSpilled) : "–"}</td>`,
        `<td>${m ? m.taskGcSeconds.toFixed(1) : "–"}</td>`,
        `<td>${m ? m.failedTasks : "–"}</td>`,
        `<td class="text">${m?.taskFailures[0] ? escapeHtml(m.taskFailures[0].reason) : ""}</td>`,
        `<td class="text">${linkOf(row, links)}</td>`,
      ];
      return `<tr data-cell="${escapeHtml(row.cell)}">${cells.join("")}</tr>`;
    })
    .join("\n");
  return `<h2>Measured memory (from each cell's Spark event log)</h2>
<p>Peaks are Spark's executor metrics (JVM heap in use, execution memory granted) and task metrics;
"–" where a cell has no event log or the log has no such measurement.</p>
<table class="measured" id="measured-memory"><thead><tr>${header.map((h) => `<th>${h}</th>`).join("")}</tr></thead>
<tbody>
${body}
</tbody></table>`;
}
