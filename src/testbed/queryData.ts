/**
 * Where a GKE testbed keeps the data of its query cells: a private bucket of its own, the TPC-H
 * tables under `tpch/tpchgen-cli-<version>/sf<scale>/<table>.parquet` as the pilot's cache has
 * them, read by the drivers and executors through the Cloud Storage connector.
 */
import { TPCH_DATA_ROOT, TPCH_TABLES, tpchScaleFolder } from "../config/workload";

/** Longest bucket name Cloud Storage allows without dots. */
const MAX_BUCKET_NAME = 63;

/** `<project>-<cluster>-spark-data`, or `<project>-spark-data` when that is too long. */
export function queryDataBucketName(project: string, clusterName: string): string {
  const full = `${project}-${clusterName}-spark-data`;
  return full.length <= MAX_BUCKET_NAME ? full : `${project}-spark-data`;
}

/** The role the drivers' (and executors') account gets on the data bucket: read only. */
export const QUERY_DATA_READER_ROLE = "roles/storage.objectViewer";

/** The bucket folder of the TPC-H data, as Spark reads it. */
export function tpchBucketRoot(bucket: string): string {
  return `gs://${bucket}/${TPCH_DATA_ROOT}`;
}

/** One object to upload: its name in the bucket and the local file it comes from. */
export interface DataObject {
  readonly name: string;
  readonly source: string;
}

/** The objects of the TPC-H tables at each scale factor, from each one's local folder. */
export function tpchObjects(
  scaleFactors: readonly number[],
  localFolder: (scaleFactor: number) => string,
): DataObject[] {
  return scaleFactors.flatMap((scaleFactor) =>
    TPCH_TABLES.map((table) => ({
      name: `${TPCH_DATA_ROOT}/${tpchScaleFolder(scaleFactor)}/${table}.parquet`,
      source: `${localFolder(scaleFactor)}/${table}.parquet`,
    })),
  );
}
