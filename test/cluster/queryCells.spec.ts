/**
 * Query cells on the real local cluster by native submission: a TPC-H query over data the
 * stack's `existingCluster.data.hostPath` mounts into the driver and executors, and a user's
 * PySpark script carried in the workload ConfigMap. `spark-at-scale run` starts each, and its
 * record must carry the join operators the final plan chose and the outcome, decided from the
 * real pods.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { TPCH_DATA_ROOT } from "../../src/config/workload";
import { cacheRoot } from "../../src/pilot/queryData";
import { cellResultSchema, type CellResult } from "../../src/results/cellResult";
import { PROJECT_DIR } from "../helpers/devStack";

const CLI = path.join(PROJECT_DIR, "bin", "spark-at-scale");
const PYTHON = path.join(PROJECT_DIR, ".venv", "bin", "python");
const SCALE_FACTOR = 0.01;

/** What both stacks share: the local cluster, as Pulumi.local.yaml reaches it. */
function stackFile(experiment: string, dataHostPath?: string): string {
  const data = dataHostPath ? `\n    data:\n      hostPath: ${dataHostPath}` : "";
  return `config:
  spark-at-scale:target: existingCluster
  spark-at-scale:existingCluster:
    kubeconfig: /var/lib/spark-at-scale/cluster/admin.kubeconfig
    submission: native
    image: localhost/spark-at-scale/spark:4.0.4
    imagePullPolicy: Never
    podCpuRequest: 200m
    eventLogs:
      hostPath: /var/lib/spark-at-scale/events${data}
    executors:
      nodeAllocatableMiB: 8192
  spark-at-scale:experiment:
${experiment.replace(/^/gm, "    ")}
`;
}

const TPCH_EXPERIMENT = `name: local-tpch
workload: { kind: tpch, queries: [3] }
axes:
  executorMemory: [512m]
  strategy: [broadcast]
  scaleFactor: [${SCALE_FACTOR}]
fixed:
  driverMemory: 1g
  partitions: 4
  cellTimeoutMinutes: 15`;

const SCRIPT_EXPERIMENT = `name: local-script
workload: { kind: pyspark, name: sessions, script: examples/own-jobs/sessions_rollup.py }
axes:
  executorMemory: [512m]
  strategy: [sort_merge]
  scaleFactor: [0.1]
fixed:
  driverMemory: 1g
  partitions: 4
  cellTimeoutMinutes: 15`;

function runCells(stack: string, results: string): CellResult[] {
  const run = spawnSync(CLI, ["run", "--config", stack, "--results", results], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
    env: { ...process.env, CI: "1" },
  });
  const output = `${run.stdout}${run.stderr}`;
  process.stdout.write(`${output.trimEnd().replace(/^/gm, "      | ")}\n`);
  expect(run.status, "spark-at-scale run exits 0").to.equal(0);
  const name = /name: (\S+)/.exec(fs.readFileSync(stack, "utf8").split("experiment:")[1])![1];
  return fs
    .readFileSync(path.join(results, name, "results.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => cellResultSchema.parse(JSON.parse(line)));
}

describe("query cells on the local cluster by native submission", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "query-cells-"));
  const results = path.join(dir, "results");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs TPC-H Q3 over the node's data folder, broadcasting both joins", () => {
    const data = spawnSync(
      PYTHON,
      [
        path.join(PROJECT_DIR, "workloads", "tpch_data.py"),
        ...["--scale-factor", String(SCALE_FACTOR), "--cache", cacheRoot()],
      ],
      { encoding: "utf8" },
    );
    expect(data.status, data.stderr).to.equal(0);
    const dataHostPath = path.join(cacheRoot(), TPCH_DATA_ROOT);
    const stack = path.join(dir, "Pulumi.local-tpch.yaml");
    fs.writeFileSync(stack, stackFile(TPCH_EXPERIMENT, dataHostPath));
    const [record] = runCells(stack, results);
    expect(record.cell).to.equal("tpch-q03-sf0p01-m512m-bhj-aqe-1");
    expect(record.runner).to.equal("kubernetes");
    expect(record.state, record.evidence.messageExcerpt).to.equal("COMPLETED");
    expect(record.failureClass).to.equal("none");
    expect(record.workload?.joinOperators).to.deep.equal({ BroadcastHashJoin: 2 });
    // The spec's answer size at any scale is 10 rows; the input is the eight tables on disk.
    expect(record.workload?.outputRows).to.equal(10);
    expect(record.workload?.inputBytes).to.be.greaterThan(1_000_000);
    expect(record.workload?.master).to.match(/^k8s:\/\//);
  });

  it("runs a user's PySpark script from the ConfigMap with its scale factor", () => {
    const stack = path.join(dir, "Pulumi.local-script.yaml");
    fs.writeFileSync(stack, stackFile(SCRIPT_EXPERIMENT));
    const [record] = runCells(stack, results);
    expect(record.cell).to.equal("pyspark-sessions-sf0p1-m512m-smj-aqe-1");
    expect(record.state, record.evidence.messageExcerpt).to.equal("COMPLETED");
    expect(record.workload?.joinOperators).to.deep.equal({ SortMergeJoin: 1 });
    expect((record.workload?.arguments as { scaleFactor?: number }).scaleFactor).to.equal(0.1);
  });
});
