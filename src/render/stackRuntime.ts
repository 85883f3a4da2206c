/**
 * What every pod of a stack shares, derived once from its config: the Spark image, where event
 * logs go and who the drivers and the History Server run as. The compiled stack carries these;
 * the Pulumi program, the cluster runner and the cells' launches read them from there.
 */
import type { StackConfig } from "../config/stack";
import {
  NODE_EVENT_LOG_MOUNT_PATH,
  type EventLogStorage,
  type GcsEventLogStorage,
} from "../spark/eventLogStorage";
import {
  EVENT_LOG_IDENTITIES,
  gkeEventLogStorage,
  googleServiceAccountEmail,
  googleServiceAccountId,
  HISTORY_SERVER_NAME,
} from "../testbed/eventLogs";
import { sparkImageRef } from "../testbed/mirror";
import { queryDataBucketName } from "../testbed/queryData";

/** Google service accounts a GKE testbed's pods act as, through Workload Identity. */
export interface GoogleIdentities {
  /** The drivers' account (writes event logs to the bucket). */
  readonly driverAccountId: string;
  /** The History Server's account (reads them). */
  readonly historyAccountId: string;
  readonly historyEmail: string;
}

/** Who a stack's pods run as. */
export interface StackIdentities {
  /** Kubernetes ServiceAccount of the drivers (they create the executors). */
  readonly driverServiceAccount: string;
  /** Name (and ServiceAccount) of the History Server. */
  readonly historyServer: string;
  /** GKE only. */
  readonly google?: GoogleIdentities;
}

/** Image, event-log storage and identities, for either target. */
export type StackRuntime =
  | {
      readonly target: "gke";
      readonly sparkImage: string;
      /** A GKE testbed always keeps event logs, in its bucket. */
      readonly eventLog: GcsEventLogStorage;
      /** The bucket of query cells' data (TPC-H tables), read through the connector. */
      readonly queryDataBucket: string;
      readonly identities: StackIdentities & { readonly google: GoogleIdentities };
    }
  | {
      readonly target: "existingCluster";
      readonly sparkImage: string;
      /** On a node folder when the config names one; none otherwise. */
      readonly eventLog?: EventLogStorage;
      readonly identities: StackIdentities;
    };

/** The one derivation of a stack's image, event-log storage and identities. */
export function stackRuntime(config: StackConfig): StackRuntime {
  const kubernetes = {
    driverServiceAccount: config.driverServiceAccount,
    historyServer: HISTORY_SERVER_NAME,
  };
  if (config.target === "gke") {
    const historyAccountId = googleServiceAccountId(
      config.clusterName,
      EVENT_LOG_IDENTITIES.history,
    );
    return {
      target: "gke",
      sparkImage: sparkImageRef(
        config.gcpProject,
        config.location,
        config.sparkImage,
        config.sparkVersion,
      ),
      eventLog: gkeEventLogStorage(config),
      queryDataBucket: queryDataBucketName(config.gcpProject, config.clusterName),
      identities: {
        ...kubernetes,
        google: {
          driverAccountId: googleServiceAccountId(config.clusterName, EVENT_LOG_IDENTITIES.driver),
          historyAccountId,
          historyEmail: googleServiceAccountEmail(historyAccountId, config.gcpProject),
        },
      },
    };
  }
  const cluster = config.existingCluster;
  const folder = cluster.eventLogs;
  return {
    target: "existingCluster",
    sparkImage: cluster.image ?? `apache/spark:${config.sparkVersion}`,
    ...(folder
      ? {
          eventLog: {
            kind: "nodeVolume",
            hostPath: folder.hostPath,
            mountPath: NODE_EVENT_LOG_MOUNT_PATH,
          },
        }
      : {}),
    identities: kubernetes,
  };
}
