import type { KubernetesObject } from "@kubernetes/client-node";
import { runCampaign } from "../campaign/runCampaign";
import type { ExperimentConfig } from "../config/experiment";
import type { Cell } from "../experiment/cells";
import { historyServerObjects, portForwardCommand } from "../history/historyServerObjects";
import { DEFAULT_HISTORY_PORT } from "../history/localHistoryServer";
import type { CompiledStack } from "../render/compile";
import type { CellLaunch } from "../render/launch";
import { contentHash } from "../render/manifests";
import type { ExperimentObjects } from "../render/objects";
import type { CellResult } from "../results/cellResult";
import type { PilotSummary } from "../results/runSummary";
import { predictionInput } from "../predict/fromCell";
import { predict } from "../predict/predict";
import { cellRecord, cellRecordBase } from "../runs/cellRecord";
import { runApplication } from "../runs/runApplication";
import { runNativeCell } from "../runs/runNative";
import type { SparkApplicationManifest } from "../spark/sparkApplication";
import { driverRbacManifests, namespaceManifest } from "../testbed/driverRbac";
import { applyObjects } from "./applyObjects";
import { eventLogSource, withEventLog, type EventLogSource } from "./clusterEventLogs";
import { clusterAccess, type ClusterAccess } from "./kubeconfig";

/** An existing-cluster stack with an experiment, compiled: what `run` runs. */
export type RunnableStack = CompiledStack & {
  readonly config: CompiledStack["config"] & { readonly experiment: ExperimentConfig };
  readonly objects: ExperimentObjects;
};

/** Options of `spark-at-scale run`, checked by the CLI. */
export interface ClusterRunOptions {
  readonly compiled: RunnableStack;
  /** Run finished cells again. */
  readonly rerun: boolean;
  /** Cells at once; default: the experiment's concurrency. */
  readonly concurrency?: number;
  readonly resultsDir: string;
  /** Per-cell timeout; default: the experiment's cellTimeoutMinutes. */
  readonly timeoutMinutes?: number;
  /** The Spark distribution whose spark-submit starts native cells (the pinned pyspark). */
  readonly sparkHome: () => string;
  readonly print: (line: string) => void;
  readonly interactive: boolean;
  /** How often a running cell is looked at. */
  readonly pollSeconds?: number;
}

/** What a cluster run produced. */
export interface ClusterRun {
  readonly experiment: string;
  readonly resultsFile: string;
  readonly records: CellResult[];
  readonly summary: PilotSummary;
}

/** Runs one cell the way the stack says cells start, to its record. */
async function runCell(
  cell: Cell,
  launch: CellLaunch,
  application: SparkApplicationManifest,
  access: ClusterAccess,
  submission: "native" | "operator",
  timing: { timeoutSeconds: number; pollSeconds: number },
  sparkHome: () => string,
  eventLogs: { readonly source: EventLogSource | null; readonly warn: (line: string) => void },
): Promise<CellResult> {
  const outcome =
    submission === "native"
      ? await runNativeCell({
          kubeconfig: access.text,
          context: access.context,
          launch,
          sparkHome: sparkHome(),
          ...timing,
        })
      : await runApplication({
          kubeconfig: access.text,
          manifest: application,
          manifestHash: contentHash(JSON.stringify(application)),
          ...timing,
        });
  const measured =
    eventLogs.source === null || launch.eventLog === undefined
      ? outcome
      : await withEventLog(outcome, eventLogs.source, (problem) =>
          eventLogs.warn(`${cell.name}: no measured memory: ${problem}`),
        );
  return cellRecord(cellRecordBase(cell), measured);
}

/**
 * Runs an existing-cluster stack's experiment on its cluster, without Pulumi: applies the jobs
 * namespace, the driver's ServiceAccount, Role and RoleBinding and the workload ConfigMap (the
 * same objects the Pulumi program declares), then runs each cell — by native spark-submit or as
 * a SparkApplication — and records it in results/<experiment>/results.jsonl as it finishes.
 * Finished cells are skipped unless `rerun`; a cell whose driver an interrupted run left running
 * is waited for, not started again.
 */
export async function runOnCluster(options: ClusterRunOptions): Promise<ClusterRun> {
  const { compiled } = options;
  const { config, objects, runtime } = compiled;
  const experiment = config.experiment;
  const access = clusterAccess(config.existingCluster);
  const submission = config.existingCluster.submission;
  if (submission === "native") options.sparkHome(); // a missing pyspark is one message, up front

  const { driverServiceAccount, historyServer } = runtime.identities;
  const rbac = driverRbacManifests(config.jobNamespace, driverServiceAccount);
  // With event logs on the cluster, a History Server reads them; `kubectl port-forward` opens it.
  const storage = objects.launches[0]?.eventLog && runtime.eventLog;
  const eventLogs = eventLogSource(storage);
  const history = storage
    ? historyServerObjects({
        name: historyServer,
        namespace: config.jobNamespace,
        image: runtime.sparkImage,
        storage,
        nodeSelector: config.existingCluster.drivers.nodeSelector,
      })
    : undefined;
  options.print(
    `cluster ${access.server} (context ${access.context}), namespace ${config.jobNamespace}, ` +
      `${submission === "native" ? "native spark-submit" : "SparkApplications (Spark Operator)"}`,
  );
  const timing = {
    timeoutSeconds: (options.timeoutMinutes ?? experiment.fixed.cellTimeoutMinutes) * 60,
    pollSeconds: options.pollSeconds ?? 5,
  };
  const index = new Map(compiled.cells.map((cell, i) => [cell.name, i]));
  const run = await runCampaign({
    experiment: experiment.name,
    resultsDir: options.resultsDir,
    cells: compiled.cells,
    nameOf: (cell) => cell.name,
    rerun: options.rerun,
    concurrency: options.concurrency ?? experiment.fixed.concurrency,
    print: options.print,
    interactive: options.interactive,
    // The memory model is the join's; a query cell is not predicted.
    predictBeforeRun: (cell) =>
      cell.parameters.query ? undefined : predict(predictionInput(cell, experiment, "kubernetes")),
    runner: {
      prepare: async () => {
        await applyObjects(access.kubeConfig, [
          namespaceManifest(config.jobNamespace),
          rbac.serviceAccount,
          rbac.role,
          rbac.roleBinding,
          objects.configMap,
          ...(history ? [history.serviceAccount, history.deployment, history.service] : []),
        ] as KubernetesObject[]);
        if (eventLogs.why) options.print(eventLogs.why);
        if (history) {
          options.print(
            `History Server: ${portForwardCommand({ name: historyServer, namespace: config.jobNamespace }, { kubeconfig: access.file, context: access.context })}, then http://127.0.0.1:${DEFAULT_HISTORY_PORT}`,
          );
        }
      },
      // A running cell keeps running on the cluster after Ctrl-C: the next run waits for it.
      run: (cell) => {
        const i = index.get(cell.name)!;
        return runCell(
          cell,
          objects.launches[i],
          objects.applications[i],
          access,
          submission,
          timing,
          options.sparkHome,
          { source: eventLogs.source, warn: options.print },
        );
      },
    },
  });
  return { experiment: experiment.name, ...run };
}
