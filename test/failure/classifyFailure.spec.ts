import { expect } from "chai";
import { classifyFailure } from "../../src/failure/classifyFailure";
import type { FailureEvidence } from "../../src/failure/evidence";
import { MAX_EXCERPT_CHARS } from "../../src/failure/excerpt";

/** Evidence of a failed Kubernetes cell with nothing in it; each test adds its signals. */
function failed(overrides: Partial<FailureEvidence> = {}): FailureEvidence {
  return {
    runner: "kubernetes",
    finalState: "FAILED",
    executorTerminations: [],
    events: [],
    driverLog: "",
    ...overrides,
  };
}

const OOM_KILLED_EXECUTOR = {
  podName: "cell-exec-2",
  executorId: "2",
  exitCode: 137,
  reason: "OOMKilled",
};

const TASK_FAILED_4_TIMES =
  "25/11/20 14:09:01 ERROR TaskSetManager: Task 7 in stage 14.0 failed 4 times; aborting job";

const DRIVER_HEAP_OOM_LINE = "java.lang.OutOfMemoryError: Java heap space";

describe("classifyFailure", () => {
  describe("final states decide first", () => {
    it("SUBMISSION_FAILED is submission_failed even with memory signals present", () => {
      const result = classifyFailure(
        failed({
          finalState: "SUBMISSION_FAILED",
          applicationErrorMessage:
            "failed to submit spark application: failed to run spark-submit: boom",
          executorTerminations: [OOM_KILLED_EXECUTOR],
        }),
      );
      expect(result.failureClass).to.equal("submission_failed");
      expect(result.evidence.decidedBy).to.equal("submission-state: SparkApplication errorMessage");
      expect(result.evidence.messageExcerpt).to.equal(
        "failed to submit spark application: failed to run spark-submit: boom",
      );
    });

    it("TIMEOUT is timeout even when an executor was OOMKilled", () => {
      const result = classifyFailure(
        failed({ finalState: "TIMEOUT", executorTerminations: [OOM_KILLED_EXECUTOR] }),
      );
      expect(result.failureClass).to.equal("timeout");
      expect(result.evidence).to.deep.equal({
        exitCodes: [137],
        terminationReasons: ["OOMKilled"],
        messageExcerpt: "finalState=TIMEOUT",
        decidedBy: "timeout-state: final state",
      });
    });

    it("COMPLETED is none, and still records an executor OOM kill Spark recovered from", () => {
      const result = classifyFailure(
        failed({ finalState: "COMPLETED", executorTerminations: [OOM_KILLED_EXECUTOR] }),
      );
      expect(result.failureClass).to.equal("none");
      expect(result.evidence.exitCodes).to.deep.equal([137]);
      expect(result.evidence.terminationReasons).to.deep.equal(["OOMKilled"]);
      expect(result.evidence.decidedBy).to.equal("completed-state: final state");
    });

    it("COMPLETED but the workload reported a failure is classified from the signals", () => {
      const result = classifyFailure(
        failed({
          finalState: "COMPLETED",
          workloadOutcome: "failed",
          workloadError: {
            exceptionClass: "java.lang.OutOfMemoryError",
            message: "Java heap space",
          },
        }),
      );
      expect(result.failureClass).to.equal("driver_oom");
      expect(result.evidence.decidedBy).to.equal("driver-jvm-oom: workload result error");
    });

    it("FAILED without ever getting a driver running is submission_failed", () => {
      const result = classifyFailure(
        failed({ submissionAttempts: 1, executionAttempts: 0, applicationErrorMessage: "" }),
      );
      expect(result.failureClass).to.equal("submission_failed");
      expect(result.evidence.decidedBy).to.equal("submission-error: final state");
    });
  });

  describe("root cause over consequence", () => {
    it("an executor OOMKilled that made a task fail 4 times is executor_container_oom", () => {
      const result = classifyFailure(
        failed({ executorTerminations: [OOM_KILLED_EXECUTOR], driverLog: TASK_FAILED_4_TIMES }),
      );
      expect(result.failureClass).to.equal("executor_container_oom");
      expect(result.evidence.decidedBy).to.equal(
        "executor-container-oom: executor pod cell-exec-2",
      );
      expect(result.evidence.messageExcerpt).to.equal("cell-exec-2: exitCode=137 reason=OOMKilled");
    });

    it("a broadcast over the limit is broadcast_too_large even with a driver OutOfMemoryError", () => {
      const result = classifyFailure(
        failed({
          driverLog: [
            "25/11/20 14:07:10 ERROR Utils: uncaught error in thread spark-listener-group-shared",
            DRIVER_HEAP_OOM_LINE,
          ].join("\n"),
          workloadError: {
            exceptionClass: "org.apache.spark.SparkException",
            message: "Cannot broadcast the table that is larger than 8.0 GiB: 9.1 GiB.",
          },
        }),
      );
      expect(result.failureClass).to.equal("broadcast_too_large");
      expect(result.evidence.messageExcerpt).to.equal(
        "org.apache.spark.SparkException: Cannot broadcast the table that is larger than 8.0 GiB: 9.1 GiB.",
      );
    });

    it("recognises the older 8GB wording and the row limit as broadcast_too_large", () => {
      for (const message of [
        "Cannot broadcast the table that is larger than 8GB: 9 GB",
        "Cannot broadcast the table over 512000000 rows: 612000000 rows.",
      ]) {
        const result = classifyFailure(failed({ driverLog: message }));
        expect(result.failureClass, message).to.equal("broadcast_too_large");
        expect(result.evidence.decidedBy).to.equal("broadcast-limit: driver log");
      }
    });

    it("a driver pod OOMKilled is driver_oom before the executors it took down", () => {
      const result = classifyFailure(
        failed({
          driverTermination: { exitCode: 137, reason: "OOMKilled" },
          executorTerminations: [{ podName: "cell-exec-1", exitCode: 1, reason: "Error" }],
        }),
      );
      expect(result.failureClass).to.equal("driver_oom");
      expect(result.evidence).to.deep.equal({
        exitCodes: [1, 137],
        terminationReasons: ["Error", "OOMKilled"],
        messageExcerpt: "driver: exitCode=137 reason=OOMKilled",
        decidedBy: "driver-container-oom: driver container",
      });
    });

    it("prefers a stated OOMKilled over a bare 137 as the deciding exit", () => {
      const result = classifyFailure(
        failed({
          executorTerminations: [
            { podName: "cell-exec-1", exitCode: 137, reason: "Error" },
            OOM_KILLED_EXECUTOR,
          ],
        }),
      );
      expect(result.evidence.decidedBy).to.equal(
        "executor-container-oom: executor pod cell-exec-2",
      );
    });

    it("a bare exit 137 on Kubernetes is still executor_container_oom", () => {
      const result = classifyFailure(
        failed({
          executorTerminations: [{ podName: "cell-exec-1", exitCode: 137, reason: "Error" }],
        }),
      );
      expect(result.failureClass).to.equal("executor_container_oom");
      expect(result.evidence.messageExcerpt).to.equal("cell-exec-1: exitCode=137 reason=Error");
    });

    it("an executor exit 52 is executor_jvm_oom before a SparkOutOfMemoryError", () => {
      const result = classifyFailure(
        failed({
          executorTerminations: [{ podName: "cell-exec-3", exitCode: 52, reason: "Error" }],
          driverLog:
            "Lost task 1.0 in stage 2.0 (TID 5) (10.8.1.3 executor 1): org.apache.spark.memory.SparkOutOfMemoryError: [UNABLE_TO_ACQUIRE_MEMORY] Unable to acquire 65536 bytes of memory, got 0. SQLSTATE: 53200",
        }),
      );
      expect(result.failureClass).to.equal("executor_jvm_oom");
      expect(result.evidence.decidedBy).to.equal("executor-jvm-oom-exit: executor pod cell-exec-3");
    });
  });

  describe("where an OutOfMemoryError happened", () => {
    it("on a task's failure line it is the executor's", () => {
      const line =
        "25/11/20 14:05:12 WARN TaskSetManager: Lost task 3.0 in stage 14.0 (TID 21) (10.8.1.21 executor 1): java.lang.OutOfMemoryError: Java heap space";
      const result = classifyFailure(failed({ driverLog: `${line}\n${TASK_FAILED_4_TIMES}` }));
      expect(result.failureClass).to.equal("executor_jvm_oom");
      expect(result.evidence.decidedBy).to.equal("executor-jvm-oom-task: driver log");
      expect(result.evidence.messageExcerpt).to.equal(line);
    });

    it("anywhere else it is the driver's", () => {
      const result = classifyFailure(
        failed({
          driverLog: `ERROR Utils: uncaught error in thread task-result-getter-2\n${DRIVER_HEAP_OOM_LINE}`,
        }),
      );
      expect(result.failureClass).to.equal("driver_oom");
      expect(result.evidence.messageExcerpt).to.equal(DRIVER_HEAP_OOM_LINE);
    });

    it("in an executor's own termination message it is the executor's", () => {
      const result = classifyFailure(
        failed({
          executorTerminations: [
            { podName: "cell-exec-4", exitCode: 1, reason: "Error", message: DRIVER_HEAP_OOM_LINE },
          ],
        }),
      );
      expect(result.failureClass).to.equal("executor_jvm_oom");
      expect(result.evidence.decidedBy).to.equal(
        "executor-jvm-oom-task: executor cell-exec-4 termination message",
      );
    });

    it("in an Event it is not taken for the driver's", () => {
      const result = classifyFailure(
        failed({
          events: [
            {
              reason: "SparkExecutorFailed",
              message: `Executor cell-exec-4 failed with ExitCode: 1, Reason: Error, Pod Message: ${DRIVER_HEAP_OOM_LINE}`,
              object: "SparkApplication/cell",
            },
          ],
        }),
      );
      expect(result.failureClass).to.equal("other");
    });

    it("Spark's own SparkOutOfMemoryError is spark_memory_oom, not a JVM OOM", () => {
      const result = classifyFailure(
        failed({
          driverLog:
            "Lost task 11.3 in stage 14.0 (TID 52) (10.8.2.22 executor 2): org.apache.spark.memory.SparkOutOfMemoryError: [UNABLE_TO_ACQUIRE_MEMORY] Unable to acquire 268435456 bytes of memory, got 117440512. SQLSTATE: 53200",
        }),
      );
      expect(result.failureClass).to.equal("spark_memory_oom");
    });

    it("a hash relation that cannot get its memory is spark_memory_oom", () => {
      const result = classifyFailure(
        failed({
          workloadError: {
            exceptionClass: "org.apache.spark.SparkException",
            message:
              "Can't acquire 134217728 bytes memory to build hash relation, got 66007422 bytes.",
          },
        }),
      );
      expect(result.failureClass).to.equal("spark_memory_oom");
      expect(result.evidence.decidedBy).to.equal("spark-memory-oom: workload result error");
    });
  });

  describe("runner", () => {
    it("never concludes a container OOM on local-cluster, where executors have no memory limit", () => {
      const result = classifyFailure(
        failed({
          runner: "local-cluster",
          driverLog: [
            "26/11/23 20:40:01 ERROR TaskSchedulerImpl: Lost executor 4 on 192.0.2.2: Command exited with code 137",
            TASK_FAILED_4_TIMES,
          ].join("\n"),
        }),
      );
      expect(result.failureClass).to.equal("task_failures_exhausted");
      expect(result.evidence.exitCodes).to.deep.equal([137]);
      expect(result.evidence.decidedBy).to.equal("task-failures-exhausted: spark-submit output");
    });
  });

  describe("what is left", () => {
    it("task failures with no memory signature are task_failures_exhausted", () => {
      const result = classifyFailure(failed({ driverLog: TASK_FAILED_4_TIMES }));
      expect(result.failureClass).to.equal("task_failures_exhausted");
      expect(result.evidence.messageExcerpt).to.equal(TASK_FAILED_4_TIMES);
    });

    it("a failure with no recognised signal is other, with the telling line kept", () => {
      const result = classifyFailure(
        failed({
          driverLog: "INFO SparkContext: Running Spark version 4.0.4\nERROR Something: went wrong",
        }),
      );
      expect(result.failureClass).to.equal("other");
      expect(result.evidence.decidedBy).to.equal("unrecognised-failure: driver log");
      expect(result.evidence.messageExcerpt).to.equal("ERROR Something: went wrong");
    });

    it("a failure with no evidence at all is other, decided by the final state", () => {
      const result = classifyFailure(failed());
      expect(result).to.deep.equal({
        failureClass: "other",
        evidence: {
          exitCodes: [],
          terminationReasons: [],
          messageExcerpt: "finalState=FAILED",
          decidedBy: "unrecognised-failure: final state",
        },
      });
    });
  });

  it("keeps the excerpt within MAX_EXCERPT_CHARS around the deciding words", () => {
    const padding = "x".repeat(3000);
    const result = classifyFailure(
      failed({
        driverLog: `${padding} Cannot broadcast the table that is larger than 8.0 GiB: 9.1 GiB. ${padding}`,
      }),
    );
    expect(result.evidence.messageExcerpt.length).to.be.at.most(MAX_EXCERPT_CHARS);
    expect(result.evidence.messageExcerpt).to.contain(
      "Cannot broadcast the table that is larger than 8.0 GiB: 9.1 GiB.",
    );
  });
});
