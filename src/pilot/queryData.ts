/**
 * What a query experiment needs on this machine before its first cell runs: its TPC-H data,
 * generated once per scale factor into the version-keyed cache (workloads/tpch_data.py), or the
 * user's SQL file, script and tables, checked to be there. Every problem is reported before
 * anything runs.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, readProblem } from "../config/errors";
import type { ExperimentConfig } from "../config/experiment";
import { TPCH_DATA_ROOT, userFileOf, withScaleFactor } from "../config/workload";
import type { WorkloadLocations } from "../experiment/queryArguments";
import { TPCH_DATA_SCRIPT, TPCH_QUERIES_DIR } from "../render/workloadScript";

/** The project's cache of heavy, version-keyed things (as scripts/cluster/lib.sh has it). */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SPARK_AT_SCALE_CACHE) return env.SPARK_AT_SCALE_CACHE;
  return process.getuid?.() === 0
    ? "/var/cache/spark-at-scale"
    : path.join(os.homedir(), ".cache", "spark-at-scale");
}

/** Where the pilot's processes find a query cell's files: this checkout and the cache. */
export function localLocations(cache: string, cwd = process.cwd()): WorkloadLocations {
  return {
    tpchQueries: TPCH_QUERIES_DIR,
    tpchData: path.join(cache, TPCH_DATA_ROOT),
    userFile: (configPath) => path.resolve(cwd, configPath),
    userTable: (configPath) => path.resolve(cwd, configPath),
  };
}

function unreadable(file: string): string | undefined {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile() ? undefined : "a folder, not a file";
  } catch (error) {
    return readProblem(error);
  }
}

/** The user's files and tables that are not there, one line each naming its key. */
export function missingUserInputs(experiment: ExperimentConfig, cwd = process.cwd()): string[] {
  const { workload } = experiment;
  const problems: string[] = [];
  const file = userFileOf(workload);
  if (file) {
    const problem = unreadable(path.resolve(cwd, file.path));
    if (problem)
      problems.push(`experiment.workload.${file.key}: ${JSON.stringify(file.path)}: ${problem}`);
  }
  if (workload.kind === "sql") {
    for (const [name, template] of Object.entries(workload.tables))
      for (const scaleFactor of experiment.axes.scaleFactor ?? []) {
        const table = withScaleFactor(template, scaleFactor);
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(table)) continue; // a bucket: read by Spark only
        if (!fs.existsSync(path.resolve(cwd, table)))
          problems.push(
            `experiment.workload.tables.${name}: ${JSON.stringify(table)} (scale factor ${scaleFactor}): no such file or folder`,
          );
      }
  }
  return problems;
}

/** What preparing a query experiment's data needs: where errors and lines go, Python, the cache. */
export interface DataOptions {
  /** Where the experiment came from, for errors. */
  readonly label: string;
  /** The venv's Python, which has tpchgen-cli. */
  readonly python: string;
  readonly cache: string;
  readonly print: (line: string) => void;
}

/** What tpch_data.py printed for one scale factor. */
interface GeneratedData {
  readonly dir: string;
  readonly bytes: number;
  readonly generated: boolean;
}

/**
 * Makes sure every input of a query experiment is there: checks the user's files, generates the
 * TPC-H data of each scale factor that is not in the cache yet. Throws a ConfigError listing
 * every problem, before any cell runs; a join experiment needs nothing.
 */
export function prepareQueryInputs(experiment: ExperimentConfig, options: DataOptions): void {
  const { workload } = experiment;
  if (workload.kind === "join") return;
  const problems = missingUserInputs(experiment);
  if (problems.length > 0) throw new ConfigError(options.label, problems);
  if (workload.kind !== "tpch") return;
  for (const scaleFactor of experiment.axes.scaleFactor ?? []) ensureTpchData(scaleFactor, options);
}

/**
 * The folder of the TPC-H data of one scale factor in the cache, generated if it is not there yet
 * (also for a boundary search's probe, whose scale factor is known only when it is chosen, and
 * for the tables a GKE stack uploads).
 */
export function ensureTpchData(scaleFactor: number, options: DataOptions): string {
  const done = spawnSync(
    options.python,
    [TPCH_DATA_SCRIPT, "--scale-factor", String(scaleFactor), "--cache", options.cache],
    { encoding: "utf8" },
  );
  if (done.status !== 0) {
    const why = (done.stderr || done.error?.message || "").trim().split("\n").pop();
    throw new ConfigError(options.label, [
      `experiment.axes.scaleFactor: ${scaleFactor}: no TPC-H data: ${why}`,
    ]);
  }
  const data = JSON.parse(done.stdout) as GeneratedData;
  options.print(
    `TPC-H SF ${scaleFactor}: ${data.generated ? "generated" : "cached"} in ${data.dir} (${Math.round(data.bytes / 1e6)} MB of parquet)`,
  );
  return data.dir;
}
