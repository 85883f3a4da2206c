/**
 * The GKE testbed's event-log storage, decided from config alone: the bucket's name, who may
 * do what in it, and the Google service accounts drivers and the History Server act as through
 * Workload Identity. Names are computed, not read back from resources, so `plan --out` writes
 * the same SparkApplications the stack applies.
 */
import type { TestbedConfig } from "../config/testbed";
import type { GcsEventLogStorage } from "../spark/eventLogStorage";
import { sparkImageRef } from "./mirror";
import { gcsConnectorJarUrl, mavenMirrorUrl } from "./mavenMirror";

/** Folder of the bucket the drivers write to. */
export const EVENT_LOG_PREFIX = "events";
/** Event logs older than this are deleted by the bucket's lifecycle rule. */
export const EVENT_LOG_RETENTION_DAYS = 30;
/** Drivers create, read and delete objects (Spark renames a finished log: copy + delete). */
export const DRIVER_BUCKET_ROLE = "roles/storage.objectUser";
/** The History Server only lists and reads. */
export const HISTORY_BUCKET_ROLE = "roles/storage.objectViewer";
/** Name of the History Server's Deployment, Service and Kubernetes ServiceAccount. */
export const HISTORY_SERVER_NAME = "spark-history";
/** The annotation that binds a Kubernetes ServiceAccount to a Google service account. */
export const WORKLOAD_IDENTITY_ANNOTATION = "iam.gke.io/gcp-service-account";

/** Longest bucket name Cloud Storage allows without dots. */
const MAX_BUCKET_NAME = 63;

/**
 * The bucket's name: `<project>-<cluster>-spark-events`, globally unique because project IDs
 * are. A name too long for Cloud Storage keeps the project and ends in `-spark-events`.
 */
export function eventLogBucketName(project: string, clusterName: string): string {
  const full = `${project}-${clusterName}-spark-events`;
  return full.length <= MAX_BUCKET_NAME ? full : `${project}-spark-events`;
}

/** A Google service account ID (6-30 characters) from the cluster's name and a role suffix. */
export function googleServiceAccountId(clusterName: string, suffix: string): string {
  const room = 30 - suffix.length - 1;
  return `${clusterName.slice(0, room).replace(/-+$/, "")}-${suffix}`;
}

/** The e-mail of a Google service account in a project. */
export function googleServiceAccountEmail(accountId: string, project: string): string {
  return `${accountId}@${project}.iam.gserviceaccount.com`;
}

/** The Workload Identity principal of a Kubernetes ServiceAccount in the cluster's project. */
export function workloadIdentityMember(
  project: string,
  namespace: string,
  serviceAccount: string,
): string {
  return `serviceAccount:${project}.svc.id.goog[${namespace}/${serviceAccount}]`;
}

/** The two identities that touch event logs. */
export const EVENT_LOG_IDENTITIES = {
  /** Spark drivers write event logs. */
  driver: "spark",
  /** The History Server reads them. */
  history: "history",
} as const;

/** Where a GKE stack's cells write event logs, and how drivers get the connector. */
export function gkeEventLogStorage(config: TestbedConfig): GcsEventLogStorage {
  return {
    kind: "gcs",
    bucket: eventLogBucketName(config.gcpProject, config.clusterName),
    prefix: EVENT_LOG_PREFIX,
    connectorJarUrl: gcsConnectorJarUrl(mavenMirrorUrl(config.gcpProject, config.location)),
    fetchImage: sparkImageRef(
      config.gcpProject,
      config.location,
      config.sparkImage,
      config.sparkVersion,
    ),
  };
}
