import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cellResultSchema } from "../../src/results/cellResult";
import { cellRecord, cellRecordBase } from "../../src/runs/cellRecord";
import { eventLogSparkConf, fileUri } from "../../src/spark/eventLogSettings";
import { measuredMemory } from "../../src/trace/measuredMemory";
import { EventLogError, findEventLog, readEventLog } from "../../src/trace/readEventLog";
import { sampleRecord } from "../helpers/sampleRecord";

/**
 * Three real pilot cells (Spark 4.0.4, local-cluster, 512 MiB executors) and their event logs
 * as Spark wrote them: a broadcast of the whole heap (executor heap OOM), a shuffled hash join
 * the memory manager refused, and a sort-merge join that completed.
 */
const FIXTURES = path.resolve(__dirname, "..", "fixtures", "trace");
const EVENTS = path.join(FIXTURES, "events");
const BROADCAST = "app-20261130011905-0000";
const SHUFFLE_HASH = "app-20261130012612-0000";
const SORT_MERGE = "app-20261130013428-0000";
const MIB = 2 ** 20;

function metricsOf(applicationId: string) {
  const measured = measuredMemory(EVENTS, applicationId, FIXTURES);
  expect(measured.problem).to.equal(undefined);
  return measured.metrics!;
}

describe("event log settings", () => {
  it("write a zstd-compressed log with per-stage executor peaks to the given folder", () => {
    expect(eventLogSparkConf(fileUri("/r/pilot/events"))).to.deep.equal({
      "spark.eventLog.enabled": "true",
      "spark.eventLog.dir": "file:/r/pilot/events",
      "spark.eventLog.compress": "true",
      "spark.eventLog.compression.codec": "zstd",
      "spark.eventLog.logStageExecutorMetrics": "true",
      "spark.executor.metrics.pollingInterval": "100ms",
    });
  });

  it("refuse a folder that is not a URI or not absolute, naming it", () => {
    expect(() => eventLogSparkConf("results/events")).to.throw(
      /"results\/events": a URI with a scheme/,
    );
    expect(() => fileUri("results/events")).to.throw(/"results\/events": an absolute path/);
  });
});

describe("event log of a real pilot cell", () => {
  it("finds Spark 4's rolling log folder by application id", () => {
    const log = findEventLog(EVENTS, SHUFFLE_HASH)!;
    expect(log.path).to.equal(path.join(EVENTS, `eventlog_v2_${SHUFFLE_HASH}`));
    expect(log.parts.map((p) => path.basename(p))).to.deep.equal([`events_1_${SHUFFLE_HASH}.zstd`]);
    expect(findEventLog(EVENTS, "app-19700101000000-0000")).to.equal(undefined);
  });

  it("decompresses every event, from the log's start to the application's end", () => {
    const events = readEventLog(findEventLog(EVENTS, SORT_MERGE)!);
    expect(events[0].Event).to.equal("SparkListenerLogStart");
    expect(events[events.length - 1].Event).to.equal("SparkListenerApplicationEnd");
    expect(events.filter((e) => e.Event === "SparkListenerExecutorAdded")).to.have.length(2);
  });

  it("measures a refused shuffled hash join: execution memory, the refusal, the failed stage", () => {
    const m = metricsOf(SHUFFLE_HASH);
    expect(m.applicationName).to.equal("m512m-shj-r1-s0-aqe-1");
    expect(m.eventLog).to.equal(`events/eventlog_v2_${SHUFFLE_HASH}`);
    expect(m.complete).to.equal(true);
    // The memory manager granted 96 MiB of the 127 MiB pool and refused the next 128 MiB page.
    expect(m.peakExecutorOnHeapExecutionBytes).to.equal(100_794_368);
    expect(m.joinStage).to.deep.include({
      stageId: 24,
      identifiedBy: "failed-stage",
      executorOnHeapExecutionBytes: 100_794_368,
      memoryBytesSpilled: 0,
    });
    expect(m.failedTasks).to.equal(6);
    expect(m.taskFailures).to.deep.equal([
      {
        reason:
          "org.apache.spark.SparkException: Can't acquire 134217728 bytes memory to build hash relation, got 65892543 bytes.",
        count: 4,
      },
      {
        reason:
          "killed: Stage cancelled: Can't acquire 134217728 bytes memory to build hash relation, got 65892543 bytes.",
        count: 2,
      },
    ]);
    const failed = m.stages.find((s) => s.stageId === 24)!;
    expect(failed.failureReason).to.equal(
      "Can't acquire 134217728 bytes memory to build hash relation, got 65892543 bytes.",
    );
    expect(failed.durationSeconds).to.equal(26.8);
  });

  it("measures a broadcast that exhausted the executor heap: a full heap and exit 52", () => {
    const m = metricsOf(BROADCAST);
    expect(m.peakExecutorJvmHeapBytes).to.equal(532_974_720);
    expect(m.peakExecutorJvmHeapBytes!).to.be.above(500 * MIB); // of a 512 MiB heap
    expect(m.executors.map((e) => [e.id, e.removedReason])).to.deep.equal([
      ["driver", null],
      ["0", "Command exited with code 52"],
      ["1", "Command exited with code 52"],
    ]);
    expect(m.taskFailures[0]).to.deep.equal({
      reason: "java.lang.OutOfMemoryError: Java heap space",
      count: 2,
    });
    expect(m.peakDriverJvmHeapBytes).to.equal(197_151_968);
  });

  it("finds a completed sort-merge join's stage by the join operator's SQL metrics", () => {
    const m = metricsOf(SORT_MERGE);
    expect(m.failedTasks).to.equal(0);
    expect(m.taskFailures).to.deep.equal([]);
    expect(m.joinStage).to.deep.equal({
      stageId: 24,
      attempt: 0,
      identifiedBy: "sql-metrics",
      peakExecutionMemoryBytes: 92_274_464,
      executorOnHeapExecutionBytes: 92_274_464,
      memoryBytesSpilled: 0,
      diskBytesSpilled: 0,
      durationSeconds: 30.8,
    });
    expect(m.taskGcSeconds).to.be.above(0);
    expect(m.stages.every((s) => s.durationSeconds !== null)).to.equal(true);
  });
});

describe("event log: bad input", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eventlog-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function copyCut(applicationId: string, keepBytes: (size: number) => number): string {
    const source = findEventLog(EVENTS, applicationId)!.parts[0];
    const folder = path.join(dir, `eventlog_v2_${applicationId}`);
    fs.mkdirSync(folder, { recursive: true });
    const data = fs.readFileSync(source);
    const target = path.join(folder, path.basename(source));
    fs.writeFileSync(target, data.subarray(0, keepBytes(data.length)));
    return target;
  }

  it("a truncated log gives no metrics and a message naming the file", () => {
    const file = copyCut(SHUFFLE_HASH, (size) => Math.floor(size / 2));
    const measured = measuredMemory(dir, SHUFFLE_HASH, dir);
    expect(measured.metrics).to.equal(null);
    expect(measured.problem).to.equal(
      `event log ${file}: truncated or corrupt zstd data (unexpected EOF) after ` +
        /after (\d+) decoded bytes/.exec(measured.problem ?? "")?.[1] +
        " decoded bytes",
    );
    expect(() => readEventLog(findEventLog(dir, SHUFFLE_HASH)!)).to.throw(EventLogError, file);
  });

  it("an unreadable log gives no metrics and a message naming the file", () => {
    const folder = path.join(dir, `eventlog_v2_${SORT_MERGE}`);
    fs.mkdirSync(folder, { recursive: true });
    const part = path.join(folder, `events_1_${SORT_MERGE}.zstd`);
    fs.mkdirSync(part); // a folder where the file should be: reading it fails for any user
    const measured = measuredMemory(dir, SORT_MERGE, dir);
    expect(measured).to.deep.equal({
      metrics: null,
      problem: `event log ${part}: cannot be read (EISDIR)`,
    });
  });

  it("a log cut mid-event (no compression) names the file and the line", () => {
    const file = path.join(dir, "app-1.inprogress");
    fs.writeFileSync(file, '{"Event":"SparkListenerLogStart"}\n{"Event":"SparkListenerAppl');
    expect(measuredMemory(dir, "app-1", dir).problem).to.equal(
      `event log ${file}: truncated: its last line (2) ends mid-event`,
    );
  });

  it("a cell with no event log says so, and its record is still valid without metrics", () => {
    const measured = measuredMemory(dir, "app-2", dir);
    expect(measured.problem).to.equal(`no event log of app-2 in ${dir}`);
    const base = sampleRecord("m512m-bhj-r1-s0-aqe-1");
    const record = cellRecord(
      cellRecordBase({
        name: base.cell,
        experiment: base.experiment,
        parameters: base.parameters,
        sizing: base.sizing,
        workloadArgs: [],
        sparkConf: {},
      }),
      { ...base, metrics: measured.metrics },
    );
    expect(cellResultSchema.parse(record).metrics).to.equal(null);
  });
});

describe("cell record versions", () => {
  it("loads a version 1 record (before measured memory) as version 2 with no metrics", () => {
    const { metrics, ...current } = sampleRecord("a");
    expect(metrics).to.equal(null);
    const parsed = cellResultSchema.parse({ ...current, schemaVersion: 1 });
    expect(parsed.schemaVersion).to.equal(2);
    expect(parsed.metrics).to.equal(null);
  });

  it("loads the real pilot records with their measured memory", () => {
    const records = fs
      .readFileSync(path.join(FIXTURES, "results.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => cellResultSchema.parse(JSON.parse(line)));
    expect(records.map((r) => [r.cell, r.metrics?.applicationId])).to.deep.equal([
      ["m512m-bhj-r1-s0-aqe-1", BROADCAST],
      ["m512m-shj-r1-s0-aqe-1", SHUFFLE_HASH],
      ["m512m-smj-r0p25-s0-aqe-1", SORT_MERGE],
    ]);
  });
});
