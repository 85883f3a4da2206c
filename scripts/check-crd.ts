/**
 * Validates SparkApplication manifests (`plan --out DIR`) against the Spark Operator's CRD
 * schema. The CRD is not vendored here; get it from the chart you deploy, e.g.
 *   helm show crds spark-operator --repo https://kubeflow.github.io/spark-operator --version 2.5.2 > crds.yaml
 * then: node -r ts-node/register scripts/check-crd.ts crds.yaml out/
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import * as yaml from "js-yaml";

interface Crd {
  kind: string;
  spec: {
    names: { kind: string };
    versions: Array<{ name: string; schema: { openAPIV3Schema: object } }>;
  };
}

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; items?: Schema };

/**
 * The API server silently prunes fields a structural schema does not declare, so a misspelt
 * field would "validate" and then vanish. Closing every object that declares its properties
 * (and does not preserve unknown fields) turns such a field into a validation error here.
 */
function closeObjects(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (out.properties) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([k, v]) => [k, closeObjects(v)]),
    );
    if (out.additionalProperties === undefined && !out["x-kubernetes-preserve-unknown-fields"]) {
      out.additionalProperties = false;
    }
  }
  if (out.items) out.items = closeObjects(out.items);
  return out;
}

function main(crdFile: string, dir: string): number {
  const documents = yaml.loadAll(fs.readFileSync(crdFile, "utf8")) as Crd[];
  const crd = documents.find(
    (d) => d?.kind === "CustomResourceDefinition" && d.spec.names.kind === "SparkApplication",
  );
  if (!crd) throw new Error(`${crdFile}: no SparkApplication CustomResourceDefinition in it`);
  const version = crd.spec.versions.find((v) => v.name === "v1beta2");
  if (!version) throw new Error(`${crdFile}: the SparkApplication CRD has no v1beta2 version`);
  // Kubernetes extensions (x-kubernetes-*) are not JSON Schema keywords: tolerate them.
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
    closeObjects(version.schema.openAPIV3Schema as Schema),
  );
  let failures = 0;
  let checked = 0;
  const files = fs.statSync(dir).isDirectory()
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => path.join(dir, f))
    : [dir];
  for (const file of files) {
    const object = yaml.load(fs.readFileSync(file, "utf8")) as { kind?: string };
    if (object?.kind !== "SparkApplication") continue;
    checked += 1;
    if (!validate(object)) {
      failures += 1;
      console.error(`${file}:`);
      for (const error of validate.errors ?? [])
        console.error(`  ${error.instancePath} ${error.message}`);
    }
  }
  console.log(
    `${checked} SparkApplications checked against ${crdFile}: ${checked - failures} valid, ${failures} invalid`,
  );
  return failures === 0 && checked > 0 ? 0 : 1;
}

const [crdFile, dir] = process.argv.slice(2);
if (!crdFile || !dir) {
  console.error(
    "usage: node -r ts-node/register scripts/check-crd.ts CRD_YAML MANIFEST_DIR_OR_FILE",
  );
  process.exitCode = 2;
} else {
  process.exitCode = main(crdFile, dir);
}
