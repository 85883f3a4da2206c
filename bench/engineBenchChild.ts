/**
 * One measurement for engine.bench.ts, in its own process: `pulumi preview` by the locally built
 * engine of either the existing-cluster program with N cells or N bare ConfigMaps, on a fresh
 * stack in a scratch file backend. Prints a JSON line with the preview's wall time.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import * as yaml from "js-yaml";
import { engineWorkspace } from "../scripts/pulumi/stack";
import { readStackFile } from "../src/config/stackFile";
import { PROJECT_DIR } from "../test/helpers/devStack";
import { runProgram } from "../stacks/program";

const [mode, cellsText] = process.argv.slice(2);
const cells = Number(cellsText);

/** A kubeconfig for a cluster nobody answers at: preview needs none to reach. */
function writeKubeconfig(dir: string): string {
  const file = path.join(dir, "kubeconfig");
  fs.writeFileSync(
    file,
    yaml.dump({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "bench", cluster: { server: "https://127.0.0.1:9" } }],
      users: [{ name: "bench", user: { token: "bench" } }],
      contexts: [{ name: "bench", context: { cluster: "bench", user: "bench" } }],
      "current-context": "bench",
    }),
  );
  return file;
}

/** Pulumi.local.yaml with an experiment of exactly `count` cells (the table ratio stretched). */
function stackWithCells(count: number, kubeconfig: string): Record<string, unknown> {
  const config = readStackFile(path.join(PROJECT_DIR, "Pulumi.local.yaml"));
  const strategies = ["broadcast", "shuffle_hash", "sort_merge", "auto"];
  const ratios = Array.from(
    { length: count / strategies.length },
    (_, i) => Math.round((0.05 + i * 0.01) * 100) / 100,
  );
  return {
    ...config,
    existingCluster: {
      ...(config.existingCluster as object),
      kubeconfig,
      executors: { nodeAllocatableMiB: 8192 },
    },
    experiment: {
      name: "bench",
      axes: {
        executorMemory: ["512m"],
        tableRatio: ratios,
        strategy: strategies,
        skew: [0],
        aqe: [true],
      },
      fixed: { concurrency: 4, driverMemory: "1g" },
    },
  };
}

async function main(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "engine-bench-"));
  try {
    // The dynamic provider's launcher resolves @pulumi/pulumi from the working folder.
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(scratch, "node_modules"));
    const kubeconfig = writeKubeconfig(scratch);
    const raw = stackWithCells(cells, kubeconfig);
    const program =
      mode === "program"
        ? () => {
            runProgram(raw, "bench", { workloadScript: () => "print('bench')\n" });
            return Promise.resolve({});
          }
        : () => {
            const provider = new k8s.Provider("bench", {
              kubeconfig: fs.readFileSync(kubeconfig, "utf8"),
            });
            for (let i = 0; i < cells; i += 1) {
              new k8s.core.v1.ConfigMap(
                `bare-${i}`,
                {
                  metadata: { name: `bare-${i}`, namespace: "spark-apps" },
                  data: { i: String(i) },
                },
                { provider },
              );
            }
            return Promise.resolve({});
          };
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: `${mode}-${cells}`, projectName: "spark-at-scale-bench", program },
      {
        ...(await engineWorkspace(path.join(scratch, "state"), scratch)),
        projectSettings: { name: "spark-at-scale-bench", runtime: "nodejs" },
      },
    );
    const started = process.hrtime.bigint();
    const preview = await stack.preview();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const resources = preview.changeSummary.create ?? 0;
    console.log(JSON.stringify({ seconds, resources }));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
