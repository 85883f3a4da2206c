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
