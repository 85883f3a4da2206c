import { expect } from "chai";
import { classifyFailure } from "../../src/failure/classifyFailure";
import type { FailureClass } from "../../src/failure/failureClass";
import type { FinalState } from "../../src/failure/finalState";
import { evidenceFromLocalRun, type LocalRun } from "../../src/failure/localRunEvidence";
import { WorkloadResultParseError } from "../../src/failure/workloadResult";
import { loadLocalFixture } from "./localFixtures";

/** What each recorded local-cluster run must classify as, and the evidence that must decide it. */
interface Expected {
  readonly fixture: string;
  readonly finalState: FinalState;
  readonly failureClass: FailureClass;
  readonly decidedBy: string;
  readonly exitCodes: readonly number[];
  readonly messageExcerpt: string;
}

const EXPECTED: readonly Expected[] = [
  {
    fixture: "completed",
    finalState: "COMPLETED",
    failureClass: "none",
    decidedBy: "completed-state: final state",
    exitCodes: [],
    messageExcerpt: "finalState=COMPLETED",
  },
  {
    // Executors died of heap exhaustion (exit 52) and the job ended on a stage that ran out of
    // attempts after losing their shuffle output: the workload's error names only the latter.
    fixture: "executor-jvm-oom",
    finalState: "FAILED",
    failureClass: "executor_jvm_oom",
    decidedBy: "executor-jvm-oom-exit: spark-submit output",
    exitCodes: [1, 52],
    messageExcerpt:
      "26/11/23 20:38:58 INFO Worker: Executor app-20261123203731-0000/0 finished with state EXITED message Command exited with code 52 exitStatus 52",
  },
  {
    // The log also says "Task 3 in stage 24.0 failed 4 times": the memory refusal is the cause.
    fixture: "spark-memory-oom",
    finalState: "FAILED",
    failureClass: "spark_memory_oom",
    decidedBy: "spark-memory-oom: workload result error",
    exitCodes: [1],
    messageExcerpt:
      "org.apache.spark.SparkException: Can't acquire 134217728 bytes memory to build hash relation, got 66007422 bytes.",
  },
  {
    // The workload saw only "unread block data"; the driver's log shows the heap ran out first.
    fixture: "driver-oom",
    finalState: "FAILED",
    failureClass: "driver_oom",
    decidedBy: "driver-jvm-oom: spark-submit output",
    exitCodes: [1],
    messageExcerpt: "java.lang.OutOfMemoryError: Java heap space",
  },
  {
    // A broadcast of 1.5 x a 768m heap collected by a 2g driver: no OutOfMemoryError in any log,
    // only the task result the driver could not read back. The driver's heap is what ran out
    // (test/fixtures/failure/README.md): classified driver_oom, not other.
    fixture: "driver-oom-task-result",
    finalState: "FAILED",
    failureClass: "driver_oom",
    decidedBy: "driver-result-unreadable: workload result error",
    exitCodes: [1],
    messageExcerpt:
      "org.apache.spark.SparkException: Job aborted due to stage failure: Exception while getting task result: java.lang.IllegalStateException: unread block data",
  },
  {
    fixture: "task-failures-exhausted",
    finalState: "FAILED",
    failureClass: "task_failures_exhausted",
    decidedBy: "task-failures-exhausted: spark-submit output",
    exitCodes: [1],
    messageExcerpt:
      "26/11/23 20:43:41 ERROR TaskSetManager: Task 1 in stage 0.0 failed 4 times; aborting job",
  },
  {
    fixture: "submission-failed",
    finalState: "SUBMISSION_FAILED",
    failureClass: "submission_failed",
    decidedBy: "submission-state: spark-submit output",
    exitCodes: [2],
    messageExcerpt:
      "join_workload.py: error: argument --strategy: invalid choice: 'hash' (choose from 'broadcast', 'shuffle_hash', 'sort_merge', 'auto')",
  },
  {
    fixture: "timeout",
    finalState: "TIMEOUT",
    failureClass: "timeout",
    decidedBy: "timeout-state: final state",
    exitCodes: [],
    messageExcerpt: "finalState=TIMEOUT",
  },
  {
    // A table path that does not exist is the job's own error, not its memory's.
    fixture: "other",
    finalState: "FAILED",
    failureClass: "workload_error",
    decidedBy: "workload-error: workload result error",
    exitCodes: [1],
    messageExcerpt:
      "org.apache.spark.sql.AnalysisException: [PATH_NOT_FOUND] Path does not exist: file:/tmp/scratch/no-such-table. SQLSTATE: 42K03",
  },
];

const RESULT = (fields: string) => `SPARK_AT_SCALE_RESULT {${fields}}`;

function run(overrides: Partial<LocalRun>): LocalRun {
  return { exitCode: 1, timedOut: false, stdout: "", stderr: "", ...overrides };
}

describe("evidenceFromLocalRun + classifyFailure on recorded local-cluster runs", () => {
  for (const expected of EXPECTED) {
    it(`${expected.fixture} is ${expected.failureClass}`, () => {
      const evidence = evidenceFromLocalRun(loadLocalFixture(expected.fixture));
      expect(evidence.finalState).to.equal(expected.finalState);
      const result = classifyFailure(evidence);
      expect(result.failureClass).to.equal(expected.failureClass);
      expect(result.evidence).to.deep.equal({
        exitCodes: expected.exitCodes,
        terminationReasons: [],
        messageExcerpt: expected.messageExcerpt,
        decidedBy: expected.decidedBy,
      });
    });
  }

  it("reads the workload's verdict and error, and keeps the result line out of the log", () => {
    const evidence = evidenceFromLocalRun(loadLocalFixture("spark-memory-oom"));
    expect(evidence.runner).to.equal("local-cluster");
    expect(evidence.workloadOutcome).to.equal("failed");
    expect(evidence.workloadError?.exceptionClass).to.equal("org.apache.spark.SparkException");
    expect(evidence.driverTermination).to.deep.equal({ exitCode: 1 });
    expect(evidence.driverLog).to.contain(
      "ERROR TaskSetManager: Task 3 in stage 24.0 failed 4 times",
    );
    expect(evidence.driverLog).to.not.contain("SPARK_AT_SCALE_RESULT");
    expect(evidence.executorTerminations).to.deep.equal([]);
    expect(evidence.events).to.deep.equal([]);
  });

  describe("final state", () => {
    it("is SUBMISSION_FAILED when the workload reports that no Spark session started", () => {
      const evidence = evidenceFromLocalRun(
        run({
          stdout: RESULT(
            '"sparkVersion":null,"outcome":"failed","error":{"exceptionClass":"pyspark.errors.exceptions.base.PySparkRuntimeError","message":"[JAVA_GATEWAY_EXITED] Java gateway process exited before sending its port number."}',
          ),
        }),
      );
      expect(evidence.finalState).to.equal("SUBMISSION_FAILED");
      expect(classifyFailure(evidence).evidence).to.deep.include({
        decidedBy: "submission-state: workload result error",
        messageExcerpt:
          "pyspark.errors.exceptions.base.PySparkRuntimeError: [JAVA_GATEWAY_EXITED] Java gateway process exited before sending its port number.",
      });
    });

    it("is FAILED when the process exited 0 but the workload reported a failure", () => {
      const evidence = evidenceFromLocalRun(
        run({
          exitCode: 0,
          stdout: RESULT(
            '"sparkVersion":"4.0.4","outcome":"failed","error":{"exceptionClass":"java.lang.OutOfMemoryError","message":"Java heap space"}',
          ),
        }),
      );
      expect(evidence.finalState).to.equal("FAILED");
      expect(classifyFailure(evidence).failureClass).to.equal("driver_oom");
    });

    it("is FAILED when a signal ended a run that had started Spark and printed nothing", () => {
      const evidence = evidenceFromLocalRun(
        run({
          exitCode: null,
          stderr: "26/11/23 20:46:01 INFO SparkContext: Running Spark version 4.0.4",
        }),
      );
      expect(evidence.finalState).to.equal("FAILED");
      expect(evidence.driverTermination).to.equal(undefined);
    });

    it("is TIMEOUT when the pilot killed it, whatever it printed", () => {
      const evidence = evidenceFromLocalRun(
        run({ exitCode: 0, timedOut: true, stdout: RESULT('"outcome":"succeeded","error":null') }),
      );
      expect(evidence.finalState).to.equal("TIMEOUT");
    });
  });

  it("fails clearly on a malformed result line", () => {
    expect(() => evidenceFromLocalRun(run({ stdout: RESULT('"outcome":"exploded"') }))).to.throw(
      WorkloadResultParseError,
      /malformed SPARK_AT_SCALE_RESULT line/,
    );
  });
});
