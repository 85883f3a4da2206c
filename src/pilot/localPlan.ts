import { MIN_SPARK_HEAP_MIB, type ExperimentConfig } from "../config/experiment";
import type { CellSpec, CellSizing } from "../experiment/cells";
import { workloadArguments } from "../experiment/cellSpecs";
import { CONTAINER_LOCATIONS, type WorkloadLocations } from "../experiment/queryArguments";
import { BYTES_PER_MIB, formatMiB } from "../core/quantity";

/** Memory a JVM uses beyond its heap (metaspace, threads, direct buffers), budgeted per JVM. */
export const LOCAL_JVM_OVERHEAD_MIB = 384;
/** The Python driver process that runs the workload script. */
export const LOCAL_PYTHON_MIB = 256;

/** One cell as the pilot runs it on this machine. */
export interface LocalCell {
  /** The cell as declared (its name and parameters are the cloud's). */
  readonly spec: CellSpec;
  /** Factor applied to every memory and size (1 = as declared). */
  readonly scale: number;
  /** Sizes after scaling: what this run really uses. */
  readonly sizing: CellSizing;
  /** Workload arguments after scaling. */
  readonly workloadArgs: readonly string[];
  /** Memory the cell's processes may use at most on this machine, MiB. */
  readonly footprintMiB: number;
}

/** Memory on this machine a cell's processes may take: driver and executor JVMs and Python. */
export function localFootprintMiB(sizing: CellSizing): number {
  return (
    sizing.driverMemoryMiB +
    LOCAL_JVM_OVERHEAD_MIB +
    sizing.executorInstances * (sizing.heapMiB + LOCAL_JVM_OVERHEAD_MIB) +
    LOCAL_PYTHON_MIB
  );
}

/**
 * A cell scaled by `scale`: heaps and both table sizes are multiplied by it, so every size keeps
 * its ratio to executor memory — the quantity the experiment is about.
 */
function scaled(
  spec: CellSpec,
  experiment: ExperimentConfig,
  scale: number,
  locations: WorkloadLocations,
): LocalCell {
  const heapMiB = Math.floor(spec.sizing.heapMiB * scale);
  const driverMemoryMiB = Math.floor(spec.sizing.driverMemoryMiB * scale);
  const sizing: CellSizing = {
    ...spec.sizing,
    heapMiB,
    driverMemoryMiB,
    buildBytes:
      spec.parameters.tableRatio === null
        ? 0
        : Math.round(spec.parameters.tableRatio * heapMiB * BYTES_PER_MIB),
    probeBytes: Math.round(spec.sizing.probeBytes * scale),
  };
  return {
    spec,
    scale,
    sizing,
    workloadArgs: workloadArguments(spec.parameters, sizing, experiment, locations),
    footprintMiB: localFootprintMiB(sizing),
  };
}

/** The pilot's cells, or the reasons some cannot run here. */
export interface LocalPlan {
  readonly cells: LocalCell[];
  /** One line per cell that cannot run on this machine at this scale. */
  readonly problems: string[];
}

/**
 * Maps an experiment's cells onto this machine. A cell whose processes would not fit the
 * memory budget, or whose scaled heap falls under Spark's minimum, is a problem to report —
 * never silently shrunk: only an explicit `scale` changes sizes, and it changes all of them.
 */
export function planLocalCells(
  specs: readonly CellSpec[],
  experiment: ExperimentConfig,
  options: {
    readonly scale: number;
    readonly memoryBudgetMiB: number;
    /** Where this machine keeps a query cell's files and data (unused by join cells). */
    readonly locations?: WorkloadLocations;
  },
): LocalPlan {
  const cells: LocalCell[] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    if (spec.parameters.query && options.scale !== 1) {
      // A query's data is read at its scale factor, not generated to a size: --scale would
      // shrink the heaps and not the data.
      problems.push(
        `cell ${spec.name}: --scale ${options.scale} shrinks memory but not a query's data; run query cells with --scale 1 and choose smaller axes.scaleFactor values instead`,
      );
      continue;
    }
    const cell = scaled(spec, experiment, options.scale, options.locations ?? CONTAINER_LOCATIONS);
    if (
      cell.sizing.heapMiB < MIN_SPARK_HEAP_MIB ||
      cell.sizing.driverMemoryMiB < MIN_SPARK_HEAP_MIB
    ) {
      problems.push(
        `cell ${spec.name}: at --scale ${options.scale} the executor heap would be ${cell.sizing.heapMiB} MiB and the ` +
          `driver's ${cell.sizing.driverMemoryMiB} MiB; Spark needs at least ${MIN_SPARK_HEAP_MIB} MiB for each`,
      );
      continue;
    }
    if (cell.footprintMiB > options.memoryBudgetMiB) {
      const fixedMiB =
        LOCAL_JVM_OVERHEAD_MIB * (1 + spec.sizing.executorInstances) + LOCAL_PYTHON_MIB;
      const scalableMiB =
        spec.sizing.driverMemoryMiB + spec.sizing.executorInstances * spec.sizing.heapMiB;
      const fits = Math.floor(((options.memoryBudgetMiB - fixedMiB) / scalableMiB) * 100) / 100;
      // A scale that leaves a heap under Spark's minimum (or below zero) fits nothing.
      const smallestHeapMiB = Math.min(spec.sizing.heapMiB, spec.sizing.driverMemoryMiB);
      const remedy =
        fits > 0 && Math.floor(smallestHeapMiB * fits) >= MIN_SPARK_HEAP_MIB
          ? `run with --scale ${fits} or less (sizes keep their ratio to executor memory), or raise --memory-budget`
          : `no --scale fits it (Spark needs ${MIN_SPARK_HEAP_MIB} MiB heaps); raise --memory-budget`;
      problems.push(
        `cell ${spec.name}: needs ${formatMiB(cell.footprintMiB)} (driver ${formatMiB(cell.sizing.driverMemoryMiB)} + ` +
          `${cell.sizing.executorInstances} executors x ${formatMiB(cell.sizing.heapMiB)}, plus JVM overheads) but the ` +
          `memory budget is ${formatMiB(options.memoryBudgetMiB)}; ${remedy}`,
      );
      continue;
    }
    cells.push(cell);
  }
  return { cells, problems };
}
