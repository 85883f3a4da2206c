/**
 * The run provider against a fake API server that plays the operator: it applies the
 * SparkApplication, waits, reads pods, events and the driver log, and records how the run
 * ended. Also run the way Pulumi runs it — serialized, in another Node process.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { RUN_PROVIDER_VERSION } from "../../components/providers/runProvider";
import {
  sparkApplicationRunProvider,
  type RunInputs,
} from "../../components/providers/sparkApplicationRunProvider";
import { MANIFEST_HASH_ANNOTATION } from "../../src/kube/applyApplication";
import { cellResultSchema } from "../../src/results/cellResult";
import type { SparkApplicationManifest } from "../../src/spark/sparkApplication";
import { loadKubernetesFixture } from "../failure/kubernetesFixtures";
import { startFakeApiServer, type FakeApiServer } from "../kube/fakeApiServer";
import { PROJECT_DIR } from "../helpers/devStack";
import { sampleRecord } from "../helpers/sampleRecord";

const APPS = "/apis/sparkoperator.k8s.io/v1beta2/namespaces/spark-apps/sparkapplications";

/** A cell manifest named like the fixture's application, so its pods and events belong to it. */
function manifestFor(name: string): SparkApplicationManifest {
  return {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "SparkApplication",
    metadata: { name, namespace: "spark-apps" },
    spec: {
      type: "Python",
      mode: "cluster",
      image: "example/spark:4.0.4",
      imagePullPolicy: "IfNotPresent",
      mainApplicationFile: "local:///opt/spark-at-scale/join_workload.py",
      sparkVersion: "4.0.4",
      restartPolicy: { type: "Never" },
      driver: { cores: 1, memory: "1g", serviceAccount: "spark" },
      executor: { instances: 1, cores: 1, memory: "1g" },
    },
  };
}

/** Serves a fixture cell's pods, events and log; creating its application gives it the fixture's status. */
function serveFixture(
  fixtureName: string,
  preexisting: Record<string, unknown>[] = [],
): Promise<FakeApiServer> {
  const fixture = loadKubernetesFixture(fixtureName);
  const app = fixture.app as { metadata: { name: string }; status: unknown };
  return startFakeApiServer({
    apps: preexisting,
    pods: fixture.pods as Record<string, unknown>[],
    events: fixture.events as Record<string, unknown>[],
    logs:
      fixture.driverLog === undefined ? {} : { [`${app.metadata.name}-driver`]: fixture.driverLog },
    operate: (posted) => ({ ...posted, status: app.status }),
  });
}

function inputsFor(server: FakeApiServer, name: string, withBase: boolean): RunInputs {
  const base = sampleRecord(name);
  return {
    kubeconfig: server.kubeConfig.exportConfig(),
    run: {
      manifest: manifestFor(name),
      manifestHash: "0123456789",
      timeoutSeconds: 5,
      pollSeconds: 0.01,
      base: withBase
        ? {
            experiment: base.experiment,
            cell: name,
            parameters: base.parameters,
            sizing: base.sizing,
            scale: 1,
            pool: "highmem-16g",
          }
        : undefined,
    },
    providerVersion: RUN_PROVIDER_VERSION,
  };
}

describe("SparkApplicationRun provider", () => {
  let server: FakeApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("creates the application, waits for it and records its failure class and evidence", async () => {
    server = await serveFixture("executor-container-oom");
    const result = await sparkApplicationRunProvider.create(inputsFor(server, "cell-0002", true));
    expect(result.id).to.equal("spark-apps/cell-0002");
    const record = cellResultSchema.parse(result.outs.record);
    expect(record.state).to.equal("FAILED");
    expect(record.failureClass).to.equal("executor_container_oom");
    expect(record.evidence.exitCodes).to.include(137);
    expect(record.evidence.terminationReasons).to.include("OOMKilled");
    expect(record.runner).to.equal("kubernetes");
    expect(record.pool).to.equal("highmem-16g");
    expect(server.requests[0]).to.equal(`POST ${APPS}`);
    const posted = JSON.parse(server.bodies[0]) as {
      metadata: { annotations: Record<string, string> };
    };
    expect(posted.metadata.annotations).to.deep.equal({ [MANIFEST_HASH_ANNOTATION]: "0123456789" });
    expect(server.requests).to.include(`GET ${APPS}/cell-0002`);
  });

  it("records a completed run of a non-cell (spark-pi) as its outcome alone", async () => {
    server = await serveFixture("completed");
    const result = await sparkApplicationRunProvider.create(inputsFor(server, "cell-0001", false));
    const outcome = result.outs.record as Record<string, unknown>;
    expect(outcome.state).to.equal("COMPLETED");
    expect(outcome.failureClass).to.equal("none");
    expect(outcome).to.not.have.property("cell");
  });

  it("adopts the application an interrupted update created from the same manifest", async () => {
    const fixture = loadKubernetesFixture("completed");
    const existing = {
      ...manifestFor("cell-0001"),
      metadata: {
        name: "cell-0001",
        namespace: "spark-apps",
        annotations: { [MANIFEST_HASH_ANNOTATION]: "0123456789" },
      },
      status: (fixture.app as { status: unknown }).status,
    };
    server = await serveFixture("completed", [existing]);
    const result = await sparkApplicationRunProvider.create(inputsFor(server, "cell-0001", true));
    expect((result.outs.record as { state: string }).state).to.equal("COMPLETED");
    expect(server.requests.filter((r) => r.startsWith("POST"))).to.have.length(1); // tried, 409, adopted
  });

  it("refuses to take over an application of the same name from another manifest", async () => {
    const other = {
      ...manifestFor("cell-0001"),
      metadata: {
        name: "cell-0001",
        namespace: "spark-apps",
        annotations: { [MANIFEST_HASH_ANNOTATION]: "ffffffffff" },
      },
    };
    server = await serveFixture("completed", [other]);
    let error: unknown;
    try {
      await sparkApplicationRunProvider.create(inputsFor(server, "cell-0001", true));
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).to.match(
      /already exists from another manifest \(hash ffffffffff, expected 0123456789\)/,
    );
  });

  it("deletes the application on delete, and a missing one is fine", async () => {
    server = await serveFixture("completed");
    const inputs = inputsFor(server, "cell-0001", true);
    await sparkApplicationRunProvider.create(inputs);
    await sparkApplicationRunProvider.delete!("spark-apps/cell-0001", inputs);
    await sparkApplicationRunProvider.delete!("spark-apps/cell-0001", inputs);
    expect(server.requests.filter((r) => r.startsWith("DELETE"))).to.deep.equal([
      `DELETE ${APPS}/cell-0001`,
      `DELETE ${APPS}/cell-0001`,
    ]);
  });

  it("replaces a run only when its manifest changed, and updates one whose provider code is newer", async () => {
    const olds = { run: { manifestHash: "aaaaaaaaaa" }, providerVersion: 1 } as RunInputs;
    expect(await sparkApplicationRunProvider.diff!("id", olds, { ...olds })).to.deep.equal({
      changes: false,
      replaces: [],
      deleteBeforeReplace: true,
    });
    expect(
      await sparkApplicationRunProvider.diff!("id", olds, {
        ...olds,
        run: { manifestHash: "bbbbbbbbbb" },
      }),
    ).to.deep.equal({ changes: true, replaces: ["run"], deleteBeforeReplace: true });
    expect(
      await sparkApplicationRunProvider.diff!("id", olds, { ...olds, providerVersion: 2 }),
    ).to.deep.equal({ changes: true, replaces: [], deleteBeforeReplace: true });
  });

  it("keeps the run and its record when only the provider's code is updated", async () => {
    const olds = { run: { manifestHash: "a" }, providerVersion: 1, record: { state: "FAILED" } };
    const news = { run: { manifestHash: "a" }, providerVersion: 2 } as RunInputs;
    const updated = await sparkApplicationRunProvider.update!("id", olds, news);
    expect(updated.outs).to.deep.equal({ ...news, record: { state: "FAILED" } });
  });

  it("works as Pulumi runs it: serialized, in a separate Node process, with no path of this machine", async function () {
    this.timeout(60_000);
    server = await serveFixture("spark-memory-oom");
    const serialized = await pulumi.runtime.serializeFunction(() => sparkApplicationRunProvider);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-"));
    const file = path.join(dir, "provider.js");
    fs.writeFileSync(file, serialized.text);
    const inputs = inputsFor(
      server,
      (loadKubernetesFixture("spark-memory-oom").app as { metadata: { name: string } }).metadata
        .name,
      true,
    );
    const script = `
      const provider = require(${JSON.stringify(file)}).${serialized.exportName}();
      provider.create(JSON.parse(process.argv[1])).then(
        (r) => console.log(JSON.stringify(r.outs.record)),
        (e) => { console.log("ERROR " + e.message); });`;
    // The child runs while this process serves the fake API: execFileSync would block it.
    const runIn = (cwd: string) =>
      new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          ["-e", script, JSON.stringify(inputs)],
          { cwd },
          (error, stdout) => (error ? reject(new Error(error.message)) : resolve(stdout)),
        );
      });
    try {
      // The engine runs the provider in the checkout Pulumi was started in.
      const output = await runIn(PROJECT_DIR);
      const record = cellResultSchema.parse(JSON.parse(output.trim().split("\n").pop() ?? "{}"));
      expect(record.failureClass).to.equal("spark_memory_oom");
      // Outside a checkout, one clear message instead of a module-not-found trace.
      expect(await runIn(dir)).to.match(
        /ERROR the spark-at-scale run resources need a spark-at-scale checkout/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(serialized.text).to.not.match(/zod|classifyFailure/); // loads the modules, copies none
    expect(serialized.text).to.not.include(PROJECT_DIR); // nothing of this checkout's location
  });
});
