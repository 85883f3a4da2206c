import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import * as yaml from "js-yaml";
import { writeManifests } from "../../src/cli/writeManifests";
import { compileStack } from "../../src/render/compile";
import { sparkApplicationValidator } from "../../src/spark/crdSchema";
import { sparkPiManifest } from "../../src/testbed/sparkPi";
import { readStackFile } from "../../src/config/stackFile";
import { devStackConfig, devStackWith, PROJECT_DIR } from "../helpers/devStack";
import { sparkApplicationCrdText } from "../helpers/operatorReference";

describe("SparkApplications against the operator's v2.5.2 CRD", () => {
  const validate = sparkApplicationValidator(sparkApplicationCrdText(), "the v2.5.2 CRD");

  it("accepts every SparkApplication `plan --out` writes for the dev stack, and spark-pi", () => {
    const compiled = compileStack(devStackConfig(), "Pulumi.dev.yaml", () => "print(1)");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
    try {
      const files = writeManifests(dir, compiled.objects!);
      const apps = files
        .map((file) => ({ file, object: yaml.load(fs.readFileSync(file, "utf8")) }))
        .filter(({ object }) => (object as { kind?: string }).kind === "SparkApplication");
      expect(apps).to.have.length(44);
      for (const { file, object } of apps) {
        expect(validate(object), path.basename(file)).to.deep.equal([]);
      }
      expect(validate(sparkPiManifest(compiled.config))).to.deep.equal([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("accepts query cells' SparkApplications: GKE's executor connector, an existing cluster's data volume", () => {
    const experiment = {
      name: "queries",
      workload: { kind: "tpch", queries: [3] },
      axes: { executorMemory: ["2g"], strategy: ["broadcast"], scaleFactor: [1] },
    };
    const gke = compileStack(devStackWith({ experiment }), "Pulumi.dev.yaml", () => "print(1)");
    const local = readStackFile(path.join(PROJECT_DIR, "Pulumi.local.yaml"));
    const existing = compileStack(
      {
        ...local,
        existingCluster: { ...(local.existingCluster as object), data: { hostPath: "/data" } },
        experiment: { ...experiment, axes: { ...experiment.axes, executorMemory: ["512m"] } },
      },
      "Pulumi.local.yaml",
      () => "print(1)",
    );
    const apps = [...gke.objects!.applications, ...existing.objects!.applications];
    expect(apps.map((a) => a.spec.executor.initContainers?.length ?? 0)).to.deep.equal([1, 0]);
    for (const app of apps) expect(validate(app), app.metadata.name).to.deep.equal([]);
  });

  it("rejects a field the API server would silently prune, naming where it is", () => {
    const compiled = compileStack(devStackConfig(), "Pulumi.dev.yaml", () => "print(1)");
    const app = structuredClone(compiled.objects!.applications[0]) as unknown as {
      spec: { executor: Record<string, unknown> };
    };
    app.spec.executor.deleteOnTerminaton = false;
    expect(validate(app)).to.deep.include({
      path: "/spec/executor",
      message: "must NOT have additional properties",
    });
  });

  it("rejects a wrong type, naming the field", () => {
    const compiled = compileStack(devStackConfig(), "Pulumi.dev.yaml", () => "print(1)");
    const app = structuredClone(compiled.objects!.applications[0]) as unknown as {
      spec: { executor: Record<string, unknown> };
    };
    app.spec.executor.instances = "two";
    expect(validate(app).map((p) => p.path)).to.include("/spec/executor/instances");
  });
});
