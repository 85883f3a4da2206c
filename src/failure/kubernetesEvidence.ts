import {
  eventSchema,
  parseObject,
  podSchema,
  sparkApplicationSchema,
  type Event,
  type Pod,
  type SparkApplication,
} from "../kube/kubernetesObjects";
import { POD_LABELS, SPARK_CONTAINERS, SPARK_ROLES } from "../kube/sparkOperatorApi";
import type {
  ClusterEvent,
  ContainerTermination,
  ExecutorTermination,
  FailureEvidence,
} from "./evidence";
import type { FinalState } from "./finalState";
import { DRIVER_FAILED_ERROR_MESSAGE } from "./operatorMessages";
import { findWorkloadResult, withoutResultLines } from "./workloadResult";

/** What is read from the cluster about one cell. Objects are as the API returns them. */
export interface KubernetesCellObjects {
  /** The SparkApplication, with its status. */
  readonly app: unknown;
  /** The cell's driver and executor Pods (those still there). */
  readonly pods: readonly unknown[];
  /** core/v1 Events about the application and its pods. */
  readonly events: readonly unknown[];
  /** The tail of the driver container's log, if it could be read. */
  readonly driverLog?: string;
  /** True if the cell's deadline passed before the application reached a final state. */
  readonly timedOut?: boolean;
}

/** The operator's application states that end a run, mapped to ours. */
const OPERATOR_FINAL_STATES: Readonly<Record<string, FinalState>> = {
  COMPLETED: "COMPLETED",
  FAILED: "FAILED",
  SUBMISSION_FAILED: "SUBMISSION_FAILED",
};

function finalStateOf(app: SparkApplication, timedOut: boolean): FinalState {
  if (timedOut) return "TIMEOUT";
  const state = app.status?.applicationState?.state ?? "";
  const final = OPERATOR_FINAL_STATES[state];
  if (final) return final;
  const where = `${app.metadata.namespace ?? "?"}/${app.metadata.name}`;
  throw new Error(
    `SparkApplication ${where} is in state "${state || "NEW"}", not a final one: ` +
      "classify it once it has ended, or pass timedOut when its deadline has passed",
  );
}

/**
 * The terminated state of the pod's Spark container (any container's, if none has Spark's
 * name): `state.terminated`, or `lastState.terminated` if the container has since restarted.
 */
function terminationOf(
  pod: Pod,
  containerNames: readonly string[],
): ContainerTermination | undefined {
  const statuses = pod.status?.containerStatuses ?? [];
  const ordered = [
    ...statuses.filter((s) => containerNames.includes(s.name)),
    ...statuses.filter((s) => !containerNames.includes(s.name)),
  ];
  for (const status of ordered) {
    const terminated = status.state?.terminated ?? status.lastState?.terminated;
    if (terminated) {
      return {
        exitCode: terminated.exitCode,
        reason: terminated.reason || undefined,
        message: terminated.message || undefined,
      };
    }
  }
  return undefined;
}

/** A pod's Spark role from Spark's label, or by being the driver pod named elsewhere. */
const roleOf = (pod: Pod, driverPodName: string | undefined): string | undefined =>
  pod.metadata.labels?.[POD_LABELS.sparkRole] ??
  (pod.metadata.name === driverPodName ? SPARK_ROLES.driver : undefined);

/** The driver's end: from its pod, or, once the pod is gone, from the operator's errorMessage. */
function driverTerminationOf(
  app: SparkApplication,
  pods: readonly Pod[],
): ContainerTermination | undefined {
  const driverPod = pods.find(
    (pod) => roleOf(pod, app.status?.driverInfo?.podName) === SPARK_ROLES.driver,
  );
  const fromPod = driverPod && terminationOf(driverPod, [SPARK_CONTAINERS.driver]);
  if (fromPod) return fromPod;
  const match = DRIVER_FAILED_ERROR_MESSAGE.exec(app.status?.applicationState?.errorMessage ?? "");
  return match ? { exitCode: Number(match[1]), reason: match[2] } : undefined;
}

function executorTerminationsOf(
  pods: readonly Pod[],
  driverPodName: string | undefined,
): ExecutorTermination[] {
  const executorContainers = [SPARK_CONTAINERS.executor, SPARK_CONTAINERS.executorFromTemplate];
  return pods
    .filter((pod) => roleOf(pod, driverPodName) === SPARK_ROLES.executor)
    .flatMap((pod) => {
      const termination = terminationOf(pod, executorContainers);
      if (!termination) return [];
      const executorId = pod.metadata.labels?.[POD_LABELS.executorId];
      return [{ podName: pod.metadata.name, executorId, ...termination }];
    });
}

const toClusterEvent = (event: Event): ClusterEvent => ({
  reason: event.reason ?? "",
  message: event.message ?? "",
  object: `${event.involvedObject.kind ?? "?"}/${event.involvedObject.name ?? "?"}`,
});

/**
 * Failure evidence from what the cluster holds about one cell. The operator's status has no
 * executor exit reasons, so they come from the executor pods that were kept, from the operator's
 * SparkExecutorFailed Events and from the driver log; the workload's result line, if the log
 * tail has it, gives the workload's own error. Pure: reading the cluster is `readCellEvidence`'s.
 */
export function evidenceFromKubernetes(objects: KubernetesCellObjects): FailureEvidence {
  const app = parseObject(sparkApplicationSchema, objects.app, "SparkApplication");
  const pods = objects.pods.map((pod) => parseObject(podSchema, pod, "Pod"));
  const events = objects.events.map((event) => parseObject(eventSchema, event, "Event"));
  const result = findWorkloadResult(objects.driverLog ?? "");
  const driverLog = withoutResultLines(objects.driverLog ?? "");
  const status = app.status;
  const executorStates = Object.values(status?.executorState ?? {});

  return {
    runner: "kubernetes",
    finalState: finalStateOf(app, objects.timedOut ?? false),
    workloadOutcome: result?.outcome,
    workloadError: result?.error ?? undefined,
    driverTermination: driverTerminationOf(app, pods),
    executorTerminations: executorTerminationsOf(pods, status?.driverInfo?.podName),
    events: events.map(toClusterEvent),
    driverLog,
    applicationErrorMessage: status?.applicationState?.errorMessage || undefined,
    // The operator omits zero counts (omitempty), so with a status, absent means 0.
    submissionAttempts: status && (status.submissionAttempts ?? 0),
    executionAttempts: status && (status.executionAttempts ?? 0),
    failedExecutorCount: status && executorStates.filter((state) => state === "FAILED").length,
  };
}

/** What is read from the cluster about a cell started by native `spark-submit`. */
export interface NativeCellObjects {
  /** The driver pod's name (fixed per cell). */
  readonly driverPodName: string;
  /** The cell's pods still there: its driver and kept executors (objects as the API returns them). */
  readonly pods: readonly unknown[];
  /** core/v1 Events about those pods. */
  readonly events: readonly unknown[];
  /** The tail of the driver container's log, if it could be read. */
  readonly driverLog?: string;
  /** How `spark-submit` itself ended; absent for a driver adopted after an interruption. */
  readonly submission?: { readonly exitCode: number | null; readonly output: string };
  /** True if the cell's deadline passed before the driver pod ended. */
  readonly timedOut?: boolean;
}

/** The lines of spark-submit's output worth keeping when it failed: its errors. */
function submissionErrorLines(output: string): string {
  const lines = output
    .split("\n")
    .filter((line) => /error|exception|forbidden|refused/i.test(line));
  return (lines.length > 0 ? lines : output.split("\n")).slice(-20).join("\n").trim();
}

/** Whether the driver container ever started: a driver that never ran is a failed submission. */
function driverStarted(driverPod: Pod | undefined): boolean {
  return (driverPod?.status?.containerStatuses ?? []).some(
    (status) =>
      status.name === SPARK_CONTAINERS.driver &&
      Boolean(
        (status.state as { running?: unknown } | null | undefined)?.running ??
        status.state?.terminated ??
        status.lastState?.terminated,
      ),
  );
}

/**
 * Failure evidence for a cell started by Spark's native submission: no SparkApplication, so the
 * final state comes from the driver pod's phase (or from spark-submit, when no driver pod was
 * ever created), and everything else as for an operator-started cell, from the same pods,
 * Events and driver log. Pure, like evidenceFromKubernetes.
 */
export function evidenceFromNativeSubmission(objects: NativeCellObjects): FailureEvidence {
  const pods = objects.pods.map((pod) => parseObject(podSchema, pod, "Pod"));
  const events = objects.events.map((event) => parseObject(eventSchema, event, "Event"));
  const driverPod = pods.find((pod) => roleOf(pod, objects.driverPodName) === SPARK_ROLES.driver);
  const phase = driverPod?.status?.phase;
  const submissionFailed =
    !driverPod && objects.submission !== undefined && objects.submission.exitCode !== 0;
  const finalState: FinalState = objects.timedOut
    ? "TIMEOUT"
    : submissionFailed
      ? "SUBMISSION_FAILED"
      : phase === "Succeeded"
        ? "COMPLETED"
        : "FAILED";
  const result = findWorkloadResult(objects.driverLog ?? "");
  const executorTerminations = executorTerminationsOf(pods, objects.driverPodName);
  const started = driverStarted(driverPod);
  const errorMessage = submissionFailed
    ? submissionErrorLines(objects.submission?.output ?? "")
    : !driverPod && !objects.timedOut
      ? `driver pod ${objects.driverPodName} is gone`
      : undefined;
  return {
    runner: "kubernetes",
    finalState,
    workloadOutcome: result?.outcome,
    workloadError: result?.error ?? undefined,
    driverTermination: driverPod && terminationOf(driverPod, [SPARK_CONTAINERS.driver]),
    executorTerminations,
    events: events.map(toClusterEvent),
    driverLog: withoutResultLines(objects.driverLog ?? ""),
    applicationErrorMessage: errorMessage,
    submissionAttempts: 1,
    executionAttempts: started ? 1 : 0,
    failedExecutorCount: executorTerminations.filter((t) => t.exitCode !== 0).length,
  };
}
