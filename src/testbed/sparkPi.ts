import type { TestbedConfig } from "../config/testbed";
import {
  SPARK_APPLICATION_API_VERSION,
  SPARK_APPLICATION_KIND,
  SPARK_SECURITY_CONTEXT,
  type SparkApplicationManifest,
} from "../spark/sparkApplication";
import { sparkImageRef } from "./mirror";
import { POOL_LABEL, SYSTEM_POOL_NAME } from "./pools";

/** Name of the smoke-test application. */
export const SPARK_PI_NAME = "spark-pi";

/**
 * The smoke test: SparkPi from the examples jar of the stock image, pulled through the mirror,
 * run by the driver account in the jobs namespace. Both pods go to the system pool: this checks
 * the operator, webhook, RBAC and mirror, not the experiment pools.
 */
export function sparkPiManifest(config: TestbedConfig): SparkApplicationManifest {
  const onSystemPool = { [POOL_LABEL]: SYSTEM_POOL_NAME };
  return {
    apiVersion: SPARK_APPLICATION_API_VERSION,
    kind: SPARK_APPLICATION_KIND,
    metadata: { name: SPARK_PI_NAME, namespace: config.jobNamespace },
    spec: {
      type: "Scala",
      mode: "cluster",
      image: sparkImageRef(
        config.gcpProject,
        config.location,
        config.sparkImage,
        config.sparkVersion,
      ),
      imagePullPolicy: "IfNotPresent",
      mainClass: "org.apache.spark.examples.SparkPi",
      mainApplicationFile: "local:///opt/spark/examples/jars/spark-examples.jar",
      arguments: ["1000"],
      sparkVersion: config.sparkVersion,
      restartPolicy: { type: "Never" },
      driver: {
        cores: 1,
        memory: "512m",
        serviceAccount: config.driverServiceAccount,
        nodeSelector: onSystemPool,
        securityContext: SPARK_SECURITY_CONTEXT,
      },
      executor: {
        instances: 1,
        cores: 1,
        memory: "512m",
        nodeSelector: onSystemPool,
        securityContext: SPARK_SECURITY_CONTEXT,
      },
    },
  };
}
