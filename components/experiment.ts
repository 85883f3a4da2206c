import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cell } from "../src/experiment/cells";
import { lanePredecessors } from "../src/experiment/lanes";
import { contentHash } from "../src/experiment/manifests";
import type { ExperimentObjects } from "../src/experiment/objects";
import { cellRecordBase } from "../src/runs/cellRecord";
import type { SparkApplicationManifest } from "../src/spark/sparkApplication";
import { CellOutcome } from "./cellOutcome";

/** How often a waiting cell polls its SparkApplication. */
const POLL_SECONDS = 15;

/** Inputs of ExperimentCell. */
export interface ExperimentCellArgs {
  /** The cell as planned. */
  readonly cell: Cell;
  /** Its SparkApplication (from experimentObjects). */
  readonly application: SparkApplicationManifest;
  /** Kubeconfig the outcome resource reads the cluster with. */
  readonly kubeconfig: pulumi.Input<string>;
  /** Deadline for the cell. */
  readonly timeoutSeconds: number;
  /** What must finish before this cell starts: the workload ConfigMap, and the previous cell of its lane. */
  readonly after: pulumi.Resource[];
}

/** One cell: its SparkApplication and the resource that waits for it and records the outcome. */
export class ExperimentCell extends pulumi.ComponentResource {
  readonly application: k8s.apiextensions.CustomResource;
  readonly outcome: CellOutcome;

  constructor(name: string, args: ExperimentCellArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:experiment:Cell", name, {}, opts);
    this.application = new k8s.apiextensions.CustomResource(name, args.application, {
      parent: this,
      dependsOn: args.after,
      // A SparkApplication is a run, not a service: any change means a new run under the same
      // name, so the old one goes first.
      replaceOnChanges: ["spec"],
      deleteBeforeReplace: true,
    });
    this.outcome = new CellOutcome(
      `${name}-outcome`,
      {
        kubeconfig: args.kubeconfig,
        namespace: args.application.metadata.namespace,
        name: args.application.metadata.name,
        timeoutSeconds: args.timeoutSeconds,
        pollSeconds: POLL_SECONDS,
        base: cellRecordBase(args.cell),
        manifestHash: contentHash(JSON.stringify(args.application)),
      },
      { parent: this, dependsOn: [this.application] },
    );
    this.registerOutputs({ record: this.outcome.record });
  }
}

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
    const cells: ExperimentCell[] = [];
    args.cells.forEach((cell, index) => {
      const before = predecessors[index];
      const previous = before === undefined ? undefined : cells[before].outcome;
      const experimentCell = new ExperimentCell(
        `${name}-${cell.name}`,
        {
          cell,
          application: args.objects.applications[index],
          kubeconfig: args.kubeconfig,
          timeoutSeconds: args.timeoutSeconds,
          after: previous ? [configMap, previous] : [configMap],
        },
        { parent: this },
      );
      cells.push(experimentCell);
    });
    this.records = pulumi
      .all(cells.map((c) => c.outcome.record))
      .apply((records) => Object.fromEntries(args.cells.map((cell, i) => [cell.name, records[i]])));
    this.registerOutputs({ records: this.records });
  }
}
