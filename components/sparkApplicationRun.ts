import * as pulumi from "@pulumi/pulumi";
import type { EventLogSource } from "../src/cluster/clusterEventLogs";
import { contentHash } from "../src/render/manifests";
import type { CellRecordBase } from "../src/runs/cellRecord";
import type { SparkApplicationManifest } from "../src/spark/sparkApplication";
import { cellRunProps } from "./providers/runProvider";
import { sparkApplicationRunProvider, type RunSpec } from "./providers/sparkApplicationRunProvider";

/** Inputs of SparkApplicationRun. */
export interface SparkApplicationRunArgs {
  /** Kubeconfig the provider talks to the cluster with. */
  readonly kubeconfig: pulumi.Input<string>;
  /** The application, built by the pure manifest functions (the same `plan --out` writes). */
  readonly manifest: SparkApplicationManifest;
  /** Deadline: a run still going then is recorded as TIMEOUT and stopped. */
  readonly timeoutSeconds: number;
  /** Poll interval. */
  readonly pollSeconds: number;
  /** For a cell: its fixed record fields. */
  readonly base?: CellRecordBase;
  /** Where this machine reads the cell's event log: the record's measured memory comes from it. */
  readonly eventLogs?: EventLogSource;
}

/** One SparkApplication, run to its end, with how it ended as the output `record`. */
export class SparkApplicationRun extends pulumi.dynamic.Resource {
  /** The cell's record (src/results/cellResult.ts), or the run's outcome for a non-cell. */
  declare readonly record: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: SparkApplicationRunArgs, opts?: pulumi.CustomResourceOptions) {
    const run: RunSpec = {
      manifest: args.manifest,
      manifestHash: contentHash(JSON.stringify(args.manifest)),
      timeoutSeconds: args.timeoutSeconds,
      pollSeconds: args.pollSeconds,
      base: args.base,
      ...(args.eventLogs ? { eventLogs: args.eventLogs } : {}),
    };
    const props = cellRunProps(args.kubeconfig, run);
    super(sparkApplicationRunProvider, name, props, opts, "spark-at-scale", "SparkApplicationRun");
  }
}
