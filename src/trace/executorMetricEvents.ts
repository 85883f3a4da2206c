/**
 * The executor-metric snapshots a listener event carries, and whose they are: a stage's peaks
 * per executor, a heartbeat's updates, a finished task's executor metrics. Both readers of a
 * run's memory (eventLogMetrics.ts, runProfile.ts) take their peaks from these.
 */
import { asArray, asObject, asString, type Json } from "./jsonFields";
import type { SparkEvent } from "./readEventLog";

export interface ExecutorMetricSnapshot {
  /** Executor id, or `driver`; `?` when the event names none. */
  readonly executor: string;
  readonly metrics: Json;
}

export function executorMetricSnapshots(event: SparkEvent): ExecutorMetricSnapshot[] {
  switch (event.Event) {
    case "SparkListenerStageExecutorMetrics":
      return [
        {
          executor: asString(event["Executor ID"]) ?? "?",
          metrics: asObject(event["Executor Metrics"]),
        },
      ];
    case "SparkListenerExecutorMetricsUpdate":
      return asArray(event["Executor Metrics Updated"]).map((update) => ({
        executor: asString(event["Executor ID"]) ?? "?",
        metrics: asObject(asObject(update)["Executor Metrics"]),
      }));
    case "SparkListenerTaskEnd": {
      const executor = asString(asObject(event["Task Info"])["Executor ID"]);
      return executor === undefined
        ? []
        : [{ executor, metrics: asObject(event["Task Executor Metrics"]) }];
    }
    default:
      return [];
  }
}
