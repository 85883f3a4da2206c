/**
 * Validates SparkApplication manifests (`plan --out DIR`) against the Spark Operator's CRD
 * schema, e.g. the chart's own:
 *   helm show crds spark-operator --repo https://kubeflow.github.io/spark-operator --version 2.5.2 > crds.yaml
 *   node -r ts-node/register scripts/check-crd.ts crds.yaml out/
 * (`npm test` does the same against the v2.5.2 CRD for every manifest `plan --out` writes.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { sparkApplicationValidator } from "../src/spark/crdSchema";

function main(crdFile: string, dir: string): number {
  const validate = sparkApplicationValidator(fs.readFileSync(crdFile, "utf8"), crdFile);
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
    const problems = validate(object);
    if (problems.length > 0) {
      failures += 1;
      console.error(`${file}:`);
      for (const problem of problems) console.error(`  ${problem.path} ${problem.message}`);
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
