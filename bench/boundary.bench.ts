/**
 * What a boundary search costs against a grid, and how well the predictor does on its probes.
 *
 *   npm run bench:boundary                                  # cells only
 *   npm run bench:boundary -- Pulumi.x.yaml results.jsonl   # and the predictor on real probes
 *
 * 1. Cells: the grid that finds a boundary anywhere in a range to a tolerance needs ratios
 *    spaced by at most 1 + tolerance (gridProbesFor). A search's cells depend on the boundary and
 *    on how far the predictor's estimate is from it: each search here is run, by the pilot's own
 *    next-probe function, against a boundary at each of 200 ratios spread evenly (log) over the
 *    range, starting from an estimate off by a factor (both ways). Nothing is timed.
 * 2. The predictor on the probes of a real search (the stack file's experiment, its results):
 *    outcome and failure-class accuracy with the shipped constants, nothing fit on the probes,
 *    and both confusion matrices. Probes sit next to the boundary, so they are the hardest cells.
 */
import * as fs from "node:fs";
import * as yaml from "js-yaml";
import { experimentSchema } from "../src/config/experiment";
import {
  gridProbesFor,
  nextStep,
  probesOf,
  type Probe,
  type SearchRange,
} from "../src/experiment/boundarySearch";
import { isProbeOf } from "../src/experiment/cells";
import { searchSpecs } from "../src/experiment/cellSpecs";
import { accuracy } from "../src/predict/accuracy";
import { predict } from "../src/predict/predict";
import { inputFromRecord } from "../src/predict/records";
import { classConfusionText, confusionText } from "../src/report/summary";
import { readResultsFile } from "../src/report/loadResults";

const RANGES: readonly SearchRange[] = [
  { min: 0.05, max: 4, tolerance: 0.1 },
  { min: 0.1, max: 2, tolerance: 0.25 },
  { min: 0.05, max: 4, tolerance: 0.05 },
];
const ESTIMATE_ERRORS = [1, 1.25, 2, 4, 10];
const BOUNDARIES = 200;

function cellsFor(range: SearchRange, boundary: number, start: number): number {
  const probes: Probe[] = [];
  for (;;) {
    const step = nextStep(probes, range, start);
    if (step.kind === "done") return probes.length;
    probes.push({ ratio: step.ratio, passed: step.ratio <= boundary });
  }
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

function cellsTable(): void {
  console.log("1. cells to find a boundary to the tolerance: search vs grid (computed now)");
  console.log(
    "range         tolerance  grid cells  estimate off by  search cells: min  median  p90  max",
  );
  for (const range of RANGES) {
    const grid = gridProbesFor(range);
    // Boundaries strictly inside the range, where both sides exist.
    const boundaries = Array.from(
      { length: BOUNDARIES },
      (_, i) => range.min * (range.max / range.min) ** ((i + 0.5) / BOUNDARIES),
    );
    for (const error of ESTIMATE_ERRORS) {
      const counts = boundaries
        .flatMap((b) => [cellsFor(range, b, b * error), cellsFor(range, b, b / error)])
        .sort((a, b) => a - b);
      console.log(
        `${`${range.min} to ${range.max}`.padEnd(14)}${String(range.tolerance).padEnd(11)}` +
          `${String(grid).padEnd(12)}${`x${error}`.padEnd(17)}` +
          `${String(counts[0]).padStart(17)}  ${String(percentile(counts, 0.5)).padStart(6)}  ` +
          `${String(percentile(counts, 0.9)).padStart(3)}  ${String(counts.at(-1)).padStart(3)}`,
      );
    }
  }
}

function probesReport(stackFile: string, resultsFile: string): void {
  const stack = yaml.load(fs.readFileSync(stackFile, "utf8")) as {
    config?: Record<string, unknown>;
  };
  const experiment = experimentSchema.parse(stack.config?.["spark-at-scale:experiment"]);
  const searches = searchSpecs(experiment);
  if (searches.length === 0) throw new Error(`${stackFile}: its experiment asks for no search`);
  const records = readResultsFile(resultsFile);
  const probes = records.filter((r) => searches.some((s) => isProbeOf(s, r.parameters)));
  console.log(`\n2. real searches (${stackFile}, ${resultsFile})`);
  for (const search of searches) {
    const own = probesOf(search, records);
    const step = nextStep(own, search.range, 1);
    const grid = gridProbesFor(search.range);
    console.log(
      `${search.name}: ${own.length} cells (${step.kind === "done" ? step.why : "not finished"}); ` +
        `a grid to the same tolerance: ${grid} cells`,
    );
  }
  const pairs = probes.map((r) => ({
    observed: r,
    predicted: predict(inputFromRecord(r, experiment.fixed)),
  }));
  const report = accuracy(pairs);
  const pct = (x: number) => (Number.isNaN(x) ? "n/a" : `${Math.round(x * 100)} %`);
  console.log(
    `predictor on ${report.cells} boundary probes of ${searches.length} searches (shipped constants): ` +
      `outcome ${pct(report.outcomeAccuracy)}, failure class ${pct(report.classAccuracy)}`,
  );
  console.log(confusionText(report));
  console.log(classConfusionText(report));
  for (const w of report.wrong) {
    console.log(
      `  wrong: ${w.cell}: observed ${w.observed.failureClass}, predicted ${w.predicted.failureClass}`,
    );
  }
}

cellsTable();
const [stackFile, resultsFile] = process.argv.slice(2);
if (stackFile && resultsFile) probesReport(stackFile, resultsFile);
else console.log("\n2. no stack file and results given: the predictor on real probes not computed");
