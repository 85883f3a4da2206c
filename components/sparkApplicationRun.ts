import * as pulumi from "@pulumi/pulumi";
import { contentHash } from "../src/render/manifests";
import type { CellRecordBase } from "../src/runs/cellRecord";
import type { RunApplicationInput } from "../src/runs/runApplication";
import type { SparkApplicationManifest } from "../src/spark/sparkApplication";
import { checkoutModule } from "./checkoutModules";

/**
 * The version of this provider's serialized code. A stack whose runs were written by another
 * version gets an update (not a replacement) that stores the current code, so a fix reaches it.
 */
export const RUN_PROVIDER_VERSION = 2;

/** What to run, as one input: every top-level input costs the SDK a stack trace per resource. */
export interface RunSpec extends Omit<RunApplicationInput, "kubeconfig"> {
  /** The cell's fixed record fields; absent for a run that is not a cell (spark-pi). */
  readonly base?: CellRecordBase;
}

/**
 * Inputs of a run, as the provider receives them. The kubeconfig stays a separate input so
 * that it alone is secret: the run's manifest remains readable in previews and diffs.
 */
export interface RunInputs {
  readonly kubeconfig: string;
  readonly run: RunSpec;
  readonly providerVersion: number;
}

type RunModule = typeof import("../src/runs/runApplication");
type RecordModule = typeof import("../src/runs/cellRecord");

/**
 * Runs one SparkApplication per resource. Create applies the application and waits for it to
 * end, and the outputs hold how it ended — for a cell, its whole record. A finished run is never
 * observed again; a changed manifest replaces the resource (delete, then run anew); a new
 * provider version only updates the stored code; delete removes the application and its pods.
 */
export const sparkApplicationRunProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: RunInputs): Promise<pulumi.dynamic.CreateResult> {
    const { runApplication } = checkoutModule<RunModule>("src/runs/runApplication");
    const { cellRecord } = checkoutModule<RecordModule>("src/runs/cellRecord");
    const { run, kubeconfig } = inputs;
    const outcome = await runApplication({ ...run, kubeconfig });
    const record = run.base ? cellRecord(run.base, outcome) : outcome;
    return {
      id: `${run.manifest.metadata.namespace}/${run.manifest.metadata.name}`,
      outs: { ...inputs, record },
    };
  },
  diff(_id: string, olds: RunInputs, news: RunInputs): Promise<pulumi.dynamic.DiffResult> {
    const changed = olds.run.manifestHash !== news.run.manifestHash;
    return Promise.resolve({
      changes: changed || olds.providerVersion !== news.providerVersion,
      replaces: changed ? ["run"] : [],
      deleteBeforeReplace: true,
    });
  },
  update(
    _id: string,
    olds: RunInputs & { record?: unknown },
    news: RunInputs,
  ): Promise<pulumi.dynamic.UpdateResult> {
    // Only the provider's version changed: the run and its record stand as they are.
    return Promise.resolve({ outs: { ...news, record: olds.record } });
  },
  async delete(_id: string, olds: RunInputs): Promise<void> {
    const { removeApplication } = checkoutModule<RunModule>("src/runs/runApplication");
    await removeApplication({ kubeconfig: olds.kubeconfig, manifest: olds.run.manifest });
  },
};

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
}

/** One SparkApplication, run to its end, with how it ended as the output `record`. */
export class SparkApplicationRun extends pulumi.dynamic.Resource {
  /** The cell's record (src/results/cellResult.ts), or the run's outcome for a non-cell. */
  declare readonly record: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: SparkApplicationRunArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      sparkApplicationRunProvider,
      name,
      {
        kubeconfig: args.kubeconfig,
        run: {
          manifest: args.manifest,
          manifestHash: contentHash(JSON.stringify(args.manifest)),
          timeoutSeconds: args.timeoutSeconds,
          pollSeconds: args.pollSeconds,
          base: args.base,
        },
        providerVersion: RUN_PROVIDER_VERSION,
        record: undefined,
      },
      opts,
      "spark-at-scale",
      "SparkApplicationRun",
    );
  }
}
