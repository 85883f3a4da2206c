/** A namespaced RBAC rule (core API group). */
export interface RbacRule {
  /** API groups; "" is the core group. */
  readonly apiGroups: readonly string[];
  /** Resource kinds, plural. */
  readonly resources: readonly string[];
  /** Verbs granted. */
  readonly verbs: readonly string[];
}

const MANAGE = ["get", "list", "watch", "create", "delete", "deletecollection"];

/**
 * What a Spark driver does in its own namespace, and nothing else: it creates, watches and
 * deletes its executor pods, their config maps and (when asked) their volume claims and
 * services. Pods also need `update`/`patch`: with executor pods kept after they end
 * (`spark.kubernetes.executor.deleteOnTermination=false`, which experiments rely on to read
 * exit reasons), the driver relabels finished executors instead of deleting them.
 */
export const DRIVER_RULES: readonly RbacRule[] = [
  { apiGroups: [""], resources: ["pods"], verbs: [...MANAGE, "update", "patch"] },
  {
    apiGroups: [""],
    resources: ["services", "configmaps", "persistentvolumeclaims"],
    verbs: MANAGE,
  },
];

/** A Namespace object. */
export interface NamespaceManifest {
  readonly apiVersion: "v1";
  readonly kind: "Namespace";
  readonly metadata: { readonly name: string };
}

/** The namespace of the given name. */
export function namespaceManifest(name: string): NamespaceManifest {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name } };
}

/** The driver's identity in its namespace: a ServiceAccount, a Role and the RoleBinding between them. */
export interface DriverRbacManifests {
  readonly serviceAccount: {
    readonly apiVersion: "v1";
    readonly kind: "ServiceAccount";
    readonly metadata: { readonly name: string; readonly namespace: string };
  };
  readonly role: {
    readonly apiVersion: "rbac.authorization.k8s.io/v1";
    readonly kind: "Role";
    readonly metadata: { readonly name: string; readonly namespace: string };
    readonly rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  };
  readonly roleBinding: {
    readonly apiVersion: "rbac.authorization.k8s.io/v1";
    readonly kind: "RoleBinding";
    readonly metadata: { readonly name: string; readonly namespace: string };
    readonly roleRef: { readonly apiGroup: string; readonly kind: "Role"; readonly name: string };
    readonly subjects: { kind: "ServiceAccount"; name: string; namespace: string }[];
  };
}

/**
 * The objects that let Spark drivers running as `serviceAccountName` manage their executors in
 * `namespace`, and nothing else (no ClusterRole). The Pulumi component and the cluster runner
 * both apply exactly these; `rules` is replaceable only so a test can take one permission away.
 */
export function driverRbacManifests(
  namespace: string,
  serviceAccountName: string,
  rules: readonly RbacRule[] = DRIVER_RULES,
): DriverRbacManifests {
  const roleName = `${serviceAccountName}-driver`;
  return {
    serviceAccount: {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: serviceAccountName, namespace },
    },
    role: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: roleName, namespace },
      rules: rules.map((rule) => ({
        apiGroups: [...rule.apiGroups],
        resources: [...rule.resources],
        verbs: [...rule.verbs],
      })),
    },
    roleBinding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: roleName, namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName },
      subjects: [{ kind: "ServiceAccount", name: serviceAccountName, namespace }],
    },
  };
}
