/**
 * The pilot's boundary search end to end — CLI, results store, cell runner, classifier — with a
 * stand-in for spark-submit that answers in a second (test/pilot/fixtures/fake-spark-submit):
 * killed with -9 mid-search, the pilot resumes with exactly the probe it was running, and the
 * search makes the probes an unbroken one makes; run again, it probes nothing, and with --rerun
 * it searches again from the start, replacing each probe's record.
 */
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { nextStep, type Probe } from "../../src/experiment/boundarySearch";
import { cellResultSchema } from "../../src/results/cellResult";
import { installFakeSparkSubmit } from "./fakeSparkSubmit";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "bin", "spark-at-scale");
const BOUNDARY = 1.37;
const RANGE = { min: 0.05, max: 4, tolerance: 0.1 };

const STACK = `config:
  spark-at-scale:experiment:
    name: fake-search
    axes:
      executorMemory: [512m]
      strategy: [broadcast]
      skew: [0]
    search:
      tableRatio: { min: ${RANGE.min}, max: ${RANGE.max}, tolerance: ${RANGE.tolerance} }
    fixed:
      driverMemory: 1g
      probeSize: 32m
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lines = (file: string) =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l !== "")
    : [];

describe("pilot: a boundary search killed with -9 resumes (stand-in spark-submit)", function () {
  this.timeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "search-pilot-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bin = path.join(dir, "bin");
  const stackFile = path.join(dir, "Pulumi.search.yaml");
  const results = path.join(dir, "results");
  const resultsFile = path.join(results, "fake-search", "results.jsonl");
  const probeLog = path.join(dir, "probes.log");
  const env = {
    ...process.env,
    CI: "true",
    FAKE_PROBE_LOG: probeLog,
    FAKE_BOUNDARY: String(BOUNDARY),
    FAKE_PROBE_SECONDS: "1",
  };
  const args = [
    CLI,
    "pilot",
    "--config",
    stackFile,
    "--results",
    results,
    "--spark-submit",
    path.join(bin, "spark-submit"),
    "--no-memory-limits",
  ];

  /** The probes of the whole search, as the first test found them. */
  let searched: number[] = [];

  before(() => {
    installFakeSparkSubmit(bin);
    fs.writeFileSync(stackFile, STACK);
  });

  it("goes on with the probe it was running, and ends with an unbroken search's probes", async () => {
    const first = spawn(process.execPath, args, { env, stdio: "ignore" });
    const deadline = Date.now() + 120_000;
    while (lines(resultsFile).length < 3) {
      expect(Date.now(), "three probes did not finish in time").to.be.below(deadline);
      expect(first.exitCode, "the pilot ended before it was killed").to.equal(null);
      await sleep(100);
    }
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const saved = lines(resultsFile).length;

    const second = spawnSync(process.execPath, args, { env, encoding: "utf8", timeout: 120_000 });
    expect(second.status, second.stderr).to.equal(0);

    // The probes an unbroken search makes from the same first probe.
    const started = lines(probeLog).map(Number);
    const expected: Probe[] = [];
    for (;;) {
      const step = nextStep(expected, RANGE, started[0]);
      if (step.kind === "done") break;
      expected.push({ ratio: step.ratio, passed: step.ratio <= BOUNDARY });
    }
    // A probe killed mid-run is started again, and nothing else is.
    const withoutRestart = started.filter((ratio, i) => i === 0 || ratio !== started[i - 1]);
    expect(withoutRestart).to.deep.equal(expected.map((p) => p.ratio));
    expect(started.length - withoutRestart.length).to.be.at.most(1);

    const records = lines(resultsFile).map((l) => cellResultSchema.parse(JSON.parse(l)));
    expect(records.map((r) => r.parameters.tableRatio!).sort((a, b) => a - b)).to.deep.equal(
      expected.map((p) => p.ratio).sort((a, b) => a - b),
    );
    for (const r of records) {
      expect(r.state === "COMPLETED", r.cell).to.equal(r.parameters.tableRatio! <= BOUNDARY);
    }
    searched = expected.map((p) => p.ratio);
    const ran = expected.length - saved;
    const lastPass = Math.max(...expected.filter((p) => p.passed).map((p) => p.ratio));
    const firstFail = Math.min(...expected.filter((p) => !p.passed).map((p) => p.ratio));
    expect(firstFail / lastPass).to.be.at.most(1 + RANGE.tolerance);
    expect(second.stdout).to.include(
      `search m512m-bhj-s0-aqe: boundary between ${lastPass} (passes) and ${firstFail} (fails) ` +
        `(${expected.length} probes, ${ran} run now)`,
    );
  });

  it("probes nothing when run again after the search ended", () => {
    const probedBefore = lines(probeLog).length;
    const again = spawnSync(process.execPath, args, { env, encoding: "utf8", timeout: 120_000 });
    expect(again.status, again.stderr).to.equal(0);
    expect(lines(probeLog)).to.have.length(probedBefore);
    expect(lines(resultsFile)).to.have.length(searched.length);
  });

  it("searches again from the start with --rerun, replacing each probe's record", () => {
    const probedBefore = lines(probeLog).length;
    const rerun = spawnSync(process.execPath, [...args, "--rerun"], {
      env,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(rerun.status, rerun.stderr).to.equal(0);
    // The same start (the predictor's estimate) and the same answers: the same probes, each
    // run once more, and one record per probe, not two.
    expect(lines(probeLog).slice(probedBefore).map(Number)).to.deep.equal(searched);
    const records = lines(resultsFile).map((l) => cellResultSchema.parse(JSON.parse(l)));
    expect(records.map((r) => r.parameters.tableRatio!).sort((a, b) => a - b)).to.deep.equal(
      [...searched].sort((a, b) => a - b),
    );
  });
});
