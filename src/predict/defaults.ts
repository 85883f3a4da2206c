/** The Spark settings and calibration a prediction uses unless it is given others. */
import { SPARK_DEFAULT_TASK_MAX_FAILURES } from "../experiment/cellSpecs";
import {
  DEFAULT_DRIVER_BUILD_FACTOR,
  DEFAULT_EXECUTOR_HEAP_BASELINE_MIB,
  DRIVER_MAX_RESULT_SIZE_BYTES,
  MEMORY_FRACTION,
} from "./constants";
import { DEFAULT_AQE_SETTINGS } from "./shuffleTasks";
import type { Calibration, SparkSettings } from "./types";

export const DEFAULT_SPARK_SETTINGS: SparkSettings = {
  ...DEFAULT_AQE_SETTINGS,
  memoryFraction: MEMORY_FRACTION,
  driverMaxResultSizeBytes: DRIVER_MAX_RESULT_SIZE_BYTES,
  taskMaxFailures: SPARK_DEFAULT_TASK_MAX_FAILURES,
};

export const DEFAULT_CALIBRATION: Calibration = {
  driverBuildFactor: DEFAULT_DRIVER_BUILD_FACTOR,
  executorHeapBaselineMiB: DEFAULT_EXECUTOR_HEAP_BASELINE_MIB,
};
