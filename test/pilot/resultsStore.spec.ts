import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ResultsStore } from "../../src/pilot/resultsStore";
import type { CellResult } from "../../src/results/cellResult";

export function sampleRecord(cell: string, overrides: Partial<CellResult> = {}): CellResult {
  return {
    schemaVersion: 1,
    experiment: "unit",
    cell,
    runner: "local-cluster",
    parameters: {
      executorMemory: "512m",
      tableRatio: 1,
      strategy: "broadcast",
      skew: 0,
      aqe: true,
      memoryOverheadFactor: 0.1,
      executorCores: 1,
      repeat: 1,
    },
    sizing: {
      heapMiB: 512,
      overheadMiB: 384,
      podMemoryMiB: 896,
      buildBytes: 536870912,
      probeBytes: 1048576,
      executorInstances: 1,
      driverMemoryMiB: 1024,
      driverPodMemoryMiB: 1408,
    },
    scale: 1,
    pool: null,
    state: "FAILED",
    failureClass: "executor_jvm_oom",
    evidence: {
      exitCodes: [52],
      terminationReasons: [],
      messageExcerpt: "Command exited with code 52",
      decidedBy: "executor-exit-52: driver log",
    },
    sparkApplicationId: "app-1",
    start: "2026-11-23T20:00:00.000Z",
    end: "2026-11-23T20:00:30.000Z",
    durationSeconds: 30,
    attempts: 1,
    executorFailures: 1,
    workload: null,
    ...overrides,
  };
}

describe("pilot: results store", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "store-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps one line per cell, replacing a re-run cell's record", () => {
    const store = ResultsStore.open(dir);
    store.save(sampleRecord("a"));
    store.save(sampleRecord("b"));
    store.save(sampleRecord("a", { state: "COMPLETED", failureClass: "none" }));
    const lines = fs.readFileSync(path.join(dir, "results.jsonl"), "utf8").trim().split("\n");
    expect(lines).to.have.length(2);
    const reopened = ResultsStore.open(dir);
    expect(reopened.get("a")?.state).to.equal("COMPLETED");
    expect(reopened.all().map((r) => r.cell)).to.deep.equal(["a", "b"]);
    expect(fs.readdirSync(dir)).to.deep.equal(["results.jsonl"]); // no temporary file left
  });

  it("refuses to save a record that does not match the schema, leaving the file as it was", () => {
    const store = ResultsStore.open(dir);
    store.save(sampleRecord("a"));
    const before = fs.readFileSync(path.join(dir, "results.jsonl"), "utf8");
    expect(() =>
      store.save({ ...sampleRecord("b"), state: "EXPLODED" } as unknown as CellResult),
    ).to.throw();
    expect(fs.readFileSync(path.join(dir, "results.jsonl"), "utf8")).to.equal(before);
  });

  it("names the line of a file it cannot read", () => {
    fs.writeFileSync(
      path.join(dir, "results.jsonl"),
      `${JSON.stringify(sampleRecord("a"))}\n{"cell": "x"}\n`,
    );
    expect(() => ResultsStore.open(dir)).to.throw(/results\.jsonl:2: not a cell record/);
  });
});
