import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { boundaryPoints } from "../../src/report/boundaryCurves";
import { writeReport } from "../../src/report/writeReport";
import type { CellResult } from "../../src/results/cellResult";
import { sampleRecord } from "../helpers/sampleRecord";

const FALLBACK = { keys: 50_000, partitions: 4 };

/** A probe record: the sample cell at another memory, skew and ratio, passed or failed. */
function probe(memory: "512m" | "1g", skew: number, ratio: number, passed: boolean): CellResult {
  const heapMiB = memory === "512m" ? 512 : 1024;
  const base = sampleRecord("x");
  const name = `m${memory}-bhj-r${ratio}-s${skew}-aqe-1`;
  return sampleRecord(name, {
    parameters: { ...base.parameters, executorMemory: memory, skew, tableRatio: ratio },
    sizing: { ...base.sizing, heapMiB, buildBytes: Math.round(ratio * heapMiB * 1024 * 1024) },
    state: passed ? "COMPLETED" : "FAILED",
    failureClass: passed ? "none" : "executor_jvm_oom",
  });
}

/** Searches at two memories and two skews, each bracketed within 10 %; and one wide bracket. */
function searchRecords(): CellResult[] {
  return [
    ...[0.3, 0.45, 0.5].map((r) => probe("512m", 0, r, r <= 0.45)),
    ...[0.3, 0.6, 0.66].map((r) => probe("1g", 0, r, r <= 0.6)),
    ...[0.2, 0.4, 0.43].map((r) => probe("512m", 1.2, r, r <= 0.4)),
    // 0.25 passes and 1 fails: a factor of 4 says little, and is not drawn.
    ...[0.25, 1].map((r) => probe("1g", 1.2, r, r <= 0.25)),
  ];
}

/** The items (`<path>`, `<line>`) of every mark named `name` in a Vega SVG (summed over panels). */
function markItems(svg: string, name: string): number {
  const groups = [
    ...svg.matchAll(new RegExp(`<g class="[^"]* ${name}_marks"[^>]*>(.*?)</g>`, "gs")),
  ];
  return groups.reduce((sum, g) => sum + (g[1].match(/<(path|line)\b/g) ?? []).length, 0);
}

describe("report: boundary curves", function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boundary-report-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads each combination's bracket from its records and the predictor's boundary beside it", () => {
    const points = boundaryPoints(searchRecords(), FALLBACK);
    expect(
      points.map((p) => [p.name, p.measured.lastPass, p.measured.firstFail, p.probes]),
    ).to.deep.equal([
      ["m1g-bhj-s0-aqe", 0.6, 0.66, 3],
      ["m1g-bhj-s1p2-aqe", 0.25, 1, 2],
      ["m512m-bhj-s0-aqe", 0.45, 0.5, 3],
      ["m512m-bhj-s1p2-aqe", 0.4, 0.43, 3],
    ]);
    expect(points[1].predicted, "a wide bracket is not drawn, so not predicted").to.equal(null);
    for (const p of [points[0], points[2], points[3]]) {
      expect(p.predicted?.lastPass, p.name).to.be.a("number").above(0);
    }
  });

  it("draws one dot per drawn boundary, one diamond per predicted one, and a bracket bar each", async () => {
    const report = await writeReport(searchRecords(), path.join(dir, "search"), "search");
    expect(report.charts).to.include("boundary-broadcast");
    const svg = fs.readFileSync(path.join(dir, "search", "boundary-broadcast.svg"), "utf8");
    expect(markItems(svg, "measured_points")).to.equal(3);
    expect(markItems(svg, "predicted_points")).to.equal(3);
    expect(markItems(svg, "bracket")).to.equal(3);
    // One measured and one predicted line per panel with points: skew 0 (two memories) and skew 1.2.
    expect(markItems(svg, "measured_line")).to.equal(2);
    expect(markItems(svg, "predicted_line")).to.equal(2);
    expect(fs.existsSync(path.join(dir, "search", "boundary-broadcast.png"))).to.equal(true);
    const html = fs.readFileSync(path.join(dir, "search", "index.html"), "utf8");
    expect(html).to.include("<h2>Boundaries</h2>");
    expect(report.boundaries.split("\n").filter((l) => l.startsWith("m"))).to.have.length(3);
    expect(report.boundaries).to.match(/m512m-bhj-s0-aqe\s+3\s+0\.45\s+0\.5\s+11 %/);
  });

  it("draws no boundary chart for a grid too coarse to bracket one", async () => {
    const coarse = [0.25, 1].map((r) => probe("512m", 0, r, r <= 0.25));
    const report = await writeReport(coarse, path.join(dir, "coarse"), "coarse");
    expect(report.charts).to.not.include("boundary-broadcast");
    expect(report.boundaries).to.equal("");
  });
});
