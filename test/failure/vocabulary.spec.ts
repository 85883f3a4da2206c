import { expect } from "chai";
import { DECISION_RULE_DESCRIPTIONS, DECISION_RULES } from "../../src/failure/decisionRules";
import {
  FAILURE_CLASS_DESCRIPTIONS,
  FAILURE_CLASSES,
  isFailureClass,
} from "../../src/failure/failureClass";
import { FINAL_STATES, isFinalState } from "../../src/failure/finalState";

describe("failure vocabulary", () => {
  it("has the eleven failure classes, each with a one-line description", () => {
    expect(FAILURE_CLASSES).to.deep.equal([
      "none",
      "executor_container_oom",
      "executor_jvm_oom",
      "spark_memory_oom",
      "driver_oom",
      "broadcast_too_large",
      "task_failures_exhausted",
      "submission_failed",
      "timeout",
      "workload_error",
      "other",
    ]);
    for (const failureClass of FAILURE_CLASSES) {
      const description = FAILURE_CLASS_DESCRIPTIONS[failureClass];
      expect(description, failureClass).to.match(/^[A-Z].*\.$/);
      expect(description, failureClass).to.not.contain("\n");
    }
  });

  it("has the four final states", () => {
    expect(FINAL_STATES).to.deep.equal(["COMPLETED", "FAILED", "SUBMISSION_FAILED", "TIMEOUT"]);
    expect(["COMPLETED", "RUNNING", "TIMEOUT"].filter(isFinalState)).to.deep.equal([
      "COMPLETED",
      "TIMEOUT",
    ]);
  });

  it("tells failure classes from other strings", () => {
    expect(["driver_oom", "oom", "none"].filter(isFailureClass)).to.deep.equal([
      "driver_oom",
      "none",
    ]);
  });

  it("tries the final-state rules first and the fallback last, and describes every rule", () => {
    expect(DECISION_RULES.slice(0, 5)).to.deep.equal([
      "submission-state",
      "submission-error",
      "timeout-state",
      "result-line-missing",
      "completed-state",
    ]);
    expect(DECISION_RULES[DECISION_RULES.length - 1]).to.equal("unrecognised-failure");
    expect(Object.keys(DECISION_RULE_DESCRIPTIONS).sort()).to.deep.equal(
      [...DECISION_RULES].sort(),
    );
  });
});
