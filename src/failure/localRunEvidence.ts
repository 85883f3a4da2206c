import type { ExecutorTermination, FailureEvidence } from "./evidence";
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
  /** The memory cgroups the pilot ran the driver and executors in, if it could. */
  readonly memoryLimits?: ProcessLimits;
}

/** One process's memory cgroup, as the pilot read it after the run. */
export interface LimitedProcess {
  readonly role: "driver" | "executor";
  /** Spark's executor id; null for the driver. */
  readonly executorId: string | null;
  readonly limitMiB: number;
  readonly peakMiB: number | null;
  /** Processes the kernel's OOM killer killed in the group (null: the kernel does not say). */
  readonly oomKills: number | null;
}

/** Whether the driver and executors ran under enforced limits, and each one's group. */
export interface ProcessLimits {
  readonly enforced: boolean;
  readonly groups: readonly LimitedProcess[];
}

/** The kubelet's word for a container the kernel killed at its memory limit. */
const OOM_KILLED = "OOMKilled";

function oomMessage(group: LimitedProcess): string {
  const peak = group.peakMiB === null ? "" : `, peak ${group.peakMiB} MiB`;
  return `memory cgroup: ${group.oomKills} OOM kill(s) at its ${group.limitMiB} MiB limit${peak}`;
}

/**
 * What the kernel's count of OOM kills says, as a kubelet would: an executor whose group saw an
 * OOM kill was OOMKilled (SIGKILL, exit 137).
 */
function killedExecutors(limits: ProcessLimits | undefined): ExecutorTermination[] {
  if (!limits?.enforced) return [];
  return limits.groups
    .filter((g) => g.role === "executor" && (g.oomKills ?? 0) > 0)
    .map((g) => ({
      executorId: g.executorId ?? undefined,
      exitCode: 137,
      reason: OOM_KILLED,
      message: oomMessage(g),
    }));
}

function driverTermination(run: LocalRun): FailureEvidence["driverTermination"] {
  if (run.exitCode === null) return undefined;
  const driver = run.memoryLimits?.enforced
    ? run.memoryLimits.groups.find((g) => g.role === "driver" && (g.oomKills ?? 0) > 0)
    : undefined;
  return driver
    ? { exitCode: run.exitCode, reason: OOM_KILLED, message: oomMessage(driver) }
    : { exitCode: run.exitCode };
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
 * failures and OutOfMemoryErrors. When the pilot ran the driver and executors in memory
 * cgroups, a kill at the limit counts as on Kubernetes: the group's OOM kill count stands for
 * the pod status's OOMKilled, and an exit 137 for a container OOM. Without limits, executors
 * are plain child processes and a 137 means nothing in particular. Throws
 * `WorkloadResultParseError` on a malformed result line.
 */
export function evidenceFromLocalRun(run: LocalRun): FailureEvidence {
  const result = findWorkloadResult(run.stdout);
  return {
    runner: "local-cluster",
    finalState: finalStateOf(run, result),
    workloadOutcome: result?.outcome,
    workloadError: result?.error ?? undefined,
    driverTermination: driverTermination(run),
    // Executors' exit codes are only in the log, which the classifier reads; the kernel's OOM
    // kills are in their memory cgroups.
    executorTerminations: killedExecutors(run.memoryLimits),
    memoryLimitsEnforced: run.memoryLimits?.enforced ?? false,
    events: [],
    // The JVM's log first, then the Python driver's output (argparse errors, tracebacks).
    driverLog: [run.stderr, withoutResultLines(run.stdout)]
      .filter((text) => text.trim())
      .join("\n"),
  };
}
