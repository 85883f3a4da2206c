/**
 * What each constraint is, apart from its numbers: whose memory or which limit it is, what it
 * counts, and the class a cell fails with when it is the first to fail; and its margin.
 */
import type { ConstraintCheck, ConstraintId } from "./types";

export const CONSTRAINTS: Readonly<
  Record<ConstraintId, Pick<ConstraintCheck, "scope" | "unit" | "failureClass">>
> = {
  executor_container: { scope: "executor", unit: "bytes", failureClass: "executor_container_oom" },
  executor_collect_heap: { scope: "executor", unit: "bytes", failureClass: "executor_jvm_oom" },
  driver_max_result_size: { scope: "limit", unit: "bytes", failureClass: "other" },
  broadcast_rows: { scope: "limit", unit: "rows", failureClass: "broadcast_too_large" },
  driver_heap: { scope: "driver", unit: "bytes", failureClass: "broadcast_too_large" },
  broadcast_bytes: { scope: "limit", unit: "bytes", failureClass: "broadcast_too_large" },
  executor_broadcast_heap: { scope: "executor", unit: "bytes", failureClass: "executor_jvm_oom" },
  shj_task_memory: { scope: "executor", unit: "bytes", failureClass: "spark_memory_oom" },
  shj_page_limit: { scope: "limit", unit: "bytes", failureClass: "task_failures_exhausted" },
  smj_key_buffer: { scope: "executor", unit: "bytes", failureClass: "executor_jvm_oom" },
};

/** A constraint's two numbers, as a mechanism module computes them (unit: CONSTRAINTS). */
export interface DemandAndCapacity {
  readonly demand: number;
  readonly capacity: number;
}

/** log2(capacity / demand), infinite when nothing is demanded or nothing is available. */
export function marginOf(capacity: number, demand: number): number {
  if (demand <= 0) return Number.POSITIVE_INFINITY;
  if (capacity <= 0) return Number.NEGATIVE_INFINITY;
  return Math.log2(capacity / demand);
}

/** Every constraint's id, for reading stored predictions. */
export const CONSTRAINT_IDS = Object.keys(CONSTRAINTS) as [ConstraintId, ...ConstraintId[]];
