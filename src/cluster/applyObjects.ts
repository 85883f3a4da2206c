import {
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";

/** Field manager the cluster records for what this project applies. */
export const FIELD_MANAGER = "spark-at-scale";

/**
 * Server-side applies each object in order (namespace first): creates it, or brings it to this
 * state if it exists, so a second run changes nothing and an interrupted one can be repeated.
 */
export async function applyObjects(
  kubeConfig: KubeConfig,
  objects: readonly KubernetesObject[],
): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const object of objects) {
    await client.patch(
      object,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}
