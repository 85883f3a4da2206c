import type { ExecutorTermination } from "./evidence";
import {
  K8S_EXECUTOR_EXITED,
  K8S_TERMINATION_REASON,
  STANDALONE_EXECUTOR_FINISHED,
  STANDALONE_EXECUTOR_LOST,
} from "./sparkMessages";
import { clip } from "./excerpt";

/** An executor exit as a driver-side log reported it, with the line(s) that said so. */
export interface LoggedExecutorExit {
  /** The exit, with `reason` when the log gave the container's termination reason. */
  readonly termination: ExecutorTermination;
  /** The reporting line(s), joined with " | ". */
  readonly excerpt: string;
}

/**
 * Executor exits reported in a driver log (or spark-submit's stderr): Kubernetes'
 * "The executor with id N exited with exit code C" block, whose container statuses follow on
 * later lines, and standalone's "Command exited with code C". One entry per executor and code,
 * first report kept: Spark repeats the same loss in every "Lost task" line.
 */
export function executorExitsFromLog(log: string): LoggedExecutorExit[] {
  const exits: { termination: ExecutorTermination; lines: string[] }[] = [];
  const seen = new Set<string>();
  // The container statuses of a Kubernetes exit message come after its first line; they belong
  // to the last exit seen until another one starts.
  let open: { termination: ExecutorTermination; lines: string[] } | undefined;

  const record = (executorId: string, exitCode: number, line: string): void => {
    const key = `${executorId}/${exitCode}`;
    if (seen.has(key)) {
      open = undefined;
      return;
    }
    seen.add(key);
    open = { termination: { executorId, exitCode }, lines: [line.trim()] };
    exits.push(open);
  };

  for (const line of log.split(/\r?\n/)) {
    const k8s = K8S_EXECUTOR_EXITED.exec(line);
    const standalone =
      STANDALONE_EXECUTOR_FINISHED.exec(line) ?? STANDALONE_EXECUTOR_LOST.exec(line);
    const found = k8s ?? standalone;
    if (found) {
      record(found[1], Number(found[2]), line);
      continue;
    }
    const reason = K8S_TERMINATION_REASON.exec(line);
    if (reason && open && open.termination.reason === undefined) {
      open.termination = { ...open.termination, reason: reason[1] };
      open.lines.push(line.trim());
    }
  }
  return exits.map(({ termination, lines }) => ({ termination, excerpt: clip(lines.join(" | ")) }));
}
