/**
 * A random draw of an experiment's cells: `draw.cells` cells, each value picked uniformly from
 * its axis's list or from its range in `draw.ranges`, from a generator seeded with `draw.seed`.
 * The same config draws the same cells on every machine and runner.
 */
import seedrandom from "seedrandom";
import type { DrawConfig, ExperimentConfig } from "../config/experiment";
import { mibToSparkMemory, type MiB } from "../core/quantity";
import { cellName, type CellMemory, type CellParameters } from "./cells";

/** A drawn cell's parameters and the memory they were made from. */
export interface DrawnPoint {
  readonly parameters: CellParameters;
  readonly memory: CellMemory;
}

/** Draws a cell may take before the space counts as too small for `draw.cells` distinct ones. */
const ATTEMPTS_PER_CELL = 200;

type Range = NonNullable<DrawConfig["ranges"]["tableRatio"]>;

/** A uniform whole number in [0, count). */
function index(random: () => number, count: number): number {
  return Math.min(count - 1, Math.floor(random() * count));
}

/** `min + k * step` for a uniform k, so every point of the range is as likely (6 decimals). */
function fromRange(random: () => number, range: Range): number {
  const points = Math.floor((range.max - range.min) / range.step + 1e-9) + 1;
  return Number((range.min + index(random, points) * range.step).toFixed(6));
}

function fromList<T>(random: () => number, values: readonly T[]): T {
  return values[index(random, values.length)];
}

/**
 * The drawn cells, in the order drawn. Every axis is drawn for every cell, in a fixed order
 * (memory, ratio, strategy, skew, AQE, overhead factor, cores, overhead), even when it has one
 * value, so the n-th cell depends only on the seed and the space. A cell `excluded` or already
 * drawn is drawn again; a space too small for `draw.cells` distinct cells is an error naming
 * both.
 */
export function drawnPoints(
  experiment: ExperimentConfig,
  excluded: (point: DrawnPoint) => boolean,
): DrawnPoint[] {
  const draw = experiment.draw;
  if (!draw) return [];
  const { axes } = experiment;
  const { ranges } = draw;
  const random = seedrandom(`spark-at-scale:${draw.seed}`);
  const drawOne = (repeat: number): DrawnPoint => {
    const heapMiB = ranges.executorMemory
      ? fromRange(random, ranges.executorMemory)
      : fromList(random, axes.executorMemory ?? []);
    const tableRatio = ranges.tableRatio
      ? fromRange(random, ranges.tableRatio)
      : fromList(random, axes.tableRatio ?? []);
    const strategy = fromList(random, axes.strategy);
    const skew = ranges.skew ? fromRange(random, ranges.skew) : fromList(random, axes.skew ?? [0]);
    const aqe = fromList(random, axes.aqe);
    const memoryOverheadFactor = fromList(random, axes.memoryOverheadFactor);
    const executorCores = fromList(random, axes.executorCores);
    const overheadMiB = ranges.memoryOverhead
      ? fromRange(random, ranges.memoryOverhead)
      : fromList<number | null>(random, axes.memoryOverhead ?? [null]);
    return {
      parameters: {
        executorMemory: mibToSparkMemory(heapMiB),
        tableRatio,
        strategy,
        skew,
        aqe,
        memoryOverheadFactor,
        executorCores,
        memoryOverhead: overheadMiB === null ? null : mibToSparkMemory(overheadMiB),
        repeat,
      },
      memory: {
        heapMiB: heapMiB as MiB,
        ...(overheadMiB === null ? {} : { explicitOverheadMiB: overheadMiB as MiB }),
      },
    };
  };
  const drawn: DrawnPoint[] = [];
  const names = new Set<string>();
  const attempts = draw.cells * ATTEMPTS_PER_CELL;
  for (let attempt = 0; attempt < attempts && drawn.length < draw.cells; attempt++) {
    const point = drawOne(1);
    const name = cellName(point.parameters);
    if (names.has(name) || excluded(point)) continue;
    names.add(name);
    drawn.push(point);
  }
  if (drawn.length < draw.cells) {
    throw new Error(
      `experiment.draw.cells: ${draw.cells}: ${attempts} draws found only ${drawn.length} distinct cells outside the exclusions; widen the space (axes, draw.ranges) or draw fewer`,
    );
  }
  // Repeats of a drawn cell are the same cell again, as in a grid.
  return drawn.flatMap((point) =>
    Array.from({ length: experiment.fixed.repeats }, (_, i) => ({
      ...point,
      parameters: { ...point.parameters, repeat: i + 1 },
    })),
  );
}
