/**
 * Validation of SparkApplication manifests against the Spark Operator's CustomResourceDefinition,
 * as the API server would check them — and stricter: the API server silently prunes fields a
 * structural schema does not declare, so a misspelt field would "validate" and then vanish.
 */
import Ajv, { type ErrorObject } from "ajv";
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
 * Closes every object that declares its properties (and does not preserve unknown fields), so
 * a field the API server would prune is a validation error instead.
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

/** A problem with one manifest: where in it, and what. */
export interface ManifestProblem {
  readonly path: string;
  readonly message: string;
}

/** Checks one object against the CRD's v1beta2 schema; [] when valid. */
export type ManifestValidator = (manifest: unknown) => ManifestProblem[];

/** The CRD documents of a multi-document YAML text, as parsed objects. */
export function parseCrds(text: string): Crd[] {
  return (yaml.loadAll(text) as Crd[]).filter((d) => d?.kind === "CustomResourceDefinition");
}

/** A validator for SparkApplications from the text of the operator's CRD file(s). */
export function sparkApplicationValidator(crdText: string, source: string): ManifestValidator {
  const crd = parseCrds(crdText).find((d) => d.spec.names.kind === "SparkApplication");
  if (!crd) throw new Error(`${source}: no SparkApplication CustomResourceDefinition in it`);
  const version = crd.spec.versions.find((v) => v.name === "v1beta2");
  if (!version) throw new Error(`${source}: the SparkApplication CRD has no v1beta2 version`);
  // Kubernetes extensions (x-kubernetes-*) are not JSON Schema keywords: tolerate them.
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
    closeObjects(version.schema.openAPIV3Schema as Schema),
  );
  return (manifest) =>
    validate(manifest)
      ? []
      : (validate.errors ?? []).map((error: ErrorObject) => ({
          path: error.instancePath || "/",
          message: error.message ?? "invalid",
        }));
}
