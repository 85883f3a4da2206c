/**
 * The quantities of a cell every constraint reads, worked out once from its input: the strategy
 * it runs, its rows, its executors' heap, execution pool and collector, and its shuffle.
 */
import { BYTES_PER_MIB as MIB } from "../core/quantity";
import {
  DEFAULT_PAYLOAD_BYTES,
  INPUT_PARTITION_BYTES,
  RESERVED_SYSTEM_MEMORY_MIB,
} from "./constants";
import { DEFAULT_SPARK_SETTINGS } from "./defaults";
import { ergonomicCollector, type Collector } from "./heapRegions";
import { compressedRowBytes, rowBytesFor, type PayloadKind } from "./relation";
import { shufflePlan, type ShufflePlan } from "./shuffleTasks";
import type { PredictInput, SparkSettings } from "./types";

export interface CellQuantities {
  readonly strategy: "broadcast" | "shuffle_hash" | "sort_merge";
  readonly payloadBytes: number;
  readonly payloadKind: PayloadKind;
  readonly rowBytes: number;
  readonly buildRows: number;
  readonly probeRows: number;
  readonly heapBytes: number;
  readonly executionPoolBytes: number;
  readonly cores: number;
  /** Tasks of the stage that reads the build side. */
  readonly mapTasks: number;
  readonly settings: SparkSettings;
  readonly collector: Collector;
}

/**
 * Whether the executors run under a memory limit the kernel enforces: always on Kubernetes (the
 * pod's), on local-cluster only when the pilot put them in memory cgroups.
 */
export function memoryLimited(input: PredictInput): boolean {
  return input.runner === "kubernetes" || input.memoryLimitsEnforced === true;
}

/**
 * The collector the cell's executor JVMs pick: the pod's or cgroup's limit is all they see when
 * there is one; without, the machine (assumed 2 CPUs and 2 GiB or more).
 */
export function executorCollector(input: PredictInput): Collector {
  return ergonomicCollector(memoryLimited(input) ? input.sizing.podMemoryMiB : null);
}

function mapTasksOf(input: PredictInput): number {
  if (input.inputPartitions) return input.inputPartitions;
  const parallelism = input.sizing.executorInstances * input.parameters.executorCores;
  return Math.max(parallelism, Math.ceil(input.sizing.buildBytes / INPUT_PARTITION_BYTES));
}

export function cellQuantities(input: PredictInput): CellQuantities {
  const payloadBytes = input.payloadBytes ?? DEFAULT_PAYLOAD_BYTES;
  const rowBytes = rowBytesFor(payloadBytes);
  const settings = { ...DEFAULT_SPARK_SETTINGS, ...input.settings };
  const heapMiB = input.sizing.heapMiB;
  return {
    // `auto` broadcasts the build side at any size: the planner's static estimate of a generated
    // side is far below its real size, under autoBroadcastJoinThreshold (workloads/README.md).
    strategy: input.parameters.strategy === "auto" ? "broadcast" : input.parameters.strategy,
    payloadBytes,
    payloadKind: input.payloadKind ?? "random",
    rowBytes,
    // The workload generates round(requested / rowBytes) rows, at least one.
    buildRows: Math.max(1, Math.round(input.sizing.buildBytes / rowBytes)),
    probeRows: Math.max(1, Math.round(input.sizing.probeBytes / rowBytes)),
    heapBytes: heapMiB * MIB,
    executionPoolBytes:
      Math.max(0, heapMiB - RESERVED_SYSTEM_MEMORY_MIB) * settings.memoryFraction * MIB,
    cores: Math.max(1, input.parameters.executorCores),
    mapTasks: mapTasksOf(input),
    settings,
    collector: executorCollector(input),
  };
}

/** The shuffle a shuffled strategy (hash or sort-merge) runs: its join tasks and AQE's splits. */
export function cellShufflePlan(input: PredictInput, quantities: CellQuantities): ShufflePlan {
  return shufflePlan({
    buildRows: quantities.buildRows,
    probeRows: quantities.probeRows,
    keys: input.keys,
    skew: input.parameters.skew,
    partitions: input.partitions,
    aqe: input.parameters.aqe,
    mapTasks: quantities.mapTasks,
    defaultParallelism: input.sizing.executorInstances * input.parameters.executorCores,
    mapOutputRowBytes: compressedRowBytes(quantities.payloadBytes, quantities.payloadKind),
    settings: quantities.settings,
  });
}
