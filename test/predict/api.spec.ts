import { expect } from "chai";
import * as api from "../../src/predict";
import { pilotRecords } from "./helpers";

describe("predict: the module's entry point", () => {
  it("exports the predictor, calibration, leave-one-out, recommendation and accuracy", () => {
    const records = pilotRecords();
    const held = api.leaveOneOut(records);
    const report = api.accuracy(held.map((h) => ({ observed: h.record, predicted: h.prediction })));
    expect(report.cells).to.equal(12);
    expect(api.calibrate(records).driverBuildFactor).to.equal(
      api.constants.DEFAULT_DRIVER_BUILD_FACTOR,
    );
    expect(api.predict(api.inputFromRecord(records[0])).outcome).to.equal("succeeded");
    expect(
      api.recommendExecutorMemory({
        strategy: "sort_merge",
        buildBytes: 128 * 1024 * 1024,
        skew: 0,
        keys: 50_000,
        partitions: 4,
        executorCores: 1,
        aqe: true,
        runner: "local-cluster",
      })?.executorMemory,
    ).to.equal("512m");
  });
});
