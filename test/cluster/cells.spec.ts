/**
 * An existing-cluster stack's cells on the real local cluster, started by Spark's native
 * spark-submit through `spark-at-scale run`, each ending a different way on real pods; the
 * driver RBAC with one permission taken away; and the predictor's verdicts for runner
 * kubernetes. The real objects of each ending are written to test-output/cluster-fixtures/ (the
 * committed copies under test/fixtures/failure/kubernetes-native/ came from such a run).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AppsV1Api, CoreV1Api, type KubernetesObject, type V1Pod } from "@kubernetes/client-node";
import { expect } from "chai";
import { applyObjects } from "../../src/cluster/applyObjects";
import { readStackFile } from "../../src/config/stackFile";
import { compileStack } from "../../src/experiment/compile";
import type { CellLaunch } from "../../src/experiment/launch";
import { driverPodName } from "../../src/experiment/nativeSubmission";
import { readWorkloadScript } from "../../src/experiment/workloadScript";
import { DEFAULT_HISTORY_PORT } from "../../src/history/localHistoryServer";
import { readNativeCell } from "../../src/kube/readNativeCell";
import { findLocalSpark } from "../../src/pilot/environment";
import { predict } from "../../src/predict/predict";
import { inputFromRecord } from "../../src/predict/records";
import { cellResultSchema, type CellResult } from "../../src/results/cellResult";
import { removeNativeCell, runNativeCell } from "../../src/runs/runNative";
import { DRIVER_RULES, driverRbacManifests } from "../../src/testbed/driverRbac";
import { HISTORY_SERVER_NAME } from "../../src/testbed/eventLogs";
import { PROJECT_DIR } from "../helpers/devStack";
import { clusterKubeConfig, clusterKubeconfigPath } from "./clusterAccess";

const STACK_FILE = path.join(PROJECT_DIR, "Pulumi.local.yaml");
const FIXTURE_OUT = path.join(PROJECT_DIR, "test-output", "cluster-fixtures");
const CLI = path.join(PROJECT_DIR, "bin", "spark-at-scale");

/** The ending each cell of Pulumi.local.yaml was designed for, and what decides it. */
const EXPECTED: Record<string, { failureClass: string; exitCode?: number; reason?: string }> = {
  "m512m-smj-r0p5-s0-aqe-oh384m-1": { failureClass: "none" },
  "m512m-bhj-r0p5-s0-aqe-oh64m-1": {
    failureClass: "executor_container_oom",
    exitCode: 137,
    reason: "OOMKilled",
  },
  "m512m-bhj-r0p75-s0-aqe-oh384m-1": { failureClass: "executor_jvm_oom", exitCode: 52 },
  "m512m-shj-r1-s0-aqe-oh384m-1": { failureClass: "spark_memory_oom" },
};

async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  seconds: number,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${seconds}s`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function readRecords(file: string): CellResult[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => cellResultSchema.parse(JSON.parse(line)));
}

function runCli(args: string[]): { status: number | null; output: string } {
  const run = spawnSync(CLI, args, {
    cwd: PROJECT_DIR,
    encoding: "utf8",
    env: { ...process.env, CI: "1" },
  });
  const output = `${run.stdout}${run.stderr}`;
  process.stdout.write(`${output.trimEnd().replace(/^/gm, "      | ")}\n`);
  return { status: run.status, output };
}

/** A pod as a fixture keeps: no managedFields, which are large and say nothing about an ending. */
function fixturePod(pod: V1Pod): unknown {
  const plain = JSON.parse(JSON.stringify(pod)) as { metadata: Record<string, unknown> };
  delete plain.metadata.managedFields;
  return plain;
}

describe("cells on the local cluster, started by native spark-submit", () => {
  const kubeConfig = clusterKubeConfig();
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const compiled = compileStack(readStackFile(STACK_FILE), "Pulumi.local.yaml", readWorkloadScript);
  const namespace = compiled.config.jobNamespace;
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), "cluster-results-"));
  const resultsFile = path.join(resultsDir, compiled.config.experiment!.name, "results.jsonl");
  let records: CellResult[] = [];

  before(() => {
    const run = runCli(["run", "--stack", "local", "--results", resultsDir]);
    expect(run.status, "spark-at-scale run exits 0: failed cells are results").to.equal(0);
    records = readRecords(resultsFile);
  });

  it("runs the stack's four cells, each recorded once", () => {
    expect(records.map((r) => r.cell).sort()).to.deep.equal(Object.keys(EXPECTED).sort());
    for (const record of records) expect(record.runner).to.equal("kubernetes");
  });

  for (const [cell, expected] of Object.entries(EXPECTED)) {
    it(`${cell} ends ${expected.failureClass}, decided from real pods`, () => {
      const record = records.find((r) => r.cell === cell)!;
      expect(record.failureClass, record.evidence.messageExcerpt).to.equal(expected.failureClass);
      expect(record.state).to.equal(expected.failureClass === "none" ? "COMPLETED" : "FAILED");
      if (expected.exitCode) expect(record.evidence.exitCodes).to.include(expected.exitCode);
      if (expected.reason) expect(record.evidence.terminationReasons).to.include(expected.reason);
    });
  }

  it("created exactly one driver pod per cell, and kept its executors' pods", async () => {
    const pods = (await core.listNamespacedPod({ namespace })).items;
    for (const cell of Object.keys(EXPECTED)) {
      const drivers = pods.filter(
        (p) =>
          p.metadata?.labels?.["spark-at-scale/cell"] === cell &&
          p.metadata.labels["spark-role"] === "driver",
      );
      expect(
        drivers.map((p) => p.metadata?.name),
        cell,
      ).to.deep.equal([driverPodName(cell)]);
      const executors = pods.filter(
        (p) =>
          p.metadata?.labels?.["spark-at-scale/cell"] === cell &&
          p.metadata.labels["spark-role"] === "executor",
      );
      expect(executors.length, `${cell} executors kept`).to.be.at.least(2);
    }
  });

  it("keeps the real objects of each ending as fixtures", async () => {
    fs.mkdirSync(FIXTURE_OUT, { recursive: true });
    for (const [cell, expected] of Object.entries(EXPECTED)) {
      const launch = compiled.objects!.launches.find((l) => l.name === cell)!;
      const objects = await readNativeCell(
        kubeConfig,
        namespace,
        launch.labels,
        driverPodName(cell),
      );
      const fixture = {
        cell,
        failureClass: expected.failureClass,
        driverPodName: driverPodName(cell),
        pods: objects.pods.map(fixturePod),
        events: objects.events,
        // The end of the log is where a failure is reported and the result line printed.
        driverLog: (objects.driverLog ?? "").split("\n").slice(-400).join("\n"),
      };
      fs.writeFileSync(
        path.join(FIXTURE_OUT, `${expected.failureClass}.json`),
        `${JSON.stringify(fixture, null, 1)}\n`,
      );
    }
    expect(fs.readdirSync(FIXTURE_OUT).filter((f) => f.endsWith(".json"))).to.have.length.at.least(
      4,
    );
  });

  it("predicts each cell's ending before it ran (runner kubernetes), and says how well", () => {
    let right = 0;
    for (const record of records) {
      const prediction = predict(inputFromRecord(record));
      const observed = record.failureClass;
      const ok =
        prediction.failureClass === observed ||
        (prediction.outcome === "succeeded" && observed === "none");
      if (ok) right += 1;
      console.log(
        `      predicted ${prediction.failureClass} (margin ${prediction.margin.toFixed(2)}), observed ${observed}: ${record.cell}`,
      );
    }
    console.log(
      `      predictor on the cluster cells: ${right}/${records.length} failure classes right`,
    );
    expect(right, "the model's verdicts for these four cells").to.equal(records.length);
  });

  it("serves each cell's Spark application in the History Server on the cluster, through kubectl port-forward", async () => {
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    await waitUntil(
      "the History Server is available",
      async () => {
        const deployment = await apps.readNamespacedDeployment({
          name: HISTORY_SERVER_NAME,
          namespace,
        });
        return (deployment.status?.availableReplicas ?? 0) >= 1;
      },
      300,
    );
    const kubectl = process.env.SPARK_AT_SCALE_KUBECTL;
    expect(kubectl, "SPARK_AT_SCALE_KUBECTL names the cluster's kubectl").to.be.a("string");
    const forward = spawn(
      kubectl!,
      [
        "--kubeconfig",
        clusterKubeconfigPath(),
        "-n",
        namespace,
        "port-forward",
        `svc/${HISTORY_SERVER_NAME}`,
        `:${DEFAULT_HISTORY_PORT}`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let text = "";
        forward.stdout.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(text);
          if (match) resolve(Number(match[1]));
        });
        forward.on("exit", (code) => reject(new Error(`kubectl port-forward exited ${code}`)));
      });
      let names: string[] = [];
      await waitUntil(
        "the History Server lists the four cells",
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/api/v1/applications`).catch(
            () => undefined,
          );
          if (!response?.ok) return false;
          names = ((await response.json()) as { name: string }[]).map((app) => app.name);
          return Object.keys(EXPECTED).every((cell) => names.includes(cell));
        },
        120,
      );
      console.log(`      History Server lists: ${names.sort().join(", ")}`);
      const failed = (await (
        await fetch(`http://127.0.0.1:${port}/api/v1/applications?status=completed`)
      ).json()) as { id: string; name: string }[];
      const jvmOom = failed.find((app) => app.name === "m512m-bhj-r0p75-s0-aqe-oh384m-1")!;
      const jobs = (await (
        await fetch(`http://127.0.0.1:${port}/api/v1/applications/${jvmOom.id}/jobs`)
      ).json()) as { status: string }[];
      expect(
        jobs.map((job) => job.status),
        "the failed cell's jobs, read through the UI's API",
      ).to.include("FAILED");
    } finally {
      forward.kill("SIGTERM");
    }
  });

  it("skips every finished cell when run again, creating no pod", async () => {
    const before = (await core.listNamespacedPod({ namespace })).items.length;
    const run = runCli(["run", "--stack", "local", "--results", resultsDir]);
    expect(run.status).to.equal(0);
    expect(readRecords(resultsFile)).to.deep.equal(records);
    expect((await core.listNamespacedPod({ namespace })).items.length).to.equal(before);
  });

  describe("the driver's RBAC", () => {
    const cell = compiled.objects!.launches.find(
      (l) => l.name === "m512m-smj-r0p5-s0-aqe-oh384m-1",
    )!;
    const proof: CellLaunch = {
      ...cell,
      name: "rbac-proof",
      labels: { ...cell.labels, "spark-at-scale/cell": "rbac-proof" },
    };
    const rbac = (rules = DRIVER_RULES) =>
      driverRbacManifests(namespace, compiled.config.driverServiceAccount, rules);

    after(async () => {
      await applyObjects(kubeConfig, [rbac().role] as KubernetesObject[]);
      // The refused driver had started executors that wait forever for the ConfigMap it could
      // not create, holding the node's memory: remove the cell (its executors go with the
      // driver pod that owns them) before anything else runs.
      await removeNativeCell({
        kubeconfig: fs.readFileSync(clusterKubeconfigPath(), "utf8"),
        namespace,
        cell: proof.name,
      });
      await waitUntil(
        "the RBAC proof's pods gone",
        async () =>
          !(await core.listNamespacedPod({ namespace })).items.some(
            (pod) => pod.metadata?.labels?.["spark-at-scale/cell"] === proof.name,
          ),
        180,
      );
    });

    it("without `create` on configmaps, the driver is refused with the forbidden error the README describes", async () => {
      const withoutCreate = DRIVER_RULES.map((rule) =>
        rule.resources.includes("configmaps")
          ? { ...rule, verbs: rule.verbs.filter((verb) => verb !== "create") }
          : rule,
      );
      await applyObjects(kubeConfig, [rbac(withoutCreate).role] as KubernetesObject[]);
      const outcome = await runNativeCell({
        kubeconfig: fs.readFileSync(clusterKubeconfigPath(), "utf8"),
        launch: proof,
        timeoutSeconds: 600,
        pollSeconds: 3,
        sparkHome: findLocalSpark().sparkHome,
      });
      console.log(
        `      ${outcome.state} ${outcome.failureClass}: ${outcome.evidence.messageExcerpt.slice(0, 200)}`,
      );
      expect(outcome.state).to.equal("FAILED");
      expect(outcome.evidence.messageExcerpt).to.match(
        /configmaps is forbidden: User "system:serviceaccount:spark-apps:spark" cannot create resource "configmaps"/,
      );
    });
  });
});
