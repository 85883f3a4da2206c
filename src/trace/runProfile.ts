/**
 * What one run's event log says about the quantities that grow with a job's data: per stage, the
 * largest task's peak execution memory, its spill, its largest task result and the results it
 * sent in all, and how unevenly its tasks read their shuffle; per broadcast, its relation's size
 * and rows; per JVM, its heap, off-heap and storage peaks. Pure: events in, numbers out; the
 * profile (src/profile) fits how each grows with the scale.
 */
import { asArray, asNumber, asObject, asString, type Json } from "./jsonFields";
import { executorMetricSnapshots } from "./executorMetricEvents";
import type { SparkEvent } from "./readEventLog";

/** One stage attempt's task metrics. */
export interface StageProfile {
  readonly stageId: number;
  readonly attempt: number;
  readonly name: string;
  readonly tasks: number;
  /** Largest peak execution memory of one task (Spark's task metric), bytes. */
  readonly peakTaskExecutionBytes: number;
  /** Bytes spilled from memory, summed over its tasks. */
  readonly memoryBytesSpilled: number;
  /** Largest serialized result of one task, and all its tasks' results: what the driver collects. */
  readonly maxTaskResultBytes: number;
  readonly resultBytes: number;
  /** Shuffle bytes its tasks read: the largest task's and the median task's. */
  readonly maxShuffleReadBytes: number;
  readonly medianShuffleReadBytes: number;
  readonly shuffleWriteBytes: number;
}

/** One BroadcastExchange's relation as Spark measured it. */
export interface BroadcastProfile {
  /** The relation's estimated size ("data size"): what Spark holds against its 8 GiB limit. */
  readonly dataBytes: number;
  readonly rows: number;
}

/** The peaks of the JVMs of one run. */
export interface RunPeaks {
  readonly executorHeapBytes: number | null;
  readonly executorOffHeapBytes: number | null;
  /** Executors' peak on-heap storage: a broadcast's fetched pieces and its rebuilt relation. */
  readonly executorStorageBytes: number | null;
  readonly driverHeapBytes: number | null;
  /** The driver's peak on-heap storage: a broadcast's pieces it keeps to serve. */
  readonly driverStorageBytes: number | null;
}

export interface RunProfile {
  readonly stages: readonly StageProfile[];
  readonly broadcasts: readonly BroadcastProfile[];
  readonly peaks: RunPeaks;
}

interface StageTrack {
  stageId: number;
  attempt: number;
  name: string;
  tasks: number;
  peakTaskExecutionBytes: number;
  memoryBytesSpilled: number;
  maxTaskResultBytes: number;
  resultBytes: number;
  shuffleReads: number[];
  shuffleWriteBytes: number;
}

interface Peaks {
  heap?: number;
  offHeap?: number;
  storage?: number;
}

const maxOf = (a: number | undefined, b: number | undefined) =>
  b === undefined || b < 0 ? a : a === undefined ? b : Math.max(a, b);

function track(peaks: Peaks, metrics: Json): void {
  peaks.heap = maxOf(peaks.heap, asNumber(metrics.JVMHeapMemory));
  peaks.offHeap = maxOf(peaks.offHeap, asNumber(metrics.JVMOffHeapMemory));
  peaks.storage = maxOf(peaks.storage, asNumber(metrics.OnHeapStorageMemory));
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The accumulator ids of every BroadcastExchange's "data size" and rows, from the SQL plans. */
function broadcastAccumulators(events: readonly SparkEvent[]): Map<number, "data" | "rows"> {
  const ids = new Map<number, "data" | "rows">();
  const visit = (node: Json) => {
    if (asString(node.nodeName) === "BroadcastExchange") {
      for (const metric of asArray(node.metrics)) {
        const m = asObject(metric);
        const id = asNumber(m.accumulatorId);
        if (id === undefined) continue;
        if (m.name === "data size") ids.set(id, "data");
        if (m.name === "number of output rows") ids.set(id, "rows");
      }
    }
    for (const child of asArray(node.children)) visit(asObject(child));
  };
  for (const event of events) {
    if (event.sparkPlanInfo !== undefined) visit(asObject(event.sparkPlanInfo));
  }
  return ids;
}

/** A run's profile from its listener events. */
export function runProfile(events: readonly SparkEvent[]): RunProfile {
  const stages = new Map<string, StageTrack>();
  const stageOf = (event: Json): StageTrack => {
    const stageId = asNumber(event["Stage ID"]) ?? -1;
    const attempt = asNumber(event["Stage Attempt ID"]) ?? 0;
    const key = `${stageId}.${attempt}`;
    let stage = stages.get(key);
    if (!stage) {
      stage = {
        stageId,
        attempt,
        name: "",
        tasks: 0,
        peakTaskExecutionBytes: 0,
        memoryBytesSpilled: 0,
        maxTaskResultBytes: 0,
        resultBytes: 0,
        shuffleReads: [],
        shuffleWriteBytes: 0,
      };
      stages.set(key, stage);
    }
    return stage;
  };
  const executors = new Map<string, Peaks>();
  const peaksOf = (id: string) => {
    let peaks = executors.get(id);
    if (!peaks) executors.set(id, (peaks = {}));
    return peaks;
  };
  const accumulators = broadcastAccumulators(events);
  // Driver-side SQL metrics arrive as accumulator updates: [[id, value], ...].
  const broadcastValues = new Map<number, number>();

  for (const event of events) {
    for (const { executor, metrics } of executorMetricSnapshots(event)) {
      track(peaksOf(executor), metrics);
    }
    switch (event.Event) {
      case "SparkListenerStageSubmitted":
      case "SparkListenerStageCompleted": {
        const info = asObject(event["Stage Info"]);
        const stage = stageOf({
          "Stage ID": info["Stage ID"],
          "Stage Attempt ID": info["Stage Attempt ID"],
        });
        stage.name = asString(info["Stage Name"]) ?? stage.name;
        stage.tasks = asNumber(info["Number of Tasks"]) ?? stage.tasks;
        break;
      }
      case "SparkListenerTaskEnd": {
        const stage = stageOf(event);
        const metrics = asObject(event["Task Metrics"]);
        const peak = Math.max(
          (asNumber(metrics["Peak On Heap Execution Memory"]) ?? 0) +
            (asNumber(metrics["Peak Off Heap Execution Memory"]) ?? 0),
          asNumber(metrics["Peak Execution Memory"]) ?? 0,
        );
        stage.peakTaskExecutionBytes = Math.max(stage.peakTaskExecutionBytes, peak);
        stage.memoryBytesSpilled += asNumber(metrics["Memory Bytes Spilled"]) ?? 0;
        const result = asNumber(metrics["Result Size"]) ?? 0;
        stage.maxTaskResultBytes = Math.max(stage.maxTaskResultBytes, result);
        stage.resultBytes += result;
        const read = asObject(metrics["Shuffle Read Metrics"]);
        const readBytes =
          (asNumber(read["Remote Bytes Read"]) ?? 0) + (asNumber(read["Local Bytes Read"]) ?? 0);
        if (readBytes > 0) stage.shuffleReads.push(readBytes);
        stage.shuffleWriteBytes +=
          asNumber(asObject(metrics["Shuffle Write Metrics"])["Shuffle Bytes Written"]) ?? 0;
        break;
      }
      case "org.apache.spark.sql.execution.ui.SparkListenerDriverAccumUpdates":
        for (const update of asArray(event.accumUpdates)) {
          const [id, value] = asArray(update).map(asNumber);
          if (id !== undefined && value !== undefined && accumulators.has(id)) {
            broadcastValues.set(id, Math.max(broadcastValues.get(id) ?? 0, value));
          }
        }
        break;
      default:
        break;
    }
  }

  // Each BroadcastExchange lists its data size before its rows (ids in plan order): pair them.
  const broadcasts: BroadcastProfile[] = [];
  const dataIds = [...accumulators.entries()].filter(([, kind]) => kind === "data");
  for (const [id] of dataIds) {
    const dataBytes = broadcastValues.get(id);
    if (dataBytes === undefined) continue; // planned, never built (AQE replanned it)
    const rowsId = [...accumulators.entries()].find(
      ([other, kind]) => kind === "rows" && other === id + 1,
    )?.[0];
    broadcasts.push({
      dataBytes,
      rows: rowsId === undefined ? 0 : (broadcastValues.get(rowsId) ?? 0),
    });
  }
  const workers = [...executors.entries()].filter(([id]) => id !== "driver").map(([, p]) => p);
  const highest = (values: Array<number | undefined>) =>
    values.reduce<number | null>(
      (a, b) => (b === undefined ? a : a === null ? b : Math.max(a, b)),
      null,
    );
  const driver = executors.get("driver");
  return {
    stages: [...stages.values()]
      .sort((a, b) => a.stageId - b.stageId || a.attempt - b.attempt)
      .map((s) => ({
        stageId: s.stageId,
        attempt: s.attempt,
        name: s.name,
        tasks: s.tasks,
        peakTaskExecutionBytes: s.peakTaskExecutionBytes,
        memoryBytesSpilled: s.memoryBytesSpilled,
        maxTaskResultBytes: s.maxTaskResultBytes,
        resultBytes: s.resultBytes,
        maxShuffleReadBytes: s.shuffleReads.length > 0 ? Math.max(...s.shuffleReads) : 0,
        medianShuffleReadBytes: median(s.shuffleReads),
        shuffleWriteBytes: s.shuffleWriteBytes,
      })),
    broadcasts,
    peaks: {
      executorHeapBytes: highest(workers.map((p) => p.heap)),
      executorOffHeapBytes: highest(workers.map((p) => p.offHeap)),
      executorStorageBytes: highest(workers.map((p) => p.storage)),
      driverHeapBytes: driver?.heap ?? null,
      driverStorageBytes: driver?.storage ?? null,
    },
  };
}
