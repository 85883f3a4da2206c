/**
 * How one cell's Spark application is launched, independent of what starts it: the single
 * definition both the SparkApplication (started by the Spark Operator) and Spark's native
 * `spark-submit --deploy-mode cluster` are rendered from, so the two can never disagree on
 * memory, overhead, cores, placement, identity, workload or Spark settings.
 */
import { SPARK_SECURITY_CONTEXT, type SecurityContext } from "../spark/sparkApplication";
import {
  eventLogPodParts,
  executorConnectorParts,
  type EventLogPodParts,
  type EventLogStorage,
  type ExecutorConnectorParts,
} from "../spark/eventLogStorage";
import type { Cell } from "../experiment/cells";
import type { PodScheduling } from "../experiment/nodeGroups";

import { DATA_MOUNT_PATH, WORKLOAD_MOUNT_PATH } from "../experiment/queryArguments";
import type { HostPathVolume, VolumeMount } from "../spark/sparkApplication";
export { DATA_MOUNT_PATH, WORKLOAD_MOUNT_PATH };

/** File name of the join workload inside its ConfigMap and mount. */
export const WORKLOAD_FILE = "join_workload.py";
/** File name of the query workload (tpch, sql, pyspark cells) beside it. */
export const QUERY_WORKLOAD_FILE = "query_workload.py";
/** Name of the query cells' data volume in driver and executor pods. */
export const DATA_VOLUME = "data";
/** Label naming the experiment on every object it creates. */
export const EXPERIMENT_LABEL = "spark-at-scale/experiment";
/** Label naming the cell on its application and pods. */
export const CELL_LABEL = "spark-at-scale/cell";
/** Name of the workload volume in driver and executor pods. */
export const WORKLOAD_VOLUME = "workload";

/** How the image is pulled: a registry-less local cluster uses `Never`. */
export type ImagePullPolicy = "IfNotPresent" | "Always" | "Never";

/** Resources and placement of the driver or of each executor. */
export interface PodLaunch {
  /** Spark cores (spark.{driver,executor}.cores). */
  readonly cores: number;
  /** CPU the pod requests, when it differs from `cores` (a small node may need less). */
  readonly coreRequest?: string;
  /** JVM heap, MiB. */
  readonly memoryMiB: number;
  /** Memory overhead, MiB: pod limit = heap + overhead. */
  readonly memoryOverheadMiB: number;
  readonly scheduling: PodScheduling;
}

/**
 * Everything that starts one cell's application. Its name (the application's) and its Spark
 * settings are the cell's own.
 */
export interface CellLaunch extends Pick<Cell, "name" | "sparkConf"> {
  readonly namespace: string;
  /** Labels on the application and on its driver and executor pods. */
  readonly labels: Readonly<Record<string, string>>;
  readonly image: string;
  readonly imagePullPolicy: ImagePullPolicy;
  readonly sparkVersion: string;
  /** The workload, as Spark names a file inside the image or a mounted volume. */
  readonly mainApplicationFile: string;
  readonly arguments: readonly string[];
  /** Service account the driver runs as (it creates the executors). */
  readonly serviceAccount: string;
  /** ConfigMap holding the workload, mounted at WORKLOAD_MOUNT_PATH in every pod. */
  readonly workloadConfigMap: string;
  readonly securityContext: SecurityContext;
  readonly driver: PodLaunch;
  readonly executor: PodLaunch & {
    readonly instances: number;
    /** false keeps executor pods after they end: their exit code and reason are the evidence. */
    readonly deleteOnTermination: false;
  };
  /**
   * What the driver needs to write its event log (its settings are already in sparkConf):
   * volumes, the driver's mounts and init containers. Absent without event-log storage.
   */
  readonly eventLog?: EventLogPodParts;
  /**
   * The Cloud Storage connector for each executor: a query cell on GKE reads its tables from
   * the data bucket. Absent elsewhere (the driver's comes with its event log).
   */
  readonly executorConnector?: ExecutorConnectorParts;
  /** The data of query cells, for the driver and every executor; absent when none is declared. */
  readonly data?: { readonly volume: HostPathVolume; readonly mount: VolumeMount };
}

/** What every cell of an experiment shares, from the target cluster's config. */
export interface ExperimentContext {
  /** Experiment name. */
  readonly experiment: string;
  /** Jobs namespace. */
  readonly namespace: string;
  /** Spark image reference. */
  readonly image: string;
  readonly imagePullPolicy: ImagePullPolicy;
  /** Spark version of the image. */
  readonly sparkVersion: string;
  /** Driver service account. */
  readonly driverServiceAccount: string;
  /** Name of the workload ConfigMap. */
  readonly workloadConfigMap: string;
  /** Where drivers run. */
  readonly driverScheduling: PodScheduling;
  /** CPU each pod requests instead of its Spark cores (e.g. 200m on a 2-CPU test node). */
  readonly podCoreRequest?: string;
  /** Where drivers write event logs (src/spark/eventLogStorage.ts); none when absent. */
  readonly eventLog?: EventLogStorage;
  /** The nodes' folder of query data, mounted at DATA_MOUNT_PATH; none when absent. */
  readonly dataHostPath?: string;
}

/** The query data's node folder as a read-only volume at DATA_MOUNT_PATH. */
function dataVolume(hostPath: string): NonNullable<CellLaunch["data"]> {
  return {
    volume: { name: DATA_VOLUME, hostPath: { path: hostPath, type: "Directory" } },
    mount: { name: DATA_VOLUME, mountPath: DATA_MOUNT_PATH, readOnly: true },
  };
}

/** The launch of one placed cell in an experiment. */
export function cellLaunch(cell: Cell, context: ExperimentContext): CellLaunch {
  const { sizing, parameters, placement } = cell;
  const coreRequest = context.podCoreRequest ? { coreRequest: context.podCoreRequest } : {};
  const eventLog = context.eventLog
    ? eventLogPodParts(context.eventLog, SPARK_SECURITY_CONTEXT)
    : undefined;
  // Query cells on GKE read gs:// tables on the executors too.
  const executorConnector =
    parameters.query && context.eventLog?.kind === "gcs"
      ? executorConnectorParts(context.eventLog, SPARK_SECURITY_CONTEXT)
      : undefined;
  return {
    name: cell.name,
    namespace: context.namespace,
    labels: { [EXPERIMENT_LABEL]: context.experiment, [CELL_LABEL]: cell.name },
    image: context.image,
    imagePullPolicy: context.imagePullPolicy,
    sparkVersion: context.sparkVersion,
    mainApplicationFile: `local://${WORKLOAD_MOUNT_PATH}/${parameters.query ? QUERY_WORKLOAD_FILE : WORKLOAD_FILE}`,
    arguments: cell.workloadArgs,
    sparkConf: { ...cell.sparkConf, ...eventLog?.sparkConf, ...executorConnector?.sparkConf },
    serviceAccount: context.driverServiceAccount,
    workloadConfigMap: context.workloadConfigMap,
    securityContext: SPARK_SECURITY_CONTEXT,
    driver: {
      cores: 1,
      ...coreRequest,
      memoryMiB: sizing.driverMemoryMiB,
      // Stated for the same reason as the executors': the pod the drivers' nodes were checked for.
      memoryOverheadMiB: sizing.driverPodMemoryMiB - sizing.driverMemoryMiB,
      scheduling: context.driverScheduling,
    },
    executor: {
      instances: sizing.executorInstances,
      cores: parameters.executorCores,
      ...coreRequest,
      memoryMiB: sizing.heapMiB,
      // Stated, not left to Spark's default (0.4 for Python apps on Kubernetes), so the pod
      // limit is exactly the one the cell was placed by.
      memoryOverheadMiB: sizing.overheadMiB,
      scheduling: { nodeSelector: placement.nodeSelector, tolerations: placement.tolerations },
      deleteOnTermination: false,
    },
    ...(eventLog ? { eventLog } : {}),
    ...(executorConnector ? { executorConnector } : {}),
    // Only query cells read data; a join cell's pods stay as they were.
    ...(context.dataHostPath && parameters.query ? { data: dataVolume(context.dataHostPath) } : {}),
  };
}
