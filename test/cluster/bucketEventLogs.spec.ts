/**
 * Reading a GKE cell's event log from its bucket, with Google's own Cloud Storage client, against
 * fake-gcs-server (a Cloud Storage JSON API emulator built from the Go module proxy) on loopback:
 * the real pilot event logs of test/fixtures/trace, in the bucket where GKE drivers write them
 * (gs://<bucket>/events/eventlog_v2_<id>/), give the same metrics as read from the folder.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { measuredMemoryFromBucket } from "../../src/cluster/bucketEventLogs";
import { withEventLog } from "../../src/cluster/clusterEventLogs";
import { readResultsFile } from "../../src/report/loadResults";
import { measuredMemory } from "../../src/trace/measuredMemory";

const TRACE = path.resolve(__dirname, "..", "fixtures", "trace");
const EVENTS = path.join(TRACE, "events");
const BUCKET = "spark-lab-events";
const LOGS = { bucket: BUCKET, prefix: "events" };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

describe("event logs in a Cloud Storage bucket (fake-gcs-server on loopback, Google's client)", function () {
  const binary = process.env.SPARK_AT_SCALE_FAKE_GCS;
  let server: ChildProcess | undefined;
  let data: string | undefined;
  const previousHost = process.env.STORAGE_EMULATOR_HOST;

  before(async function () {
    if (!binary) throw new Error("SPARK_AT_SCALE_FAKE_GCS is not set: run `npm run test:cluster`");
    // The bucket as fake-gcs-server seeds it: <data>/<bucket>/<object name>.
    data = fs.mkdtempSync(path.join(os.tmpdir(), "fake-gcs-"));
    fs.cpSync(EVENTS, path.join(data, BUCKET, "events"), { recursive: true });
    const port = await freePort();
    server = spawn(
      binary,
      ["-scheme", "http", "-host", "127.0.0.1", "-port", String(port), "-backend", "memory"].concat(
        ["-data", data],
      ),
      { stdio: "ignore" },
    );
    const api = `http://127.0.0.1:${port}/storage/v1`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const up = await fetch(`${api}/b`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline) throw new Error(`fake-gcs-server did not answer on ${api}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // The library's documented switch to an emulator (with the JSON API's path, which its list
    // and download requests need); the code under test builds its own client.
    process.env.STORAGE_EMULATOR_HOST = api;
  });

  after(() => {
    if (previousHost === undefined) delete process.env.STORAGE_EMULATOR_HOST;
    else process.env.STORAGE_EMULATOR_HOST = previousHost;
    if (server?.pid) process.kill(server.pid);
    if (data) fs.rmSync(data, { recursive: true, force: true });
  });

  it("gives each application's metrics as from the folder, named by their gs:// address", async () => {
    for (const folder of fs.readdirSync(EVENTS)) {
      const id = folder.replace("eventlog_v2_", "");
      const fromBucket = await measuredMemoryFromBucket(LOGS, id);
      expect(fromBucket.problem, id).to.equal(undefined);
      const fromFolder = measuredMemory(EVENTS, id, null);
      expect(fromBucket.metrics!.eventLog).to.equal(`gs://${BUCKET}/events/${folder}`);
      expect({ ...fromBucket.metrics, eventLog: "" }).to.deep.equal({
        ...fromFolder.metrics,
        eventLog: "",
      });
      expect(fromBucket.metrics!.peakExecutorJvmHeapBytes).to.be.above(0);
    }
  });

  it("puts a cell's measured memory and lost executors into its outcome", async () => {
    const record = readResultsFile(path.join(TRACE, "results.jsonl"))[0];
    const { experiment, cell, parameters, sizing, scale, pool, schemaVersion, ...outcome } = record;
    void [experiment, cell, parameters, sizing, scale, pool, schemaVersion];
    const problems: string[] = [];
    const measured = await withEventLog(
      { ...outcome, metrics: null, executorFailures: 0 },
      { kind: "bucket", ...LOGS },
      (problem) => problems.push(problem),
    );
    expect(problems).to.deep.equal([]);
    expect(measured.metrics!.eventLog).to.match(/^gs:\/\/spark-lab-events\/events\/eventlog_v2_/);
    expect(measured.metrics!.executors).to.deep.equal(record.metrics!.executors);
    expect(measured.executorFailures).to.equal(record.executorFailures);
  });

  it("says which log it did not find, and leaves the outcome as it was", async () => {
    const missing = await measuredMemoryFromBucket(LOGS, "spark-0123");
    expect(missing).to.deep.equal({
      metrics: null,
      problem: `no event log of spark-0123 in gs://${BUCKET}/events`,
    });
    const noBucket = await measuredMemoryFromBucket({ bucket: "absent", prefix: "events" }, "x");
    expect(noBucket.metrics).to.equal(null);
    expect(noBucket.problem).to.match(/^event log of x in gs:\/\/absent\/events: /);
  });
});
