/**
 * Spark's History Server on a cluster, as plain Kubernetes objects: a ServiceAccount, a
 * Deployment reading the cells' event-log storage and a ClusterIP Service, reached with
 * `kubectl port-forward`. The GKE stack registers them; a cluster without object storage
 * builds them with a node volume. Nothing here talks to a cluster.
 */
import { SPARK_SECURITY_CONTEXT, type VolumeMount, type Volume } from "../spark/sparkApplication";
import {
  CONNECTOR_JAR,
  connectorVolume,
  eventLogDirOf,
  fetchConnectorContainer,
  gcsConnectorSparkConf,
  nodeVolume,
  type EventLogStorage,
} from "../spark/eventLogStorage";
import { HISTORY_SERVER_CLASS, DEFAULT_HISTORY_PORT } from "./localHistoryServer";

/** What a cluster's History Server is built from. */
export interface HistoryServerSpec {
  /** Name of the Deployment, Service and ServiceAccount. */
  readonly name: string;
  /** The jobs namespace (where the drivers run). */
  readonly namespace: string;
  /** The Spark image (the cells' own, through the mirror). */
  readonly image: string;
  /** Where the cells' event logs are. */
  readonly storage: EventLogStorage;
  /** Where the pod may run: the system pool, next to the drivers. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Annotations of its ServiceAccount (Workload Identity's Google service account). */
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
  /** UI port (default 18080). */
  readonly port?: number;
}

interface Metadata {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The History Server's ServiceAccount. */
export interface ServiceAccountManifest {
  readonly apiVersion: "v1";
  readonly kind: "ServiceAccount";
  readonly metadata: Metadata;
  readonly automountServiceAccountToken: boolean;
}

/** The History Server's Deployment (the fields this project sets). */
export interface DeploymentManifest {
  readonly apiVersion: "apps/v1";
  readonly kind: "Deployment";
  readonly metadata: Metadata;
  readonly spec: {
    readonly replicas: 1;
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly template: {
      readonly metadata: { readonly labels: Readonly<Record<string, string>> };
      readonly spec: Record<string, unknown>;
    };
  };
}

/** The History Server's Service. */
export interface ServiceManifest {
  readonly apiVersion: "v1";
  readonly kind: "Service";
  readonly metadata: Metadata;
  readonly spec: {
    readonly type: "ClusterIP";
    readonly selector: Readonly<Record<string, string>>;
    readonly ports: ReadonlyArray<{
      readonly name: string;
      readonly port: number;
      readonly targetPort: number;
      readonly protocol: "TCP";
    }>;
  };
}

/** Every object of a cluster's History Server. */
export interface HistoryServerObjects {
  readonly serviceAccount: ServiceAccountManifest;
  readonly deployment: DeploymentManifest;
  readonly service: ServiceManifest;
}

/** Heap of the History Server's JVM, and its container's memory (heap + JVM overhead). */
const DAEMON_MEMORY = "768m";
const CONTAINER_MEMORY = "1280Mi";
const TMP_VOLUME = "tmp";

/** The `-D` settings the History Server reads, as SPARK_HISTORY_OPTS. */
export function historyServerSettings(
  storage: EventLogStorage,
  port: number,
): Record<string, string> {
  return {
    "spark.history.fs.logDirectory": eventLogDirOf(storage),
    "spark.history.ui.port": String(port),
    "spark.history.fs.update.interval": "10s",
    ...(storage.kind === "gcs"
      ? Object.fromEntries(
          Object.entries(gcsConnectorSparkConf()).filter(([key]) =>
            key.startsWith("spark.hadoop."),
          ),
        )
      : {}),
  };
}

/**
 * How a printed kubectl command reaches the cluster: without them it would use whatever
 * ~/.kube/config says, which on the user's machine may be another cluster or nothing.
 */
export interface KubectlTarget {
  /** The kubeconfig file (`--kubeconfig`). */
  readonly kubeconfig?: string;
  /** Its context (`--context`). */
  readonly context?: string;
  /** A command that writes that kubeconfig first (GKE: `gcloud container clusters get-credentials …`). */
  readonly credentialsCommand?: string;
}

/** A word as a POSIX shell reads it back: quoted only when it has to be. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command to forward the History Server's UI to this machine, runnable as printed. */
export function portForwardCommand(
  spec: Pick<HistoryServerSpec, "name" | "namespace" | "port">,
  target: KubectlTarget = {},
): string {
  const port = spec.port ?? DEFAULT_HISTORY_PORT;
  const kubectl = [
    "kubectl",
    ...(target.kubeconfig ? ["--kubeconfig", target.kubeconfig] : []),
    ...(target.context ? ["--context", target.context] : []),
    "-n",
    spec.namespace,
    "port-forward",
    `svc/${spec.name}`,
    `${port}:${port}`,
  ]
    .map(shellWord)
    .join(" ");
  return target.credentialsCommand ? `${target.credentialsCommand} && ${kubectl}` : kubectl;
}

/**
 * The History Server's objects. It runs as the Spark image's non-root user with the drivers'
 * security context and a read-only root file system (a scratch /tmp only), reads the event
 * logs read-only, and is reached only through its ClusterIP Service.
 */
export function historyServerObjects(spec: HistoryServerSpec): HistoryServerObjects {
  const port = spec.port ?? DEFAULT_HISTORY_PORT;
  const labels = {
    "app.kubernetes.io/name": "spark-history-server",
    "app.kubernetes.io/instance": spec.name,
  };
  const metadata = { name: spec.name, namespace: spec.namespace, labels };
  const tmp = {
    volume: { name: TMP_VOLUME, emptyDir: {} } as Volume,
    mount: { name: TMP_VOLUME, mountPath: "/tmp" },
  };
  const storage = spec.storage;
  const gcs = storage.kind === "gcs";
  const storageParts = storage.kind === "gcs" ? connectorVolume() : nodeVolume(storage, true);
  const volumes: Volume[] = [tmp.volume, storageParts.volume];
  const mounts: VolumeMount[] = [tmp.mount, storageParts.mount];
  const settings = historyServerSettings(spec.storage, port);
  const env = [
    {
      name: "SPARK_HISTORY_OPTS",
      value: Object.entries(settings)
        .map(([key, value]) => `-D${key}=${value}`)
        .join(" "),
    },
    { name: "SPARK_DAEMON_MEMORY", value: DAEMON_MEMORY },
    ...(gcs ? [{ name: "SPARK_DAEMON_CLASSPATH", value: CONNECTOR_JAR }] : []),
  ];
  const container = {
    name: "history-server",
    image: spec.image,
    imagePullPolicy: "IfNotPresent",
    // The image's entrypoint runs anything that is not `driver` or `executor` as given.
    args: ["/opt/spark/bin/spark-class", HISTORY_SERVER_CLASS],
    env,
    ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
    readinessProbe: { httpGet: { path: "/api/v1/version", port }, periodSeconds: 10 },
    livenessProbe: {
      httpGet: { path: "/api/v1/version", port },
      initialDelaySeconds: 60,
      periodSeconds: 30,
    },
    resources: {
      requests: { cpu: "100m", memory: CONTAINER_MEMORY },
      limits: { memory: CONTAINER_MEMORY },
    },
    securityContext: { ...SPARK_SECURITY_CONTEXT, readOnlyRootFilesystem: true },
    volumeMounts: mounts,
  };
  return {
    serviceAccount: {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: spec.serviceAccountAnnotations
        ? { ...metadata, annotations: { ...spec.serviceAccountAnnotations } }
        : metadata,
      // It never calls the Kubernetes API; the token is kept only where the pod signs in to
      // Google as this ServiceAccount (Workload Identity).
      automountServiceAccountToken: gcs,
    },
    deployment: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: spec.name,
            automountServiceAccountToken: gcs,
            nodeSelector: { ...spec.nodeSelector },
            securityContext: { fsGroup: SPARK_SECURITY_CONTEXT.runAsGroup },
            ...(storage.kind === "gcs"
              ? { initContainers: [fetchConnectorContainer(storage, SPARK_SECURITY_CONTEXT)] }
              : {}),
            containers: [container],
            volumes,
          },
        },
      },
    },
    service: {
      apiVersion: "v1",
      kind: "Service",
      metadata,
      spec: {
        type: "ClusterIP",
        selector: labels,
        ports: [{ name: "http", port, targetPort: port, protocol: "TCP" }],
      },
    },
  };
}
