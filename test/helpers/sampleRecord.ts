import type { CellResult } from "../../src/results/cellResult";

/** A valid cell record, for tests that need one; fields can be overridden. */
export function sampleRecord(cell: string, overrides: Partial<CellResult> = {}): CellResult {
  return {
    schemaVersion: 2,
    experiment: "unit",
    cell,
    runner: "local-cluster",
    parameters: {
      executorMemory: "512m",
      tableRatio: 1,
      strategy: "broadcast",
      skew: 0,
      aqe: true,
      memoryOverheadFactor: 0.1,
      executorCores: 1,
      memoryOverhead: null,
      repeat: 1,
    },
    sizing: {
      heapMiB: 512,
      overheadMiB: 384,
      podMemoryMiB: 896,
      buildBytes: 536870912,
      probeBytes: 1048576,
      executorInstances: 1,
      driverMemoryMiB: 1024,
      driverPodMemoryMiB: 1408,
    },
    scale: 1,
    pool: null,
    state: "FAILED",
    failureClass: "executor_jvm_oom",
    evidence: {
      exitCodes: [52],
      terminationReasons: [],
      messageExcerpt: "Command exited with code 52",
      decidedBy: "executor-exit-52: driver log",
    },
    sparkApplicationId: "app-1",
    start: "2026-11-23T20:00:00.000Z",
    end: "2026-11-23T20:00:30.000Z",
    durationSeconds: 30,
    attempts: 1,
    executorFailures: 1,
    workload: null,
    metrics: null,
    ...overrides,
  };
}
