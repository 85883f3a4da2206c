import * as pulumi from "@pulumi/pulumi";
import type { EventLogSource } from "../src/cluster/clusterEventLogs";
import type { CellLaunch } from "../src/render/launch";
import type { CellRecordBase } from "../src/runs/cellRecord";
import { launchHash } from "../src/runs/runNative";
import { nativeSparkRunProvider, type NativeRunSpec } from "./providers/nativeSparkRunProvider";
import { cellRunProps } from "./providers/runProvider";

/** Inputs of NativeSparkRun. */
export interface NativeSparkRunArgs {
  readonly kubeconfig: pulumi.Input<string>;
  readonly context?: string;
  /** The cell's launch (experimentObjects' `launches`). */
  readonly launch: CellLaunch;
  readonly timeoutSeconds: number;
  readonly pollSeconds: number;
  readonly base: CellRecordBase;
  /** Where this machine reads the cell's event log: the record's measured memory comes from it. */
  readonly eventLogs?: EventLogSource;
}

/** One cell run by native spark-submit to its end, with its record as the output `record`. */
export class NativeSparkRun extends pulumi.dynamic.Resource {
  /** The cell's record (src/results/cellResult.ts). */
  declare readonly record: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: NativeSparkRunArgs, opts?: pulumi.CustomResourceOptions) {
    const run: NativeRunSpec = {
      launch: args.launch,
      launchHash: launchHash(args.launch),
      ...(args.context ? { context: args.context } : {}),
      timeoutSeconds: args.timeoutSeconds,
      pollSeconds: args.pollSeconds,
      base: args.base,
      ...(args.eventLogs ? { eventLogs: args.eventLogs } : {}),
    };
    const props = cellRunProps(args.kubeconfig, run);
    super(nativeSparkRunProvider, name, props, opts, "spark-at-scale", "NativeSparkRun");
  }
}
