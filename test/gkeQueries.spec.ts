/**
 * TPC-H cells on the GKE testbed, under mocks: the testbed declares a private data bucket,
 * read-only to the drivers' Google service account, and uploads the tables of each scale factor
 * from this machine's cache; each cell's driver and executors read them through the Cloud
 * Storage connector, which an init container fetches from the project's Maven mirror.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { ConfigError } from "../src/config/errors";
import { TPCH_TABLES } from "../src/config/workload";
import { compileStack } from "../src/render/compile";
import { runProgram } from "../stacks/program";
import { defineTestbed } from "../stacks/testbed";
import { QueryDataBucket } from "../components/queryDataBucket";
import { devStackConfig, devStackWith } from "./helpers/devStack";
import { registeredResources, resetRegistrations, type RegisteredResource } from "./mocks";

const SCRIPT = () => "print('workload')\n";
const RUN_TYPE = "pulumi-nodejs:dynamic/spark-at-scale:SparkApplicationRun";
const BUCKET = "my-spark-lab-spark-lab-spark-data";

const TPCH_EXPERIMENT = {
  name: "gke-tpch",
  workload: { kind: "tpch", queries: [3] },
  axes: { executorMemory: ["2g"], strategy: ["broadcast"], scaleFactor: [1, 10] },
};

describe("TPC-H cells on the GKE testbed (under mocks)", () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "gke-tpch-"));
  // Stand-in for tpch_data.py: the folder of a scale factor's eight tables.
  const tpchFolder = (scaleFactor: number) => {
    const folder = path.join(cache, `sf${scaleFactor}`);
    fs.mkdirSync(folder, { recursive: true });
    for (const table of TPCH_TABLES)
      fs.writeFileSync(path.join(folder, `${table}.parquet`), "PAR1");
    return folder;
  };
  let resources: RegisteredResource[];
  const ofType = (type: string) => resources.filter((r) => r.type === type);

  before(async () => {
    resetRegistrations();
    runProgram(devStackWith({ experiment: TPCH_EXPERIMENT }), "Pulumi.dev.yaml", {
      workloadScript: SCRIPT,
      tpchFolder,
    });
    resources = await registeredResources();
  });
  after(() => fs.rmSync(cache, { recursive: true, force: true }));

  it("declares a private data bucket, read-only to the drivers' Google account", () => {
    const bucket = ofType("gcp:storage/bucket:Bucket").find((b) => b.inputs.name === BUCKET)!;
    expect(bucket.inputs).to.include({
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      location: "US-CENTRAL1",
    });
    const grants = ofType("gcp:storage/bucketIAMMember:BucketIAMMember").filter((g) =>
      g.name.startsWith("spark-lab-data"),
    );
    expect(grants.map((g) => g.inputs.role)).to.deep.equal(["roles/storage.objectViewer"]);
    expect(grants[0].inputs.member).to.match(/^serviceAccount:spark-lab-spark@/);
  });

  it("uploads the eight tables of each scale factor from the local cache", async () => {
    const objects = ofType("gcp:storage/bucketObject:BucketObject");
    expect(objects.map((o) => o.inputs.name).sort()).to.deep.equal(
      [1, 10]
        .flatMap((sf) => TPCH_TABLES.map((t) => `tpch/tpchgen-cli-4.0.0/sf${sf}/${t}.parquet`))
        .sort(),
    );
    const orders = objects.find(
      (o) => o.inputs.name === "tpch/tpchgen-cli-4.0.0/sf10/orders.parquet",
    )!;
    expect(await orders.inputs.source.path).to.equal(path.join(cache, "sf10", "orders.parquet"));
  });

  it("reads them from the bucket on driver and executors, through the connector", () => {
    const apps = ofType(RUN_TYPE).map((r) => r.inputs.run.manifest);
    const app = apps.find((a) => a.metadata.name === "tpch-q03-sf10-m2g-bhj-aqe-1")!;
    expect(app.spec.mainApplicationFile).to.equal("local:///opt/spark-at-scale/query_workload.py");
    expect(app.spec.arguments).to.include(
      `lineitem=gs://${BUCKET}/tpch/tpchgen-cli-4.0.0/sf10/lineitem.parquet`,
    );
    expect(app.spec.sparkConf["spark.executor.extraClassPath"]).to.equal(
      "/opt/spark-connectors/gcs-connector.jar",
    );
    expect(app.spec.sparkConf["spark.driver.extraClassPath"]).to.equal(
      "/opt/spark-connectors/gcs-connector.jar",
    );
    const fetch = app.spec.executor.initContainers.map((c: { name: string }) => c.name);
    expect(fetch).to.deep.equal(["fetch-gcs-connector"]);
    expect(app.spec.executor.volumeMounts).to.deep.include({
      name: "gcs-connector",
      mountPath: "/opt/spark-connectors",
      readOnly: true,
    });
    // One connector volume for both.
    expect(
      app.spec.volumes.filter((v: { name: string }) => v.name === "gcs-connector"),
    ).to.have.length(1);
  });

  it("has the cells wait for the data: the bucket is among what the testbed makes them wait for", () => {
    const compiled = compileStack(
      devStackWith({ experiment: TPCH_EXPERIMENT }),
      "Pulumi.dev.yaml",
      SCRIPT,
    );
    if (compiled.runtime.target !== "gke") throw new Error("the dev stack is a GKE stack");
    const testbed = defineTestbed(compiled.config, compiled.pools, compiled.runtime, [
      {
        name: "tpch/tpchgen-cli-4.0.0/sf1/orders.parquet",
        source: tpchFolder(1) + "/orders.parquet",
      },
    ]);
    expect(testbed.ready.some((r) => r instanceof QueryDataBucket)).to.equal(true);
    const join = compileStack(devStackConfig(), "Pulumi.dev.yaml", SCRIPT);
    if (join.runtime.target !== "gke") throw new Error("the dev stack is a GKE stack");
    expect(
      defineTestbed(join.config, join.pools, join.runtime).ready.some(
        (r) => r instanceof QueryDataBucket,
      ),
    ).to.equal(false);
  });

  it("leaves a join experiment's testbed without a data bucket", () => {
    const join = compileStack(devStackConfig(), "Pulumi.dev.yaml", SCRIPT).objects!;
    for (const launch of join.launches) expect(launch.executorConnector).to.equal(undefined);
  });

  it("refuses a SQL table the pods cannot read", () => {
    const sql = devStackWith({
      experiment: {
        ...TPCH_EXPERIMENT,
        workload: {
          kind: "sql",
          name: "spend",
          file: __filename,
          tables: { orders: "data/orders.parquet", customers: "gs://b/c.parquet" },
        },
      },
    });
    expect(() => compileStack(sql, "Pulumi.dev.yaml", SCRIPT)).to.throw(
      ConfigError,
      /spark-at-scale:experiment.workload.tables.orders: a gs:\/\/ path on the GKE testbed/,
    );
  });
});
