import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { TestbedConfig } from "../src/config/testbed";
import { NODE_NETWORK_TAG } from "../src/testbed/pools";
import { WEBHOOK_PORT } from "../src/testbed/operatorValues";

/** Inputs of a GkeCluster. */
export interface GkeClusterArgs {
  /** The validated testbed config. */
  readonly config: TestbedConfig;
}

/**
 * The GKE control plane. Node pools are separate resources (NodePools), so the default pool is
 * removed as soon as the cluster exists: pools can then change without replacing the cluster.
 */
export class GkeCluster extends pulumi.ComponentResource {
  /** The cluster resource. */
  readonly cluster: gcp.container.Cluster;
  /** Firewall rule for the operator webhook, present only with private nodes. */
  readonly webhookFirewall?: gcp.compute.Firewall;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:gke:Cluster", name, {}, opts);
    const { config } = args;
    const self = { parent: this };

    this.cluster = new gcp.container.Cluster(
      name,
      {
        name: config.clusterName,
        project: config.gcpProject,
        // A region gives a regional (replicated) control plane, a zone a zonal one.
        location: config.location,
        network: config.network,
        networkingMode: "VPC_NATIVE",
        ipAllocationPolicy: {},
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        releaseChannel: { channel: config.releaseChannel },
        workloadIdentityConfig: { workloadPool: `${config.gcpProject}.svc.id.goog` },
        enableShieldedNodes: true,
        // Explicit so that a dev stack can opt out and `pulumi destroy` works in one go.
        deletionProtection: config.deletionProtection,
        privateClusterConfig: config.privateNodes
          ? {
              enablePrivateNodes: true,
              enablePrivateEndpoint: false,
              masterIpv4CidrBlock: config.masterIpv4CidrBlock,
            }
          : undefined,
        masterAuthorizedNetworksConfig:
          config.masterAuthorizedNetworks.length > 0
            ? {
                cidrBlocks: config.masterAuthorizedNetworks.map((cidrBlock, i) => ({
                  cidrBlock,
                  displayName: `authorized-${i}`,
                })),
              }
            : undefined,
      },
      self,
    );

    if (config.privateNodes) {
      // GKE's auto-created rules let a private control plane reach nodes only on 443 and
      // 10250; the operator v2 webhook listens on 9443, and without this rule every
      // SparkApplication create times out in admission.
      this.webhookFirewall = new gcp.compute.Firewall(
        `${name}-webhook`,
        {
          project: config.gcpProject,
          network: config.network,
          direction: "INGRESS",
          sourceRanges: [config.masterIpv4CidrBlock],
          targetTags: [NODE_NETWORK_TAG],
          allows: [{ protocol: "tcp", ports: [String(WEBHOOK_PORT)] }],
          description: "GKE control plane to the Spark Operator webhook",
        },
        self,
      );
    }

    this.registerOutputs({ cluster: this.cluster });
  }
}
