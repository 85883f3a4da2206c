/**
 * The subset of the Spark Operator's `sparkoperator.k8s.io/v1beta2` SparkApplication that this
 * project writes, as plain typed objects: the Pulumi components and `plan --out` both emit
 * these, so what a reviewer reads offline is what the cluster receives.
 */

export const SPARK_APPLICATION_API_VERSION = "sparkoperator.k8s.io/v1beta2";
export const SPARK_APPLICATION_KIND = "SparkApplication";

/** A pod toleration. */
export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Container security settings matching the stock image's non-root `spark` user (uid 185). */
export interface SecurityContext {
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly runAsNonRoot: boolean;
  readonly allowPrivilegeEscalation: boolean;
  readonly capabilities: { readonly drop: readonly string[] };
  readonly seccompProfile: { readonly type: "RuntimeDefault" };
}

/** A volume mount into the driver or executor container. */
export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}

/** A ConfigMap-backed volume (the workload script). */
export interface ConfigMapVolume {
  readonly name: string;
  readonly configMap: { readonly name: string };
}

/** A scratch volume shared by a pod's containers (the Cloud Storage connector's jar). */
export interface EmptyDirVolume {
  readonly name: string;
  readonly emptyDir: Readonly<Record<string, never>>;
}

/** A folder of the node (event logs on a cluster without object storage). */
export interface HostPathVolume {
  readonly name: string;
  readonly hostPath: { readonly path: string; readonly type: "Directory" | "DirectoryOrCreate" };
}

/** The volumes this project mounts. */
export type Volume = ConfigMapVolume | EmptyDirVolume | HostPathVolume;

/** A container run before the driver's (fetching what it needs onto a shared volume). */
export interface InitContainer {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly env?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly volumeMounts: readonly VolumeMount[];
  readonly securityContext: SecurityContext;
  readonly resources?: {
    readonly requests: Readonly<Record<string, string>>;
    readonly limits: Readonly<Record<string, string>>;
  };
}

/** Settings shared by the driver and executor pods. */
export interface PodSpecCommon {
  readonly cores: number;
  /** CPU the pod requests, when it differs from `cores`. */
  readonly coreRequest?: string;
  readonly memory: string;
  readonly memoryOverhead?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Toleration[];
  readonly securityContext?: SecurityContext;
  readonly volumeMounts?: readonly VolumeMount[];
}

/** Driver pod settings. */
export interface DriverSpec extends PodSpecCommon {
  readonly serviceAccount: string;
  readonly initContainers?: readonly InitContainer[];
}

/** Executor pod settings. */
export interface ExecutorSpec extends PodSpecCommon {
  readonly instances: number;
  /** false keeps executor pods after they end, so their exit code and reason can be read. */
  readonly deleteOnTermination?: boolean;
  readonly initContainers?: readonly InitContainer[];
}

/** `spec` of a SparkApplication. */
export interface SparkApplicationSpec {
  readonly type: "Scala" | "Python" | "Java" | "R";
  readonly mode: "cluster";
  readonly image: string;
  readonly imagePullPolicy: "IfNotPresent" | "Always" | "Never";
  readonly mainClass?: string;
  readonly mainApplicationFile: string;
  readonly arguments?: readonly string[];
  readonly sparkVersion: string;
  readonly pythonVersion?: "3";
  readonly sparkConf?: Readonly<Record<string, string>>;
  readonly restartPolicy: { readonly type: "Never" };
  readonly volumes?: readonly Volume[];
  readonly driver: DriverSpec;
  readonly executor: ExecutorSpec;
}

/** A whole SparkApplication object. */
export interface SparkApplicationManifest {
  readonly apiVersion: typeof SPARK_APPLICATION_API_VERSION;
  readonly kind: typeof SPARK_APPLICATION_KIND;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec: SparkApplicationSpec;
}

/** The stock image runs as uid/gid 185 (`spark`); dropping everything else costs Spark nothing. */
export const SPARK_SECURITY_CONTEXT: SecurityContext = {
  runAsUser: 185,
  runAsGroup: 185,
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
