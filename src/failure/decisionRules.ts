/**
 * The classifier's rules, in the order it tries them: the first that applies decides. The order
 * is the precedence — root causes before their consequences:
 *
 * - The final state wins when it alone explains the cell: a submission that failed never ran, a
 *   cell past its deadline is a timeout whatever else it shows, and a completed cell has nothing
 *   to explain (unless the workload itself reported a failure).
 * - A broadcast over Spark's limits comes before every OOM rule: its "not enough memory" form is
 *   itself an OutOfMemoryError on the driver, and the limit, not the heap, is the cause.
 * - A container killed by the kernel for its memory limit (exit 137 / OOMKilled) comes before the
 *   JVM signals: the kill is what the scheduler then reports as lost executors and failed tasks.
 * - An executor JVM OOM (exit 52, or an OutOfMemoryError on a task's failure line) comes before
 *   Spark's own memory manager refusing memory, and both before a driver heap OOM seen only as
 *   text, because a driver log quotes executor failures and not the other way round.
 * - A task result the driver could not read back ("unread block data") is the driver's heap
 *   running out as it collects results; it decides only when no OutOfMemoryError names it.
 * - "Task … failed N times" is what any repeated task failure ends in, so it decides only when no
 *   memory signature explains the failures.
 * - A job's own error (a query over an unknown table, a user's script raising) decides only when
 *   no memory signature does: a memory failure in a user's job surfaces as a Spark exception.
 * - On the pilot, whose stdout is read whole, an exit 0 without the result line is the job's
 *   doing; a cluster's log may be cut short, so there it stays the final state's verdict.
 */
export const DECISION_RULES = [
  "submission-state",
  "submission-error",
  "timeout-state",
  "result-line-missing",
  "completed-state",
  "broadcast-limit",
  "driver-container-oom",
  "executor-container-oom",
  "executor-jvm-oom-exit",
  "executor-jvm-oom-task",
  "spark-memory-oom",
  "driver-jvm-oom",
  "driver-result-unreadable",
  "task-failures-exhausted",
  "workload-error",
  "unrecognised-failure",
] as const;

/** One of `DECISION_RULES`, as it appears at the start of `decidedBy`. */
export type DecisionRule = (typeof DECISION_RULES)[number];

/** What each rule looks for, for docs and the report. */
export const DECISION_RULE_DESCRIPTIONS: Readonly<Record<DecisionRule, string>> = {
  "submission-state": "The final state is SUBMISSION_FAILED.",
  "submission-error":
    "FAILED, but the operator's errorMessage is a submission error, or it submitted without ever getting a driver running (executionAttempts 0).",
  "timeout-state": "The final state is TIMEOUT.",
  "result-line-missing":
    "On the pilot, spark-submit exited 0 but the workload printed no result line (a script that ended the process itself).",
  "completed-state": "The final state is COMPLETED and the workload did not report a failure.",
  "broadcast-limit":
    "A 'Cannot broadcast the table …' or 'Not enough memory to build and broadcast the table' message.",
  "driver-container-oom":
    "Under a memory limit (Kubernetes, or the pilot's memory cgroups), the driver ended OOMKilled or with exit code 137.",
  "executor-container-oom":
    "Under a memory limit (Kubernetes, or the pilot's memory cgroups), an executor ended OOMKilled or with exit code 137 (pod status, cgroup OOM kill count, operator event or driver log).",
  "executor-jvm-oom-exit":
    "An executor exited with code 52, Spark's exit code for an OutOfMemoryError (pod status, operator event or driver log).",
  "executor-jvm-oom-task": "A java.lang.OutOfMemoryError on a task's failure line.",
  "spark-memory-oom":
    "A SparkOutOfMemoryError / UNABLE_TO_ACQUIRE_MEMORY / 'Can't acquire … memory to build hash relation' message.",
  "driver-jvm-oom":
    "The driver exited with code 52, or a java.lang.OutOfMemoryError appears outside any task's failure.",
  "driver-result-unreadable":
    "The driver aborted the job reading a task's result back ('Exception while getting task result: … unread block data'): its heap ran out collecting the results.",
  "task-failures-exhausted": "A 'Task … failed N times' message.",
  "workload-error":
    "The workload reported an error of the job's own making: a SQL analysis or parse error, a missing file, or a Python exception or non-zero exit of a user's script.",
  "unrecognised-failure": "The cell failed and no rule above applied.",
};
