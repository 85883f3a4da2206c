import * as fs from "node:fs";
import * as path from "node:path";

/** The join workload, shipped to the cluster in a ConfigMap and to the pilot's spark-submit. */
export const WORKLOAD_SCRIPT_PATH = path.resolve(
  __dirname,
  "..",
  "..",
  "workloads",
  "join_workload.py",
);

/** The workload's source text; a clear error if the checkout lacks it. */
export function readWorkloadScript(file = WORKLOAD_SCRIPT_PATH): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read the join workload at ${file}: ${(error as Error).message}`);
  }
}
