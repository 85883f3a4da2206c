import { TPCH_PARQUET_BYTES_PER_SF } from "../config/workload";
import type { StackConfig } from "../config/stack";
import { MACHINE_TYPES } from "../core/machineTypes";
import type { PoolSpec } from "../testbed/pools";
import type { ExperimentConfig } from "../config/experiment";
import { predictionInput } from "../predict/fromCell";
import { predict } from "../predict/predict";
import type { CellSpec } from "../experiment/cells";
import { isJoinCell } from "../experiment/cellSize";
import type { CellPlan } from "../experiment/planCells";

/** One row of `plan`: a cell, its memory and where it goes. */
export interface PlanRow {
  readonly cell: string;
  readonly strategy: string;
  /** Build side over executor heap; null on a query cell. */
  readonly tableRatio: number | null;
  /** A query cell's scale factor; null on a join cell. */
  readonly scaleFactor: number | null;
  readonly skew: number;
  readonly aqe: boolean;
  readonly executorMemory: string;
  readonly podMemoryMiB: number;
  readonly buildBytes: number;
  /**
   * A TPC-H cell's input before it runs: tpchgen-cli's parquet at its scale factor (measured
   * per SF); null on a join cell and on a user's SQL or script, whose size is known when it ran.
   */
  readonly expectedInputBytes: number | null;
  /** Pool the executors go to; null when none fits. */
  readonly pool: string | null;
  readonly poolAllocatableMiB: number | null;
  readonly nodes: number | null;
  readonly fits: boolean;
  /** Why it fits nowhere, when it does not. */
  readonly reason?: string;
  /** The memory model's verdict before anything runs (src/predict); null on a query cell. */
  readonly prediction: null | {
    readonly outcome: "succeeded" | "failed";
    readonly failureClass: string;
    /** log2(capacity / demand) of the binding constraint: above 0 is predicted safe. */
    readonly margin: number;
    readonly explanation: string;
  };
}

/** Totals over the plan, with a cost bound. */
export interface PlanTotals {
  readonly cells: number;
  readonly fitting: number;
  readonly misfits: number;
  readonly byStrategy: Readonly<Record<string, number>>;
  readonly byPool: Readonly<Record<string, number>>;
  /** Hours the matrix takes at most: ceil(cells / concurrency) x cell timeout. */
  readonly wallHoursUpperBound: number;
  /** Experiment node-hours if every cell ran to its timeout. */
  readonly experimentNodeHoursUpperBound: number;
  /** System pool node-hours over the same wall time (its minimum node count). */
  readonly systemNodeHoursUpperBound: number;
  /** USD at on-demand list prices for the node-hours above (excludes the GKE fee, disks, egress). */
  /** Dollars at on-demand list prices; null on an existing cluster, whose prices are not known here. */
  readonly estimatedCostUsdUpperBound: number | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function count<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

function predicted(
  cell: CellSpec,
  experiment: ExperimentConfig | undefined,
): PlanRow["prediction"] {
  if (!experiment) throw new Error("a plan needs an experiment");
  if (!isJoinCell(cell.parameters)) return null; // the memory model is the join's
  const p = predict(predictionInput(cell, experiment, "kubernetes"));
  return {
    outcome: p.outcome,
    failureClass: p.failureClass,
    margin: Math.round(p.margin * 100) / 100,
    explanation: p.explanation,
  };
}

/** Rows and totals of a plan, as `plan` prints them and `plan --json` emits them. */
export function planReport(
  config: StackConfig,
  plan: CellPlan,
  pools: readonly PoolSpec[],
): { rows: PlanRow[]; totals: PlanTotals } {
  const describe = (cell: CellSpec) => ({
    cell: cell.name,
    strategy: cell.parameters.strategy,
    tableRatio: cell.parameters.tableRatio,
    scaleFactor: cell.parameters.query?.scaleFactor ?? null,
    skew: cell.parameters.skew,
    aqe: cell.parameters.aqe,
    executorMemory: cell.parameters.executorMemory,
    podMemoryMiB: cell.sizing.podMemoryMiB,
    buildBytes: cell.sizing.buildBytes,
    expectedInputBytes:
      cell.parameters.query?.kind === "tpch"
        ? Math.round(cell.parameters.query.scaleFactor * TPCH_PARQUET_BYTES_PER_SF)
        : null,
    prediction: predicted(cell, config.experiment),
  });
  const rows: PlanRow[] = [
    ...plan.cells.map((c): PlanRow => ({
      ...describe(c),
      pool: c.placement.pool,
      poolAllocatableMiB: c.placement.allocatableMiB,
      nodes: c.placement.nodes,
      fits: true,
    })),
    ...plan.misfits.map((m): PlanRow => ({
      ...describe(m),
      pool: null,
      poolAllocatableMiB: null,
      nodes: null,
      fits: false,
      reason: m.reason,
    })),
  ].sort((a, b) => a.cell.localeCompare(b.cell));

  const fixed = config.experiment?.fixed;
  const timeoutHours = (fixed?.cellTimeoutMinutes ?? 0) / 60;
  const concurrency = fixed?.concurrency ?? 1;
  const priceOf = (poolName: string) =>
    MACHINE_TYPES[pools.find((p) => p.name === poolName)?.machineType ?? ""]?.usdPerHour ?? 0;
  const system = pools.find((p) => p.role === "system");
  const wallHours = Math.ceil(plan.cells.length / concurrency) * timeoutHours;
  const experimentNodeHours = plan.cells.reduce(
    (sum, c) => sum + c.placement.nodes * timeoutHours,
    0,
  );
  const experimentCost = plan.cells.reduce(
    (sum, c) => sum + c.placement.nodes * timeoutHours * priceOf(c.placement.pool),
    0,
  );
  const systemNodeHours = (system?.minNodes ?? 0) * wallHours;
  const systemCost = systemNodeHours * (system ? priceOf(system.name) : 0);
  return {
    rows,
    totals: {
      cells: rows.length,
      fitting: plan.cells.length,
      misfits: plan.misfits.length,
      byStrategy: count(rows, (r) => r.strategy),
      byPool: count(plan.cells, (c) => c.placement.pool),
      wallHoursUpperBound: round2(wallHours),
      experimentNodeHoursUpperBound: round2(experimentNodeHours),
      systemNodeHoursUpperBound: round2(systemNodeHours),
      estimatedCostUsdUpperBound:
        config.target === "gke" ? round2(experimentCost + systemCost) : null,
    },
  };
}
