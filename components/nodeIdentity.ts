import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/** Project roles a GKE node needs, and no more: write logs and metrics, report its metadata. */
export const NODE_PROJECT_ROLES = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/monitoring.viewer",
  "roles/stackdriver.resourceMetadata.writer",
] as const;

/** Inputs of a NodeIdentity. */
export interface NodeIdentityArgs {
  /** GCP project of the nodes. */
  readonly project: string;
  /** Service account ID (6-30 characters). */
  readonly accountId: string;
}

/**
 * A dedicated service account for the nodes, never the default compute account (which holds
 * Editor on the project). Reading images is granted per mirror repository, by ImageMirror.
 */
export class NodeIdentity extends pulumi.ComponentResource {
  /** The node service account. */
  readonly account: gcp.serviceaccount.Account;

  constructor(name: string, args: NodeIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:gke:NodeIdentity", name, {}, opts);
    const self = { parent: this };
    this.account = new gcp.serviceaccount.Account(
      name,
      {
        project: args.project,
        accountId: args.accountId,
        displayName: "spark-at-scale GKE nodes",
      },
      self,
    );
    for (const role of NODE_PROJECT_ROLES) {
      new gcp.projects.IAMMember(
        `${name}-${role.replace("roles/", "").replace(/\./g, "-")}`,
        { project: args.project, role, member: this.account.member },
        self,
      );
    }
    this.registerOutputs({ email: this.account.email });
  }
}
