import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { SparkApplicationManifest } from "../src/spark/sparkApplication";

/** Inputs of SparkPi. */
export interface SparkPiArgs {
  /** The SparkApplication, as built by sparkPiManifest. */
  readonly manifest: SparkApplicationManifest;
}

/** The smoke test: SparkPi submitted through the operator. */
export class SparkPi extends pulumi.ComponentResource {
  /** The SparkApplication. */
  readonly application: k8s.apiextensions.CustomResource;

  constructor(name: string, args: SparkPiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:smoke:SparkPi", name, {}, opts);
    this.application = new k8s.apiextensions.CustomResource(name, args.manifest, { parent: this });
    this.registerOutputs({ name: this.application.metadata.name });
  }
}
