import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  type CoreV1Event,
  type KubeConfig,
  type V1Pod,
} from "@kubernetes/client-node";
import { applicationStateOf } from "./applicationState";
import { cellPodLabelSelector, eventsAboutFieldSelector } from "./cellSelectors";
import { SparkApplicationNotFoundError } from "./errors";
import { parseObject, sparkApplicationSchema, type SparkApplication } from "./kubernetesObjects";
import { SPARK_APPLICATION_RESOURCE, SPARK_CONTAINERS } from "./sparkOperatorApi";

/** Enough of the driver log for the end of a failure: the abort, its cause, the result line. */
export const DEFAULT_DRIVER_LOG_TAIL_LINES = 2000;

/** Everything the cluster holds about one cell, as `evidenceFromKubernetes` takes it. */
export interface CellObjects {
  /** The SparkApplication with its status. */
  readonly app: SparkApplication;
  /** The current submission's driver and executor pods that still exist. */
  readonly pods: readonly V1Pod[];
  /** Events about the application and about each of those pods. */
  readonly events: readonly CoreV1Event[];
  /** The driver container's log tail; absent if the driver pod or its log is gone. */
  readonly driverLog?: string;
}

/** Options for `readCellEvidence`. */
export interface ReadCellOptions {
  /** How many lines of the driver log to read from its end. */
  readonly driverLogTailLines?: number;
}

const isApiError = (error: unknown, ...codes: number[]): error is ApiException<unknown> =>
  error instanceof ApiException && codes.includes(error.code);

/** The SparkApplication; throws `SparkApplicationNotFoundError` on 404. */
export async function readSparkApplication(
  kubeConfig: KubeConfig,
  namespace: string,
  appName: string,
): Promise<SparkApplication> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  let raw: unknown;
  try {
    raw = await api.getNamespacedCustomObject({
      ...SPARK_APPLICATION_RESOURCE,
      namespace,
      name: appName,
    });
  } catch (error) {
    if (isApiError(error, 404)) throw new SparkApplicationNotFoundError(namespace, appName);
    throw error;
  }
  return parseObject(sparkApplicationSchema, raw, `SparkApplication ${namespace}/${appName}`);
}

/** A reader of the application's state, for `waitForTerminalState`. */
export function applicationStateReader(
  kubeConfig: KubeConfig,
  namespace: string,
  appName: string,
): () => Promise<string> {
  return async () => applicationStateOf(await readSparkApplication(kubeConfig, namespace, appName));
}

/**
 * The driver container's log tail, or undefined when there is none to read: the pod is gone
 * (404) or its container never started (400, "container … is waiting to start").
 */
async function readDriverLog(
  core: CoreV1Api,
  namespace: string,
  podName: string,
  tailLines: number,
): Promise<string | undefined> {
  try {
    return await core.readNamespacedPodLog({
      name: podName,
      namespace,
      container: SPARK_CONTAINERS.driver,
      tailLines,
    });
  } catch (error) {
    if (isApiError(error, 400, 404)) return undefined;
    throw error;
  }
}

/**
 * Reads one cell's SparkApplication, its current submission's pods (by the operator's labels),
 * the Events about the application and those pods, and the driver log tail. Feed the result to
 * `evidenceFromKubernetes`. Throws `SparkApplicationNotFoundError` if the application is not there.
 */
export async function readCellEvidence(
  kubeConfig: KubeConfig,
  namespace: string,
  appName: string,
  options: ReadCellOptions = {},
): Promise<CellObjects> {
  const app = await readSparkApplication(kubeConfig, namespace, appName);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const podList = await core.listNamespacedPod({
    namespace,
    labelSelector: cellPodLabelSelector(app),
  });
  const pods = podList.items;

  // A field selector matches one name, so the app and each pod are asked about in turn.
  const subjects = [
    appName,
    ...pods.flatMap((pod) => (pod.metadata?.name ? [pod.metadata.name] : [])),
  ];
  const eventLists = await Promise.all(
    subjects.map((name) =>
      core.listNamespacedEvent({ namespace, fieldSelector: eventsAboutFieldSelector(name) }),
    ),
  );

  const driverPodName = app.status?.driverInfo?.podName;
  const tailLines = options.driverLogTailLines ?? DEFAULT_DRIVER_LOG_TAIL_LINES;
  const driverLog = driverPodName
    ? await readDriverLog(core, namespace, driverPodName, tailLines)
    : undefined;

  return { app, pods, events: eventLists.flatMap((list) => list.items), driverLog };
}
