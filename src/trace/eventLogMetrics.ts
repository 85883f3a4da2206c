/**
 * A cell's measured memory from its event log's listener events (Spark's JsonProtocol): the
 * executors' metric peaks, the join stage's task metrics, GC time, failed tasks and stage
 * durations. Pure: events in, the record's `metrics` part out.
 */
import type { CellMetrics, ExecutorPeaks, JoinStage, StageSummary } from "../results/cellMetrics";
import { asArray, asNumber, asObject, asString } from "./jsonFields";
import type { Json } from "./jsonFields";
import { executorMetricSnapshots } from "./executorMetricEvents";
import type { SparkEvent } from "./readEventLog";

/** Spark's physical join operators, as node names in the SQL plan events. */
const JOIN_NODES = new Set([
  "BroadcastHashJoin",
  "ShuffledHashJoin",
  "SortMergeJoin",
  "BroadcastNestedLoopJoin",
  "CartesianProduct",
]);

const SQL_PLAN_EVENTS = new Set([
  "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart",
  "org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate",
]);

/** Longest failure reason kept in a record: the first line of an exception is what tells. */
const REASON_CHARS = 300;
/** Distinct task failure reasons kept, most frequent first. */
const MAX_REASONS = 5;

const stageKey = (stageId: number, attempt: number) => `${stageId}.${attempt}`;

/** Running peaks of one JVM's executor metrics. */
interface PeakTracker {
  jvmHeapBytes?: number;
  onHeapExecutionBytes?: number;
  onHeapStorageBytes?: number;
  gcMillis?: number;
  removedReason?: string;
}

function maxOf(current: number | undefined, next: number | undefined): number | undefined {
  if (next === undefined) return current;
  return current === undefined ? next : Math.max(current, next);
}

/**
 * An executor metric's value, or undefined when it was never measured: Spark's ExecutorMetrics
 * starts its first metric (JVMHeapMemory) at -1 for "not set", and an executor killed before
 * its first poll reports that -1 in its stage's metrics.
 */
const measuredValue = (value: unknown): number | undefined => {
  const n = asNumber(value);
  return n !== undefined && n >= 0 ? n : undefined;
};

function trackPeaks(tracker: PeakTracker, metrics: Json): void {
  tracker.jvmHeapBytes = maxOf(tracker.jvmHeapBytes, measuredValue(metrics.JVMHeapMemory));
  tracker.onHeapExecutionBytes = maxOf(
    tracker.onHeapExecutionBytes,
    measuredValue(metrics.OnHeapExecutionMemory),
  );
  tracker.onHeapStorageBytes = maxOf(
    tracker.onHeapStorageBytes,
    measuredValue(metrics.OnHeapStorageMemory),
  );
  // TotalGCTime is cumulative over the JVM's life: its peak is its last value.
  tracker.gcMillis = maxOf(tracker.gcMillis, measuredValue(metrics.TotalGCTime));
}

/** A task's peak execution memory: Spark 4 reports on- and off-heap apart, older Sparks one sum. */
function taskPeakExecution(taskMetrics: Json): number {
  const split =
    (asNumber(taskMetrics["Peak On Heap Execution Memory"]) ?? 0) +
    (asNumber(taskMetrics["Peak Off Heap Execution Memory"]) ?? 0);
  return Math.max(split, asNumber(taskMetrics["Peak Execution Memory"]) ?? 0);
}

/** A failed task's reason in one line: the exception and its message, or the executor's loss. */
export function taskFailureReason(reason: Json): string {
  const kind = asString(reason.Reason) ?? "unknown";
  let text: string;
  switch (kind) {
    case "ExceptionFailure": {
      const description = (asString(reason.Description) ?? "").split("\n")[0];
      const className = asString(reason["Class Name"]) ?? "exception";
      text = description.startsWith(className) ? description : `${className}: ${description}`;
      break;
    }
    case "ExecutorLostFailure": {
      const loss = (asString(reason["Loss Reason"]) ?? "").trim().split("\n")[0];
      text = `executor ${asString(reason["Executor ID"]) ?? "?"} lost${loss ? `: ${loss}` : ""}`;
      break;
    }
    case "TaskKilled":
      text = `killed: ${asString(reason["Kill Reason"]) ?? "unknown"}`;
      break;
    case "FetchFailed":
      text = `fetch failed from executor ${asString(asObject(reason["Block Manager Address"])["Executor ID"]) ?? "?"}`;
      break;
    default:
      text = kind;
  }
  return text.length > REASON_CHARS ? `${text.slice(0, REASON_CHARS - 1)}…` : text;
}

/** Accumulator ids of the join operators' SQL metrics, from every plan the log shows. */
function joinAccumulatorIds(events: readonly SparkEvent[]): Set<number> {
  const ids = new Set<number>();
  const visit = (node: Json) => {
    if (JOIN_NODES.has(asString(node.nodeName) ?? "")) {
      for (const metric of asArray(node.metrics)) {
        const id = asNumber(asObject(metric).accumulatorId);
        if (id !== undefined) ids.add(id);
      }
    }
    for (const child of asArray(node.children)) visit(asObject(child));
  };
  for (const event of events) {
    if (SQL_PLAN_EVENTS.has(event.Event)) visit(asObject(event.sparkPlanInfo));
  }
  return ids;
}

interface StageTrack {
  stageId: number;
  attempt: number;
  name: string;
  tasks: number;
  failedTasks: number;
  submitted?: number;
  completed?: number;
  failureReason?: string;
  accumulatorIds: Set<number>;
  peakExecutionMemoryBytes: number;
  executorOnHeapExecutionBytes: number;
  memoryBytesSpilled: number;
  diskBytesSpilled: number;
}

function accumulatorIdsOf(list: unknown): number[] {
  return asArray(list)
    .map((a) => asNumber(asObject(a).ID))
    .filter((id): id is number => id !== undefined);
}

const secondsBetween = (start?: number, end?: number) =>
  start !== undefined && end !== undefined && end >= start
    ? Math.round((end - start) / 100) / 10
    : null;

const peakOf = (stage: StageTrack) =>
  Math.max(stage.peakExecutionMemoryBytes, stage.executorOnHeapExecutionBytes);

/** The join stage: the one holding the join operator's metrics, else the stage that failed. */
function joinStageOf(
  stages: readonly StageTrack[],
  joinIds: ReadonlySet<number>,
): JoinStage | null {
  const withJoin = stages.filter((s) => [...s.accumulatorIds].some((id) => joinIds.has(id)));
  const failed = stages.filter((s) => s.failureReason !== undefined || s.failedTasks > 0);
  const pick = (candidates: readonly StageTrack[]) =>
    candidates.reduce((a, b) => (peakOf(b) >= peakOf(a) ? b : a));
  const [chosen, identifiedBy] =
    withJoin.length > 0
      ? [pick(withJoin), "sql-metrics" as const]
      : failed.length > 0
        ? [pick(failed), "failed-stage" as const]
        : [undefined, undefined];
  if (!chosen || !identifiedBy) return null;
  return {
    stageId: chosen.stageId,
    attempt: chosen.attempt,
    identifiedBy,
    peakExecutionMemoryBytes: chosen.peakExecutionMemoryBytes,
    executorOnHeapExecutionBytes: chosen.executorOnHeapExecutionBytes,
    memoryBytesSpilled: chosen.memoryBytesSpilled,
    diskBytesSpilled: chosen.diskBytesSpilled,
    durationSeconds: secondsBetween(chosen.submitted, chosen.completed),
  };
}

/**
 * The measured memory of one application from its events. `eventLog` names the log in the
 * record. Throws when the events hold no application start: then they are not a cell's log.
 */
export function eventLogMetrics(events: readonly SparkEvent[], eventLog: string): CellMetrics {
  const start = events.find((e) => e.Event === "SparkListenerApplicationStart");
  if (!start) throw new Error(`event log ${eventLog}: no SparkListenerApplicationStart event`);
  const peaks = new Map<string, PeakTracker>();
  const peaksOf = (id: string) => {
    let tracker = peaks.get(id);
    if (!tracker) peaks.set(id, (tracker = {}));
    return tracker;
  };
  const stages = new Map<string, StageTrack>();
  const stageOf = (stageId: number, attempt: number) => {
    const key = stageKey(stageId, attempt);
    let stage = stages.get(key);
    if (!stage) {
      stage = {
        stageId,
        attempt,
        name: "",
        tasks: 0,
        failedTasks: 0,
        accumulatorIds: new Set(),
        peakExecutionMemoryBytes: 0,
        executorOnHeapExecutionBytes: 0,
        memoryBytesSpilled: 0,
        diskBytesSpilled: 0,
      };
      stages.set(key, stage);
    }
    return stage;
  };
  const failures = new Map<string, number>();
  let gcMillis = 0;
  let failedTasks = 0;

  for (const event of events) {
    for (const { executor, metrics } of executorMetricSnapshots(event)) {
      trackPeaks(peaksOf(executor), metrics);
    }
    switch (event.Event) {
      case "SparkListenerStageSubmitted":
      case "SparkListenerStageCompleted": {
        const info = asObject(event["Stage Info"]);
        const stage = stageOf(
          asNumber(info["Stage ID"]) ?? -1,
          asNumber(info["Stage Attempt ID"]) ?? 0,
        );
        stage.name = asString(info["Stage Name"]) ?? stage.name;
        stage.tasks = asNumber(info["Number of Tasks"]) ?? stage.tasks;
        stage.submitted = asNumber(info["Submission Time"]) ?? stage.submitted;
        stage.completed = asNumber(info["Completion Time"]) ?? stage.completed;
        stage.failureReason = asString(info["Failure Reason"]) ?? stage.failureReason;
        for (const id of accumulatorIdsOf(info.Accumulables)) stage.accumulatorIds.add(id);
        break;
      }
      case "SparkListenerTaskEnd": {
        const stage = stageOf(
          asNumber(event["Stage ID"]) ?? -1,
          asNumber(event["Stage Attempt ID"]) ?? 0,
        );
        const info = asObject(event["Task Info"]);
        const metrics = asObject(event["Task Metrics"]);
        const reason = asObject(event["Task End Reason"]);
        for (const id of accumulatorIdsOf(info.Accumulables)) stage.accumulatorIds.add(id);
        stage.peakExecutionMemoryBytes = Math.max(
          stage.peakExecutionMemoryBytes,
          taskPeakExecution(metrics),
        );
        const during = asObject(event["Task Executor Metrics"]);
        stage.executorOnHeapExecutionBytes = Math.max(
          stage.executorOnHeapExecutionBytes,
          asNumber(during.OnHeapExecutionMemory) ?? 0,
        );
        stage.memoryBytesSpilled += asNumber(metrics["Memory Bytes Spilled"]) ?? 0;
        stage.diskBytesSpilled += asNumber(metrics["Disk Bytes Spilled"]) ?? 0;
        gcMillis += asNumber(metrics["JVM GC Time"]) ?? 0;
        if (asString(reason.Reason) !== "Success") {
          stage.failedTasks += 1;
          failedTasks += 1;
          const text = taskFailureReason(reason);
          failures.set(text, (failures.get(text) ?? 0) + 1);
        }
        break;
      }
      case "SparkListenerExecutorAdded":
        peaksOf(asString(event["Executor ID"]) ?? "?");
        break;
      case "SparkListenerExecutorRemoved":
        peaksOf(asString(event["Executor ID"]) ?? "?").removedReason =
          asString(event["Removed Reason"])?.trim() ?? "removed";
        break;
      default:
        break;
    }
  }

  const executors: ExecutorPeaks[] = [...peaks.entries()]
    .sort(([a], [b]) =>
      a === "driver" ? -1 : b === "driver" ? 1 : Number(a) - Number(b) || a.localeCompare(b),
    )
    .map(([id, p]) => ({
      id,
      jvmHeapBytes: p.jvmHeapBytes ?? null,
      onHeapExecutionBytes: p.onHeapExecutionBytes ?? null,
      onHeapStorageBytes: p.onHeapStorageBytes ?? null,
      gcSeconds: p.gcMillis === undefined ? null : p.gcMillis / 1000,
      removedReason: p.removedReason ?? null,
    }));
  const workers = executors.filter((e) => e.id !== "driver");
  const highest = (values: Array<number | null>) =>
    values.reduce<number | null>(
      (a, b) => (b === null ? a : a === null ? b : Math.max(a, b)),
      null,
    );
  const stageList = [...stages.values()].sort(
    (a, b) => a.stageId - b.stageId || a.attempt - b.attempt,
  );
  const summaries: StageSummary[] = stageList.map((s) => ({
    stageId: s.stageId,
    attempt: s.attempt,
    name: s.name,
    tasks: s.tasks,
    failedTasks: s.failedTasks,
    durationSeconds: secondsBetween(s.submitted, s.completed),
    failureReason:
      s.failureReason === undefined ? null : s.failureReason.split("\n")[0].slice(0, REASON_CHARS),
  }));
  return {
    eventLog,
    applicationId: asString(start["App ID"]) ?? "",
    applicationName: asString(start["App Name"]) ?? "",
    complete: events.some((e) => e.Event === "SparkListenerApplicationEnd"),
    peakExecutorJvmHeapBytes: highest(workers.map((e) => e.jvmHeapBytes)),
    peakExecutorOnHeapExecutionBytes: highest(workers.map((e) => e.onHeapExecutionBytes)),
    peakDriverJvmHeapBytes: executors.find((e) => e.id === "driver")?.jvmHeapBytes ?? null,
    taskGcSeconds: gcMillis / 1000,
    failedTasks,
    taskFailures: [...failures.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, MAX_REASONS)
      .map(([reason, count]) => ({ reason, count })),
    joinStage: joinStageOf(stageList, joinAccumulatorIds(events)),
    executors,
    stages: summaries,
  };
}
