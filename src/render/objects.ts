import type { ExperimentConfig } from "../config/experiment";
import type { StackConfig } from "../config/stack";
import { NODE_EVENT_LOG_MOUNT_PATH, type EventLogStorage } from "../spark/eventLogStorage";
import { gkeEventLogStorage } from "../testbed/eventLogs";
import type { SparkApplicationManifest } from "../spark/sparkApplication";
import { sparkImageRef } from "../testbed/mirror";
import type { Cell } from "../experiment/cells";
import { cellLaunch, type CellLaunch, type ExperimentContext } from "./launch";
import { sparkApplicationOf, workloadConfigMap, type ConfigMapManifest } from "./manifests";
import type { PlacementTarget } from "../experiment/nodeGroups";

/** Every Kubernetes object an experiment applies, and how each cell is launched. */
export interface ExperimentObjects {
  /** The workload script. */
  readonly configMap: ConfigMapManifest;
  /** Each cell's launch, in cell order: what either way of starting it is rendered from. */
  readonly launches: readonly CellLaunch[];
  /** One SparkApplication per cell, in cell order (what the Spark Operator starts). */
  readonly applications: readonly SparkApplicationManifest[];
}

/** The Spark image a stack's cells run: through the GKE mirror, or as the existing cluster names it. */
export function stackSparkImage(config: StackConfig): string {
  if (config.target === "existingCluster") {
    return config.existingCluster.image ?? `apache/spark:${config.sparkVersion}`;
  }
  return sparkImageRef(config.gcpProject, config.location, config.sparkImage, config.sparkVersion);
}

/** Where the stack's cells write their event logs: a GKE bucket, an existing cluster's node folder, or nowhere. */
export function experimentEventLogStorage(config: StackConfig): EventLogStorage | undefined {
  if (config.target === "gke") return gkeEventLogStorage(config);
  const folder = config.existingCluster.eventLogs;
  return folder
    ? { kind: "nodeVolume", hostPath: folder.hostPath, mountPath: NODE_EVENT_LOG_MOUNT_PATH }
    : undefined;
}

/** What every cell of the stack's experiment shares. */
export function experimentContext(
  config: StackConfig,
  experiment: ExperimentConfig,
  placement: PlacementTarget,
  workloadConfigMapName: string,
): ExperimentContext {
  const existing = config.target === "existingCluster" ? config.existingCluster : undefined;
  const eventLog = experimentEventLogStorage(config);
  return {
    experiment: experiment.name,
    namespace: config.jobNamespace,
    image: stackSparkImage(config),
    imagePullPolicy: existing?.imagePullPolicy ?? "IfNotPresent",
    sparkVersion: config.sparkVersion,
    driverScheduling: placement.driverScheduling,
    driverServiceAccount: config.driverServiceAccount,
    workloadConfigMap: workloadConfigMapName,
    ...(existing?.podCpuRequest ? { podCoreRequest: existing.podCpuRequest } : {}),
    ...(eventLog ? { eventLog } : {}),
  };
}

/**
 * The objects of an experiment, from config alone: the Experiment component registers exactly
 * these, `plan --out` writes exactly these, and the cluster runner applies exactly these.
 */
export function experimentObjects(
  config: StackConfig,
  experiment: ExperimentConfig,
  cells: readonly Cell[],
  workloadScript: string,
  placement: PlacementTarget,
): ExperimentObjects {
  const configMap = workloadConfigMap(experiment.name, config.jobNamespace, workloadScript);
  const context = experimentContext(config, experiment, placement, configMap.metadata.name);
  const launches = cells.map((cell) => cellLaunch(cell, context));
  return { configMap, launches, applications: launches.map(sparkApplicationOf) };
}
