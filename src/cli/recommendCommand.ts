import { UsageError } from "../config/errors";
import {
  executorCoresValue,
  JOIN_STRATEGIES,
  keysValue,
  memoryOverheadFactorValue,
  partitionsValue,
  skewValue,
  type JoinStrategy,
} from "../config/experiment";
import { BYTES_PER_MIB, formatMiB, sparkMemoryToMiB } from "../core/quantity";
import { RUNNERS, type Runner } from "../failure/runner";
import { recommendExecutorMemory } from "../predict/recommend";
import { checkedNumberOption } from "./options";

/** Options of `spark-at-scale recommend` as commander hands them over. */
export interface RecommendOptions {
  readonly strategy: string;
  readonly buildSize: string;
  readonly skew: string;
  readonly keys: string;
  readonly partitions: string;
  readonly cores: string;
  readonly aqe: string;
  readonly runner: string;
  readonly overheadFactor: string;
  readonly driverMemory?: string;
}

function memory(flag: string, value: string): number {
  const mib = sparkMemoryToMiB(value);
  if (mib === undefined) throw new UsageError(`${flag} ${value}: a memory size such as 512m or 8g`);
  return mib;
}

/** Runs `recommend`: the smallest executor heap the memory model predicts safe. Returns the exit code. */
export function runRecommend(
  options: RecommendOptions,
  print: (line: string) => void = console.log,
): number {
  if (!(JOIN_STRATEGIES as readonly string[]).includes(options.strategy)) {
    throw new UsageError(`--strategy ${options.strategy}: one of ${JOIN_STRATEGIES.join(", ")}`);
  }
  if (options.aqe !== "on" && options.aqe !== "off")
    throw new UsageError(`--aqe ${options.aqe}: on or off`);
  if (!(RUNNERS as readonly string[]).includes(options.runner)) {
    throw new UsageError(`--runner ${options.runner}: ${RUNNERS.join(" or ")}`);
  }
  const buildMiB = memory("--build-size", options.buildSize);
  const recommendation = recommendExecutorMemory({
    strategy: options.strategy as JoinStrategy,
    buildBytes: buildMiB * BYTES_PER_MIB,
    skew: checkedNumberOption("--skew", options.skew, skewValue),
    keys: checkedNumberOption("--keys", options.keys, keysValue),
    partitions: checkedNumberOption("--partitions", options.partitions, partitionsValue),
    executorCores: checkedNumberOption("--cores", options.cores, executorCoresValue),
    aqe: options.aqe === "on",
    runner: options.runner as Runner,
    overheadFactor: checkedNumberOption(
      "--overhead-factor",
      options.overheadFactor,
      memoryOverheadFactorValue,
    ),
    driverMemoryMiB:
      options.driverMemory === undefined
        ? undefined
        : memory("--driver-memory", options.driverMemory),
    // Broadcast cells lift the result-size cap (see cellSparkConf); recommend for the same setting.
    settings:
      options.strategy === "broadcast" || options.strategy === "auto"
        ? { driverMaxResultSizeBytes: 0 }
        : {},
  });
  const what = `${options.strategy} of a ${formatMiB(buildMiB)} build side, skew ${options.skew}, on ${options.runner}`;
  if (!recommendation) {
    print(`no executor heap up to 64 GiB is predicted safe for a ${what}`);
    return 1;
  }
  print(
    `smallest executor memory predicted safe for a ${what}: ${recommendation.executorMemory} ` +
      `(pod ${formatMiB(recommendation.podMemoryMiB)}, margin ${recommendation.margin.toFixed(2)})`,
  );
  print(`binding constraint: ${recommendation.prediction.explanation}`);
  return 0;
}
