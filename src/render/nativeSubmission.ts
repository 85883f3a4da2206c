/**
 * Spark's native Kubernetes submission of a cell: the `spark-submit --master k8s://…
 * --deploy-mode cluster` command line and the driver and executor pod templates, rendered from
 * the same CellLaunch as the SparkApplication. It is what the Spark Operator itself runs for a
 * SparkApplication, so a cell behaves the same whichever way it starts, and it needs nothing
 * installed on the cluster.
 */
import { WORKLOAD_MOUNT_PATH, WORKLOAD_VOLUME, type CellLaunch, type PodLaunch } from "./launch";
import type {
  InitContainer,
  SecurityContext,
  Toleration,
  Volume,
  VolumeMount,
} from "../spark/sparkApplication";

/** Container names Spark gives the driver and executors; the templates use the same. */
export const DRIVER_CONTAINER = "spark-kubernetes-driver";
export const EXECUTOR_CONTAINER = "spark-kubernetes-executor";

/** Annotation on the driver pod carrying the hash of the launch it was submitted from. */
export const LAUNCH_HASH_ANNOTATION = "spark-at-scale/launch-hash";

/** A pod template file's content (core/v1 Pod), for what Spark has no setting for. */
export interface PodTemplate {
  readonly apiVersion: "v1";
  readonly kind: "Pod";
  readonly metadata: { readonly labels: Readonly<Record<string, string>> };
  readonly spec: {
    readonly tolerations?: readonly Toleration[];
    readonly volumes: readonly Volume[];
    readonly initContainers?: readonly InitContainer[];
    readonly containers: readonly {
      readonly name: string;
      readonly securityContext: SecurityContext;
      readonly volumeMounts: readonly VolumeMount[];
    }[];
  };
}

/** Where the submitter talks to the cluster, and where it wrote the pod templates. */
export interface SubmissionTarget {
  /** The API server's URL, e.g. https://10.244.0.1:6443 (from the kubeconfig's context). */
  readonly apiServer: string;
  /** The kubeconfig context, when not the current one. */
  readonly context?: string;
  /** Paths the caller writes `podTemplates.driver` / `.executor` to before submitting. */
  readonly driverTemplatePath: string;
  readonly executorTemplatePath: string;
  /** Hash of the launch, recorded on the driver pod to recognise it after an interruption. */
  readonly launchHash: string;
}

/** A cell's native submission. */
export interface NativeSubmission {
  /** spark-submit's arguments, in order. */
  readonly args: readonly string[];
  /** The Spark settings among them, by key (what a reviewer compares with a SparkApplication). */
  readonly conf: Readonly<Record<string, string>>;
  /** The driver pod's name: fixed, so a second submission of the same cell is refused. */
  readonly driverPodName: string;
  readonly podTemplates: { readonly driver: PodTemplate; readonly executor: PodTemplate };
}

/** The driver pod's name for a cell (Spark limits pod names to 63 characters). */
export function driverPodName(cellName: string): string {
  return `${cellName}-driver`;
}

function podTemplate(
  launch: CellLaunch,
  pod: PodLaunch,
  container: string,
  role: "driver" | "executor",
): PodTemplate {
  const tolerations = pod.scheduling.tolerations;
  // Event-log storage concerns the driver only, as in the SparkApplication.
  const eventLog = role === "driver" ? launch.eventLog : undefined;
  // The executors' connector (a query cell on GKE) is the executors' own.
  const connector = role === "executor" ? launch.executorConnector : undefined;
  const initContainers = [
    ...(eventLog?.driverInitContainers ?? []),
    ...(connector?.initContainers ?? []),
  ];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { labels: { ...launch.labels } },
    spec: {
      ...(tolerations.length > 0 ? { tolerations: [...tolerations] } : {}),
      volumes: [
        { name: WORKLOAD_VOLUME, configMap: { name: launch.workloadConfigMap } },
        ...(launch.data ? [launch.data.volume] : []),
        ...(eventLog?.volumes ?? []),
        ...(connector?.volumes ?? []),
      ],
      ...(initContainers.length > 0 ? { initContainers: [...initContainers] } : {}),
      containers: [
        {
          name: container,
          securityContext: launch.securityContext,
          volumeMounts: [
            { name: WORKLOAD_VOLUME, mountPath: WORKLOAD_MOUNT_PATH, readOnly: true },
            ...(launch.data ? [launch.data.mount] : []),
            ...(eventLog?.driverVolumeMounts ?? []),
            ...(connector?.mounts ?? []),
          ],
        },
      ],
    },
  };
}

/** Spark settings of one role's resources and placement (`driver` or `executor`). */
function podConf(role: "driver" | "executor", pod: PodLaunch): Record<string, string> {
  const conf: Record<string, string> = {
    [`spark.${role}.cores`]: String(pod.cores),
    [`spark.${role}.memory`]: `${pod.memoryMiB}m`,
    [`spark.${role}.memoryOverhead`]: `${pod.memoryOverheadMiB}m`,
  };
  if (pod.coreRequest) conf[`spark.kubernetes.${role}.request.cores`] = pod.coreRequest;
  for (const [key, value] of Object.entries(pod.scheduling.nodeSelector)) {
    conf[`spark.kubernetes.${role}.node.selector.${key}`] = value;
  }
  return conf;
}

/** The spark-submit command line and pod templates that start a cell. */
export function nativeSubmission(launch: CellLaunch, target: SubmissionTarget): NativeSubmission {
  const labels = (role: "driver" | "executor") =>
    Object.fromEntries(
      Object.entries(launch.labels).map(([key, value]) => [
        `spark.kubernetes.${role}.label.${key}`,
        value,
      ]),
    );
  const podName = driverPodName(launch.name);
  const conf: Record<string, string> = {
    "spark.kubernetes.namespace": launch.namespace,
    ...(target.context ? { "spark.kubernetes.context": target.context } : {}),
    "spark.kubernetes.container.image": launch.image,
    "spark.kubernetes.container.image.pullPolicy": launch.imagePullPolicy,
    "spark.kubernetes.authenticate.driver.serviceAccountName": launch.serviceAccount,
    "spark.kubernetes.driver.pod.name": podName,
    [`spark.kubernetes.driver.annotation.${LAUNCH_HASH_ANNOTATION}`]: target.launchHash,
    // The runner follows the driver pod itself; spark-submit only has to create it.
    "spark.kubernetes.submission.waitAppCompletion": "false",
    "spark.kubernetes.driver.podTemplateFile": target.driverTemplatePath,
    "spark.kubernetes.driver.podTemplateContainerName": DRIVER_CONTAINER,
    "spark.kubernetes.executor.podTemplateFile": target.executorTemplatePath,
    "spark.kubernetes.executor.podTemplateContainerName": EXECUTOR_CONTAINER,
    ...labels("driver"),
    ...labels("executor"),
    ...podConf("driver", launch.driver),
    ...podConf("executor", launch.executor),
    "spark.executor.instances": String(launch.executor.instances),
    "spark.kubernetes.executor.deleteOnTermination": String(launch.executor.deleteOnTermination),
    ...launch.sparkConf,
  };
  const args = [
    "--master",
    `k8s://${target.apiServer}`,
    "--deploy-mode",
    "cluster",
    "--name",
    launch.name,
    ...Object.entries(conf).flatMap(([key, value]) => ["--conf", `${key}=${value}`]),
    launch.mainApplicationFile,
    ...launch.arguments,
  ];
  return {
    args,
    conf,
    driverPodName: podName,
    podTemplates: {
      driver: podTemplate(launch, launch.driver, DRIVER_CONTAINER, "driver"),
      executor: podTemplate(launch, launch.executor, EXECUTOR_CONTAINER, "executor"),
    },
  };
}
