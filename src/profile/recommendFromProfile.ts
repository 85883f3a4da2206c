/**
 * The memory that keeps a profiled job's limits with a margin at a target scale: the smallest
 * executor heap whose executor limits are first crossed at least SAFE_MARGIN (log2) beyond the
 * target, the smallest driver heap for the driver's, the smallest overhead for the pod's. A limit
 * no memory moves (Spark's broadcast limits, maxResultSize) is named instead.
 */
import { MIN_SPARK_HEAP_MIB } from "../config/experiment";
import { SAFE_MARGIN } from "../predict/constants";
import type { ProfiledRun, ProfileTarget, ProjectedLimitId } from "./projectJob";
import { projectJob } from "./projectJob";

/** Limits whose capacity follows the executor heap. */
const EXECUTOR_LIMITS: readonly ProjectedLimitId[] = [
  "executor_collect_heap",
  "executor_broadcast_heap",
  "task_execution_memory",
];
/** Limits no memory setting moves. */
const FIXED_LIMITS: readonly ProjectedLimitId[] = [
  "driver_max_result_size",
  "broadcast_rows",
  "broadcast_bytes",
];

const STEP_MIB = 64;
const MAX_MIB = 256 * 1024;

export interface ProfileRecommendation {
  readonly targetScale: number;
  /** The scale every recommended setting keeps its limits beyond: target x 2^SAFE_MARGIN. */
  readonly safeScale: number;
  /** Null when no heap up to 256 GiB does. */
  readonly executorHeapMiB: number | null;
  readonly driverMiB: number | null;
  /** Null when the pod limit does not apply or no overhead does. */
  readonly overheadMiB: number | null;
  /** Spark limits crossed before the safe scale that memory does not move. */
  readonly fixedLimits: readonly ProjectedLimitId[];
}

/** The smallest value from `from` in 64 MiB steps for which `safe` holds; null past 256 GiB. */
function smallest(from: number, safe: (mib: number) => boolean): number | null {
  const start = Math.ceil(from / STEP_MIB) * STEP_MIB;
  for (let mib = start; mib <= MAX_MIB; mib += STEP_MIB) if (safe(mib)) return mib;
  return null;
}

export function recommendFromProfile(
  runs: readonly ProfiledRun[],
  target: ProfileTarget,
  targetScale: number,
): ProfileRecommendation {
  const safeScale = targetScale * 2 ** SAFE_MARGIN;
  const keeps = (t: ProfileTarget, ids: readonly ProjectedLimitId[]) =>
    projectJob(runs, t)
      .limits.filter((l) => ids.includes(l.id) && l.failureClass !== null)
      .every((l) => l.crossingScale === null || l.crossingScale >= safeScale);
  const executorHeapMiB = smallest(MIN_SPARK_HEAP_MIB, (heapMiB) =>
    keeps({ ...target, heapMiB }, EXECUTOR_LIMITS),
  );
  const heapMiB = executorHeapMiB ?? target.heapMiB;
  const driverMiB = smallest(MIN_SPARK_HEAP_MIB, (mib) =>
    keeps({ ...target, heapMiB, driverMiB: mib }, ["driver_heap"]),
  );
  const overheadMiB = target.memoryLimited
    ? smallest(0, (mib) => keeps({ ...target, heapMiB, overheadMiB: mib }, ["executor_container"]))
    : null;
  const fixedLimits = projectJob(runs, target)
    .limits.filter(
      (l) => FIXED_LIMITS.includes(l.id) && l.crossingScale !== null && l.crossingScale < safeScale,
    )
    .map((l) => l.id);
  return { targetScale, safeScale, executorHeapMiB, driverMiB, overheadMiB, fixedLimits };
}
