import type { FailureEvidence } from "./evidence";
import type { FinalState } from "./finalState";
import { SPARK_CONTEXT_STARTED } from "./sparkMessages";
import { findWorkloadResult, withoutResultLines, type WorkloadResult } from "./workloadResult";

/** How one spark-submit of a cell on `local-cluster` ended. */
export interface LocalRun {
  /** spark-submit's exit code; null if a signal ended it. */
  readonly exitCode: number | null;
  /** True if the pilot killed it at the cell's deadline. */
  readonly timedOut: boolean;
  /**
   * Its stdout: the workload's result line last, and before it whatever the Python driver
   * printed to stdout or stderr (spark-submit's PythonRunner merges the two into its stdout).
   */
  readonly stdout: string;
  /** Its stderr: the driver JVM's log, and, in local-cluster mode, the Master's and Workers'. */
  readonly stderr: string;
}

function finalStateOf(run: LocalRun, result: WorkloadResult | undefined): FinalState {
  if (run.timedOut) return "TIMEOUT";
  if (run.exitCode === 0 && result?.outcome !== "failed") return "COMPLETED";
  // The local analogue of the operator's SUBMISSION_FAILED: Spark never started, so nothing of
  // the cell ran. The workload says so by reporting no Spark version; without a result line
  // (bad arguments, spark-submit's own failure) the sign is that SparkContext never logged its
  // start, which it does at INFO, spark-submit's default level.
  if (result?.sparkVersion === null) return "SUBMISSION_FAILED";
  if (!result && !SPARK_CONTEXT_STARTED.test(run.stderr)) return "SUBMISSION_FAILED";
  return "FAILED";
}

/**
 * Failure evidence from a local pilot run. The workload's result line gives its own verdict and
 * error; stderr and the rest of stdout stand in for the driver log, where the classifier finds
 * executor losses
 * ("Executor app-…/0 finished with state EXITED message Command exited with code 52"), task
 * failures and OutOfMemoryErrors. Executors here are child processes with no container memory
 * limit, so an executor container OOM cannot be concluded locally. Throws
 * `WorkloadResultParseError` on a malformed result line.
 */
export function evidenceFromLocalRun(run: LocalRun): FailureEvidence {
  const result = findWorkloadResult(run.stdout);
  return {
    runner: "local-cluster",
    finalState: finalStateOf(run, result),
    workloadOutcome: result?.outcome,
    workloadError: result?.error ?? undefined,
    driverTermination: run.exitCode === null ? undefined : { exitCode: run.exitCode },
    // Executors' exits are only in the log; the classifier reads them from there.
    executorTerminations: [],
    events: [],
    // The JVM's log first, then the Python driver's output (argparse errors, tracebacks).
    driverLog: [run.stderr, withoutResultLines(run.stdout)]
      .filter((text) => text.trim())
      .join("\n"),
  };
}
