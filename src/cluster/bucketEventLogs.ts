/**
 * A cell's event log from the Cloud Storage bucket GKE drivers write to: its objects (a rolling
 * log's folder, or one file) are copied into a scratch folder and read there like a node
 * folder's. The client is Google's own library with Application Default Credentials (`gcloud
 * auth application-default login`, or a workload's service account); STORAGE_EMULATOR_HOST
 * (the emulator's address with the JSON API's /storage/v1 path) points it at an emulator.
 */
import { Storage } from "@google-cloud/storage";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CellMetrics } from "../results/cellMetrics";
import type { GcsEventLogStorage } from "../spark/eventLogStorage";
import { measuredMemory, type MeasuredMemory } from "../trace/measuredMemory";

/** The bucket and folder a cell's event log is in. */
export type BucketEventLogs = Pick<GcsEventLogStorage, "bucket" | "prefix">;

/** Where a bucket's event logs are, as a gs:// address. */
export function bucketAddress(logs: BucketEventLogs): string {
  return `gs://${logs.bucket}/${logs.prefix}`;
}

/**
 * The object names of one application's event log: everything under the rolling log's folder
 * `eventlog_v2_<id>/`, or the single file `<id>[.codec][.inprogress]`.
 */
function isLogOf(relative: string, applicationId: string): boolean {
  return (
    relative.startsWith(`eventlog_v2_${applicationId}/`) ||
    relative === applicationId ||
    relative.startsWith(`${applicationId}.`)
  );
}

/**
 * The memory the application's event log in the bucket shows, or why there is none: no
 * credentials, no such log, or one that cannot be read. Never throws for the cell's sake: a
 * record is written all the same.
 */
export async function measuredMemoryFromBucket(
  logs: BucketEventLogs,
  applicationId: string | null,
  storage: Storage = new Storage(),
): Promise<MeasuredMemory> {
  if (applicationId === null) {
    return { metrics: null, problem: "no Spark application id, so no event log to read" };
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "spark-at-scale-eventlog-"));
  try {
    const folder = `${logs.prefix}/`;
    const [files] = await storage
      .bucket(logs.bucket)
      .getFiles({ prefix: `${folder}`, autoPaginate: true });
    const ofApplication = files.filter((f) => isLogOf(f.name.slice(folder.length), applicationId));
    if (ofApplication.length === 0) {
      return {
        metrics: null,
        problem: `no event log of ${applicationId} in ${bucketAddress(logs)}`,
      };
    }
    for (const file of ofApplication) {
      const destination = path.join(scratch, file.name.slice(folder.length));
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      await file.download({ destination });
    }
    const measured = measuredMemory(scratch, applicationId, null);
    if (measured.metrics === null) return measured;
    return { metrics: labelled(measured.metrics, scratch, logs) };
  } catch (error) {
    return {
      metrics: null,
      problem: `event log of ${applicationId} in ${bucketAddress(logs)}: ${(error as Error).message}`,
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The metrics with the log named by its gs:// address, not the scratch copy's path. */
function labelled(metrics: CellMetrics, scratch: string, logs: BucketEventLogs): CellMetrics {
  const relative = path.relative(scratch, metrics.eventLog);
  return { ...metrics, eventLog: `${bucketAddress(logs)}/${relative}` };
}
