/**
 * The executors an application lost, as its event log tells: Spark logs every removal with its
 * reason, and a lost executor's reason carries its exit code — "Command exited with code 52"
 * from a standalone worker (the pilot), "exited with exit code 52(JVM OOM)" from Kubernetes.
 * Unlike pods, the log keeps them after Spark deleted a failed executor's pod and replaced it.
 */
import type { CellMetrics } from "./cellMetrics";

/** Executors that exited with a non-zero code, and the distinct codes, ascending. */
export interface ExecutorLosses {
  readonly count: number;
  readonly exitCodes: readonly number[];
}

const EXIT_CODE = /exit(?:ed)?(?: with)?(?: exit)? code (-?\d+)/i;

/** The exit code a removal reason names, or null when it names none (e.g. killed by the driver). */
export function exitCodeOfRemoval(reason: string | null): number | null {
  const match = reason === null ? null : EXIT_CODE.exec(reason);
  return match ? Number(match[1]) : null;
}

/** The executors (not the driver) whose removal names a non-zero exit code. */
export function executorLosses(metrics: CellMetrics | null): ExecutorLosses {
  const codes = (metrics?.executors ?? [])
    .filter((e) => e.id !== "driver")
    .map((e) => exitCodeOfRemoval(e.removedReason))
    .filter((code): code is number => code !== null && code !== 0);
  return { count: codes.length, exitCodes: [...new Set(codes)].sort((a, b) => a - b) };
}

/**
 * The exit codes of a record's lost executors: from its event log when it has one (the
 * driver's own exit is not among them), else every non-zero code its pods or processes showed.
 */
export function lostExecutorExitCodes(record: {
  readonly metrics: CellMetrics | null;
  readonly evidence: { readonly exitCodes: readonly number[] };
}): readonly number[] {
  return record.metrics ? executorLosses(record.metrics).exitCodes : record.evidence.exitCodes;
}
