import * as path from "node:path";
import { expect } from "chai";
import { readStackFile } from "../../src/config/stackFile";
import { compileStack } from "../../src/render/compile";
import { cellLaunch, type ExperimentContext } from "../../src/render/launch";
import { sparkApplicationOf } from "../../src/render/manifests";
import type { SparkApplicationManifest } from "../../src/spark/sparkApplication";
import {
  DRIVER_CONTAINER,
  EXECUTOR_CONTAINER,
  nativeSubmission,
  type NativeSubmission,
} from "../../src/render/nativeSubmission";
import { devStackConfig, PROJECT_DIR } from "../helpers/devStack";

const target = {
  apiServer: "https://10.244.0.1:6443",
  driverTemplatePath: "/tmp/x/driver.yaml",
  executorTemplatePath: "/tmp/x/executor.yaml",
  launchHash: "abc123",
};

/** Every cell of the dev stack, as both a SparkApplication and a native submission. */
function devCells(): { app: SparkApplicationManifest; native: NativeSubmission }[] {
  const compiled = compileStack(devStackConfig(), "Pulumi.dev.yaml", () => "print('workload')");
  const context: ExperimentContext = {
    experiment: "join-memory-v1",
    namespace: "spark-apps",
    image: "localhost/spark-at-scale/spark:4.0.4",
    imagePullPolicy: "Never",
    sparkVersion: "4.0.4",
    driverServiceAccount: "spark",
    workloadConfigMap: "join-workload-0123456789",
    driverScheduling: {
      nodeSelector: { "spark-at-scale/pool": "system" },
      tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }],
    },
    podCoreRequest: "200m",
  };
  return compiled.cells.map((cell) => {
    const launch = cellLaunch(cell, context);
    return { app: sparkApplicationOf(launch), native: nativeSubmission(launch, target) };
  });
}

describe("native submission: the same cell as its SparkApplication", () => {
  const cells = devCells();

  it("covers all 44 cells of the dev stack", () => {
    expect(cells).to.have.length(44);
  });

  it("gives the driver and executors the SparkApplication's memory, overhead, cores and CPU request", () => {
    for (const { app, native } of cells) {
      const { driver, executor } = app.spec;
      expect(native.conf["spark.driver.memory"]).to.equal(driver.memory);
      expect(native.conf["spark.driver.memoryOverhead"]).to.equal(driver.memoryOverhead);
      expect(native.conf["spark.driver.cores"]).to.equal(String(driver.cores));
      expect(native.conf["spark.kubernetes.driver.request.cores"]).to.equal(driver.coreRequest);
      expect(native.conf["spark.executor.instances"]).to.equal(String(executor.instances));
      expect(native.conf["spark.executor.memory"]).to.equal(executor.memory);
      expect(native.conf["spark.executor.memoryOverhead"]).to.equal(executor.memoryOverhead);
      expect(native.conf["spark.executor.cores"]).to.equal(String(executor.cores));
      expect(native.conf["spark.kubernetes.executor.request.cores"]).to.equal(executor.coreRequest);
      expect(native.conf["spark.kubernetes.executor.deleteOnTermination"]).to.equal("false");
      expect(executor.deleteOnTermination).to.equal(false);
    }
  });

  it("uses the same image, namespace, service account, workload, arguments and Spark settings", () => {
    for (const { app, native } of cells) {
      expect(native.conf["spark.kubernetes.container.image"]).to.equal(app.spec.image);
      expect(native.conf["spark.kubernetes.container.image.pullPolicy"]).to.equal(
        app.spec.imagePullPolicy,
      );
      expect(native.conf["spark.kubernetes.namespace"]).to.equal(app.metadata.namespace);
      expect(native.conf["spark.kubernetes.authenticate.driver.serviceAccountName"]).to.equal(
        app.spec.driver.serviceAccount,
      );
      for (const [key, value] of Object.entries(app.spec.sparkConf ?? {})) {
        expect(native.conf[key], key).to.equal(value);
      }
      const tail = native.args.slice(native.args.indexOf(app.spec.mainApplicationFile));
      expect(tail).to.deep.equal([app.spec.mainApplicationFile, ...(app.spec.arguments ?? [])]);
      expect(native.args.slice(0, 6)).to.deep.equal([
        "--master",
        "k8s://https://10.244.0.1:6443",
        "--deploy-mode",
        "cluster",
        "--name",
        app.metadata.name,
      ]);
    }
  });

  it("places pods as the SparkApplication does: node selectors by setting, tolerations by template", () => {
    for (const { app, native } of cells) {
      for (const [role, spec] of [
        ["driver", app.spec.driver],
        ["executor", app.spec.executor],
      ] as const) {
        for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
          expect(native.conf[`spark.kubernetes.${role}.node.selector.${key}`]).to.equal(value);
        }
        expect(native.podTemplates[role].spec.tolerations).to.deep.equal(spec.tolerations);
        for (const [key, value] of Object.entries(spec.labels ?? {})) {
          expect(native.conf[`spark.kubernetes.${role}.label.${key}`]).to.equal(value);
        }
      }
    }
  });

  it("mounts the workload ConfigMap and applies the security context through the pod templates", () => {
    for (const { app, native } of cells) {
      for (const [role, container, spec] of [
        ["driver", DRIVER_CONTAINER, app.spec.driver],
        ["executor", EXECUTOR_CONTAINER, app.spec.executor],
      ] as const) {
        const template = native.podTemplates[role];
        expect(template.spec.volumes).to.deep.equal(app.spec.volumes);
        expect(template.spec.containers).to.have.length(1);
        expect(template.spec.containers[0].name).to.equal(container);
        expect(template.spec.containers[0].securityContext).to.deep.equal(spec.securityContext);
        expect(template.spec.containers[0].volumeMounts).to.deep.equal(spec.volumeMounts);
        expect(native.conf[`spark.kubernetes.${role}.podTemplateContainerName`]).to.equal(
          container,
        );
      }
    }
  });

  it("names the driver pod after the cell and records the launch hash, so a second submission is recognised", () => {
    const { app, native } = cells[0];
    expect(native.driverPodName).to.equal(`${app.metadata.name}-driver`);
    expect(native.conf["spark.kubernetes.driver.pod.name"]).to.equal(native.driverPodName);
    expect(native.conf["spark.kubernetes.driver.annotation.spark-at-scale/launch-hash"]).to.equal(
      "abc123",
    );
    expect(native.conf["spark.kubernetes.submission.waitAppCompletion"]).to.equal("false");
    for (const cell of cells) expect(cell.native.driverPodName.length).to.be.at.most(63);
  });
});

describe("native submission on an existing cluster with event logs on a node folder", () => {
  const compiled = compileStack(
    readStackFile(path.join(PROJECT_DIR, "Pulumi.local.yaml")),
    "Pulumi.local.yaml",
    () => "print(1)",
  );
  const launch = compiled.objects!.launches[0];
  const app = compiled.objects!.applications[0];
  const native = nativeSubmission(launch, target);

  it("mounts the node folder in the driver only, as the SparkApplication does", () => {
    const driver = native.podTemplates.driver;
    expect(driver.spec.volumes).to.deep.include({
      name: "spark-events",
      hostPath: { path: "/var/lib/spark-at-scale/events", type: "DirectoryOrCreate" },
    });
    expect(driver.spec.containers[0].volumeMounts).to.deep.equal(app.spec.driver.volumeMounts);
    expect(native.podTemplates.executor.spec.volumes.map((v) => v.name)).to.deep.equal([
      "workload",
    ]);
  });

  it("turns event logs on, compressed, into that folder, through the cell's own settings", () => {
    expect(native.conf["spark.eventLog.enabled"]).to.equal("true");
    expect(native.conf["spark.eventLog.compress"]).to.equal("true");
    expect(native.conf["spark.eventLog.dir"]).to.equal("file:/spark-events");
    expect(app.spec.sparkConf?.["spark.eventLog.dir"]).to.equal("file:/spark-events");
  });

  it("runs the local image without pulling it, asking for a fifth of a CPU per pod", () => {
    expect(native.conf["spark.kubernetes.container.image"]).to.equal(
      "localhost/spark-at-scale/spark:4.0.4",
    );
    expect(native.conf["spark.kubernetes.container.image.pullPolicy"]).to.equal("Never");
    expect(native.conf["spark.kubernetes.driver.request.cores"]).to.equal("200m");
    expect(native.conf["spark.kubernetes.executor.request.cores"]).to.equal("200m");
  });
});
