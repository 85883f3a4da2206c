import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runPilotCommand } from "../src/cli/pilotCommand";
import { runPlan } from "../src/cli/planCommand";
import { runRecommend, type RecommendOptions } from "../src/cli/recommendCommand";
import { runReport } from "../src/cli/reportCommand";
import { ConfigError, UsageError } from "../src/config/errors";
import { parseStackFile } from "../src/config/stackFile";
import { closestLocations, GCP_LOCATIONS } from "../src/core/gcpLocations";
import { writeFilesStaged } from "../src/core/stagedWrite";
import { ResultsStore } from "../src/results/resultsStore";
import { parseResults } from "../src/report/loadResults";
import { runProgram } from "../stacks/program";
import { devStackWith, PROJECT_DIR } from "./helpers/devStack";
import { sampleRecord } from "./helpers/sampleRecord";

const CLI = path.join(PROJECT_DIR, "bin", "spark-at-scale");
const DEV_STACK = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8");

const recommendDefaults: RecommendOptions = {
  strategy: "shuffle_hash",
  buildSize: "2g",
  skew: "0",
  keys: "100000",
  partitions: "200",
  cores: "1",
  aqe: "on",
  runner: "kubernetes",
  overheadFactor: "0.1",
};

/** The error `run` throws (synchronously or as a rejected promise). */
async function errorOf(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error, got none");
}

describe("bad input: one clear message naming the input, the value and what is allowed", function () {
  let dir: string;
  const file = (name: string, content: string) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, content);
    return target;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("stack files", () => {
    it("names the file, line and column of invalid YAML", () => {
      const text = "config:\n  spark-at-scale:location: [us-central1\n  spark-at-scale:x: 1\n";
      expect(() => parseStackFile(text, "Pulumi.bad.yaml")).to.throw(
        UsageError,
        /^Pulumi\.bad\.yaml:3:3: not valid YAML \(missed comma between flow collection entries\)/,
      );
    });

    it("refuses YAML that is not a stack file: a list, a scalar config", () => {
      expect(() => parseStackFile("- a\n- b\n", "s.yaml")).to.throw(
        UsageError,
        /^s\.yaml: not a stack file \(its YAML is a list\)/,
      );
      expect(() => parseStackFile("config: 3\n", "s.yaml")).to.throw(
        UsageError,
        /^s\.yaml: "config" must be a mapping of keys to values \(got 3\)/,
      );
    });

    it("reads an empty stack file as one with no keys, which plan then lists as missing", async () => {
      const error = await errorOf(() => runPlan({ config: file("empty.yaml", "") }, () => {}));
      expect(error).to.be.instanceOf(ConfigError);
      expect(error.message).to.match(/spark-at-scale:gcpProject: .* is required \(got nothing\)/);
    });

    for (const command of ["plan", "pilot"] as const) {
      it(`${command} refuses a --config that is a folder or missing`, async () => {
        const run = (config: string) =>
          command === "plan"
            ? runPlan({ config }, () => {})
            : runPilotCommand({ config, scale: "1", results: dir });
        expect(await errorOf(() => run(dir))).to.be.instanceOf(UsageError);
        expect((await errorOf(() => run(dir))).message).to.equal(
          `--config ${dir}: a folder; give the stack file itself`,
        );
        expect((await errorOf(() => run(path.join(dir, "nope.yaml")))).message).to.match(
          /--config .*nope\.yaml: no such file/,
        );
      });
    }

    it("refuses a location that is no GCP region or zone, listing the closest", () => {
      expect(() => runProgram(devStackWith({ location: "us-centrall1" }))).to.throw(
        ConfigError,
        /spark-at-scale:location: a GCP region .* this project knows .*; closest: us-central1, .*\(got "us-centrall1"\)/,
      );
    });

    it("says what a key holding the wrong kind of value should hold", () => {
      expect(() => runProgram(devStackWith({ experiment: "hello" }))).to.throw(
        ConfigError,
        /spark-at-scale:experiment: a mapping with the keys axes, description, draw, exclude, fixed, name, search, workload \(got "hello"\)/,
      );
    });
  });

  describe("GCP locations", () => {
    it("knows regions and their zones, with the zone letters GCP uses", () => {
      expect(GCP_LOCATIONS).to.include.members(["us-central1", "us-central1-f", "europe-west1-b"]);
      expect(GCP_LOCATIONS).to.not.include.members(["europe-west1-a", "us-central1-d"]);
    });

    it("suggests the nearest names for a typo", () => {
      expect(closestLocations("us-centrall1", 1)).to.deep.equal(["us-central1"]);
      expect(closestLocations("europe-west1-a", 3)).to.deep.equal([
        "europe-west1-b",
        "europe-west1-c",
        "europe-west1-d",
      ]);
    });
  });

  describe("plan, report and pilot folders", () => {
    it("plan --out refuses a file, before printing or writing anything", async () => {
      const lines: string[] = [];
      const out = file("taken", "x");
      const error = await errorOf(() =>
        runPlan({ config: file("dev.yaml", DEV_STACK), out: path.join(out, "sub") }, (line) =>
          lines.push(line),
        ),
      );
      expect(error).to.be.instanceOf(UsageError);
      expect(error.message).to.match(/^--out .*taken\/sub: .*taken is a file, not a folder$/);
      expect(lines).to.deep.equal([]);
    });

    it("report refuses a folder as --input and a file as --out", async () => {
      const input = await errorOf(() => runReport({ input: dir }, () => {}));
      expect(input.message).to.equal(
        `${dir}: a folder, not a file; pass a results file to --input`,
      );
      const results = file("results.jsonl", `${JSON.stringify(sampleRecord("a"))}\n`);
      const out = await errorOf(() => runReport({ input: results, out: results }, () => {}));
      expect(out.message).to.equal(`--out ${results}: a file, not a folder`);
    });

    it("writes a set of files (plan --out, report) all or none", () => {
      const out = path.join(dir, "out");
      const written = writeFilesStaged(out, [
        { name: "a.yaml", content: "a" },
        { name: "b.yaml", content: "b" },
      ]);
      expect(written).to.deep.equal([path.join(out, "a.yaml"), path.join(out, "b.yaml")]);
      // The second file cannot be written: neither lands, and no staging folder is left.
      expect(() =>
        writeFilesStaged(out, [
          { name: "c.yaml", content: "c" },
          { name: "missing/d.yaml", content: "d" },
        ]),
      ).to.throw(/ENOENT/);
      expect(fs.readdirSync(out).sort()).to.deep.equal(["a.yaml", "b.yaml"]);
    });

    it("pilot refuses a file as --results before reading any experiment", async () => {
      const results = file("results", "x");
      const error = await errorOf(() => runPilotCommand({ scale: "1", results }));
      expect(error.message).to.equal(`--results ${results}: a file, not a folder`);
    });
  });

  describe("results files", () => {
    const good = JSON.stringify(sampleRecord("a"));

    it("names a line cut short, first or last", () => {
      expect(() => parseResults(good.slice(0, 40), "r.jsonl")).to.throw(
        UsageError,
        /^r\.jsonl:1: not a whole JSON line \(.*\); a line cut short\?$/,
      );
      expect(() => parseResults(`${good}\n${good.slice(0, 40)}`, "r.jsonl")).to.throw(
        UsageError,
        /^r\.jsonl:2: not a whole JSON line/,
      );
    });

    it("reads a results file of a single cell", () => {
      expect(parseResults(`${good}\n`, "r.jsonl").map((r) => r.cell)).to.deep.equal(["a"]);
    });

    it("says what it expected of a JSON list or a cells key that holds no records", () => {
      expect(() => parseResults("[1, 2]", "r.json")).to.throw(
        UsageError,
        /^r\.json: a JSON list; expected one cell record per line .* or a stack's cells output/,
      );
      expect(() => parseResults('{\n"cells": 5\n}', "r.json")).to.throw(
        UsageError,
        /^r\.json: "cells" is 5, not an object of cell records by name$/,
      );
    });

    it("the pilot refuses earlier results it cannot read rather than overwrite them", () => {
      const results = file("results.jsonl", `${good}\n${good.slice(0, 40)}`);
      expect(() => ResultsStore.open(dir)).to.throw(
        UsageError,
        /results\.jsonl:2: not a whole JSON line .*; move it away, or write elsewhere with --results/,
      );
      expect(fs.readFileSync(results, "utf8")).to.equal(`${good}\n${good.slice(0, 40)}`);
      fs.rmSync(results);
      fs.mkdirSync(results);
      expect(() => ResultsStore.open(dir)).to.throw(
        UsageError,
        /results\.jsonl: a folder, not a file/,
      );
    });
  });

  describe("numeric options", () => {
    const cases: Array<[string, Partial<RecommendOptions>, string]> = [
      ["a skew above the experiment schema's bound", { skew: "99" }, "--skew 99: at most 10"],
      ["no keys", { keys: "0" }, "--keys 0: at least 1"],
      ["a fraction of a partition", { partitions: "1.5" }, "--partitions 1.5: a whole number"],
      ["zero cores", { cores: "0" }, "--cores 0: at least 1"],
      [
        "an overhead factor above 1",
        { overheadFactor: "2" },
        "--overhead-factor 2: between 0 and 1",
      ],
      ["hex", { keys: "0x10" }, "--keys 0x10: not a number"],
      ["Infinity", { skew: "Infinity" }, "--skew Infinity: not a number"],
      ["an unknown runner", { runner: "yarn" }, "--runner yarn: kubernetes or local-cluster"],
    ];
    for (const [what, overrides, message] of cases) {
      it(`recommend refuses ${what}`, () => {
        expect(() => runRecommend({ ...recommendDefaults, ...overrides }, () => {})).to.throw(
          UsageError,
          message,
        );
      });
    }

    it("pilot refuses a hex or infinite number", async () => {
      for (const [options, message] of [
        [{ concurrency: "0x10" }, "--concurrency 0x10: not a number"],
        [{ timeoutMinutes: "Infinity" }, "--timeout-minutes Infinity: not a number"],
      ] as const) {
        const error = await errorOf(() =>
          runPilotCommand({ scale: "1", results: dir, ...options }),
        );
        expect(error.message).to.equal(message);
      }
    });
  });

  describe("the command line itself (bin/spark-at-scale)", function () {
    this.timeout(120_000);
    const cli = (...args: string[]) =>
      spawnSync(CLI, args, { cwd: dir, encoding: "utf8", timeout: 100_000 });

    it("prints invalid YAML as one line with file, line and column, exit 2, no stack trace", () => {
      file("bad.yaml", "config:\n  spark-at-scale:location: [us\n  x: : y\n");
      const run = cli("plan", "--config", "bad.yaml");
      expect(run.status).to.equal(2);
      expect(run.stderr.trim().split("\n")).to.deep.equal([
        "spark-at-scale: bad.yaml:3:3: not valid YAML (missed comma between flow collection entries); " +
          "a stack file is a YAML mapping with a `config:` key",
      ]);
    });

    it("exits 2 on an unknown option, as on every usage error", () => {
      const run = cli("report", "--inptu", "x");
      expect(run.status).to.equal(2);
      expect(run.stderr).to.match(/^error: unknown option '--inptu'/);
      expect(run.stderr).to.not.match(/\n\s+at /);
    });
  });

  describe("an interrupted pilot", function () {
    this.timeout(180_000);

    it("stops its runs on Ctrl-C, leaves no scratch, lock or partial results, and says how to go on", async () => {
      // A stand-in spark-submit that runs until killed, next to the venv's Python (which the
      // pilot's environment check asks for pyspark): no Spark is started.
      const bin = path.join(dir, "bin");
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, "spark-submit"), "#!/bin/sh\nwhile :; do sleep 1; done\n", {
        mode: 0o755,
      });
      const venvPython = path.join(PROJECT_DIR, ".venv", "bin", "python");
      fs.writeFileSync(path.join(bin, "python"), `#!/bin/sh\nexec ${venvPython} "$@"\n`, {
        mode: 0o755,
      });
      const results = path.join(dir, "results");
      const child = spawn(
        CLI,
        ["pilot", "--results", results, "--spark-submit", path.join(bin, "spark-submit")],
        { cwd: dir, env: { ...process.env, CI: "1" } },
      );
      let stdout = "";
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      const started = new Promise<void>((resolve) => {
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          if (/search \S+: probe \S+ \.\.\./.test(stdout)) resolve();
        });
      });
      await Promise.race([started, exited]);
      expect(stderr, "the pilot started its first cell").to.equal("");
      child.kill("SIGINT");
      expect(await exited).to.equal(130);
      expect(stdout).to.match(
        /interrupted: 0 boundary probe\(s\) have results in .*results\/pilot\/results\.jsonl; run the same command again/,
      );
      // No scratch, no lock, no half-written results: the folder is as a fresh run would find it.
      expect(fs.readdirSync(path.join(results, "pilot"))).to.deep.equal([]);
      const sleepers = spawnSync("pgrep", ["-f", `${bin}/spark-submit`], { encoding: "utf8" });
      expect(sleepers.stdout.trim()).to.equal("");
    });
  });
});
