import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { driverRbacManifests } from "../src/testbed/driverRbac";

/** Inputs of DriverRbac. */
export interface DriverRbacArgs {
  /** Namespace the drivers run in (it must exist first: pass it in dependsOn). */
  readonly namespace: string;
  /** Service account name the drivers run as. */
  readonly serviceAccountName: string;
  /** Annotations of the service account (Workload Identity's Google service account). */
  readonly serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
}

/**
 * The Spark driver's identity: a ServiceAccount bound to a namespaced Role (DRIVER_RULES), as
 * driverRbacManifests builds them. Deliberately no ClusterRoleBinding: a driver only touches
 * its own namespace.
 */
export class DriverRbac extends pulumi.ComponentResource {
  /** The driver service account. */
  readonly serviceAccount: k8s.core.v1.ServiceAccount;
  /** What the driver may do in its namespace. */
  readonly role: k8s.rbac.v1.Role;
  /** Binds the role to the account. */
  readonly roleBinding: k8s.rbac.v1.RoleBinding;

  constructor(name: string, args: DriverRbacArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:rbac:DriverRbac", name, {}, opts);
    const self = { parent: this };
    const objects = driverRbacManifests(args.namespace, args.serviceAccountName);
    this.serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      {
        ...objects.serviceAccount,
        metadata: {
          ...objects.serviceAccount.metadata,
          annotations: args.serviceAccountAnnotations,
        },
      },
      self,
    );
    this.role = new k8s.rbac.v1.Role(`${name}-role`, objects.role, self);
    this.roleBinding = new k8s.rbac.v1.RoleBinding(`${name}-binding`, objects.roleBinding, {
      ...self,
      dependsOn: [this.role, this.serviceAccount],
    });
    this.registerOutputs({ serviceAccount: this.serviceAccount.metadata.name });
  }
}
