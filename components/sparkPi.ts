import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { contentHash } from "../src/experiment/manifests";
import type { SparkApplicationManifest } from "../src/spark/sparkApplication";
import { CellOutcome } from "./cellOutcome";

/** Inputs of SparkPi. */
export interface SparkPiArgs {
  /** The SparkApplication, as built by sparkPiManifest. */
  readonly manifest: SparkApplicationManifest;
  /** Kubeconfig the outcome resource reads the cluster with. */
  readonly kubeconfig: pulumi.Input<string>;
  /** How long `pulumi up` waits for it. */
  readonly timeoutSeconds: number;
}

/** The smoke test: SparkPi submitted through the operator, and how it ended. */
export class SparkPi extends pulumi.ComponentResource {
  /** The SparkApplication. */
  readonly application: k8s.apiextensions.CustomResource;
  /** Its final state, failure class and evidence. */
  readonly outcome: CellOutcome;

  constructor(name: string, args: SparkPiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:smoke:SparkPi", name, {}, opts);
    this.application = new k8s.apiextensions.CustomResource(name, args.manifest, {
      parent: this,
      replaceOnChanges: ["spec"],
      deleteBeforeReplace: true,
    });
    this.outcome = new CellOutcome(
      `${name}-outcome`,
      {
        kubeconfig: args.kubeconfig,
        namespace: args.manifest.metadata.namespace,
        name: args.manifest.metadata.name,
        timeoutSeconds: args.timeoutSeconds,
        pollSeconds: 10,
        manifestHash: contentHash(JSON.stringify(args.manifest)),
      },
      { parent: this, dependsOn: [this.application] },
    );
    this.registerOutputs({ outcome: this.outcome.record });
  }
}
