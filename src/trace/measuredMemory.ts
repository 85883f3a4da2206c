import * as path from "node:path";
import type { CellMetrics } from "../results/cellMetrics";
import { eventLogMetrics } from "./eventLogMetrics";
import { EventLogError, findEventLog, readEventLog } from "./readEventLog";

/** A cell's measured memory, or why there is none. */
export type MeasuredMemory =
  | { readonly metrics: CellMetrics; readonly problem?: undefined }
  | { readonly metrics: null; readonly problem: string };

/**
 * The memory a finished application's event log in `eventLogDir` shows. A missing, unreadable
 * or truncated log is not an error of the cell: it gives no metrics and a message naming the
 * file, and the cell's record is written all the same. The log is named relative to
 * `relativeTo` (the experiment's results folder), so results can be moved as a whole; with
 * `relativeTo` null (a cluster's logs, which stay where the cluster keeps them) by its path.
 */
export function measuredMemory(
  eventLogDir: string,
  applicationId: string | null,
  relativeTo: string | null,
): MeasuredMemory {
  if (applicationId === null) {
    return { metrics: null, problem: "no Spark application id, so no event log to read" };
  }
  const log = findEventLog(eventLogDir, applicationId);
  if (!log) {
    return { metrics: null, problem: `no event log of ${applicationId} in ${eventLogDir}` };
  }
  try {
    const label = relativeTo === null ? log.path : path.relative(relativeTo, log.path);
    return { metrics: eventLogMetrics(readEventLog(log), label) };
  } catch (error) {
    if (error instanceof EventLogError) return { metrics: null, problem: error.message };
    return { metrics: null, problem: `event log ${log.path}: ${(error as Error).message}` };
  }
}
