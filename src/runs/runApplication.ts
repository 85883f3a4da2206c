import { loadKubeConfig } from "../kube/kubeConfig";
import { createOrAdoptApplication, deleteApplication } from "../kube/applyApplication";
import type { SparkApplicationManifest } from "../spark/sparkApplication";
import type { RunOutcome } from "./cellRecord";
import { observeApplication } from "./observeApplication";

/** What a SparkApplicationRun resource hands its provider. */
export interface RunApplicationInput {
  /** Kubeconfig of the cluster. */
  readonly kubeconfig: string;
  /** The SparkApplication to run. */
  readonly manifest: SparkApplicationManifest;
  /** Hash of the manifest, recorded on the application to recognise it after an interruption. */
  readonly manifestHash: string;
  /** Give up (TIMEOUT) after this long. */
  readonly timeoutSeconds: number;
  /** Poll interval. */
  readonly pollSeconds: number;
}

/**
 * Runs a SparkApplication to its end: creates it (or adopts the one an interrupted run left),
 * waits for a terminal state or the deadline, and classifies how it ended.
 */
export async function runApplication(input: RunApplicationInput): Promise<RunOutcome> {
  await createOrAdoptApplication(
    loadKubeConfig(input.kubeconfig, { source: "the run's kubeconfig" }),
    input.manifest,
    input.manifestHash,
  );
  return observeApplication({
    kubeconfig: input.kubeconfig,
    namespace: input.manifest.metadata.namespace,
    name: input.manifest.metadata.name,
    timeoutSeconds: input.timeoutSeconds,
    pollSeconds: input.pollSeconds,
  });
}

/** Removes a run's SparkApplication (on `pulumi destroy`, or before a changed cell re-runs). */
export async function removeApplication(
  input: Pick<RunApplicationInput, "kubeconfig" | "manifest">,
): Promise<void> {
  await deleteApplication(
    loadKubeConfig(input.kubeconfig, { source: "the run's kubeconfig" }),
    input.manifest.metadata.namespace,
    input.manifest.metadata.name,
  );
}
