import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess } from "../components/clusterAccess";
import { DriverRbac } from "../components/driverRbac";
import { GkeCluster } from "../components/gkeCluster";
import { ImageMirror } from "../components/imageMirror";
import { NodeIdentity } from "../components/nodeIdentity";
import { NodePools } from "../components/nodePools";
import { SparkOperator } from "../components/sparkOperator";
import { SparkPi } from "../components/sparkPi";
import type { TestbedConfig } from "../src/config/testbed";
import { sparkImageRef } from "../src/testbed/mirror";
import type { PoolSpec } from "../src/testbed/pools";
import { sparkPiManifest } from "../src/testbed/sparkPi";

/** What the testbed hands to experiments and to the stack outputs. */
export interface Testbed {
  /** Cluster name. */
  readonly clusterName: pulumi.Output<string>;
  /** Kubeconfig (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** Provider for Kubernetes resources in this cluster. */
  readonly provider: ClusterAccess["provider"];
  /** Spark image reference through the mirror. */
  readonly sparkImage: string;
  /** Resources a workload must wait for: operator (webhook) and driver RBAC. */
  readonly ready: pulumi.Resource[];
  /** The smoke test, when enabled. */
  readonly sparkPi?: SparkPi;
}

/** Declares the whole testbed for a validated config and the pools planned from it. */
export function defineTestbed(config: TestbedConfig, pools: readonly PoolSpec[]): Testbed {
  const name = config.clusterName;
  const identity = new NodeIdentity(`${name}-nodes`, {
    project: config.gcpProject,
    accountId: `${name}-nodes`.slice(0, 30),
  });
  const mirror = new ImageMirror(`${name}-mirror`, {
    project: config.gcpProject,
    location: config.location,
    readerMember: identity.account.member,
  });
  const gke = new GkeCluster(name, { config });
  const nodePools = new NodePools(`${name}-pools`, {
    project: config.gcpProject,
    location: config.location,
    clusterName: gke.cluster.name,
    serviceAccountEmail: identity.account.email,
    pools,
  });
  const access = new ClusterAccess(`${name}-access`, { cluster: gke.cluster });
  const k8sOpts = { provider: access.provider, dependsOn: [nodePools, mirror] };
  const operator = new SparkOperator(`${name}-operator`, { config }, k8sOpts);
  const rbac = new DriverRbac(
    `${name}-driver`,
    { namespace: config.jobNamespace, serviceAccountName: config.driverServiceAccount },
    { ...k8sOpts, dependsOn: [...k8sOpts.dependsOn, operator] },
  );
  const ready = [operator, rbac];
  const sparkPi = config.sparkPi
    ? new SparkPi(`${name}-spark-pi`, {
        manifest: sparkPiManifest(config),
        kubeconfig: access.kubeconfig,
        timeoutSeconds: config.sparkPiTimeoutMinutes * 60,
        after: ready,
      })
    : undefined;
  return {
    clusterName: gke.cluster.name,
    kubeconfig: access.kubeconfig,
    provider: access.provider,
    sparkImage: sparkImageRef(
      config.gcpProject,
      config.location,
      config.sparkImage,
      config.sparkVersion,
    ),
    ready,
    sparkPi,
  };
}
