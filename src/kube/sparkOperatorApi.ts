/**
 * Names the Kubeflow Spark operator v2.5.2 and Spark 4.0 use on the cluster, from
 * api/v1beta2/sparkapplication_types.go and pkg/common/spark.go in the operator's source.
 */

/** The SparkApplication custom resource: API group, version and plural for the REST path. */
export const SPARK_APPLICATION_RESOURCE = {
  group: "sparkoperator.k8s.io",
  version: "v1beta2",
  plural: "sparkapplications",
} as const;

/** Pod labels that tie a pod to its application and say what it is. */
export const POD_LABELS = {
  /** Set by the operator (spark.kubernetes.{driver,executor}.label.*) to the application's name. */
  appName: "sparkoperator.k8s.io/app-name",
  /** Set by the operator to status.submissionID: tells this run's pods from a previous attempt's. */
  submissionId: "sparkoperator.k8s.io/submission-id",
  /** Set by Spark: "driver" or "executor". */
  sparkRole: "spark-role",
  /** Set by Spark on executor pods: the executor id. */
  executorId: "spark-exec-id",
} as const;

/** Values of the `spark-role` label. */
export const SPARK_ROLES = { driver: "driver", executor: "executor" } as const;

/** Container names Spark gives the driver and executors (the operator checks the same). */
export const SPARK_CONTAINERS = {
  /** common.SparkDriverContainerName. */
  driver: "spark-kubernetes-driver",
  /** common.Spark3DefaultExecutorContainerName, Spark 3+'s executor container. */
  executor: "spark-kubernetes-executor",
  /** common.SparkExecutorContainerName, the name a pod template may use instead. */
  executorFromTemplate: "executor",
} as const;
