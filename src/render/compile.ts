import { parseConfig } from "../config/load";
import { stackSchema, type StackConfig } from "../config/stack";
import { planPools, type PoolSpec } from "../testbed/pools";
import type { Cell } from "../experiment/cells";
import { expandCells, planCells, type CellPlan } from "../experiment/planCells";
import {
  existingClusterPlacement,
  gkePlacement,
  type PlacementTarget,
} from "../experiment/nodeGroups";
import { experimentObjects, type ExperimentObjects } from "./objects";
import { stackRuntime, type StackRuntime } from "./stackRuntime";
import type { WorkloadConfig } from "../config/workload";
import { queryWorkloadFiles } from "./workloadScript";
import { CONTAINER_LOCATIONS, type WorkloadLocations } from "../experiment/queryArguments";
import { tpchBucketRoot } from "../testbed/queryData";

/**
 * Where a target's pods find a query cell's files and data: the workload ConfigMap's mount
 * everywhere; the TPC-H data in the data volume's mount on an existing cluster, in the testbed's
 * data bucket on GKE.
 */
export function workloadLocations(runtime: StackRuntime): WorkloadLocations {
  if (runtime.target !== "gke") return CONTAINER_LOCATIONS;
  return { ...CONTAINER_LOCATIONS, tpchData: tpchBucketRoot(runtime.queryDataBucket) };
}

/** A stack config taken all the way to what it would deploy, without deploying anything. */
export interface CompiledStack {
  readonly config: StackConfig;
  /** The GKE testbed's node pools; none for an existing cluster. */
  readonly pools: PoolSpec[];
  /** Where drivers and executors go. */
  readonly placement: PlacementTarget;
  /** The image, event-log storage and identities every pod of the stack shares. */
  readonly runtime: StackRuntime;
  /** The experiment's cells (empty without an experiment). */
  readonly cells: Cell[];
  /** The experiment's Kubernetes objects, when there is an experiment. */
  readonly objects?: ExperimentObjects;
}

/** Validates a raw stack config: typed config, or a ConfigError naming every bad key. */
export function validateStackConfig(raw: unknown, source: string): StackConfig {
  return parseConfig(stackSchema, raw, source);
}

/** The pools a stack builds (GKE) and where its pods go. */
function targetOf(config: StackConfig): { pools: PoolSpec[]; placement: PlacementTarget } {
  if (config.target === "existingCluster") {
    return { pools: [], placement: existingClusterPlacement(config.existingCluster) };
  }
  const pools = planPools(config);
  return { pools, placement: gkePlacement(pools) };
}

/**
 * Config -> pools -> cells -> objects, the one path the Pulumi program, `plan`, the cluster
 * runner and the pilot share. A cell that fits no pool is a ConfigError here, before anything
 * is registered.
 */
export function compileStack(
  raw: unknown,
  source: string,
  workloadScript: () => string,
  /** A query experiment's ConfigMap files; read from the checkout and the folder run in. */
  queryFiles: (workload: WorkloadConfig) => Record<string, string> = queryWorkloadFiles,
): CompiledStack {
  const config = validateStackConfig(raw, source);
  const { pools, placement } = targetOf(config);
  const runtime = stackRuntime(config);
  if (!config.experiment) return { config, pools, placement, runtime, cells: [] };
  const cells = expandCells(config.experiment, placement, source, workloadLocations(runtime));
  return {
    config,
    pools,
    placement,
    runtime,
    cells,
    objects: experimentObjects({
      config,
      experiment: config.experiment,
      cells,
      workloadScript: workloadScript(),
      queryFiles: queryFiles(config.experiment.workload),
      placement,
      runtime,
    }),
  };
}

/** Like compileStack, but keeps cells that fit nowhere as misfits, for `plan` to show. */
export function planStack(
  raw: unknown,
  source: string,
): { config: StackConfig; pools: PoolSpec[]; plan?: CellPlan } {
  const config = validateStackConfig(raw, source);
  const { pools, placement } = targetOf(config);
  return {
    config,
    pools,
    plan: config.experiment
      ? planCells(config.experiment, placement, workloadLocations(stackRuntime(config)))
      : undefined,
  };
}
