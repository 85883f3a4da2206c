import type { TestbedConfig } from "../config/testbed";
import { MIRRORS, mirrorHost, mirrorPath } from "./mirror";
import { POOL_LABEL, SYSTEM_POOL_NAME } from "./pools";

/** The chart repository of the Kubeflow Spark Operator (the old GCP-hosted one is gone). */
export const OPERATOR_CHART_REPO = "https://kubeflow.github.io/spark-operator";
/** Chart name inside that repository. */
export const OPERATOR_CHART = "spark-operator";
/** Port the operator v2 webhook listens on; private clusters need a firewall rule for it. */
export const WEBHOOK_PORT = 9443;

/**
 * Helm values for the spark-operator chart, v2 keys only (checked against the chart's
 * values.yaml at 2.5.2; the v1 keys `sparkJobNamespace`/`enableWebhook` are silently ignored
 * by v2). Images come through the ghcr.io mirror so no pod pulls from ghcr.io directly; the
 * tag stays empty so the chart's appVersion (= chart version) is used.
 */
export function operatorValues(config: TestbedConfig): Record<string, unknown> {
  const registry = mirrorHost(config.location);
  const ghcr = mirrorPath(config.gcpProject, MIRRORS.ghcr.repositoryId);
  const onSystemPool = { [POOL_LABEL]: SYSTEM_POOL_NAME };
  return {
    image: { registry, repository: `${ghcr}/kubeflow/spark-operator/controller` },
    // The CRD-upgrade hook is off by default; pointing its image at the mirror too means
    // turning it on later cannot reintroduce a pull from ghcr.io.
    hook: {
      image: { registry, repository: `${ghcr}/kubeflow/spark-operator/kubectl` },
      nodeSelector: onSystemPool,
    },
    controller: { workers: config.operatorWorkers, nodeSelector: onSystemPool },
    webhook: { enable: true, port: WEBHOOK_PORT, nodeSelector: onSystemPool },
    spark: {
      jobNamespaces: [config.jobNamespace],
      // The driver account and its Role are declared by this program (DriverRbac), not by the
      // chart: one source of truth, and a Role narrower than the chart's.
      serviceAccount: { create: false, name: config.driverServiceAccount },
      rbac: { create: false },
    },
  };
}

/**
 * Helm values for installing the operator on an existing cluster: the chart's own images
 * (ghcr.io: the cluster must reach it), the operator and webhook next to the drivers, and the
 * same choices as on GKE for the jobs namespace and the driver's identity (declared by this
 * program, not the chart).
 */
export function existingClusterOperatorValues(
  config: TestbedConfig,
  driverNodeSelector: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const nodeSelector = { ...driverNodeSelector };
  return {
    controller: { workers: config.operatorWorkers, nodeSelector },
    webhook: { enable: true, port: WEBHOOK_PORT, nodeSelector },
    spark: {
      jobNamespaces: [config.jobNamespace],
      serviceAccount: { create: false, name: config.driverServiceAccount },
      rbac: { create: false },
    },
  };
}
