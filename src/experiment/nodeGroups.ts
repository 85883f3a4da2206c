/**
 * Where a stack's cells may run, as groups of like nodes: a GKE testbed's experiment pools, or
 * the nodes of an existing cluster its config points executors at. Cells are placed on these.
 */
import type { ExistingClusterConfig } from "../config/existingCluster";
import type { Toleration } from "../spark/sparkApplication";
import {
  EXPERIMENT_TAINT_KEY,
  POOL_LABEL,
  SYSTEM_POOL_NAME,
  type PoolSpec,
} from "../testbed/pools";
import { DAEMONSET_RESERVE_MIB } from "./sizing";

/** Which nodes a pod may run on. */
export interface PodScheduling {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

/** Nodes executors can be placed on together. */
export interface NodeGroup {
  /** Recorded as the cell's `pool`. */
  readonly name: string;
  /** Memory each node offers pods, MiB; null when unknown (then a cell is not checked against it). */
  readonly allocatableMiB: number | null;
  /** Of that, what the platform's own pods take on every node, and why. */
  readonly reserveMiB: number;
  readonly reserveReason: string;
  /** How many nodes the executors may use. */
  readonly maxNodes: number;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

/** Where a stack's drivers and executors may go. */
export interface PlacementTarget {
  /** Candidate groups for executors; a cell goes to the smallest that holds it. */
  readonly executorGroups: readonly NodeGroup[];
  /** Where drivers run. */
  readonly driverScheduling: PodScheduling;
  /** The drivers' nodes, when their room is known: checked against the driver pod. */
  readonly driverNodes?: { readonly description: string; readonly roomMiB: number };
}

/** A GKE testbed: each experiment pool (tainted, labelled) for executors, the system pool for drivers. */
export function gkePlacement(pools: readonly PoolSpec[]): PlacementTarget {
  const system = pools.find((pool) => pool.role === "system");
  return {
    executorGroups: pools
      .filter((pool) => pool.role === "experiment")
      .map((pool) => ({
        name: pool.name,
        allocatableMiB: pool.allocatableMiB,
        reserveMiB: DAEMONSET_RESERVE_MIB,
        reserveReason: "GKE DaemonSets",
        maxNodes: pool.maxNodes,
        nodeSelector: { [POOL_LABEL]: pool.name },
        tolerations: [
          { key: EXPERIMENT_TAINT_KEY, operator: "Equal", value: pool.name, effect: "NoSchedule" },
        ],
      })),
    driverScheduling: { nodeSelector: { [POOL_LABEL]: SYSTEM_POOL_NAME }, tolerations: [] },
    driverNodes: system && {
      description: `the system pool (${system.machineType})`,
      roomMiB: system.allocatableMiB - DAEMONSET_RESERVE_MIB,
    },
  };
}

/** Name recorded as the `pool` of cells on an existing cluster. */
export const EXISTING_CLUSTER_POOL = "existing-cluster";

/** An existing cluster: the nodes its config selects for executors and for drivers. */
export function existingClusterPlacement(cluster: ExistingClusterConfig): PlacementTarget {
  return {
    executorGroups: [
      {
        name: EXISTING_CLUSTER_POOL,
        allocatableMiB: cluster.executors.nodeAllocatableMiB ?? null,
        reserveMiB: 0,
        reserveReason: "",
        maxNodes: cluster.executors.nodes,
        nodeSelector: cluster.executors.nodeSelector,
        tolerations: cluster.executors.tolerations,
      },
    ],
    driverScheduling: {
      nodeSelector: cluster.drivers.nodeSelector,
      tolerations: cluster.drivers.tolerations,
    },
  };
}
