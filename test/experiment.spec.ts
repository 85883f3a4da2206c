import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { registeredResources, resetRegistrations, valueOf, type RegisteredResource } from "./mocks";
import { devStackConfig, devStackWith } from "./helpers/devStack";
import { ConfigError } from "../src/config/errors";
import { allocatableMemoryMiB } from "../src/core/machineTypes";
import { compileStack } from "../src/render/compile";
import { lanePredecessors } from "../src/render/lanes";
import { DAEMONSET_RESERVE_MIB } from "../src/experiment/sizing";
import { runPlan } from "../src/cli/planCommand";
import { runProgram } from "../stacks/program";

const SCRIPT = "print('workload')\n";
const script = () => SCRIPT;
const RUN_TYPE = "pulumi-nodejs:dynamic/spark-at-scale:SparkApplicationRun";
const cellRuns = (resources: RegisteredResource[]) =>
  resources.filter(
    (r) => r.type === RUN_TYPE && r.inputs.run.manifest.metadata.name !== "spark-pi",
  );
/** Each cell's SparkApplication, as its run resource was given it. */
const cellApps = (resources: RegisteredResource[]) =>
  cellRuns(resources).map((r) => ({ ...r, inputs: r.inputs.run.manifest }));

/** The dev experiment with some of its parts replaced. */
function devExperimentWith(change: (experiment: any) => void): Record<string, unknown> {
  const config = devStackConfig();
  const experiment = structuredClone(config.experiment) as any;
  change(experiment);
  return devStackWith({ experiment });
}

/** What every GKE cell adds for its event log: written compressed to the stack's bucket. */
const EVENT_LOG_CONF = {
  "spark.eventLog.enabled": "true",
  "spark.eventLog.dir": "gs://my-spark-lab-spark-lab-spark-events/events",
  "spark.eventLog.compress": "true",
  "spark.eventLog.compression.codec": "zstd",
  "spark.eventLog.logStageExecutorMetrics": "true",
  "spark.executor.metrics.pollingInterval": "100ms",
  "spark.driver.extraClassPath": "/opt/spark-connectors/gcs-connector.jar",
  "spark.hadoop.fs.gs.impl": "com.google.cloud.hadoop.fs.gcs.GoogleHadoopFileSystem",
  "spark.hadoop.fs.AbstractFileSystem.gs.impl": "com.google.cloud.hadoop.fs.gcs.GoogleHadoopFS",
};

describe("experiment (dev stack under mocks)", () => {
  let resources: RegisteredResource[];
  let outputs: ReturnType<typeof runProgram>;
  const compiled = compileStack(devStackConfig(), "Pulumi.dev.yaml", script);

  before(async () => {
    resetRegistrations();
    outputs = runProgram(devStackConfig(), "Pulumi.dev.yaml", { workloadScript: script });
    resources = await registeredResources();
  });

  it("has at least 24 cells spanning all four strategies", () => {
    expect(compiled.cells).to.have.length(44);
    expect(new Set(compiled.cells.map((c) => c.parameters.strategy))).to.deep.equal(
      new Set(["broadcast", "shuffle_hash", "sort_merge", "auto"]),
    );
  });

  it("registers one SparkApplication per cell, with unique DNS-1123 names", () => {
    const apps = cellApps(resources);
    expect(apps).to.have.length(compiled.cells.length);
    const names = apps.map((a) => a.inputs.metadata.name as string);
    expect(new Set(names).size).to.equal(names.length);
    for (const name of names) {
      expect(name).to.match(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
      expect(name.length).to.be.at.most(45);
    }
    expect(names).to.include("m2g-bhj-r0p25-s0-aqe-1");
    expect(names).to.include("m12g-smj-r2-s1p1-aqe-1");
  });

  it("tells every cell's run where its event log is in the bucket, to read its measured memory", () => {
    const bucket = compiled.runtime.eventLog;
    expect(bucket?.kind).to.equal("gcs");
    for (const run of cellRuns(resources)) {
      expect(run.inputs.run.eventLogs).to.deep.equal({
        kind: "bucket",
        bucket: bucket?.kind === "gcs" ? bucket.bucket : "",
        prefix: "events",
      });
    }
  });

  it("gives every resource a unique type and name", () => {
    const urns = resources.map((r) => `${r.type}::${r.name}`);
    expect(new Set(urns).size).to.equal(urns.length);
  });

  it("pins every cell's executors to the smallest pool they fit, tolerating its taint", () => {
    for (const app of cellApps(resources)) {
      const executor = app.inputs.spec.executor;
      const pool = executor.nodeSelector["spark-at-scale/pool"] as string;
      const machine = pool === "highmem-16g" ? "e2-highmem-2" : "e2-highmem-4";
      const podMiB = parseInt(executor.memory, 10) + parseInt(executor.memoryOverhead, 10);
      expect(podMiB + DAEMONSET_RESERVE_MIB, app.inputs.metadata.name).to.be.at.most(
        allocatableMemoryMiB(machine),
      );
      expect(executor.tolerations).to.deep.equal([
        { key: "spark-at-scale/experiment", operator: "Equal", value: pool, effect: "NoSchedule" },
      ]);
      const expectedPool = executor.memory === "2048m" ? "highmem-16g" : "highmem-32g";
      expect(pool, app.inputs.metadata.name).to.equal(expectedPool);
      expect(app.inputs.spec.driver.nodeSelector).to.deep.equal({
        "spark-at-scale/pool": "system",
      });
    }
  });

  it("builds each cell's spec from its parameters", () => {
    const app = cellApps(resources).find(
      (a) => a.inputs.metadata.name === "m2g-shj-r1-s1p1-aqe-1",
    )!.inputs;
    expect(app.metadata.namespace).to.equal("spark-apps");
    expect(app.metadata.labels).to.deep.equal({
      "spark-at-scale/experiment": "join-memory-v1",
      "spark-at-scale/cell": "m2g-shj-r1-s1p1-aqe-1",
    });
    expect(app.spec.type).to.equal("Python");
    expect(app.spec.image).to.equal(
      "us-central1-docker.pkg.dev/my-spark-lab/dockerhub-mirror/apache/spark:4.0.4",
    );
    expect(app.spec.mainApplicationFile).to.equal("local:///opt/spark-at-scale/join_workload.py");
    expect(app.spec.restartPolicy).to.deep.equal({ type: "Never" });
    expect(app.spec.arguments).to.deep.equal([
      "--build-bytes",
      String(2 * 1024 ** 3),
      "--probe-bytes",
      String(2 * 1024 ** 3),
      "--strategy",
      "shuffle_hash",
      "--skew",
      "1.1",
      "--aqe",
      "on",
      "--keys",
      "100000",
      "--partitions",
      "64",
      "--seed",
      "42",
      "--app-name",
      "m2g-shj-r1-s1p1-aqe-1",
    ]);
    expect(app.spec.sparkConf).to.deep.equal({
      "spark.sql.adaptive.enabled": "true",
      "spark.sql.autoBroadcastJoinThreshold": "-1",
      "spark.sql.adaptive.autoBroadcastJoinThreshold": "-1",
      ...EVENT_LOG_CONF,
    });
    expect(app.spec.executor).to.include({
      instances: 2,
      cores: 1,
      memory: "2048m",
      memoryOverhead: "384m",
    });
    expect(app.spec.executor.deleteOnTermination).to.equal(false);
    expect(app.spec.driver).to.include({
      memory: "4096m",
      memoryOverhead: "409m",
      serviceAccount: "spark",
    });
    const configMap = resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap")!.inputs;
    expect(app.spec.volumes).to.deep.equal([
      { name: "workload", configMap: { name: configMap.metadata.name } },
      { name: "gcs-connector", emptyDir: {} },
    ]);
    expect(configMap.data).to.deep.equal({ "join_workload.py": SCRIPT });
    expect(app.spec.executor.volumeMounts).to.deep.equal([
      { name: "workload", mountPath: "/opt/spark-at-scale", readOnly: true },
    ]);
    // Only the driver writes the event log: it alone gets the Cloud Storage connector, fetched
    // through the project's Maven mirror by an init container before Spark starts.
    expect(app.spec.driver.volumeMounts).to.deep.equal([
      { name: "workload", mountPath: "/opt/spark-at-scale", readOnly: true },
      { name: "gcs-connector", mountPath: "/opt/spark-connectors", readOnly: true },
    ]);
    expect(app.spec.driver.initContainers.map((c: { name: string }) => c.name)).to.deep.equal([
      "fetch-gcs-connector",
    ]);
    expect(app.spec.executor.initContainers).to.equal(undefined);
  });

  it("leaves the join threshold alone for broadcast and auto cells and lifts the result-size cap", () => {
    const conf = (name: string) =>
      cellApps(resources).find((a) => a.inputs.metadata.name === name)!.inputs.spec.sparkConf;
    const broadcastConf = {
      "spark.sql.adaptive.enabled": "true",
      "spark.driver.maxResultSize": "0",
      ...EVENT_LOG_CONF,
    };
    expect(conf("m2g-bhj-r1-s0-aqe-1")).to.deep.equal(broadcastConf);
    expect(conf("m2g-auto-r1-s0-aqe-1")).to.deep.equal(broadcastConf);
  });

  it("exports a record for every cell, keyed by cell name", async () => {
    const cells = await valueOf(outputs.cells!);
    expect(Object.keys(cells).sort()).to.deep.equal(compiled.cells.map((c) => c.name).sort());
    const record = cells["m12g-bhj-r2-s0-aqe-1"] as any;
    expect(record.parameters).to.deep.equal({
      executorMemory: "12g",
      tableRatio: 2,
      strategy: "broadcast",
      skew: 0,
      aqe: true,
      memoryOverheadFactor: 0.1,
      executorCores: 1,
      memoryOverhead: null,
      repeat: 1,
    });
    expect(record.pool).to.equal("highmem-32g");
    expect(record.state).to.equal("COMPLETED");
    expect(outputs.experiment).to.equal("join-memory-v1");
  });

  it("runs each cell as one resource given its deadline, manifest hash and record base", () => {
    const runs = resources.filter((r) => r.type === RUN_TYPE);
    expect(runs).to.have.length(compiled.cells.length + 1); // + spark-pi
    const one = runs.find((r) => r.inputs.run.manifest.metadata.name === "m2g-smj-r1-s0-aqe-1")!
      .inputs.run;
    expect(one.timeoutSeconds).to.equal(20 * 60);
    expect(one.pollSeconds).to.equal(15);
    expect(one.manifestHash).to.match(/^[0-9a-f]{10}$/);
    expect(one.base).to.include({
      experiment: "join-memory-v1",
      cell: "m2g-smj-r1-s0-aqe-1",
      pool: "highmem-16g",
      scale: 1,
    });
    expect(
      resources.filter(
        (r) => r.type === "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication",
      ),
    ).to.have.length(0);
  });
});

describe("cell names", () => {
  it("stay the same, with the same specs, when an axis gains a value", () => {
    const before = compileStack(devStackConfig(), "before", script);
    const after = compileStack(
      devExperimentWith((e) => {
        e.axes.skew.push(2);
        e.axes.executorMemory.push("4g");
      }),
      "after",
      script,
    );
    const afterByName = new Map(after.objects!.applications.map((a) => [a.metadata.name, a]));
    for (const app of before.objects!.applications) {
      expect(afterByName.get(app.metadata.name), app.metadata.name).to.deep.equal(app);
    }
    expect(after.cells.length).to.equal(3 * 3 * 4 * 3 - 3 * 3);
  });

  it("keep existing names when an optional axis or repeats are turned on", () => {
    const before = compileStack(devStackConfig(), "before", script).cells.map((c) => c.name);
    const after = compileStack(
      devExperimentWith((e) => {
        e.axes.memoryOverheadFactor = [0.1, 0.2];
        e.fixed.repeats = 2;
      }),
      "after",
      script,
    ).cells.map((c) => c.name);
    for (const name of before) expect(after).to.include(name);
    expect(after).to.include("m2g-bhj-r0p25-s0-aqe-o0p2-2");
  });
});

describe("an explicit memory overhead (axes.memoryOverhead)", () => {
  const compiled = compileStack(
    devExperimentWith((e) => {
      e.axes.executorMemory = ["2g"];
      e.axes.memoryOverhead = ["384m", "64m"];
      e.exclude = [{ strategy: "auto", memoryOverhead: "64m" }];
    }),
    "Pulumi.dev.yaml",
    script,
  );
  const byName = new Map(compiled.cells.map((c) => [c.name, c]));

  it("replaces the factor rule: the pod is heap + the given overhead, even under 384 MiB", () => {
    const small = byName.get("m2g-shj-r1-s0-aqe-oh64m-1")!;
    expect(small.parameters.memoryOverhead).to.equal("64m");
    expect(small.sizing.overheadMiB).to.equal(64);
    expect(small.sizing.podMemoryMiB).to.equal(2048 + 64);
    expect(byName.get("m2g-shj-r1-s0-aqe-oh384m-1")!.sizing.podMemoryMiB).to.equal(2048 + 384);
  });

  it("states it in the SparkApplication, so the pod limit is the planned one", () => {
    const index = compiled.cells.findIndex((c) => c.name === "m2g-shj-r1-s0-aqe-oh64m-1");
    expect(compiled.objects!.applications[index].spec.executor.memoryOverhead).to.equal("64m");
  });

  it("is excluded by value like any axis", () => {
    expect(
      [...byName.keys()].filter((n) => n.startsWith("m2g-auto") && n.includes("oh64m")),
    ).to.deep.equal([]);
    expect(byName.has("m2g-auto-r1-s0-aqe-oh384m-1")).to.equal(true);
  });

  it("cannot be combined with a memoryOverheadFactor axis, which it would make meaningless", () => {
    expect(() =>
      compileStack(
        devExperimentWith((e) => {
          e.axes.memoryOverhead = ["64m"];
          e.axes.memoryOverheadFactor = [0.1, 0.4];
        }),
        "Pulumi.dev.yaml",
        script,
      ),
    ).to.throw(
      ConfigError,
      /axes\.memoryOverheadFactor: has no effect when axes\.memoryOverhead is set/,
    );
  });
});

describe("lanes", () => {
  it("start at most `concurrency` cells at once and chain the rest", () => {
    expect(lanePredecessors(5, 2)).to.deep.equal([undefined, undefined, 0, 1, 2]);
    expect(lanePredecessors(3, 4)).to.deep.equal([undefined, undefined, undefined]);
  });
});

describe("invalid experiments", () => {
  const cases: Array<[string, (e: any) => void, RegExp[]]> = [
    [
      "unknown strategy",
      (e) => (e.axes.strategy = ["broadcast", "nested_loop"]),
      [
        /experiment\.axes\.strategy\[1\]/,
        /"nested_loop"/,
        /one of broadcast, shuffle_hash, sort_merge, auto/,
      ],
    ],
    [
      "ratio of zero",
      (e) => (e.axes.tableRatio = [0, 1]),
      [/experiment\.axes\.tableRatio\[0\]/, /above 0/],
    ],
    ["negative ratio", (e) => (e.axes.tableRatio = [-1]), [/tableRatio\[0\]/, /-1/]],
    [
      "memory that fits no pool",
      (e) => (e.axes.executorMemory = ["2g", "40g"]),
      [
        /cell m40g-auto-r0p25-s0-aqe-1/,
        /executor pod needs 44\.0 GiB/,
        /no experiment pool fits/,
        /highmem-32g: 28\.3 GiB allocatable/,
      ],
    ],
    [
      "duplicate axis values",
      (e) => (e.axes.executorMemory = ["2g", "2048m"]),
      [/axes\.executorMemory/, /distinct/],
    ],
    [
      "unknown experiment key",
      (e) => (e.axis = {}),
      [
        /experiment\.axis: unknown key/,
        /allowed keys: axes, description, draw, exclude, fixed, name/,
      ],
    ],
    ["unknown axis", (e) => (e.axes.joinType = ["x"]), [/axes\.joinType: unknown key/]],
    ["negative skew", (e) => (e.axes.skew = [-0.5]), [/axes\.skew\[0\]/, /0 \(uniform\) or more/]],
    [
      "malformed memory",
      (e) => (e.axes.executorMemory = ["4 GB"]),
      [/executorMemory\[0\]/, /"4 GB"/, /512m or 4g/],
    ],
    [
      "executor below Spark's minimum",
      (e) => (e.axes.executorMemory = ["256m"]),
      [/at least 450 MiB/],
    ],
    [
      "exclusion that matches nothing",
      (e) => (e.exclude = [{ strategy: "broadcast", tableRatio: 3 }]),
      [/exclude\[0\]\.tableRatio/, /matches nothing/],
    ],
    ["zero concurrency", (e) => (e.fixed.concurrency = 0), [/fixed\.concurrency/, /at least 1/]],
    [
      "driver too big for the system pool",
      (e) => (e.fixed.driverMemory = "16g"),
      [/fixed\.driverMemory/, /system pool/],
    ],
  ];
  for (const [what, change, patterns] of cases) {
    it(`rejects ${what} and registers nothing`, async () => {
      resetRegistrations();
      let error: unknown;
      try {
        runProgram(devExperimentWith(change), "Pulumi.dev.yaml", { workloadScript: script });
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(ConfigError);
      for (const pattern of patterns) expect((error as Error).message).to.match(pattern);
      expect(await registeredResources()).to.have.length(0);
    });
  }
});

describe("plan --out", () => {
  it("writes exactly the objects the program registers", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
    const lines: string[] = [];
    expect(runPlan({ stack: "dev", out: dir }, (l) => lines.push(l))).to.equal(0);
    const written = fs
      .readdirSync(dir)
      .map((f) => yaml.load(fs.readFileSync(path.join(dir, f), "utf8")) as any);
    expect(written).to.have.length(45); // 44 SparkApplications + the workload ConfigMap

    resetRegistrations();
    runProgram(devStackConfig(), "Pulumi.dev.yaml");
    const all = await registeredResources();
    const registered = [
      ...cellApps(all),
      ...all.filter((r) => r.type === "kubernetes:core/v1:ConfigMap"),
    ];
    const key = (o: any) => `${o.kind}/${o.metadata.name}`;
    const byKey = new Map(written.map((o) => [key(o), o]));
    expect(registered).to.have.length(written.length);
    for (const resource of registered) {
      const object = {
        apiVersion: resource.inputs.apiVersion,
        kind: resource.inputs.kind,
        ...resource.inputs,
      };
      expect(byKey.get(key(object)), key(object)).to.deep.equal(JSON.parse(JSON.stringify(object)));
    }
    fs.rmSync(dir, { recursive: true });
  });
});
