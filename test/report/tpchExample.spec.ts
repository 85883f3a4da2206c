/**
 * The built-in TPC-H example's committed records (examples/tpch/results/results.jsonl, made by
 * `npm run pilot -- --config examples/tpch/Pulumi.tpch-example.yaml` on a 2-core machine): they
 * end in a success and two failure classes, each decided from its own evidence, and the report
 * reads them into one scale-factor map per strategy.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readStackFile } from "../../src/config/stackFile";
import { experimentSchema } from "../../src/config/experiment";
import { cellSpecs } from "../../src/experiment/cellSpecs";
import { writeReport } from "../../src/report/writeReport";
import { cellResultSchema } from "../../src/results/cellResult";
import { PROJECT_DIR } from "../helpers/devStack";

const EXAMPLE = path.join(PROJECT_DIR, "examples", "tpch");
const records = fs
  .readFileSync(path.join(EXAMPLE, "results", "results.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => cellResultSchema.parse(JSON.parse(line)));
const byCell = Object.fromEntries(records.map((r) => [r.cell, r]));

describe("the built-in TPC-H example's records", () => {
  it("are the example's cells, one record each, run on the pilot", () => {
    const config = readStackFile(path.join(EXAMPLE, "Pulumi.tpch-example.yaml"));
    const experiment = experimentSchema.parse(config["experiment"]);
    expect(records.map((r) => r.cell).sort()).to.deep.equal(
      cellSpecs(experiment)
        .map((c) => c.name)
        .sort(),
    );
    for (const r of records)
      expect([r.runner, r.parameters.query?.name]).to.deep.equal(["local-cluster", "q03"]);
  });

  it("end in a success and two failure classes", () => {
    const classes = new Set(records.map((r) => r.failureClass));
    expect([...classes].sort()).to.deep.equal([
      "executor_container_oom",
      "executor_jvm_oom",
      "none",
    ]);
  });

  it("decide each ending from its own evidence", () => {
    const jvm = byCell["tpch-q03-sf2-m512m-bhj-aqe-oh384m-1"];
    expect(jvm.failureClass).to.equal("executor_jvm_oom");
    expect(jvm.evidence.decidedBy).to.equal("executor-jvm-oom-exit: spark-submit output");
    expect(jvm.evidence.exitCodes).to.include(52); // the JVM's OutOfMemoryError exit
    const container = byCell["tpch-q03-sf3-m512m-bhj-aqe-oh64m-1"];
    expect(container.failureClass).to.equal("executor_container_oom");
    expect(container.evidence.exitCodes).to.include(137);
    expect(container.evidence.messageExcerpt).to.match(/OOM kill\(s\) at its 576 MiB limit/);
    for (const r of records.filter((r) => r.parameters.strategy === "sort_merge")) {
      expect(r.failureClass, r.cell).to.equal("none");
      expect(r.workload?.joinOperators).to.deep.equal({ SortMergeJoin: 2 });
    }
    for (const r of records.filter((r) => r.parameters.strategy === "broadcast"))
      expect(r.workload?.joinOperators, r.cell).to.deep.equal({ BroadcastHashJoin: 2 });
  });

  it("give a report with a scale-factor map per strategy and the input relative to the heap", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "tpch-report-"));
    try {
      const report = await writeReport(records, out, "tpch-example");
      expect(report.charts.sort()).to.deep.equal([
        "failure-map-tpch-q03-broadcast",
        "failure-map-tpch-q03-sort_merge",
      ]);
      expect(report.summary).to.include(
        "tpch q03 broadcast with 512m executors, overhead 384m: first fails at scale factor 2 (input 1.379 x heap) (executor_jvm_oom), last passes at 1 (input 0.674 x heap)",
      );
      expect(report.summary).to.include(
        "tpch q03 sort_merge with 512m executors, overhead 384m: no failure up to scale factor 3 (input 2.096 x heap)",
      );
      expect(report.regions).to.equal("");
      const csv = fs.readFileSync(path.join(out, "results.csv"), "utf8");
      expect(csv).to.include("BroadcastHashJoin:2");
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
