import { createHash } from "node:crypto";
import type { Cell } from "./cells";
import {
  SPARK_APPLICATION_API_VERSION,
  SPARK_APPLICATION_KIND,
  SPARK_SECURITY_CONTEXT,
  type SparkApplicationManifest,
  type VolumeMount,
} from "../spark/sparkApplication";
import { EXPERIMENT_TAINT_KEY, POOL_LABEL, SYSTEM_POOL_NAME } from "../testbed/pools";

/** File name of the workload inside its ConfigMap and mount. */
export const WORKLOAD_FILE = "join_workload.py";
/** Where the workload ConfigMap is mounted in driver and executor containers. */
export const WORKLOAD_MOUNT_PATH = "/opt/spark-at-scale";
/** Label naming the experiment on every object it creates. */
export const EXPERIMENT_LABEL = "spark-at-scale/experiment";
/** Label naming the cell on its SparkApplication and pods. */
export const CELL_LABEL = "spark-at-scale/cell";

const WORKLOAD_VOLUME = "workload";

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

/** What every cell's SparkApplication shares. */
export interface ExperimentContext {
  /** Experiment name. */
  readonly experiment: string;
  /** Jobs namespace. */
  readonly namespace: string;
  /** Spark image, through the mirror. */
  readonly image: string;
  /** Spark version of the image. */
  readonly sparkVersion: string;
  /** Driver service account. */
  readonly driverServiceAccount: string;
  /** Name of the workload ConfigMap. */
  readonly workloadConfigMap: string;
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
): ConfigMapManifest {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `join-workload-${contentHash(script)}`,
      namespace,
      labels: { [EXPERIMENT_LABEL]: experiment },
    },
    immutable: true,
    data: { [WORKLOAD_FILE]: script },
  };
}

/** The SparkApplication that runs one cell. */
export function cellApplication(cell: Cell, context: ExperimentContext): SparkApplicationManifest {
  const labels = { [EXPERIMENT_LABEL]: context.experiment, [CELL_LABEL]: cell.name };
  const mounts: VolumeMount[] = [
    { name: WORKLOAD_VOLUME, mountPath: WORKLOAD_MOUNT_PATH, readOnly: true },
  ];
  return {
    apiVersion: SPARK_APPLICATION_API_VERSION,
    kind: SPARK_APPLICATION_KIND,
    metadata: { name: cell.name, namespace: context.namespace, labels },
    spec: {
      type: "Python",
      pythonVersion: "3",
      mode: "cluster",
      image: context.image,
      imagePullPolicy: "IfNotPresent",
      mainApplicationFile: `local://${WORKLOAD_MOUNT_PATH}/${WORKLOAD_FILE}`,
      arguments: cell.workloadArgs,
      sparkVersion: context.sparkVersion,
      sparkConf: { ...cell.sparkConf },
      // A failed cell is a result: retrying would hide it and double the cost.
      restartPolicy: { type: "Never" },
      // Operator v2 applies volumes other than spark-local-dir-* through its webhook.
      volumes: [{ name: WORKLOAD_VOLUME, configMap: { name: context.workloadConfigMap } }],
      driver: {
        cores: 1,
        memory: `${cell.sizing.driverMemoryMiB}m`,
        // Stated for the same reason as the executors': the pod the system pool was checked for.
        memoryOverhead: `${cell.sizing.driverPodMemoryMiB - cell.sizing.driverMemoryMiB}m`,
        serviceAccount: context.driverServiceAccount,
        labels,
        nodeSelector: { [POOL_LABEL]: SYSTEM_POOL_NAME },
        securityContext: SPARK_SECURITY_CONTEXT,
        volumeMounts: mounts,
      },
      executor: {
        instances: cell.sizing.executorInstances,
        cores: cell.parameters.executorCores,
        memory: `${cell.sizing.heapMiB}m`,
        // Stated, not left to Spark's default (0.4 for Python apps on Kubernetes), so the pod
        // limit is exactly the one the cell was placed by.
        memoryOverhead: `${cell.sizing.overheadMiB}m`,
        labels,
        nodeSelector: { [POOL_LABEL]: cell.placement.pool },
        tolerations: [
          {
            key: EXPERIMENT_TAINT_KEY,
            operator: "Equal",
            value: cell.placement.pool,
            effect: "NoSchedule",
          },
        ],
        // Keep ended executor pods: their exit code and reason are the evidence of how a cell failed.
        deleteOnTermination: false,
        securityContext: SPARK_SECURITY_CONTEXT,
        volumeMounts: mounts,
      },
    },
  };
}
