export {
  applicationStateOf,
  isTerminalState,
  TERMINAL_APPLICATION_STATES,
} from "./applicationState";
export type { TerminalApplicationState } from "./applicationState";
export { cellPodLabelSelector, eventsAboutFieldSelector } from "./cellSelectors";
export { SparkApplicationNotFoundError } from "./errors";
export { sparkApplicationSchema } from "./kubernetesObjects";
export type { SparkApplication } from "./kubernetesObjects";
export {
  applicationStateReader,
  DEFAULT_DRIVER_LOG_TAIL_LINES,
  readCellEvidence,
  readSparkApplication,
} from "./readCellEvidence";
export type { CellObjects, ReadCellOptions } from "./readCellEvidence";
export {
  POD_LABELS,
  SPARK_APPLICATION_RESOURCE,
  SPARK_CONTAINERS,
  SPARK_ROLES,
} from "./sparkOperatorApi";
export { waitForTerminalState } from "./waitForTerminalState";
export type { ApplicationStateReader, WaitOptions, WaitResult } from "./waitForTerminalState";
