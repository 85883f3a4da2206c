import { expect } from "chai";
import {
  bracketOf,
  gridProbesFor,
  isTight,
  nextStep,
  probesOf,
  roundRatioDown,
  type Probe,
  type SearchRange,
  type SearchStep,
} from "../../src/experiment/boundarySearch";
import type { CellParameters, SearchSpec } from "../../src/experiment/cells";
import type { MiB } from "../../src/core/quantity";
import { searchName } from "../../src/experiment/cells";

const RANGE: SearchRange = { min: 0.05, max: 4, tolerance: 0.1 };

/** Runs a search to its end against `passes`, returning every probe in the order it ran. */
function searchAgainst(
  passes: (ratio: number) => boolean,
  range: SearchRange,
  start: number,
): { probes: Probe[]; end: SearchStep } {
  const probes: Probe[] = [];
  for (let i = 0; i < 100; i++) {
    const step = nextStep(probes, range, start);
    if (step.kind === "done") return { probes, end: step };
    probes.push({ ratio: step.ratio, passed: passes(step.ratio) });
  }
  throw new Error("the search did not end within 100 probes");
}

describe("boundary search: the next probe from the probes so far", () => {
  it("starts at the predictor's estimate, rounded down to three significant digits and clipped to the range", () => {
    expect(nextStep([], RANGE, 0.45678)).to.deep.equal({ kind: "probe", ratio: 0.456 });
    expect(nextStep([], RANGE, 0.37497)).to.deep.equal({ kind: "probe", ratio: 0.374 });
    expect(nextStep([], RANGE, 1.5)).to.deep.equal({ kind: "probe", ratio: 1.5 });
    expect(nextStep([], RANGE, 0.0599999)).to.deep.equal({ kind: "probe", ratio: 0.0599 });
    expect(nextStep([], RANGE, 9)).to.deep.equal({ kind: "probe", ratio: 4 });
    expect(nextStep([], RANGE, 0.001)).to.deep.equal({ kind: "probe", ratio: 0.05 });
  });

  it("needs two probes when the estimate sits on the boundary: one each side, a tolerance apart", () => {
    const { probes, end } = searchAgainst((r) => r <= 0.5, RANGE, 0.5);
    expect(probes).to.deep.equal([
      { ratio: 0.5, passed: true },
      { ratio: 0.55, passed: false },
    ]);
    expect(end).to.deep.equal({ kind: "done", why: "bracketed" });
  });

  it("gallops up from a low estimate in steps that double in log space, then bisects geometrically", () => {
    const { probes, end } = searchAgainst((r) => r <= 1.3, RANGE, 0.2);
    // 0.2, x1.1, x1.1^2, x1.1^4, x1.1^8 (each rounded down, towards the pass); the first
    // failure ends the gallop.
    expect(probes.map((p) => p.ratio).slice(0, 5)).to.deep.equal([0.2, 0.22, 0.266, 0.389, 0.833]);
    expect(probes[5]).to.deep.equal({ ratio: roundRatioDown(0.833 * 1.1 ** 16), passed: false });
    const bracket = bracketOf(probes);
    expect(end).to.deep.equal({ kind: "done", why: "bracketed" });
    expect(bracket.lastPass).to.be.at.most(1.3);
    expect(bracket.firstFail).to.be.above(1.3);
    expect(bracket.firstFail! / bracket.lastPass!).to.be.at.most(1.1 + 1e-9);
    // Bisection after the gallop: each probe lies strictly inside the bracket before it.
    for (let i = 6; i < probes.length; i++) {
      const before = bracketOf(probes.slice(0, i));
      expect(probes[i].ratio).to.be.above(before.lastPass!).and.below(before.firstFail!);
    }
  });

  it("rounds a first step towards the probe it steps from, so that one step brackets to the tolerance", () => {
    // The estimate 0.374 fails; 0.374 / 1.25 = 0.2992. Rounded to 0.299 the pair would be 1.2508
    // apart, over the tolerance, and cost a third probe; rounded up to 0.3 it is 1.2467.
    const range = { min: 0.2, max: 1, tolerance: 0.25 };
    const down = searchAgainst((r) => r <= 0.33, range, 0.374);
    expect(down.probes).to.deep.equal([
      { ratio: 0.374, passed: false },
      { ratio: 0.3, passed: true },
    ]);
    expect(down.end).to.deep.equal({ kind: "done", why: "bracketed" });
    // Upwards: 0.299 passes, 0.299 x 1.25 = 0.37375, rounded down to 0.373 (0.374 would be 1.2508).
    const up = searchAgainst((r) => r <= 0.33, range, 0.299);
    expect(up.probes).to.deep.equal([
      { ratio: 0.299, passed: true },
      { ratio: 0.373, passed: false },
    ]);
    expect(up.end).to.deep.equal({ kind: "done", why: "bracketed" });
  });

  it("gallops down from a high estimate", () => {
    const { probes, end } = searchAgainst((r) => r <= 0.11, RANGE, 2);
    expect(probes.slice(0, 3)).to.deep.equal([
      { ratio: 2, passed: false },
      { ratio: 1.82, passed: false },
      { ratio: 1.51, passed: false }, // 1.82 / 1.1^2 = 1.504, rounded up, towards the failure
    ]);
    expect(end.kind).to.equal("done");
    const bracket = bracketOf(probes);
    expect(bracket.lastPass).to.be.at.most(0.11);
    expect(bracket.firstFail).to.be.above(0.11);
    expect(isTight(bracket, 0.1)).to.equal(true);
  });

  it("brackets every boundary in the range to the tolerance, from any start, in fewer probes than a grid", () => {
    const grid = gridProbesFor(RANGE);
    for (const boundary of [0.06, 0.1, 0.33, 0.5, 0.77, 1, 2.2, 3.5]) {
      for (const start of [0.05, 0.25, 1, 4]) {
        for (const tolerance of [0.05, 0.1, 0.25]) {
          const range = { ...RANGE, tolerance };
          const { probes, end } = searchAgainst((r) => r <= boundary, range, start);
          const bracket = bracketOf(probes);
          const label = `boundary ${boundary}, start ${start}, tolerance ${tolerance}`;
          expect(end, label).to.deep.equal({ kind: "done", why: "bracketed" });
          expect(bracket.lastPass, label).to.be.at.most(boundary);
          expect(bracket.firstFail, label).to.be.above(boundary);
          expect(bracket.firstFail! / bracket.lastPass!, label).to.be.at.most(1 + tolerance + 1e-9);
          if (tolerance === 0.1) expect(probes.length, label).to.be.below(grid);
        }
      }
    }
  });

  it("ends without a bracket when the whole range passes or fails", () => {
    expect(searchAgainst(() => true, RANGE, 1).end).to.deep.equal({
      kind: "done",
      why: "passes-at-max",
    });
    const allFail = searchAgainst(() => false, RANGE, 1);
    expect(allFail.end).to.deep.equal({ kind: "done", why: "fails-at-min" });
    expect(allFail.probes.at(-1)).to.deep.equal({ ratio: 0.05, passed: false });
  });

  it("reports passes above the first failure instead of searching them (a boundary that is not one step)", () => {
    // Fails between 0.3 and 0.6, passes again above (AQE splitting a skewed partition). A search
    // only probes inside its bracket, so it meets such a pass in records it did not choose: here
    // three grid cells of the same combination in the same results.
    const passes = (r: number) => r <= 0.3 || r > 0.6;
    const probes: Probe[] = [0.2, 0.45, 0.8].map((ratio) => ({ ratio, passed: passes(ratio) }));
    expect(bracketOf(probes)).to.deep.equal({
      lastPass: 0.2,
      firstFail: 0.45,
      passesAboveFail: [0.8],
    });
    for (;;) {
      const step = nextStep(probes, RANGE, 1);
      if (step.kind === "done") {
        expect(step.why).to.equal("bracketed");
        break;
      }
      expect(step.ratio).to.be.above(0.2).and.below(0.45);
      probes.push({ ratio: step.ratio, passed: passes(step.ratio) });
    }
    const bracket = bracketOf(probes);
    expect(bracket.lastPass).to.be.at.most(0.3);
    expect(bracket.firstFail).to.be.above(0.3);
    expect(bracket.passesAboveFail).to.deep.equal([0.8]);
  });

  it("resumes exactly: after any prefix of a search, in any order, the next probe is the one the whole run made", () => {
    const passes = (r: number) => r <= 0.71;
    const { probes } = searchAgainst(passes, RANGE, 0.2);
    expect(probes.length).to.be.at.least(6);
    for (let k = 0; k < probes.length; k++) {
      const prefix = probes.slice(0, k);
      const shuffled = [...prefix].reverse();
      const expected = { kind: "probe", ratio: probes[k].ratio };
      expect(nextStep(prefix, RANGE, 0.2), `after ${k} probes`).to.deep.equal(expected);
      expect(nextStep(shuffled, RANGE, 0.2), `after ${k} probes, reversed`).to.deep.equal(expected);
    }
  });

  it("counts the grid that finds any boundary in the range to the same tolerance", () => {
    // Ratios 0.05 * 1.1^k up to 4: log(80) / log(1.1) = 45.98 steps, so 47 points.
    expect(gridProbesFor(RANGE)).to.equal(47);
    expect(gridProbesFor({ min: 1, max: 2, tolerance: 1 })).to.equal(2);
  });
});

describe("boundary search: probes read from records", () => {
  const parameters: Omit<CellParameters, "tableRatio" | "repeat"> = {
    executorMemory: "512m",
    strategy: "broadcast",
    skew: 0,
    aqe: true,
    memoryOverheadFactor: 0.1,
    executorCores: 1,
    memoryOverhead: null,
  };
  const search: SearchSpec = {
    name: searchName(parameters),
    experiment: "unit",
    parameters,
    memory: { heapMiB: 512 as MiB },
    range: RANGE,
  };
  const record = (
    tableRatio: number,
    failureClass: string,
    other: Partial<CellParameters> = {},
  ) => ({
    parameters: { ...parameters, tableRatio, repeat: 1, ...other },
    state: failureClass === "none" ? "COMPLETED" : "FAILED",
    failureClass,
  });

  it("takes the search's own cells at any ratio, passed only when completed without failure", () => {
    const probes = probesOf(search, [
      record(0.9, "executor_jvm_oom"),
      record(0.4, "none"),
      record(0.4, "none", { skew: 1.2 }),
      record(0.4, "none", { strategy: "sort_merge" }),
      { ...record(0.6, "none"), state: "TIMEOUT" },
    ]);
    expect(search.name).to.equal("m512m-bhj-s0-aqe");
    expect(probes).to.deep.equal([
      { ratio: 0.4, passed: true },
      { ratio: 0.6, passed: false },
      { ratio: 0.9, passed: false },
    ]);
  });
});
