/**
 * Where cells on Kubernetes keep their event logs, and what a driver pod needs to write there:
 * one typed input, turned into Spark settings and pod parts by one function, so a
 * SparkApplication and a plain spark-submit against the same cluster write the same logs.
 */
import type { InitContainer, SecurityContext, Volume, VolumeMount } from "./sparkApplication";
import { eventLogSparkConf, fileUri } from "./eventLogSettings";

/** Cloud Storage: drivers write through the connector, as their Google service account. */
export interface GcsEventLogStorage {
  readonly kind: "gcs";
  /** Bucket name. */
  readonly bucket: string;
  /** Folder in the bucket (no slashes at either end). */
  readonly prefix: string;
  /** The Cloud Storage connector jar's https address (through the project's Maven mirror). */
  readonly connectorJarUrl: string;
  /** Image the jar is fetched with (the Spark image: it has Python). */
  readonly fetchImage: string;
}

/** A folder on the node, mounted into the driver: a cluster without object storage. */
export interface NodeVolumeEventLogStorage {
  readonly kind: "nodeVolume";
  /** Folder on the node (must be writable by the Spark image's uid 185). */
  readonly hostPath: string;
  /** Where it is mounted in the driver (and the History Server). */
  readonly mountPath: string;
}

/** Where a node folder of event logs is mounted in drivers and the History Server. */
export const NODE_EVENT_LOG_MOUNT_PATH = "/spark-events";

/** Where cells on Kubernetes keep their event logs. */
export type EventLogStorage = GcsEventLogStorage | NodeVolumeEventLogStorage;

/** What a driver pod needs to write its event log: settings, volumes, mounts, init containers. */
export interface EventLogPodParts {
  readonly sparkConf: Readonly<Record<string, string>>;
  readonly volumes: readonly Volume[];
  readonly driverVolumeMounts: readonly VolumeMount[];
  readonly driverInitContainers: readonly InitContainer[];
}

/** The connector's jar in the driver, and the Hadoop classes that serve `gs://`. */
export const CONNECTOR_DIR = "/opt/spark-connectors";
export const CONNECTOR_JAR = `${CONNECTOR_DIR}/gcs-connector.jar`;
const CONNECTOR_VOLUME = "gcs-connector";
const EVENT_LOG_VOLUME = "spark-events";

/**
 * Fetches the connector jar from Artifact Registry with the pod's own Google identity
 * (Workload Identity: a token from the GKE metadata server), so the mirror needs no public
 * access and no key. Python's standard library only: the Spark image has nothing else.
 */
export const FETCH_CONNECTOR_SCRIPT = `
import json, os, shutil, urllib.request
host = os.environ.get("GCE_METADATA_HOST", "metadata.google.internal")
ask = urllib.request.Request(
    "http://" + host + "/computeMetadata/v1/instance/service-accounts/default/token",
    headers={"Metadata-Flavor": "Google"})
token = json.load(urllib.request.urlopen(ask, timeout=60))["access_token"]
get = urllib.request.Request(os.environ["CONNECTOR_URL"], headers={"Authorization": "Bearer " + token})
target = os.environ["CONNECTOR_JAR"]
with urllib.request.urlopen(get, timeout=600) as response, open(target + ".part", "wb") as out:
    shutil.copyfileobj(response, out)
os.replace(target + ".part", target)
print("fetched", os.environ["CONNECTOR_URL"], os.path.getsize(target), "bytes")
`.trim();

/** The event-log directory Spark is given for a storage. */
export function eventLogDirOf(storage: EventLogStorage): string {
  if (storage.kind === "gcs") {
    if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(storage.bucket)) {
      throw new Error(`event log bucket ${JSON.stringify(storage.bucket)}: not a bucket name`);
    }
    const prefix = storage.prefix.replace(/^\/+|\/+$/g, "");
    return prefix ? `gs://${storage.bucket}/${prefix}` : `gs://${storage.bucket}`;
  }
  return fileUri(storage.mountPath);
}

/** Spark settings that load the connector for `gs://` from the jar the init container fetched. */
export function gcsConnectorSparkConf(): Record<string, string> {
  return {
    // On the JVM's own class path (not spark.jars): the event log is opened while the
    // SparkContext starts, before jars added at run time are visible to Hadoop.
    "spark.driver.extraClassPath": CONNECTOR_JAR,
    "spark.hadoop.fs.gs.impl": "com.google.cloud.hadoop.fs.gcs.GoogleHadoopFileSystem",
    "spark.hadoop.fs.AbstractFileSystem.gs.impl": "com.google.cloud.hadoop.fs.gcs.GoogleHadoopFS",
  };
}

/** The init container that puts the connector jar on the shared volume. */
export function fetchConnectorContainer(
  storage: GcsEventLogStorage,
  securityContext: SecurityContext,
): InitContainer {
  return {
    name: "fetch-gcs-connector",
    image: storage.fetchImage,
    command: ["python3", "-c", FETCH_CONNECTOR_SCRIPT],
    env: [
      { name: "CONNECTOR_URL", value: storage.connectorJarUrl },
      { name: "CONNECTOR_JAR", value: CONNECTOR_JAR },
    ],
    volumeMounts: [{ name: CONNECTOR_VOLUME, mountPath: CONNECTOR_DIR }],
    securityContext,
    resources: {
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { memory: "128Mi" },
    },
  };
}

/** The connector's volume and its mount (read-only where Spark runs). */
export function connectorVolume(): { volume: Volume; mount: VolumeMount } {
  return {
    volume: { name: CONNECTOR_VOLUME, emptyDir: {} },
    mount: { name: CONNECTOR_VOLUME, mountPath: CONNECTOR_DIR, readOnly: true },
  };
}

/** The node folder's volume, and its mount (read-only for a reader such as the History Server). */
export function nodeVolume(
  storage: NodeVolumeEventLogStorage,
  readOnly: boolean,
): { volume: Volume; mount: VolumeMount } {
  if (!storage.hostPath.startsWith("/") || !storage.mountPath.startsWith("/")) {
    throw new Error(
      `event log node volume: hostPath ${JSON.stringify(storage.hostPath)} and mountPath ` +
        `${JSON.stringify(storage.mountPath)} must both be absolute paths`,
    );
  }
  return {
    volume: {
      name: EVENT_LOG_VOLUME,
      hostPath: { path: storage.hostPath, type: "DirectoryOrCreate" },
    },
    mount: {
      name: EVENT_LOG_VOLUME,
      mountPath: storage.mountPath,
      ...(readOnly ? { readOnly } : {}),
    },
  };
}

/**
 * Everything a cell's driver needs to write its event log to `storage`: the Spark settings
 * (for a SparkApplication's sparkConf or a spark-submit's --conf) and, for the pod, volumes,
 * mounts and init containers. Executors write no event log and need none of it.
 */
export function eventLogPodParts(
  storage: EventLogStorage,
  securityContext: SecurityContext,
): EventLogPodParts {
  const logging = eventLogSparkConf(eventLogDirOf(storage));
  if (storage.kind === "gcs") {
    const connector = connectorVolume();
    return {
      sparkConf: { ...logging, ...gcsConnectorSparkConf() },
      volumes: [connector.volume],
      driverVolumeMounts: [connector.mount],
      driverInitContainers: [fetchConnectorContainer(storage, securityContext)],
    };
  }
  const node = nodeVolume(storage, false);
  return {
    sparkConf: logging,
    volumes: [node.volume],
    driverVolumeMounts: [node.mount],
    driverInitContainers: [],
  };
}

/**
 * What an executor needs to read `gs://` data (a query cell's tables in a bucket): the
 * connector on its JVM's class path, fetched by the same init container as the driver's.
 */
export interface ExecutorConnectorParts {
  readonly sparkConf: Readonly<Record<string, string>>;
  readonly volumes: readonly Volume[];
  readonly mounts: readonly VolumeMount[];
  readonly initContainers: readonly InitContainer[];
}

export function executorConnectorParts(
  storage: GcsEventLogStorage,
  securityContext: SecurityContext,
): ExecutorConnectorParts {
  const connector = connectorVolume();
  return {
    sparkConf: { "spark.executor.extraClassPath": CONNECTOR_JAR },
    volumes: [connector.volume],
    mounts: [connector.mount],
    initContainers: [fetchConnectorContainer(storage, securityContext)],
  };
}
