import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ResultsStore } from "../../src/results/resultsStore";
import type { CellResult } from "../../src/results/cellResult";
import { sampleRecord } from "../helpers/sampleRecord";

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
