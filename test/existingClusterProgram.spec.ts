/**
 * The Pulumi program for an existing-cluster stack (Pulumi.local.yaml), under mocks: no GCP
 * resource, the namespace, driver RBAC, workload ConfigMap, History Server and one run per cell
 * on a provider for the cluster its kubeconfig names, and no path of this machine in any input.
 * The real engine runs the same program on the local cluster in test/cluster/.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import * as yaml from "js-yaml";
import { registeredResources, resetRegistrations, valueOf, type RegisteredResource } from "./mocks";
import { PROJECT_DIR } from "./helpers/devStack";
import { readStackFile } from "../src/config/stackFile";
import { compileStack } from "../src/render/compile";
import { launchHash } from "../src/runs/runNative";
import { runProgram } from "../stacks/program";

/** How the engine marks a secret value (pulumi/sdk/nodejs/runtime/rpc.ts, specialSigKey). */
const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
const NATIVE_RUN = "pulumi-nodejs:dynamic/spark-at-scale:NativeSparkRun";
const OPERATOR_RUN = "pulumi-nodejs:dynamic/spark-at-scale:SparkApplicationRun";
const script = () => "print('workload')\n";

/** A kubeconfig with two contexts, certificates inline, written to a scratch folder. */
function writeKubeconfig(dir: string): string {
  const file = path.join(dir, "kubeconfig");
  const cluster = (server: string) => ({
    server,
    "certificate-authority-data": Buffer.from("CA").toString("base64"),
  });
  fs.writeFileSync(
    file,
    yaml.dump({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        { name: "lab", cluster: cluster("https://10.244.0.1:6443") },
        { name: "other", cluster: cluster("https://192.0.2.1:6443") },
      ],
      users: [{ name: "admin", user: { token: "t0ken" } }],
      contexts: [
        { name: "lab", context: { cluster: "lab", user: "admin" } },
        { name: "other", context: { cluster: "other", user: "admin" } },
      ],
      "current-context": "other",
    }),
  );
  return file;
}

/** Pulumi.local.yaml pointed at `kubeconfig`, with some existingCluster keys replaced. */
function localStack(
  kubeconfig: string,
  cluster: Record<string, unknown> = {},
): Record<string, unknown> {
  const config = readStackFile(path.join(PROJECT_DIR, "Pulumi.local.yaml"));
  const existing = config["existingCluster"] as Record<string, unknown>;
  return { ...config, existingCluster: { ...existing, kubeconfig, context: "lab", ...cluster } };
}

const ofType = (resources: RegisteredResource[], type: string) =>
  resources.filter((r) => r.type === type);

describe("existing-cluster program (Pulumi.local.yaml under mocks)", () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "existing-cluster-"));
  const kubeconfig = writeKubeconfig(scratch);
  let resources: RegisteredResource[];
  let outputs: ReturnType<typeof runProgram>;

  before(async () => {
    resetRegistrations();
    outputs = runProgram(localStack(kubeconfig), "Pulumi.local.yaml", { workloadScript: script });
    resources = await registeredResources();
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("declares no GCP resource", () => {
    expect(resources.filter((r) => r.type.startsWith("gcp:"))).to.deep.equal([]);
    expect(resources.length).to.be.greaterThan(5);
  });

  it("talks to the cluster of the chosen context, with the kubeconfig as a secret", async () => {
    const [provider] = ofType(resources, "pulumi:providers:kubernetes");
    // A secret input reaches the mocks wrapped with Pulumi's secret signature.
    const wrapped = provider.inputs.kubeconfig as Record<string, string>;
    expect(wrapped[SECRET_SIGNATURE_KEY]).to.equal(SECRET_SIGNATURE);
    const given = JSON.parse(wrapped.value) as Record<string, unknown>;
    expect(given["current-context"]).to.equal("lab");
    expect(await valueOf(outputs.clusterName)).to.equal("lab");
  });

  it("declares the jobs namespace, the driver's ServiceAccount, Role and RoleBinding", () => {
    const names = (type: string) => ofType(resources, type).map((r) => r.inputs.metadata.name);
    expect(names("kubernetes:core/v1:Namespace")).to.deep.equal(["spark-apps"]);
    expect(names("kubernetes:core/v1:ServiceAccount")).to.include("spark");
    expect(names("kubernetes:rbac.authorization.k8s.io/v1:Role")).to.have.length(1);
    expect(names("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")).to.have.length(1);
    expect(
      ofType(resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"),
    ).to.deep.equal([]);
  });

  it("runs each cell by native spark-submit, one run per cell with its launch and hash", () => {
    const compiled = compileStack(localStack(kubeconfig), "Pulumi.local.yaml", script);
    const runs = ofType(resources, NATIVE_RUN);
    expect(ofType(resources, OPERATOR_RUN)).to.deep.equal([]);
    expect(runs.map((r) => r.inputs.run.launch.name)).to.deep.equal(
      compiled.cells.map((c) => c.name),
    );
    runs.forEach((run, i) => {
      expect(run.inputs.run.launchHash).to.equal(launchHash(compiled.objects!.launches[i]));
      expect(run.inputs.run.launch.image).to.equal("localhost/spark-at-scale/spark:4.0.4");
      expect(run.inputs.providerVersion).to.be.a("number");
    });
  });

  it("hashes a launch by content, whatever order Pulumi gives its keys in, so `run` adopts the pods `up` started", () => {
    const launch = compileStack(localStack(kubeconfig), "Pulumi.local.yaml", script).objects!
      .launches[0];
    // Found on the real engine: the run resource gets its inputs back with keys in another
    // order, and a hash of JSON.stringify differed from the program's (a792fff04a vs baafa0c6b6).
    const reordered = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reordered)
        : value && typeof value === "object"
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([key, inner]) => [key, reordered(inner)]),
            )
          : value;
    const shuffled = reordered(launch) as typeof launch;
    expect(JSON.stringify(shuffled)).to.not.equal(JSON.stringify(launch));
    expect(launchHash(shuffled)).to.equal(launchHash(launch));
    expect(launchHash({ ...launch, image: "apache/spark:4.0.4" })).to.not.equal(launchHash(launch));
  });

  it("starts a History Server over the node's event-log folder and outputs its port-forward", () => {
    const [deployment] = ofType(resources, "kubernetes:apps/v1:Deployment");
    const volumes = deployment.inputs.spec.template.spec.volumes as {
      hostPath?: { path: string };
    }[];
    expect(volumes.map((v) => v.hostPath?.path)).to.include("/var/lib/spark-at-scale/events");
    // Runnable as printed on a machine without ~/.kube/config: the stack's kubeconfig and context.
    expect(outputs.historyServer).to.equal(
      `kubectl --kubeconfig ${kubeconfig} --context lab -n spark-apps port-forward svc/spark-history 18080:18080`,
    );
    expect(outputs.pools).to.deep.equal({});
  });

  it("outputs each cell's record by name", async () => {
    const cells = await valueOf(outputs.cells!);
    expect(Object.keys(cells)).to.have.length(4);
    expect(cells["m512m-smj-r0p25-s0-aqe-oh384m-1"]).to.include({ runner: "kubernetes" });
  });

  it("puts no path of this machine or checkout in any resource's inputs", () => {
    const inputs = JSON.stringify(resources.map((r) => r.inputs));
    expect(inputs).to.not.include(PROJECT_DIR);
    expect(inputs).to.not.include(scratch);
    expect(inputs).to.not.include(os.homedir() + "/");
  });
});

describe("existing-cluster program: its options", () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "existing-cluster-"));
  const kubeconfig = writeKubeconfig(scratch);
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  async function declared(cluster: Record<string, unknown>): Promise<RegisteredResource[]> {
    resetRegistrations();
    runProgram(localStack(kubeconfig, cluster), "Pulumi.local.yaml", { workloadScript: script });
    return registeredResources();
  }

  it("with submission operator, runs SparkApplications instead", async () => {
    const resources = await declared({ submission: "operator" });
    expect(ofType(resources, NATIVE_RUN)).to.deep.equal([]);
    const runs = ofType(resources, OPERATOR_RUN);
    expect(runs).to.have.length(4);
    expect(runs[0].inputs.run.manifest.kind).to.equal("SparkApplication");
  });

  it("uses a namespace that exists when createNamespace is false", async () => {
    const resources = await declared({ createNamespace: false });
    expect(ofType(resources, "kubernetes:core/v1:Namespace")).to.deep.equal([]);
    expect(ofType(resources, NATIVE_RUN)).to.have.length(4);
  });

  it("installs the operator's chart only when asked, placed with the drivers", async () => {
    expect(ofType(await declared({}), "kubernetes:helm.sh/v3:Release")).to.deep.equal([]);
    const resources = await declared({
      installOperator: true,
      submission: "operator",
      drivers: { nodeSelector: { role: "drivers" } },
    });
    const [release] = ofType(resources, "kubernetes:helm.sh/v3:Release");
    expect(release.inputs.chart).to.equal("spark-operator");
    expect(release.inputs.values.controller.nodeSelector).to.deep.equal({ role: "drivers" });
    expect(release.inputs.values.spark.jobNamespaces).to.deep.equal(["spark-apps"]);
  });

  it("refuses a context the kubeconfig does not have, naming it and the ones it has", () => {
    expect(() =>
      runProgram(localStack(kubeconfig, { context: "prod" }), "Pulumi.local.yaml", {
        workloadScript: script,
      }),
    ).to.throw(/existingCluster\.context: no context "prod" in .*; it has lab, other/);
  });
});
