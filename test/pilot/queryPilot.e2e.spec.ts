/**
 * Query cells through the pilot on real Spark (local-cluster): TPC-H queries of different join
 * shapes at a tiny scale factor over data the pilot generates into the cache, a user's SQL file
 * over CSV tables and a user's PySpark script, each recorded with its join operators; and bad
 * input refused before anything runs. About three minutes on a 2-core machine.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cellResultSchema, type CellResult } from "../../src/results/cellResult";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "bin", "spark-at-scale");
const FIXED = `    fixed:
      driverMemory: 1g
      partitions: 4
      concurrency: 2
      cellTimeoutMinutes: 5`;

function pilot(dir: string, name: string, experiment: string) {
  const stack = path.join(dir, `Pulumi.${name}.yaml`);
  fs.writeFileSync(
    stack,
    `config:\n  spark-at-scale:experiment:\n    name: ${name}\n${experiment}\n${FIXED}\n`,
  );
  const run = spawnSync(
    process.execPath,
    [CLI, "pilot", "--config", stack, "--results", path.join(dir, "results")],
    { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "true" }, timeout: 10 * 60_000 },
  );
  const file = path.join(dir, "results", name, "results.jsonl");
  const records: CellResult[] = fs.existsSync(file)
    ? fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => cellResultSchema.parse(JSON.parse(line)))
    : [];
  return { status: run.status, output: `${run.stdout}${run.stderr}`, records };
}

const operatorsOf = (records: readonly CellResult[]) =>
  Object.fromEntries(records.map((r) => [r.cell, r.workload?.joinOperators]));

describe("pilot: query cells end to end (real Spark, local-cluster)", function () {
  this.timeout(15 * 60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "query-pilot-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs TPC-H Q3, Q13 and Q21 under a broadcast preference, each with its joins", () => {
    const run = pilot(
      dir,
      "tpch-shapes",
      `    workload: { kind: tpch, queries: [3, 13, 21] }
    axes:
      executorMemory: [512m]
      strategy: [broadcast]
      scaleFactor: [0.01]`,
    );
    expect(run.status, run.output).to.equal(0);
    expect(run.output).to.match(/TPC-H SF 0.01: (generated|cached) in /);
    expect(run.records.map((r) => [r.cell, r.failureClass])).to.have.deep.members([
      ["tpch-q03-sf0p01-m512m-bhj-aqe-1", "none"],
      ["tpch-q13-sf0p01-m512m-bhj-aqe-1", "none"],
      ["tpch-q21-sf0p01-m512m-bhj-aqe-1", "none"],
    ]);
    // An inner 3-way join, an outer join, and a 4-way join with semi and anti joins.
    expect(operatorsOf(run.records)).to.deep.equal({
      "tpch-q03-sf0p01-m512m-bhj-aqe-1": { BroadcastHashJoin: 2 },
      "tpch-q13-sf0p01-m512m-bhj-aqe-1": { BroadcastHashJoin: 1 },
      "tpch-q21-sf0p01-m512m-bhj-aqe-1": { BroadcastHashJoin: 5 },
    });
    const q3 = run.records.find((r) => r.cell.startsWith("tpch-q03"))!;
    expect(q3.workload?.outputRows).to.equal(10);
    expect(q3.metrics?.peakExecutorJvmHeapBytes).to.be.greaterThan(0);
  });

  it("runs a user's SQL file over CSV tables of each scale factor, sort-merge preferred", () => {
    for (const sf of [1, 2]) {
      const folder = path.join(dir, "data", `sf${sf}`);
      fs.mkdirSync(folder, { recursive: true });
      const rows = Array.from({ length: 100 * sf }, (_, i) => `${i},${i % 5},${i}`);
      fs.writeFileSync(path.join(folder, "orders.csv"), `id,customer,amount\n${rows.join("\n")}\n`);
      fs.writeFileSync(
        path.join(folder, "customers.csv"),
        `customer,name\n${[0, 1, 2, 3, 4].map((c) => `${c},c${c}`).join("\n")}\n`,
      );
    }
    fs.writeFileSync(
      path.join(dir, "spend.sql"),
      "select c.name, sum(o.amount) as spent from orders o join customers c on o.customer = c.customer group by c.name\n",
    );
    const run = pilot(
      dir,
      "own-sql",
      `    workload:
      kind: sql
      name: spend
      file: spend.sql
      tables: { orders: "data/sf{scaleFactor}/orders.csv", customers: "data/sf{scaleFactor}/customers.csv" }
    axes:
      executorMemory: [512m]
      strategy: [sort_merge]
      scaleFactor: [1, 2]`,
    );
    expect(run.status, run.output).to.equal(0);
    expect(operatorsOf(run.records)).to.deep.equal({
      "sql-spend-sf1-m512m-smj-aqe-1": { SortMergeJoin: 1 },
      "sql-spend-sf2-m512m-smj-aqe-1": { SortMergeJoin: 1 },
    });
    expect(run.records.map((r) => r.workload?.outputRows)).to.deep.equal([5, 5]);
    const bytes = run.records.map((r) => r.workload?.inputBytes as number).sort((a, b) => a - b);
    expect(bytes[1], "the SF 2 tables are the larger").to.be.greaterThan(bytes[0]);
  });

  it("runs a user's PySpark script, and records the one that raises as workload_error", () => {
    fs.copyFileSync(
      path.join(ROOT, "examples", "own-jobs", "sessions_rollup.py"),
      path.join(dir, "job.py"),
    );
    fs.writeFileSync(path.join(dir, "broken.py"), "raise ValueError('bad input row 7')\n");
    const ok = pilot(
      dir,
      "own-script",
      `    workload: { kind: pyspark, name: sessions, script: job.py }
    axes:
      executorMemory: [512m]
      strategy: [broadcast]
      scaleFactor: [0.1]`,
    );
    expect(ok.status, ok.output).to.equal(0);
    expect(operatorsOf(ok.records)).to.deep.equal({
      "pyspark-sessions-sf0p1-m512m-bhj-aqe-1": { BroadcastHashJoin: 1 },
    });
    const broken = pilot(
      dir,
      "broken-script",
      `    workload: { kind: pyspark, name: broken, script: broken.py }
    axes:
      executorMemory: [512m]
      strategy: [auto]
      scaleFactor: [1]`,
    );
    expect(broken.status, broken.output).to.equal(0);
    const [record] = broken.records;
    expect([record.state, record.failureClass]).to.deep.equal(["FAILED", "workload_error"]);
    expect(record.evidence.messageExcerpt).to.include("bad input row 7");
  });

  it("refuses a missing script or table before any cell runs, naming the key", () => {
    const run = pilot(
      dir,
      "missing-inputs",
      `    workload:
      kind: sql
      name: typo
      file: nope.sql
      tables: { orders: "data/sf{scaleFactor}/orders.csv" }
    axes:
      executorMemory: [512m]
      strategy: [auto]
      scaleFactor: [1, 3]`,
    );
    expect(run.status, "a config error exits 1").to.equal(1);
    expect(run.output).to.match(/experiment.workload.file: "nope.sql": /);
    expect(run.output).to.include(
      'experiment.workload.tables.orders: "data/sf3/orders.csv" (scale factor 3): no such file or folder',
    );
    expect(run.output).to.not.include("data/sf1/orders.csv");
    expect(fs.existsSync(path.join(dir, "results", "missing-inputs"))).to.equal(false);
  });
});
