/**
 * `Pulumi.local.yaml`, an existing-cluster stack, on the real local cluster, from start to end:
 *
 * 1. the real Pulumi engine (CLI and Kubernetes provider built by scripts/pulumi/build-engine.sh,
 *    driven through scripts/pulumi/stack.ts from a fresh copy of the repository) runs its four
 *    cells by native spark-submit, each ending a different way on real pods, into the output
 *    `cells`;
 * 2. `spark-at-scale run` on the same stack adopts those cells instead of starting them again,
 *    and each ending is checked from the real objects, kept as fixtures, predicted, and shown by
 *    the History Server; the driver's RBAC is proven with one permission taken away;
 * 3. an added table ratio runs only its cell, through a `kill -9` of `up` in the middle of it and
 *    the recovery in docs/existing-cluster.md; the state holds no path of the checkout; and `destroy` from another
 *    copy, after the first is gone, leaves nothing on the cluster.
 *
 * One flow, so each real Spark cell runs once: on two cores a cell takes one to two minutes.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  AppsV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  type KubernetesObject,
  type V1Pod,
} from "@kubernetes/client-node";
import { expect } from "chai";
import { parse } from "csv-parse/sync";
import * as yaml from "js-yaml";
import { enginePaths } from "../../scripts/pulumi/stack";
import { readPredictions } from "../../src/campaign/preRunPredictions";
import { applyObjects } from "../../src/cluster/applyObjects";
import { readStackFile } from "../../src/config/stackFile";
import { compileStack } from "../../src/render/compile";
import type { CellLaunch } from "../../src/render/launch";
import { driverPodName } from "../../src/render/nativeSubmission";
import { readWorkloadScript } from "../../src/render/workloadScript";
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
import {
  harness,
  harnessArgs,
  harnessEnv,
  killTree,
  makeClone,
  resultOf,
  waitUntil,
} from "./engineHarness";

/** The stack both `pulumi up` and `spark-at-scale run` take: the committed Pulumi.local.yaml. */
const STACK = "local";
const STACK_FILE = path.join(PROJECT_DIR, `Pulumi.${STACK}.yaml`);
const FIXTURE_OUT = path.join(PROJECT_DIR, "test-output", "cluster-fixtures");
const CLI = path.join(PROJECT_DIR, "bin", "spark-at-scale");
const CELL_LABEL = "spark-at-scale/cell";

const COMPLETING_CELL = "m512m-smj-r0p25-s0-aqe-oh384m-1";
const JVM_OOM_CELL = "m512m-bhj-r0p5-s0-aqe-oh384m-1";

/** The ending each cell of Pulumi.local.yaml was designed for, and what decides it. */
const EXPECTED: Record<string, { failureClass: string; exitCode?: number; reason?: string }> = {
  [COMPLETING_CELL]: { failureClass: "none" },
  "m512m-bhj-r0p5-s0-aqe-oh64m-1": {
    failureClass: "executor_container_oom",
    exitCode: 137,
    reason: "OOMKilled",
  },
  [JVM_OOM_CELL]: { failureClass: "executor_jvm_oom", exitCode: 52 },
  "m512m-shj-r0p75-s0-aqe-oh384m-1": { failureClass: "spark_memory_oom" },
};
const FIRST_CELLS = Object.keys(EXPECTED).sort();

/** The table ratio added later: of its cells, the exclusions below keep one quick sort-merge. */
const ADDED_RATIO = 0.1;
const ADDED_CELL = "m512m-smj-r0p1-s0-aqe-oh384m-1";

/**
 * Points the clone's copy of the stack file at the running cluster, and adds the table ratio
 * when asked (the file Pulumi wrote keeps its encryption salt).
 */
function writeStackConfig(clone: string, withAddedRatio: boolean): void {
  const file = path.join(clone, `Pulumi.${STACK}.yaml`);
  const stack = yaml.load(fs.readFileSync(file, "utf8")) as { config: Record<string, any> };
  const config = structuredClone(stack.config);
  config["spark-at-scale:existingCluster"].kubeconfig = clusterKubeconfigPath();
  const original = (yaml.load(fs.readFileSync(STACK_FILE, "utf8")) as typeof stack).config;
  const experiment = structuredClone(original["spark-at-scale:experiment"]);
  if (withAddedRatio) {
    experiment.axes.tableRatio = [...experiment.axes.tableRatio, ADDED_RATIO];
    experiment.exclude = [
      ...experiment.exclude,
      { strategy: "broadcast", tableRatio: ADDED_RATIO },
      { strategy: "shuffle_hash", tableRatio: ADDED_RATIO },
    ];
  }
  config["spark-at-scale:experiment"] = experiment;
  fs.writeFileSync(file, yaml.dump({ ...stack, config }));
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

describe("an existing-cluster stack on the local cluster: pulumi up, spark-at-scale run, kill -9, destroy", () => {
  const kubeConfig = clusterKubeConfig();
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const rbacApi = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  const compiled = compileStack(
    readStackFile(STACK_FILE),
    `Pulumi.${STACK}.yaml`,
    readWorkloadScript,
  );
  const namespace = compiled.config.jobNamespace;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "existing-cluster-stack-"));
  const backend = path.join(scratch, "state");
  const cloneA = makeClone(scratch, "first-clone");
  const cloneB = makeClone(path.join(scratch, "elsewhere"), "second-clone");
  const resultsDir = path.join(scratch, "results");
  const resultsFile = path.join(resultsDir, compiled.config.experiment!.name, "results.jsonl");
  /** Driver pod uids by cell, as the engine's first update left them. */
  const driverUids = new Map<string, string>();
  /** The output `cells` of the engine's first update. */
  let engineCells: Record<string, { failureClass: string; runner: string; state: string }> = {};
  let records: CellResult[] = [];
  /** What the first `spark-at-scale run` printed (it names the History Server's command). */
  let runOutput = "";
  /** What `report --input` printed of the records `run` wrote. */
  let runReportOutput = "";

  const driversOf = async (): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace })).items.filter(
      (pod) => pod.metadata?.labels?.["spark-role"] === "driver",
    );

  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  describe("`pulumi up`: the real engine runs the cells", () => {
    it("builds the engine from the Go module proxy (cached by version) and says which", () => {
      const build = spawnSync("bash", [path.join(PROJECT_DIR, "scripts/pulumi/build-engine.sh")], {
        encoding: "utf8",
      });
      expect(build.status, build.stderr).to.equal(0);
      expect(build.stderr).to.match(/Pulumi CLI v3\.274\.1 .*installed as kubernetes v4\.34\.2/);
    });

    it("`up` runs the four cells on real pods, and the output `cells` holds each one's ending", async () => {
      writeStackConfig(cloneA, false);
      const up = resultOf(harness(cloneA, STACK, backend, ["up"]), "first up");
      engineCells = up.outputs.cells;
      expect(Object.keys(engineCells).sort()).to.deep.equal(FIRST_CELLS);
      for (const [cell, expected] of Object.entries(EXPECTED)) {
        expect(engineCells[cell].runner, cell).to.equal("kubernetes");
        expect(engineCells[cell].failureClass, cell).to.equal(expected.failureClass);
        // The run resources read the event log from the node folder, as `run` does.
        const metrics = (engineCells[cell] as { metrics?: { eventLog?: string } | null }).metrics;
        expect(metrics?.eventLog, `${cell}: the record's event log`).to.match(
          /^\/var\/lib\/spark-at-scale\/events\//,
        );
      }
      for (const pod of await driversOf()) {
        driverUids.set(pod.metadata!.labels![CELL_LABEL], pod.metadata!.uid!);
      }
      expect([...driverUids.keys()].sort()).to.deep.equal(FIRST_CELLS);
    });

    it("`spark-at-scale report --stack` reads the cells through the Pulumi CLI", () => {
      const { cliRoot, pulumiHome } = enginePaths();
      const report = spawnSync(
        path.join(cloneA, "bin", "spark-at-scale"),
        ["report", "--stack", STACK, "--out", path.join(scratch, "report")],
        {
          cwd: cloneA,
          encoding: "utf8",
          env: {
            ...harnessEnv,
            PATH: `${path.join(cliRoot, "bin")}${path.delimiter}${process.env.PATH}`,
            PULUMI_HOME: pulumiHome,
            PULUMI_BACKEND_URL: `file://${backend}`,
            PULUMI_SKIP_UPDATE_CHECK: "true",
          },
        },
      );
      process.stdout.write(
        `${`${report.stdout}${report.stderr}`.trimEnd().replace(/^/gm, "      | ")}\n`,
      );
      expect(report.status, report.stderr).to.equal(0);
      expect(report.stdout).to.include("4 cells: 1 completed, 3 failed");
      const csv = fs.readFileSync(path.join(scratch, "report", "results.csv"), "utf8");
      for (const cell of FIRST_CELLS) expect(csv).to.include(cell);
    });

    it("a second `up` changes nothing", () => {
      const up = resultOf(harness(cloneA, STACK, backend, ["up"]), "second up");
      expect(Object.keys(up.changes as object)).to.deep.equal(["same"]);
    });
  });

  describe("`spark-at-scale run` on the same stack, and each ending from real objects", () => {
    before(async () => {
      const podsBefore = (await core.listNamespacedPod({ namespace })).items.length;
      const run = runCli(["run", "--stack", STACK, "--results", resultsDir]);
      expect(run.status, "spark-at-scale run exits 0: failed cells are results").to.equal(0);
      runOutput = run.output;
      records = readRecords(resultsFile);
      expect(
        (await core.listNamespacedPod({ namespace })).items.length,
        "`run` started no pod: it adopted the engine's",
      ).to.equal(podsBefore);
    });

    it("adopts the four cells the engine ran, with the same endings, each recorded once", () => {
      expect(records.map((r) => r.cell).sort()).to.deep.equal(FIRST_CELLS);
      for (const record of records) {
        expect(record.runner).to.equal("kubernetes");
        expect(record.failureClass, record.cell).to.equal(engineCells[record.cell].failureClass);
      }
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

    it("reads each cell's measured memory from its event log in the node folder, as the pilot does", () => {
      const { eventLogs } = readStackFile(STACK_FILE).existingCluster as {
        eventLogs: { hostPath: string };
      };
      for (const record of records) {
        const metrics = record.metrics;
        expect(metrics, `${record.cell}: metrics`).to.not.equal(null);
        expect(metrics!.applicationId).to.equal(record.sparkApplicationId);
        expect(metrics!.eventLog.startsWith(`${eventLogs.hostPath}/`), metrics!.eventLog).to.equal(
          true,
        );
        expect(metrics!.executors.length, `${record.cell}: executors`).to.be.at.least(2);
      }
      const completed = records.find((r) => r.cell === COMPLETING_CELL)!;
      expect(completed.metrics!.complete).to.equal(true);
      expect(completed.metrics!.peakExecutorJvmHeapBytes).to.be.above(0);
      const report = runCli([
        "report",
        "--input",
        resultsFile,
        "--out",
        path.join(scratch, "run-report"),
      ]);
      expect(report.status, report.output).to.equal(0);
      runReportOutput = report.output;
      const rows: Array<Record<string, string>> = parse(
        fs.readFileSync(path.join(scratch, "run-report", "results.csv"), "utf8"),
        { columns: true },
      );
      expect(rows).to.have.length(records.length);
      for (const row of rows) {
        expect(row.eventLog, row.cell).to.match(/^\/var\/lib\/spark-at-scale\/events\//);
        expect(Number(row.peakExecutorJvmHeapBytes), row.cell).to.be.above(0);
        expect(row.memoryOverheadFactor, row.cell).to.equal("");
        expect(row.overheadMiB, row.cell).to.equal(row.memoryOverhead.replace("m", ""));
      }
    });

    it("predicts the cells before adopting them, and the report scores none of those late predictions", () => {
      // `run` keeps a prediction for each join cell with no record; these four had been started
      // by `pulumi up` before `run` predicted them, so the predictions are not blind.
      const stored = readPredictions(path.dirname(resultsFile));
      expect([...stored.keys()].sort()).to.deep.equal(FIRST_CELLS);
      for (const record of records) {
        expect(record.start, record.cell).to.not.equal(null);
        expect(Date.parse(stored.get(record.cell)!.predictedAt), record.cell).to.be.above(
          Date.parse(record.start!),
        );
      }
      expect(runReportOutput).to.include(
        "none to score; 4 prediction(s) made after their cell had started were not scored",
      );
    });

    it("created exactly one driver pod per cell, and kept its executors' pods", async () => {
      const pods = (await core.listNamespacedPod({ namespace })).items;
      for (const cell of FIRST_CELLS) {
        const ofCell = pods.filter((p) => p.metadata?.labels?.[CELL_LABEL] === cell);
        const drivers = ofCell.filter((p) => p.metadata?.labels?.["spark-role"] === "driver");
        expect(
          drivers.map((p) => p.metadata?.uid),
          cell,
        ).to.deep.equal([driverUids.get(cell)]);
        const executors = ofCell.filter((p) => p.metadata?.labels?.["spark-role"] === "executor");
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
      expect(
        fs.readdirSync(FIXTURE_OUT).filter((f) => f.endsWith(".json")),
      ).to.have.length.at.least(4);
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
          return (deployment.status?.availableReplicas ?? 0) >= 1 ? true : undefined;
        },
        300,
      );
      const kubectl = process.env.SPARK_AT_SCALE_KUBECTL;
      expect(kubectl, "SPARK_AT_SCALE_KUBECTL names the cluster's kubectl").to.be.a("string");
      // The command exactly as `run` printed it, on a machine without ~/.kube/config or
      // $KUBECONFIG: it must name the stack's kubeconfig and context itself.
      const printed = /History Server: (.+), then http:\/\/127\.0\.0\.1:(\d+)/.exec(runOutput);
      expect(printed, "`run` prints the History Server's command").to.not.equal(null);
      const [, command, printedPort] = printed!;
      console.log(`      running as printed: ${command}`);
      const home = fs.mkdtempSync(path.join(scratch, "home-"));
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOME: home,
        PATH: `${path.dirname(kubectl!)}:${process.env.PATH ?? ""}`,
      };
      delete env.KUBECONFIG;
      const forward = spawn("sh", ["-c", command], {
        env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      try {
        const port = await new Promise<number>((resolve, reject) => {
          let text = "";
          forward.stdout.on("data", (chunk: Buffer) => {
            text += chunk.toString();
            const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(text);
            if (match) resolve(Number(match[1]));
          });
          let errors = "";
          forward.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
          forward.on("exit", (code) =>
            reject(new Error(`the printed command exited ${code}: ${errors.trim()}`)),
          );
        });
        let names: string[] = [];
        await waitUntil(
          "the History Server lists the four cells",
          async () => {
            const response = await fetch(`http://127.0.0.1:${port}/api/v1/applications`).catch(
              () => undefined,
            );
            if (!response?.ok) return undefined;
            names = ((await response.json()) as { name: string }[]).map((app) => app.name);
            return FIRST_CELLS.every((cell) => names.includes(cell)) ? true : undefined;
          },
          120,
        );
        console.log(`      History Server lists: ${names.sort().join(", ")}`);
        const failed = (await (
          await fetch(`http://127.0.0.1:${port}/api/v1/applications?status=completed`)
        ).json()) as { id: string; name: string }[];
        const jvmOom = failed.find((app) => app.name === JVM_OOM_CELL)!;
        const jobs = (await (
          await fetch(`http://127.0.0.1:${port}/api/v1/applications/${jvmOom.id}/jobs`)
        ).json()) as { status: string }[];
        expect(
          jobs.map((job) => job.status),
          "the failed cell's jobs, read through the UI's API",
        ).to.include("FAILED");
        expect(port, "it forwards the port it printed").to.equal(Number(printedPort));
      } finally {
        killTree(forward.pid!);
      }
    });

    it("skips every finished cell when run again, creating no pod", async () => {
      const before = (await core.listNamespacedPod({ namespace })).items.length;
      const run = runCli(["run", "--stack", STACK, "--results", resultsDir]);
      expect(run.status).to.equal(0);
      expect(run.output).to.match(
        /experiment local-endings: nothing to run, all 4 cells have results/,
      );
      expect(run.output).to.not.match(/wall time/);
      expect(readRecords(resultsFile)).to.deep.equal(records);
      expect((await core.listNamespacedPod({ namespace })).items.length).to.equal(before);
    });

    describe("the driver's RBAC", () => {
      const cell = compiled.objects!.launches.find((l) => l.name === COMPLETING_CELL)!;
      const proof: CellLaunch = {
        ...cell,
        name: "rbac-proof",
        labels: { ...cell.labels, [CELL_LABEL]: "rbac-proof" },
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
            (await core.listNamespacedPod({ namespace })).items.some(
              (pod) => pod.metadata?.labels?.[CELL_LABEL] === proof.name,
            )
              ? undefined
              : true,
          180,
        );
      });

      it("without `create` on configmaps, the driver is refused with the forbidden error docs/existing-cluster.md describes", async () => {
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

  describe("an added cell, `kill -9`, and `destroy` from elsewhere", () => {
    it("`preview` of an added table ratio plans its cell alone", () => {
      writeStackConfig(cloneA, true);
      const preview = resultOf(harness(cloneA, STACK, backend, ["preview"]), "preview");
      expect(preview.changes.create, JSON.stringify(preview.changes)).to.equal(1);
      expect(preview.changes).to.not.have.any.keys("update", "replace", "delete");
    });

    it("after `kill -9` of `up` while that cell runs, the documented recovery records every cell once with one driver each", async () => {
      const child = spawn("node", harnessArgs(cloneA, STACK, backend, ["up"]), {
        cwd: cloneA,
        env: harnessEnv,
        detached: true,
        stdio: "ignore",
      });
      const running = await waitUntil(
        `${ADDED_CELL}'s driver running`,
        async () => {
          const pod = await core.readNamespacedPod({ namespace, name: driverPodName(ADDED_CELL) });
          return pod.status?.phase === "Running" ? pod : undefined;
        },
        600,
      );
      killTree(child.pid!);
      await new Promise((resolve) => child.once("exit", resolve));

      // The recovery of docs/existing-cluster.md, step by step: release the lock the killed update left, update
      // again (the run adopts the driver pod its launch started), forget the pending create.
      resultOf(harness(cloneA, STACK, backend, ["cancel"]), "cancel");
      const up = resultOf(harness(cloneA, STACK, backend, ["up"]), "up after kill -9");
      resultOf(harness(cloneA, STACK, backend, ["refresh", "--clear-pending-creates"]), "refresh");

      const cells = up.outputs.cells as Record<string, { failureClass: string }>;
      expect(Object.keys(cells).sort()).to.deep.equal([...FIRST_CELLS, ADDED_CELL].sort());
      expect(cells[ADDED_CELL].failureClass).to.equal("none");
      const drivers = await driversOf();
      const perCell = new Map<string, string[]>();
      for (const pod of drivers) {
        const cell = pod.metadata!.labels![CELL_LABEL];
        perCell.set(cell, [...(perCell.get(cell) ?? []), pod.metadata!.uid!]);
      }
      expect([...perCell.keys()].sort()).to.deep.equal([...FIRST_CELLS, ADDED_CELL].sort());
      for (const [cell, uid] of driverUids) {
        expect(perCell.get(cell), `${cell}: untouched by the added ratio`).to.deep.equal([uid]);
      }
      expect(
        perCell.get(ADDED_CELL),
        "the driver the killed update started is the one recorded",
      ).to.deep.equal([running.metadata!.uid]);
      const state = resultOf(harness(cloneA, STACK, backend, ["export"]), "export");
      expect(state.deployment.pending_operations ?? []).to.deep.equal([]);
    });

    it("keeps no path of this machine's checkouts or home in the state", () => {
      const state = harness(cloneA, STACK, backend, ["export"]).stdout;
      expect(state).to.include(ADDED_CELL);
      for (const machinePath of [cloneA, cloneB, PROJECT_DIR, scratch, `${os.homedir()}/`]) {
        expect(state, machinePath).to.not.include(machinePath);
      }
    });

    it("`destroy` from another clone, with the first one gone, leaves nothing on the cluster", async () => {
      fs.copyFileSync(
        path.join(cloneA, `Pulumi.${STACK}.yaml`),
        path.join(cloneB, `Pulumi.${STACK}.yaml`),
      );
      fs.rmSync(cloneA, { recursive: true, force: true });
      const destroy = resultOf(
        harness(cloneB, STACK, backend, ["destroy"]),
        "destroy from the second clone",
      );
      expect(destroy.changes.delete).to.be.greaterThan(5);
      await waitUntil(
        `namespace ${namespace} gone`,
        async () => {
          const list = await core.listNamespace();
          return list.items.some((n) => n.metadata?.name === namespace) ? undefined : true;
        },
        300,
      );
      const pods = (await core.listPodForAllNamespaces()).items.filter(
        (p) => p.metadata?.namespace === namespace,
      );
      expect(pods).to.deep.equal([]);
      const roles = (await rbacApi.listRoleForAllNamespaces()).items.filter(
        (r) => r.metadata?.namespace === namespace,
      );
      expect(roles).to.deep.equal([]);
      const configMaps = (await core.listConfigMapForAllNamespaces()).items.filter(
        (c) => c.metadata?.namespace === namespace,
      );
      expect(configMaps).to.deep.equal([]);
    });
  });
});
