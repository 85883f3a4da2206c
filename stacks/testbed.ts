import * as pulumi from "@pulumi/pulumi";
import { ClusterAccess } from "../components/clusterAccess";
import { DriverRbac } from "../components/driverRbac";
import { GkeCluster } from "../components/gkeCluster";
import { EventLogBucket } from "../components/eventLogBucket";
import { HistoryServer } from "../components/historyServer";
import { ImageMirror } from "../components/imageMirror";
import { MavenMirror } from "../components/mavenMirror";
import { NodeIdentity } from "../components/nodeIdentity";
import { NodePools } from "../components/nodePools";
import { SparkOperator } from "../components/sparkOperator";
import { SparkPi } from "../components/sparkPi";
import { QueryDataBucket } from "../components/queryDataBucket";
import type { DataObject } from "../src/testbed/queryData";
import type { TestbedConfig } from "../src/config/testbed";
import type { StackRuntime } from "../src/render/stackRuntime";
import { EVENT_LOG_RETENTION_DAYS, WORKLOAD_IDENTITY_ANNOTATION } from "../src/testbed/eventLogs";
import { POOL_LABEL, SYSTEM_POOL_NAME, type PoolSpec } from "../src/testbed/pools";
import { eventLogDirOf } from "../src/spark/eventLogStorage";
import { sparkPiManifest } from "../src/testbed/sparkPi";

/** What the testbed hands to experiments and to the stack outputs. */
export interface Testbed {
  /** Cluster name. */
  readonly clusterName: pulumi.Output<string>;
  /** Kubeconfig (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** Provider for Kubernetes resources in this cluster. */
  readonly provider: ClusterAccess["provider"];
  /** Resources a workload must wait for: operator (webhook) and driver RBAC. */
  readonly ready: pulumi.Resource[];
  /** The smoke test, when enabled. */
  readonly sparkPi?: SparkPi;
  /** Where cells write event logs (gs://…). */
  readonly eventLogDir: string;
  /** The command that forwards the History Server's UI to localhost. */
  readonly historyServer: string;
}

/** Declares the whole testbed for a validated config and the pools planned from it. */
export function defineTestbed(
  config: TestbedConfig,
  pools: readonly PoolSpec[],
  runtime: Extract<StackRuntime, { target: "gke" }>,
  /** The TPC-H tables a query experiment reads, to upload; none for the join. */
  queryData?: readonly DataObject[],
): Testbed {
  const name = config.clusterName;
  const identity = new NodeIdentity(`${name}-nodes`, {
    project: config.gcpProject,
    accountId: `${name}-nodes`.slice(0, 30),
  });
  const mirror = new ImageMirror(`${name}-mirror`, {
    project: config.gcpProject,
    location: config.location,
    readerMember: identity.account.member,
  });
  const gke = new GkeCluster(name, { config });
  const nodePools = new NodePools(`${name}-pools`, {
    project: config.gcpProject,
    location: config.location,
    clusterName: gke.cluster.name,
    serviceAccountEmail: identity.account.email,
    pools,
  });
  const access = new ClusterAccess(`${name}-access`, { cluster: gke.cluster });
  const { eventLog: storage, identities } = runtime;
  const eventLogs = new EventLogBucket(`${name}-events`, {
    project: config.gcpProject,
    location: config.location,
    bucketName: storage.bucket,
    retentionDays: EVENT_LOG_RETENTION_DAYS,
    forceDestroy: !config.deletionProtection,
    namespace: config.jobNamespace,
    driver: {
      accountId: identities.google.driverAccountId,
      kubernetesServiceAccount: identities.driverServiceAccount,
    },
    history: {
      accountId: identities.google.historyAccountId,
      kubernetesServiceAccount: identities.historyServer,
    },
  });
  const jars = new MavenMirror(`${name}-maven`, {
    project: config.gcpProject,
    location: config.location,
    readerMembers: [eventLogs.driverAccount.member, eventLogs.historyAccount.member],
  });
  const k8sOpts = { provider: access.provider, dependsOn: [nodePools, mirror] };
  const operator = new SparkOperator(`${name}-operator`, { config }, k8sOpts);
  const rbac = new DriverRbac(
    `${name}-driver`,
    {
      namespace: config.jobNamespace,
      serviceAccountName: identities.driverServiceAccount,
      serviceAccountAnnotations: {
        [WORKLOAD_IDENTITY_ANNOTATION]: eventLogs.driverAccount.email,
      },
    },
    { ...k8sOpts, dependsOn: [...k8sOpts.dependsOn, operator] },
  );
  const history = new HistoryServer(
    `${name}-history`,
    {
      name: identities.historyServer,
      namespace: config.jobNamespace,
      image: runtime.sparkImage,
      storage,
      nodeSelector: { [POOL_LABEL]: SYSTEM_POOL_NAME },
      serviceAccountAnnotations: {
        [WORKLOAD_IDENTITY_ANNOTATION]: identities.google.historyEmail,
      },
      // gcloud writes the context ClusterAccess names too, so the command works as printed.
      kubectl: {
        credentialsCommand: `gcloud container clusters get-credentials ${name} --location ${config.location} --project ${config.gcpProject}`,
        context: `gke_${config.gcpProject}_${config.location}_${name}`,
      },
    },
    { provider: access.provider, dependsOn: [operator, eventLogs, jars, nodePools, mirror] },
  );
  const data = queryData
    ? new QueryDataBucket(`${name}-data`, {
        project: config.gcpProject,
        location: config.location,
        bucketName: runtime.queryDataBucket,
        forceDestroy: !config.deletionProtection,
        readerMember: eventLogs.driverAccount.member,
        objects: queryData,
      })
    : undefined;
  // Cells write their event logs from the start: the bucket, its grants and the connector's
  // mirror must exist before any driver does; a query cell's data before it reads it.
  const ready = [operator, rbac, eventLogs, jars, ...(data ? [data] : [])];
  const sparkPi = config.sparkPi
    ? new SparkPi(`${name}-spark-pi`, {
        manifest: sparkPiManifest(config),
        kubeconfig: access.kubeconfig,
        timeoutSeconds: config.sparkPiTimeoutMinutes * 60,
        after: ready,
      })
    : undefined;
  return {
    clusterName: gke.cluster.name,
    kubeconfig: access.kubeconfig,
    provider: access.provider,
    ready,
    sparkPi,
    eventLogDir: eventLogDirOf(storage),
    historyServer: history.portForward,
  };
}
