import { createHash } from "node:crypto";
import type { Cell } from "../experiment/cells";
import {
  SPARK_APPLICATION_API_VERSION,
  SPARK_APPLICATION_KIND,
  type SparkApplicationManifest,
  type VolumeMount,
} from "../spark/sparkApplication";
import {
  cellLaunch,
  EXPERIMENT_LABEL,
  WORKLOAD_FILE,
  WORKLOAD_MOUNT_PATH,
  WORKLOAD_VOLUME,
  type CellLaunch,
  type ExperimentContext,
  type PodLaunch,
} from "./launch";

export { CELL_LABEL, EXPERIMENT_LABEL, WORKLOAD_FILE, WORKLOAD_MOUNT_PATH } from "./launch";
export type { ExperimentContext } from "./launch";

/** A ConfigMap holding the workload script. */
export interface ConfigMapManifest {
  readonly apiVersion: "v1";
  readonly kind: "ConfigMap";
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
  };
  readonly immutable: true;
  readonly data: Readonly<Record<string, string>>;
}

/** Short content hash: part of the ConfigMap's name, so a changed script is a new object. */
export function contentHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 10);
}

/**
 * The workload script as an immutable ConfigMap named after its content: a changed script gets
 * a new name, so every cell that mounts it is replaced (re-run) rather than silently mixing
 * results of two workload versions under one cell name.
 */
export function workloadConfigMap(
  experiment: string,
  namespace: string,
  script: string,
  /** A query experiment's files beside the join workload (which the query workload imports). */
  queryFiles: Readonly<Record<string, string>> = {},
): ConfigMapManifest {
  const data = { [WORKLOAD_FILE]: script, ...queryFiles };
  // A join experiment's ConfigMap keeps the name it always had: its cells are not replaced.
  const query = Object.keys(queryFiles).length > 0;
  const content = query
    ? Object.entries(data)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, text]) => `${key}\0${text}`)
        .join("\0")
    : script;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `${query ? "query" : "join"}-workload-${contentHash(content)}`,
      namespace,
      labels: { [EXPERIMENT_LABEL]: experiment },
    },
    immutable: true,
    data,
  };
}

/** The SparkApplication that runs one cell. */
export function cellApplication(cell: Cell, context: ExperimentContext): SparkApplicationManifest {
  return sparkApplicationOf(cellLaunch(cell, context));
}

/** A cell's launch as a SparkApplication: what the Spark Operator turns into a spark-submit. */
export function sparkApplicationOf(launch: CellLaunch): SparkApplicationManifest {
  const mounts: VolumeMount[] = [
    { name: WORKLOAD_VOLUME, mountPath: WORKLOAD_MOUNT_PATH, readOnly: true },
    ...(launch.data ? [launch.data.mount] : []),
  ];
  const { driver, executor } = launch;
  const coreRequest = (pod: PodLaunch) => (pod.coreRequest ? { coreRequest: pod.coreRequest } : {});
  const tolerations = (pod: PodLaunch) =>
    pod.scheduling.tolerations.length > 0 ? { tolerations: [...pod.scheduling.tolerations] } : {};
  return {
    apiVersion: SPARK_APPLICATION_API_VERSION,
    kind: SPARK_APPLICATION_KIND,
    metadata: { name: launch.name, namespace: launch.namespace, labels: { ...launch.labels } },
    spec: {
      type: "Python",
      pythonVersion: "3",
      mode: "cluster",
      image: launch.image,
      imagePullPolicy: launch.imagePullPolicy,
      mainApplicationFile: launch.mainApplicationFile,
      arguments: [...launch.arguments],
      sparkVersion: launch.sparkVersion,
      sparkConf: { ...launch.sparkConf },
      // A failed cell is a result: retrying would hide it and double the cost.
      restartPolicy: { type: "Never" },
      // Operator v2 applies volumes other than spark-local-dir-* through its webhook.
      volumes: [
        { name: WORKLOAD_VOLUME, configMap: { name: launch.workloadConfigMap } },
        ...(launch.data ? [launch.data.volume] : []),
        ...(launch.eventLog?.volumes ?? []),
        // The executors' connector shares the driver's volume when the driver has one.
        ...(launch.executorConnector?.volumes ?? []).filter(
          (v) => !(launch.eventLog?.volumes ?? []).some((d) => d.name === v.name),
        ),
      ],
      driver: {
        cores: driver.cores,
        ...coreRequest(driver),
        memory: `${driver.memoryMiB}m`,
        memoryOverhead: `${driver.memoryOverheadMiB}m`,
        serviceAccount: launch.serviceAccount,
        labels: { ...launch.labels },
        nodeSelector: { ...driver.scheduling.nodeSelector },
        ...tolerations(driver),
        securityContext: launch.securityContext,
        volumeMounts: [...mounts, ...(launch.eventLog?.driverVolumeMounts ?? [])],
        ...(launch.eventLog && launch.eventLog.driverInitContainers.length > 0
          ? { initContainers: [...launch.eventLog.driverInitContainers] }
          : {}),
      },
      executor: {
        instances: executor.instances,
        cores: executor.cores,
        ...coreRequest(executor),
        memory: `${executor.memoryMiB}m`,
        memoryOverhead: `${executor.memoryOverheadMiB}m`,
        labels: { ...launch.labels },
        nodeSelector: { ...executor.scheduling.nodeSelector },
        ...tolerations(executor),
        deleteOnTermination: executor.deleteOnTermination,
        securityContext: launch.securityContext,
        volumeMounts: [...mounts, ...(launch.executorConnector?.mounts ?? [])],
        ...(launch.executorConnector
          ? { initContainers: [...launch.executorConnector.initContainers] }
          : {}),
      },
    },
  };
}
