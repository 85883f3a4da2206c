import { allocatableMemoryMiB, MACHINE_TYPES } from "../core/machineTypes";
import type { TestbedConfig } from "../config/testbed";

/** Node label every pool carries, naming it: how pods are pinned to a memory tier. */
export const POOL_LABEL = "spark-at-scale/pool";
/** Taint key on experiment pools: only pods that tolerate it (experiment executors) land there. */
export const EXPERIMENT_TAINT_KEY = "spark-at-scale/experiment";
/** Name of the always-present pool for the operator and Spark drivers. */
export const SYSTEM_POOL_NAME = "system";
/** Network tag on every node, so firewall rules can target the nodes of this testbed. */
export const NODE_NETWORK_TAG = "spark-at-scale-node";

/** A Kubernetes taint as GKE's node pool API spells it. */
export interface NodeTaint {
  /** Taint key. */
  readonly key: string;
  /** Taint value. */
  readonly value: string;
  /** GKE's spelling of the effect. */
  readonly effect: "NO_SCHEDULE";
}

/** Everything about one node pool that is decided from config alone. */
export interface PoolSpec {
  /** Pool name, also the value of its POOL_LABEL. */
  readonly name: string;
  /** `system` for the operator and drivers, `experiment` for an executor memory tier. */
  readonly role: "system" | "experiment";
  /** GCE machine type. */
  readonly machineType: string;
  /** Virtual CPUs per node. */
  readonly vcpus: number;
  /** Nominal memory per node, MiB. */
  readonly memoryMiB: number;
  /** Memory left for pods per node after GKE's reservations, MiB. */
  readonly allocatableMiB: number;
  /** Autoscaling lower bound. */
  readonly minNodes: number;
  /** Autoscaling upper bound. */
  readonly maxNodes: number;
  /** Spot VMs (cheaper, may be preempted: a preempted cell shows as an executor loss). */
  readonly spot: boolean;
  /** Node labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Node taints. */
  readonly taints: readonly NodeTaint[];
}

/** The node pools a testbed config asks for: the system pool first, then each memory tier. */
export function planPools(config: TestbedConfig): PoolSpec[] {
  const system: PoolSpec = {
    name: SYSTEM_POOL_NAME,
    role: "system",
    machineType: config.systemPool.machineType,
    vcpus: MACHINE_TYPES[config.systemPool.machineType].vcpus,
    memoryMiB: MACHINE_TYPES[config.systemPool.machineType].memoryMiB,
    allocatableMiB: allocatableMemoryMiB(config.systemPool.machineType),
    minNodes: config.systemPool.minNodes,
    maxNodes: config.systemPool.maxNodes,
    spot: false,
    labels: { [POOL_LABEL]: SYSTEM_POOL_NAME },
    taints: [],
  };
  const experiments = config.experimentPools.map((pool): PoolSpec => ({
    name: pool.name,
    role: "experiment",
    machineType: pool.machineType,
    vcpus: MACHINE_TYPES[pool.machineType].vcpus,
    memoryMiB: MACHINE_TYPES[pool.machineType].memoryMiB,
    allocatableMiB: allocatableMemoryMiB(pool.machineType),
    minNodes: pool.minNodes,
    maxNodes: pool.maxNodes,
    spot: pool.spot,
    labels: { [POOL_LABEL]: pool.name },
    taints: [{ key: EXPERIMENT_TAINT_KEY, value: pool.name, effect: "NO_SCHEDULE" }],
  }));
  return [system, ...experiments];
}
