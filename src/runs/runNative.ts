import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { loadKubeConfig } from "../kube/kubeConfig";
import stableStringify from "fast-json-stable-stringify";
import * as yaml from "js-yaml";
import { contentHash } from "../render/manifests";
import type { CellLaunch } from "../render/launch";
import { classifyFailure } from "../failure/classifyFailure";
import { evidenceFromNativeSubmission } from "../failure/kubernetesEvidence";
import { deleteDriverPod, readDriverPod, readNativeCell } from "../kube/readNativeCell";
import { waitForTerminalState } from "../kube/waitForTerminalState";
import { lastResultFields } from "../results/resultLine";
import {
  LAUNCH_HASH_ANNOTATION,
  nativeSubmission,
  driverPodName,
} from "../render/nativeSubmission";
import { runOutcome, type RunOutcome } from "./cellRecord";

/** What a natively submitted run needs. */
export interface NativeRunInput {
  /** Kubeconfig of the cluster (its text: the submitter writes it to a private file). */
  readonly kubeconfig: string;
  /** Kubeconfig context; the current one when absent. */
  readonly context?: string;
  readonly launch: CellLaunch;
  /** Give up (TIMEOUT) after this long. */
  readonly timeoutSeconds: number;
  readonly pollSeconds: number;
  /** The Spark distribution whose spark-submit is run (the pinned pyspark's package folder). */
  readonly sparkHome: string;
}

/**
 * Hash of a launch: recorded on the driver pod, so an interrupted run's pod is recognised. Keys
 * are sorted first: Pulumi hands a run resource its launch with the keys in another order than
 * the program built it, and `spark-at-scale run` must recognise the pods `pulumi up` started.
 */
export function launchHash(launch: CellLaunch): string {
  return contentHash(stableStringify(launch));
}

/** The hash pods launched before keys were sorted carry (keys in the order they were built). */
function unsortedLaunchHash(launch: CellLaunch): string {
  return contentHash(JSON.stringify(launch));
}

/** How spark-submit ended. */
interface SubmitResult {
  readonly exitCode: number | null;
  readonly output: string;
}

const SUBMIT_OUTPUT_CHARS = 200_000;

/** Runs spark-submit to create the driver pod, with the kubeconfig and pod templates in a private folder. */
async function submit(
  input: NativeRunInput,
  hash: string,
  apiServer: string,
): Promise<SubmitResult> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "spark-at-scale-submit-"));
  try {
    const kubeconfigPath = path.join(folder, "kubeconfig");
    fs.writeFileSync(kubeconfigPath, input.kubeconfig, { mode: 0o600 });
    const submission = nativeSubmission(input.launch, {
      apiServer,
      context: input.context,
      driverTemplatePath: path.join(folder, "driver-template.yaml"),
      executorTemplatePath: path.join(folder, "executor-template.yaml"),
      launchHash: hash,
    });
    fs.writeFileSync(
      path.join(folder, "driver-template.yaml"),
      yaml.dump(submission.podTemplates.driver),
    );
    fs.writeFileSync(
      path.join(folder, "executor-template.yaml"),
      yaml.dump(submission.podTemplates.executor),
    );
    return await new Promise<SubmitResult>((resolve, reject) => {
      const sparkSubmit = path.join(input.sparkHome, "bin", "spark-submit");
      const child = spawn(sparkSubmit, [...submission.args], {
        env: { ...process.env, SPARK_HOME: input.sparkHome, KUBECONFIG: kubeconfigPath },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString("utf8")).slice(-SUBMIT_OUTPUT_CHARS);
      };
      child.stdout.on("data", keep);
      child.stderr.on("data", keep);
      // spark-submit only creates the driver pod; minutes mean it is stuck talking to the API server.
      const timer = setTimeout(
        () => child.kill("SIGKILL"),
        Math.min(input.timeoutSeconds, 300) * 1000,
      );
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(new Error(`could not run spark-submit (${sparkSubmit}): ${error.message}`));
      });
      child.on("close", (exitCode) => {
        clearTimeout(timer);
        resolve({ exitCode, output });
      });
    });
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** The driver pod's phase as the wait understands it: COMPLETED, FAILED, or still running. */
function stateOf(pod: V1Pod | undefined): string {
  if (!pod) return "FAILED";
  if (pod.status?.phase === "Succeeded") return "COMPLETED";
  if (pod.status?.phase === "Failed") return "FAILED";
  return pod.status?.phase ?? "Pending";
}

/** Start and end of the driver container, ISO-8601. */
function driverTimes(pod: V1Pod | undefined): { start: string | null; end: string | null } {
  const status = pod?.status?.containerStatuses?.find((s) => s.state?.terminated);
  const iso = (value: unknown) =>
    value instanceof Date ? value.toISOString() : typeof value === "string" ? value : null;
  return {
    start: iso(status?.state?.terminated?.startedAt) ?? iso(pod?.status?.startTime),
    end: iso(status?.state?.terminated?.finishedAt),
  };
}

/**
 * Runs one cell by Spark's native submission and classifies how it ended: submits it (or adopts
 * the driver pod an interrupted run created from the same launch), waits for the driver pod to
 * end or the deadline (then deletes it, so it stops costing), and reads the pods, Events and
 * driver log. A failed cell is a result; only an unreachable cluster or a conflicting pod throws.
 */
export async function runNativeCell(input: NativeRunInput): Promise<RunOutcome> {
  const kubeConfig = loadKubeConfig(input.kubeconfig, {
    source: "the run's kubeconfig",
    context: input.context,
  });
  const apiServer = kubeConfig.getCurrentCluster()?.server;
  if (!apiServer) throw new Error("the kubeconfig names no cluster server for its current context");
  const { launch } = input;
  const namespace = launch.namespace;
  const podName = driverPodName(launch.name);
  const hash = launchHash(launch);

  const existing = await readDriverPod(kubeConfig, namespace, podName);
  let submitted: SubmitResult | undefined;
  if (existing) {
    const existingHash = existing.metadata?.annotations?.[LAUNCH_HASH_ANNOTATION];
    if (existingHash !== hash && existingHash !== unsortedLaunchHash(launch)) {
      throw new Error(
        `driver pod ${namespace}/${podName} already exists from another launch (hash ${existingHash ?? "none"}, ` +
          `expected ${hash}); delete it to run this cell`,
      );
    }
  } else {
    submitted = await submit(input, hash, apiServer);
  }

  const created = existing ?? (await readDriverPod(kubeConfig, namespace, podName));
  const wait = created
    ? await waitForTerminalState(
        async () => stateOf(await readDriverPod(kubeConfig, namespace, podName)),
        { timeoutMs: input.timeoutSeconds * 1000, intervalMs: input.pollSeconds * 1000 },
      )
    : undefined;
  const timedOut = wait?.finalState === "TIMEOUT";
  const objects = await readNativeCell(kubeConfig, namespace, launch.labels, podName);
  if (timedOut) await deleteDriverPod(kubeConfig, namespace, podName);
  const evidence = evidenceFromNativeSubmission({
    driverPodName: podName,
    pods: objects.pods,
    events: objects.events,
    driverLog: objects.driverLog,
    submission: submitted,
    timedOut,
  });
  const driverPod = objects.pods.find((pod) => pod.metadata?.name === podName);
  const times = driverTimes(driverPod);
  return runOutcome({
    runner: "kubernetes",
    evidence,
    classification: classifyFailure(evidence),
    sparkApplicationId: driverPod?.metadata?.labels?.["spark-app-selector"] ?? null,
    start: times.start,
    end: timedOut ? new Date().toISOString() : times.end,
    attempts: 1,
    executorFailures: evidence.failedExecutorCount ?? 0,
    workload: objects.driverLog ? (lastResultFields(objects.driverLog) ?? null) : null,
  });
}

/** Removes a natively submitted cell: its driver pod, and with it everything Spark created. */
export async function removeNativeCell(
  input: Pick<NativeRunInput, "kubeconfig" | "context"> & { namespace: string; cell: string },
): Promise<void> {
  await deleteDriverPod(
    loadKubeConfig(input.kubeconfig, { source: "the run's kubeconfig", context: input.context }),
    input.namespace,
    driverPodName(input.cell),
  );
}
