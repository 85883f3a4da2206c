/**
 * Spark 4.0's own words for the failures we classify. Each pattern names the Spark source that
 * produces the text, so that a Spark upgrade can be checked against it; they match the rendered
 * message, not the error-condition name, because a Py4J error or a log line carries only the text.
 */

/**
 * common/utils/src/main/resources/error/error-conditions.json `_LEGACY_ERROR_TEMP_2249`, raised by
 * QueryExecutionErrors.cannotBroadcastTableOverMaxTableBytesError from BroadcastExchangeExec:
 * "Cannot broadcast the table that is larger than 8.0 GiB: 9.1 GiB." (sizes went through
 * Utils.bytesToString in 3.5 (SPARK-43589); older Sparks printed "8GB").
 */
export const BROADCAST_OVER_BYTES = /Cannot broadcast the table that is larger than/;

/** `_LEGACY_ERROR_TEMP_2248`: "Cannot broadcast the table over 512000000 rows: <n> rows." */
export const BROADCAST_OVER_ROWS = /Cannot broadcast the table over \d+ rows/;

/**
 * `_LEGACY_ERROR_TEMP_2250`, QueryExecutionErrors.notEnoughMemoryToBuildAndBroadcastTableError:
 * the driver caught an OutOfMemoryError while building the broadcast relation. A SparkException
 * since 3.4; before that a java.lang.OutOfMemoryError with the same text.
 */
export const BROADCAST_NOT_ENOUGH_MEMORY = /Not enough memory to build and broadcast the table/;

/**
 * resource-managers/kubernetes/.../ExecutorPodsLifecycleManager.scala exitReasonMessage: "The
 * executor with id 2 exited with exit code 137(SIGKILL, possible container OOM)." —
 * describeExitCode appends "(JVM OOM)" to 52. Groups: executor id, exit code.
 */
export const K8S_EXECUTOR_EXITED = /The executor with id (\S+) exited with exit code (-?\d+)/;

/**
 * The same message goes on with the container statuses (KubernetesUtils.containersDescription),
 * one of whose lines is "termination reason: OOMKilled". Group: the reason.
 */
export const K8S_TERMINATION_REASON = /termination reason: (\S+)/;

/**
 * core/.../deploy/worker/ExecutorRunner.scala: a standalone (and so `local-cluster`) executor
 * process ended; the Worker logs "Executor app-…/0 finished with state EXITED message Command
 * exited with code 52 exitStatus 52". Groups: executor id, exit code.
 */
export const STANDALONE_EXECUTOR_FINISHED =
  /Executor \S+\/(\d+) finished with state \w+ message Command exited with code (-?\d+)/;

/**
 * core/.../scheduler/TaskSchedulerImpl.scala executorLost: "Lost executor 0 on 10.0.0.5:
 * Command exited with code 52" (the reason is ExecutorRunner's message). Groups: id, exit code.
 */
export const STANDALONE_EXECUTOR_LOST =
  /Lost executor (\S+) on \S+: Command exited with code (-?\d+)/;

/**
 * A JVM heap (or metaspace, or array size) exhaustion. Deliberately the fully qualified name, so
 * that Spark's own `org.apache.spark.memory.SparkOutOfMemoryError` does not match.
 */
export const JAVA_OUT_OF_MEMORY = /java\.lang\.OutOfMemoryError/;

/**
 * Marks a line as describing a task's failure on an executor: TaskSetManager's "Lost task 3.0 in
 * stage 2.0 (TID 7) (10.0.0.5 executor 1): <reason>", TaskEndReason's "ExecutorLostFailure
 * (executor 1 exited caused by one of the running tasks)", or Executor's "Exception in task".
 * An OutOfMemoryError on such a line happened in an executor, not in the driver.
 */
export const TASK_FAILURE_CONTEXT = /Lost task \S+ in stage|ExecutorLostFailure|Exception in task/;

/**
 * Spark's memory manager refusing execution memory, in its three forms:
 * - core/.../memory/SparkOutOfMemoryError.java with error condition UNABLE_TO_ACQUIRE_MEMORY,
 *   "[UNABLE_TO_ACQUIRE_MEMORY] Unable to acquire 65536 bytes of memory, got 0.", thrown by
 *   MemoryConsumer when execution memory cannot be granted even after spilling;
 * - QueryExecutionErrors.cannotAcquireMemoryToBuildLongHashedRelationError, a plain
 *   SparkException "Can't acquire 134217728 bytes memory to build hash relation, got 66007422
 *   bytes." from LongToUnsafeRowMap — what a shuffled hash join's build side hits first (seen on
 *   the local pilot with Spark 4.0.4);
 * - QueryExecutionErrors.cannotAcquireMemoryToBuildUnsafeHashedRelationError, a
 *   SparkOutOfMemoryError "There is not enough memory to build hash map".
 */
export const SPARK_OUT_OF_MEMORY =
  /SparkOutOfMemoryError|UNABLE_TO_ACQUIRE_MEMORY|Unable to acquire \d+ bytes of memory|Can't acquire \d+ bytes memory to build hash relation|There is not enough memory to build hash map/;

/**
 * core/.../scheduler/TaskSetManager.scala handleFailedTask, on reaching spark.task.maxFailures:
 * "Task 3 in stage 2.0 failed 4 times; aborting job" (log) and "Task 3 in stage 2.0 failed 4
 * times, most recent failure: …" (the job's abort reason).
 */
export const TASK_FAILED_N_TIMES = /Task \d+ in stage \S+ failed \d+ times/;

/**
 * core/.../SparkContext.scala logs "Running Spark version 4.0.4" as it starts. On the local
 * pilot, a failed spark-submit that never printed it never got as far as running Spark.
 */
export const SPARK_CONTEXT_STARTED = /Running Spark version \S+/;

/** Spark's exit code for a JVM killed by SIGKILL: on Kubernetes, the kernel's cgroup OOM kill. */
export const EXIT_SIGKILL = 137;

/** SparkExitCode.OOM: the uncaught-exception handler saw an OutOfMemoryError and exited. */
export const EXIT_JVM_OOM = 52;

/**
 * core/.../scheduler/TaskResultGetter.scala: the driver could not read a finished task's result
 * back and aborted the job, "Exception while getting task result: java.lang.IllegalStateException:
 * unread block data". On the pilot this is the driver's heap running out while it collects a
 * broadcast's rows (workloads fetch ~110 MiB results): the JVM's -XX:OnOutOfMemoryError hook
 * fired in the driver the same second, no OutOfMemoryError reached the log, and the same cell
 * with a 6g instead of a 2g driver got past the collect (test/fixtures/failure/README.md).
 */
export const TASK_RESULT_UNREADABLE =
  /Exception while getting task result: java\.lang\.IllegalStateException: unread block data/;

/** The kubelet's container termination reason for a cgroup memory-limit kill. */
export const REASON_OOM_KILLED = "OOMKilled";
