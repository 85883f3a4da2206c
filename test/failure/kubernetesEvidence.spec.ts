import { expect } from "chai";
import { classifyFailure } from "../../src/failure/classifyFailure";
import type { EvidenceSummary } from "../../src/failure/evidence";
import type { FailureClass } from "../../src/failure/failureClass";
import { evidenceFromKubernetes } from "../../src/failure/kubernetesEvidence";
import { loadKubernetesFixture } from "./kubernetesFixtures";

/** What each Kubernetes fixture must classify as, and the evidence that must decide it. */
interface Expected {
  readonly fixture: string;
  readonly failureClass: FailureClass;
  readonly decidedBy: string;
  readonly exitCodes: readonly number[];
  readonly terminationReasons: readonly string[];
  /** Words the deciding excerpt must contain. */
  readonly excerptContains: string;
  readonly timedOut?: boolean;
}

// Executor pod names carry Spark's random prefix; the fixtures were built with these.
const EXEC_0002 = "cell-0002-91bfd5996a965800-exec";
const EXEC_0003 = "cell-0003-10817656c9c85fa2-exec";

const EXPECTED: readonly Expected[] = [
  {
    fixture: "completed",
    failureClass: "none",
    decidedBy: "completed-state: final state",
    exitCodes: [],
    terminationReasons: [],
    excerptContains: "finalState=COMPLETED",
  },
  {
    fixture: "executor-container-oom",
    failureClass: "executor_container_oom",
    decidedBy: `executor-container-oom: executor pod ${EXEC_0002}-1`,
    exitCodes: [1, 137],
    terminationReasons: ["Error", "OOMKilled"],
    excerptContains: `${EXEC_0002}-1: exitCode=137 reason=OOMKilled`,
  },
  {
    fixture: "executor-jvm-oom",
    failureClass: "executor_jvm_oom",
    decidedBy: `executor-jvm-oom-exit: executor pod ${EXEC_0003}-1`,
    exitCodes: [1, 52],
    terminationReasons: ["Error"],
    excerptContains: `${EXEC_0003}-1: exitCode=52 reason=Error`,
  },
  {
    fixture: "spark-memory-oom",
    failureClass: "spark_memory_oom",
    decidedBy: "spark-memory-oom: workload result error",
    exitCodes: [1],
    terminationReasons: ["Error"],
    excerptContains:
      "org.apache.spark.memory.SparkOutOfMemoryError: [UNABLE_TO_ACQUIRE_MEMORY] Unable to acquire 268435456 bytes of memory, got 117440512.",
  },
  {
    fixture: "driver-oomkilled",
    failureClass: "driver_oom",
    decidedBy: "driver-container-oom: driver container",
    exitCodes: [1, 137],
    terminationReasons: ["Error", "OOMKilled"],
    excerptContains: "driver: exitCode=137 reason=OOMKilled",
  },
  {
    fixture: "driver-heap-oom",
    failureClass: "driver_oom",
    decidedBy: "driver-jvm-oom: workload result error",
    exitCodes: [1],
    terminationReasons: ["Error"],
    excerptContains: "java.lang.OutOfMemoryError: Java heap space",
  },
  {
    fixture: "broadcast-over-limit",
    failureClass: "broadcast_too_large",
    decidedBy: "broadcast-limit: workload result error",
    exitCodes: [1],
    terminationReasons: ["Error"],
    excerptContains: "Cannot broadcast the table that is larger than 8.0 GiB: 9.1 GiB.",
  },
  {
    fixture: "broadcast-not-enough-memory",
    failureClass: "broadcast_too_large",
    decidedBy: "broadcast-limit: workload result error",
    exitCodes: [1],
    terminationReasons: ["Error"],
    excerptContains: "Not enough memory to build and broadcast the table to all worker nodes.",
  },
  {
    fixture: "task-failures-exhausted",
    failureClass: "task_failures_exhausted",
    decidedBy: "task-failures-exhausted: workload result error",
    exitCodes: [1],
    terminationReasons: ["Error"],
    excerptContains:
      "Task 12 in stage 4.0 failed 4 times, most recent failure: Lost task 12.3 in stage 4.0 (TID 52) (10.8.2.22 executor 2): java.io.IOException: No space left on device",
  },
  {
    fixture: "submission-failed",
    failureClass: "submission_failed",
    decidedBy: "submission-error: SparkApplication errorMessage",
    exitCodes: [],
    terminationReasons: [],
    excerptContains:
      'failed to submit spark application: failed to run spark-submit: Exception in thread "main" io.fabric8.kubernetes.client.KubernetesClientException',
  },
  {
    fixture: "timeout",
    failureClass: "timeout",
    decidedBy: "timeout-state: final state",
    exitCodes: [],
    terminationReasons: [],
    excerptContains: "finalState=TIMEOUT",
    timedOut: true,
  },
  {
    fixture: "other",
    failureClass: "other",
    decidedBy: "unrecognised-failure: workload result error",
    exitCodes: [1],
    terminationReasons: ["Error"],
    excerptContains:
      "Total size of serialized results of 19 tasks (1043.7 MiB) is bigger than spark.driver.maxResultSize (1024.0 MiB)",
  },
];

function classifyFixture(name: string, timedOut = false) {
  return classifyFailure(evidenceFromKubernetes({ ...loadKubernetesFixture(name), timedOut }));
}

function expectSummary(actual: EvidenceSummary, expected: Expected): void {
  expect(actual.decidedBy).to.equal(expected.decidedBy);
  expect(actual.exitCodes).to.deep.equal(expected.exitCodes);
  expect(actual.terminationReasons).to.deep.equal(expected.terminationReasons);
  expect(actual.messageExcerpt).to.contain(expected.excerptContains);
  expect(actual.messageExcerpt.length).to.be.at.most(500);
}

describe("evidenceFromKubernetes + classifyFailure on operator-shaped fixtures", () => {
  for (const expected of EXPECTED) {
    it(`${expected.fixture} is ${expected.failureClass}`, () => {
      const result = classifyFixture(expected.fixture, expected.timedOut);
      expect(result.failureClass).to.equal(expected.failureClass);
      expectSummary(result.evidence, expected);
    });
  }

  describe("executor exit reasons when the executor pods are gone", () => {
    const fixture = loadKubernetesFixture("executor-container-oom");

    it("come from the operator's SparkExecutorFailed events", () => {
      const result = classifyFailure(evidenceFromKubernetes({ ...fixture, pods: [] }));
      expect(result.failureClass).to.equal("executor_container_oom");
      expect(result.evidence.decidedBy).to.equal(
        "executor-container-oom: event SparkExecutorFailed on SparkApplication/cell-0002",
      );
      expect(result.evidence.messageExcerpt).to.equal(
        `Executor ${EXEC_0002}-1 failed with ExitCode: 137, Reason: OOMKilled, Pod Message:`,
      );
    });

    it("and without events, from the driver log's lost-executor report", () => {
      const result = classifyFailure(evidenceFromKubernetes({ ...fixture, pods: [], events: [] }));
      expect(result.failureClass).to.equal("executor_container_oom");
      expect(result.evidence.decidedBy).to.equal("executor-container-oom: driver log");
      expect(result.evidence.messageExcerpt).to.equal(
        "The executor with id 1 exited with exit code 137(SIGKILL, possible container OOM). | termination reason: OOMKilled",
      );
      // "Error" is the driver's, from the operator's errorMessage.
      expect(result.evidence.terminationReasons).to.deep.equal(["Error", "OOMKilled"]);
    });
  });

  it("takes the driver's exit from the operator's errorMessage once the driver pod is gone", () => {
    const fixture = loadKubernetesFixture("driver-oomkilled");
    const evidence = evidenceFromKubernetes({ ...fixture, pods: [] });
    expect(evidence.driverTermination).to.deep.equal({ exitCode: 137, reason: "OOMKilled" });
    expect(classifyFailure(evidence).failureClass).to.equal("driver_oom");
  });

  it("reads the status, pods, events and result line into evidence", () => {
    const evidence = evidenceFromKubernetes(loadKubernetesFixture("executor-container-oom"));
    expect(evidence.runner).to.equal("kubernetes");
    expect(evidence.finalState).to.equal("FAILED");
    expect(evidence.applicationErrorMessage).to.equal(
      "driver container failed with ExitCode: 1, Reason: Error",
    );
    expect(evidence.submissionAttempts).to.equal(1);
    expect(evidence.executionAttempts).to.equal(1);
    expect(evidence.failedExecutorCount).to.equal(4);
    expect(evidence.driverTermination).to.deep.equal({
      exitCode: 1,
      reason: "Error",
      message: undefined,
    });
    expect(
      evidence.executorTerminations.map((t) => [t.executorId, t.exitCode, t.reason]),
    ).to.deep.equal([
      ["1", 137, "OOMKilled"],
      ["2", 0, "Completed"],
      ["3", 137, "OOMKilled"],
      ["4", 137, "OOMKilled"],
      ["5", 137, "OOMKilled"],
      ["6", 0, "Completed"],
    ]);
    expect(evidence.events.filter((e) => e.reason === "SparkExecutorFailed")).to.have.length(4);
    expect(evidence.workloadOutcome).to.equal("failed");
    expect(evidence.workloadError?.exceptionClass).to.equal("org.apache.spark.SparkException");
  });

  it("counts a submission that never ran: executionAttempts omitted by the operator means 0", () => {
    const evidence = evidenceFromKubernetes(loadKubernetesFixture("submission-failed"));
    expect(evidence.submissionAttempts).to.equal(1);
    expect(evidence.executionAttempts).to.equal(0);
    expect(evidence.driverTermination).to.equal(undefined);
    expect(evidence.driverLog).to.equal("");
  });

  it("refuses an application that has not ended and whose deadline has not passed", () => {
    expect(() => evidenceFromKubernetes(loadKubernetesFixture("timeout"))).to.throw(
      'SparkApplication spark-apps/cell-0011 is in state "RUNNING", not a final one',
    );
  });

  it("refuses an object that is not a SparkApplication, naming what is wrong", () => {
    const { pods, events } = loadKubernetesFixture("completed");
    expect(() => evidenceFromKubernetes({ app: pods[0], pods, events })).to.throw(
      /not a SparkApplication: .*apiVersion/,
    );
  });
});
