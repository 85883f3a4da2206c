import { expect } from "chai";
import { executorExitsFromLog } from "../../src/failure/logExecutorExits";

const K8S_LOSS = (id: number, code: number, explained: string, reason: string) =>
  [
    `25/11/20 14:05:40 ERROR TaskSchedulerImpl: Lost executor ${id} on 10.8.1.21: `,
    `The executor with id ${id} exited with exit code ${code}${explained}.`,
    "",
    "The API gave the following container statuses:",
    "\t container name: spark-kubernetes-executor",
    `\t exit code: ${code}`,
    `\t termination reason: ${reason}`,
  ].join("\n");

describe("executorExitsFromLog", () => {
  it("reads Kubernetes exits with the termination reason from their container statuses", () => {
    const log = [
      K8S_LOSS(1, 137, "(SIGKILL, possible container OOM)", "OOMKilled"),
      K8S_LOSS(2, 52, "(JVM OOM)", "Error"),
    ].join("\n");
    expect(executorExitsFromLog(log)).to.deep.equal([
      {
        termination: { executorId: "1", exitCode: 137, reason: "OOMKilled" },
        excerpt:
          "The executor with id 1 exited with exit code 137(SIGKILL, possible container OOM). | termination reason: OOMKilled",
      },
      {
        termination: { executorId: "2", exitCode: 52, reason: "Error" },
        excerpt:
          "The executor with id 2 exited with exit code 52(JVM OOM). | termination reason: Error",
      },
    ]);
  });

  it("reports an exit once, however many lost tasks repeat it", () => {
    const log = [
      K8S_LOSS(1, 137, "(SIGKILL, possible container OOM)", "OOMKilled"),
      "WARN TaskSetManager: Lost task 7.0 in stage 14.0 (TID 19) (10.8.1.21 executor 1): ExecutorLostFailure (executor 1 exited caused by one of the running tasks) Reason: ",
      K8S_LOSS(1, 137, "(SIGKILL, possible container OOM)", "OOMKilled")
        .split("\n")
        .slice(1)
        .join("\n"),
    ].join("\n");
    expect(executorExitsFromLog(log)).to.have.length(1);
  });

  it("reads standalone (local-cluster) exits from the Worker's and the scheduler's lines", () => {
    const log = [
      "26/11/23 20:38:58 INFO Worker: Executor app-20261123203731-0000/0 finished with state EXITED message Command exited with code 52 exitStatus 52",
      "26/11/23 20:38:58 ERROR TaskSchedulerImpl: Lost executor 0 on 192.0.2.2: Command exited with code 52",
      "26/11/23 20:38:58 ERROR TaskSchedulerImpl: Lost executor 1 on 192.0.2.2: Command exited with code 137",
      "26/11/23 20:40:45 INFO Worker: Executor app-20261123203731-0000/8 finished with state KILLED exitStatus 143",
    ].join("\n");
    expect(executorExitsFromLog(log).map((exit) => exit.termination)).to.deep.equal([
      { executorId: "0", exitCode: 52 },
      { executorId: "1", exitCode: 137 },
    ]);
  });

  it("finds nothing in a log without executor exits", () => {
    expect(executorExitsFromLog("INFO SparkContext: Running Spark version 4.0.4\n")).to.deep.equal(
      [],
    );
  });
});
