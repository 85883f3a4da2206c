/**
 * What the predictor reads and what it returns: a cell's input, the Spark settings and the two
 * calibrated factors the model uses, each constraint evaluated, and the prediction.
 */
import type { CellParameters, CellSizing } from "../experiment/cells";
import type { FailureClass } from "../failure/failureClass";
import type { Runner } from "../failure/runner";
import type { PayloadKind } from "./relation";
import type { ReplacementOutlook } from "./replacement";
import type { AqeSettings } from "./shuffleTasks";

/** Where a cell runs: Kubernetes pods have a memory limit, local-cluster processes none. */
export type { Runner };

/** Spark settings the model reads; Spark 4.0's defaults unless a cell overrides them. */
export interface SparkSettings extends AqeSettings {
  /** spark.memory.fraction */
  readonly memoryFraction: number;
  /** spark.driver.maxResultSize in bytes; 0 = unlimited. */
  readonly driverMaxResultSizeBytes: number;
  /** spark.task.maxFailures: attempts a task gets; above 1 a refused task is retried. */
  readonly taskMaxFailures: number;
}

/** The two factors results may refit (see calibrate.ts); everything else is fixed. */
export interface Calibration {
  /** Driver heap a broadcast needs per build byte, above the reserved 300 MiB. */
  readonly driverBuildFactor: number;
  /** Executor heap not available to on-heap data Spark does not account, MiB. */
  readonly executorHeapBaselineMiB: number;
}

/** What the predictor needs to know about a cell. */
export interface PredictInput {
  readonly parameters: CellParameters;
  /** Sizes the cell runs with (for the pilot: after scaling). */
  readonly sizing: CellSizing;
  /** Build keys K (`--keys`). */
  readonly keys: number;
  /** spark.sql.shuffle.partitions P (`--partitions`). */
  readonly partitions: number;
  readonly runner: Runner;
  /**
   * True when the executors run under a memory limit the kernel enforces: always on Kubernetes
   * (the pod's), on local-cluster only when the pilot put them in memory cgroups.
   */
  readonly memoryLimitsEnforced?: boolean;
  /** `--payload-bytes` (default 104: 128-byte rows). */
  readonly payloadBytes?: number;
  /** `--payload-kind` (default random). */
  readonly payloadKind?: PayloadKind;
  /** `--input-partitions`; default one per 128 MiB, at least the default parallelism. */
  readonly inputPartitions?: number | null;
  /** Overrides of Spark's defaults. */
  readonly settings?: Partial<SparkSettings>;
}

/** The constraints the model checks. */
export type ConstraintId =
  | "executor_container"
  | "executor_collect_heap"
  | "driver_max_result_size"
  | "broadcast_rows"
  | "driver_heap"
  | "broadcast_bytes"
  | "executor_broadcast_heap"
  | "shj_task_memory"
  | "shj_page_limit"
  | "smj_key_buffer";

/** One constraint, evaluated. */
export interface ConstraintCheck {
  readonly id: ConstraintId;
  /** Whose memory or which limit: only `executor` constraints change with executor memory. */
  readonly scope: "executor" | "driver" | "limit";
  readonly unit: "bytes" | "rows";
  readonly demand: number;
  readonly capacity: number;
  /** log2(capacity / demand): positive = room to spare, negative = fails. */
  readonly margin: number;
  /** The class the cell fails with if this constraint is the first to fail. */
  readonly failureClass: FailureClass;
  /** The comparison in words, with the numbers. */
  readonly detail: string;
}

export interface Prediction {
  readonly outcome: "succeeded" | "failed";
  /** "none" when the cell is predicted to succeed. */
  readonly failureClass: FailureClass;
  /** The binding constraint's margin, log2(capacity / demand). */
  readonly margin: number;
  /** The first constraint that fails, or the tightest one when none does. */
  readonly bindingConstraint: ConstraintId;
  /**
   * When the binding constraint fails by losing its executor (exit 52 or 137): whether Spark's
   * replacement can complete the cell (see replacement.ts); null otherwise.
   */
  readonly replacement: ReplacementOutlook | null;
  /** One line with the numbers. */
  readonly explanation: string;
  /** Every constraint checked, in the order the job meets them. */
  readonly checks: readonly ConstraintCheck[];
  /** The factors used. */
  readonly calibration: Calibration;
}
