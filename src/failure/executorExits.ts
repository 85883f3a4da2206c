import type { ExecutorTermination, FailureEvidence } from "./evidence";
import { driverLogLabel } from "./evidenceText";
import { clip } from "./excerpt";
import { executorExitsFromLog } from "./logExecutorExits";
import { EXECUTOR_FAILED_EVENT_MESSAGE, OPERATOR_EVENT_REASONS } from "./operatorMessages";

/** One report of an executor's exit, and where it was seen. */
export interface ExecutorExit {
  /** The exit: code, and reason when known. */
  readonly termination: ExecutorTermination;
  /** Where it was seen, e.g. "executor pod cell-exec-2" or "driver log". */
  readonly source: string;
  /** The line(s) that reported it. */
  readonly excerpt: string;
}

function describeTermination(termination: ExecutorTermination): string {
  const who = termination.podName ?? `executor ${termination.executorId ?? "?"}`;
  const parts = [`${who}: exitCode=${termination.exitCode}`];
  if (termination.reason !== undefined) parts.push(`reason=${termination.reason}`);
  if (termination.message !== undefined) parts.push(`message=${termination.message}`);
  return clip(parts.join(" "));
}

/**
 * Every executor exit the evidence reports, most direct first: the pods' container statuses,
 * then the operator's SparkExecutorFailed Events (which outlive deleted pods), then what the
 * driver log and the workload's error quote from Spark's scheduler. The same exit may appear
 * more than once; rules take the first that fits.
 */
export function executorExits(evidence: FailureEvidence): ExecutorExit[] {
  const fromPods = evidence.executorTerminations.map((termination) => ({
    termination,
    source: `executor pod ${termination.podName ?? termination.executorId ?? "?"}`,
    excerpt: describeTermination(termination),
  }));

  const fromEvents = evidence.events.flatMap((event) => {
    if (event.reason !== OPERATOR_EVENT_REASONS.executorFailed) return [];
    const match = EXECUTOR_FAILED_EVENT_MESSAGE.exec(event.message);
    if (!match) return [];
    return [
      {
        termination: { podName: match[1], exitCode: Number(match[2]), reason: match[3] },
        source: `event ${event.reason} on ${event.object}`,
        excerpt: clip(event.message),
      },
    ];
  });

  const fromText = (source: string, text: string): ExecutorExit[] =>
    executorExitsFromLog(text).map(({ termination, excerpt }) => ({
      termination,
      source,
      excerpt,
    }));

  const error = evidence.workloadError;
  return [
    ...fromPods,
    ...fromEvents,
    ...fromText(driverLogLabel(evidence.runner), evidence.driverLog),
    ...(error ? fromText("workload result error", error.message) : []),
  ];
}
