import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type * as gcp from "@pulumi/gcp";
import { gkeKubeconfig } from "../src/testbed/kubeconfig";

/** Inputs of ClusterAccess. */
export interface ClusterAccessArgs {
  /** The cluster to talk to. */
  readonly cluster: gcp.container.Cluster;
}

/** A kubeconfig for the cluster (secret) and the Kubernetes provider every workload uses. */
export class ClusterAccess extends pulumi.ComponentResource {
  /** Kubeconfig using gke-gcloud-auth-plugin; a secret, as it names the control plane. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Provider for every Kubernetes resource of the testbed. */
  readonly provider: k8s.Provider;

  constructor(name: string, args: ClusterAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:gke:ClusterAccess", name, {}, opts);
    const { cluster } = args;
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([
          cluster.project,
          cluster.location,
          cluster.name,
          cluster.endpoint,
          cluster.masterAuth,
        ])
        .apply(([project, location, clusterName, endpoint, masterAuth]) =>
          gkeKubeconfig({
            contextName: `gke_${project}_${location}_${clusterName}`,
            endpoint,
            clusterCaCertificate: masterAuth.clusterCaCertificate ?? "",
          }),
        ),
    );
    this.provider = new k8s.Provider(name, { kubeconfig: this.kubeconfig }, { parent: this });
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
