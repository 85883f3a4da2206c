import type { KubeConfig } from "@kubernetes/client-node";
import { classifyFailure } from "../failure/classifyFailure";
import type { Classification } from "../failure/evidence";
import { evidenceFromKubernetes } from "../failure/kubernetesEvidence";
import { readCellEvidence, type ReadCellOptions } from "../kube/readCellEvidence";

/** Options for `classifyCell`. */
export interface ClassifyCellOptions extends ReadCellOptions {
  /** True if the cell's deadline passed before the application reached a terminal state. */
  readonly timedOut?: boolean;
}

/** Reads one cell from the cluster and classifies how it ended: the whole cloud-side path. */
export async function classifyCell(
  kubeConfig: KubeConfig,
  namespace: string,
  appName: string,
  options: ClassifyCellOptions = {},
): Promise<Classification> {
  const objects = await readCellEvidence(kubeConfig, namespace, appName, options);
  return classifyFailure(evidenceFromKubernetes({ ...objects, timedOut: options.timedOut }));
}
