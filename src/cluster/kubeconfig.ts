import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { loadKubeConfig } from "../kube/kubeConfig";
import { UsageError } from "../config/errors";
import type { ExistingClusterConfig } from "../config/existingCluster";

/** The cluster an existing-cluster stack points at, found and loaded. */
export interface ClusterAccess {
  /** The kubeconfig file used. */
  readonly file: string;
  /** Its text, as spark-submit and the API client both take it. */
  readonly text: string;
  /** The context used (the file's current one unless the stack names one). */
  readonly context: string;
  readonly kubeConfig: KubeConfig;
  /** The API server's URL in that context. */
  readonly server: string;
}

/**
 * The kubeconfig of an existing-cluster stack: `existingCluster.kubeconfig`, else $KUBECONFIG
 * (its first file), else ~/.kube/config — loaded, with the context checked to exist.
 */
export function clusterAccess(
  cluster: ExistingClusterConfig,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): ClusterAccess {
  const key = "spark-at-scale:existingCluster.kubeconfig";
  const fromEnv = env.KUBECONFIG?.split(path.delimiter).find(Boolean);
  const given = cluster.kubeconfig ?? fromEnv ?? path.join(home, ".kube", "config");
  const file = given.startsWith("~/") ? path.join(home, given.slice(2)) : given;
  const whence = cluster.kubeconfig ? key : fromEnv ? "$KUBECONFIG" : "the default ~/.kube/config";
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    throw new UsageError(
      `${whence}: no kubeconfig file at ${file}; set ${key} (or KUBECONFIG) to the cluster's kubeconfig`,
    );
  }
  const text = fs.readFileSync(file, "utf8");
  const kubeConfig = loadKubeConfig(text, {
    source: file,
    context: cluster.context,
    contextKey: "spark-at-scale:existingCluster.context",
  });
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) {
    throw new UsageError(
      `${file}: context "${kubeConfig.getCurrentContext()}" names no cluster server`,
    );
  }
  return { file, text, context: kubeConfig.getCurrentContext(), kubeConfig, server };
}
