import { expect } from "chai";
import { ConfigError } from "../../src/config/errors";
import { experimentSchema, type ExperimentConfig } from "../../src/config/experiment";
import { parseConfig } from "../../src/config/load";
import { cellSpecs, probeSpec, searchSpecs } from "../../src/experiment/cellSpecs";
import { planCells } from "../../src/experiment/planCells";

const BASE = {
  name: "search",
  axes: { executorMemory: ["512m", "1g"], strategy: ["broadcast"], skew: [0, 1.2] },
};

function parse(extra: Record<string, unknown>): ExperimentConfig {
  return parseConfig(experimentSchema, { ...BASE, ...extra }, "Pulumi.test.yaml");
}

function problem(extra: Record<string, unknown>): string {
  try {
    parse(extra);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

describe("boundary search: experiment config", () => {
  it("takes a range of table ratios instead of axes.tableRatio, with a 10 % tolerance by default", () => {
    const experiment = parse({ search: { tableRatio: { min: 0.05, max: 4 } } });
    expect(experiment.search).to.deep.equal({ tableRatio: { min: 0.05, max: 4, tolerance: 0.1 } });
    expect(cellSpecs(experiment)).to.deep.equal([]);
  });

  it("makes one search per combination of the other axes, each probe an ordinary cell", () => {
    const experiment = parse({ search: { tableRatio: { min: 0.05, max: 4, tolerance: 0.2 } } });
    const searches = searchSpecs(experiment);
    expect(searches.map((s) => s.name)).to.deep.equal([
      "m1g-bhj-s0-aqe",
      "m1g-bhj-s1p2-aqe",
      "m512m-bhj-s0-aqe",
      "m512m-bhj-s1p2-aqe",
    ]);
    expect(searches[2].range).to.deep.equal({ min: 0.05, max: 4, tolerance: 0.2 });
    const probe = probeSpec(searches[2], 0.457, experiment);
    expect(probe.name).to.equal("m512m-bhj-r0p457-s0-aqe-1");
    expect(probe.parameters.tableRatio).to.equal(0.457);
    expect(probe.sizing.buildBytes).to.equal(Math.round(0.457 * 512 * 1024 * 1024));
  });

  it("is refused for a stack's cells, which are all known before any runs", () => {
    const experiment = parse({ search: { tableRatio: { min: 0.05, max: 4 } } });
    const plan = planCells(experiment, {
      executorGroups: [],
      driverScheduling: { nodeSelector: {}, tolerations: [] },
    });
    expect(plan.cells).to.deep.equal([]);
    expect(plan.problems).to.have.length(1);
    expect(plan.problems[0]).to.match(
      /^spark-at-scale:experiment\.search: .* runs on the local pilot .* only; a stack's cells \(pulumi up, run\) need a grid: axes\.tableRatio$/,
    );
  });

  const invalid: Array<[string, Record<string, unknown>, RegExp[]]> = [
    [
      "neither a grid nor a search",
      {},
      [/spark-at-scale:axes\.tableRatio/, /unless search\.tableRatio/, /got nothing/],
    ],
    [
      "both a grid and a search",
      { axes: { ...BASE.axes, tableRatio: [1] }, search: { tableRatio: { min: 0.1, max: 2 } } },
      [/spark-at-scale:search\.tableRatio/, /not both/],
    ],
    [
      "max not above min",
      { search: { tableRatio: { min: 2, max: 0.1 } } },
      [/spark-at-scale:search\.tableRatio\.max/, /above min \(2\)/, /got 0\.1/],
    ],
    [
      "a range already within the tolerance",
      { search: { tableRatio: { min: 1, max: 1.05 } } },
      [/spark-at-scale:search\.tableRatio:/, /within the tolerance 0\.1/, /1 \+ tolerance/],
    ],
    [
      "a tolerance of 0",
      { search: { tableRatio: { min: 0.1, max: 2, tolerance: 0 } } },
      [/spark-at-scale:search\.tableRatio\.tolerance/, /above 0/, /got 0\)/],
    ],
    [
      "an unknown key",
      { search: { tableRatio: { min: 0.1, max: 2, steps: 4 } } },
      [/search\.tableRatio\.steps: unknown key/, /allowed keys: max, min, tolerance/],
    ],
    [
      "repeats",
      { search: { tableRatio: { min: 0.1, max: 2 } }, fixed: { repeats: 3 } },
      [/spark-at-scale:fixed\.repeats/, /repeats must be 1/, /got 3/],
    ],
    [
      "an exclusion naming a ratio",
      { search: { tableRatio: { min: 0.1, max: 2 } }, exclude: [{ tableRatio: 1 }] },
      [/spark-at-scale:exclude\[0\]\.tableRatio/, /cannot name one/, /got 1\)/],
    ],
  ];
  for (const [what, extra, expected] of invalid) {
    it(`refuses ${what}, naming the key, the value and what is allowed`, () => {
      const message = problem(extra);
      for (const pattern of expected) expect(message).to.match(pattern);
    });
  }
});
