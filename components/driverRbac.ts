import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DRIVER_RULES } from "../src/testbed/driverRbac";

/** Inputs of DriverRbac. */
export interface DriverRbacArgs {
  /** Namespace the drivers run in. */
  readonly namespace: pulumi.Input<string>;
  /** Service account name the drivers run as. */
  readonly serviceAccountName: string;
  /** Annotations of the service account (Workload Identity's Google service account). */
  readonly serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
}

/**
 * The Spark driver's identity: a ServiceAccount bound to a namespaced Role (DRIVER_RULES).
 * Deliberately no ClusterRoleBinding: a driver only touches its own namespace.
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
    const metadata = (objectName: string) => ({ name: objectName, namespace: args.namespace });
    this.serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      {
        metadata: {
          ...metadata(args.serviceAccountName),
          annotations: args.serviceAccountAnnotations,
        },
      },
      self,
    );
    this.role = new k8s.rbac.v1.Role(
      `${name}-role`,
      {
        metadata: metadata(`${args.serviceAccountName}-driver`),
        rules: DRIVER_RULES.map((r) => ({
          ...r,
          apiGroups: [...r.apiGroups],
          resources: [...r.resources],
          verbs: [...r.verbs],
        })),
      },
      self,
    );
    this.roleBinding = new k8s.rbac.v1.RoleBinding(
      `${name}-binding`,
      {
        metadata: metadata(`${args.serviceAccountName}-driver`),
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "Role",
          name: this.role.metadata.name,
        },
        subjects: [
          {
            kind: "ServiceAccount",
            name: this.serviceAccount.metadata.name,
            namespace: args.namespace,
          },
        ],
      },
      self,
    );
    this.registerOutputs({ serviceAccount: this.serviceAccount.metadata.name });
  }
}
