/**
 * The reduce tasks of a shuffled join's build side: how many build rows, distinct keys and rows
 * of the most frequent key each task gets. Without AQE a task is one of the P hash partitions.
 * With AQE (Spark 4.0 defaults) two rules change that, both deciding on the map-output sizes
 * (LZ4-compressed bytes):
 *
 * - OptimizeSkewedJoin (sort-merge and shuffled hash joins alike): a partition larger than
 *   max(256 MiB, 5 x the median partition) is skewed and is split by map outputs into groups
 *   of about the target size, max(64 MiB, the mean of the non-skewed partitions)
 *   (ShufflePartitionsUtil.splitSizeListByTargetSize). The split is by map task, not by key:
 *   each map task holds about 1/M of every hot key's rows (the workload deals its rows out
 *   round-robin in chunks of 10,000), so a split holds a share of the hot key too — but never
 *   less than one chunk of it — and a partition fed by one map task cannot be split at all.
 * - CoalesceShufflePartitions: runs of adjacent non-skewed partitions are merged while build
 *   plus probe bytes stay within max(1 MiB, min(64 MiB, total / default parallelism))
 *   (greedy pass of ShufflePartitionsUtil.coalescePartitions; its final merge of a too-small
 *   last partition is left out).
 *
 * Broadcasts are never split: AQE has nothing to split on the build side of a broadcast.
 */
import {
  ADVISORY_PARTITION_BYTES,
  CHUNK_ROWS,
  COALESCE_MIN_PARTITION_BYTES,
  MERGED_PARTITION_FACTOR,
  SKEWED_PARTITION_FACTOR,
  SKEWED_PARTITION_THRESHOLD_BYTES,
  SMALL_PARTITION_FACTOR,
} from "./constants";
import { keyDistribution } from "./keyDistribution";

/** AQE settings the tasks depend on (Spark 4.0 defaults unless overridden). */
export interface AqeSettings {
  /** spark.sql.adaptive.skewJoin.enabled */
  readonly skewJoinEnabled: boolean;
  /** spark.sql.adaptive.coalescePartitions.enabled */
  readonly coalesceEnabled: boolean;
  /** spark.sql.adaptive.advisoryPartitionSizeInBytes */
  readonly advisoryPartitionBytes: number;
  /** spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes */
  readonly skewedPartitionThresholdBytes: number;
  /** spark.sql.adaptive.skewJoin.skewedPartitionFactor */
  readonly skewedPartitionFactor: number;
}

export const DEFAULT_AQE_SETTINGS: AqeSettings = {
  skewJoinEnabled: true,
  coalesceEnabled: true,
  advisoryPartitionBytes: ADVISORY_PARTITION_BYTES,
  skewedPartitionThresholdBytes: SKEWED_PARTITION_THRESHOLD_BYTES,
  skewedPartitionFactor: SKEWED_PARTITION_FACTOR,
};

/** One reduce task of the join. */
export interface ShuffleTask {
  /** Which partitions it reads: "partition 3", "partitions 4-7", "partition 1, split 2 of 16". */
  readonly label: string;
  /** Build rows it reads. */
  readonly buildRows: number;
  /** Distinct build keys among them (at most its rows). */
  readonly keys: number;
  /** Rows of its most frequent key. */
  readonly topKeyRows: number;
}

/** The join's reduce tasks and what AQE did to get them. */
export interface ShufflePlan {
  readonly tasks: readonly ShuffleTask[];
  /** Partitions AQE split as skewed (empty without AQE). */
  readonly skewedPartitions: readonly number[];
  /** Map tasks of the build side (the workload's input partitions). */
  readonly mapTasks: number;
}

export interface ShufflePlanInput {
  readonly buildRows: number;
  readonly probeRows: number;
  readonly keys: number;
  readonly skew: number;
  readonly partitions: number;
  readonly aqe: boolean;
  readonly mapTasks: number;
  readonly defaultParallelism: number;
  /** Map-output bytes per row (LZ4-compressed). */
  readonly mapOutputRowBytes: number;
  readonly settings: AqeSettings;
}

/** Utils.median as AQE uses it: the mean of the two middle values (integer), at least 1. */
export function sparkMedian(sizes: readonly number[]): number {
  const sorted = [...sizes].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return 1;
  const mid =
    n % 2 === 0 ? Math.floor((sorted[n / 2] + sorted[n / 2 - 1]) / 2) : sorted[(n - 1) / 2];
  return Math.max(mid, 1);
}

/**
 * ShufflePartitionsUtil.splitSizeListByTargetSize: start indices of groups of consecutive
 * sizes of about `target` each, merging a group into the previous one when either is small.
 */
export function splitSizeListByTargetSize(sizes: readonly number[], target: number): number[] {
  const starts = [0];
  let current = 0;
  let last = -1;
  const tryMerge = () => {
    const merge =
      last > -1 &&
      (current + last < target * MERGED_PARTITION_FACTOR ||
        current < target * SMALL_PARTITION_FACTOR ||
        last < target * SMALL_PARTITION_FACTOR);
    if (merge) {
      starts.pop();
      last += current;
    } else {
      last = current;
    }
  };
  for (let i = 0; i < sizes.length; i++) {
    if (i > 0 && current + sizes[i] > target) {
      tryMerge();
      starts.push(i);
      current = sizes[i];
    } else {
      current += sizes[i];
    }
  }
  tryMerge();
  return starts;
}

interface Partition {
  readonly index: number;
  readonly buildRows: number;
  readonly keys: number;
  readonly topKeyRows: number;
  readonly buildMapBytes: number;
  readonly probeMapBytes: number;
}

function asTask(p: Partition): ShuffleTask {
  return {
    label: `partition ${p.index}`,
    buildRows: p.buildRows,
    keys: Math.min(p.keys, Math.ceil(p.buildRows)),
    topKeyRows: p.topKeyRows,
  };
}

function splitSkewed(p: Partition, mapTasks: number, target: number): ShuffleTask[] | undefined {
  const blocks = new Array<number>(mapTasks).fill(p.buildMapBytes / mapTasks);
  const starts = splitSizeListByTargetSize(blocks, target);
  if (starts.length < 2) return undefined; // createSkewPartitionSpecs: one group is no split
  return starts.map((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1] : mapTasks;
    const fraction = (end - start) / mapTasks;
    const rows = p.buildRows * fraction;
    return {
      label: `partition ${p.index}, split ${i + 1} of ${starts.length}`,
      buildRows: rows,
      keys: Math.min(p.keys, Math.ceil(rows)),
      topKeyRows: Math.min(p.topKeyRows, Math.max(p.topKeyRows * fraction, CHUNK_ROWS)),
    };
  });
}

function coalesce(run: readonly Partition[], target: number): ShuffleTask[] {
  const tasks: ShuffleTask[] = [];
  let group: Partition[] = [];
  let size = 0;
  const emit = () => {
    if (group.length === 0) return;
    const first = group[0].index;
    const last = group[group.length - 1].index;
    const rows = group.reduce((sum, p) => sum + p.buildRows, 0);
    tasks.push({
      label: first === last ? `partition ${first}` : `partitions ${first}-${last}`,
      buildRows: rows,
      keys: Math.min(
        group.reduce((sum, p) => sum + p.keys, 0),
        Math.ceil(rows),
      ),
      topKeyRows: Math.max(...group.map((p) => p.topKeyRows)),
    });
  };
  for (const p of run) {
    const bytes = p.buildMapBytes + p.probeMapBytes;
    if (group.length > 0 && size + bytes > target && size >= COALESCE_MIN_PARTITION_BYTES) {
      emit();
      group = [];
      size = 0;
    }
    group.push(p);
    size += bytes;
  }
  emit();
  return tasks;
}

/** The join's reduce tasks for one cell. */
export function shufflePlan(input: ShufflePlanInput): ShufflePlan {
  const dist = keyDistribution(input.keys, input.skew, input.partitions);
  const probeRowsPerPartition = input.probeRows / input.partitions;
  const partitions: Partition[] = dist.partitionShares.map((share, index) => ({
    index,
    buildRows: share * input.buildRows,
    keys: dist.partitionKeys[index],
    topKeyRows: dist.partitionTopShares[index] * input.buildRows,
    buildMapBytes: share * input.buildRows * input.mapOutputRowBytes,
    probeMapBytes: probeRowsPerPartition * input.mapOutputRowBytes,
  }));
  if (!input.aqe) {
    return { tasks: partitions.map(asTask), skewedPartitions: [], mapTasks: input.mapTasks };
  }

  const { settings } = input;
  const splits = new Map<number, ShuffleTask[]>();
  if (settings.skewJoinEnabled) {
    const sizes = partitions.map((p) => p.buildMapBytes);
    const threshold = Math.max(
      settings.skewedPartitionThresholdBytes,
      sparkMedian(sizes) * settings.skewedPartitionFactor,
    );
    const nonSkewed = sizes.filter((s) => s <= threshold);
    const target =
      nonSkewed.length === 0
        ? settings.advisoryPartitionBytes
        : Math.max(
            settings.advisoryPartitionBytes,
            nonSkewed.reduce((a, b) => a + b, 0) / nonSkewed.length,
          );
    for (const p of partitions) {
      if (p.buildMapBytes <= threshold) continue;
      const parts = splitSkewed(p, input.mapTasks, target);
      if (parts) splits.set(p.index, parts);
    }
  }

  const total = partitions.reduce((sum, p) => sum + p.buildMapBytes + p.probeMapBytes, 0);
  const coalesceTarget = Math.max(
    COALESCE_MIN_PARTITION_BYTES,
    Math.min(settings.advisoryPartitionBytes, Math.ceil(total / input.defaultParallelism)),
  );
  const tasks: ShuffleTask[] = [];
  let run: Partition[] = [];
  const flush = () => {
    tasks.push(...(settings.coalesceEnabled ? coalesce(run, coalesceTarget) : run.map(asTask)));
    run = [];
  };
  for (const p of partitions) {
    const parts = splits.get(p.index);
    if (parts) {
      flush();
      tasks.push(...parts);
    } else {
      run.push(p);
    }
  }
  flush();
  return { tasks, skewedPartitions: [...splits.keys()], mapTasks: input.mapTasks };
}
