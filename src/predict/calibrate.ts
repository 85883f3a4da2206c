/**
 * Refits the model's two uncertain factors from finished cells, and predicts each cell with a
 * fit on the others only.
 *
 * - driverBuildFactor, from broadcast (and `auto`) cells the driver is responsible for: a cell
 *   that failed with broadcast_too_large (and not over the size limits) says the factor is above
 *   (driver heap - 300 MiB) / build bytes; a cell whose driver built the relation (it completed,
 *   or failed later in an executor) says it is at most that.
 * - executorHeapBaselineMiB, from broadcast cells the driver got past and from sort-merge
 *   cells: completed says the baseline is at most heap - demand (sort-merge: also minus the
 *   execution pool); executor_jvm_oom says it is above that.
 *
 * Cells whose outcome another constraint already explains (a container limit, the result-size
 * or row limits), and cells that failed for reasons outside the model (timeouts, submission,
 * unrecognised failures), bound nothing. Each factor is set to the value that contradicts the
 * fewest bounds; among those, the documented default when it is one of them, else the value
 * closest to it. So the results only move a factor as far as they must.
 */
import { BYTES_PER_MIB as MIB } from "../core/quantity";
import type { CellResult } from "../results/cellResult";
import { executorCollector } from "./cellQuantities";
import { constraintChecks, DEFAULT_CALIBRATION, predict } from "./predict";
import type { Calibration, ConstraintCheck, Prediction } from "./types";
import { inputFromRecord, observedOutcome, type RecordFallback } from "./records";

/** One thing a finished cell says about a factor. */
export interface Bound {
  /** The cell that says it. */
  readonly cell: string;
  /** `atMost`: factor <= value; `above`: factor > value. */
  readonly kind: "atMost" | "above";
  readonly value: number;
}

/** A fit, with the bounds behind it. */
export interface CalibrationFit extends Calibration {
  readonly bounds: {
    readonly driverBuildFactor: readonly Bound[];
    readonly executorHeapBaselineMiB: readonly Bound[];
  };
  /** Bounds the fitted value contradicts. */
  readonly contradicted: {
    readonly driverBuildFactor: number;
    readonly executorHeapBaselineMiB: number;
  };
}

export interface CalibrateOptions {
  /** Keys and partitions for records without a workload result line. */
  readonly fallback?: RecordFallback;
  /** The values to stay closest to (default: the documented constants). */
  readonly prior?: Calibration;
}

function fails(c: ConstraintCheck | undefined): boolean {
  return c !== undefined && c.demand > c.capacity;
}

interface RecordBounds {
  driver?: Bound;
  baseline?: Bound;
}

function boundsOf(record: CellResult, options: CalibrateOptions): RecordBounds {
  let input;
  try {
    input = inputFromRecord(record, options.fallback);
  } catch {
    return {};
  }
  const succeeded = observedOutcome(record) === "succeeded";
  const jvmOom = record.failureClass === "executor_jvm_oom";
  const prior = options.prior ?? DEFAULT_CALIBRATION;
  const checks = constraintChecks(input, prior);
  const byId = (id: ConstraintCheck["id"]) => checks.find((c) => c.id === id);
  if (fails(byId("executor_container"))) return {};
  const cell = record.cell;
  // Both heap checks have capacity = (something) - baseline, so the baseline at which demand
  // would equal capacity is the prior baseline plus the check's room.
  const baselineEdge = (c: ConstraintCheck) =>
    prior.executorHeapBaselineMiB + (c.capacity - c.demand) / MIB;
  const strategy = record.parameters.strategy;

  if (strategy === "broadcast" || strategy === "auto") {
    if (fails(byId("driver_max_result_size")) || fails(byId("broadcast_rows"))) return {};
    const out: RecordBounds = {};
    const driver = byId("driver_heap");
    const overSize = fails(byId("broadcast_bytes"));
    if (driver && record.sizing.buildBytes > 0) {
      const value = driver.capacity / record.sizing.buildBytes;
      if (record.failureClass === "broadcast_too_large" && !overSize) {
        out.driver = { cell, kind: "above", value };
      } else if (succeeded || jvmOom) {
        out.driver = { cell, kind: "atMost", value };
      }
    }
    const heap = byId("executor_broadcast_heap");
    // A JVM OutOfMemoryError the collect already explains says nothing of the relation's room,
    // and under the Serial collector the room is the old generation's, with no baseline in it.
    const collectFails = fails(byId("executor_collect_heap"));
    const g1 = executorCollector(input) === "G1";
    if (heap && g1 && !overSize && (succeeded || (jvmOom && !collectFails))) {
      out.baseline = { cell, kind: succeeded ? "atMost" : "above", value: baselineEdge(heap) };
    }
    return out;
  }
  if (strategy === "sort_merge") {
    const buffer = byId("smj_key_buffer");
    if (!buffer || !(succeeded || jvmOom)) return {};
    return {
      baseline: { cell, kind: succeeded ? "atMost" : "above", value: baselineEdge(buffer) },
    };
  }
  return {};
}

function contradictions(bounds: readonly Bound[], value: number): number {
  return bounds.filter((b) => (b.kind === "atMost" ? value > b.value : value <= b.value)).length;
}

/**
 * The value contradicting the fewest bounds, preferring `prior`, else the closest to it.
 * Candidates are the prior and each bound's edge (an `above` bound's edge nudged just past it).
 */
export function fitFactor(
  bounds: readonly Bound[],
  prior: number,
  options: { readonly minimum: number; readonly logScale: boolean },
): { value: number; contradicted: number } {
  const nudge = (v: number) => (options.logScale ? v * 1.001 : v + 1);
  const candidates = [
    prior,
    ...bounds.map((b) => (b.kind === "atMost" ? b.value : nudge(b.value))),
  ].filter(
    (v) => Number.isFinite(v) && (options.logScale ? v > options.minimum : v >= options.minimum),
  );
  const distance = (v: number) =>
    options.logScale ? Math.abs(Math.log(v / prior)) : Math.abs(v - prior);
  let best = prior;
  let bestErrors = contradictions(bounds, prior);
  for (const candidate of candidates) {
    const errors = contradictions(bounds, candidate);
    if (errors < bestErrors || (errors === bestErrors && distance(candidate) < distance(best))) {
      best = candidate;
      bestErrors = errors;
    }
  }
  return { value: best, contradicted: bestErrors };
}

/** Fits driverBuildFactor and executorHeapBaselineMiB on `records` (see the file comment). */
export function calibrate(
  records: readonly CellResult[],
  options: CalibrateOptions = {},
): CalibrationFit {
  const prior = options.prior ?? DEFAULT_CALIBRATION;
  const driverBounds: Bound[] = [];
  const baselineBounds: Bound[] = [];
  for (const record of records) {
    const b = boundsOf(record, options);
    if (b.driver) driverBounds.push(b.driver);
    if (b.baseline) baselineBounds.push(b.baseline);
  }
  const driver = fitFactor(driverBounds, prior.driverBuildFactor, { minimum: 0, logScale: true });
  const baseline = fitFactor(baselineBounds, prior.executorHeapBaselineMiB, {
    minimum: 0,
    logScale: false,
  });
  return {
    driverBuildFactor: driver.value,
    executorHeapBaselineMiB: baseline.value,
    bounds: { driverBuildFactor: driverBounds, executorHeapBaselineMiB: baselineBounds },
    contradicted: {
      driverBuildFactor: driver.contradicted,
      executorHeapBaselineMiB: baseline.contradicted,
    },
  };
}

/** One record predicted without itself. */
export interface HeldOutPrediction {
  readonly record: CellResult;
  readonly prediction: Prediction;
  /** The fit on all the other records that made the prediction. */
  readonly calibration: CalibrationFit;
}

/**
 * Predicts each record with a calibration fit on all the other records, never on itself.
 * Records without a workload line need `options.fallback` (else this throws).
 */
export function leaveOneOut(
  records: readonly CellResult[],
  options: CalibrateOptions = {},
): HeldOutPrediction[] {
  return records.map((record, i) => {
    const others = records.filter((_, j) => j !== i);
    const calibration = calibrate(others, options);
    const prediction = predict(inputFromRecord(record, options.fallback), calibration);
    return { record, prediction, calibration };
  });
}
