/**
 * An experiment's cells from its config: the cartesian product of its axes minus exclusions,
 * each sized and given its workload arguments and Spark settings.
 */
import { DEFAULT_MEMORY_OVERHEAD_FACTOR, type ExperimentConfig } from "../config/experiment";
import { BYTES_PER_MIB, mibToSparkMemory } from "../core/quantity";
import {
  cellName,
  searchName,
  type CellMemory,
  type CellParameters,
  type CellSizing,
  type CellSpec,
  type QueryParameters,
  type SearchParameters,
  type SearchQuery,
  type SearchSpec,
} from "./cells";
import { memoryOverheadMiB, podMemoryMiB } from "./sizing";
import { queryLabels } from "../config/workload";
import { CONTAINER_LOCATIONS, queryArguments, type WorkloadLocations } from "./queryArguments";
import { drawnPoints } from "./drawCells";

/** A combination of the axes other than the table ratio, with its memory in MiB. */
interface Combination {
  readonly parameters: SearchParameters;
  readonly memory: CellMemory;
}

/** Every combination of the axes other than the table ratio (and repeats). */
function combinations(experiment: ExperimentConfig): Combination[] {
  const { axes } = experiment;
  const out: Combination[] = [];
  for (const memory of axes.executorMemory ?? [])
    for (const strategy of axes.strategy)
      // Query cells have no skew axis: their data is what it is (TPC-H's keys are uniform).
      for (const skew of axes.skew ?? [0])
        for (const aqe of axes.aqe)
          for (const memoryOverheadFactor of axes.memoryOverheadFactor)
            for (const executorCores of axes.executorCores)
              for (const memoryOverhead of axes.memoryOverhead ?? [null])
                out.push({
                  parameters: {
                    executorMemory: mibToSparkMemory(memory),
                    strategy,
                    skew,
                    aqe,
                    memoryOverheadFactor,
                    executorCores,
                    memoryOverhead:
                      memoryOverhead === null ? null : mibToSparkMemory(memoryOverhead),
                  },
                  memory: {
                    heapMiB: memory,
                    ...(memoryOverhead === null ? {} : { explicitOverheadMiB: memoryOverhead }),
                  },
                });
  return out;
}

/** A cell's parameters with the memory they were made from. */
interface GridPoint {
  readonly parameters: CellParameters;
  readonly memory: CellMemory;
}

/**
 * The grid: every combination at every table ratio, times repeats (none for a search); for a
 * query workload, every combination for every query at every scale factor.
 */
function cartesian(experiment: ExperimentConfig): GridPoint[] {
  const out: GridPoint[] = [];
  const { workload } = experiment;
  for (const { parameters, memory } of combinations(experiment)) {
    for (let repeat = 1; repeat <= experiment.fixed.repeats; repeat++) {
      if (workload.kind === "join") {
        for (const tableRatio of experiment.axes.tableRatio ?? [])
          out.push({ parameters: withRatio(parameters, tableRatio, repeat), memory });
        continue;
      }
      for (const name of queryLabels(workload))
        for (const scaleFactor of experiment.axes.scaleFactor ?? [])
          out.push({
            parameters: {
              ...withRatio(parameters, null, repeat),
              query: { kind: workload.kind, name, scaleFactor },
            },
            memory,
          });
    }
  }
  return out;
}

/** A combination's cell at `tableRatio` (keys in the order records have always had). */
function withRatio(p: SearchParameters, tableRatio: number | null, repeat: number): CellParameters {
  return {
    executorMemory: p.executorMemory,
    tableRatio,
    strategy: p.strategy,
    skew: p.skew,
    aqe: p.aqe,
    memoryOverheadFactor: p.memoryOverheadFactor,
    executorCores: p.executorCores,
    memoryOverhead: p.memoryOverhead,
    repeat,
  };
}

function excluded(
  {
    parameters: p,
    memory,
  }: Combination & {
    readonly parameters: SearchParameters & {
      readonly tableRatio?: number | null;
      readonly query?: QueryParameters;
    };
  },
  experiment: ExperimentConfig,
): boolean {
  return experiment.exclude.some(
    (e) =>
      (e.executorMemory === undefined || e.executorMemory === memory.heapMiB) &&
      (e.tableRatio === undefined || e.tableRatio === p.tableRatio) &&
      (e.scaleFactor === undefined || e.scaleFactor === p.query?.scaleFactor) &&
      (e.strategy === undefined || e.strategy === p.strategy) &&
      (e.skew === undefined || e.skew === p.skew) &&
      (e.aqe === undefined || e.aqe === p.aqe) &&
      (e.memoryOverheadFactor === undefined || e.memoryOverheadFactor === p.memoryOverheadFactor) &&
      (e.executorCores === undefined || e.executorCores === p.executorCores) &&
      (e.memoryOverhead === undefined || e.memoryOverhead === memory.explicitOverheadMiB),
  );
}

/** The driver's pod memory: drivers keep Spark's default factor, also the axis default. */
export function driverPodMemoryMiB(experiment: ExperimentConfig): number {
  return podMemoryMiB(experiment.fixed.driverMemory, DEFAULT_MEMORY_OVERHEAD_FACTOR);
}

function sizeOf({ parameters: p, memory }: GridPoint, experiment: ExperimentConfig): CellSizing {
  const { heapMiB, explicitOverheadMiB } = memory;
  const driverMemoryMiB = experiment.fixed.driverMemory;
  return {
    heapMiB,
    overheadMiB: memoryOverheadMiB(heapMiB, p.memoryOverheadFactor, explicitOverheadMiB),
    podMemoryMiB: podMemoryMiB(heapMiB, p.memoryOverheadFactor, explicitOverheadMiB),
    // A query cell's data is read, not generated: its size is in its result (inputBytes).
    buildBytes: p.tableRatio === null ? 0 : Math.round(p.tableRatio * heapMiB * BYTES_PER_MIB),
    probeBytes: p.tableRatio === null ? 0 : experiment.fixed.probeSize * BYTES_PER_MIB,
    executorInstances: experiment.fixed.executorInstances,
    driverMemoryMiB,
    driverPodMemoryMiB: driverPodMemoryMiB(experiment),
  };
}

/** Spark's default spark.task.maxFailures: left out of a cell's settings when unchanged. */
export const SPARK_DEFAULT_TASK_MAX_FAILURES = 4;

/**
 * The settings that follow from a cell's join parameters alone, so that a finished cell's
 * record (which keeps its parameters) yields the same settings its run had.
 */
export function joinSparkConf(p: Pick<CellParameters, "strategy" | "aqe">): Record<string, string> {
  const conf: Record<string, string> = { "spark.sql.adaptive.enabled": String(p.aqe) };
  if (p.strategy === "shuffle_hash" || p.strategy === "sort_merge") {
    conf["spark.sql.autoBroadcastJoinThreshold"] = "-1";
    conf["spark.sql.adaptive.autoBroadcastJoinThreshold"] = "-1";
  } else {
    // A broadcast is collected to the driver as task results; the default 1 GiB cap on those
    // would fail large build sides with a setting, not with the memory limits under study.
    conf["spark.driver.maxResultSize"] = "0";
  }
  return conf;
}

/**
 * Spark settings a cell needs. Hints force the join strategy; for the shuffle strategies the
 * broadcast thresholds are also switched off so AQE cannot turn the join into a broadcast at
 * run time. `auto` keeps Spark's defaults: that is what it measures.
 */
export function cellSparkConf(
  p: CellParameters,
  experiment: ExperimentConfig,
): Record<string, string> {
  const conf = joinSparkConf(p);
  if (experiment.fixed.taskMaxFailures !== SPARK_DEFAULT_TASK_MAX_FAILURES) {
    conf["spark.task.maxFailures"] = String(experiment.fixed.taskMaxFailures);
  }
  if (experiment.fixed.metricsPollingMs !== undefined) {
    conf["spark.executor.metrics.pollingInterval"] = `${experiment.fixed.metricsPollingMs}ms`;
    // The driver has no poller: Spark samples its memory at its heartbeats, every 10 s unless
    // told otherwise. Once a second catches a broadcast's pieces on a run of half a minute.
    conf["spark.executor.heartbeatInterval"] =
      `${Math.max(1000, experiment.fixed.metricsPollingMs)}ms`;
  }
  return conf;
}

/**
 * The workload's command line for a cell: flags of workloads/join_workload.py, or for a query
 * cell of workloads/query_workload.py with its files where `locations` say (a cluster's mounts
 * unless told).
 */
export function workloadArguments(
  p: CellParameters,
  sizing: CellSizing,
  experiment: ExperimentConfig,
  locations: WorkloadLocations = CONTAINER_LOCATIONS,
): string[] {
  const { workload } = experiment;
  if (p.query) {
    if (workload.kind === "join")
      throw new Error(`${cellName(p)}: a query cell of a join experiment`);
    return queryArguments(
      { ...p, query: p.query },
      workload,
      experiment.fixed.partitions,
      cellName(p),
      locations,
    );
  }
  return [
    "--build-bytes",
    String(sizing.buildBytes),
    "--probe-bytes",
    String(sizing.probeBytes),
    "--strategy",
    p.strategy,
    "--skew",
    String(p.skew),
    "--aqe",
    p.aqe ? "on" : "off",
    "--keys",
    String(experiment.fixed.keys),
    "--partitions",
    String(experiment.fixed.partitions),
    "--seed",
    String(experiment.fixed.seed),
    // The cell's name as Spark's application name: the History Server lists each cell by it.
    "--app-name",
    cellName(p),
  ];
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

/**
 * Every cell of an experiment, sized but not placed: the cartesian product of its axes (or its
 * random draw), minus exclusions, times repeats, sorted by name. The local pilot runs exactly
 * these.
 */
export function cellSpecs(
  experiment: ExperimentConfig,
  locations: WorkloadLocations = CONTAINER_LOCATIONS,
): CellSpec[] {
  const points = experiment.draw
    ? drawnPoints(experiment, (point) => excluded(point, experiment))
    : cartesian(experiment);
  return points
    .filter((point) => !excluded(point, experiment))
    .map((point) => specOf(point, experiment, locations))
    .sort(byName);
}

function specOf(
  point: GridPoint,
  experiment: ExperimentConfig,
  locations: WorkloadLocations = CONTAINER_LOCATIONS,
): CellSpec {
  const { parameters } = point;
  const sizing = sizeOf(point, experiment);
  return {
    name: cellName(parameters),
    experiment: experiment.name,
    parameters,
    sizing,
    workloadArgs: workloadArguments(parameters, sizing, experiment, locations),
    sparkConf: cellSparkConf(parameters, experiment),
  };
}

/**
 * The boundary searches of an experiment with `search.tableRatio` (one per combination of the
 * other axes) or `search.scaleFactor` (one per combination and query), sorted by name; else none.
 */
export function searchSpecs(experiment: ExperimentConfig): SearchSpec[] {
  const { search, workload } = experiment;
  const range = search?.tableRatio ?? search?.scaleFactor;
  if (!range) return [];
  const queries: (SearchQuery | undefined)[] =
    workload.kind === "join"
      ? [undefined]
      : queryLabels(workload).map((name) => ({ kind: workload.kind, name }));
  return combinations(experiment)
    .filter((combination) => !excluded(combination, experiment))
    .flatMap(({ parameters, memory }) =>
      queries.map((query) => ({
        name: searchName(parameters, query),
        experiment: experiment.name,
        parameters,
        ...(query ? { query } : {}),
        memory,
        range: { min: range.min, max: range.max, tolerance: range.tolerance },
      })),
    )
    .sort(byName);
}

/** A search's probe at `size` (a table ratio, or a query's scale factor): an ordinary cell. */
export function probeSpec(
  search: SearchSpec,
  size: number,
  experiment: ExperimentConfig,
): CellSpec {
  const parameters = search.query
    ? { ...withRatio(search.parameters, null, 1), query: { ...search.query, scaleFactor: size } }
    : withRatio(search.parameters, size, 1);
  return specOf({ parameters, memory: search.memory }, experiment);
}
