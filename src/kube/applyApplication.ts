import { ApiException, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import type { SparkApplicationManifest } from "../spark/sparkApplication";
import { readSparkApplication } from "./readCellEvidence";
import { SPARK_APPLICATION_RESOURCE } from "./sparkOperatorApi";

/** Annotation carrying the hash of the manifest an application was created from. */
export const MANIFEST_HASH_ANNOTATION = "spark-at-scale/manifest-hash";

const isApiError = (error: unknown, code: number): boolean =>
  error instanceof ApiException && error.code === code;

/**
 * Creates a SparkApplication, or adopts the one already there if it was created from the same
 * manifest: that is a run an interrupted `pulumi up` started, to be waited for, not repeated.
 * An application of the same name from another manifest is an error, never overwritten.
 * Returns whether it adopted an existing run.
 */
export async function createOrAdoptApplication(
  kubeConfig: KubeConfig,
  manifest: SparkApplicationManifest,
  manifestHash: string,
): Promise<"created" | "adopted"> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const body = {
    ...manifest,
    metadata: {
      ...manifest.metadata,
      annotations: { [MANIFEST_HASH_ANNOTATION]: manifestHash },
    },
  };
  try {
    await api.createNamespacedCustomObject({
      ...SPARK_APPLICATION_RESOURCE,
      namespace: manifest.metadata.namespace,
      body,
    });
    return "created";
  } catch (error) {
    if (!isApiError(error, 409)) throw error;
  }
  const existing = await readSparkApplication(
    kubeConfig,
    manifest.metadata.namespace,
    manifest.metadata.name,
  );
  const existingHash = (existing.metadata as { annotations?: Record<string, string> })
    .annotations?.[MANIFEST_HASH_ANNOTATION];
  if (existingHash !== manifestHash) {
    throw new Error(
      `SparkApplication ${manifest.metadata.namespace}/${manifest.metadata.name} already exists from another ` +
        `manifest (hash ${existingHash ?? "none"}, expected ${manifestHash}); delete it to run this cell`,
    );
  }
  return "adopted";
}

/** Deletes a SparkApplication (its pods go with it); one already gone is fine. */
export async function deleteApplication(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
): Promise<void> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  try {
    await api.deleteNamespacedCustomObject({ ...SPARK_APPLICATION_RESOURCE, namespace, name });
  } catch (error) {
    if (!isApiError(error, 404)) throw error;
  }
}
