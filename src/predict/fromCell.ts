import type { ExperimentConfig } from "../config/experiment";
import type { CellSpec } from "../experiment/cells";
import type { PredictInput, Runner } from "./types";
import { sparkSettingsFromConf } from "./sparkSettings";

/**
 * A planned cell as the predictor's input: its parameters, its sizes, the workload's key and
 * partition counts, and the Spark settings the cell changes (a lifted result-size cap).
 */
export function predictionInput(
  cell: CellSpec,
  experiment: ExperimentConfig,
  runner: Runner,
  options: {
    /** The sizes it runs with, when not its own (the pilot's scaled cells). */
    readonly sizing?: CellSpec["sizing"];
    /** Whether its executors run under an enforced memory limit (always on Kubernetes). */
    readonly memoryLimitsEnforced?: boolean;
  } = {},
): PredictInput {
  return {
    parameters: cell.parameters,
    sizing: options.sizing ?? cell.sizing,
    keys: experiment.fixed.keys,
    partitions: experiment.fixed.partitions,
    runner,
    memoryLimitsEnforced: options.memoryLimitsEnforced ?? runner === "kubernetes",
    settings: sparkSettingsFromConf(cell.sparkConf),
  };
}
