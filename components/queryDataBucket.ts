import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { privateBucketArgs } from "./privateBucket";
import { QUERY_DATA_READER_ROLE, type DataObject } from "../src/testbed/queryData";

/** Inputs of QueryDataBucket. */
export interface QueryDataBucketArgs {
  readonly project: string;
  /** Cluster location; the bucket goes in its region, beside the nodes that read it. */
  readonly location: string;
  /** Bucket name (src/testbed/queryData.ts). */
  readonly bucketName: string;
  /** Let `pulumi destroy` delete a bucket that still holds data (follows deletionProtection). */
  readonly forceDestroy: boolean;
  /** The drivers' Google service account: executors run as the drivers' ServiceAccount too. */
  readonly readerMember: pulumi.Input<string>;
  /** The files to upload: the TPC-H tables of each scale factor the experiment reads. */
  readonly objects: readonly DataObject[];
}

/**
 * The data of an experiment's query cells in Cloud Storage: a private bucket (uniform access,
 * public access prevention enforced), read-only to the drivers' Google service account, holding
 * the TPC-H tables uploaded from this machine's cache. A scale factor added to the experiment
 * uploads its tables; one removed deletes them.
 */
export class QueryDataBucket extends pulumi.ComponentResource {
  readonly bucket: gcp.storage.Bucket;

  constructor(name: string, args: QueryDataBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:storage:QueryDataBucket", name, {}, opts);
    const self = { parent: this };
    this.bucket = new gcp.storage.Bucket(name, privateBucketArgs(args), self);
    const reader = new gcp.storage.BucketIAMMember(
      `${name}-reader`,
      { bucket: this.bucket.name, role: QUERY_DATA_READER_ROLE, member: args.readerMember },
      self,
    );
    for (const object of args.objects) {
      new gcp.storage.BucketObject(
        `${name}-${object.name.replace(/[^a-z0-9.-]/gi, "-")}`,
        {
          bucket: this.bucket.name,
          name: object.name,
          source: new pulumi.asset.FileAsset(object.source),
          contentType: "application/vnd.apache.parquet",
        },
        { ...self, dependsOn: [reader] },
      );
    }
    this.registerOutputs({ bucket: this.bucket.name });
  }
}
