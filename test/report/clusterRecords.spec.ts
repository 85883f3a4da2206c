/**
 * The report over real cluster records (test/fixtures/cluster/local-overheads): every cell of
 * two overheads on its own square and its own summary line, the CSV filled as for the pilot,
 * and a cell that completed on replacement executors reported as such.
 */
import { expect } from "chai";
import { parse } from "csv-parse/sync";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { failureMapSpec } from "../../src/report/charts";
import { readResultsFile } from "../../src/report/loadResults";
import { completedOnReplacements, failureOnsets } from "../../src/report/summary";
import { writeReport } from "../../src/report/writeReport";
import { summarise, summaryText } from "../../src/results/runSummary";

const RECORDS = path.resolve(
  __dirname,
  "..",
  "fixtures",
  "cluster",
  "local-overheads",
  "results.jsonl",
);
const RECOVERED = "m768m-bhj-r0p3-s0-noaqe-oh96m-1";

describe("report: real cluster records of two overheads", () => {
  const records = readResultsFile(RECORDS);

  it("are kubernetes records, each with its event log's measured memory", () => {
    expect(records).to.have.length(10);
    for (const r of records) {
      expect(r.runner).to.equal("kubernetes");
      expect(r.metrics?.eventLog, r.cell).to.match(/^\/var\/lib\/spark-at-scale\/events\//);
      expect(r.metrics?.applicationId).to.equal(r.sparkApplicationId);
    }
  });

  it("draws each strategy's cells of 96m and 384m in panels of their own, one cell a square", () => {
    for (const strategy of ["broadcast", "shuffle_hash", "sort_merge"]) {
      const spec = failureMapSpec(records, strategy) as unknown as {
        data: { values: Array<Record<string, string | number>> };
      };
      const places = spec.data.values.map((d) =>
        [d.skew, d.aqe, d.tableRatio, d.executorMemory].join(" | "),
      );
      expect(new Set(places).size, strategy).to.equal(places.length);
      expect(new Set(spec.data.values.map((d) => d.skew))).to.deep.equal(
        new Set(["skew 0, overhead 384m", "skew 0, overhead 96m"]),
      );
    }
  });

  it("gives each overhead its own first-failure line: 0.3 passes with both, 0.35 fails two ways", () => {
    expect(failureOnsets(records)).to.deep.equal([
      "broadcast with 768m executors, overhead 384m: first fails at ratio 0.35 (executor_jvm_oom), last passes at 0.3",
      "broadcast with 768m executors, overhead 96m: first fails at ratio 0.35 (executor_container_oom), last passes at 0.3",
      "shuffle_hash with 768m executors, overhead 384m: first fails at ratio 0.8 (spark_memory_oom)",
      "shuffle_hash with 768m executors, overhead 96m: first fails at ratio 0.8 (spark_memory_oom)",
      "sort_merge with 768m executors, overhead 384m: no failure up to ratio 0.8",
      "sort_merge with 768m executors, overhead 96m: no failure up to ratio 0.8",
    ]);
  });

  it("fills results.csv's overhead, event-log and measured columns as for pilot records", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-report-"));
    try {
      await writeReport(records, dir, "local-overheads");
      const rows: Array<Record<string, string>> = parse(
        fs.readFileSync(path.join(dir, "results.csv"), "utf8"),
        { columns: true },
      );
      expect(rows).to.have.length(10);
      for (const row of rows) {
        expect(row.memoryOverheadFactor, row.cell).to.equal("");
        expect(row.overheadMiB, row.cell).to.equal(row.memoryOverhead === "96m" ? "96" : "384");
        expect(row.eventLog, row.cell).to.match(/^\/var\/lib\/spark-at-scale\/events\//);
        expect(Number(row.peakExecutorJvmHeapBytes), row.cell).to.be.above(0);
        // A pod limit has no measured counterpart; every other binding constraint has its peak.
        if (row.bindingConstraint !== "executor_container")
          expect(Number(row.measuredPeakBytes), row.cell).to.be.above(0);
      }
      expect(rows.find((r) => r.cell === RECOVERED)!.executorFailures).to.equal("2");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports the broadcast that completed after its first executors were OOM-killed", () => {
    const recovered = records.find((r) => r.cell === RECOVERED)!;
    expect(recovered.state).to.equal("COMPLETED");
    expect(recovered.executorFailures).to.equal(2);
    expect(recovered.evidence.exitCodes).to.deep.equal([137]);
    expect(completedOnReplacements(records)).to.deep.equal([
      `completed on replacements: ${RECOVERED} lost 2 executor(s) (exit 137); Spark replaced them and retried their tasks`,
    ]);
    const text = summaryText("local-overheads", records, summarise(records, 131));
    const row = text.split("\n").find((l) => l.startsWith(RECOVERED))!;
    expect(row).to.match(/COMPLETED\s+none\s+2 \(exit 137\)/);
    // A failed cell's lost executors: their own exit codes, not the driver's exit 1.
    const jvmOom = text.split("\n").find((l) => l.startsWith("m768m-bhj-r0p35-s0-noaqe-oh384m-1"))!;
    expect(jvmOom).to.match(/executor_jvm_oom\s+4 \(exit 52\)/);
    expect(text).to.match(/; 1 completed on replacements of lost executors; wall time 2m11s$/);
  });
});
