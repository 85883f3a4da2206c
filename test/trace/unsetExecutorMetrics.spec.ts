import { expect } from "chai";
import { cellMetricsSchema } from "../../src/results/cellMetrics";
import { eventLogMetrics } from "../../src/trace/eventLogMetrics";
import type { SparkEvent } from "../../src/trace/readEventLog";

describe("event-log metrics of an executor killed before it was measured", () => {
  // What an executor the kernel killed early leaves: its stage metrics with Spark's -1 for
  // "not set" in JVMHeapMemory (the first metric of ExecutorMetrics).
  const events: SparkEvent[] = [
    { Event: "SparkListenerApplicationStart", "App ID": "app-1", Timestamp: 0 },
    { Event: "SparkListenerExecutorAdded", "Executor ID": "0", Timestamp: 1 },
    { Event: "SparkListenerExecutorAdded", "Executor ID": "1", Timestamp: 1 },
    {
      Event: "SparkListenerStageExecutorMetrics",
      "Executor ID": "0",
      "Stage ID": 1,
      "Stage Attempt ID": 0,
      "Executor Metrics": { JVMHeapMemory: -1, OnHeapExecutionMemory: 0, TotalGCTime: 0 },
    },
    {
      Event: "SparkListenerStageExecutorMetrics",
      "Executor ID": "1",
      "Stage ID": 1,
      "Stage Attempt ID": 0,
      "Executor Metrics": { JVMHeapMemory: 300_000_000, OnHeapExecutionMemory: 5, TotalGCTime: 7 },
    },
  ];

  it("records its heap as not measured, so the record still validates", () => {
    const metrics = eventLogMetrics(events, "events/app-1");
    const killed = metrics.executors.find((e) => e.id === "0");
    expect(killed?.jvmHeapBytes).to.equal(null);
    expect(metrics.peakExecutorJvmHeapBytes).to.equal(300_000_000);
    expect(cellMetricsSchema.safeParse(metrics).success).to.equal(true);
  });
});
