/**
 * Why a cell ended the way it did. One value per cell, chosen by `classifyFailure`; the order
 * here is for reading only — the classifier's precedence is in `decisionRules.ts`.
 */
export const FAILURE_CLASSES = [
  "none",
  "executor_container_oom",
  "executor_jvm_oom",
  "spark_memory_oom",
  "driver_oom",
  "broadcast_too_large",
  "task_failures_exhausted",
  "submission_failed",
  "timeout",
  "workload_error",
  "other",
] as const;

/** One of `FAILURE_CLASSES`. */
export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** One line per class, for docs and the experiment report. */
export const FAILURE_CLASS_DESCRIPTIONS: Readonly<Record<FailureClass, string>> = {
  none: "The cell completed; no failure to explain.",
  executor_container_oom:
    "An executor pod exceeded its container memory limit and the kernel killed it (exit 137 / OOMKilled).",
  executor_jvm_oom:
    "An executor JVM ran out of heap: exit 52 or java.lang.OutOfMemoryError thrown in a task.",
  spark_memory_oom:
    "Spark's memory manager refused execution memory (SparkOutOfMemoryError, UNABLE_TO_ACQUIRE_MEMORY, \"Can't acquire … memory to build hash relation\").",
  driver_oom:
    "The driver ran out of memory: JVM heap OutOfMemoryError, its pod (or pilot cgroup) OOMKilled, or a collected task result it could not read back.",
  broadcast_too_large:
    "A broadcast table was over Spark's 8 GiB / 512M-row limit or did not fit in driver memory.",
  task_failures_exhausted:
    "A task failed spark.task.maxFailures times with no memory signature; the job was aborted.",
  submission_failed: "The application never ran: spark-submit or the operator's submission failed.",
  timeout: "The cell did not reach a final state before its deadline.",
  workload_error:
    "The job itself failed, not its memory: a query over an unknown table or column, a user's script that raised or exited non-zero, or one that exited 0 without its result line.",
  other: "The cell failed, but no rule recognised why; see the evidence excerpt.",
};

/** True if `value` names a failure class. */
export function isFailureClass(value: string): value is FailureClass {
  return (FAILURE_CLASSES as readonly string[]).includes(value);
}
