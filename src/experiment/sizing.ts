/**
 * Spark's memory arithmetic for one executor or driver pod, in one place: the pod's memory
 * limit is what decides which node pool a cell fits, and what the container is killed at.
 */

/** Spark's floor on memory overhead (`MEMORY_OVERHEAD_MIN_MIB` in Spark's Kubernetes code). */
export const MIN_MEMORY_OVERHEAD_MIB = 384;

/**
 * Overhead Spark adds to a heap: an explicit spark.{executor,driver}.memoryOverhead as given,
 * else max(384 MiB, factor x heap), truncated as Spark does (KubernetesConf / BasicExecutorFeatureStep).
 */
export function memoryOverheadMiB(heapMiB: number, factor: number, explicitMiB?: number): number {
  if (explicitMiB !== undefined) return explicitMiB;
  return Math.max(MIN_MEMORY_OVERHEAD_MIB, Math.floor(factor * heapMiB));
}

/** A pod's memory request and limit: heap plus overhead (Spark sets both to this). */
export function podMemoryMiB(heapMiB: number, factor: number, explicitMiB?: number): number {
  return heapMiB + memoryOverheadMiB(heapMiB, factor, explicitMiB);
}

/**
 * Memory on every node taken by GKE's own DaemonSets (logging, metrics, kube-proxy, CSI):
 * requests of a few hundred MiB that come out of the same allocatable memory. Executors that
 * ignore it stay Pending forever on a node that looks big enough.
 */
export const DAEMONSET_RESERVE_MIB = 512;
