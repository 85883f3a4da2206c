import { expect } from "chai";
import { registeredResources, resetRegistrations, type RegisteredResource } from "./mocks";
import { devStackWith } from "./helpers/devStack";
import { runProgram } from "../stacks/program";
import { historyServerObjects } from "../src/history/historyServerObjects";
import { eventLogPodParts } from "../src/spark/eventLogStorage";
import { SPARK_SECURITY_CONTEXT } from "../src/spark/sparkApplication";

const ofType = (resources: RegisteredResource[], type: string) =>
  resources.filter((r) => r.type === type);
const named = (resources: RegisteredResource[], type: string, name: string) => {
  const found = ofType(resources, type).filter((r) => r.name === name);
  expect(found, `${type} ${name}`).to.have.length(1);
  return found[0].inputs;
};

const BUCKET = "my-spark-lab-spark-lab-spark-events";
const DRIVER_GSA = "spark-lab-spark@my-spark-lab.iam.gserviceaccount.com";
const HISTORY_GSA = "spark-lab-history@my-spark-lab.iam.gserviceaccount.com";
const CONNECTOR_URL =
  "https://us-central1-maven.pkg.dev/my-spark-lab/maven-central-mirror/com/google/cloud/bigdataoss/" +
  "gcs-connector/4.0.4/gcs-connector-4.0.4-shaded.jar";
const IMAGE = "us-central1-docker.pkg.dev/my-spark-lab/dockerhub-mirror/apache/spark:4.0.4";

describe("event logs on GKE (dev stack under mocks)", () => {
  let resources: RegisteredResource[];
  let outputs: ReturnType<typeof runProgram>;

  before(async () => {
    resetRegistrations();
    outputs = runProgram(devStackWith({ experiment: undefined }), "Pulumi.dev.yaml");
    resources = await registeredResources();
  });

  it("declares a private bucket: uniform access, public access prevented, logs kept 30 days", () => {
    const bucket = named(resources, "gcp:storage/bucket:Bucket", "spark-lab-events");
    expect(bucket).to.deep.include({
      name: BUCKET,
      project: "my-spark-lab",
      location: "US-CENTRAL1",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      // The dev stack turns deletion protection off: destroy removes the logs with the bucket.
      forceDestroy: true,
    });
    expect(bucket.lifecycleRules).to.deep.equal([
      { action: { type: "Delete" }, condition: { age: 30 } },
    ]);
  });

  it("keeps the bucket (and its logs) on destroy while deletion protection is on", async () => {
    resetRegistrations();
    runProgram(devStackWith({ deletionProtection: undefined, experiment: undefined }));
    const bucket = named(
      await registeredResources(),
      "gcp:storage/bucket:Bucket",
      "spark-lab-events",
    );
    expect(bucket.forceDestroy).to.equal(false);
  });

  it("grants object access on this bucket only, to one account that writes and one that reads", () => {
    const grants = ofType(resources, "gcp:storage/bucketIAMMember:BucketIAMMember").map((r) => [
      r.inputs.bucket,
      r.inputs.role,
      r.inputs.member,
    ]);
    expect(grants.sort()).to.deep.equal([
      [BUCKET, "roles/storage.objectUser", `serviceAccount:${DRIVER_GSA}`],
      [BUCKET, "roles/storage.objectViewer", `serviceAccount:${HISTORY_GSA}`],
    ]);
    // No project-wide storage role for anyone.
    const projectRoles = ofType(resources, "gcp:projects/iAMMember:IAMMember").map(
      (r) => r.inputs.role as string,
    );
    expect(projectRoles.filter((role) => role.includes("storage"))).to.deep.equal([]);
  });

  it("binds each Google account to its Kubernetes ServiceAccount through Workload Identity", () => {
    const bindings = ofType(resources, "gcp:serviceaccount/iAMMember:IAMMember").map((r) => [
      r.name,
      r.inputs.role,
      r.inputs.member,
    ]);
    expect(bindings.sort()).to.deep.equal([
      [
        "spark-lab-events-driver-workload-identity",
        "roles/iam.workloadIdentityUser",
        "serviceAccount:my-spark-lab.svc.id.goog[spark-apps/spark]",
      ],
      [
        "spark-lab-events-history-workload-identity",
        "roles/iam.workloadIdentityUser",
        "serviceAccount:my-spark-lab.svc.id.goog[spark-apps/spark-history]",
      ],
    ]);
    const driverAccount = ofType(resources, "kubernetes:core/v1:ServiceAccount").find(
      (r) => r.inputs.metadata.name === "spark",
    )!;
    expect(driverAccount.inputs.metadata.annotations).to.deep.equal({
      "iam.gke.io/gcp-service-account": DRIVER_GSA,
    });
  });

  it("mirrors Maven Central in the project, readable by those two accounts only", () => {
    const repo = named(resources, "gcp:artifactregistry/repository:Repository", "spark-lab-maven");
    expect(repo).to.deep.include({
      repositoryId: "maven-central-mirror",
      format: "MAVEN",
      mode: "REMOTE_REPOSITORY",
      location: "us-central1",
    });
    expect(repo.remoteRepositoryConfig.mavenRepository).to.deep.equal({
      publicRepository: "MAVEN_CENTRAL",
    });
    const readers = ofType(
      resources,
      "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
    )
      .filter((r) => r.inputs.repository === "maven-central-mirror")
      .map((r) => [r.inputs.role, r.inputs.member]);
    expect(readers.sort()).to.deep.equal([
      ["roles/artifactregistry.reader", `serviceAccount:${HISTORY_GSA}`],
      ["roles/artifactregistry.reader", `serviceAccount:${DRIVER_GSA}`],
    ]);
  });

  it("runs the History Server on the system pool, hardened, behind a ClusterIP Service", () => {
    const deployment = named(
      resources,
      "kubernetes:apps/v1:Deployment",
      "spark-lab-history-deployment",
    );
    expect(deployment.metadata).to.deep.include({ name: "spark-history", namespace: "spark-apps" });
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).to.equal("spark-history");
    expect(pod.nodeSelector).to.deep.equal({ "spark-at-scale/pool": "system" });
    const [container] = pod.containers;
    expect(container.image).to.equal(IMAGE);
    expect(container.args).to.deep.equal([
      "/opt/spark/bin/spark-class",
      "org.apache.spark.deploy.history.HistoryServer",
    ]);
    expect(container.securityContext).to.deep.equal({
      runAsUser: 185,
      runAsGroup: 185,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
      readOnlyRootFilesystem: true,
    });
    const env = Object.fromEntries(
      container.env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(env).to.deep.equal({
      SPARK_HISTORY_OPTS:
        `-Dspark.history.fs.logDirectory=gs://${BUCKET}/events -Dspark.history.ui.port=18080 ` +
        "-Dspark.history.fs.update.interval=10s " +
        "-Dspark.hadoop.fs.gs.impl=com.google.cloud.hadoop.fs.gcs.GoogleHadoopFileSystem " +
        "-Dspark.hadoop.fs.AbstractFileSystem.gs.impl=com.google.cloud.hadoop.fs.gcs.GoogleHadoopFS",
      SPARK_DAEMON_MEMORY: "768m",
      SPARK_DAEMON_CLASSPATH: "/opt/spark-connectors/gcs-connector.jar",
    });
    const [fetch] = pod.initContainers;
    expect(fetch.image).to.equal(IMAGE);
    expect(fetch.env).to.deep.equal([
      { name: "CONNECTOR_URL", value: CONNECTOR_URL },
      { name: "CONNECTOR_JAR", value: "/opt/spark-connectors/gcs-connector.jar" },
    ]);
    const service = named(resources, "kubernetes:core/v1:Service", "spark-lab-history-service");
    expect(service.spec).to.deep.equal({
      type: "ClusterIP",
      selector: {
        "app.kubernetes.io/name": "spark-history-server",
        "app.kubernetes.io/instance": "spark-history",
      },
      ports: [{ name: "http", port: 18080, targetPort: 18080, protocol: "TCP" }],
    });
    const account = ofType(resources, "kubernetes:core/v1:ServiceAccount").find(
      (r) => r.inputs.metadata.name === "spark-history",
    )!;
    expect(account.inputs.metadata.annotations).to.deep.equal({
      "iam.gke.io/gcp-service-account": HISTORY_GSA,
    });
  });

  it("exports where the logs are and the command that opens the History Server", () => {
    expect(outputs.eventLogs).to.equal(`gs://${BUCKET}/events`);
    expect(outputs.historyServer).to.equal(
      "gcloud container clusters get-credentials spark-lab --location us-central1-a --project my-spark-lab && kubectl --context gke_my-spark-lab_us-central1-a_spark-lab -n spark-apps port-forward svc/spark-history 18080:18080",
    );
  });
});

describe("event logs on a cluster with a node volume (pure objects)", () => {
  const storage = {
    kind: "nodeVolume",
    hostPath: "/var/spark-events",
    mountPath: "/spark-events",
  } as const;

  it("gives drivers the volume and a file: event-log folder, nothing to fetch", () => {
    const parts = eventLogPodParts(storage, SPARK_SECURITY_CONTEXT);
    expect(parts.sparkConf["spark.eventLog.dir"]).to.equal("file:/spark-events");
    expect(parts.volumes).to.deep.equal([
      { name: "spark-events", hostPath: { path: "/var/spark-events", type: "DirectoryOrCreate" } },
    ]);
    expect(parts.driverVolumeMounts).to.deep.equal([
      { name: "spark-events", mountPath: "/spark-events" },
    ]);
    expect(parts.driverInitContainers).to.deep.equal([]);
  });

  it("builds a History Server that reads the same folder, read-only, without an API token", () => {
    const objects = historyServerObjects({
      name: "spark-history",
      namespace: "spark-apps",
      image: "apache/spark:4.0.4",
      storage,
      nodeSelector: { "kubernetes.io/os": "linux" },
    });
    const pod = objects.deployment.spec.template.spec as Record<string, any>;
    expect(pod.automountServiceAccountToken).to.equal(false);
    expect(pod.initContainers).to.equal(undefined);
    expect(pod.containers[0].volumeMounts).to.deep.equal([
      { name: "tmp", mountPath: "/tmp" },
      { name: "spark-events", mountPath: "/spark-events", readOnly: true },
    ]);
    expect(pod.containers[0].env[0].value).to.equal(
      "-Dspark.history.fs.logDirectory=file:/spark-events -Dspark.history.ui.port=18080 " +
        "-Dspark.history.fs.update.interval=10s",
    );
    expect(objects.service.spec.type).to.equal("ClusterIP");
  });

  it("refuses relative paths, naming them", () => {
    expect(() =>
      eventLogPodParts({ ...storage, hostPath: "spark-events" }, SPARK_SECURITY_CONTEXT),
    ).to.throw(/hostPath "spark-events" and mountPath "\/spark-events" must both be absolute/);
  });
});
