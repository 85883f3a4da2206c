import type { FailureClass } from "./failureClass";
import type { FinalState } from "./finalState";
import type { Runner } from "./runner";

/** How one container (or, locally, one process) ended. */
export interface ContainerTermination {
  /** Exit code as the kubelet reported it (or the OS, locally); 137 is SIGKILL. */
  readonly exitCode: number;
  /** The kubelet's short reason, e.g. "OOMKilled", "Error", "Completed"; absent if unknown. */
  readonly reason?: string;
  /** The kubelet's termination message, if the container wrote one. */
  readonly message?: string;
}

/** How one executor ended, with whatever identifies it. */
export interface ExecutorTermination extends ContainerTermination {
  /** The executor's pod, on Kubernetes. */
  readonly podName?: string;
  /** Spark's executor id ("1", "2", …), from the `spark-exec-id` label or a log line. */
  readonly executorId?: string;
}

/** A Kubernetes Event about the cell's application or one of its pods. */
export interface ClusterEvent {
  /** The machine-readable reason, e.g. "SparkExecutorFailed". */
  readonly reason: string;
  /** The human-readable message. */
  readonly message: string;
  /** What the event is about, as "Kind/name". */
  readonly object: string;
}

/** The exception the workload reported in its result line. */
export interface WorkloadError {
  /** Fully qualified class of the exception, as the workload names it. */
  readonly exceptionClass: string;
  /** Its message, which for a Py4J error carries the JVM exception and stack. */
  readonly message: string;
}

/** What the workload said about itself in its `SPARK_AT_SCALE_RESULT` line. */
export type WorkloadOutcome = "succeeded" | "failed";

/**
 * Everything the classifier may look at, gathered the same way from a SparkApplication on GKE
 * and from a spark-submit on `local-cluster`. Every field but `runner` and `finalState` may be
 * empty: the classifier uses what is there and says which signal decided.
 */
export interface FailureEvidence {
  /** Where the cell ran. */
  readonly runner: Runner;
  /** How the cell ended, before any reason is assigned. */
  readonly finalState: FinalState;
  /** The workload's own verdict, when it got far enough to print its result line. */
  readonly workloadOutcome?: WorkloadOutcome;
  /** The exception from the workload's result line, if it reported one. */
  readonly workloadError?: WorkloadError;
  /** How the driver container (locally: the spark-submit process) ended. */
  readonly driverTermination?: ContainerTermination;
  /** How each executor that has ended ended, as far as pods or logs tell. */
  readonly executorTerminations: readonly ExecutorTermination[];
  /** Kubernetes Events about the application and its pods; empty locally. */
  readonly events: readonly ClusterEvent[];
  /**
   * The tail of the driver's log (locally: spark-submit's stderr and stdout), less the result
   * line, which is already in `workloadOutcome` / `workloadError`; "" if none.
   */
  readonly driverLog: string;
  /** The SparkApplication's `status.applicationState.errorMessage`, if any. */
  readonly applicationErrorMessage?: string;
  /** The operator's `status.submissionAttempts`. */
  readonly submissionAttempts?: number;
  /** The operator's `status.executionAttempts`: submissions that got a driver running. */
  readonly executionAttempts?: number;
  /** How many executors the operator recorded as FAILED in `status.executorState`. */
  readonly failedExecutorCount?: number;
  /**
   * True when the driver and executors ran under memory limits the kernel enforces, so that a
   * SIGKILL (exit 137) means "over the limit". Always so on Kubernetes (each pod's limit); on
   * the local pilot only when it put them in memory cgroups.
   */
  readonly memoryLimitsEnforced?: boolean;
}

/** Whether an exit 137 of this evidence's processes can mean a container OOM. */
export function containerLimitsApply(evidence: FailureEvidence): boolean {
  return evidence.runner === "kubernetes" || evidence.memoryLimitsEnforced === true;
}

/**
 * The evidence kept with a classified cell, in stack outputs and pilot JSONL: small, and enough
 * for a person to check the class without the raw logs.
 */
export interface EvidenceSummary {
  /** Distinct non-zero exit codes seen for the driver and executors, ascending. */
  readonly exitCodes: readonly number[];
  /** Distinct container termination reasons other than "Completed", sorted. */
  readonly terminationReasons: readonly string[];
  /** The line(s) that decided the class, at most `MAX_EXCERPT_CHARS` characters. */
  readonly messageExcerpt: string;
  /** Which rule decided and from which signal, as "<rule id>: <source>". */
  readonly decidedBy: string;
}

/** The classifier's answer. */
export interface Classification {
  /** The root cause. */
  readonly failureClass: FailureClass;
  /** Why, in a form small enough to store with the result. */
  readonly evidence: EvidenceSummary;
}
