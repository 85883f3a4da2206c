/**
 * A boundary search over a TPC-H query's scale factor on the pilot, with the stand-in
 * spark-submit (test/pilot/fixtures/fake-spark-submit: a cell passes up to FAKE_BOUNDARY): each
 * probe's TPC-H data is generated when the search picks its scale factor, the search brackets
 * the boundary within its tolerance, and the config refuses what a search cannot do.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError } from "../../src/config/errors";
import { experimentSchema } from "../../src/config/experiment";
import { parseConfig } from "../../src/config/load";
import { cellSpecs, probeSpec, searchSpecs } from "../../src/experiment/cellSpecs";
import { isProbeOf } from "../../src/experiment/cells";
import { cellResultSchema } from "../../src/results/cellResult";
import { installFakeSparkSubmit } from "./fakeSparkSubmit";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "bin", "spark-at-scale");
const BOUNDARY = 0.037;

const EXPERIMENT = {
  name: "sf-search",
  workload: { kind: "tpch", queries: [3] },
  axes: { executorMemory: ["512m"], strategy: ["broadcast"] },
  search: { scaleFactor: { min: 0.01, max: 0.08, tolerance: 0.25 } },
  fixed: { driverMemory: "1g" },
};

function problem(raw: Record<string, unknown>): string {
  try {
    parseConfig(experimentSchema, raw, "Pulumi.test.yaml");
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

describe("boundary search over a query's scale factor", function () {
  this.timeout(180_000);

  it("makes one search per query and combination, each probe an ordinary query cell", () => {
    const experiment = parseConfig(experimentSchema, EXPERIMENT, "Pulumi.test.yaml");
    expect(cellSpecs(experiment)).to.deep.equal([]);
    const [search] = searchSpecs(experiment);
    expect(search.name).to.equal("tpch-q03-m512m-bhj-aqe");
    const probe = probeSpec(search, 0.02, experiment);
    expect(probe.name).to.equal("tpch-q03-sf0p02-m512m-bhj-aqe-1");
    expect(isProbeOf(search, probe.parameters)).to.equal(true);
    expect(probe.workloadArgs).to.include("--scale-factor");
  });

  it("refuses a search the workload cannot take", () => {
    expect(problem({ ...EXPERIMENT, axes: { ...EXPERIMENT.axes, scaleFactor: [1] } })).to.match(
      /search.scaleFactor: a boundary search chooses the scale factors itself/,
    );
    expect(problem({ ...EXPERIMENT, search: { tableRatio: { min: 0.1, max: 1 } } })).to.match(
      /search.tableRatio: searches the join workload's table ratio/,
    );
    expect(
      problem({
        ...EXPERIMENT,
        workload: { kind: "sql", name: "q", file: "q.sql", tables: { t: "t/{scaleFactor}" } },
      }),
    ).to.match(/search.scaleFactor: not for workload.kind sql/);
    expect(problem({ ...EXPERIMENT, search: {} })).to.match(
      /search: one of tableRatio \(the join workload\) or scaleFactor \(a query workload\)/,
    );
    expect(
      problem({
        ...EXPERIMENT,
        workload: { kind: "join" },
        axes: { ...EXPERIMENT.axes, skew: [0] },
      }),
    ).to.match(/search.scaleFactor: searches a query workload's data size/);
  });

  it("brackets the failing scale factor, generating each probe's data as it goes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sf-search-"));
    try {
      const sparkSubmit = installFakeSparkSubmit(path.join(dir, "bin"));
      const stack = path.join(dir, "Pulumi.sf-search.yaml");
      fs.writeFileSync(
        stack,
        `config:\n  spark-at-scale:experiment: ${JSON.stringify(EXPERIMENT)}\n`,
      );
      const cache = path.join(dir, "cache");
      const run = spawnSync(
        process.execPath,
        [
          CLI,
          "pilot",
          "--config",
          stack,
          "--results",
          path.join(dir, "results"),
          "--spark-submit",
          sparkSubmit,
          "--no-memory-limits",
        ],
        {
          encoding: "utf8",
          env: {
            ...process.env,
            CI: "true",
            SPARK_AT_SCALE_CACHE: cache,
            FAKE_PROBE_LOG: path.join(dir, "probes.log"),
            FAKE_BOUNDARY: String(BOUNDARY),
            FAKE_PROBE_SECONDS: "0.2",
          },
          timeout: 150_000,
        },
      );
      expect(run.status, run.stderr + run.stdout).to.equal(0);
      const records = fs
        .readFileSync(path.join(dir, "results", "sf-search", "results.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => cellResultSchema.parse(JSON.parse(line)));
      const sizes = records.map((r) => r.parameters.query!.scaleFactor);
      for (const r of records)
        expect(r.state === "COMPLETED", r.cell).to.equal(
          r.parameters.query!.scaleFactor <= BOUNDARY,
        );
      const lastPass = Math.max(...sizes.filter((s) => s <= BOUNDARY));
      const firstFail = Math.min(...sizes.filter((s) => s > BOUNDARY));
      expect(firstFail / lastPass).to.be.at.most(1.25);
      expect(run.stdout).to.include(
        `search tpch-q03-m512m-bhj-aqe: boundary between ${lastPass} (passes) and ${firstFail} (fails)`,
      );
      // Every probe's data, and no other, was generated when its scale factor was chosen.
      const generated = fs.readdirSync(path.join(cache, "tpch", "tpchgen-cli-4.0.0")).sort();
      expect(generated).to.deep.equal(sizes.map((s) => `sf${s}`).sort());
      expect(run.stdout).to.match(/search tpch-q03-m512m-bhj-aqe: probe tpch-q03-sf0p028/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
