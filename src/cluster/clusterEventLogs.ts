/**
 * Reading a cluster cell's event log where this machine can: a node folder that is here (the
 * local test cluster's node is this machine) or the Cloud Storage bucket GKE drivers write to.
 * The same for `spark-at-scale run` and for the Pulumi program's run resources, so their
 * records carry the same measured memory as the pilot's.
 */
import * as fs from "node:fs";
import { withMetrics, type RunOutcome } from "../runs/cellRecord";
import type { EventLogStorage } from "../spark/eventLogStorage";
import { measuredMemory, type MeasuredMemory } from "../trace/measuredMemory";
import { measuredMemoryFromBucket, type BucketEventLogs } from "./bucketEventLogs";

/** Where this machine reads the cells' event logs from. */
export type EventLogSource =
  | { readonly kind: "folder"; readonly dir: string }
  | ({ readonly kind: "bucket" } & BucketEventLogs);

/** Where this machine can read the cells' event logs; null, and why, where it cannot. */
export function eventLogSource(storage: EventLogStorage | undefined): {
  readonly source: EventLogSource | null;
  readonly why?: string;
} {
  if (!storage) return { source: null };
  if (storage.kind === "gcs") {
    return { source: { kind: "bucket", bucket: storage.bucket, prefix: storage.prefix } };
  }
  if (!fs.existsSync(storage.hostPath)) {
    return {
      source: null,
      why:
        `event logs are kept in the node folder ${storage.hostPath}, which is not on this machine: ` +
        "the records carry no measured memory (the History Server shows the logs)",
    };
  }
  return { source: { kind: "folder", dir: storage.hostPath } };
}

/**
 * The outcome with the memory and lost executors its event log shows. The driver has ended, so
 * its log is complete (or as complete as a killed driver left it); a log that cannot be read
 * leaves the outcome as it was and tells `onProblem` why.
 */
export async function withEventLog(
  outcome: RunOutcome,
  source: EventLogSource,
  onProblem: (problem: string) => void = () => undefined,
): Promise<RunOutcome> {
  const id = outcome.sparkApplicationId;
  const measured: MeasuredMemory =
    source.kind === "folder"
      ? measuredMemory(source.dir, id, null)
      : await measuredMemoryFromBucket(source, id);
  if (measured.problem !== undefined) {
    if (id !== null) onProblem(measured.problem);
    return outcome;
  }
  return withMetrics(outcome, measured.metrics);
}
