import { ConfigError } from "../config/errors";
import {
  DEFAULT_EXECUTOR_CORES,
  DEFAULT_MEMORY_OVERHEAD_FACTOR,
  type ExperimentConfig,
  type JoinStrategy,
} from "../config/experiment";
import { BYTES_PER_MIB, formatMiB, mibToSparkMemory, sparkMemoryToMiB } from "../core/quantity";
import type { Toleration } from "../spark/sparkApplication";
import type { NodeGroup, PlacementTarget } from "./nodeGroups";
import { memoryOverheadMiB, podMemoryMiB } from "./sizing";

/** The values of one cell on each axis, plus which repeat it is. */
export interface CellParameters {
  /** Executor heap, canonical Spark spelling (`4g`, `1536m`). */
  readonly executorMemory: string;
  /** Build-side in-memory size over executor heap. */
  readonly tableRatio: number;
  /** Forced join strategy, or `auto`. */
  readonly strategy: JoinStrategy;
  /** Zipf exponent of the build side's join key (0 = uniform). */
  readonly skew: number;
  /** Adaptive query execution on or off. */
  readonly aqe: boolean;
  /** Memory overhead as a fraction of heap (floor 384 MiB). */
  readonly memoryOverheadFactor: number;
  /** Cores per executor. */
  readonly executorCores: number;
  /** Explicit executor memory overhead (Spark spelling), replacing the factor rule; null for the rule. */
  readonly memoryOverhead: string | null;
  /** Repeat index, from 1. */
  readonly repeat: number;
}

/** Sizes derived from a cell's parameters. */
export interface CellSizing {
  /** Executor heap, MiB. */
  readonly heapMiB: number;
  /** Executor memory overhead, MiB. */
  readonly overheadMiB: number;
  /** Executor pod memory (request = limit), MiB. */
  readonly podMemoryMiB: number;
  /** Build side in-memory size, bytes (tableRatio x heap). */
  readonly buildBytes: number;
  /** Probe side in-memory size, bytes. */
  readonly probeBytes: number;
  /** Number of executors. */
  readonly executorInstances: number;
  /** Driver heap, MiB. */
  readonly driverMemoryMiB: number;
  /** Driver pod memory, MiB. */
  readonly driverPodMemoryMiB: number;
}

/** Where a cell's executors run. */
export interface CellPlacement {
  /** Experiment pool name. */
  readonly pool: string;
  /** The pool's allocatable memory per node, MiB; null when the cluster's is not known. */
  readonly allocatableMiB: number | null;
  /** Executors of this cell that fit one node. */
  readonly executorsPerNode: number;
  /** Nodes the cell's executors need. */
  readonly nodes: number;
  /** Node labels the executors select their pool's nodes by. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Taints of the pool's nodes the executors tolerate. */
  readonly tolerations: readonly Toleration[];
}

/** One configuration of the experiment, before it is placed on a node pool. */
export interface CellSpec {
  /** Name derived from the parameters (DNS-1123), stable when axes gain values. */
  readonly name: string;
  /** Experiment name. */
  readonly experiment: string;
  readonly parameters: CellParameters;
  readonly sizing: CellSizing;
  /** Arguments of the join workload for this cell. */
  readonly workloadArgs: readonly string[];
  /** Spark settings the cell needs (AQE, join thresholds, retries). */
  readonly sparkConf: Readonly<Record<string, string>>;
}

/** A cell placed on a pool: one SparkApplication. */
export interface Cell extends CellSpec {
  readonly placement: CellPlacement;
}

/** Longest cell name allowed: Spark derives pod and service names (≤ 63) from it. */
export const MAX_CELL_NAME_LENGTH = 45;

const STRATEGY_CODES: Readonly<Record<JoinStrategy, string>> = {
  broadcast: "bhj",
  shuffle_hash: "shj",
  sort_merge: "smj",
  auto: "auto",
};

/** A number as a DNS-safe token: 0.25 -> 0p25. */
function token(value: number): string {
  return String(value).replace(".", "p").replace("+", "");
}

/** A cell's parameters but for the table ratio and the repeat: what a boundary search fixes. */
export type SearchParameters = Omit<CellParameters, "tableRatio" | "repeat">;

function joinName(p: SearchParameters, ratio?: number, repeat?: number): string {
  const parts = [`m${p.executorMemory}`, STRATEGY_CODES[p.strategy]];
  if (ratio !== undefined) parts.push(`r${token(ratio)}`);
  parts.push(`s${token(p.skew)}`, p.aqe ? "aqe" : "noaqe");
  if (p.memoryOverheadFactor !== DEFAULT_MEMORY_OVERHEAD_FACTOR)
    parts.push(`o${token(p.memoryOverheadFactor)}`);
  if (p.executorCores !== DEFAULT_EXECUTOR_CORES) parts.push(`c${p.executorCores}`);
  if (p.memoryOverhead !== null) parts.push(`oh${p.memoryOverhead}`);
  if (repeat !== undefined) parts.push(String(repeat));
  return parts.join("-").toLowerCase();
}

/**
 * A cell's name from its parameters only — never its position — so adding a value to an axis
 * adds names and changes none. Optional axes appear only when off their default, so turning
 * an axis on later keeps the existing cells' names.
 */
export function cellName(p: CellParameters): string {
  return joinName(p, p.tableRatio, p.repeat);
}

/**
 * A boundary search's name: its cells' name without the ratio and the repeat
 * (`m512m-bhj-s0-aqe-oh64m` searches over `m512m-bhj-r<ratio>-s0-aqe-oh64m-1`).
 */
export function searchName(p: SearchParameters): string {
  return joinName(p);
}

/** Every combination of the axes other than the table ratio (and repeats). */
function combinations(experiment: ExperimentConfig): SearchParameters[] {
  const { axes } = experiment;
  const out: SearchParameters[] = [];
  for (const memory of axes.executorMemory)
    for (const strategy of axes.strategy)
      for (const skew of axes.skew)
        for (const aqe of axes.aqe)
          for (const memoryOverheadFactor of axes.memoryOverheadFactor)
            for (const executorCores of axes.executorCores)
              for (const memoryOverhead of axes.memoryOverhead ?? [null])
                out.push({
                  executorMemory: mibToSparkMemory(sparkMemoryToMiB(memory) ?? 0),
                  strategy,
                  skew,
                  aqe,
                  memoryOverheadFactor,
                  executorCores,
                  memoryOverhead:
                    memoryOverhead === null
                      ? null
                      : mibToSparkMemory(sparkMemoryToMiB(memoryOverhead) ?? 0),
                });
  return out;
}

/** The grid: every combination at every table ratio, times repeats (none for a search). */
function cartesian(experiment: ExperimentConfig): CellParameters[] {
  const out: CellParameters[] = [];
  for (const other of combinations(experiment))
    for (const tableRatio of experiment.axes.tableRatio ?? [])
      for (let repeat = 1; repeat <= experiment.fixed.repeats; repeat++)
        out.push(withRatio(other, tableRatio, repeat));
  return out;
}

/** A combination's cell at `tableRatio` (keys in the order records have always had). */
function withRatio(p: SearchParameters, tableRatio: number, repeat: number): CellParameters {
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
  p: SearchParameters & { readonly tableRatio?: number },
  experiment: ExperimentConfig,
): boolean {
  return experiment.exclude.some(
    (e) =>
      (e.executorMemory === undefined ||
        sparkMemoryToMiB(e.executorMemory) === sparkMemoryToMiB(p.executorMemory)) &&
      (e.tableRatio === undefined || e.tableRatio === p.tableRatio) &&
      (e.strategy === undefined || e.strategy === p.strategy) &&
      (e.skew === undefined || e.skew === p.skew) &&
      (e.aqe === undefined || e.aqe === p.aqe) &&
      (e.memoryOverheadFactor === undefined || e.memoryOverheadFactor === p.memoryOverheadFactor) &&
      (e.executorCores === undefined || e.executorCores === p.executorCores) &&
      (e.memoryOverhead === undefined ||
        (p.memoryOverhead !== null &&
          sparkMemoryToMiB(e.memoryOverhead) === sparkMemoryToMiB(p.memoryOverhead))),
  );
}

function sizeOf(p: CellParameters, experiment: ExperimentConfig): CellSizing {
  const heapMiB = sparkMemoryToMiB(p.executorMemory) ?? 0;
  const driverMemoryMiB = sparkMemoryToMiB(experiment.fixed.driverMemory) ?? 0;
  const explicitOverheadMiB =
    p.memoryOverhead === null ? undefined : (sparkMemoryToMiB(p.memoryOverhead) ?? 0);
  return {
    heapMiB,
    overheadMiB: memoryOverheadMiB(heapMiB, p.memoryOverheadFactor, explicitOverheadMiB),
    podMemoryMiB: podMemoryMiB(heapMiB, p.memoryOverheadFactor, explicitOverheadMiB),
    buildBytes: Math.round(p.tableRatio * heapMiB * BYTES_PER_MIB),
    probeBytes: (sparkMemoryToMiB(experiment.fixed.probeSize) ?? 0) * BYTES_PER_MIB,
    executorInstances: experiment.fixed.executorInstances,
    driverMemoryMiB,
    // Drivers keep Spark's default factor, which is also the axis default.
    driverPodMemoryMiB: podMemoryMiB(driverMemoryMiB, DEFAULT_MEMORY_OVERHEAD_FACTOR),
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
  return conf;
}

/** The workload's command line for a cell (flags of workloads/join_workload.py). */
export function workloadArguments(
  p: CellParameters,
  sizing: CellSizing,
  experiment: ExperimentConfig,
): string[] {
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

/**
 * The smallest group of nodes that holds the cell's executor pods (after what the platform's
 * own pods take), or an explanation of why none does. A group whose room is unknown takes any
 * cell, on one node.
 */
function place(sizing: CellSizing, groups: readonly NodeGroup[]): CellPlacement | string {
  const candidates = [...groups].sort(
    (a, b) =>
      (a.allocatableMiB ?? Number.POSITIVE_INFINITY) -
        (b.allocatableMiB ?? Number.POSITIVE_INFINITY) || a.name.localeCompare(b.name),
  );
  for (const group of candidates) {
    const executorsPerNode =
      group.allocatableMiB === null
        ? sizing.executorInstances
        : Math.floor((group.allocatableMiB - group.reserveMiB) / sizing.podMemoryMiB);
    if (executorsPerNode < 1) continue;
    const nodes = Math.ceil(sizing.executorInstances / executorsPerNode);
    if (nodes > group.maxNodes) continue;
    return {
      pool: group.name,
      allocatableMiB: group.allocatableMiB,
      executorsPerNode,
      nodes,
      nodeSelector: group.nodeSelector,
      tolerations: group.tolerations,
    };
  }
  const tiers = candidates
    .map(
      (g) =>
        `${g.name}: ${g.allocatableMiB === null ? "unknown" : formatMiB(g.allocatableMiB)} allocatable x ${g.maxNodes} nodes`,
    )
    .join("; ");
  const reserves = [
    ...new Set(
      candidates
        .filter((g) => g.reserveMiB > 0)
        .map((g) => ` + ${g.reserveMiB} MiB for ${g.reserveReason}`),
    ),
  ].join("");
  return (
    `executor pod needs ${formatMiB(sizing.podMemoryMiB)} (heap ${formatMiB(sizing.heapMiB)} + overhead ` +
    `${formatMiB(sizing.overheadMiB)})${reserves}, ` +
    `${sizing.executorInstances} executors; no experiment pool fits (${tiers})`
  );
}

/** A cell that fits no experiment pool, and why. */
export interface Misfit extends CellSpec {
  /** Why it fits nowhere, with the numbers. */
  readonly reason: string;
}

/** The experiment's cells, split into those that can be placed and those that cannot. */
export interface CellPlan {
  /** Placeable cells, sorted by name. */
  readonly cells: Cell[];
  /** Cells that fit no pool, sorted by name. */
  readonly misfits: Misfit[];
  /** Problems with the experiment as a whole (driver too big, everything excluded). */
  readonly problems: string[];
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

/**
 * Every cell of an experiment, sized but not placed: the cartesian product of its axes, minus
 * exclusions, times repeats, sorted by name. The local pilot runs exactly these.
 */
export function cellSpecs(experiment: ExperimentConfig): CellSpec[] {
  return cartesian(experiment)
    .filter((parameters) => !excluded(parameters, experiment))
    .map((parameters) => specOf(parameters, experiment))
    .sort(byName);
}

function specOf(parameters: CellParameters, experiment: ExperimentConfig): CellSpec {
  const sizing = sizeOf(parameters, experiment);
  return {
    name: cellName(parameters),
    experiment: experiment.name,
    parameters,
    sizing,
    workloadArgs: workloadArguments(parameters, sizing, experiment),
    sparkConf: cellSparkConf(parameters, experiment),
  };
}

/** One boundary search: a combination of the other axes, and the ratios it may probe. */
export interface SearchSpec {
  /** The cells' name without ratio and repeat, e.g. `m512m-bhj-s0-aqe-oh64m`. */
  readonly name: string;
  readonly experiment: string;
  /** The values of every axis but the table ratio. */
  readonly parameters: SearchParameters;
  /** Smallest and largest ratio to probe, and the relative width a bracket ends at. */
  readonly range: { readonly min: number; readonly max: number; readonly tolerance: number };
}

/** The boundary searches of an experiment with `search.tableRatio`, sorted by name; else none. */
export function searchSpecs(experiment: ExperimentConfig): SearchSpec[] {
  const range = experiment.search?.tableRatio;
  if (!range) return [];
  return combinations(experiment)
    .filter((parameters) => !excluded(parameters, experiment))
    .map((parameters) => ({
      name: searchName(parameters),
      experiment: experiment.name,
      parameters,
      range: { min: range.min, max: range.max, tolerance: range.tolerance },
    }))
    .sort(byName);
}

/** A search's probe at `tableRatio`: an ordinary cell, named and sized like any other. */
export function probeSpec(
  search: SearchSpec,
  tableRatio: number,
  experiment: ExperimentConfig,
): CellSpec {
  return specOf(withRatio(search.parameters, tableRatio, 1), experiment);
}

/** True if `parameters` are a probe of `search` (any ratio). */
export function isProbeOf(search: SearchSpec, parameters: CellParameters): boolean {
  return searchName(parameters) === search.name && parameters.repeat === 1;
}

/** Every cell of an experiment, placed on the smallest group of nodes that holds it. */
export function planCells(experiment: ExperimentConfig, target: PlacementTarget): CellPlan {
  const cells: Cell[] = [];
  const misfits: Misfit[] = [];
  const problems: string[] = [];
  for (const spec of cellSpecs(experiment)) {
    const placement =
      spec.name.length > MAX_CELL_NAME_LENGTH
        ? `name longer than ${MAX_CELL_NAME_LENGTH} characters`
        : place(spec.sizing, target.executorGroups);
    if (typeof placement === "string") misfits.push({ ...spec, reason: placement });
    else cells.push({ ...spec, placement });
  }
  if (experiment.search) {
    problems.push(
      "spark-at-scale:experiment.search: a boundary search chooses each ratio from the outcomes before it, " +
        "so it runs on the local pilot (spark-at-scale pilot) only; a stack's cells (pulumi up, run) need a grid: " +
        "axes.tableRatio",
    );
    return { cells, misfits, problems };
  }
  const driverPod = sizeOf(cartesian(experiment)[0], experiment).driverPodMemoryMiB;
  const drivers = target.driverNodes;
  if (drivers && driverPod > drivers.roomMiB) {
    problems.push(
      `spark-at-scale:experiment.fixed.driverMemory: driver pod needs ${formatMiB(driverPod)}; ` +
        `${drivers.description} has ${formatMiB(drivers.roomMiB)} for pods`,
    );
  }
  if (cells.length === 0 && misfits.length === 0) {
    problems.push("spark-at-scale:experiment.exclude: every cell is excluded; nothing would run");
  }
  return { cells, misfits, problems };
}

/**
 * The experiment's cells for a deployment: like planCells, but a cell that fits nowhere is a
 * config error that names the cell and the numbers, raised before anything is registered.
 */
export function expandCells(
  experiment: ExperimentConfig,
  target: PlacementTarget,
  source = "the stack config",
): Cell[] {
  const plan = planCells(experiment, target);
  const problems = [
    ...plan.misfits.map((m) => `spark-at-scale:experiment: cell ${m.name}: ${m.reason}`),
    ...plan.problems,
  ];
  if (problems.length > 0) throw new ConfigError(source, problems);
  return plan.cells;
}
