/**
 * The project's SparkApplication create / adopt-after-interruption / delete code against a real
 * API server serving the Spark Operator's real v2.5.2 CRD. No operator runs on the test cluster
 * (its module and images cannot be had here), so nothing reconciles these objects: this checks
 * what the API server accepts and stores, and the project's own handling of the objects.
 */
import {
  ApiException,
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  loadAllYaml,
  type V1CustomResourceDefinition,
} from "@kubernetes/client-node";
import { expect } from "chai";
import { compileStack } from "../../src/render/compile";
import { contentHash } from "../../src/render/manifests";
import {
  createOrAdoptApplication,
  deleteApplication,
  MANIFEST_HASH_ANNOTATION,
} from "../../src/kube/applyApplication";
import { SparkApplicationNotFoundError } from "../../src/kube/errors";
import { readSparkApplication } from "../../src/kube/readCellEvidence";
import { SPARK_APPLICATION_RESOURCE } from "../../src/kube/sparkOperatorApi";
import type { SparkApplicationManifest } from "../../src/spark/sparkApplication";
import { devStackConfig } from "../helpers/devStack";
import { sparkApplicationCrdText } from "../helpers/operatorReference";
import { clusterKubeConfig } from "./clusterAccess";

const NAMESPACE = "crd-check";

async function waitUntil(what: string, check: () => Promise<boolean>, seconds = 60): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not true after ${seconds}s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe("SparkApplications on a real API server with the operator's v2.5.2 CRD (no operator running)", () => {
  const kubeConfig = clusterKubeConfig();
  const extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  // Typed by the client's own loader: its serializer writes the schema's x-kubernetes-* keys
  // only from typed models, and drops them from a plain object.
  const crd = loadAllYaml(sparkApplicationCrdText())[0] as V1CustomResourceDefinition;
  const crdName = crd.metadata!.name!;
  const compiled = compileStack(devStackConfig(), "Pulumi.dev.yaml", () => "print(1)");
  const inNamespace = (app: SparkApplicationManifest): SparkApplicationManifest => ({
    ...app,
    metadata: { ...app.metadata, namespace: NAMESPACE },
  });
  const manifest = inNamespace(compiled.objects!.applications[0]);
  const hash = contentHash(JSON.stringify(manifest));

  before(async () => {
    await extensions.createCustomResourceDefinition({ body: crd }).catch((error: unknown) => {
      if (!(error instanceof ApiException && error.code === 409)) throw error;
    });
    await waitUntil("the SparkApplication CRD is established", async () => {
      const read = await extensions.readCustomResourceDefinition({ name: crdName });
      return (read.status?.conditions ?? []).some(
        (c) => c.type === "Established" && c.status === "True",
      );
    });
    await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  });

  after(async () => {
    await core.deleteNamespace({ name: NAMESPACE });
    await waitUntil(
      "the test namespace is gone",
      async () =>
        core.readNamespace({ name: NAMESPACE }).then(
          () => false,
          () => true,
        ),
      120,
    );
    await extensions.deleteCustomResourceDefinition({ name: crdName });
  });

  it("creates a cell's application and the API server stores every field (none pruned)", async () => {
    expect(await createOrAdoptApplication(kubeConfig, manifest, hash)).to.equal("created");
    const stored = (await custom.getNamespacedCustomObject({
      ...SPARK_APPLICATION_RESOURCE,
      namespace: NAMESPACE,
      name: manifest.metadata.name,
    })) as { spec: unknown; metadata: { annotations?: Record<string, string> } };
    expect(stored.spec).to.deep.equal(JSON.parse(JSON.stringify(manifest.spec)));
    expect(stored.metadata.annotations?.[MANIFEST_HASH_ANNOTATION]).to.equal(hash);
    const app = await readSparkApplication(kubeConfig, NAMESPACE, manifest.metadata.name);
    expect(app.status, "no operator: nobody writes a status").to.equal(undefined);
  });

  it("adopts the application an interrupted run created from the same manifest, instead of creating another", async () => {
    expect(await createOrAdoptApplication(kubeConfig, manifest, hash)).to.equal("adopted");
    const list = (await custom.listNamespacedCustomObject({
      ...SPARK_APPLICATION_RESOURCE,
      namespace: NAMESPACE,
    })) as { items: unknown[] };
    expect(list.items).to.have.length(1);
  });

  it("refuses to take over an application of the same name made from another manifest", async () => {
    const changed = { ...manifest, spec: { ...manifest.spec, arguments: ["--other"] } };
    let error: unknown;
    try {
      await createOrAdoptApplication(kubeConfig, changed, contentHash(JSON.stringify(changed)));
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).to.match(/already exists from another manifest/);
  });

  it("has the API server itself reject a misspelt field under strict field validation", async () => {
    const misspelt = structuredClone(manifest) as unknown as {
      metadata: { name: string };
      spec: { executor: Record<string, unknown> };
    };
    misspelt.metadata.name = "misspelt";
    misspelt.spec.executor.deleteOnTerminaton = false;
    let error: unknown;
    try {
      await custom.createNamespacedCustomObject({
        ...SPARK_APPLICATION_RESOURCE,
        namespace: NAMESPACE,
        body: misspelt,
        fieldValidation: "Strict",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ApiException);
    expect((error as ApiException<unknown>).code).to.equal(400);
    expect(String((error as ApiException<unknown>).body)).to.match(/deleteOnTerminaton/);
  });

  it("deletes the application, and a second delete of one already gone is fine", async () => {
    await deleteApplication(kubeConfig, NAMESPACE, manifest.metadata.name);
    await waitUntil("the application is gone", async () =>
      readSparkApplication(kubeConfig, NAMESPACE, manifest.metadata.name).then(
        () => false,
        (error: unknown) => error instanceof SparkApplicationNotFoundError,
      ),
    );
    await deleteApplication(kubeConfig, NAMESPACE, manifest.metadata.name);
  });
});
