import { expect } from "chai";
import * as path from "node:path";
import { findEventLog, readEventLog } from "../../src/trace/readEventLog";
import { runProfile } from "../../src/trace/runProfile";
import { PROJECT_DIR } from "../helpers/devStack";

const MIB = 1024 * 1024;

function profileOf(dir: string, applicationId: string) {
  return runProfile(readEventLog(findEventLog(dir, applicationId)!));
}

describe("trace: a run's profile from its event log", () => {
  const trace = path.join(PROJECT_DIR, "test", "fixtures", "trace", "events");

  it("reads each stage's task peaks, results and shuffle reads (a sort-merge join, 512m)", () => {
    const p = profileOf(trace, "app-20261130013428-0000");
    const join = p.stages.find((s) => s.stageId === 24)!;
    // The join stage: 4 tasks reading about 43 MiB of shuffle each, the largest task's sort
    // holding 88 MiB of execution memory.
    expect(join).to.include({ tasks: 4, peakTaskExecutionBytes: 92_274_464 });
    expect(join.maxShuffleReadBytes).to.equal(43_585_986);
    expect(join.medianShuffleReadBytes).to.equal(43_395_581.5);
    expect(join.resultBytes).to.equal(30_797);
    expect(p.broadcasts).to.deep.equal([]);
    expect(p.peaks.executorHeapBytes).to.equal(217_179_928);
    expect(p.peaks.executorOffHeapBytes).to.be.above(50 * MIB);
  });

  it("records no broadcast whose relation the driver never finished (a failed broadcast)", () => {
    expect(profileOf(trace, "app-20261130011905-0000").broadcasts).to.deep.equal([]);
  });

  it("reads a built broadcast's size and rows from the driver's SQL metric updates", () => {
    // A profile run of TPC-H Q3 at SF 0.4 (examples/profile/results/tpch-profile): two
    // broadcasts, the larger the filtered orders' relation.
    const dir = path.join(PROJECT_DIR, "examples", "profile", "results", "tpch-profile", "events");
    const id = BROADCAST_RUN;
    const p = profileOf(dir, id);
    expect(p.broadcasts.length).to.equal(2);
    const largest = p.broadcasts.reduce((a, b) => (b.dataBytes > a.dataBytes ? b : a));
    expect(largest.rows).to.be.above(1_000_000);
    expect(largest.dataBytes).to.be.above(64 * MIB);
    // The executors' BroadcastHashJoin tasks report the rebuilt relations as peak execution
    // memory: smaller than the driver's page-rounded estimate, larger than the rows alone.
    const task = Math.max(...p.stages.map((s) => s.peakTaskExecutionBytes));
    expect(task).to.be.below(p.broadcasts.reduce((a, b) => a + b.dataBytes, 0));
    expect(p.peaks.driverStorageBytes).to.be.above(10 * MIB);
  });
});

/** The Q3 SF 0.4 run's application id in the committed profile. */
const BROADCAST_RUN = "app-20261207132959-0000";
