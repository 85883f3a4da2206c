import { expect } from "chai";
import { experimentSchema } from "../../src/config/experiment";
import { cellSpecs } from "../../src/experiment/cellSpecs";
import { predictionInput } from "../../src/predict/fromCell";
import { predict } from "../../src/predict/predict";
import { inputFromRecord } from "../../src/predict/records";
import {
  cellSparkSettings,
  sparkBytes,
  sparkSettingsFromConf,
} from "../../src/predict/sparkSettings";
import { sampleRecord } from "../helpers/sampleRecord";
import { GIB, MIB } from "./helpers";

describe("predict: Spark settings from a cell's configuration", () => {
  it("reads Spark byte strings as JavaUtils.byteStringAsBytes does (no unit = bytes)", () => {
    expect(sparkBytes("k", "0")).to.equal(0);
    expect(sparkBytes("k", "1g")).to.equal(GIB);
    expect(sparkBytes("k", "64MB")).to.equal(64 * MIB);
    expect(sparkBytes("k", "268435456")).to.equal(256 * MIB);
  });

  it("names the key, the value and what is allowed for a value Spark would refuse", () => {
    expect(() => sparkSettingsFromConf({ "spark.driver.maxResultSize": "lots" })).to.throw(
      'spark.driver.maxResultSize: a Spark byte size such as 0, 512m or 1g (binary units b, k, m, g, t) (got "lots")',
    );
    expect(() => sparkSettingsFromConf({ "spark.memory.fraction": "1.5" })).to.throw(
      'spark.memory.fraction: a number above 0 and at most 1 (got "1.5")',
    );
    expect(() => sparkSettingsFromConf({ "spark.sql.adaptive.skewJoin.enabled": "yes" })).to.throw(
      'spark.sql.adaptive.skewJoin.enabled: true or false (got "yes")',
    );
  });

  it("reads the settings the model uses and ignores the rest", () => {
    expect(
      sparkSettingsFromConf({
        "spark.driver.maxResultSize": "0",
        "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes": "64m",
        "spark.sql.adaptive.skewJoin.skewedPartitionFactor": "3",
        "spark.sql.autoBroadcastJoinThreshold": "-1",
        "spark.task.maxFailures": "2",
      }),
    ).to.deep.equal({
      driverMaxResultSizeBytes: 0,
      skewedPartitionThresholdBytes: 64 * MIB,
      skewedPartitionFactor: 3,
      taskMaxFailures: 2,
    });
  });

  it("gives broadcast and auto cells the lifted result-size cap, the shuffled joins none", () => {
    // src/experiment/cells.ts sets spark.driver.maxResultSize=0 for broadcast and auto.
    expect(cellSparkSettings({ strategy: "broadcast", aqe: true })).to.deep.equal({
      driverMaxResultSizeBytes: 0,
    });
    expect(cellSparkSettings({ strategy: "auto", aqe: false })).to.deep.equal({
      driverMaxResultSizeBytes: 0,
    });
    expect(cellSparkSettings({ strategy: "shuffle_hash", aqe: true })).to.deep.equal({});
  });

  it("predicts a finished cell from its record exactly as `plan` predicted it", () => {
    // A 12g broadcast of a quarter of the heap collects ~2.8 GiB of compressed rows: over
    // Spark's default 1 GiB spark.driver.maxResultSize, which the cell lifts. The record keeps
    // only the parameters, so the record's input must derive the same setting from them.
    const experiment = experimentSchema.parse({
      name: "settings",
      axes: {
        executorMemory: ["12g"],
        tableRatio: [0.25],
        strategy: ["broadcast", "auto", "shuffle_hash"],
        skew: [0],
      },
      fixed: { driverMemory: "24g", keys: 100_000, partitions: 64 },
    });
    for (const spec of cellSpecs(experiment)) {
      const planned = predict(predictionInput(spec, experiment, "kubernetes"));
      const record = sampleRecord(spec.name, {
        runner: "kubernetes",
        parameters: spec.parameters,
        sizing: spec.sizing,
        state: "COMPLETED",
        failureClass: "none",
        workload: { arguments: { keys: 100_000, partitions: 64 } },
      });
      const fromRecord = predict(inputFromRecord(record));
      expect(fromRecord.checks, spec.name).to.deep.equal(planned.checks);
      expect(fromRecord.checks.map((c) => c.id)).not.to.include("driver_max_result_size");
      if (spec.parameters.strategy !== "shuffle_hash") {
        expect(fromRecord.failureClass, spec.name).not.to.equal("other");
        // With Spark's default cap, the same cell would be predicted to abort on the driver.
        const capped = predict({ ...inputFromRecord(record), settings: {} });
        expect(capped.failureClass, spec.name).to.equal("other");
        expect(capped.bindingConstraint).to.equal("driver_max_result_size");
      }
    }
  });
});
