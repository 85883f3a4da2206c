/**
 * `spark-at-scale profile` on bad input: each refusal says what a profile needs. The runs are
 * real records and event logs (test/fixtures/trace/).
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runProfileCommand, type ProfileCommandOptions } from "../../src/cli/profileCommand";
import { UsageError } from "../../src/config/errors";
import { readResultsFile } from "../../src/report/loadResults";
import type { CellResult } from "../../src/results/cellResult";

const TRACE = path.resolve(__dirname, "..", "fixtures", "trace");
const records = readResultsFile(path.join(TRACE, "results.jsonl"));
const byCell = new Map(records.map((r) => [r.cell, r]));

/** A results folder beside the trace fixture's events, holding `chosen` records. */
function resultsWith(chosen: readonly CellResult[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "profile-input-"));
  fs.symlinkSync(path.join(TRACE, "events"), path.join(dir, "events"));
  const file = path.join(dir, "results.jsonl");
  fs.writeFileSync(file, chosen.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return file;
}

async function refusal(options: Partial<ProfileCommandOptions>): Promise<string> {
  try {
    await runProfileCommand({ results: "results", ...options }, () => {});
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError");
}

/** The completed sort-merge record at another ratio: a second run of the same group. */
function atRatio(record: CellResult, ratio: number): CellResult {
  const cell = record.cell.replace(/-r[0-9p]+-/, `-r${String(ratio).replace(".", "p")}-`);
  return { ...record, cell, parameters: { ...record.parameters, tableRatio: ratio } };
}

describe("profile: what it needs, said plainly", () => {
  const sortMerge = byCell.get("m512m-smj-r0p25-s0-aqe-1")!;

  it("needs an experiment to run or records to read", async () => {
    expect(await refusal({})).to.contain(
      "profile needs runs at two or three small scales: --config FILE (or --stack NAME) with an experiment whose axes.scaleFactor (or axes.tableRatio) lists them, or --input results.jsonl of such runs",
    );
  });

  it("needs two scales that complete", async () => {
    const input = resultsWith([sortMerge]);
    expect(await refusal({ input })).to.contain(
      "m512m-smj-s0-aqe: completed at one table ratio only (0.25); profile fits how memory grows and needs two or three table ratios that complete (axes.tableRatio)",
    );
  });

  it("has nothing to extrapolate from a job that failed at its smallest scale", async () => {
    const input = resultsWith([byCell.get("m512m-bhj-r1-s0-aqe-1")!]);
    expect(await refusal({ input })).to.contain(
      "m512m-bhj-s0-aqe: failed at its smallest table ratio, 1 (executor_jvm_oom): nothing to extrapolate from; profile at smaller table ratios or with more memory",
    );
  });

  it("reads each run's event log, and names a run without one", async () => {
    const input = resultsWith([sortMerge, { ...atRatio(sortMerge, 0.5), metrics: null }]);
    expect(await refusal({ input })).to.contain(
      "m512m-smj-r0p5-s0-aqe-1: no event log was read for this run (its record has no metrics), and profile reads each run's event log",
    );
    const moved = resultsWith([sortMerge, atRatio(sortMerge, 0.5)]);
    fs.unlinkSync(path.join(path.dirname(moved), "events"));
    expect(await refusal({ input: moved })).to.match(
      /m512m-smj-r0p25-s0-aqe-1: its event log .*events\/eventlog_v2_app-20261130013428-0000 is not there/,
    );
  });

  it("refuses a bad target or memory, naming the flag and the value", async () => {
    expect(await refusal({ input: "x", target: "0" })).to.contain(
      "--target 0: a scale above 0 (a scale factor or table ratio)",
    );
    expect(await refusal({ input: "x", executorMemory: "100m" })).to.contain(
      "--executor-memory 100m: a Spark memory size of at least 450 MiB, such as 512m or 4g",
    );
    expect(await refusal({ input: "x", executorCores: "1.5" })).to.contain(
      "--executor-cores 1.5: a whole number from 1 to 64",
    );
    expect(await refusal({ input: "x", config: "Pulumi.y.yaml" })).to.contain(
      "give --input FILE (records to profile) or an experiment to run (--stack, --config), not both",
    );
  });

  it("projects two completed runs of the same cells from their event logs", async () => {
    const input = resultsWith([sortMerge, atRatio(sortMerge, 0.5)]);
    const lines: string[] = [];
    await runProfileCommand({ results: "results", input }, (l) => lines.push(l));
    expect(lines[0]).to.equal(
      "m512m-smj-s0-aqe: runs at table ratio 0.25, 0.5; projected for 512m executors (384 MiB overhead, 1 core(s)), a 3g driver",
    );
    expect(lines.join("\n")).to.contain("memory model (src/predict) for the same cells");
  });
});
