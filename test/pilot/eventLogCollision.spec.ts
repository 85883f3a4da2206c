import { expect } from "chai";
import { lostToEventLogCollision, runAvoidingCollisions } from "../../src/pilot/eventLogCollision";
import type { CellResult } from "../../src/results/cellResult";
import { sampleRecord } from "../helpers/sampleRecord";

const COLLIDED = sampleRecord("tpch-q13-sf0p01-m512m-bhj-aqe-1", {
  state: "SUBMISSION_FAILED",
  failureClass: "submission_failed",
  evidence: {
    exitCodes: [1],
    terminationReasons: [],
    messageExcerpt:
      "java.io.IOException: Target log directory already exists (file:/r/events/eventlog_v2_app-20261207092440-0000)",
    decidedBy: "submission-state: workload result error",
  },
});
const RAN = sampleRecord("tpch-q13-sf0p01-m512m-bhj-aqe-1");

describe("pilot: two cells' applications with one id", () => {
  it("tells the collision from a cell's own failure", () => {
    expect(lostToEventLogCollision(COLLIDED)).to.equal(true);
    expect(lostToEventLogCollision(RAN)).to.equal(false);
  });

  it("starts the cell again until it runs, and says so each time", async () => {
    const answers: CellResult[] = [COLLIDED, COLLIDED, RAN];
    const told: number[] = [];
    const record = await runAvoidingCollisions(
      () => Promise.resolve(answers.shift()!),
      (attempt) => told.push(attempt),
      3,
      1,
    );
    expect(record).to.equal(RAN);
    expect(told).to.deep.equal([1, 2]);
  });

  it("keeps the last record after the attempts run out", async () => {
    let runs = 0;
    const record = await runAvoidingCollisions(
      () => (runs++, Promise.resolve(COLLIDED)),
      () => undefined,
      2,
      1,
    );
    expect([record, runs]).to.deep.equal([COLLIDED, 2]);
  });
});
