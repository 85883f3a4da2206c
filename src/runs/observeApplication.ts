import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { loadKubeConfig } from "../kube/kubeConfig";
import { classifyFailure } from "../failure/classifyFailure";
import { evidenceFromKubernetes } from "../failure/kubernetesEvidence";
import { lastResultFields } from "../results/resultLine";
import {
  applicationStateReader,
  readCellEvidence,
  type CellObjects,
} from "../kube/readCellEvidence";
import { waitForTerminalState } from "../kube/waitForTerminalState";
import { runOutcome, type RunOutcome } from "./cellRecord";

/** What the outcome resource asks for: which application, and how long to wait for it. */
export interface ObserveApplicationInput {
  /** Kubeconfig of the cluster. */
  readonly kubeconfig: string;
  readonly namespace: string;
  /** SparkApplication name (= cell name). */
  readonly name: string;
  /** Give up (TIMEOUT) after this long. */
  readonly timeoutSeconds: number;
  /** Poll interval. */
  readonly pollSeconds: number;
}

/** An API timestamp as ISO-8601 text, or null. */
const timestamp = (value: unknown): string | null =>
  value instanceof Date ? value.toISOString() : typeof value === "string" && value ? value : null;

/** Facts of a cluster run the record needs, read from the objects (pure). */
export function clusterRunFacts(objects: CellObjects, timedOutAt?: string) {
  const status = objects.app.status;
  const executorFailures = Object.values(status?.executorState ?? {}).filter(
    (s) => s === "FAILED",
  ).length;
  return {
    sparkApplicationId: status?.sparkApplicationId ?? null,
    start: timestamp(status?.lastSubmissionAttemptTime),
    end: timedOutAt ?? timestamp(status?.terminationTime),
    attempts: status?.submissionAttempts ?? 0,
    executorFailures,
    workload: objects.driverLog ? (lastResultFields(objects.driverLog) ?? null) : null,
  };
}

/**
 * Stops a cell that ran past its deadline, so it stops costing money: deleting the driver pod
 * ends the application (the operator marks it FAILED) and its executors, which Kubernetes
 * garbage-collects with their owner. The evidence was read before this.
 */
async function stopTimedOutCell(kubeConfig: KubeConfig, objects: CellObjects): Promise<void> {
  const driverPod = objects.app.status?.driverInfo?.podName;
  if (!driverPod || !objects.app.metadata.namespace) return;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await core
    .deleteNamespacedPod({ name: driverPod, namespace: objects.app.metadata.namespace })
    .catch(() => undefined);
}

/**
 * Waits for a SparkApplication to end (or its deadline), reads its pods, events and driver
 * log, and classifies how it ended. A failed run is a result here, not an error: only an
 * unreachable cluster or a missing application throws.
 */
export async function observeApplication(input: ObserveApplicationInput): Promise<RunOutcome> {
  const kubeConfig = loadKubeConfig(input.kubeconfig, { source: "the run's kubeconfig" });
  const wait = await waitForTerminalState(
    applicationStateReader(kubeConfig, input.namespace, input.name),
    {
      timeoutMs: input.timeoutSeconds * 1000,
      intervalMs: input.pollSeconds * 1000,
    },
  );
  const timedOut = wait.finalState === "TIMEOUT";
  const objects = await readCellEvidence(kubeConfig, input.namespace, input.name);
  if (timedOut) await stopTimedOutCell(kubeConfig, objects);
  const evidence = evidenceFromKubernetes({ ...objects, timedOut });
  return runOutcome({
    runner: "kubernetes",
    evidence,
    classification: classifyFailure(evidence),
    ...clusterRunFacts(objects, timedOut ? new Date().toISOString() : undefined),
  });
}
