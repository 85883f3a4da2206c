/**
 * A query experiment's Kubernetes objects on an existing cluster: the ConfigMap carries the
 * query workload beside the join's and the queries or the user's file; query cells run the
 * query workload and mount the declared data folder in the driver and every executor, the
 * same way in a native submission and a SparkApplication; what cannot work is refused first.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { ConfigError } from "../../src/config/errors";
import { readStackFile } from "../../src/config/stackFile";
import { userFileKey } from "../../src/experiment/queryArguments";
import { compileStack, planStack } from "../../src/render/compile";
import { planReport } from "../../src/plan/planReport";
import { nativeSubmission } from "../../src/render/nativeSubmission";
import { readWorkloadScript } from "../../src/render/workloadScript";
import { PROJECT_DIR } from "../helpers/devStack";

const DATA = "/var/cache/spark-at-scale/tpch/tpchgen-cli-4.0.0";
const TARGET = {
  apiServer: "https://10.244.0.1:6443",
  driverTemplatePath: "/tmp/x/driver.yaml",
  executorTemplatePath: "/tmp/x/executor.yaml",
  launchHash: "abc123",
};

/** Pulumi.local.yaml with a query experiment and, unless told, the data folder. */
function localQueryStack(
  workload: Record<string, unknown>,
  data: Record<string, unknown> | null = { hostPath: DATA },
): Record<string, unknown> {
  const config = readStackFile(path.join(PROJECT_DIR, "Pulumi.local.yaml"));
  const existing = config["existingCluster"] as Record<string, unknown>;
  return {
    ...config,
    existingCluster: { ...existing, ...(data ? { data } : {}) },
    experiment: {
      name: "local-queries",
      workload,
      axes: { executorMemory: ["512m"], strategy: ["broadcast"], scaleFactor: [0.01, 1] },
      fixed: { driverMemory: "1g" },
    },
  };
}

function problems(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

describe("query experiments' objects on an existing cluster", () => {
  const compiled = compileStack(
    localQueryStack({ kind: "tpch", queries: [3, 21] }),
    "Pulumi.local.yaml",
    readWorkloadScript,
  );
  const objects = compiled.objects!;

  it("carries the query workload, the join's it imports, and only the queries run", () => {
    const data = objects.configMap.data;
    expect(Object.keys(data).sort()).to.deep.equal([
      "join_workload.py",
      "q03.sql",
      "q21.sql",
      "query_workload.py",
    ]);
    expect(data["q03.sql"]).to.equal(
      fs.readFileSync(path.join(PROJECT_DIR, "workloads", "tpch", "queries", "q03.sql"), "utf8"),
    );
    expect(objects.configMap.metadata.name).to.match(/^query-workload-[0-9a-f]{10}$/);
  });

  it("runs each cell's query workload over the data folder, mounted read-only everywhere", () => {
    expect(objects.launches.map((l) => l.name)).to.have.length(4);
    for (const launch of objects.launches) {
      expect(launch.mainApplicationFile).to.equal("local:///opt/spark-at-scale/query_workload.py");
      const native = nativeSubmission(launch, TARGET);
      const volume = { name: "data", hostPath: { path: DATA, type: "Directory" } };
      const mount = { name: "data", mountPath: "/opt/spark-at-scale-data", readOnly: true };
      for (const template of [native.podTemplates.driver, native.podTemplates.executor]) {
        expect(template.spec.volumes).to.deep.include(volume);
        expect(template.spec.containers[0].volumeMounts).to.deep.include(mount);
      }
      const app = objects.applications.find((a) => a.metadata.name === launch.name)!;
      expect(app.spec.volumes).to.deep.include(volume);
      expect(app.spec.driver.volumeMounts).to.deep.include(mount);
      expect(app.spec.executor.volumeMounts).to.deep.include(mount);
      expect(app.spec.mainApplicationFile).to.equal(launch.mainApplicationFile);
      expect(native.args).to.include(launch.mainApplicationFile);
    }
    const sf1 = objects.launches.find((l) => l.name === "tpch-q21-sf1-m512m-bhj-aqe-1")!;
    expect(sf1.arguments).to.include("lineitem=/opt/spark-at-scale-data/sf1/lineitem.parquet");
  });

  it("plans each TPC-H cell with its expected input relative to the heap, not a prediction", () => {
    const planned = planStack(localQueryStack({ kind: "tpch", queries: [3] }), "Pulumi.local.yaml");
    const { rows } = planReport(planned.config, planned.plan!, planned.pools);
    const sf1 = rows.find((r) => r.cell === "tpch-q03-sf1-m512m-bhj-aqe-1")!;
    // 362 MB of parquet per scale factor, as tpchgen-cli 4.0.0 writes SF 1.
    expect(sf1).to.include({ scaleFactor: 1, expectedInputBytes: 362_000_000, prediction: null });
    expect(sf1.tableRatio).to.equal(null);
  });

  it("leaves a join experiment's ConfigMap, main file and volumes as they were", () => {
    const join = compileStack(
      readStackFile(path.join(PROJECT_DIR, "Pulumi.local.yaml")),
      "Pulumi.local.yaml",
      readWorkloadScript,
    ).objects!;
    expect(Object.keys(join.configMap.data)).to.deep.equal(["join_workload.py"]);
    expect(join.configMap.metadata.name).to.match(/^join-workload-/);
    for (const launch of join.launches) {
      expect(launch.mainApplicationFile).to.equal("local:///opt/spark-at-scale/join_workload.py");
      expect(launch.data).to.equal(undefined);
    }
  });

  it("carries a user's script under its own key", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "user-script-"));
    try {
      const script = path.join(dir, "my job.py");
      fs.writeFileSync(script, "print('hello')\n");
      const user = compileStack(
        localQueryStack({ kind: "pyspark", name: "mine", script }, null),
        "Pulumi.local.yaml",
        readWorkloadScript,
      ).objects!;
      expect(user.configMap.data[userFileKey(script)]).to.equal("print('hello')\n");
      expect(user.launches[0].arguments).to.include("/opt/spark-at-scale/user-my_job.py");
      expect(user.launches[0].data).to.equal(undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses what cannot run: no data folder for TPC-H, a missing script", () => {
    expect(
      problems(() =>
        compileStack(
          localQueryStack({ kind: "tpch", queries: [3] }, null),
          "Pulumi.local.yaml",
          readWorkloadScript,
        ),
      ),
    ).to.match(/spark-at-scale:existingCluster.data: required for workload.kind tpch/);
    expect(
      problems(() =>
        compileStack(
          localQueryStack({ kind: "pyspark", name: "mine", script: "/no/such/job.py" }),
          "Pulumi.local.yaml",
          readWorkloadScript,
        ),
      ),
    ).to.match(/spark-at-scale:experiment.workload.script.*"\/no\/such\/job.py": .*no such file/i);
  });
});
