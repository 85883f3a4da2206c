import type { RunApplicationInput } from "../../src/runs/runApplication";
import { checkoutModule } from "./checkoutModules";
import { cellRunProvider, type CellRunInputs, type CellRunSpec } from "./runProvider";

/** What to run, as one input: every top-level input costs the SDK a stack trace per resource. */
export interface RunSpec extends Omit<RunApplicationInput, "kubeconfig">, CellRunSpec {}

/**
 * Inputs of a run, as the provider receives them. The kubeconfig stays a separate input so
 * that it alone is secret: the run's manifest remains readable in previews and diffs.
 */
export type RunInputs = CellRunInputs<RunSpec>;

type RunModule = typeof import("../../src/runs/runApplication");

/**
 * Runs one SparkApplication per resource. Create applies the application and waits for it to
 * end, and the outputs hold how it ended — for a cell, its whole record. A finished run is never
 * observed again; a changed manifest replaces the resource (delete, then run anew); a new
 * provider version only updates the stored code; delete removes the application and its pods.
 */
export const sparkApplicationRunProvider = cellRunProvider<RunInputs>({
  run({ run, kubeconfig }) {
    const { runApplication } = checkoutModule<RunModule>("src/runs/runApplication");
    return runApplication({ ...run, kubeconfig });
  },
  id: ({ run }) => `${run.manifest.metadata.namespace}/${run.manifest.metadata.name}`,
  changed: (olds, news) => olds.run.manifestHash !== news.run.manifestHash,
  async remove({ kubeconfig, run }) {
    const { removeApplication } = checkoutModule<RunModule>("src/runs/runApplication");
    await removeApplication({ kubeconfig, manifest: run.manifest });
  },
});
