import type * as gcp from "@pulumi/gcp";
import { regionOf } from "../src/testbed/location";

/**
 * A private bucket's inputs, as every bucket of the testbed has them: in the cluster's region,
 * uniform bucket-level access, public access prevention enforced, and deletable with its
 * objects when deletion protection is off.
 */
export function privateBucketArgs(args: {
  readonly bucketName: string;
  readonly project: string;
  readonly location: string;
  readonly forceDestroy: boolean;
}): gcp.storage.BucketArgs {
  return {
    name: args.bucketName,
    project: args.project,
    location: regionOf(args.location).toUpperCase(),
    uniformBucketLevelAccess: true,
    publicAccessPrevention: "enforced",
    forceDestroy: args.forceDestroy,
  };
}
