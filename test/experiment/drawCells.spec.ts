import { expect } from "chai";
import { ConfigError } from "../../src/config/errors";
import { experimentSchema, type ExperimentConfig } from "../../src/config/experiment";
import { parseConfig } from "../../src/config/load";
import { sparkMemoryToMiB } from "../../src/core/quantity";
import { cellSpecs } from "../../src/experiment/cellSpecs";

const SPACE = {
  name: "draw",
  axes: {
    strategy: ["broadcast", "shuffle_hash", "sort_merge"],
    aqe: [true, false],
    executorCores: [1, 2],
  },
  draw: {
    cells: 40,
    seed: 7,
    ranges: {
      executorMemory: { min: "512m", max: "2g", step: "64m" },
      tableRatio: { min: 0.1, max: 0.6 },
      skew: { min: 0, max: 1.5 },
      memoryOverhead: { min: "64m", max: "512m" },
    },
  },
};

function parse(experiment: Record<string, unknown>): ExperimentConfig {
  return parseConfig(experimentSchema, experiment, "Pulumi.test.yaml");
}

function problem(experiment: Record<string, unknown>): string {
  try {
    parse(experiment);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

/** True when `value` is `min + k * step` for a whole k (to 6 decimals). */
function onGrid(value: number, min: number, step: number): boolean {
  const k = (value - min) / step;
  return Math.abs(k - Math.round(k)) < 1e-6;
}

describe("random draw: cells drawn from a space instead of a grid", () => {
  const experiment = parse(SPACE);
  const cells = cellSpecs(experiment);

  it("draws exactly draw.cells distinct cells, each a value of every axis list or range", () => {
    expect(cells).to.have.length(40);
    expect(new Set(cells.map((c) => c.name)).size).to.equal(40);
    for (const { name, parameters: p, sizing } of cells) {
      const heap = sparkMemoryToMiB(p.executorMemory)!;
      expect(heap, name).to.be.within(512, 2048);
      expect(onGrid(heap, 512, 64), name).to.equal(true);
      expect(p.tableRatio, name).to.be.within(0.1, 0.6);
      expect(onGrid(p.tableRatio!, 0.1, 0.01), name).to.equal(true);
      expect(p.skew, name).to.be.within(0, 1.5);
      expect(onGrid(p.skew, 0, 0.1), name).to.equal(true);
      const overhead = sparkMemoryToMiB(p.memoryOverhead!)!;
      expect(overhead, name).to.be.within(64, 512);
      expect(onGrid(overhead, 64, 32), name).to.equal(true);
      expect(sizing.overheadMiB, name).to.equal(overhead);
      expect(["broadcast", "shuffle_hash", "sort_merge"]).to.include(p.strategy);
      expect([1, 2]).to.include(p.executorCores);
    }
    // Forty draws reach every value of every list.
    for (const key of ["strategy", "aqe", "executorCores"] as const) {
      expect(new Set(cells.map((c) => c.parameters[key])).size, key).to.equal(
        SPACE.axes[key].length,
      );
    }
  });

  it("draws the same cells from the same seed and others from another", () => {
    expect(cellSpecs(parse(SPACE)).map((c) => c.name)).to.deep.equal(cells.map((c) => c.name));
    const other = cellSpecs(parse({ ...SPACE, draw: { ...SPACE.draw, seed: 8 } }));
    expect(other.map((c) => c.name)).to.not.deep.equal(cells.map((c) => c.name));
  });

  it("keeps the first cells of a draw when more are drawn", () => {
    // The n-th draw depends on the seed and the space only: asking for more adds cells.
    const fewer = cellSpecs(parse({ ...SPACE, draw: { ...SPACE.draw, cells: 10 } }));
    const names = new Set(cells.map((c) => c.name));
    for (const c of fewer) expect(names.has(c.name), c.name).to.equal(true);
  });

  it("draws again a cell an exclusion names, and repeats each drawn cell", () => {
    const excluded = cellSpecs(
      parse({ ...SPACE, exclude: [{ strategy: "broadcast", executorCores: 2 }] }),
    );
    expect(excluded).to.have.length(40);
    expect(
      excluded.filter(
        (c) => c.parameters.strategy === "broadcast" && c.parameters.executorCores === 2,
      ),
    ).to.deep.equal([]);
    const repeated = cellSpecs(
      parse({ ...SPACE, draw: { ...SPACE.draw, cells: 3 }, fixed: { repeats: 2 } }),
    );
    expect(repeated.map((c) => c.parameters.repeat).sort()).to.deep.equal([1, 1, 1, 2, 2, 2]);
  });

  it("picks from an axis's list when no range replaces it", () => {
    const listed = parse({
      ...SPACE,
      axes: { ...SPACE.axes, executorMemory: ["1g", "2g"] },
      draw: {
        cells: 12,
        seed: 1,
        ranges: { tableRatio: { min: 0.2, max: 0.3 }, skew: { min: 0, max: 0 } },
      },
    });
    const heaps = new Set(cellSpecs(listed).map((c) => c.parameters.executorMemory));
    expect([...heaps].sort()).to.deep.equal(["1g", "2g"]);
    expect(cellSpecs(listed).every((c) => c.parameters.memoryOverhead === null)).to.equal(true);
  });

  it("says so when the space holds fewer distinct cells than asked for", () => {
    const tiny = parse({
      name: "tiny",
      axes: { executorMemory: ["1g"], strategy: ["broadcast"], skew: [0] },
      draw: { cells: 5, seed: 1, ranges: { tableRatio: { min: 0.1, max: 0.12 } } },
    });
    expect(() => cellSpecs(tiny)).to.throw(
      /experiment\.draw\.cells: 5: 1000 draws found only 3 distinct cells .*widen the space \(axes, draw\.ranges\) or draw fewer/,
    );
  });

  it("refuses a draw with a search, a query workload, or a range beside its axis, naming each key", () => {
    expect(problem({ ...SPACE, search: { tableRatio: { min: 0.1, max: 1 } } })).to.match(
      /draw: draws cells at random instead of a grid; a boundary search \(search\) chooses its own: give one/,
    );
    expect(
      problem({
        ...SPACE,
        workload: { kind: "tpch", queries: [3] },
        axes: { ...SPACE.axes, scaleFactor: [1] },
        draw: { cells: 2, seed: 1 },
      }),
    ).to.contain("draw: draws cells of the join workload");
    expect(problem({ ...SPACE, axes: { ...SPACE.axes, skew: [0, 1] } })).to.contain(
      "draw.ranges.skew: replaces axes.skew: give the range or the list, not both",
    );
    expect(problem({ ...SPACE, draw: { ...SPACE.draw, ranges: {} } })).to.contain(
      "axes.executorMemory: required: a list of executor heaps such as [512m, 1g], unless draw.ranges.executorMemory draws them",
    );
  });

  it("refuses a bad range or count with the key, the value and what is allowed", () => {
    const ranges = SPACE.draw.ranges;
    expect(
      problem({
        ...SPACE,
        draw: { ...SPACE.draw, ranges: { ...ranges, tableRatio: { min: 0.6, max: 0.1 } } },
      }),
    ).to.contain(
      "draw.ranges.tableRatio.max: at least min (0.6): values are drawn from min to max",
    );
    expect(
      problem({
        ...SPACE,
        draw: { ...SPACE.draw, ranges: { ...ranges, executorMemory: { min: "256m", max: "1g" } } },
      }),
    ).to.contain("draw.ranges.executorMemory.min: executor memory: at least 450 MiB");
    expect(problem({ ...SPACE, draw: { ...SPACE.draw, cells: 0 } })).to.contain(
      "draw.cells: at least 1",
    );
    expect(problem({ ...SPACE, draw: { ...SPACE.draw, seed: 1.5 } })).to.contain(
      "draw.seed: a whole number",
    );
  });
});
