import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as yaml from "js-yaml";
import { registeredResources, resetRegistrations, valueOf, type RegisteredResource } from "./mocks";
import { devStackWith } from "./helpers/devStack";
import { runProgram } from "../stacks/program";

const ofType = (resources: RegisteredResource[], type: string) =>
  resources.filter((r) => r.type === type);
const one = (resources: RegisteredResource[], type: string) => {
  const found = ofType(resources, type);
  expect(found, `exactly one ${type}`).to.have.length(1);
  return found[0];
};

/** The dev stack's testbed alone: experiment resources are covered in experiment.spec.ts. */
const devTestbed = () => devStackWith({ experiment: undefined });

describe("testbed (dev stack under mocks)", () => {
  let resources: RegisteredResource[];
  let outputs: ReturnType<typeof runProgram>;

  before(async () => {
    resetRegistrations();
    outputs = runProgram(devTestbed(), "Pulumi.dev.yaml");
    resources = await registeredResources();
  });

  it("registers one component per concern with the project's type tokens", () => {
    const components = resources
      .filter((r) => !r.custom)
      .map((r) => r.type)
      .sort();
    expect(components).to.deep.equal(
      [
        "spark-at-scale:gke:Cluster",
        "spark-at-scale:gke:ClusterAccess",
        "spark-at-scale:gke:NodeIdentity",
        "spark-at-scale:gke:NodePools",
        "spark-at-scale:history:HistoryServer",
        "spark-at-scale:operator:SparkOperator",
        "spark-at-scale:rbac:DriverRbac",
        "spark-at-scale:registry:ImageMirror",
        "spark-at-scale:registry:MavenMirror",
        "spark-at-scale:smoke:SparkPi",
        "spark-at-scale:storage:EventLogBucket",
      ].sort(),
    );
  });

  it("gives every resource a unique type and name (the mock engine does not check URNs)", () => {
    const urns = resources.map((r) => `${r.type}::${r.name}`);
    expect(new Set(urns).size).to.equal(urns.length);
  });

  it("declares a zonal cluster with Workload Identity, shielded nodes and no default pool", () => {
    const cluster = one(resources, "gcp:container/cluster:Cluster").inputs;
    expect(cluster.name).to.equal("spark-lab");
    expect(cluster.project).to.equal("my-spark-lab");
    expect(cluster.location).to.equal("us-central1-a");
    expect(cluster.removeDefaultNodePool).to.equal(true);
    expect(cluster.workloadIdentityConfig).to.deep.equal({
      workloadPool: "my-spark-lab.svc.id.goog",
    });
    expect(cluster.enableShieldedNodes).to.equal(true);
    expect(cluster.releaseChannel).to.deep.equal({ channel: "REGULAR" });
    expect(cluster.deletionProtection).to.equal(false);
    expect(cluster.privateClusterConfig).to.equal(undefined);
  });

  it("keeps deletion protection on unless the stack turns it off", async () => {
    resetRegistrations();
    runProgram(devStackWith({ deletionProtection: undefined, experiment: undefined }));
    const cluster = one(await registeredResources(), "gcp:container/cluster:Cluster").inputs;
    expect(cluster.deletionProtection).to.equal(true);
  });

  it("creates the system pool and one tainted, labelled pool per memory tier", () => {
    const pools = ofType(resources, "gcp:container/nodePool:NodePool").map((r) => r.inputs);
    expect(pools.map((p) => p.name)).to.deep.equal(["system", "highmem-16g", "highmem-32g"]);
    const byName = Object.fromEntries(pools.map((p) => [p.name as string, p]));
    expect(byName.system.nodeConfig.machineType).to.equal("e2-standard-4");
    expect(byName.system.nodeConfig.taints).to.deep.equal([]);
    expect(byName["highmem-16g"].nodeConfig.machineType).to.equal("e2-highmem-2");
    expect(byName["highmem-16g"].nodeConfig.labels).to.deep.equal({
      "spark-at-scale/pool": "highmem-16g",
    });
    expect(byName["highmem-16g"].nodeConfig.taints).to.deep.equal([
      { key: "spark-at-scale/experiment", value: "highmem-16g", effect: "NO_SCHEDULE" },
    ]);
    expect(byName["highmem-32g"].autoscaling).to.deep.equal({ minNodeCount: 0, maxNodeCount: 2 });
    for (const pool of pools) {
      expect(pool.nodeConfig.serviceAccount).to.equal(
        "spark-lab-nodes@my-spark-lab.iam.gserviceaccount.com",
      );
      expect(pool.nodeConfig.workloadMetadataConfig).to.deep.equal({ mode: "GKE_METADATA" });
      expect(pool.cluster).to.equal("spark-lab");
    }
  });

  it("gives nodes a dedicated account with only logging, monitoring and mirror read access", () => {
    const accounts = ofType(resources, "gcp:serviceaccount/account:Account").map(
      (r) => r.inputs.accountId,
    );
    // The nodes' own, and the event logs' two (test/eventLogs.spec.ts).
    expect(accounts.sort()).to.deep.equal([
      "spark-lab-history",
      "spark-lab-nodes",
      "spark-lab-spark",
    ]);
    const projectRoles = ofType(resources, "gcp:projects/iAMMember:IAMMember").map(
      (r) => r.inputs.role,
    );
    expect(projectRoles.sort()).to.deep.equal([
      "roles/logging.logWriter",
      "roles/monitoring.metricWriter",
      "roles/monitoring.viewer",
      "roles/stackdriver.resourceMetadata.writer",
    ]);
    const readers = ofType(
      resources,
      "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    ).filter((r) => r.inputs.repository !== "maven-central-mirror");
    const grants = readers.map((r) => [r.inputs.repository, r.inputs.role, r.inputs.member]).sort();
    expect(grants).to.deep.equal([
      [
        "dockerhub-mirror",
        "roles/artifactregistry.reader",
        "serviceAccount:spark-lab-nodes@my-spark-lab.iam.gserviceaccount.com",
      ],
      [
        "ghcr-mirror",
        "roles/artifactregistry.reader",
        "serviceAccount:spark-lab-nodes@my-spark-lab.iam.gserviceaccount.com",
      ],
    ]);
  });

  it("mirrors ghcr.io and Docker Hub as remote repositories in the cluster's region", () => {
    const repos = ofType(resources, "gcp:artifactregistry/repository:Repository")
      .map((r) => r.inputs)
      .filter((r) => r.format === "DOCKER");
    expect(repos).to.have.length(2);
    for (const repo of repos) {
      expect(repo.mode).to.equal("REMOTE_REPOSITORY");
      expect(repo.format).to.equal("DOCKER");
      expect(repo.location).to.equal("us-central1");
      expect(repo.project).to.equal("my-spark-lab");
    }
    const byId = Object.fromEntries(repos.map((r) => [r.repositoryId as string, r]));
    expect(byId["ghcr-mirror"].remoteRepositoryConfig.dockerRepository).to.deep.equal({
      customRepository: { uri: "https://ghcr.io" },
    });
    expect(byId["dockerhub-mirror"].remoteRepositoryConfig.dockerRepository).to.deep.equal({
      publicRepository: "DOCKER_HUB",
    });
  });

  it("installs the operator chart, pinned, with v2 values pointing at the mirror", () => {
    const release = one(resources, "kubernetes:helm.sh/v3:Release").inputs;
    expect(release.name).to.equal("spark-operator");
    expect(release.chart).to.equal("spark-operator");
    expect(release.version).to.equal("2.5.2");
    expect(release.repositoryOpts).to.deep.equal({
      repo: "https://kubeflow.github.io/spark-operator",
    });
    expect(release.namespace).to.equal("spark-operator");
    const values = release.values;
    expect(values.image).to.deep.equal({
      registry: "us-central1-docker.pkg.dev",
      repository: "my-spark-lab/ghcr-mirror/kubeflow/spark-operator/controller",
    });
    expect(values.spark.jobNamespaces).to.deep.equal(["spark-apps"]);
    expect(values.webhook.enable).to.equal(true);
    expect(values.webhook.port).to.equal(9443);
    expect(values.controller.workers).to.equal(10);
    expect(values.controller.nodeSelector).to.deep.equal({ "spark-at-scale/pool": "system" });
    expect(values.webhook.nodeSelector).to.deep.equal({ "spark-at-scale/pool": "system" });
    // Our DriverRbac is the one source of the driver's account and Role.
    expect(values.spark.serviceAccount.create).to.equal(false);
    expect(values.spark.rbac.create).to.equal(false);
    // v1 keys would be silently ignored by the v2 chart.
    expect(values).to.not.have.any.keys("sparkJobNamespace", "enableWebhook");
  });

  it("creates both namespaces", () => {
    const names = ofType(resources, "kubernetes:core/v1:Namespace").map(
      (r) => r.inputs.metadata.name,
    );
    expect(names.sort()).to.deep.equal(["spark-apps", "spark-operator"]);
  });

  it("grants the driver a namespaced Role and no ClusterRoleBinding", () => {
    const accounts = ofType(resources, "kubernetes:core/v1:ServiceAccount").map((r) => r.inputs);
    expect(accounts.map((a) => a.metadata.name).sort()).to.deep.equal(["spark", "spark-history"]);
    const sa = accounts.find((a) => a.metadata.name === "spark")!;
    expect(sa.metadata).to.deep.equal({
      name: "spark",
      namespace: "spark-apps",
      // Workload Identity: the driver writes event logs as this Google service account.
      annotations: {
        "iam.gke.io/gcp-service-account": "spark-lab-spark@my-spark-lab.iam.gserviceaccount.com",
      },
    });
    const role = one(resources, "kubernetes:rbac.authorization.k8s.io/v1:Role").inputs;
    expect(role.metadata.namespace).to.equal("spark-apps");
    const resourcesGranted = role.rules.flatMap((r: { resources: string[] }) => r.resources).sort();
    expect(resourcesGranted).to.deep.equal([
      "configmaps",
      "persistentvolumeclaims",
      "pods",
      "services",
    ]);
    for (const rule of role.rules) expect(rule.apiGroups).to.deep.equal([""]);
    const binding = one(resources, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").inputs;
    expect(binding.metadata.namespace).to.equal("spark-apps");
    expect(binding.roleRef).to.deep.equal({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: "spark-driver",
    });
    expect(binding.subjects).to.deep.equal([
      { kind: "ServiceAccount", name: "spark", namespace: "spark-apps" },
    ]);
    expect(
      ofType(resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"),
    ).to.have.length(0);
    expect(ofType(resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")).to.have.length(
      0,
    );
  });

  it("runs spark-pi from the mirrored stock image as the driver account", () => {
    const run = one(resources, "pulumi-nodejs:dynamic/spark-at-scale:SparkApplicationRun").inputs
      .run;
    expect(run.timeoutSeconds).to.equal(15 * 60);
    expect(run.base).to.equal(undefined);
    const app = run.manifest;
    expect(app.metadata).to.deep.equal({ name: "spark-pi", namespace: "spark-apps" });
    expect(app.spec.image).to.equal(
      "us-central1-docker.pkg.dev/my-spark-lab/dockerhub-mirror/apache/spark:4.0.4",
    );
    expect(app.spec.mainClass).to.equal("org.apache.spark.examples.SparkPi");
    expect(app.spec.mainApplicationFile).to.equal(
      "local:///opt/spark/examples/jars/spark-examples.jar",
    );
    expect(app.spec.sparkVersion).to.equal("4.0.4");
    expect(app.spec.restartPolicy).to.deep.equal({ type: "Never" });
    expect(app.spec.driver.serviceAccount).to.equal("spark");
    expect(app.spec.driver.nodeSelector).to.deep.equal({ "spark-at-scale/pool": "system" });
  });

  it("exports each pool's allocatable memory and a kubeconfig that uses the GKE auth plugin", async () => {
    expect(outputs.pools).to.deep.equal({
      system: { machineType: "e2-standard-4", memoryMiB: 16384, allocatableMiB: 13621 },
      "highmem-16g": { machineType: "e2-highmem-2", memoryMiB: 16384, allocatableMiB: 13621 },
      "highmem-32g": { machineType: "e2-highmem-4", memoryMiB: 32768, allocatableMiB: 29022 },
    });
    const kubeconfig = yaml.load(await valueOf(outputs.kubeconfig)) as {
      clusters: Array<{ cluster: { server: string } }>;
      users: Array<{ user: { exec: { command: string } } }>;
    };
    expect(kubeconfig.clusters[0].cluster.server).to.equal("https://203.0.113.10");
    expect(kubeconfig.users[0].user.exec.command).to.equal("gke-gcloud-auth-plugin");
    expect(await pulumi.isSecret(outputs.kubeconfig)).to.equal(true);
  });
});

describe("testbed with private nodes", () => {
  it("adds a firewall rule from the control plane to the webhook port on the nodes", async () => {
    resetRegistrations();
    runProgram(devStackWith({ privateNodes: true, masterAuthorizedNetworks: ["203.0.113.0/24"] }));
    const resources = await registeredResources();
    const cluster = one(resources, "gcp:container/cluster:Cluster").inputs;
    expect(cluster.privateClusterConfig).to.deep.equal({
      enablePrivateNodes: true,
      enablePrivateEndpoint: false,
      masterIpv4CidrBlock: "172.16.0.0/28",
    });
    expect(cluster.masterAuthorizedNetworksConfig).to.deep.equal({
      cidrBlocks: [{ cidrBlock: "203.0.113.0/24", displayName: "authorized-0" }],
    });
    const rule = one(resources, "gcp:compute/firewall:Firewall").inputs;
    expect(rule.sourceRanges).to.deep.equal(["172.16.0.0/28"]);
    expect(rule.allows).to.deep.equal([{ protocol: "tcp", ports: ["9443"] }]);
    expect(rule.targetTags).to.deep.equal(["spark-at-scale-node"]);
    for (const pool of ofType(resources, "gcp:container/nodePool:NodePool")) {
      expect(pool.inputs.nodeConfig.tags).to.deep.equal(["spark-at-scale-node"]);
    }
  });

  it("has no firewall rule when nodes are public", async () => {
    resetRegistrations();
    runProgram(devTestbed());
    expect(ofType(await registeredResources(), "gcp:compute/firewall:Firewall")).to.have.length(0);
  });
});
