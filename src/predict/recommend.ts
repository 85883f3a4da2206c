/**
 * The smallest executor heap the model predicts safe for a join: every executor-side
 * constraint (executor heap, execution pool, pod limit) with a margin of at least SAFE_MARGIN
 * (0.25 doublings, capacity >= 1.19 x demand), and every other constraint (driver heap,
 * broadcast limits, result size) merely passing — those do not change with executor memory,
 * so when one fails no heap helps and there is no recommendation.
 */
import {
  DEFAULT_MEMORY_OVERHEAD_FACTOR,
  FIXED_DEFAULTS,
  type JoinStrategy,
} from "../config/experiment";
import { BYTES_PER_MIB as MIB, mibToSparkMemory } from "../core/quantity";
import type { CellParameters, CellSizing } from "../experiment/cells";
import { memoryOverheadMiB } from "../experiment/sizing";
import { MIN_EXECUTOR_HEAP_MIB, SAFE_MARGIN } from "./constants";
import { DEFAULT_CALIBRATION, predict } from "./predict";
import type { Calibration, Prediction, Runner, SparkSettings } from "./types";
import type { PayloadKind } from "./relation";

export interface RecommendInput {
  readonly strategy: JoinStrategy;
  /** Build side in-memory size, bytes (fixed while the heap varies). */
  readonly buildBytes: number;
  readonly skew: number;
  readonly keys: number;
  readonly partitions: number;
  readonly executorCores: number;
  readonly aqe: boolean;
  readonly runner: Runner;
  /** Executor memory overhead factor (default 0.1, floor 384 MiB). */
  readonly overheadFactor?: number;
  /** Heaps to try, MiB; default 512 MiB to 64 GiB in 256 MiB steps. */
  readonly candidatesMiB?: readonly number[];
  /** Probe side bytes (default 1 GiB, the experiment default); only AQE's coalescing reads it. */
  readonly probeBytes?: number;
  /** Executors (default 2); sets the default parallelism. */
  readonly executorInstances?: number;
  /** Driver heap, MiB; when left out, the driver is assumed big enough. */
  readonly driverMemoryMiB?: number;
  readonly payloadBytes?: number;
  readonly payloadKind?: PayloadKind;
  readonly settings?: Partial<SparkSettings>;
  readonly calibration?: Calibration;
  /** Margin every executor-side constraint must keep (default SAFE_MARGIN). */
  readonly safetyMargin?: number;
}

export interface Recommendation {
  /** Spark spelling of the heap (`2816m`, `4g`). */
  readonly executorMemory: string;
  readonly heapMiB: number;
  /** Heap + overhead: the executor pod's memory limit on Kubernetes. */
  readonly podMemoryMiB: number;
  /** The smallest margin of the executor-side constraints at this heap. */
  readonly margin: number;
  readonly prediction: Prediction;
}

/** 512 MiB to 64 GiB in 256 MiB steps. */
export function defaultHeapCandidatesMiB(): number[] {
  const out: number[] = [];
  for (let mib = 512; mib <= 64 * 1024; mib += 256) out.push(mib);
  return out;
}

// An experiment's defaults: the cell `recommend` describes is one an experiment would run.
const DEFAULT_OVERHEAD_FACTOR = DEFAULT_MEMORY_OVERHEAD_FACTOR;
const DEFAULT_PROBE_BYTES = FIXED_DEFAULTS.probeSize * MIB;
const DEFAULT_EXECUTOR_INSTANCES = FIXED_DEFAULTS.executorInstances;

/** The cell `input` describes at a given heap. */
function cellAt(input: RecommendInput, heapMiB: number) {
  const factor = input.overheadFactor ?? DEFAULT_OVERHEAD_FACTOR;
  const overheadMiB = memoryOverheadMiB(heapMiB, factor);
  const driverMemoryMiB = input.driverMemoryMiB ?? Number.POSITIVE_INFINITY;
  const parameters: CellParameters = {
    executorMemory: mibToSparkMemory(heapMiB),
    tableRatio: input.buildBytes / (heapMiB * MIB),
    strategy: input.strategy,
    skew: input.skew,
    aqe: input.aqe,
    memoryOverheadFactor: factor,
    executorCores: input.executorCores,
    memoryOverhead: null,
    repeat: 1,
  };
  const sizing: CellSizing = {
    heapMiB,
    overheadMiB,
    podMemoryMiB: heapMiB + overheadMiB,
    buildBytes: input.buildBytes,
    probeBytes: input.probeBytes ?? DEFAULT_PROBE_BYTES,
    executorInstances: input.executorInstances ?? DEFAULT_EXECUTOR_INSTANCES,
    driverMemoryMiB,
    driverPodMemoryMiB: driverMemoryMiB,
  };
  return { parameters, sizing };
}

/**
 * The smallest candidate heap predicted safe (see the file comment), or undefined when none
 * is: a driver or limit constraint fails whatever the heap, or even the largest candidate
 * leaves too little margin.
 */
export function recommendExecutorMemory(input: RecommendInput): Recommendation | undefined {
  const safety = input.safetyMargin ?? SAFE_MARGIN;
  const calibration = input.calibration ?? DEFAULT_CALIBRATION;
  const candidates = [...(input.candidatesMiB ?? defaultHeapCandidatesMiB())]
    .filter((mib) => mib >= MIN_EXECUTOR_HEAP_MIB)
    .sort((a, b) => a - b);
  for (const heapMiB of candidates) {
    const { parameters, sizing } = cellAt(input, heapMiB);
    const prediction = predict(
      {
        parameters,
        sizing,
        keys: input.keys,
        partitions: input.partitions,
        runner: input.runner,
        payloadBytes: input.payloadBytes,
        payloadKind: input.payloadKind,
        settings: input.settings,
      },
      calibration,
    );
    const others = prediction.checks.filter((c) => c.scope !== "executor");
    if (others.some((c) => c.demand > c.capacity)) return undefined;
    const executorMargins = prediction.checks
      .filter((c) => c.scope === "executor")
      .map((c) => c.margin);
    const margin = Math.min(...executorMargins);
    if (margin >= safety) {
      return {
        executorMemory: parameters.executorMemory,
        heapMiB,
        podMemoryMiB: sizing.podMemoryMiB,
        margin,
        prediction,
      };
    }
  }
  return undefined;
}
