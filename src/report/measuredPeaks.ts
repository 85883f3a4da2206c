/**
 * The report's measured memory: for each cell, what its event log measured, set beside what
 * the predictor said the binding constraint demands. Pure: records and predictions in, rows
 * and a Vega-Lite spec out.
 */
import type { TopLevelSpec } from "vega-lite";
import { JOIN_STRATEGIES } from "../config/experiment";
import type { ConstraintId, Prediction } from "../predict/types";
import type { CellMetrics } from "../results/cellMetrics";
import type { CellResult } from "../results/cellResult";
import { FAILURE_CLASS_COLOUR } from "./charts";

/** A measured peak that answers one of the predictor's constraints. */
export interface MeasuredPeak {
  readonly bytes: number;
  /** Which measurement it is, in words. */
  readonly what: string;
}

/**
 * The measurement comparable with a constraint's demand, where the event log has one: the
 * execution memory a shuffled hash join's task was granted, the executor or driver heap a
 * broadcast or sort-merge buffer fills. Limits (row counts, the 8 GiB page) and the container's
 * native memory have no such measurement.
 */
export function measuredPeakFor(
  constraint: ConstraintId,
  metrics: CellMetrics,
): MeasuredPeak | null {
  switch (constraint) {
    case "shj_task_memory": {
      const bytes =
        metrics.joinStage?.executorOnHeapExecutionBytes || metrics.peakExecutorOnHeapExecutionBytes;
      return bytes ? { bytes, what: "executor execution memory" } : null;
    }
    case "executor_collect_heap":
    case "executor_broadcast_heap":
    case "smj_key_buffer":
      return metrics.peakExecutorJvmHeapBytes
        ? { bytes: metrics.peakExecutorJvmHeapBytes, what: "executor JVM heap" }
        : null;
    case "driver_heap":
      return metrics.peakDriverJvmHeapBytes
        ? { bytes: metrics.peakDriverJvmHeapBytes, what: "driver JVM heap" }
        : null;
    default:
      return null;
  }
}

/** One cell's row of the measured-memory table and CSV. */
export interface MeasuredRow {
  readonly cell: string;
  readonly strategy: string;
  readonly failureClass: string;
  readonly applicationId: string | null;
  readonly bindingConstraint: ConstraintId;
  /** The predictor's demand for its binding constraint, bytes. */
  readonly predictedDemandBytes: number;
  readonly predictedCapacityBytes: number;
  readonly measured: MeasuredPeak | null;
  readonly metrics: CellMetrics | null;
}

/** Rows for every cell, in record order. */
export function measuredRows(
  pairs: ReadonlyArray<{ readonly record: CellResult; readonly prediction: Prediction }>,
): MeasuredRow[] {
  return pairs.map(({ record, prediction }) => {
    const binding = prediction.checks.find((c) => c.id === prediction.bindingConstraint);
    return {
      cell: record.cell,
      strategy: record.parameters.strategy,
      failureClass: record.failureClass,
      applicationId: record.sparkApplicationId,
      bindingConstraint: prediction.bindingConstraint,
      predictedDemandBytes: binding?.demand ?? Number.NaN,
      predictedCapacityBytes: binding?.capacity ?? Number.NaN,
      measured: record.metrics
        ? measuredPeakFor(prediction.bindingConstraint, record.metrics)
        : null,
      metrics: record.metrics,
    };
  });
}

const MIB = 2 ** 20;

/**
 * Predicted demand of the binding constraint (x) against the measured peak (y), one panel per
 * join strategy, log scales, with the line where they are equal. A point above the line
 * measured more than the model asked for; the colour is how the cell ended.
 */
export function demandVsPeakSpec(rows: readonly MeasuredRow[]): TopLevelSpec {
  const points = rows
    .filter(
      (r) =>
        r.measured !== null &&
        Number.isFinite(r.predictedDemandBytes) &&
        r.predictedDemandBytes > 0,
    )
    .map((r) => ({
      cell: r.cell,
      strategy: r.strategy,
      failureClass: r.failureClass,
      constraint: r.bindingConstraint,
      measuredAs: r.measured!.what,
      demandMiB: r.predictedDemandBytes / MIB,
      peakMiB: r.measured!.bytes / MIB,
      capacityMiB: r.predictedCapacityBytes / MIB,
    }));
  const all = points.flatMap((p) => [p.demandMiB, p.peakMiB]);
  const low = Math.min(...all) / 1.5;
  const high = Math.max(...all) * 1.5;
  const strategies = JOIN_STRATEGIES.filter((s) => points.some((p) => p.strategy === s));
  const scale = { type: "log" as const, domain: [low, high] };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "predicted demand of the binding constraint vs measured peak",
    hconcat: strategies.map((strategy) => ({
      title: strategy,
      width: 220,
      height: 220,
      layer: [
        {
          data: {
            values: [
              { x: low, y: low },
              { x: high, y: high },
            ],
          },
          mark: { type: "line" as const, color: "#999", strokeDash: [4, 4] },
          encoding: {
            x: { field: "x", type: "quantitative", scale },
            y: { field: "y", type: "quantitative", scale },
          },
        },
        {
          data: { values: points.filter((p) => p.strategy === strategy) },
          mark: { type: "point" as const, filled: true, size: 120 },
          encoding: {
            x: { field: "demandMiB", type: "quantitative", scale, title: "predicted demand (MiB)" },
            y: { field: "peakMiB", type: "quantitative", scale, title: "measured peak (MiB)" },
            color: FAILURE_CLASS_COLOUR,
            shape: { field: "measuredAs", type: "nominal", title: "measured" },
            tooltip: [
              { field: "cell" },
              { field: "constraint" },
              { field: "measuredAs" },
              { field: "demandMiB", format: ".1f" },
              { field: "peakMiB", format: ".1f" },
              { field: "capacityMiB", format: ".1f" },
            ],
          },
        },
      ],
    })),
  };
}

/** How many cells the demand-vs-peak chart can place. */
export function plottedCells(rows: readonly MeasuredRow[]): number {
  return rows.filter((r) => r.measured !== null && r.predictedDemandBytes > 0).length;
}
