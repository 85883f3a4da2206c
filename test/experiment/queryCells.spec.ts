/**
 * Query workloads (tpch, sql, pyspark) in the cell model: the config's errors, the cells a matrix
 * expands to, their names and query_workload.py arguments for the pilot and for a cluster, and
 * the two classifier rules of the job's own failures.
 */
import { expect } from "chai";
import { ConfigError } from "../../src/config/errors";
import { experimentSchema, type ExperimentConfig } from "../../src/config/experiment";
import { parseConfig } from "../../src/config/load";
import { cellSpecs, workloadArguments } from "../../src/experiment/cellSpecs";
import { cellSize, isJoinCell, sizeWord, workloadLabel } from "../../src/experiment/cellSize";
import { TPCH_TABLES } from "../../src/config/workload";
import { CONTAINER_LOCATIONS, userFileKey } from "../../src/experiment/queryArguments";
import { classifyFailure } from "../../src/failure/classifyFailure";
import type { FailureEvidence } from "../../src/failure/evidence";
import { localLocations } from "../../src/pilot/queryData";

const AXES = { executorMemory: ["512m", "1g"], strategy: ["broadcast", "sort_merge"] };
const TPCH = { kind: "tpch", queries: [3, 13] };

function parse(raw: Record<string, unknown>): ExperimentConfig {
  return parseConfig(experimentSchema, { name: "mine", ...raw }, "Pulumi.test.yaml");
}

function problems(raw: Record<string, unknown>): string[] {
  try {
    parse(raw);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message.split("\n").slice(1);
  }
  throw new Error("expected a ConfigError");
}

/** The value following `flag` in a command line. */
function flag(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
}

describe("query workloads: config", () => {
  it("defaults to the synthetic join, whose config is unchanged", () => {
    const experiment = parse({ axes: { ...AXES, tableRatio: [0.5], skew: [0] } });
    expect(experiment.workload).to.deep.equal({ kind: "join" });
    expect(cellSpecs(experiment).every((c) => isJoinCell(c.parameters))).to.equal(true);
  });

  it("names the key, the value and what is allowed for each bad input", () => {
    const tpch = (workload: unknown, axes: Record<string, unknown> = { scaleFactor: [0.1] }) =>
      problems({ workload, axes: { ...AXES, ...axes } });
    expect(tpch({ kind: "tpch", queries: [3, 23] })).to.deep.equal([
      "  - spark-at-scale:workload.queries[1]: a TPC-H query number, 1 to 22 (got 23)",
    ]);
    expect(tpch({ kind: "tpch", queries: [3, 3] })[0]).to.match(
      /workload.queries: each query once .* \(got \[3,3\]\)/,
    );
    expect(tpch(TPCH, { scaleFactor: [0] })).to.deep.equal([
      "  - spark-at-scale:axes.scaleFactor[0]: a scale factor above 0 (got 0)",
    ]);
    expect(tpch(TPCH, {})[0]).to.match(
      /axes.scaleFactor: required for workload.kind tpch: a list of scale factors .* \(got nothing\)/,
    );
    expect(tpch(TPCH, { scaleFactor: [1], tableRatio: [1], skew: [0] })).to.have.length(2);
    expect(tpch({ kind: "hive" })).to.deep.equal([
      '  - spark-at-scale:workload.kind: one of join, tpch, sql, pyspark (got "hive")',
    ]);
    expect(tpch({ kind: "sql", name: "spend", file: "", tables: { "1x": "a" } })).to.deep.equal([
      '  - spark-at-scale:workload.file: the SQL file: a file path (got "")',
      '  - spark-at-scale:workload.tables.1x: "1x" is no table name: letters, digits and _, not starting with a digit (got "a")',
    ]);
    expect(tpch({ kind: "pyspark", name: "my job", script: "job.py" })[0]).to.match(
      /^ {2}- spark-at-scale:workload.name: .* \(got "my job"\)$/,
    );
  });

  it("refuses several scale factors over tables that do not take one", () => {
    const sql = { kind: "sql", name: "spend", file: "q.sql", tables: { t: "data/t.parquet" } };
    expect(problems({ workload: sql, axes: { ...AXES, scaleFactor: [1, 2] } })).to.deep.equal([
      "  - spark-at-scale:axes.scaleFactor: several scale factors, but no path in workload.tables contains {scaleFactor}: every cell would read the same data (got [1,2])",
    ]);
    const scaled = { ...sql, tables: { t: "data/sf{scaleFactor}/t.parquet" } };
    expect(parse({ workload: scaled, axes: { ...AXES, scaleFactor: [1, 2] } }).workload).to.include(
      { kind: "sql" },
    );
  });

  it("keeps each workload's axes to itself", () => {
    expect(
      problems({ axes: { ...AXES, tableRatio: [0.5], skew: [0], scaleFactor: [1] } })[0],
    ).to.match(/axes.scaleFactor: sizes the data of the tpch, sql and pyspark workloads/);
    expect(
      problems({
        workload: TPCH,
        axes: { ...AXES, scaleFactor: [1] },
        search: { tableRatio: { min: 0.1, max: 1 } },
      })[0],
    ).to.match(
      /search.tableRatio: searches the join workload.s table ratio; for workload.kind tpch search search.scaleFactor/,
    );
    expect(
      problems({
        workload: TPCH,
        axes: { ...AXES, scaleFactor: [1] },
        exclude: [{ scaleFactor: 2 }],
      })[0],
    ).to.match(/exclude\[0\].scaleFactor: not a value of axes.scaleFactor \(\[1\]\)/);
  });
});

describe("query workloads: cells", () => {
  const experiment = parse({
    workload: TPCH,
    axes: { ...AXES, scaleFactor: [0.1, 1] },
    exclude: [{ scaleFactor: 1, executorMemory: "1g" }],
  });
  const cells = cellSpecs(experiment);

  it("is every query at every scale factor for each combination, less the exclusions", () => {
    // 2 queries x 2 scale factors x 2 memories x 2 strategies, less 2 x 2 at SF 1 with 1g.
    expect(cells).to.have.length(12);
    expect(cells.map((c) => c.name)).to.include.members([
      "tpch-q03-sf0p1-m512m-bhj-aqe-1",
      "tpch-q13-sf1-m512m-smj-aqe-1",
    ]);
    expect(cells.map((c) => c.name)).to.not.include("tpch-q03-sf1-m1g-bhj-aqe-1");
    const q3 = cells.find((c) => c.name === "tpch-q03-sf0p1-m512m-bhj-aqe-1")!;
    expect(q3.parameters).to.include({ tableRatio: null, strategy: "broadcast" });
    expect(q3.parameters.query).to.deep.equal({ kind: "tpch", name: "q03", scaleFactor: 0.1 });
    expect(q3.sizing).to.include({ heapMiB: 512, buildBytes: 0, probeBytes: 0 });
    expect([
      cellSize(q3.parameters),
      sizeWord(q3.parameters),
      workloadLabel(q3.parameters),
    ]).to.deep.equal([0.1, "scale factor", "tpch q03"]);
  });

  it("runs query_workload.py over the data volume's folder of its scale factor on a cluster", () => {
    const args = cells.find((c) => c.name === "tpch-q13-sf1-m512m-smj-aqe-1")!.workloadArgs;
    expect(flag(args, "--kind")).to.equal("tpch");
    expect(flag(args, "--query-file")).to.equal("/opt/spark-at-scale/q13.sql");
    expect(flag(args, "--query-name")).to.equal("q13");
    expect(flag(args, "--strategy")).to.equal("sort_merge");
    expect(flag(args, "--aqe")).to.equal("on");
    expect(flag(args, "--scale-factor")).to.equal("1");
    expect(flag(args, "--app-name")).to.equal("tpch-q13-sf1-m512m-smj-aqe-1");
    const tables = args.filter((_, i) => args[i - 1] === "--table");
    expect(tables).to.deep.equal(
      TPCH_TABLES.map((t) => `${t}=/opt/spark-at-scale-data/sf1/${t}.parquet`),
    );
  });

  it("points the pilot at the checkout's queries and the cache's data", () => {
    const cell = cells.find((c) => c.name === "tpch-q03-sf0p1-m512m-bhj-aqe-1")!;
    const args = workloadArguments(
      cell.parameters,
      cell.sizing,
      experiment,
      localLocations("/var/cache/x", "/home/me"),
    );
    expect(flag(args, "--query-file")).to.match(/\/workloads\/tpch\/queries\/q03\.sql$/);
    expect(args).to.include("orders=/var/cache/x/tpch/tpchgen-cli-4.0.0/sf0.1/orders.parquet");
  });

  it("gives a user's SQL file its ConfigMap key and its tables the cell's scale factor", () => {
    const sql = parse({
      workload: {
        kind: "sql",
        name: "spend",
        file: "queries/spend by day.sql",
        tables: { sales: "gs://bucket/sf{scaleFactor}/sales", users: "data/users.csv" },
      },
      axes: { executorMemory: ["1g"], strategy: ["auto"], scaleFactor: [2, 4] },
    });
    const [first] = cellSpecs(sql);
    expect(first.name).to.equal("sql-spend-sf2-m1g-auto-aqe-1");
    expect(userFileKey("queries/spend by day.sql")).to.equal("user-spend_by_day.sql");
    expect(flag(first.workloadArgs, "--query-file")).to.equal(
      "/opt/spark-at-scale/user-spend_by_day.sql",
    );
    expect(first.workloadArgs.filter((_, i, a) => a[i - 1] === "--table")).to.deep.equal([
      "sales=gs://bucket/sf2/sales",
      "users=data/users.csv",
    ]);
    expect(CONTAINER_LOCATIONS.userTable("data/users.csv")).to.equal("data/users.csv");
  });

  it("hands a user's PySpark script its scale factor and nothing of TPC-H", () => {
    const job = parse({
      workload: { kind: "pyspark", name: "etl", script: "jobs/etl.py" },
      axes: { executorMemory: ["1g"], strategy: ["shuffle_hash"], aqe: [false], scaleFactor: [3] },
    });
    const [cell] = cellSpecs(job);
    expect(cell.name).to.equal("pyspark-etl-sf3-m1g-shj-noaqe-1");
    expect(flag(cell.workloadArgs, "--script")).to.equal("/opt/spark-at-scale/user-etl.py");
    expect(flag(cell.workloadArgs, "--scale-factor")).to.equal("3");
    expect(flag(cell.workloadArgs, "--aqe")).to.equal("off");
    expect(cell.workloadArgs).to.not.include("--table");
  });
});

describe("query workloads: the job's own failures", () => {
  const local = (overrides: Partial<FailureEvidence>): FailureEvidence => ({
    runner: "local-cluster",
    finalState: "FAILED",
    executorTerminations: [],
    events: [],
    driverLog: "",
    ...overrides,
  });

  it("calls an exit 0 without a result line on the pilot a workload_error", () => {
    const result = classifyFailure(local({ finalState: "COMPLETED" }));
    expect(result.failureClass).to.equal("workload_error");
    expect(result.evidence.decidedBy).to.equal("result-line-missing: spark-submit");
    // A cluster's log may be cut short: there the final state decides.
    const cluster = classifyFailure({
      ...local({ finalState: "COMPLETED" }),
      runner: "kubernetes",
    });
    expect(cluster.failureClass).to.equal("none");
  });

  it("calls an analysis error or a script's exception a workload_error", () => {
    for (const [exceptionClass, message] of [
      ["pyspark.errors.exceptions.captured.AnalysisException", "[TABLE_OR_VIEW_NOT_FOUND] x"],
      ["__main__.ScriptExit", "the script exited with status 3"],
      ["builtins.ValueError", "bad row"],
    ]) {
      const result = classifyFailure(
        local({ workloadOutcome: "failed", workloadError: { exceptionClass, message } }),
      );
      expect(result.failureClass, exceptionClass).to.equal("workload_error");
      expect(result.evidence.decidedBy).to.equal("workload-error: workload result error");
    }
  });

  it("lets a memory signature decide over the job's error it surfaced as", () => {
    const result = classifyFailure(
      local({
        workloadOutcome: "failed",
        workloadError: {
          exceptionClass: "py4j.protocol.Py4JJavaError",
          message: "An error occurred: java.lang.OutOfMemoryError: Java heap space",
        },
        driverLog:
          "ERROR Executor: Exception in task 0.0 in stage 3.0 (TID 7)\njava.lang.OutOfMemoryError: Java heap space",
      }),
    );
    expect(result.failureClass).to.not.equal("workload_error");
    expect(result.failureClass).to.not.equal("other");
  });
});
