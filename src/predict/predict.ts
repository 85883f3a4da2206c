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

/** Every constraint of the cell's strategy, in the order the job meets them. */
export function constraintChecks(
  input: PredictInput,
  calibration: Calibration = DEFAULT_CALIBRATION,
): ConstraintCheck[] {
  const quantities = cellQuantities(input);
  const numbers: ConstraintNumbers[] = [];
  // A pod over its limit is killed whenever it gets there; the native part is there from the
  // start, so this is checked first. local-cluster executors have a limit only when the pilot
  // put them in memory cgroups (heap + overhead, like the pod).
  if (memoryLimited(input)) {
    numbers.push(containerLimit(input, quantities, calibration));
  }
  if (quantities.strategy === "broadcast") {
    numbers.push(...broadcastChecks(input, quantities, calibration));
  } else if (quantities.strategy === "shuffle_hash") {
    numbers.push(...shuffledHashChecks(input, quantities));
  } else {
    numbers.push(...sortMergeChecks(input, quantities, calibration));
  }
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
