/**
 * The command line of workloads/query_workload.py for a query cell, given where the runner puts
 * the query files and the data. The cell's own values (kind, query, scale, strategy, AQE) come
 * from its parameters; only the locations differ between the pilot and a cluster.
 */
import {
  TPCH_TABLES,
  tpchScaleFolder,
  withScaleFactor,
  type QueryWorkloadConfig,
} from "../config/workload";
import type { CellParameters, QueryParameters } from "./cells";

/** Where a runner's processes find a query cell's files and data. */
export interface WorkloadLocations {
  /** Folder of the project's TPC-H queries (`q01.sql` ... `q22.sql`). */
  readonly tpchQueries: string;
  /** Folder of the TPC-H data, one `sf<scale>` folder per scale factor. */
  readonly tpchData: string;
  /** A user's SQL file or script as the driver sees it, from its path in the config. */
  readonly userFile: (configPath: string) => string;
  /** A user's table as the driver and executors see it, from its path in the config. */
  readonly userTable: (configPath: string) => string;
}

/** Where the workload ConfigMap (workload scripts, TPC-H queries, a user's file) is mounted. */
export const WORKLOAD_MOUNT_PATH = "/opt/spark-at-scale";
/** Where a cluster's data volume (TPC-H data, one folder per scale factor) is mounted. */
export const DATA_MOUNT_PATH = "/opt/spark-at-scale-data";

/** A user's file's key in the workload ConfigMap: never one of the project's own files. */
export function userFileKey(configPath: string): string {
  const base = configPath.split("/").pop() ?? configPath;
  return `user-${base.replace(/[^-._a-zA-Z0-9]/g, "_")}`;
}

/** Where a cluster's driver and executors find a query cell's files and data. */
export const CONTAINER_LOCATIONS: WorkloadLocations = {
  tpchQueries: WORKLOAD_MOUNT_PATH,
  tpchData: DATA_MOUNT_PATH,
  userFile: (configPath) => `${WORKLOAD_MOUNT_PATH}/${userFileKey(configPath)}`,
  // A user's tables are read where the config says: a bucket, or a path the pods see.
  userTable: (configPath) => configPath,
};

function tableArguments(tables: Readonly<Record<string, string>>): string[] {
  return Object.entries(tables).flatMap(([name, path]) => ["--table", `${name}=${path}`]);
}

/** The tpch/sql/pyspark specific part: what runs, over which tables. */
function whatRuns(
  query: QueryParameters,
  workload: QueryWorkloadConfig,
  at: WorkloadLocations,
): string[] {
  switch (workload.kind) {
    case "tpch": {
      const data = `${at.tpchData}/${tpchScaleFolder(query.scaleFactor)}`;
      const tables = Object.fromEntries(TPCH_TABLES.map((t) => [t, `${data}/${t}.parquet`]));
      return [
        "--query-file",
        `${at.tpchQueries}/${query.name}.sql`,
        "--query-name",
        query.name,
        ...tableArguments(tables),
      ];
    }
    case "sql": {
      const tables = Object.fromEntries(
        Object.entries(workload.tables).map(([name, path]) => [
          name,
          at.userTable(withScaleFactor(path, query.scaleFactor)),
        ]),
      );
      return [
        "--query-file",
        at.userFile(workload.file),
        "--query-name",
        query.name,
        ...tableArguments(tables),
      ];
    }
    case "pyspark":
      return ["--script", at.userFile(workload.script)];
  }
}

/** The query workload's arguments for a query cell. */
export function queryArguments(
  p: CellParameters & { readonly query: QueryParameters },
  workload: QueryWorkloadConfig,
  partitions: number,
  appName: string,
  at: WorkloadLocations,
): string[] {
  return [
    "--kind",
    p.query.kind,
    ...whatRuns(p.query, workload, at),
    "--scale-factor",
    String(p.query.scaleFactor),
    "--strategy",
    p.strategy,
    "--aqe",
    p.aqe ? "on" : "off",
    "--partitions",
    String(partitions),
    "--app-name",
    appName,
  ];
}
