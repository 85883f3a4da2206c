import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  historyServerObjects,
  portForwardCommand,
  type HistoryServerSpec,
  type KubectlTarget,
} from "../src/history/historyServerObjects";

/** Inputs of HistoryServer: what historyServerObjects builds it from, and how kubectl reaches it. */
export type HistoryServerArgs = HistoryServerSpec & { readonly kubectl?: KubectlTarget };

/**
 * Spark's History Server in the cluster over the cells' event logs: the objects of
 * historyServerObjects, registered as they are. Reached with `kubectl port-forward`.
 */
export class HistoryServer extends pulumi.ComponentResource {
  /** The command that forwards its UI to localhost. */
  readonly portForward: string;

  constructor(name: string, args: HistoryServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:history:HistoryServer", name, {}, opts);
    const self = { parent: this };
    const objects = historyServerObjects(args);
    // The manifests are plain readonly objects (tested offline); the SDK's argument types
    // want mutable arrays of Inputs, which these satisfy at run time.
    const account = new k8s.core.v1.ServiceAccount(`${name}-sa`, objects.serviceAccount, self);
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      objects.deployment as unknown as k8s.apps.v1.DeploymentArgs,
      { ...self, dependsOn: [account] },
    );
    new k8s.core.v1.Service(
      `${name}-service`,
      objects.service as unknown as k8s.core.v1.ServiceArgs,
      self,
    );
    this.portForward = portForwardCommand(args, args.kubectl);
    this.registerOutputs({ portForward: this.portForward });
  }
}
