import * as pulumi from "@pulumi/pulumi";
import type { CellLaunch } from "../src/render/launch";
import type { CellRecordBase } from "../src/runs/cellRecord";
import { launchHash } from "../src/runs/runNative";
import { checkoutModule } from "./checkoutModules";
import { RUN_PROVIDER_VERSION } from "./sparkApplicationRun";

/** What one native run is: the cell's launch, its hash, how long to wait, its record's fixed part. */
export interface NativeRunSpec {
  readonly launch: CellLaunch;
  /** Hash of the launch: recorded on the driver pod, and what replaces the resource when it changes. */
  readonly launchHash: string;
  /** The kubeconfig context to use; its current one when absent. */
  readonly context?: string;
  readonly timeoutSeconds: number;
  readonly pollSeconds: number;
  readonly base: CellRecordBase;
}

/** Inputs as the provider receives them; the kubeconfig alone is secret. */
export interface NativeRunInputs {
  readonly kubeconfig: string;
  readonly run: NativeRunSpec;
  readonly providerVersion: number;
}

type NativeModule = typeof import("../src/runs/runNative");
type RecordModule = typeof import("../src/runs/cellRecord");
type EnvironmentModule = typeof import("../src/pilot/environment");

/**
 * Runs one cell by Spark's native spark-submit per resource (the cluster needs no operator):
 * create submits it — or adopts the driver pod an interrupted update started from the same
 * launch — waits for it to end and outputs its record; a changed launch replaces it; a newer
 * provider version only updates the stored code; delete removes its driver pod and with it
 * everything Spark created.
 */
export const nativeSparkRunProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: NativeRunInputs): Promise<pulumi.dynamic.CreateResult> {
    const { runNativeCell } = checkoutModule<NativeModule>("src/runs/runNative");
    const { cellRecord } = checkoutModule<RecordModule>("src/runs/cellRecord");
    const { findLocalSpark } = checkoutModule<EnvironmentModule>("src/pilot/environment");
    const { run, kubeconfig } = inputs;
    const outcome = await runNativeCell({
      kubeconfig,
      context: run.context,
      launch: run.launch,
      timeoutSeconds: run.timeoutSeconds,
      pollSeconds: run.pollSeconds,
      sparkHome: findLocalSpark().sparkHome,
    });
    return {
      id: `${run.launch.namespace}/${run.launch.name}`,
      outs: { ...inputs, record: cellRecord(run.base, outcome) },
    };
  },
  diff(
    _id: string,
    olds: NativeRunInputs,
    news: NativeRunInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    // By content, not by the stored hash: earlier versions hashed the launch with its keys in the
    // order Pulumi stored them, so the same launch can carry another hash.
    const { launchHash } = checkoutModule<NativeModule>("src/runs/runNative");
    const changed = launchHash(olds.run.launch) !== launchHash(news.run.launch);
    return Promise.resolve({
      changes: changed || olds.providerVersion !== news.providerVersion,
      replaces: changed ? ["run"] : [],
      deleteBeforeReplace: true,
    });
  },
  update(
    _id: string,
    olds: NativeRunInputs & { record?: unknown },
    news: NativeRunInputs,
  ): Promise<pulumi.dynamic.UpdateResult> {
    return Promise.resolve({ outs: { ...news, record: olds.record } });
  },
  async delete(_id: string, olds: NativeRunInputs): Promise<void> {
    const { removeNativeCell } = checkoutModule<NativeModule>("src/runs/runNative");
    await removeNativeCell({
      kubeconfig: olds.kubeconfig,
      context: olds.run.context,
      namespace: olds.run.launch.namespace,
      cell: olds.run.launch.name,
    });
  },
};

/** Inputs of NativeSparkRun. */
export interface NativeSparkRunArgs {
  readonly kubeconfig: pulumi.Input<string>;
  readonly context?: string;
  /** The cell's launch (experimentObjects' `launches`). */
  readonly launch: CellLaunch;
  readonly timeoutSeconds: number;
  readonly pollSeconds: number;
  readonly base: CellRecordBase;
}

/** One cell run by native spark-submit to its end, with its record as the output `record`. */
export class NativeSparkRun extends pulumi.dynamic.Resource {
  /** The cell's record (src/results/cellResult.ts). */
  declare readonly record: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: NativeSparkRunArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      nativeSparkRunProvider,
      name,
      {
        kubeconfig: args.kubeconfig,
        run: {
          launch: args.launch,
          launchHash: launchHash(args.launch),
          ...(args.context ? { context: args.context } : {}),
          timeoutSeconds: args.timeoutSeconds,
          pollSeconds: args.pollSeconds,
          base: args.base,
        },
        providerVersion: RUN_PROVIDER_VERSION,
        record: undefined,
      },
      opts,
      "spark-at-scale",
      "NativeSparkRun",
    );
  }
}
