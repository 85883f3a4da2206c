import { z } from "zod";

/**
 * What a cell's event log says about its memory: the `metrics` part of its record. Byte
 * counts are Spark's own (executor metrics and task metrics), not estimates.
 */

const bytes = z.number().nonnegative();
const seconds = z.number().nonnegative();

/** Peaks of Spark's executor metrics for one JVM over the whole application. */
export const executorPeaksSchema = z.strictObject({
  /** Executor id, or `driver`. */
  id: z.string(),
  /** Peak JVM heap in use (MemoryMXBean: live data and garbage not yet collected). */
  jvmHeapBytes: bytes.nullable(),
  /** Peak on-heap execution memory Spark's memory manager granted (joins, sorts, aggregations). */
  onHeapExecutionBytes: bytes.nullable(),
  /** Peak on-heap storage memory (cached blocks, broadcast pieces). */
  onHeapStorageBytes: bytes.nullable(),
  /** Total GC time the JVM reported, seconds. */
  gcSeconds: seconds.nullable(),
  /** Why the executor was removed (its exit), when it was. */
  removedReason: z.string().nullable(),
});

/** One stage attempt. */
export const stageSummarySchema = z.strictObject({
  stageId: z.number().int(),
  attempt: z.number().int(),
  /** Spark's stage name (the call site). */
  name: z.string(),
  tasks: z.number().int(),
  failedTasks: z.number().int(),
  /** Submission to completion; null when the log ends before the stage does. */
  durationSeconds: seconds.nullable(),
  /** Spark's failure reason for the stage, when it failed. */
  failureReason: z.string().nullable(),
});

/** The stage that ran the join, with its task metrics. */
export const joinStageSchema = z.strictObject({
  stageId: z.number().int(),
  attempt: z.number().int(),
  /** How it was found: the join operator's SQL metrics in the stage, or as the stage that failed. */
  identifiedBy: z.enum(["sql-metrics", "failed-stage"]),
  /** Largest peak execution memory of any of its tasks (Spark's task metric; 0 from failed tasks). */
  peakExecutionMemoryBytes: bytes,
  /**
   * Highest on-heap execution memory of an executor while it ran the stage's tasks (executor
   * metrics, which failed tasks report too): with one core per executor, one task's grant.
   */
  executorOnHeapExecutionBytes: bytes,
  /** Bytes spilled from memory, summed over its tasks. */
  memoryBytesSpilled: bytes,
  /** Bytes those spills took on disk, summed. */
  diskBytesSpilled: bytes,
  durationSeconds: seconds.nullable(),
});

/** One distinct reason tasks failed, and how often. */
export const taskFailureSchema = z.strictObject({
  reason: z.string(),
  count: z.number().int().positive(),
});

export const cellMetricsSchema = z.strictObject({
  /** The event log these came from, relative to the results folder where possible. */
  eventLog: z.string(),
  /** Spark's application id and name as logged. */
  applicationId: z.string(),
  applicationName: z.string(),
  /** The log ends with the application's end; false when Spark was killed or is still running. */
  complete: z.boolean(),
  /** Highest peak JVM heap of any executor (not the driver). */
  peakExecutorJvmHeapBytes: bytes.nullable(),
  /** Highest peak on-heap execution memory of any executor. */
  peakExecutorOnHeapExecutionBytes: bytes.nullable(),
  /** The driver's peak JVM heap (it builds broadcasts). */
  peakDriverJvmHeapBytes: bytes.nullable(),
  /** Task JVM GC time summed over all tasks, seconds. */
  taskGcSeconds: seconds,
  /** Tasks that ended in anything but success, and why. */
  failedTasks: z.number().int().nonnegative(),
  taskFailures: z.array(taskFailureSchema),
  joinStage: joinStageSchema.nullable(),
  executors: z.array(executorPeaksSchema),
  stages: z.array(stageSummarySchema),
});

/** A cell's measured memory, from its event log. */
export type CellMetrics = z.infer<typeof cellMetricsSchema>;
export type ExecutorPeaks = z.infer<typeof executorPeaksSchema>;
export type StageSummary = z.infer<typeof stageSummarySchema>;
export type JoinStage = z.infer<typeof joinStageSchema>;
