/**
 * What an experiment's cells run: the synthetic join (the default), TPC-H queries, a user's SQL
 * file over tables the user names, or a user's PySpark script. The kinds other than the join run
 * workloads/query_workload.py over data at the cell's scale factor.
 */
import { z } from "zod";
import { dnsLabel, strictObject } from "./schemaHelpers";

export const WORKLOAD_KINDS = ["join", "tpch", "sql", "pyspark"] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
/** The kinds that run a query or script over existing data (workloads/query_workload.py). */
export const QUERY_KINDS = ["tpch", "sql", "pyspark"] as const satisfies readonly WorkloadKind[];
export type QueryKind = (typeof QUERY_KINDS)[number];

/** tpchgen-cli's version, as requirements.txt pins it and tpch_data.py keys its folders. */
export const TPCHGEN_VERSION = "4.0.0";

/** The eight TPC-H tables, as tpchgen-cli names their files (`<table>.parquet`). */
export const TPCH_TABLES = [
  "customer",
  "lineitem",
  "nation",
  "orders",
  "part",
  "partsupp",
  "region",
  "supplier",
] as const;

/** Where TPC-H data of one tpchgen-cli version lives, under a cache or in a bucket. */
export const TPCH_DATA_ROOT = `tpch/tpchgen-cli-${TPCHGEN_VERSION}`;

/**
 * tpchgen-cli's parquet per unit of scale factor, measured at SF 1 (362 MB; tpch_data.py has the
 * same figure for its disk check): what `plan` shows as a TPC-H cell's input before it runs.
 */
export const TPCH_PARQUET_BYTES_PER_SF = 362_000_000;

/** TPC-H defines 22 queries. */
export const TPCH_QUERY_COUNT = 22;
/** Where a table path takes the cell's scale factor: `data/sf{scaleFactor}/orders.parquet`. */
export const SCALE_FACTOR_PLACEHOLDER = "{scaleFactor}";
/** tpchgen-cli refuses nothing below this, but Spark needs some rows; and a disk has limits. */
export const MAX_SCALE_FACTOR = 10_000;

const filePath = (what: string) =>
  z
    .string({ error: `${what}: a file path (relative to the folder the command runs in)` })
    .min(1, `${what}: a file path`);

const tpchQuery = z
  .number({ error: `a TPC-H query number, 1 to ${TPCH_QUERY_COUNT}` })
  .int(`a TPC-H query number, 1 to ${TPCH_QUERY_COUNT}`)
  .min(1, `a TPC-H query number, 1 to ${TPCH_QUERY_COUNT}`)
  .max(TPCH_QUERY_COUNT, `a TPC-H query number, 1 to ${TPCH_QUERY_COUNT}`);

/** A table's view name as the query names it: what Spark SQL takes unquoted. */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const tables = z
  .record(z.string(), filePath("a table's parquet or CSV file or folder"), {
    error: (issue) =>
      issue.code === "invalid_type"
        ? "a mapping of table name to its parquet or CSV path"
        : undefined,
  })
  .superRefine((t, ctx) => {
    if (Object.keys(t).length === 0)
      ctx.addIssue({ code: "custom", message: "at least one table" });
    for (const name of Object.keys(t))
      if (!TABLE_NAME.test(name))
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `${JSON.stringify(name)} is no table name: letters, digits and _, not starting with a digit`,
        });
  });

export const workloadSchema = z
  .discriminatedUnion(
    "kind",
    [
      strictObject({ kind: z.literal("join") }),
      strictObject({
        kind: z.literal("tpch"),
        queries: z
          .array(tpchQuery, { error: `a list of TPC-H query numbers, 1 to ${TPCH_QUERY_COUNT}` })
          .min(1, "at least one query")
          .refine((q) => new Set(q).size === q.length, {
            error: "each query once (each is its own set of cells)",
          }),
      }),
      strictObject({
        kind: z.literal("sql"),
        // Names the cells (`sql-<name>-...`) and the report's panels.
        name: dnsLabel("a query name", 16),
        file: filePath("the SQL file"),
        tables,
      }),
      strictObject({
        kind: z.literal("pyspark"),
        name: dnsLabel("a job name", 16),
        script: filePath("the PySpark script (it is given --scale-factor <sf>)"),
      }),
    ],
    { error: `one of ${WORKLOAD_KINDS.join(", ")}` },
  )
  .default({ kind: "join" });

export type WorkloadConfig = z.output<typeof workloadSchema>;
export type QueryWorkloadConfig = Exclude<WorkloadConfig, { kind: "join" }>;

/** A scale factor (an axis value): data size, as TPC-H defines it (SF 1 is about 1 GB). */
export const scaleFactorValue = z
  .number({ error: "a number" })
  .gt(0, "a scale factor above 0")
  .max(MAX_SCALE_FACTOR, `at most ${MAX_SCALE_FACTOR}`);

/** The query labels a workload's cells are named by: `q03` for TPC-H, the name otherwise. */
export function queryLabels(workload: QueryWorkloadConfig): string[] {
  if (workload.kind === "tpch") return workload.queries.map(tpchLabel);
  return [workload.name];
}

export function tpchLabel(query: number): string {
  return `q${String(query).padStart(2, "0")}`;
}

/** True if any table path of a SQL workload takes the scale factor. */
export function tablesTakeScaleFactor(workload: QueryWorkloadConfig): boolean {
  return (
    workload.kind === "sql" &&
    Object.values(workload.tables).some((p) => p.includes(SCALE_FACTOR_PLACEHOLDER))
  );
}

/** A table path with the cell's scale factor in place of `{scaleFactor}`. */
export function withScaleFactor(path: string, scaleFactor: number): string {
  return path.split(SCALE_FACTOR_PLACEHOLDER).join(String(scaleFactor));
}

/** A scale factor's TPC-H folder, as tpch_data.py names it: 0.1 -> sf0.1, 1 -> sf1. */
export function tpchScaleFolder(scaleFactor: number): string {
  return `sf${scaleFactor}`;
}

/** A SQL workload's file or a PySpark workload's script, with the key it is given under. */
export function userFileOf(
  workload: WorkloadConfig,
): { readonly key: "file" | "script"; readonly path: string } | undefined {
  if (workload.kind === "sql") return { key: "file", path: workload.file };
  if (workload.kind === "pyspark") return { key: "script", path: workload.script };
  return undefined;
}
