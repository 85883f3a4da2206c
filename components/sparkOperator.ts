import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TestbedConfig } from "../src/config/testbed";
import { namespaceManifest } from "../src/testbed/driverRbac";
import { OPERATOR_CHART, OPERATOR_CHART_REPO, operatorValues } from "../src/testbed/operatorValues";

/** Inputs of a SparkOperator. */
export interface SparkOperatorArgs {
  /** The validated testbed config. */
  readonly config: TestbedConfig;
  /** The chart's values; default: the GKE testbed's (images through the mirror). */
  readonly values?: Record<string, unknown>;
  /** Declare the jobs namespace here (true), or leave it to the caller. */
  readonly jobNamespace?: boolean;
}

/** The operator's namespace, the jobs namespace and the Kubeflow Spark Operator Helm release. */
export class SparkOperator extends pulumi.ComponentResource {
  /** Namespace of the operator and its webhook. */
  readonly operatorNamespace: k8s.core.v1.Namespace;
  /** Namespace SparkApplications run in, when declared here. */
  readonly jobNamespace?: k8s.core.v1.Namespace;
  /** The Helm release. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: SparkOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:operator:SparkOperator", name, {}, opts);
    const { config } = args;
    const self = { parent: this };
    this.operatorNamespace = new k8s.core.v1.Namespace(
      `${name}-operator-ns`,
      namespaceManifest(config.operatorNamespace),
      self,
    );
    this.jobNamespace =
      args.jobNamespace === false
        ? undefined
        : new k8s.core.v1.Namespace(
            `${name}-jobs-ns`,
            namespaceManifest(config.jobNamespace),
            self,
          );
    this.release = new k8s.helm.v3.Release(
      name,
      {
        // Explicit, so resource names inside the chart do not carry a random suffix.
        name: config.operatorReleaseName,
        chart: OPERATOR_CHART,
        version: config.operatorChartVersion,
        repositoryOpts: { repo: OPERATOR_CHART_REPO },
        namespace: this.operatorNamespace.metadata.name,
        values: args.values ?? operatorValues(config),
        // Report failure instead of leaving a half-installed release behind.
        atomic: true,
        timeout: 600,
      },
      {
        ...self,
        dependsOn: this.jobNamespace
          ? [this.operatorNamespace, this.jobNamespace]
          : [this.operatorNamespace],
      },
    );
    this.registerOutputs({ release: this.release.status });
  }
}
