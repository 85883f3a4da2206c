import type { ExperimentConfig } from "../config/experiment";
import type { StackConfig } from "../config/stack";
import type { SparkApplicationManifest } from "../spark/sparkApplication";
import type { Cell } from "../experiment/cells";
import { cellLaunch, type CellLaunch, type ExperimentContext } from "./launch";
import { sparkApplicationOf, workloadConfigMap, type ConfigMapManifest } from "./manifests";
import type { PlacementTarget } from "../experiment/nodeGroups";
import type { StackRuntime } from "./stackRuntime";

/** Every Kubernetes object an experiment applies, and how each cell is launched. */
export interface ExperimentObjects {
  /** The workload script. */
  readonly configMap: ConfigMapManifest;
  /** Each cell's launch, in cell order: what either way of starting it is rendered from. */
  readonly launches: readonly CellLaunch[];
  /** One SparkApplication per cell, in cell order (what the Spark Operator starts). */
  readonly applications: readonly SparkApplicationManifest[];
}

/** What an experiment's objects are made from: the compiled stack's parts. */
export interface ExperimentInputs {
  readonly config: StackConfig;
  readonly experiment: ExperimentConfig;
  readonly cells: readonly Cell[];
  readonly workloadScript: string;
  /** A query experiment's files beside it (render/workloadScript.ts); none for the join. */
  readonly queryFiles?: Readonly<Record<string, string>>;
  readonly placement: PlacementTarget;
  readonly runtime: StackRuntime;
}

/** What every cell of the stack's experiment shares. */
function experimentContext(
  { config, experiment, placement, runtime }: ExperimentInputs,
  workloadConfigMapName: string,
): ExperimentContext {
  const existing = config.target === "existingCluster" ? config.existingCluster : undefined;
  const { eventLog } = runtime;
  return {
    experiment: experiment.name,
    namespace: config.jobNamespace,
    image: runtime.sparkImage,
    imagePullPolicy: existing?.imagePullPolicy ?? "IfNotPresent",
    sparkVersion: config.sparkVersion,
    driverScheduling: placement.driverScheduling,
    driverServiceAccount: runtime.identities.driverServiceAccount,
    workloadConfigMap: workloadConfigMapName,
    ...(existing?.podCpuRequest ? { podCoreRequest: existing.podCpuRequest } : {}),
    ...(eventLog ? { eventLog } : {}),
    ...(existing?.data ? { dataHostPath: existing.data.hostPath } : {}),
  };
}

/**
 * The objects of an experiment, from config alone: the Experiment component registers exactly
 * these, `plan --out` writes exactly these, and the cluster runner applies exactly these.
 */
export function experimentObjects(inputs: ExperimentInputs): ExperimentObjects {
  const { config, experiment } = inputs;
  const configMap = workloadConfigMap(
    experiment.name,
    config.jobNamespace,
    inputs.workloadScript,
    inputs.queryFiles,
  );
  const context = experimentContext(inputs, configMap.metadata.name);
  const launches = inputs.cells.map((cell) => cellLaunch(cell, context));
  return { configMap, launches, applications: launches.map(sparkApplicationOf) };
}
