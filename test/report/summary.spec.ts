import { expect } from "chai";
import { accuracy, accuracyByRegion } from "../../src/predict/accuracy";
import { predict } from "../../src/predict/predict";
import { inputFromRecord } from "../../src/predict/records";
import type { CellResult } from "../../src/results/cellResult";
import {
  classConfusionText,
  nonMonotonicRuns,
  regionTable,
  summaryLines,
} from "../../src/report/summary";
import { sampleRecord } from "../helpers/sampleRecord";
import { pilotRecords } from "../predict/helpers";

function shj(ratio: number, aqe: boolean, completed: boolean): CellResult {
  return sampleRecord(`shj-${ratio}-${aqe}`, {
    parameters: {
      ...sampleRecord("x").parameters,
      executorMemory: "700m",
      strategy: "shuffle_hash",
      tableRatio: ratio,
      skew: 1.5,
      aqe,
    },
    state: completed ? "COMPLETED" : "FAILED",
    failureClass: completed ? "none" : "spark_memory_oom",
  });
}

describe("report: summary, regions and the non-monotonic AQE case", () => {
  it("names a run that fails at a middle size and completes at a larger one, with AQE's reason", () => {
    const records = [
      shj(0.25, true, true),
      shj(0.5, true, false),
      shj(0.9, true, true),
      shj(0.25, false, true),
      shj(0.5, false, false),
      shj(0.9, false, false),
    ];
    const lines = nonMonotonicRuns(records);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(
      /^not monotonic: shuffle_hash with 700m executors, skew 1\.5, AQE on, 1 core\(s\): fails at ratio 0\.5 \(spark_memory_oom\) but completes at 0\.9: AQE splits a skewed partition only above spark\.sql\.adaptive\.skewJoin\.skewedPartitionThresholdInBytes \(256 MB\)/,
    );
  });

  it("tabulates accuracy per region, shipped constants beside leave-one-out", () => {
    const records = pilotRecords();
    const pairs = records.map((observed) => ({
      observed,
      predicted: predict(inputFromRecord(observed)),
    }));
    const table = regionTable(accuracyByRegion(pairs), accuracyByRegion(pairs)).split("\n");
    expect(table[0]).to.match(
      /^region\s+cells\s+outcome\s+class\s+recovered\s+outcome \(LOO\)\s+class \(LOO\)$/,
    );
    expect(table.slice(2)).to.deep.equal([
      "broadcast, AQE on, 1 core     4      100 %    100 %  0          100 %          100 %",
      "shuffle_hash, AQE on, 1 core  4      100 %    100 %  0          100 %          100 %",
      "sort_merge, AQE on, 1 core    4      100 %    100 %  0          100 %          100 %",
    ]);
    const summary = summaryLines(records, accuracy(pairs), accuracy(pairs));
    expect(summary).to.include(
      "predictor (shipped constants): outcome accuracy 100 %, failure-class accuracy 100 %",
    );
  });

  it("shows the failure-class confusion matrix over the classes that occur", () => {
    const records = pilotRecords();
    const report = accuracy(
      records.map((observed) => ({ observed, predicted: predict(inputFromRecord(observed)) })),
    );
    expect(classConfusionText(report).split("\n")).to.deep.equal([
      "observed \\ predicted  none  executor_jvm_oom  spark_memory_oom",
      "--------------------  ----  ----------------  ----------------",
      "none                  8     0                 0",
      "executor_jvm_oom      0     2                 0",
      "spark_memory_oom      0     0                 2",
    ]);
  });
});
