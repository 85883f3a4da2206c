/**
 * Spark's event log for a cell: the settings every runner adds (the pilot's spark-submit, a
 * SparkApplication, a native spark-submit against a cluster), from one function, so every
 * cell's trace can be opened in Spark's History Server and its memory measured afterwards.
 */

/**
 * The codec Spark compresses event logs with. zstd is Spark's own default for event logs, the
 * History Server reads it, and it keeps a pilot cell's log at a few hundred KiB.
 */
export const EVENT_LOG_CODEC = "zstd";

/** File suffix Spark gives a compressed event log (`<application id>.zstd`). */
export const EVENT_LOG_SUFFIX = `.${EVENT_LOG_CODEC}`;

/** The folder of an experiment's results that holds its cells' event logs. */
export const EVENT_LOG_FOLDER = "events";

/** Suffix of a log whose application has not ended (or was killed before it could). */
export const IN_PROGRESS_SUFFIX = ".inprogress";

/**
 * How often executors sample their memory. Spark's default (0) samples only at heartbeats,
 * every 10 s: a pilot cell's join stage lasts a few seconds, so its heap peak would be missed.
 * Sampling also gives each task's own peak in its end event.
 */
export const EXECUTOR_METRICS_POLLING = "100ms";

/**
 * Spark settings that write a cell's event log, compressed, to `dir` (a Hadoop URI:
 * `file:/…` or `gs://bucket/prefix`). Per-stage executor peaks are off by default in Spark;
 * they are what the record's measured heap comes from.
 */
export function eventLogSparkConf(dir: string): Record<string, string> {
  if (!/^[a-z][a-z0-9+.-]*:/.test(dir)) {
    throw new Error(
      `event log directory ${JSON.stringify(dir)}: a URI with a scheme is required (file:/… or gs://…)`,
    );
  }
  return {
    "spark.eventLog.enabled": "true",
    "spark.eventLog.dir": dir,
    "spark.eventLog.compress": "true",
    "spark.eventLog.compression.codec": EVENT_LOG_CODEC,
    "spark.eventLog.logStageExecutorMetrics": "true",
    "spark.executor.metrics.pollingInterval": EXECUTOR_METRICS_POLLING,
  };
}

/** A local folder as the `file:` URI Spark's event log settings take. */
export function fileUri(absolutePath: string): string {
  if (!absolutePath.startsWith("/")) {
    throw new Error(
      `event log folder ${JSON.stringify(absolutePath)}: an absolute path is required`,
    );
  }
  return `file:${absolutePath}`;
}
