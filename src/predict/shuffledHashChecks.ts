/**
 * A shuffled hash join's constraints: each join task builds a hashed relation from its share of
 * the build side through its task's memory manager, in the execution pool it shares with the
 * other tasks on its executor, and in one page of at most 8 GiB.
 */
import { cellShufflePlan, type CellQuantities } from "./cellQuantities";
import { PAGE_MAX_BYTES, RESERVED_SYSTEM_MEMORY_MIB } from "./constants";
import { marginOf, type DemandAndCapacity } from "./constraints";
import { shuffledHashRelationPeak } from "./relation";
import { tasksSharingExecutor } from "./taskSchedule";
import type { PredictInput } from "./types";

/** shj_task_memory: the tightest build task's peak ask against its share of the pool. */
export interface ShuffledHashTaskMemory extends DemandAndCapacity {
  readonly id: "shj_task_memory";
  readonly taskLabel: string;
  readonly taskRows: number;
  readonly aqe: boolean;
  readonly skewedPartitions: number;
  readonly pageBytes: number;
  readonly arrayBytes: number;
  /** Tasks holding memory on the task's executor when it asks (it among them). */
  readonly activeTasks: number;
  /** The stage's build tasks. */
  readonly stageTasks: number;
  readonly cores: number;
  readonly heapMiB: number;
  readonly reservedMiB: number;
  readonly memoryFraction: number;
  /**
   * Refused only because the pool is shared, with retries left: a retry that runs alone on its
   * executor gets the whole pool and completes.
   */
  readonly retryAloneCompletes: boolean;
}

/** shj_page_limit: the largest build task's rows against the 8 GiB page. */
export interface ShuffledHashPageLimit extends DemandAndCapacity {
  readonly id: "shj_page_limit";
}

export type ShuffledHashNumbers = ShuffledHashTaskMemory | ShuffledHashPageLimit;

export function shuffledHashChecks(
  input: PredictInput,
  quantities: CellQuantities,
): ShuffledHashNumbers[] {
  const { cores, executionPoolBytes, settings } = quantities;
  const plan = cellShufflePlan(input, quantities);
  const peaks = plan.tasks.map((task) => ({
    task,
    peak: shuffledHashRelationPeak(task.buildRows, task.keys, quantities.payloadBytes),
  }));
  // A task may hold 1/N of its executor's pool, N = the tasks holding memory there when it
  // asks (ExecutionMemoryPool.acquireMemory), which is fewer than the cores when the stage has
  // fewer tasks than cores (taskSchedule.ts).
  const sharing = tasksSharingExecutor(peaks.length, input.sizing.executorInstances, cores);
  const asks = peaks.map((p, i) => {
    const active = sharing[i];
    const share = executionPoolBytes / active;
    return { ...p, active, share, margin: marginOf(share, p.peak.peakBytes) };
  });
  // The task with the least room; among equal margins (same page size), the one with most rows.
  const worst = asks.reduce((a, b) =>
    b.margin < a.margin || (b.margin === a.margin && b.task.buildRows > a.task.buildRows) ? b : a,
  );
  const largest = peaks.reduce((a, b) => (b.peak.usedBytes > a.peak.usedBytes ? b : a));
  return [
    {
      id: "shj_task_memory",
      demand: worst.peak.peakBytes,
      capacity: worst.share,
      taskLabel: worst.task.label,
      taskRows: worst.task.buildRows,
      aqe: input.parameters.aqe,
      skewedPartitions: plan.skewedPartitions.length,
      pageBytes: worst.peak.pageBytes,
      arrayBytes: worst.peak.arrayBytes,
      activeTasks: worst.active,
      stageTasks: peaks.length,
      cores,
      heapMiB: input.sizing.heapMiB,
      reservedMiB: RESERVED_SYSTEM_MEMORY_MIB,
      memoryFraction: settings.memoryFraction,
      // Refused only because the pool is shared: Spark retries a failed task
      // (spark.task.maxFailures), and a retry that finds itself alone on its executor gets the
      // whole pool. Whether it does is timing (measured: the same cell completed on its retry
      // once and was refused twice once).
      retryAloneCompletes:
        worst.active > 1 &&
        worst.margin < 0 &&
        worst.peak.peakBytes <= executionPoolBytes &&
        settings.taskMaxFailures > 1,
    },
    { id: "shj_page_limit", demand: largest.peak.usedBytes, capacity: PAGE_MAX_BYTES },
  ];
}
