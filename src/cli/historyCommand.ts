import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_HISTORY_PORT, startLocalHistoryServer } from "../history/localHistoryServer";
import { findLocalSpark } from "../pilot/environment";
import { EVENT_LOG_FOLDER } from "../spark/eventLogSettings";
import { UsageError } from "../config/errors";

/** Options of `spark-at-scale history` as commander hands them over. */
export interface HistoryCommandOptions {
  readonly results: string;
  readonly experiment?: string;
  readonly port: string;
}

/**
 * The event-log folder to serve: `<results>/<experiment>/events`. Without an experiment, the
 * only one under `results` that has event logs; with several, the user must choose.
 */
export function eventLogFolderOf(results: string, experiment?: string): string {
  if (experiment !== undefined) {
    const dir = path.resolve(results, experiment, EVENT_LOG_FOLDER);
    if (!fs.existsSync(dir)) {
      throw new UsageError(
        `--experiment ${experiment}: no event logs in ${dir} (run \`spark-at-scale pilot\` first)`,
      );
    }
    return dir;
  }
  const found = fs.existsSync(results)
    ? fs
        .readdirSync(results)
        .filter((name) => fs.existsSync(path.join(results, name, EVENT_LOG_FOLDER)))
        .sort()
    : [];
  if (found.length === 0) {
    throw new UsageError(
      `--results ${results}: no experiment with event logs (<experiment>/${EVENT_LOG_FOLDER}/) in it; ` +
        "run `spark-at-scale pilot` first",
    );
  }
  if (found.length > 1) {
    throw new UsageError(
      `--results ${results} holds event logs of ${found.length} experiments (${found.join(", ")}): ` +
        "choose one with --experiment NAME",
    );
  }
  return path.resolve(results, found[0], EVENT_LOG_FOLDER);
}

function portOf(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new UsageError(`--port ${text}: a port number from 0 to 65535 (0 = any free port)`);
  }
  return port;
}

/**
 * Runs `history`: Spark's History Server from the venv's pyspark over one experiment's event
 * logs, on loopback, until Ctrl-C (which stops its JVM too). Returns the exit code.
 */
export async function runHistory(
  options: HistoryCommandOptions,
  print: (line: string) => void = console.log,
): Promise<number> {
  const port = portOf(options.port ?? String(DEFAULT_HISTORY_PORT));
  const logDirectory = eventLogFolderOf(options.results, options.experiment);
  const spark = findLocalSpark();
  const server = await startLocalHistoryServer({ sparkHome: spark.sparkHome, logDirectory, port });
  print(`Spark History Server over ${logDirectory}`);
  print(`open ${server.url}  (Ctrl-C stops it)`);
  const interrupted = new Promise<"stopped">((resolve) => {
    process.once("SIGINT", () => resolve("stopped"));
    process.once("SIGTERM", () => resolve("stopped"));
  });
  const ended = await Promise.race([interrupted, server.exited]);
  if (ended === "stopped") {
    await server.stop();
    print("History Server stopped");
    return 0;
  }
  print(`the History Server ended on its own (${ended})`);
  return 1;
}
