import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  PREDICTIONS_FILE,
  readPredictions,
  recordPredictions,
} from "../../src/campaign/preRunPredictions";
import { runCampaign } from "../../src/campaign/runCampaign";
import { UsageError } from "../../src/config/errors";
import { predict } from "../../src/predict/predict";
import type { Prediction } from "../../src/predict/types";
import { inputFromRecord } from "../../src/predict/records";
import type { CellResult } from "../../src/results/cellResult";
import { pilotRecords } from "../predict/helpers";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "pre-run-"));
}

const RECORDS = pilotRecords();
const predictionOf = (record: CellResult): Prediction => predict(inputFromRecord(record));

describe("pre-run predictions: predictions.jsonl", () => {
  it("keeps each cell's first prediction and never replaces it", () => {
    const dir = tempDir();
    const [a, b] = RECORDS;
    const first = new Date("2026-12-07T10:00:00Z");
    expect(recordPredictions(dir, [{ cell: a.cell, prediction: predictionOf(a) }], first)).to.equal(
      1,
    );
    // A later call (a rerun, a later model) adds only the cells with none.
    const flipped = { ...predictionOf(a), outcome: "failed" as const };
    const later = new Date("2026-12-07T11:00:00Z");
    expect(
      recordPredictions(
        dir,
        [
          { cell: a.cell, prediction: flipped },
          { cell: b.cell, prediction: predictionOf(b) },
        ],
        later,
      ),
    ).to.equal(1);
    const stored = readPredictions(dir);
    expect([...stored.keys()]).to.deep.equal([a.cell, b.cell]);
    expect(stored.get(a.cell)).to.include({
      outcome: predictionOf(a).outcome,
      predictedAt: first.toISOString(),
    });
    expect(stored.get(b.cell)!.predictedAt).to.equal(later.toISOString());
    expect(fs.readdirSync(dir)).to.deep.equal([PREDICTIONS_FILE]);
  });

  it("writes a margin with nothing demanded as a string JSON can hold, and reads it back", () => {
    const dir = tempDir();
    const prediction = { ...predictionOf(RECORDS[0]), margin: Number.POSITIVE_INFINITY };
    recordPredictions(dir, [{ cell: "c", prediction }]);
    expect(fs.readFileSync(path.join(dir, PREDICTIONS_FILE), "utf8")).to.contain(
      '"margin":"Infinity"',
    );
    expect(readPredictions(dir).get("c")!.margin).to.equal(Number.POSITIVE_INFINITY);
  });

  it("refuses a file it did not write, naming the line", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, PREDICTIONS_FILE), '{"cell": "x"}\n');
    expect(() => readPredictions(dir)).to.throw(
      UsageError,
      /predictions\.jsonl:1: not a stored prediction \(predictedAt: /,
    );
    fs.writeFileSync(path.join(dir, PREDICTIONS_FILE), "{cut");
    expect(() => readPredictions(dir)).to.throw(
      UsageError,
      /predictions\.jsonl:1: not a whole JSON line/,
    );
  });

  it("is written by the campaign before any cell runs, for the cells with no record only", async () => {
    const resultsDir = tempDir();
    const [done, ...rest] = RECORDS.slice(0, 4);
    const dir = path.join(resultsDir, done.experiment);
    const lines: string[] = [];
    const campaign = (cells: readonly CellResult[]) =>
      runCampaign({
        experiment: done.experiment,
        resultsDir,
        cells,
        nameOf: (r) => r.cell,
        rerun: false,
        concurrency: 1,
        print: (line) => lines.push(line),
        interactive: false,
        predictBeforeRun: (r) => (r.cell === rest[2].cell ? undefined : predictionOf(r)),
        runner: {
          run: (record) => {
            // Every prediction is on disk before the first cell starts.
            if (cells.length > 1) {
              const stored = readPredictions(dir);
              expect(stored.has(rest[0].cell), record.cell).to.equal(true);
              expect(stored.has(rest[1].cell), record.cell).to.equal(true);
            }
            return Promise.resolve(record);
          },
        },
      });
    await campaign([done]);
    fs.rmSync(path.join(dir, PREDICTIONS_FILE));
    // `done` has a record now: predicting it would not be before its run.
    await campaign([done, ...rest]);
    expect([...readPredictions(dir).keys()]).to.deep.equal([rest[0].cell, rest[1].cell]);
    expect(lines.some((l) => l.startsWith("predicted 2 cell(s) before they run ("))).to.equal(true);
  });
});
