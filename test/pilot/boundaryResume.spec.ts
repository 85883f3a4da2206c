/**
 * A boundary search resumes after its process is killed with -9: the pilot's search loop and
 * results store, with a fake cell (test/pilot/fixtures/fakeSearch.ts) in place of Spark.
 */
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { searchSpecs } from "../../src/experiment/cells";
import { runBoundarySearch, type SearchResult } from "../../src/pilot/boundaryRun";
import type { ProbeRecord } from "../../src/experiment/boundarySearch";
import { FAKE_BOUNDARY, FAKE_SEARCH_EXPERIMENT, FAKE_START } from "./fixtures/fakeSearchExperiment";

const FIXTURE = path.join(__dirname, "fixtures", "fakeSearch.ts");
const ROOT = path.resolve(__dirname, "..", "..");
const env = {
  ...process.env,
  TS_NODE_TRANSPILE_ONLY: "true",
  TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json"),
};
const TS_NODE = require.resolve("ts-node/register");
const args = (dir: string, log: string) => ["-r", TS_NODE, FIXTURE, dir, log];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const savedRatios = (log: string) =>
  fs.existsSync(log)
    ? fs
        .readFileSync(log, "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => Number(l.replace("saved ", "")))
    : [];

describe("boundary search: resume after kill -9", function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boundary-resume-"));
  const results = path.join(dir, "results");
  const log = path.join(dir, "probes.log");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The same search run in this process without interruption: the probes it should make. */
  async function uninterrupted(): Promise<{ ratios: number[]; result: SearchResult }> {
    const records: ProbeRecord[] = [];
    const [search] = searchSpecs(FAKE_SEARCH_EXPERIMENT);
    const result = await runBoundarySearch(search, FAKE_SEARCH_EXPERIMENT, FAKE_START, {
      records: () => records,
      runProbe: (spec) => {
        const passed = spec.parameters.tableRatio <= FAKE_BOUNDARY;
        records.push({
          parameters: spec.parameters,
          state: passed ? "COMPLETED" : "FAILED",
          failureClass: passed ? "none" : "executor_jvm_oom",
        });
        return Promise.resolve();
      },
    });
    return { ratios: records.map((r) => r.parameters.tableRatio), result };
  }

  it("goes on with exactly the next probe, and ends with the bracket an unbroken search finds", async () => {
    const expected = await uninterrupted();
    expect(expected.ratios.length, "a search long enough to interrupt").to.be.at.least(6);

    const first = spawn(process.execPath, args(results, log), { cwd: dir, env, stdio: "ignore" });
    const deadline = Date.now() + 60_000;
    while (savedRatios(log).length < 3) {
      expect(Date.now(), "three probes did not finish in time").to.be.below(deadline);
      expect(first.exitCode, "the search ended before it was killed").to.equal(null);
      await sleep(50);
    }
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const beforeKill = savedRatios(log);
    expect(beforeKill.length).to.be.below(expected.ratios.length);

    const second = spawnSync(process.execPath, args(results, log), {
      cwd: dir,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(second.status, second.stderr).to.equal(0);
    const resumed = JSON.parse(second.stdout.trim().split("\n").at(-1)!) as SearchResult;
    // Every probe saved once, in the order an unbroken search makes them; none repeated.
    expect(savedRatios(log)).to.deep.equal(expected.ratios);
    expect(resumed.ran).to.equal(expected.ratios.length - beforeKill.length);
    expect(resumed.end).to.deep.equal({ kind: "done", why: "bracketed" });
    expect(resumed.bracket).to.deep.equal(expected.result.bracket);
    expect(resumed.bracket.lastPass).to.be.at.most(FAKE_BOUNDARY);
    expect(resumed.bracket.firstFail).to.be.above(FAKE_BOUNDARY);
  });
});
