import { z } from "zod";
import { strictObject } from "./schemaHelpers";

/** How a cell's application is started on the cluster. */
export const SUBMISSION_MODES = ["native", "operator"] as const;
export type SubmissionMode = (typeof SUBMISSION_MODES)[number];

/** Image pull policies Kubernetes knows; `Never` for images imported without a registry. */
export const IMAGE_PULL_POLICIES = ["IfNotPresent", "Always", "Never"] as const;

/** A label key or value map, as a node selector. */
const labelMap = z.record(
  z
    .string()
    .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
      error: "a Kubernetes label key such as kubernetes.io/hostname",
    }),
  z.string({ error: "a label value (a string)" }).max(63, "a label value of at most 63 characters"),
  { error: "a mapping of node labels to values" },
);

/** A pod toleration, as Kubernetes spells it. */
const tolerationSchema = strictObject({
  key: z.string().min(1, "a taint key"),
  operator: z.enum(["Equal", "Exists"], { error: "Equal or Exists" }).default("Equal"),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], {
    error: "NoSchedule, PreferNoSchedule or NoExecute",
  }),
});

/** Which nodes a role's pods may run on. */
const schedulingShape = {
  nodeSelector: labelMap.default({}),
  tolerations: z.array(tolerationSchema, { error: "a list of tolerations" }).default([]),
};

/**
 * A Kubernetes CPU quantity: whole or fractional cores (1, 0.5) or millicores (200m).
 * Checked here, not by the API server mid-experiment.
 */
const cpuQuantity = z
  .string({ error: "a CPU quantity such as 200m or 0.5" })
  .regex(/^(\d+m|\d+(\.\d+)?)$/, "a CPU quantity such as 200m or 0.5");

/** A full image reference with a tag or digest, e.g. localhost/spark-at-scale/spark:4.0.4. */
const imageReference = z
  .string({ error: "an image reference such as apache/spark:4.0.4" })
  .regex(
    /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/,
    "an image reference with a tag, such as apache/spark:4.0.4 or localhost/spark-at-scale/spark:4.0.4",
  );

/**
 * `spark-at-scale:existingCluster`: a cluster the user already has (kind, minikube, EKS,
 * on-premises, or this project's local test cluster). Read only with `target: existingCluster`.
 */
export const existingClusterSchema = strictObject({
  /** Kubeconfig file; default: $KUBECONFIG, else ~/.kube/config (resolved when cells run). */
  kubeconfig: z.string({ error: "a path to a kubeconfig file" }).min(1, "a path").optional(),
  /** Context of the kubeconfig; default: its current context. */
  context: z.string({ error: "a kubeconfig context name" }).min(1, "a context name").optional(),
  /**
   * How cells start: `native` runs Spark's own spark-submit in cluster mode from this machine
   * and needs nothing installed on the cluster; `operator` creates SparkApplications, which the
   * Kubeflow Spark Operator must be running there to start.
   */
  submission: z
    .enum(SUBMISSION_MODES, { error: `one of ${SUBMISSION_MODES.join(", ")}` })
    .default("native"),
  /**
   * For `pulumi up`: declare the jobs namespace (true), or use one that already exists. The
   * cluster runner (`spark-at-scale run`) applies it either way, which changes nothing if it is there.
   */
  createNamespace: z.boolean({ error: "true or false" }).default(true),
  /**
   * For `pulumi up` with submission operator: install the Kubeflow Spark Operator's Helm chart
   * (operatorChartVersion, operatorReleaseName, operatorNamespace, operatorWorkers) from its
   * public repository. Leave false when the cluster already runs the operator, or with native
   * submission, which needs none.
   */
  installOperator: z.boolean({ error: "true or false" }).default(false),
  /** Spark image; default: the stock apache/spark:<sparkVersion>. */
  image: imageReference.optional(),
  imagePullPolicy: z
    .enum(IMAGE_PULL_POLICIES, { error: `one of ${IMAGE_PULL_POLICIES.join(", ")}` })
    .default("IfNotPresent"),
  /** CPU each driver and executor pod requests, instead of its Spark cores (small nodes). */
  podCpuRequest: cpuQuantity.optional(),
  /**
   * Keep every cell's Spark event log in a folder on the drivers' node (hostPath), for the
   * History Server; it must be writable by the image's uid 185. None when absent.
   */
  eventLogs: strictObject({
    hostPath: z
      .string({ error: "an absolute folder path on the node" })
      .regex(/^\/[^\0]*$/, "an absolute folder path on the node, such as /var/spark-events"),
  }).optional(),
  /**
   * A folder on every node with the data of query cells (tpch, sql), mounted read-only at
   * /opt/spark-at-scale-data in drivers and executors. For TPC-H it holds one sf<scale> folder
   * per scale factor, as workloads/tpch_data.py writes them. None when absent.
   */
  data: strictObject({
    hostPath: z
      .string({ error: "an absolute folder path on the node" })
      .regex(
        /^\/[^\0]*$/,
        "an absolute folder path on the node, such as /var/cache/spark-at-scale/tpch/tpchgen-cli-4.0.0",
      ),
  }).optional(),
  /** Where drivers run. */
  drivers: strictObject(schedulingShape).prefault({}),
  /** Where executors run, and how much room their nodes have (checked like a GKE pool's). */
  executors: strictObject({
    ...schedulingShape,
    /** Memory a node offers executor pods, MiB; unknown (no fit check) when absent. */
    nodeAllocatableMiB: z
      .number({ error: "a whole number of MiB" })
      .int("a whole number of MiB")
      .min(512, "at least 512 MiB")
      .optional(),
    /** Nodes the executors may spread over. */
    nodes: z
      .number({ error: "a whole number of nodes" })
      .int("a whole number of nodes")
      .min(1, "at least 1")
      .max(1000, "at most 1000")
      .default(1),
  }).prefault({}),
});

/** A validated existing-cluster target, defaults filled in. */
export type ExistingClusterConfig = z.infer<typeof existingClusterSchema>;
