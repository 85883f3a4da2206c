/**
 * The real Pulumi engine (CLI and Kubernetes provider built by scripts/pulumi/build-engine.sh)
 * running an existing-cluster stack on the local cluster through scripts/pulumi/stack.ts (the
 * Automation API's inline program, a file backend): cells run for real by `up`, a second `up`
 * changes nothing, an added axis value runs only its cell, `kill -9` in the middle of a cell
 * leaves one driver pod for it, the state holds no path of the checkout, and `destroy` from
 * another clone, after the first is gone, leaves nothing on the cluster.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CoreV1Api, RbacAuthorizationV1Api, type V1Pod } from "@kubernetes/client-node";
import { expect } from "chai";
import * as yaml from "js-yaml";
import { driverPodName } from "../../src/experiment/nativeSubmission";
import { enginePaths } from "../../scripts/pulumi/stack";
import { PROJECT_DIR } from "../helpers/devStack";
import { clusterKubeConfig, clusterKubeconfigPath } from "./clusterAccess";

const STACK = "engine-e2e";
const NAMESPACE = "spark-e2e";
const PASSPHRASE = "spark-at-scale-test";
const CELL_LABEL = "spark-at-scale/cell";

/**
 * The experiment's cells as the axes below make them. Small sort-merge joins that complete: the
 * four endings are the cluster runner's test (cells.spec.ts); this one is about what the engine
 * does with the runs, so its cells are the quickest that run for real.
 */
const FIRST_RATIOS = [0.05, 0.1, 0.2];
const cellOf = (ratio: number) => `m512m-smj-r${String(ratio).replace(".", "p")}-s0-aqe-1`;
const FIRST_CELLS = FIRST_RATIOS.map(cellOf);
const ADDED_CELL = cellOf(0.3);
const KILLED_CELL = cellOf(0.4);

/** A checkout as a user has one: the repository's files, with its installs. */
function makeClone(parent: string, name: string): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir, { recursive: true });
  const files = spawnSync("git", ["ls-files", "-z", "-co", "--exclude-standard"], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
  }).stdout.split("\0");
  for (const file of files.filter(Boolean)) {
    const from = path.join(PROJECT_DIR, file);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file));
  }
  // node_modules as hard links (a copy in no time or space): Node loads modules by their real
  // path, and the state's source positions must point into this checkout, as after `npm ci`.
  const linked = spawnSync("cp", ["-al", path.join(PROJECT_DIR, "node_modules"), dir]);
  if (linked.status !== 0)
    fs.cpSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), {
      recursive: true,
    });
  // The venv only gives spark-submit to the run resources, outside the state.
  fs.symlinkSync(path.join(PROJECT_DIR, ".venv"), path.join(dir, ".venv"));
  return dir;
}

/** Writes the stack's config (the file Pulumi created keeps its encryption salt). */
function writeStackConfig(clone: string, ratios: number[]): void {
  const file = path.join(clone, `Pulumi.${STACK}.yaml`);
  const local = yaml.load(fs.readFileSync(path.join(clone, "Pulumi.local.yaml"), "utf8")) as {
    config: Record<string, any>;
  };
  const existing = fs.existsSync(file)
    ? (yaml.load(fs.readFileSync(file, "utf8")) as Record<string, unknown>)
    : {};
  const experiment = structuredClone(local.config["spark-at-scale:experiment"]);
  experiment.name = STACK;
  experiment.axes = {
    executorMemory: ["512m"],
    strategy: ["sort_merge"],
    tableRatio: [...FIRST_RATIOS, ...ratios],
    skew: [0],
    aqe: [true],
  };
  delete experiment.exclude;
  // Two small cells side by side: 2 × (1.4 GiB driver pod + 2 × 896 MiB executor pods) leave room
  // on the 8 GiB node for the History Servers.
  experiment.fixed = { ...experiment.fixed, driverMemory: "1g", concurrency: 2 };
  const config = {
    ...local.config,
    "spark-at-scale:jobNamespace": NAMESPACE,
    "spark-at-scale:existingCluster": {
      ...local.config["spark-at-scale:existingCluster"],
      kubeconfig: clusterKubeconfigPath(),
    },
    "spark-at-scale:experiment": experiment,
  };
  fs.writeFileSync(file, yaml.dump({ ...existing, config }));
}

interface HarnessResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function harnessArgs(clone: string, backend: string, command: string[]): string[] {
  return [
    "-r",
    "ts-node/register",
    path.join(clone, "scripts", "pulumi", "stack.ts"),
    ...command,
    "--stack",
    STACK,
    "--backend",
    backend,
    "--dir",
    clone,
  ];
}

const harnessEnv = { ...process.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE };

/** Runs scripts/pulumi/stack.ts in `clone` and waits for it. */
function harness(clone: string, backend: string, command: string[]): HarnessResult {
  const run = spawnSync("node", harnessArgs(clone, backend, command), {
    cwd: clone,
    env: harnessEnv,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(
    `      $ stack ${command.join(" ")} -> ${run.status}\n` +
      run.stderr
        .split("\n")
        .filter((line) => /error|warning|\+ |~ |- |Resources:|created|deleted|pending/i.test(line))
        .slice(-40)
        .map((line) => `      | ${line}\n`)
        .join(""),
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The JSON result line a successful harness command prints. */
function resultOf(run: HarnessResult, what: string): any {
  expect(run.status, `${what}: ${run.stderr.slice(-3000)}`).to.equal(0);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!);
}

/** Every process descended from `pid`, from /proc. */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const parent = Number(
        /^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${entry}/status`, "utf8"))?.[1],
      );
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // Ended while being read.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  seconds: number,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${seconds}s`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

describe("the Pulumi engine on the local cluster: an existing-cluster stack", () => {
  const kubeConfig = clusterKubeConfig();
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "engine-e2e-"));
  const backend = path.join(scratch, "state");
  const cloneA = makeClone(scratch, "first-clone");
  const cloneB = makeClone(path.join(scratch, "elsewhere"), "second-clone");
  /** Driver pod uids by cell, as first seen. */
  const driverUids = new Map<string, string>();

  const driversOf = async (): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace: NAMESPACE })).items.filter(
      (pod) => pod.metadata?.labels?.["spark-role"] === "driver",
    );

  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("builds the engine from the Go module proxy (cached by version) and says which", () => {
    const build = spawnSync("bash", [path.join(PROJECT_DIR, "scripts/pulumi/build-engine.sh")], {
      encoding: "utf8",
    });
    expect(build.status, build.stderr).to.equal(0);
    expect(build.stderr).to.match(/Pulumi CLI v3\.274\.1 .*installed as kubernetes v4\.34\.2/);
  });

  it("`up` runs three cells on real pods and outputs each cell's record", async () => {
    writeStackConfig(cloneA, []);
    const up = resultOf(harness(cloneA, backend, ["up"]), "first up");
    const cells = up.outputs.cells as Record<
      string,
      { failureClass: string; runner: string; state: string }
    >;
    expect(Object.keys(cells).sort()).to.deep.equal([...FIRST_CELLS].sort());
    for (const cell of FIRST_CELLS) {
      expect(cells[cell].runner, cell).to.equal("kubernetes");
      expect(cells[cell].state, cell).to.equal("COMPLETED");
      expect(cells[cell].failureClass, cell).to.equal("none");
    }
    for (const pod of await driversOf()) {
      driverUids.set(pod.metadata!.labels![CELL_LABEL], pod.metadata!.uid!);
    }
    expect([...driverUids.keys()].sort()).to.deep.equal([...FIRST_CELLS].sort());
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
    expect(report.stdout).to.include("3 cells: 3 completed, 0 failed");
    const csv = fs.readFileSync(path.join(scratch, "report", "results.csv"), "utf8");
    for (const cell of FIRST_CELLS) expect(csv).to.include(cell);
  });

  it("a second `up` changes nothing", () => {
    const up = resultOf(harness(cloneA, backend, ["up"]), "second up");
    expect(Object.keys(up.changes as object)).to.deep.equal(["same"]);
  });

  it("an added axis value runs only its cell", async () => {
    writeStackConfig(cloneA, [0.3]);
    const up = resultOf(harness(cloneA, backend, ["up"]), "up with a new ratio");
    expect(up.changes.create, JSON.stringify(up.changes)).to.equal(1);
    expect(up.changes).to.not.have.any.keys("update", "replace", "delete");
    expect(up.outputs.cells[ADDED_CELL].failureClass).to.equal("none");
    const drivers = await driversOf();
    for (const [cell, uid] of driverUids) {
      expect(
        drivers.find((p) => p.metadata?.labels?.[CELL_LABEL] === cell)?.metadata?.uid,
        cell,
      ).to.equal(uid);
    }
    expect(drivers).to.have.length(4);
  });

  it("after `kill -9` of `up` while a cell runs, the documented recovery records every cell once with one driver each", async () => {
    writeStackConfig(cloneA, [0.3, 0.4]);
    const child = spawn("node", harnessArgs(cloneA, backend, ["up"]), {
      cwd: cloneA,
      env: harnessEnv,
      detached: true,
      stdio: "ignore",
    });
    const running = await waitUntil(
      `${KILLED_CELL}'s driver running`,
      async () => {
        const pod = await core.readNamespacedPod({
          namespace: NAMESPACE,
          name: driverPodName(KILLED_CELL),
        });
        return pod.status?.phase === "Running" ? pod : undefined;
      },
      600,
    );
    // `up` and everything it started: the CLI puts its plugins (the run's dynamic provider, with
    // its spark-submit) in process groups of their own.
    const tree = descendantsOf(child.pid!);
    process.kill(-child.pid!, "SIGKILL");
    for (const pid of tree) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone with the group.
      }
    }
    await new Promise((resolve) => child.once("exit", resolve));

    // The README's recovery, step by step: release the lock the killed update left, update
    // again (the run adopts the driver pod its launch started), forget the pending create.
    resultOf(harness(cloneA, backend, ["cancel"]), "cancel");
    const up = resultOf(harness(cloneA, backend, ["up"]), "up after kill -9");
    resultOf(harness(cloneA, backend, ["refresh", "--clear-pending-creates"]), "refresh");

    const cells = up.outputs.cells as Record<string, { failureClass: string }>;
    expect(Object.keys(cells).sort()).to.deep.equal(
      [...FIRST_CELLS, ADDED_CELL, KILLED_CELL].sort(),
    );
    expect(cells[KILLED_CELL].failureClass).to.equal("none");
    const drivers = await driversOf();
    const perCell = new Map<string, number>();
    for (const pod of drivers) {
      const cell = pod.metadata!.labels![CELL_LABEL];
      perCell.set(cell, (perCell.get(cell) ?? 0) + 1);
    }
    expect([...perCell.values()]).to.deep.equal([1, 1, 1, 1, 1]);
    expect(
      drivers.find((p) => p.metadata?.labels?.[CELL_LABEL] === KILLED_CELL)?.metadata?.uid,
      "the driver the killed update started is the one recorded",
    ).to.equal(running.metadata!.uid);
    const state = resultOf(harness(cloneA, backend, ["export"]), "export");
    expect(state.deployment.pending_operations ?? []).to.deep.equal([]);
  });

  it("keeps no path of this machine's checkouts or home in the state", () => {
    const state = harness(cloneA, backend, ["export"]).stdout;
    expect(state).to.include(KILLED_CELL);
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
      harness(cloneB, backend, ["destroy"]),
      "destroy from the second clone",
    );
    expect(destroy.changes.delete).to.be.greaterThan(5);
    await waitUntil(
      `namespace ${NAMESPACE} gone`,
      async () => {
        const list = await core.listNamespace();
        return list.items.some((n) => n.metadata?.name === NAMESPACE) ? undefined : true;
      },
      300,
    );
    const pods = (await core.listPodForAllNamespaces()).items.filter(
      (p) => p.metadata?.namespace === NAMESPACE,
    );
    expect(pods).to.deep.equal([]);
    const roles = (await rbac.listRoleForAllNamespaces()).items.filter(
      (r) => r.metadata?.namespace === NAMESPACE,
    );
    expect(roles).to.deep.equal([]);
    const configMaps = (await core.listConfigMapForAllNamespaces()).items.filter(
      (c) => c.metadata?.namespace === NAMESPACE,
    );
    expect(configMaps).to.deep.equal([]);
  });
});
