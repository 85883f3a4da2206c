import type { ExperimentConfig } from "../config/experiment";
import type { CellSpec } from "../experiment/cells";
import type { PredictInput, Runner } from "./predict";

/**
 * A planned cell as the predictor's input: its parameters, its sizes, the workload's key and
 * partition counts, and the Spark settings the cell changes (a lifted result-size cap).
 */
export function predictionInput(
  cell: CellSpec,
  experiment: ExperimentConfig,
  runner: Runner,
): PredictInput {
  const maxResultSize = cell.sparkConf["spark.driver.maxResultSize"];
  return {
    parameters: cell.parameters,
    sizing: cell.sizing,
    keys: experiment.fixed.keys,
    partitions: experiment.fixed.partitions,
    runner,
    settings: maxResultSize === "0" ? { driverMaxResultSizeBytes: 0 } : {},
  };
}
