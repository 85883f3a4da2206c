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

/** The query workload (TPC-H queries, a user's SQL or PySpark job); it imports the join's. */
export const QUERY_WORKLOAD_PATH = path.resolve(
  __dirname,
  "..",
  "..",
  "workloads",
  "query_workload.py",
);

/** The project's 22 TPC-H queries, `q01.sql` ... `q22.sql`. */
export const TPCH_QUERIES_DIR = path.resolve(__dirname, "..", "..", "workloads", "tpch", "queries");

/** Generates TPC-H data into the cache (workloads/tpch_data.py). */
export const TPCH_DATA_SCRIPT = path.resolve(__dirname, "..", "..", "workloads", "tpch_data.py");

/** The workload file a cell runs: the query workload for a query cell, else the join. */
export function workloadFileOf(parameters: { readonly query?: unknown }): string {
  return parameters.query ? QUERY_WORKLOAD_PATH : WORKLOAD_SCRIPT_PATH;
}
