import * as pulumi from "@pulumi/pulumi";
import type { SparkApplicationManifest } from "../src/spark/sparkApplication";
import { SparkApplicationRun } from "./sparkApplicationRun";

/** Inputs of SparkPi. */
export interface SparkPiArgs {
  /** The SparkApplication, as built by sparkPiManifest. */
  readonly manifest: SparkApplicationManifest;
  /** Kubeconfig the run talks to the cluster with. */
  readonly kubeconfig: pulumi.Input<string>;
  /** How long `pulumi up` waits for it. */
  readonly timeoutSeconds: number;
  /** What must exist before it runs: the operator (its webhook) and the driver's RBAC. */
  readonly after: pulumi.Resource[];
}

/** The smoke test: SparkPi submitted through the operator, and how it ended. */
export class SparkPi extends pulumi.ComponentResource {
  /** The run of the SparkApplication, with its final state, failure class and evidence. */
  readonly run: SparkApplicationRun;

  constructor(name: string, args: SparkPiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:smoke:SparkPi", name, {}, opts);
    this.run = new SparkApplicationRun(
      name,
      {
        kubeconfig: args.kubeconfig,
        manifest: args.manifest,
        timeoutSeconds: args.timeoutSeconds,
        pollSeconds: 10,
      },
      { parent: this, dependsOn: args.after },
    );
    this.registerOutputs({ outcome: this.run.record });
  }
}
