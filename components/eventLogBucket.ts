import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { privateBucketArgs } from "./privateBucket";
import {
  DRIVER_BUCKET_ROLE,
  HISTORY_BUCKET_ROLE,
  workloadIdentityMember,
} from "../src/testbed/eventLogs";

/** One Kubernetes ServiceAccount that acts as a Google service account on the bucket. */
export interface BucketIdentity {
  /** Google service account ID (6-30 characters). */
  readonly accountId: string;
  /** Its Kubernetes ServiceAccount in the jobs namespace. */
  readonly kubernetesServiceAccount: string;
}

/** Inputs of EventLogBucket. */
export interface EventLogBucketArgs {
  /** GCP project of the cluster. */
  readonly project: string;
  /** Cluster location; the bucket goes in its region. */
  readonly location: string;
  /** Bucket name (src/testbed/eventLogs.ts). */
  readonly bucketName: string;
  /** Days after which event logs are deleted. */
  readonly retentionDays: number;
  /** Let `pulumi destroy` delete a bucket that still holds logs (follows deletionProtection). */
  readonly forceDestroy: boolean;
  /** Namespace of the drivers and the History Server. */
  readonly namespace: string;
  /** The drivers' identity: writes event logs. */
  readonly driver: BucketIdentity;
  /** The History Server's identity: reads them. */
  readonly history: BucketIdentity;
}

/**
 * The cells' event logs in Cloud Storage: a private bucket (uniform access, public access
 * prevention enforced, a lifecycle rule) and two Google service accounts, one for the drivers
 * (object user) and one for the History Server (object viewer), each granted on this bucket
 * only and bound to its Kubernetes ServiceAccount through Workload Identity. No keys.
 */
export class EventLogBucket extends pulumi.ComponentResource {
  readonly bucket: gcp.storage.Bucket;
  /** The drivers' Google service account. */
  readonly driverAccount: gcp.serviceaccount.Account;
  /** The History Server's Google service account. */
  readonly historyAccount: gcp.serviceaccount.Account;

  constructor(name: string, args: EventLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:storage:EventLogBucket", name, {}, opts);
    const self = { parent: this };
    this.bucket = new gcp.storage.Bucket(
      name,
      {
        ...privateBucketArgs(args),
        lifecycleRules: [{ action: { type: "Delete" }, condition: { age: args.retentionDays } }],
      },
      self,
    );
    const grant = (
      suffix: string,
      identity: BucketIdentity,
      role: string,
      displayName: string,
    ): gcp.serviceaccount.Account => {
      const account = new gcp.serviceaccount.Account(
        `${name}-${suffix}`,
        { project: args.project, accountId: identity.accountId, displayName },
        self,
      );
      new gcp.storage.BucketIAMMember(
        `${name}-${suffix}-objects`,
        { bucket: this.bucket.name, role, member: account.member },
        self,
      );
      new gcp.serviceaccount.IAMMember(
        `${name}-${suffix}-workload-identity`,
        {
          serviceAccountId: account.name,
          role: "roles/iam.workloadIdentityUser",
          member: workloadIdentityMember(
            args.project,
            args.namespace,
            identity.kubernetesServiceAccount,
          ),
        },
        self,
      );
      return account;
    };
    this.driverAccount = grant(
      "driver",
      args.driver,
      DRIVER_BUCKET_ROLE,
      "spark-at-scale Spark drivers (event logs)",
    );
    this.historyAccount = grant(
      "history",
      args.history,
      HISTORY_BUCKET_ROLE,
      "spark-at-scale History Server (reads event logs)",
    );
    this.registerOutputs({ bucket: this.bucket.name });
  }
}
