/** An experiment's cells placed on the node groups of where they run, or why they fit nowhere. */
import type { WorkloadLocations } from "./queryArguments";
import { ConfigError } from "../config/errors";
import type { ExperimentConfig } from "../config/experiment";
import { formatMiB } from "../core/quantity";
import {
  MAX_CELL_NAME_LENGTH,
  type Cell,
  type CellPlacement,
  type CellSizing,
  type CellSpec,
} from "./cells";
import { cellSpecs, driverPodMemoryMiB } from "./cellSpecs";
import type { NodeGroup, PlacementTarget } from "./nodeGroups";

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

/** Every cell of an experiment, placed on the smallest group of nodes that holds it. */
export function planCells(
  experiment: ExperimentConfig,
  target: PlacementTarget,
  /** Where the target's pods find a query cell's files and data (a cluster's mounts unless told). */
  locations?: WorkloadLocations,
): CellPlan {
  const cells: Cell[] = [];
  const misfits: Misfit[] = [];
  const problems: string[] = [];
  for (const spec of cellSpecs(experiment, locations)) {
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
  const driverPod = driverPodMemoryMiB(experiment);
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
  locations?: WorkloadLocations,
): Cell[] {
  const plan = planCells(experiment, target, locations);
  const problems = [
    ...plan.misfits.map((m) => `spark-at-scale:experiment: cell ${m.name}: ${m.reason}`),
    ...plan.problems,
  ];
  if (problems.length > 0) throw new ConfigError(source, problems);
  return plan.cells;
}
