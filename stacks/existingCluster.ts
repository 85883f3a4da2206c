import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DriverRbac } from "../components/driverRbac";
import { HistoryServer } from "../components/historyServer";
import { SparkOperator } from "../components/sparkOperator";
import { clusterAccess } from "../src/cluster/kubeconfig";
import type { StackConfig } from "../src/config/stack";
import type { StackRuntime } from "../src/render/stackRuntime";
import { eventLogDirOf } from "../src/spark/eventLogStorage";
import { namespaceManifest } from "../src/testbed/driverRbac";
import { existingClusterOperatorValues } from "../src/testbed/operatorValues";
import type { Testbed } from "./testbed";

/**
 * What an existing-cluster stack declares before its cells: no GCP resource at all — a
 * Kubernetes provider for the cluster its kubeconfig names, the jobs namespace (unless it
 * exists), the drivers' ServiceAccount, Role and RoleBinding, a History Server when event logs
 * are kept on the cluster, and, if asked, the Spark Operator's Helm release.
 */
export function defineExistingCluster(config: StackConfig, runtime: StackRuntime): Testbed {
  const cluster = config.existingCluster;
  const access = clusterAccess(cluster);
  const name = "existing-cluster";
  // The kubeconfig is read here, at preview, and handed on as a secret with the chosen context
  // current, so the provider and every run use the same cluster: the state holds it encrypted,
  // and no path of this machine.
  const kubeconfig = pulumi.secret(access.kubeConfig.exportConfig());
  const provider = new k8s.Provider(`${name}-k8s`, {
    kubeconfig,
    context: access.context,
  });
  const opts = { provider };
  const namespace = cluster.createNamespace
    ? new k8s.core.v1.Namespace(`${name}-jobs-ns`, namespaceManifest(config.jobNamespace), opts)
    : undefined;
  const afterNamespace = { ...opts, dependsOn: namespace ? [namespace] : [] };
  const rbac = new DriverRbac(
    `${name}-driver`,
    { namespace: config.jobNamespace, serviceAccountName: runtime.identities.driverServiceAccount },
    afterNamespace,
  );
  const operator = cluster.installOperator
    ? new SparkOperator(
        `${name}-operator`,
        {
          config,
          values: existingClusterOperatorValues(config, cluster.drivers.nodeSelector),
          jobNamespace: false,
        },
        afterNamespace,
      )
    : undefined;
  const storage = runtime.eventLog;
  const history = storage
    ? new HistoryServer(
        `${name}-history`,
        {
          name: runtime.identities.historyServer,
          namespace: config.jobNamespace,
          image: runtime.sparkImage,
          storage,
          nodeSelector: cluster.drivers.nodeSelector,
          kubectl: { kubeconfig: access.file, context: access.context },
        },
        afterNamespace,
      )
    : undefined;
  return {
    clusterName: pulumi.output(access.context),
    kubeconfig,
    provider,
    ready: [rbac, ...(operator ? [operator] : []), ...(namespace ? [namespace] : [])],
    eventLogDir: storage ? eventLogDirOf(storage) : "",
    historyServer: history?.portForward ?? "",
  };
}
