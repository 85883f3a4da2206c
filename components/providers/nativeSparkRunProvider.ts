import type { CellLaunch } from "../../src/render/launch";
import type { CellRecordBase } from "../../src/runs/cellRecord";
import { checkoutModule } from "./checkoutModules";
import { cellRunProvider, type CellRunInputs } from "./runProvider";

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
export type NativeRunInputs = CellRunInputs<NativeRunSpec>;

type NativeModule = typeof import("../../src/runs/runNative");
type EnvironmentModule = typeof import("../../src/pilot/environment");

/**
 * Runs one cell by Spark's native spark-submit per resource (the cluster needs no operator):
 * create submits it — or adopts the driver pod an interrupted update started from the same
 * launch — waits for it to end and outputs its record; a changed launch replaces it; a newer
 * provider version only updates the stored code; delete removes its driver pod and with it
 * everything Spark created.
 */
export const nativeSparkRunProvider = cellRunProvider<NativeRunInputs>({
  run({ run, kubeconfig }) {
    const { runNativeCell } = checkoutModule<NativeModule>("src/runs/runNative");
    const { findLocalSpark } = checkoutModule<EnvironmentModule>("src/pilot/environment");
    return runNativeCell({
      kubeconfig,
      context: run.context,
      launch: run.launch,
      timeoutSeconds: run.timeoutSeconds,
      pollSeconds: run.pollSeconds,
      sparkHome: findLocalSpark().sparkHome,
    });
  },
  id: ({ run }) => `${run.launch.namespace}/${run.launch.name}`,
  changed(olds, news) {
    // By content, not by the stored hash: earlier versions hashed the launch with its keys in the
    // order Pulumi stored them, so the same launch can carry another hash.
    const { launchHash } = checkoutModule<NativeModule>("src/runs/runNative");
    return launchHash(olds.run.launch) !== launchHash(news.run.launch);
  },
  async remove({ kubeconfig, run }) {
    const { removeNativeCell } = checkoutModule<NativeModule>("src/runs/runNative");
    await removeNativeCell({
      kubeconfig,
      context: run.context,
      namespace: run.launch.namespace,
      cell: run.launch.name,
    });
  },
});
