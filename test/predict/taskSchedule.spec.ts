import { expect } from "chai";
import { predict } from "../../src/predict/predict";
import type { PredictInput } from "../../src/predict/types";
import { sparkSettingsFromConf } from "../../src/predict/sparkSettings";
import { tasksSharingExecutor } from "../../src/predict/taskSchedule";
import { cell, MIB } from "./helpers";

describe("predict: tasks sharing an executor's execution pool", () => {
  // Spark 4.0 ExecutionMemoryPool.acquireMemory: maxMemoryPerTask = maxPoolSize / numActiveTasks,
  // numActiveTasks = memoryForTask.keys.size (the tasks holding memory in this executor's pool),
  // and TaskSchedulerImpl.resourceOffers hands out one task per executor per round.

  it("deals a stage that fits the cores one task per executor in turn", () => {
    expect(tasksSharingExecutor(2, 2, 2)).to.deep.equal([1, 1]);
    expect(tasksSharingExecutor(3, 2, 2)).to.deep.equal([2, 1, 2]);
    expect(tasksSharingExecutor(4, 2, 2)).to.deep.equal([2, 2, 2, 2]);
    expect(tasksSharingExecutor(2, 1, 2)).to.deep.equal([2, 2]);
  });

  it("keeps every core busy when the stage has more tasks than cores", () => {
    expect(tasksSharingExecutor(5, 2, 2)).to.deep.equal([2, 2, 2, 2, 2]);
    expect(tasksSharingExecutor(9, 2, 4)).to.deep.equal(new Array(9).fill(4));
  });

  it("never shares a single-core executor", () => {
    expect(tasksSharingExecutor(7, 2, 1)).to.deep.equal(new Array(7).fill(1));
  });

  it("rejects a schedule without executors or cores, naming the value", () => {
    expect(() => tasksSharingExecutor(1, 0, 1)).to.throw(
      "executors must be a whole number >= 1 (got 0)",
    );
    expect(() => tasksSharingExecutor(1, 1, 1.5)).to.throw(
      "cores must be a whole number >= 1 (got 1.5)",
    );
  });

  // The cells of workloads/tests/test_task_memory_share.py: 512 MiB heap, 2 cores per executor,
  // AQE off, 2 partitions, uniform keys (1,000), 84 MiB build side, 8 MiB probe side. The
  // partitions hold 46.6 % and 53.4 % of the rows, 41.6 and 47.6 MiB in the hashed relation's
  // page: each page ends at 64 MiB, and its last doubling asks for 32 + 64 MiB + the key array,
  // 96 MiB in all. The pool is (512 - 300) x 0.6 = 127.2 MiB, half of it 63.6 MiB.
  const shareCell = (executorInstances: number): PredictInput =>
    cell({
      strategy: "shuffle_hash",
      heapMiB: 512,
      tableRatio: 84 / 512,
      skew: 0,
      keys: 1_000,
      partitions: 2,
      executorInstances,
      executorCores: 2,
      aqe: false,
      probeMiB: 8,
      runner: "local-cluster",
    });
  const taskCheck = (input: PredictInput) =>
    predict(input).checks.find((c) => c.id === "shj_task_memory")!;

  it("gives each task half the pool when both run on one 2-core executor", () => {
    // Measured: both tasks refused, "Can't acquire 67108864 bytes memory to build hash relation,
    // got 33077866 bytes" with the 32 MiB page held: the grant stops at half the pool.
    const check = taskCheck(shareCell(1));
    expect(check.demand).to.be.within(96 * MIB, 96.1 * MIB);
    expect(check.capacity).to.be.closeTo((127.2 / 2) * MIB, 1);
    expect(check.detail).to.contain("1/2 of it: 2 tasks share its executor");
    expect(predict(shareCell(1)).failureClass).to.equal("spark_memory_oom");
    // 96 MiB fits the whole 127.2 MiB pool: only the sharing refuses it, and the prediction says
    // a retry alone would complete.
    expect(check.detail).to.contain("that runs alone on its executor completes");
  });

  it("does not promise a retry when Spark will not retry (spark.task.maxFailures = 1)", () => {
    const once = {
      ...shareCell(1),
      settings: sparkSettingsFromConf({ "spark.task.maxFailures": "1" }),
    };
    const check = taskCheck(once);
    expect(check.capacity).to.be.closeTo((127.2 / 2) * MIB, 1);
    expect(check.detail).not.to.contain("retry");
    expect(() => sparkSettingsFromConf({ "spark.task.maxFailures": "0" })).to.throw(
      'spark.task.maxFailures: a whole number of at least 1 (got "0")',
    );
  });

  it("does not promise a retry when the task would not fit the whole pool either", () => {
    const tooBig = cell({
      strategy: "shuffle_hash",
      heapMiB: 512,
      tableRatio: 0.3,
      skew: 2,
      keys: 1_000,
      partitions: 2,
      executorInstances: 1,
      executorCores: 2,
      aqe: false,
      probeMiB: 8,
      runner: "local-cluster",
    });
    const check = taskCheck(tooBig);
    expect(check.demand).to.be.above(127.2 * MIB);
    expect(check.detail).not.to.contain("retry");
  });

  it("gives it the whole pool when the two tasks go to two 2-core executors", () => {
    // Measured: completes, each task holding more than half the pool. A model giving each task
    // pool / cores would predict spark_memory_oom here.
    const check = taskCheck(shareCell(2));
    expect(check.capacity).to.be.closeTo(127.2 * MIB, 1);
    expect(check.detail).to.contain("all of it: the stage's 2 task(s) leave it alone");
    expect(predict(shareCell(2)).outcome).to.equal("succeeded");
  });
});
