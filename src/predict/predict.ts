/**
 * Predicts, from Spark's memory model alone, whether a join cell will fail and why — before it
 * runs. The model's equations are in src/predict/README.md; every constant is in constants.ts
 * with its source.
 *
 * A prediction evaluates the constraints the cell's strategy meets, in the order the job meets
 * them. The first one whose demand exceeds its capacity decides the failure class; when none
 * does, the cell is predicted to succeed and the tightest one is reported. Each constraint's
 * margin is log2(capacity / demand): +1 = twice the room needed, 0 = exactly at the boundary
 * (still predicted to succeed), -1 = needs twice what there is.
 *
 * The numbers of each constraint come from one module per mechanism (containerLimit.ts,
 * broadcastChecks.ts, shuffledHashChecks.ts, sortMergeChecks.ts); explain.ts puts them in words.
 */
import { broadcastChecks } from "./broadcastChecks";
import { cellQuantities, memoryLimited } from "./cellQuantities";
import { CONSTRAINTS, marginOf } from "./constraints";
import { containerLimit } from "./containerLimit";
import { DEFAULT_CALIBRATION, DEFAULT_SPARK_SETTINGS } from "./defaults";
import { constraintDetail, predictionExplanation, type ConstraintNumbers } from "./explain";
import { replacementOutlook, replacementWords } from "./replacement";
import { shuffledHashChecks } from "./shuffledHashChecks";
import { sortMergeChecks } from "./sortMergeChecks";
import type { Calibration, ConstraintCheck, PredictInput, Prediction } from "./types";

export { marginOf } from "./constraints";
export { DEFAULT_CALIBRATION, DEFAULT_SPARK_SETTINGS } from "./defaults";

/** A constraint's numbers evaluated: its margin, what it is (CONSTRAINTS) and its words. */
function evaluated(numbers: ConstraintNumbers): ConstraintCheck {
  return {
    id: numbers.id,
    ...CONSTRAINTS[numbers.id],
    demand: numbers.demand,
    capacity: numbers.capacity,
    margin: marginOf(numbers.capacity, numbers.demand),
    detail: constraintDetail(numbers),
  };
}

/**
 * Where the pod's limit falls among a strategy's checks. A broadcast's executors fill their heap
 * when they rebuild the relation, after the driver has built it: a driver that cannot build it
 * fails the cell first (a 0.8 x heap broadcast with a 96 MiB overhead on the local cluster:
 * `broadcast_too_large`, not a killed pod). A shuffled hash task is refused its page before the
 * pool, and so the heap, is full. A sort-merge join's sorts fill the pool at once.
 */
function containerCheckPosition(checks: readonly ConstraintNumbers[]): number {
  const rebuild = checks.findIndex((c) => c.id === "executor_broadcast_heap");
  if (rebuild >= 0) return rebuild;
  const task = checks.findIndex((c) => c.id === "shj_task_memory");
  return task >= 0 ? task + 1 : 0;
}

/** Every constraint of the cell's strategy, in the order the job meets them. */
export function constraintChecks(
  input: PredictInput,
  calibration: Calibration = DEFAULT_CALIBRATION,
): ConstraintCheck[] {
  const quantities = cellQuantities(input);
  const strategyChecks: ConstraintNumbers[] =
    quantities.strategy === "broadcast"
      ? broadcastChecks(input, quantities, calibration)
      : quantities.strategy === "shuffle_hash"
        ? shuffledHashChecks(input, quantities)
        : sortMergeChecks(input, quantities, calibration);
  if (!memoryLimited(input)) return strategyChecks.map(evaluated);
  // local-cluster executors have a limit only when the pilot put them in memory cgroups (heap +
  // overhead, like the pod). The pod is killed when its heap in use peaks, so the limit is met
  // where that happens (containerCheckPosition).
  const numbers = [...strategyChecks];
  numbers.splice(
    containerCheckPosition(strategyChecks),
    0,
    containerLimit(input, quantities, calibration),
  );
  return numbers.map(evaluated);
}

/** Predicts the cell's outcome; `calibration` defaults to the documented constants. */
export function predict(
  input: PredictInput,
  calibration: Calibration = DEFAULT_CALIBRATION,
): Prediction {
  const checks = constraintChecks(input, calibration);
  const failing = checks.find((c) => c.demand > c.capacity);
  const binding = failing ?? checks.reduce((a, b) => (b.margin < a.margin ? b : a));
  const failureClass = failing ? failing.failureClass : "none";
  const { taskMaxFailures } = { ...DEFAULT_SPARK_SETTINGS, ...input.settings };
  const replacement = replacementOutlook(failing, taskMaxFailures);
  const explanation = predictionExplanation(input, failing, binding);
  return {
    outcome: failing ? "failed" : "succeeded",
    failureClass,
    margin: binding.margin,
    bindingConstraint: binding.id,
    replacement,
    explanation:
      failing && replacement
        ? `${explanation}; ${replacementWords(replacement, failing.failureClass, taskMaxFailures)}`
        : explanation,
    checks,
    calibration: {
      driverBuildFactor: calibration.driverBuildFactor,
      executorHeapBaselineMiB: calibration.executorHeapBaselineMiB,
    },
  };
}
