/**
 * A real container OOM on the pilot: one cell whose executors get a 16 MiB memory overhead, so
 * their memory cgroups (heap + overhead, as a pod's limit) are smaller than what the JVM needs
 * beyond its heap. The kernel kills the executor (exit 137), and the cell is classified
 * executor_container_oom, as on Kubernetes. Needs a machine where the pilot can set memory
 * limits (cgroup v1 or v2 as root, or a delegated v2 subtree); about three minutes on 2 cores.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cellResultSchema } from "../../src/results/cellResult";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "bin", "spark-at-scale");

const STACK = `config:
  spark-at-scale:experiment:
    name: container-oom
    axes:
      executorMemory: [512m]
      tableRatio: [0.3]
      strategy: [broadcast]
      skew: [0]
      memoryOverhead: [16m]
    fixed:
      executorInstances: 2
      driverMemory: 3g
      probeSize: 32m
      keys: 20000
      partitions: 4
      concurrency: 1
      taskMaxFailures: 2
      cellTimeoutMinutes: 8
`;

describe("pilot: a real kill at the pod's memory limit (real Spark, memory cgroups)", function () {
  this.timeout(15 * 60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "container-oom-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("an executor over heap + overhead is killed with exit 137 and classified executor_container_oom", () => {
    const stackFile = path.join(dir, "Pulumi.oom.yaml");
    fs.writeFileSync(stackFile, STACK);
    const results = path.join(dir, "results");
    const run = spawnSync(
      process.execPath,
      [CLI, "pilot", "--config", stackFile, "--results", results],
      { env: { ...process.env, CI: "true" }, encoding: "utf8" },
    );
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout, "this machine must let the pilot set memory limits").to.match(
      /memory limits: enforced with cgroup/,
    );
    const lines = fs
      .readFileSync(path.join(results, "container-oom", "results.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l !== "");
    expect(lines).to.have.length(1);
    const record = cellResultSchema.parse(JSON.parse(lines[0]));
    expect(record.cell).to.equal("m512m-bhj-r0p3-s0-aqe-oh16m-1");
    expect(record.state, JSON.stringify(record.memoryLimits)).to.equal("FAILED");
    expect(record.failureClass, JSON.stringify(record.evidence)).to.equal("executor_container_oom");
    expect(record.evidence.exitCodes).to.include(137);
    expect(record.memoryLimits?.enforced).to.equal(true);
    const executors = record.memoryLimits!.groups.filter((g) => g.role === "executor");
    expect(executors.length).to.be.at.least(1);
    for (const group of executors) expect(group.limitMiB).to.equal(512 + 16);
    const killed = executors.filter((g) => (g.oomKills ?? 0) > 0);
    expect(killed.length, JSON.stringify(executors)).to.be.at.least(1);
    for (const group of killed) expect(group.peakMiB).to.be.at.least(group.limitMiB - 1);
  });
});
