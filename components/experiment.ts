import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EventLogSource } from "../src/cluster/clusterEventLogs";
import type { Cell } from "../src/experiment/cells";
import { lanePredecessors } from "../src/render/lanes";
import type { ExperimentObjects } from "../src/render/objects";
import { cellRecordBase } from "../src/runs/cellRecord";
import { NativeSparkRun } from "./nativeSparkRun";
import { SparkApplicationRun } from "./sparkApplicationRun";

/** How often a running cell polls its SparkApplication. */
const POLL_SECONDS = 15;

/** Inputs of Experiment. */
export interface ExperimentArgs {
  /** Experiment name. */
  readonly experiment: string;
  /** The cells, in plan order. */
  readonly cells: readonly Cell[];
  /** Their objects (from experimentObjects). */
  readonly objects: ExperimentObjects;
  readonly kubeconfig: pulumi.Input<string>;
  readonly timeoutSeconds: number;
  /** Cells running at once. */
  readonly concurrency: number;
  /** Resources that must exist before any cell runs (operator, driver RBAC). */
  readonly after: pulumi.Resource[];
  /**
   * How cells start: SparkApplications the operator runs (GKE, or a cluster with the operator),
   * or Spark's own spark-submit from the machine running Pulumi (a cluster without it).
   */
  readonly submission: "operator" | "native";
  /** Where this machine reads the cells' event logs: records read their memory from them. */
  readonly eventLogs?: EventLogSource;
}

/**
 * Every cell of an experiment, run in `concurrency` lanes: each cell starts when the previous
 * cell of its lane has ended, so at most `concurrency` drivers compete for room. Lanes are
 * only ordering (dependsOn), not properties, so adding a cell never re-runs another.
 */
export class Experiment extends pulumi.ComponentResource {
  /** Each cell's record by cell name. */
  readonly records: pulumi.Output<Record<string, Record<string, unknown>>>;

  constructor(name: string, args: ExperimentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:experiment:Experiment", name, {}, opts);
    const configMap = new k8s.core.v1.ConfigMap(`${name}-workload`, args.objects.configMap, {
      parent: this,
      dependsOn: args.after,
    });
    const predecessors = lanePredecessors(args.cells.length, args.concurrency);
    const runs: (SparkApplicationRun | NativeSparkRun)[] = [];
    args.cells.forEach((cell, index) => {
      const before = predecessors[index];
      const opts = {
        parent: this,
        dependsOn: before === undefined ? [configMap] : [configMap, runs[before]],
      };
      const common = {
        kubeconfig: args.kubeconfig,
        timeoutSeconds: args.timeoutSeconds,
        pollSeconds: POLL_SECONDS,
        base: cellRecordBase(cell),
        ...(args.eventLogs ? { eventLogs: args.eventLogs } : {}),
      };
      runs.push(
        args.submission === "native"
          ? new NativeSparkRun(
              `${name}-${cell.name}`,
              { ...common, launch: args.objects.launches[index] },
              opts,
            )
          : new SparkApplicationRun(
              `${name}-${cell.name}`,
              { ...common, manifest: args.objects.applications[index] },
              opts,
            ),
      );
    });
    this.records = pulumi
      .all(runs.map((run) => run.record))
      .apply((records) => Object.fromEntries(args.cells.map((cell, i) => [cell.name, records[i]])));
    this.registerOutputs({ records: this.records });
  }
}
