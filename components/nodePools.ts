import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { NODE_NETWORK_TAG, type PoolSpec } from "../src/testbed/pools";

/** Inputs of NodePools. */
export interface NodePoolsArgs {
  /** GCP project. */
  readonly project: string;
  /** Cluster location (region or zone). */
  readonly location: string;
  /** Name of the cluster the pools join. */
  readonly clusterName: pulumi.Input<string>;
  /** Email of the node service account. */
  readonly serviceAccountEmail: pulumi.Input<string>;
  /** The pools to create, as planned from config (planPools). */
  readonly pools: readonly PoolSpec[];
}

/** The system pool and one pool per experiment memory tier, each as planned by planPools. */
export class NodePools extends pulumi.ComponentResource {
  /** Node pool resources by pool name. */
  readonly pools: Readonly<Record<string, gcp.container.NodePool>>;

  constructor(name: string, args: NodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:gke:NodePools", name, {}, opts);
    const pools: Record<string, gcp.container.NodePool> = {};
    for (const pool of args.pools) {
      pools[pool.name] = new gcp.container.NodePool(
        `${name}-${pool.name}`,
        {
          name: pool.name,
          project: args.project,
          location: args.location,
          cluster: args.clusterName,
          initialNodeCount: pool.minNodes,
          autoscaling: { minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
          management: { autoRepair: true, autoUpgrade: true },
          nodeConfig: {
            machineType: pool.machineType,
            serviceAccount: args.serviceAccountEmail,
            // Access is governed by the account's IAM roles; the scope only lets them apply.
            oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            labels: { ...pool.labels },
            taints: pool.taints.map((t) => ({ ...t })),
            tags: [NODE_NETWORK_TAG],
            spot: pool.spot,
            // Pods see the Workload Identity metadata server, not the node's credentials.
            workloadMetadataConfig: { mode: "GKE_METADATA" },
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          },
        },
        { parent: this },
      );
    }
    this.pools = pools;
    this.registerOutputs({ pools: Object.keys(pools) });
  }
}
