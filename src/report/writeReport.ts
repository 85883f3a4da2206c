import { AXIS_NAMES, FIXED_DEFAULTS, JOIN_STRATEGIES } from "../config/experiment";
import { writeFilesStaged, type FileToWrite } from "../core/stagedWrite";
import { accuracy, accuracyByRegion, type AccuracyReport } from "../predict/accuracy";
import { leaveOneOut } from "../predict/calibrate";
import { predict } from "../predict/predict";
import type { Prediction } from "../predict/types";
import { inputFromRecord } from "../predict/records";
import type { CellResult } from "../results/cellResult";
import {
  boundaryCurveSpec,
  boundaryPoints,
  boundaryTable,
  strategiesWithBoundaries,
} from "./boundaryCurves";
import { isJoinCell } from "../experiment/cellSize";
import { inputToHeap } from "./inputToHeap";
import { joinOperatorCounts } from "../results/joinOperators";
import { failureMapSpec, predictedVsObservedSpec, queryFailureMaps } from "./charts";
import { demandVsPeakSpec, measuredRows, plottedCells, type MeasuredRow } from "./measuredPeaks";
import { measuredTable, type HistoryLinks } from "./measuredTable";
import { renderChart } from "./render";
import { classConfusionText, confusionText, regionTable, summaryLines } from "./summary";
import type { StoredPrediction } from "../campaign/preRunPredictions";
import { preRunAccuracy, preRunLines } from "./preRunAccuracy";
import type { GroupProfile } from "../profile/profileRecords";
import { compareProfiles, comparisonTable } from "./profileComparison";

/** How a report is written beyond its records. */
export interface ReportOptions extends HistoryLinks {
  /** Predictions kept before the cells ran (predictions.jsonl), scored in a section of their own. */
  readonly preRun?: ReadonlyMap<string, StoredPrediction>;
  /** A profile from small runs, compared with the boundaries these records measured. */
  readonly profiles?: readonly GroupProfile[];
}

/** What a report holds, for the caller to print. */
export interface Report {
  readonly dir: string;
  readonly charts: string[];
  /** Leave-one-out: each cell predicted with factors fit on the other cells. */
  readonly accuracy: AccuracyReport;
  /** With the shipped constants, nothing fit on these cells. */
  readonly shippedAccuracy: AccuracyReport;
  readonly summary: string[];
  /** Outcome confusion matrix (leave-one-out). */
  readonly confusion: string;
  /** Failure-class confusion matrix (leave-one-out). */
  readonly classConfusion: string;
  /** Accuracy per strategy, AQE and cores: shipped constants and leave-one-out. */
  readonly regions: string;
  /** Measured and predicted boundaries tight enough to draw; "" when there are none. */
  readonly boundaries: string;
  /** The predictions made before the cells ran, scored; empty when none were kept. */
  readonly preRun: string[];
  /** The profile's projections against the measured boundaries; "" without a profile. */
  readonly profileComparison: string;
}

const CSV_COLUMNS = [
  "cell",
  "experiment",
  "runner",
  ...AXIS_NAMES,
  "repeat",
  "scale",
  "heapMiB",
  "overheadMiB",
  "podMemoryMiB",
  "buildBytes",
  "state",
  "failureClass",
  "joinOperator",
  "joinOperators",
  "inputBytes",
  "inputToHeap",
  "durationSeconds",
  "executorFailures",
  "exitCodes",
  "predictedOutcome",
  "predictedClass",
  "margin",
  "bindingConstraint",
  "decidedBy",
  "predictedDemandBytes",
  "measuredPeakBytes",
  "measuredAs",
  "peakExecutorJvmHeapBytes",
  "peakExecutorOnHeapExecutionBytes",
  "peakDriverJvmHeapBytes",
  "joinStagePeakExecutionBytes",
  "joinStageExecutorExecutionBytes",
  "joinStageSpilledBytes",
  "joinStageDiskSpilledBytes",
  "taskGcSeconds",
  "failedTasks",
  "eventLog",
] as const;

function csvCell(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ""
      : typeof value === "string"
        ? value
        : JSON.stringify(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A query cell's join operators as `BroadcastHashJoin:2 SortMergeJoin:1`; "" for none. */
function operatorsText(record: CellResult): string {
  return (joinOperatorCounts(record) ?? []).map(([name, count]) => `${name}:${count}`).join(" ");
}

function csv(
  pairs: ReadonlyArray<{ record: CellResult; prediction?: Prediction }>,
  measured: readonly (MeasuredRow | undefined)[],
): string {
  const rows = pairs.map(({ record: r, prediction: p }, index) => {
    const m = r.metrics;
    const peak = measured[index];
    const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      cell: r.cell,
      experiment: r.experiment,
      runner: r.runner,
      ...r.parameters,
      scaleFactor: r.parameters.query?.scaleFactor,
      // An explicit overhead replaces the factor: the factor column says what the cell asked for.
      memoryOverheadFactor:
        r.parameters.memoryOverhead === null ? r.parameters.memoryOverheadFactor : null,
      scale: r.scale,
      heapMiB: r.sizing.heapMiB,
      overheadMiB: r.sizing.overheadMiB,
      podMemoryMiB: r.sizing.podMemoryMiB,
      buildBytes: r.sizing.buildBytes,
      state: r.state,
      failureClass: r.failureClass,
      joinOperator: r.workload?.joinOperator ?? "",
      joinOperators: operatorsText(r),
      inputBytes: r.parameters.query ? r.workload?.inputBytes : null,
      inputToHeap: inputToHeap(r),
      durationSeconds: r.durationSeconds,
      executorFailures: r.executorFailures,
      exitCodes: r.evidence.exitCodes.join(" "),
      // A query cell has no memory model yet: its predicted columns stay empty.
      predictedOutcome: p?.outcome,
      predictedClass: p?.failureClass,
      margin: p?.margin.toFixed(3),
      bindingConstraint: p?.bindingConstraint,
      decidedBy: r.evidence.decidedBy,
      predictedDemandBytes:
        peak && Number.isFinite(peak.predictedDemandBytes)
          ? Math.round(peak.predictedDemandBytes)
          : null,
      measuredPeakBytes: peak?.measured?.bytes,
      measuredAs: peak?.measured?.what,
      peakExecutorJvmHeapBytes: m?.peakExecutorJvmHeapBytes,
      peakExecutorOnHeapExecutionBytes: m?.peakExecutorOnHeapExecutionBytes,
      peakDriverJvmHeapBytes: m?.peakDriverJvmHeapBytes,
      joinStagePeakExecutionBytes: m?.joinStage?.peakExecutionMemoryBytes,
      joinStageExecutorExecutionBytes: m?.joinStage?.executorOnHeapExecutionBytes,
      joinStageSpilledBytes: m?.joinStage?.memoryBytesSpilled,
      joinStageDiskSpilledBytes: m?.joinStage?.diskBytesSpilled,
      taskGcSeconds: m?.taskGcSeconds,
      failedTasks: m?.failedTasks,
      eventLog: m?.eventLog,
    };
    return CSV_COLUMNS.map((c) => csvCell(row[c])).join(",");
  });
  return [CSV_COLUMNS.join(","), ...rows].join("\n") + "\n";
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function page(
  title: string,
  summary: string[],
  tables: { confusion: string; classConfusion: string; regions: string },
  charts: Array<{ file: string; svg: string }>,
  measured: string,
  boundaries: string,
  preRun: readonly string[],
  profileComparison: string,
): string {
  const figures = charts
    .map(
      (c) =>
        `<figure id="${c.file}">${c.svg}<figcaption><a href="${c.file}.png">${c.file}.png</a></figcaption></figure>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1200px}figure{display:inline-block;margin:1em}pre{background:#f6f6f6;padding:1em}table.measured{border-collapse:collapse;font-size:13px}table.measured td,table.measured th{border:1px solid #ddd;padding:3px 6px;text-align:right}table.measured td:first-child,table.measured td.text{text-align:left}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<h2>Summary</h2>
<ul>${summary.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ul>
${preRun.length === 0 ? "" : preRunSection(preRun)}
${tables.regions === "" ? "" : accuracySection(tables)}
<p>Each failure map: x = build side / executor heap (a query's: its scale factor, one map per
query and strategy), y = executor memory, colour = how the cell ended; small multiples by skew
(rows) and AQE (columns). Data: <a href="results.csv">results.csv</a>, whose inputToHeap column
gives a query cell's input on disk over its executor heap.</p>
${figures}
${boundaries === "" ? "" : boundarySection(boundaries)}
${profileComparison === "" ? "" : profileSection(profileComparison)}
${measured}
</body></html>
`;
}

function profileSection(table: string): string {
  return `<h2>Profile from small runs against the measured boundaries</h2>
<p>For each combination profiled (<code>spark-at-scale profile</code>): the scale its small runs
say it fails from, and the boundary these records measured (the largest scale that passed below
the smallest that failed). Within one step: no more than one bracket width beyond either end.
For the synthetic join, the memory model's last passing ratio beside it.</p>
<pre>${escapeHtml(table)}</pre>`;
}

function preRunSection(lines: readonly string[]): string {
  return `<h2>Predicted before the run</h2>
<p>Each cell's prediction as it was kept in predictions.jsonl before the cell first ran: no
record existed then, so these numbers are what a user sees on cells nobody chose.</p>
<pre>${escapeHtml(lines.join("\n"))}</pre>`;
}

function accuracySection(tables: {
  confusion: string;
  classConfusion: string;
  regions: string;
}): string {
  return `<h2>Accuracy by region</h2>
<p>Outcome and failure-class accuracy per join strategy, AQE and executor cores: with the shipped
constants (nothing fit on these cells) and leave-one-out. A region of few cells says little.</p>
<pre>${escapeHtml(tables.regions)}</pre>
<h2>Outcome confusion matrix (leave-one-out)</h2>
<pre>${escapeHtml(tables.confusion)}</pre>
<h2>Failure-class confusion matrix (leave-one-out)</h2>
<pre>${escapeHtml(tables.classConfusion)}</pre>`;
}

function boundarySection(table: string): string {
  return `<h2>Boundaries</h2>
<p>Each boundary chart (boundary-&lt;strategy&gt;): x = executor memory, y = build side / executor
heap, both on log scales. Dots on a solid line: the largest ratio that passed; the pale bar above
each dot reaches the smallest ratio that failed, so the boundary lies within the bar. Hollow diamonds on a
dashed line: the largest ratio the predictor expects to pass for the same cells. Only brackets no
wider than a factor of 2 are drawn.</p>
<pre>${escapeHtml(table)}</pre>`;
}

/**
 * Writes the report folder: results.csv, a failure map per join strategy and the predicted-vs-
 * observed chart (SVG and PNG each), and index.html showing them with a short summary. The
 * predictions are leave-one-out: no cell is predicted with a calibration that saw it.
 */
export async function writeReport(
  records: readonly CellResult[],
  dir: string,
  title: string,
  options: ReportOptions = {},
): Promise<Report> {
  if (records.length === 0) throw new Error("no cell records to report on");
  // The memory model and boundary searches are the join's; query cells get maps and lines.
  const queryRecords = records.filter((r) => !isJoinCell(r.parameters));
  const joinRecords = records.filter((r) => isJoinCell(r.parameters));
  // A cell that died before its result line carries no --keys/--partitions: assume the
  // experiment defaults for it.
  const { keys, partitions } = FIXED_DEFAULTS;
  const fallback = { keys, partitions };
  const pairs = leaveOneOut(joinRecords, { fallback });
  const held = pairs.map((p) => ({ observed: p.record, predicted: p.prediction }));
  const report = accuracy(held);
  const shipped = joinRecords.map((r) => ({
    observed: r,
    predicted: predict(inputFromRecord(r, fallback)),
  }));
  const shippedAccuracy = accuracy(shipped);
  const regions =
    joinRecords.length > 0 ? regionTable(accuracyByRegion(shipped), accuracyByRegion(held)) : "";
  const measured = measuredRows(pairs);
  const csvRows = [...pairs, ...queryRecords.map((record) => ({ record }))];
  const files: FileToWrite[] = [
    {
      name: "results.csv",
      content: csv(csvRows, [...measured, ...queryRecords.map(() => undefined)]),
    },
  ];
  const points = boundaryPoints(joinRecords, fallback);
  const withBoundaries = strategiesWithBoundaries(points);
  const boundaries = withBoundaries.length > 0 ? boundaryTable(points) : "";
  const specs = [
    ...JOIN_STRATEGIES.filter((s) => joinRecords.some((r) => r.parameters.strategy === s)).map(
      (s) => ({ file: `failure-map-${s}`, spec: failureMapSpec(joinRecords, s) }),
    ),
    ...queryFailureMaps(queryRecords),
    ...JOIN_STRATEGIES.filter((s) => withBoundaries.includes(s)).map((s) => ({
      file: `boundary-${s}`,
      spec: boundaryCurveSpec(points, s),
    })),
    ...(pairs.length > 0
      ? [{ file: "predicted-vs-observed", spec: predictedVsObservedSpec(pairs) }]
      : []),
    ...(plottedCells(measured) > 0
      ? [{ file: "demand-vs-peak", spec: demandVsPeakSpec(measured) }]
      : []),
  ];
  const charts: Array<{ file: string; svg: string }> = [];
  for (const { file, spec } of specs) {
    const { svg, png } = await renderChart(spec);
    files.push({ name: `${file}.svg`, content: svg }, { name: `${file}.png`, content: png });
    charts.push({ file, svg });
  }
  const summary = summaryLines(records, report, shippedAccuracy, joinRecords.length);
  // Query cells only: there is nothing the memory model predicted to score.
  const scored = joinRecords.length > 0;
  const confusion = scored ? confusionText(report) : "";
  const classConfusion = scored ? classConfusionText(report) : "";
  const table = records.some((r) => r.metrics !== null) ? measuredTable(measured, options) : "";
  const blind = options.preRun ? preRunAccuracy(joinRecords, options.preRun, fallback) : undefined;
  const preRun = blind ? preRunLines(blind) : [];
  const profileComparison = options.profiles
    ? comparisonTable(compareProfiles(options.profiles, records, fallback))
    : "";
  // All files or none, the page that shows them last.
  files.push({
    name: "index.html",
    content: page(
      title,
      summary,
      { confusion, classConfusion, regions },
      charts,
      table,
      boundaries,
      preRun,
      profileComparison,
    ),
  });
  writeFilesStaged(dir, files);
  return {
    dir,
    charts: charts.map((c) => c.file),
    accuracy: report,
    shippedAccuracy,
    summary,
    confusion,
    classConfusion,
    regions,
    boundaries,
    preRun,
    profileComparison,
  };
}
