export { classifyFailure } from "./classifyFailure";
export { DECISION_RULE_DESCRIPTIONS, DECISION_RULES } from "./decisionRules";
export type { DecisionRule } from "./decisionRules";
export type {
  Classification,
  ClusterEvent,
  ContainerTermination,
  EvidenceSummary,
  ExecutorTermination,
  FailureEvidence,
  WorkloadError,
  WorkloadOutcome,
} from "./evidence";
export { MAX_EXCERPT_CHARS } from "./excerpt";
export { FAILURE_CLASS_DESCRIPTIONS, FAILURE_CLASSES, isFailureClass } from "./failureClass";
export type { FailureClass } from "./failureClass";
export { FINAL_STATES, isFinalState } from "./finalState";
export { RUNNERS } from "./runner";
export type { Runner } from "./runner";
export type { FinalState } from "./finalState";
export { evidenceFromKubernetes } from "./kubernetesEvidence";
export type { KubernetesCellObjects } from "./kubernetesEvidence";
export { evidenceFromLocalRun } from "./localRunEvidence";
export type { LocalRun } from "./localRunEvidence";
export {
  findWorkloadResult,
  parseWorkloadResultLine,
  RESULT_LINE_MARKER,
  WorkloadResultParseError,
} from "./workloadResult";
export type { WorkloadResult } from "./workloadResult";
