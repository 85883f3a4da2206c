/**
 * Reading a cluster cell's event log where this machine can: a node folder that is here (the
 * local test cluster's node is this machine). The same for `spark-at-scale run` and for the
 * Pulumi program's run resources, so their records carry the same measured memory as the
 * pilot's.
 */
import * as fs from "node:fs";
import { withMetrics, type RunOutcome } from "../runs/cellRecord";
import type { EventLogStorage } from "../spark/eventLogStorage";
import { measuredMemory } from "../trace/measuredMemory";

/** The folder of the cells' event logs when this machine can read it; else null and why. */
export function eventLogFolderHere(storage: EventLogStorage | undefined): {
  readonly dir: string | null;
  readonly why?: string;
} {
  if (!storage) return { dir: null };
  if (storage.kind === "gcs") {
    return {
      dir: null,
      why:
        `event logs go to gs://${storage.bucket}/${storage.prefix}, which records are not read ` +
        "from: they carry no measured memory (the History Server shows the logs)",
    };
  }
  if (!fs.existsSync(storage.hostPath)) {
    return {
      dir: null,
      why:
        `event logs are kept in the node folder ${storage.hostPath}, which is not on this machine: ` +
        "the records carry no measured memory (the History Server shows the logs)",
    };
  }
  return { dir: storage.hostPath };
}

/**
 * The outcome with the memory and lost executors its event log in `dir` shows. The driver has
 * ended, so its log is complete (or as complete as a killed driver left it); a log that cannot
 * be read leaves the outcome as it was and tells `onProblem` why.
 */
export function withEventLog(
  outcome: RunOutcome,
  dir: string,
  onProblem: (problem: string) => void = () => undefined,
): RunOutcome {
  const measured = measuredMemory(dir, outcome.sparkApplicationId, null);
  if (measured.problem !== undefined) {
    if (outcome.sparkApplicationId !== null) onProblem(measured.problem);
    return outcome;
  }
  return withMetrics(outcome, measured.metrics);
}
