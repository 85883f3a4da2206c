import {
  DEFAULT_EXECUTOR_CORES,
  DEFAULT_MEMORY_OVERHEAD_FACTOR,
  type JoinStrategy,
} from "../config/experiment";
import type { QueryKind } from "../config/workload";
import type { MiB } from "../core/quantity";
import type { Toleration } from "../spark/sparkApplication";

/** The values of one cell on each axis, plus which repeat it is. */
export interface CellParameters {
  /** Executor heap, canonical Spark spelling (`4g`, `1536m`). */
  readonly executorMemory: string;
  /** Build-side in-memory size over executor heap; null on a query cell (see `query`). */
  readonly tableRatio: number | null;
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
  /** What a query cell runs instead of the synthetic join; absent on join cells. */
  readonly query?: QueryParameters;
}

/** A query cell's workload: a TPC-H query, a user's SQL file or PySpark script, at a scale. */
export interface QueryParameters {
  readonly kind: QueryKind;
  /** `q03` for a TPC-H query; the workload's name for a SQL file or script. */
  readonly name: string;
  /** Data size (TPC-H's scale factor: SF 1 is about 1 GB). */
  readonly scaleFactor: number;
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

/** A cell's heap and explicit overhead in MiB, as the config schema produced them. */
export interface CellMemory {
  readonly heapMiB: MiB;
  /** spark.executor.memoryOverhead when the cell sets one; the factor rule applies otherwise. */
  readonly explicitOverheadMiB?: MiB;
}

/** A cell's parameters but for the table ratio and the repeat: what a boundary search fixes. */
export type SearchParameters = Omit<CellParameters, "tableRatio" | "repeat" | "query">;

/** What a query workload's search fixes of its cells' query: all but the scale factor. */
export type SearchQuery = Omit<QueryParameters, "scaleFactor">;

/** One boundary search: a combination of the other axes, and the sizes it may probe. */
export interface SearchSpec {
  /** A query workload's query; absent for the join, whose searches run over the table ratio. */
  readonly query?: SearchQuery;
  /** The cells' name without ratio and repeat, e.g. `m512m-bhj-s0-aqe-oh64m`. */
  readonly name: string;
  readonly experiment: string;
  /** The values of every axis but the table ratio. */
  readonly parameters: SearchParameters;
  /** Its heap and explicit overhead as config gave them. */
  readonly memory: CellMemory;
  /** Smallest and largest ratio to probe, and the relative width a bracket ends at. */
  readonly range: { readonly min: number; readonly max: number; readonly tolerance: number };
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

/** The optional axes off their defaults, as name tokens: existing names never change. */
function optionalAxisTokens(p: SearchParameters): string[] {
  const tokens: string[] = [];
  if (p.memoryOverheadFactor !== DEFAULT_MEMORY_OVERHEAD_FACTOR)
    tokens.push(`o${token(p.memoryOverheadFactor)}`);
  if (p.executorCores !== DEFAULT_EXECUTOR_CORES) tokens.push(`c${p.executorCores}`);
  if (p.memoryOverhead !== null) tokens.push(`oh${p.memoryOverhead}`);
  return tokens;
}

function joinName(p: SearchParameters, ratio?: number, repeat?: number): string {
  const parts = [`m${p.executorMemory}`, STRATEGY_CODES[p.strategy]];
  if (ratio !== undefined) parts.push(`r${token(ratio)}`);
  parts.push(`s${token(p.skew)}`, p.aqe ? "aqe" : "noaqe");
  parts.push(...optionalAxisTokens(p));
  if (repeat !== undefined) parts.push(String(repeat));
  return parts.join("-").toLowerCase();
}

/**
 * A cell's name from its parameters only — never its position — so adding a value to an axis
 * adds names and changes none. Optional axes appear only when off their default, so turning
 * an axis on later keeps the existing cells' names.
 */
export function cellName(p: CellParameters): string {
  if (p.query) return queryName(p, p.query, p.repeat);
  return joinName(p, p.tableRatio ?? undefined, p.repeat);
}

/** `tpch-q03-sf0p1-m1g-bhj-aqe-1`: the workload and scale, then the axes as a join cell's. */
function queryName(
  p: SearchParameters,
  query: Omit<QueryParameters, "scaleFactor"> & { readonly scaleFactor?: number },
  repeat?: number,
): string {
  const parts: string[] = [query.kind, query.name];
  if (query.scaleFactor !== undefined) parts.push(`sf${token(query.scaleFactor)}`);
  parts.push(`m${p.executorMemory}`, STRATEGY_CODES[p.strategy], p.aqe ? "aqe" : "noaqe");
  parts.push(...optionalAxisTokens(p));
  if (repeat !== undefined) parts.push(String(repeat));
  return parts.join("-").toLowerCase();
}

/**
 * A boundary search's name: its cells' name without the size and the repeat
 * (`m512m-bhj-s0-aqe-oh64m` searches over `m512m-bhj-r<ratio>-s0-aqe-oh64m-1`,
 * `tpch-q03-m512m-bhj-aqe` over `tpch-q03-sf<scale>-m512m-bhj-aqe-1`).
 */
export function searchName(p: SearchParameters, query?: SearchQuery): string {
  return query ? queryName(p, query) : joinName(p);
}

/** True if `parameters` are a probe of `search` (any size). */
export function isProbeOf(search: SearchSpec, parameters: CellParameters): boolean {
  if (parameters.repeat !== 1) return false;
  const query = parameters.query;
  if (!search.query) return !query && searchName(parameters) === search.name;
  return (
    query !== undefined &&
    query.kind === search.query.kind &&
    query.name === search.query.name &&
    searchName(parameters, search.query) === search.name
  );
}
