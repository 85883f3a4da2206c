/**
 * What the Kubeflow Spark operator (v2.5.2) writes about a SparkApplication, in its status and in
 * its Events. The operator records no executor exit reasons in the status, so its Events and
 * error message are, with the kept pods, where they come from.
 */

/**
 * internal/controller/sparkapplication/controller.go recordExecutorEvent, reason
 * SparkExecutorFailed: "Executor <pod> failed with ExitCode: 137, Reason: OOMKilled, Pod Message:
 * <msg>". When the container status is gone it writes ExitCode -1 and Reason "Unknown (Container
 * not Found)". Groups: pod name, exit code, reason.
 */
export const EXECUTOR_FAILED_EVENT_MESSAGE =
  /Executor (\S+) failed with ExitCode: (-?\d+), Reason: (.*?), Pod Message:/;

/**
 * controller.go updateDriverState sets status.applicationState.errorMessage to "driver container
 * failed with ExitCode: 1, Reason: Error" when the driver container ends non-zero. Groups: exit
 * code, reason.
 */
export const DRIVER_FAILED_ERROR_MESSAGE =
  /driver container failed with ExitCode: (-?\d+), Reason: (\S+)/;

/**
 * controller.go submitSparkApplication: every way a submission fails sets errorMessage to one of
 * these prefixes (spark-submit's own failure is "failed to submit spark application: failed to
 * run spark-submit: <stderr>"). With restartPolicy Never the operator then moves the app from
 * SUBMISSION_FAILED to FAILED and keeps the message, so FAILED alone does not mean it ran.
 */
export const SUBMISSION_ERROR_MESSAGE =
  /^(failed to submit spark application|failed to configure web UI|failed to configure Prometheus monitoring|failed during batch scheduler setup|failed to process batch scheduler)/;

/** pkg/common/event.go: the Event reasons this project reads. */
export const OPERATOR_EVENT_REASONS = {
  /** spark-submit (or what precedes it) failed. */
  submissionFailed: "SparkApplicationSubmissionFailed",
  /** The application reached FAILED; the message repeats errorMessage. */
  applicationFailed: "SparkApplicationFailed",
  /** The driver pod failed. */
  driverFailed: "SparkDriverFailed",
  /** An executor pod failed; the message carries its exit code and reason. */
  executorFailed: "SparkExecutorFailed",
} as const;
