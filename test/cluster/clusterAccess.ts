import * as fs from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";

/**
 * The running test cluster's admin kubeconfig, as scripts/test-cluster.sh passes it. These tests
 * need a real cluster: run them with `npm run test:cluster` (root), never under `npm test`.
 */
export function clusterKubeconfigPath(): string {
  const file = process.env.SPARK_AT_SCALE_KUBECONFIG;
  if (!file || !fs.existsSync(file)) {
    throw new Error(
      `SPARK_AT_SCALE_KUBECONFIG is ${file ? `${file}, which does not exist` : "not set"}: ` +
        "run the real-cluster suite with `npm run test:cluster`, which starts the cluster first",
    );
  }
  return file;
}

/** A KubeConfig for the test cluster's admin. */
export function clusterKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(clusterKubeconfigPath());
  return kubeConfig;
}
