import * as path from "node:path";
import type { KubernetesObject } from "@kubernetes/client-node";
import { UsageError } from "../config/errors";
import { readStackSource, type StackSource } from "../config/stackSource";
import type { Cell } from "../experiment/cells";
import { compileStack } from "../render/compile";
import { experimentEventLogStorage, stackSparkImage } from "../render/objects";
import type { CellLaunch } from "../render/launch";
import { contentHash } from "../render/manifests";
import { readWorkloadScript } from "../render/workloadScript";
import type { CellResult } from "../results/cellResult";
import { plainProgress, terminalProgress, type Progress } from "../results/progress";
import { lockResults } from "../results/resultsLock";
import { ResultsStore } from "../results/resultsStore";
import { summarise, summaryText, type PilotSummary } from "../results/runSummary";
import { cellRecord, cellRecordBase } from "../runs/cellRecord";
import { runApplication } from "../runs/runApplication";
import { runNativeCell } from "../runs/runNative";
import type { SparkApplicationManifest } from "../spark/sparkApplication";
import { historyServerObjects, portForwardCommand } from "../history/historyServerObjects";
import { DEFAULT_HISTORY_PORT } from "../history/localHistoryServer";
import { driverRbacManifests, namespaceManifest } from "../testbed/driverRbac";
import { HISTORY_SERVER_NAME } from "../testbed/eventLogs";
import { applyObjects } from "./applyObjects";
import { clusterAccess, type ClusterAccess } from "./kubeconfig";

/** Options of `spark-at-scale run`. */
export interface ClusterRunOptions {
  readonly source: StackSource;
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

/** Runs `work` on each item, at most `concurrency` at once. */
async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
) {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await Promise.all(workers);
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
  return cellRecord(cellRecordBase(cell), outcome);
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
  const raw = readStackSource(options.source);
  const compiled = compileStack(raw, options.source.label, readWorkloadScript);
  const { config, objects } = compiled;
  if (config.target !== "existingCluster") {
    throw new UsageError(
      `${options.source.label}: run takes a stack with spark-at-scale:target: existingCluster; ` +
        "a GKE stack runs its cells with `pulumi up`",
    );
  }
  if (!config.experiment || !objects) {
    throw new UsageError(`${options.source.label} declares no spark-at-scale:experiment to run`);
  }
  const experiment = config.experiment;
  const access = clusterAccess(config.existingCluster);
  const submission = config.existingCluster.submission;
  if (submission === "native") options.sparkHome(); // a missing pyspark is one message, up front

  const dir = path.join(options.resultsDir, experiment.name);
  const store = ResultsStore.open(dir);
  const unlock = lockResults(dir);
  const rbac = driverRbacManifests(config.jobNamespace, config.driverServiceAccount);
  // With event logs on the cluster, a History Server reads them; `kubectl port-forward` opens it.
  const storage = objects.launches[0]?.eventLog && experimentEventLogStorage(config);
  const history = storage
    ? historyServerObjects({
        name: HISTORY_SERVER_NAME,
        namespace: config.jobNamespace,
        image: stackSparkImage(config),
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
  const cells = compiled.cells;
  const todo = cells.filter((cell) => options.rerun || !store.get(cell.name));
  const progress: Progress = options.interactive
    ? terminalProgress(cells.length)
    : plainProgress(cells.length, options.print);
  for (const cell of cells) if (!todo.includes(cell)) progress.skipped(cell.name);
  const started = Date.now();
  try {
    await applyObjects(access.kubeConfig, [
      namespaceManifest(config.jobNamespace),
      rbac.serviceAccount,
      rbac.role,
      rbac.roleBinding,
      objects.configMap,
      ...(history ? [history.serviceAccount, history.deployment, history.service] : []),
    ] as KubernetesObject[]);
    if (history) {
      options.print(
        `History Server: ${portForwardCommand({ name: HISTORY_SERVER_NAME, namespace: config.jobNamespace })}, then http://127.0.0.1:${DEFAULT_HISTORY_PORT}`,
      );
    }
    const index = new Map(cells.map((cell, i) => [cell.name, i]));
    await inParallel(todo, options.concurrency ?? experiment.fixed.concurrency, async (cell) => {
      const i = index.get(cell.name)!;
      progress.started(cell.name);
      const record = await runCell(
        cell,
        objects.launches[i],
        objects.applications[i],
        access,
        submission,
        timing,
        options.sparkHome,
      );
      store.save(record);
      progress.finished(record);
    });
  } finally {
    progress.stop();
    unlock();
  }
  const names = new Set(cells.map((c) => c.name));
  const records = store.all().filter((r) => names.has(r.cell));
  const summary = summarise(records, (Date.now() - started) / 1000);
  options.print(summaryText(experiment.name, records, summary));
  options.print(`results: ${store.file}`);
  return { experiment: experiment.name, resultsFile: store.file, records, summary };
}
