import * as fs from "node:fs";
import * as path from "node:path";
import type { LocalCell } from "./localPlan";

/** Where one cell's processes keep their files, all under the results folder. */
export interface CellWorkDirs {
  /** Root of the cell's scratch space; removed once the cell's record is saved. */
  readonly root: string;
  /** spark.local.dir: shuffle files and spills. */
  readonly local: string;
  /**
   * A SPARK_HOME of links to the pip pyspark: local-cluster workers write each executor's
   * stdout/stderr under SPARK_HOME/work (SPARK_WORKER_DIR is not honoured there), and this
   * keeps them with the cell instead of inside the venv.
   */
  readonly sparkHome: string;
}

/** The work directories of a cell under `workRoot`. */
export function cellWorkDirs(workRoot: string, cellName: string): CellWorkDirs {
  const root = path.join(workRoot, cellName);
  return { root, local: path.join(root, "local"), sparkHome: path.join(root, "spark-home") };
}

/**
 * Creates a cell's work folders afresh, with its SPARK_HOME of links to the pip pyspark
 * distribution (`bin`, `jars`, `python`, `conf`).
 */
export function prepareWorkDirs(dirs: CellWorkDirs, pysparkHome: string): void {
  fs.rmSync(dirs.root, { recursive: true, force: true });
  fs.mkdirSync(dirs.local, { recursive: true });
  fs.mkdirSync(dirs.sparkHome, { recursive: true });
  for (const part of ["bin", "jars", "python", "conf"]) {
    const target = path.join(pysparkHome, part);
    if (fs.existsSync(target)) fs.symlinkSync(target, path.join(dirs.sparkHome, part));
  }
}

/** The folder local-cluster writes executor logs into, given the cell's SPARK_HOME. */
export function executorLogRoot(dirs: CellWorkDirs): string {
  return path.join(dirs.sparkHome, "work");
}

/** A command to run, with its environment additions. */
export interface Command {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** How a cell's processes are put under their memory limits (memoryLimits/pilotLimits.ts). */
export interface LimitLaunch {
  /** Environment that routes the driver and executors through the cgroup wrapper. */
  readonly env: Readonly<Record<string, string>>;
  /** Words before spark-submit (a delegated systemd scope), or none. */
  readonly commandPrefix: readonly string[];
}

const NO_LIMITS: LimitLaunch = { env: {}, commandPrefix: [] };

/**
 * The spark-submit of one cell on Spark's `local-cluster` master: one worker per executor, each
 * launching a separate executor JVM with the cell's heap, so executors fail the way they do on
 * a cluster (their own heap, their own exit code). With `limits`, the driver and each executor
 * also run in a memory cgroup limited like its pod, so going over heap + overhead is a kernel
 * kill, as on Kubernetes. `extraConf` adds what the runner decides rather than the cell (the
 * event log's folder).
 */
export function sparkSubmitCommand(
  cell: LocalCell,
  dirs: CellWorkDirs,
  sparkSubmit: string,
  python: string,
  workloadScript: string,
  extraConf: Readonly<Record<string, string>> = {},
  limits: LimitLaunch = NO_LIMITS,
): Command {
  const { sizing } = cell;
  const cores = cell.spec.parameters.executorCores;
  const conf: Record<string, string> = {
    "spark.executor.memory": `${sizing.heapMiB}m`,
    "spark.executor.cores": String(cores),
    "spark.local.dir": dirs.local,
    "spark.ui.showConsoleProgress": "false",
    ...cell.spec.sparkConf,
    ...extraConf,
  };
  const args = [
    "--master",
    `local-cluster[${sizing.executorInstances},${cores},${sizing.heapMiB}]`,
    "--driver-memory",
    `${sizing.driverMemoryMiB}m`,
    ...Object.entries(conf).flatMap(([key, value]) => ["--conf", `${key}=${value}`]),
    workloadScript,
    ...cell.workloadArgs,
  ];
  const [file, ...prefix] = [...limits.commandPrefix, sparkSubmit];
  return {
    file,
    args: [...prefix, ...args],
    env: {
      ...limits.env,
      SPARK_HOME: dirs.sparkHome,
      PYSPARK_PYTHON: python,
      PYSPARK_DRIVER_PYTHON: python,
    },
  };
}
