/**
 * Cells that differ only in overhead (or cores) never share a failure-map square, a summary
 * sentence or a Boundaries row; the CSV says what each cell asked for; completed cells that
 * lost executors say so. Over real records: the built-in searches' probes, whose broadcasts ran
 * with 64 MiB and 384 MiB overheads, and whose 64 MiB ones completed on replacements.
 */
import { expect } from "chai";
import { parse } from "csv-parse/sync";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { accuracy, accuracyByRegion } from "../../src/predict/accuracy";
import { predict } from "../../src/predict/predict";
import { inputFromRecord } from "../../src/predict/records";
import { sweptAxes } from "../../src/report/axes";
import { boundaryPoints, boundaryTable } from "../../src/report/boundaryCurves";
import { failureMapSpec } from "../../src/report/charts";
import { readResultsFile } from "../../src/report/loadResults";
import { completedOnReplacements, failureOnsets, regionTable } from "../../src/report/summary";
import { writeReport } from "../../src/report/writeReport";
import type { CellResult } from "../../src/results/cellResult";
import { summarise, summaryText } from "../../src/results/runSummary";
import { exitCodeOfRemoval } from "../../src/results/executorLosses";

const PROBES = path.resolve(
  __dirname,
  "..",
  "fixtures",
  "predict",
  "builtin-search",
  "results.jsonl",
);

interface MapDatum {
  readonly cell: string;
  readonly tableRatio: number;
  readonly executorMemory: string;
  readonly skew: string;
  readonly aqe: string;
}

/** Every square of a failure map: its panel (row, column) and position, with the cells on it. */
function squares(records: readonly CellResult[], strategy: string): Map<string, Set<string>> {
  const spec = failureMapSpec(records, strategy) as unknown as { data: { values: MapDatum[] } };
  const byPlace = new Map<string, Set<string>>();
  for (const d of spec.data.values) {
    const place = [d.skew, d.aqe, d.tableRatio, d.executorMemory].join(" | ");
    // Repeats of one cell differ only in their repeat suffix: they may share a square.
    byPlace.set(place, (byPlace.get(place) ?? new Set()).add(d.cell.replace(/-\d+$/, "")));
  }
  return byPlace;
}

describe("report: every swept axis tells cells apart", () => {
  const probes = readResultsFile(PROBES);

  it("finds the axes the probes sweep: skew and overhead (AQE and cores are the same in all)", () => {
    expect(sweptAxes(probes)).to.deep.equal(["skew", "overhead"]);
  });

  it("puts the two overheads' broadcasts in panels of their own, one cell per square", () => {
    const map = squares(probes, "broadcast");
    expect([...map.values()].every((cells) => cells.size === 1)).to.equal(true);
    const rows = new Set([...map.keys()].map((place) => place.split(" | ")[0]));
    expect([...rows].sort()).to.deep.equal(["skew 0, overhead 384m", "skew 0, overhead 64m"]);
  });

  it("keys the summary's first failures by overhead, so 64m and 384m get their own sentence", () => {
    const lines = failureOnsets(probes).filter((l) => l.startsWith("broadcast"));
    expect(lines).to.deep.equal([
      "broadcast with 512m executors, skew 0, overhead 384m: first fails at ratio 0.374 (executor_jvm_oom), last passes at 0.3",
      "broadcast with 512m executors, skew 0, overhead 64m: first fails at ratio 0.363 (executor_container_oom), last passes at 0.291",
    ]);
  });

  it("gives each overhead its own Boundaries row", () => {
    const rows = boundaryTable(boundaryPoints(probes))
      .split("\n")
      .slice(2)
      .map((row) => row.split(/\s+/)[0]);
    expect(rows.filter((r) => r.startsWith("m512m-bhj"))).to.deep.equal([
      "m512m-bhj-s0-aqe-oh384m",
      "m512m-bhj-s0-aqe-oh64m",
    ]);
  });

  it("writes the overhead a cell asked for, and its lost executors, in results.csv", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "swept-"));
    try {
      await writeReport(probes, dir, "probes");
      const rows: Array<Record<string, string>> = parse(
        fs.readFileSync(path.join(dir, "results.csv"), "utf8"),
        { columns: true },
      );
      const row = rows.find((r) => r.cell === "m512m-bhj-r0p291-s0-aqe-oh64m-1")!;
      expect(row.memoryOverhead).to.equal("64m");
      // An explicit overhead replaces the factor rule: the factor is not what the cell asked for.
      expect(row.memoryOverheadFactor).to.equal("");
      expect(row.overheadMiB).to.equal("64");
      expect(row.executorFailures).to.equal("3");
      expect(row.exitCodes).to.equal("137");
      expect(row.eventLog).to.match(/^events\//);
      expect(Number(row.peakExecutorJvmHeapBytes)).to.be.above(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a completed cell that lost executors: how many and with which exit codes", () => {
    expect(completedOnReplacements(probes)).to.deep.equal([
      "completed on replacements: m512m-bhj-r0p233-s0-aqe-oh64m-1 lost 2 executor(s) (exit 137); Spark replaced them and retried their tasks",
      "completed on replacements: m512m-bhj-r0p291-s0-aqe-oh64m-1 lost 3 executor(s) (exit 137); Spark replaced them and retried their tasks",
    ]);
    const text = summaryText("probes", probes, summarise(probes, 60));
    const row = text.split("\n").find((l) => l.startsWith("m512m-bhj-r0p291-s0-aqe-oh64m-1"))!;
    expect(row).to.match(/COMPLETED\s+none\s+3 \(exit 137\)/);
    expect(text).to.match(/; 2 completed on replacements of lost executors; wall time 1m00s$/);
  });

  it("counts the miss whose first executors were killed as predicted, and which recovered, apart", () => {
    const pairs = probes.map((observed) => ({
      observed,
      predicted: predict(inputFromRecord(observed)),
    }));
    const report = accuracy(pairs);
    expect(report.wrong.map((w) => [w.cell, w.recovered])).to.deep.equal([
      ["m512m-bhj-r0p291-s0-aqe-oh64m-1", true],
    ]);
    expect(report.recovered).to.equal(1);
    const table = regionTable(accuracyByRegion(pairs)).split("\n");
    expect(table[0]).to.match(/^region\s+cells\s+outcome\s+class\s+recovered$/);
    expect(table.find((l) => l.startsWith("broadcast"))).to.match(/\s6\s+83\.3 %\s+83\.3 %\s+1$/);
    // The one at 0.233 completed too, but was predicted to: a success, not a recovery.
    const r0p233 = pairs.find((p) => p.observed.cell === "m512m-bhj-r0p233-s0-aqe-oh64m-1")!;
    expect(r0p233.predicted.outcome).to.equal("succeeded");
  });

  it("reads the exit code of a lost executor from a standalone worker's and Kubernetes' words", () => {
    expect(exitCodeOfRemoval("Command exited with code 52")).to.equal(52);
    expect(
      exitCodeOfRemoval(
        "The executor with id 3 exited with exit code 137(SIGKILL, possible container OOM).\n\n" +
          "The API gave the following container statuses:",
      ),
    ).to.equal(137);
    expect(exitCodeOfRemoval("Executor killed by driver.")).to.equal(null);
    expect(exitCodeOfRemoval(null)).to.equal(null);
  });
});
