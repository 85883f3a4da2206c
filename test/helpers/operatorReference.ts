import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "./devStack";

/** The Spark Operator release whose CRDs and chart values the project is checked against. */
export const OPERATOR_REFERENCE_VERSION = "v2.5.2";

/**
 * The folder holding the operator's v2.5.2 CRDs and chart values.yaml, unchanged from the
 * operator's release. They are reference data kept beside the checkout (not vendored into it):
 * `$SPARK_OPERATOR_REFERENCE`, or `shared/reference/spark-operator-v2.5.2` next to the checkout.
 * Missing, the tests that need it fail saying where they looked.
 */
export function operatorReferenceDir(): string {
  const candidates = [
    process.env.SPARK_OPERATOR_REFERENCE,
    path.join(
      PROJECT_DIR,
      "..",
      "shared",
      "reference",
      `spark-operator-${OPERATOR_REFERENCE_VERSION}`,
    ),
    path.join("/work", "shared", "reference", `spark-operator-${OPERATOR_REFERENCE_VERSION}`),
  ].filter((dir): dir is string => Boolean(dir));
  const found = candidates.find((dir) =>
    fs.existsSync(path.join(dir, "sparkoperator.k8s.io_sparkapplications.yaml")),
  );
  if (!found) {
    throw new Error(
      `the Spark Operator ${OPERATOR_REFERENCE_VERSION} CRDs and chart values were not found (looked in ${candidates.join(", ")}); ` +
        "set SPARK_OPERATOR_REFERENCE to the folder holding sparkoperator.k8s.io_sparkapplications.yaml and chart-values.yaml",
    );
  }
  return found;
}

/** The SparkApplication CRD's YAML text. */
export function sparkApplicationCrdText(): string {
  return fs.readFileSync(
    path.join(operatorReferenceDir(), "sparkoperator.k8s.io_sparkapplications.yaml"),
    "utf8",
  );
}

/** The chart's values.yaml text. */
export function chartValuesText(): string {
  return fs.readFileSync(path.join(operatorReferenceDir(), "chart-values.yaml"), "utf8");
}
