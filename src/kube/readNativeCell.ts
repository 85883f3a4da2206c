import { ApiException, CoreV1Api, type KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { eventsAboutFieldSelector } from "./cellSelectors";
import { SPARK_CONTAINERS } from "./sparkOperatorApi";

/** Enough of the driver log for the end of a failure: the abort, its cause, the result line. */
const DRIVER_LOG_TAIL_LINES = 2000;

const isApiError = (error: unknown, ...codes: number[]): boolean =>
  error instanceof ApiException && codes.includes(error.code);

/** The driver pod of a natively submitted cell, or undefined when there is none. */
export async function readDriverPod(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
): Promise<V1Pod | undefined> {
  try {
    return await kubeConfig.makeApiClient(CoreV1Api).readNamespacedPod({ name, namespace });
  } catch (error) {
    if (isApiError(error, 404)) return undefined;
    throw error;
  }
}

/** The label selector of a cell's pods: every label its launch put on them. */
export function launchLabelSelector(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

/** Everything the cluster holds about a natively submitted cell, as evidenceFromNativeSubmission takes it. */
export interface NativeCellRead {
  readonly pods: readonly V1Pod[];
  readonly events: readonly unknown[];
  readonly driverLog?: string;
}

/**
 * Reads a natively submitted cell's pods (by its launch labels), the Events about each, and the
 * driver log's tail. The pods are the driver and the executors Spark kept after they ended.
 */
export async function readNativeCell(
  kubeConfig: KubeConfig,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  driverPodName: string,
): Promise<NativeCellRead> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const pods = (
    await core.listNamespacedPod({ namespace, labelSelector: launchLabelSelector(labels) })
  ).items;
  const names = pods.flatMap((pod) => (pod.metadata?.name ? [pod.metadata.name] : []));
  const eventLists = await Promise.all(
    names.map((name) =>
      core.listNamespacedEvent({ namespace, fieldSelector: eventsAboutFieldSelector(name) }),
    ),
  );
  let driverLog: string | undefined;
  if (names.includes(driverPodName)) {
    try {
      driverLog = await core.readNamespacedPodLog({
        name: driverPodName,
        namespace,
        container: SPARK_CONTAINERS.driver,
        tailLines: DRIVER_LOG_TAIL_LINES,
      });
    } catch (error) {
      // 400: the container never started; 404: the pod went away meanwhile.
      if (!isApiError(error, 400, 404)) throw error;
    }
  }
  return { pods, events: eventLists.flatMap((list) => list.items), driverLog };
}

/** Deletes a cell's driver pod; its executors, service and config maps go with it (owner references). */
export async function deleteDriverPod(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
): Promise<void> {
  try {
    await kubeConfig
      .makeApiClient(CoreV1Api)
      .deleteNamespacedPod({ name, namespace, propagationPolicy: "Background" });
  } catch (error) {
    if (!isApiError(error, 404)) throw error;
  }
}
