import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, readProblem } from "../config/errors";
import { queryLabels, userFileOf, type WorkloadConfig } from "../config/workload";
import { userFileKey } from "../experiment/queryArguments";
import { QUERY_WORKLOAD_FILE } from "./launch";

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

/** A file the ConfigMap must carry, read with an error naming the config key it came from. */
function readForConfigMap(file: string, key: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError("the experiment's workload files", [
      `${key}: ${JSON.stringify(file)}: ${readProblem(error)}`,
    ]);
  }
}

/**
 * What a query experiment's ConfigMap carries beside the join workload: the query workload,
 * the TPC-H queries its cells run (`q03.sql`), or the user's SQL file or script under its own
 * key (`userFileKey`). Empty for the join. User paths are relative to `cwd`.
 */
export function queryWorkloadFiles(
  workload: WorkloadConfig,
  cwd: string = process.cwd(),
): Record<string, string> {
  if (workload.kind === "join") return {};
  const files: Record<string, string> = {
    [QUERY_WORKLOAD_FILE]: readForConfigMap(QUERY_WORKLOAD_PATH, "the query workload"),
  };
  if (workload.kind === "tpch") {
    for (const label of queryLabels(workload))
      files[`${label}.sql`] = readForConfigMap(
        path.join(TPCH_QUERIES_DIR, `${label}.sql`),
        "the TPC-H queries",
      );
    return files;
  }
  const file = userFileOf(workload)!;
  files[userFileKey(file.path)] = readForConfigMap(
    path.resolve(cwd, file.path),
    `spark-at-scale:experiment.workload.${file.key}`,
  );
  return files;
}
