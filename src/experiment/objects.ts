import type { StackConfig } from "../config/stack";
import type { ExperimentConfig } from "../config/experiment";
import { gkeEventLogStorage } from "../testbed/eventLogs";
import { sparkImageRef } from "../testbed/mirror";
import { POOL_LABEL, SYSTEM_POOL_NAME } from "../testbed/pools";
import type { SparkApplicationManifest } from "../spark/sparkApplication";
import type { Cell } from "./cells";
import { cellApplication, workloadConfigMap, type ConfigMapManifest } from "./manifests";

/** Every Kubernetes object an experiment applies. */
export interface ExperimentObjects {
  /** The workload script. */
  readonly configMap: ConfigMapManifest;
  /** One SparkApplication per cell, in cell order. */
  readonly applications: readonly SparkApplicationManifest[];
}

/**
 * The objects of an experiment, from config alone: the Experiment component registers exactly
 * these, and `plan --out` writes exactly these.
 */
export function experimentObjects(
  config: StackConfig,
  experiment: ExperimentConfig,
  cells: readonly Cell[],
  workloadScript: string,
): ExperimentObjects {
  const configMap = workloadConfigMap(experiment.name, config.jobNamespace, workloadScript);
  const context = {
    experiment: experiment.name,
    namespace: config.jobNamespace,
    image: sparkImageRef(
      config.gcpProject,
      config.location,
      config.sparkImage,
      config.sparkVersion,
    ),
    imagePullPolicy: "IfNotPresent" as const,
    sparkVersion: config.sparkVersion,
    driverScheduling: { nodeSelector: { [POOL_LABEL]: SYSTEM_POOL_NAME }, tolerations: [] },
    driverServiceAccount: config.driverServiceAccount,
    workloadConfigMap: configMap.metadata.name,
    eventLog: gkeEventLogStorage(config),
  };
  return { configMap, applications: cells.map((cell) => cellApplication(cell, context)) };
}
