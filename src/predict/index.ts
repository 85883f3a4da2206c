export { accuracy } from "./accuracy";
export type { AccuracyReport, WrongPrediction } from "./accuracy";
export { calibrate, fitFactor, leaveOneOut } from "./calibrate";
export type { Bound, CalibrateOptions, CalibrationFit, HeldOutPrediction } from "./calibrate";
export * as constants from "./constants";
export { generalizedHarmonic, keyDistribution, topKeyShare } from "./keyDistribution";
export type { KeyDistribution } from "./keyDistribution";
export { hashLong, partitionOf, pmod } from "./murmur3";
export {
  constraintChecks,
  DEFAULT_CALIBRATION,
  DEFAULT_SPARK_SETTINGS,
  marginOf,
  predict,
} from "./predict";
export type {
  Calibration,
  ConstraintCheck,
  ConstraintId,
  PredictInput,
  Prediction,
  Runner,
  SparkSettings,
} from "./types";
export { inputFromRecord, observedOutcome } from "./records";
export type { RecordFallback } from "./records";
export { recommendExecutorMemory, defaultHeapCandidatesMiB } from "./recommend";
export type { Recommendation, RecommendInput } from "./recommend";
export {
  broadcastRelation,
  collectedRowBytes,
  compressedRowBytes,
  pageCapacityBytes,
  rowBytesFor,
  shuffledHashRelationPeak,
} from "./relation";
export type { BroadcastRelation, PayloadKind, ShuffledRelationPeak } from "./relation";
export { shufflePlan, sparkMedian, splitSizeListByTargetSize } from "./shuffleTasks";
export type { AqeSettings, ShufflePlan, ShuffleTask } from "./shuffleTasks";
