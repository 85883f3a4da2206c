/**
 * What follows when a constraint kills an executor: Spark replaces it and retries its tasks
 * (up to spark.task.maxFailures attempts), so a cell whose first executors die can still
 * complete. Only some failures lose the executor; a task refused execution memory
 * (spark_memory_oom) fails the task and keeps the executor.
 */
import type { FailureClass } from "../failure/failureClass";
import { REPLACEMENT_MARGIN_FLOOR } from "./constants";

/** The exit code of an executor lost the way a class says: the JVM's OOM exit, the kernel's kill. */
export const LOST_EXECUTOR_EXIT: Readonly<Partial<Record<FailureClass, number>>> = {
  executor_container_oom: 137,
  executor_jvm_oom: 52,
};

/** Whether a replacement of an executor lost to the binding constraint can complete the cell. */
export type ReplacementOutlook = "can complete" | "fails again";

/**
 * The outlook of a failing constraint's replacements; null when the constraint passes or does
 * not lose its executor.
 */
export function replacementOutlook(
  failing: { readonly failureClass: FailureClass; readonly margin: number } | undefined,
  taskMaxFailures: number,
): ReplacementOutlook | null {
  if (!failing || LOST_EXECUTOR_EXIT[failing.failureClass] === undefined) return null;
  if (taskMaxFailures <= 1) return "fails again";
  return failing.margin > REPLACEMENT_MARGIN_FLOOR ? "can complete" : "fails again";
}

/** The outlook in words, for the prediction's explanation. */
export function replacementWords(
  outlook: ReplacementOutlook,
  failureClass: FailureClass,
  taskMaxFailures: number,
): string {
  const exit = LOST_EXECUTOR_EXIT[failureClass];
  if (taskMaxFailures <= 1)
    return `the executor exits (${exit}) and spark.task.maxFailures 1 gives its task no retry`;
  return outlook === "can complete"
    ? `the executor exits (${exit}); Spark replaces it and retries its tasks ` +
        `(spark.task.maxFailures ${taskMaxFailures}), and within a factor of two of the boundary ` +
        `a replacement can complete (timing, not size)`
    : `the executor exits (${exit}); Spark replaces it, but a replacement meets more than twice ` +
        `its room and fails the same way`;
}
