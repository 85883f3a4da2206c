import { z } from "zod";
import { existingClusterSchema } from "./existingCluster";
import { experimentSchema } from "./experiment";
import { strictObject } from "./schemaHelpers";
import { testbedShape } from "./testbed";

/** Where a stack's cells run: a GKE testbed it builds, or a cluster that already exists. */
export const TARGETS = ["gke", "existingCluster"] as const;
export type Target = (typeof TARGETS)[number];

/** Every key of a stack's config: the target, the testbed's keys, and an optional experiment. */
export const stackShape = {
  target: z.enum(TARGETS, { error: `one of ${TARGETS.join(", ")}` }).default("gke"),
  existingCluster: existingClusterSchema.prefault({}),
  ...testbedShape,
  experiment: experimentSchema.optional(),
};

/** Keys that only a GKE testbed reads; an existing-cluster stack leaves them at their defaults. */
export const GKE_ONLY_KEYS = [
  "gcpProject",
  "location",
  "clusterName",
  "releaseChannel",
  "deletionProtection",
  "network",
  "privateNodes",
  "masterIpv4CidrBlock",
  "masterAuthorizedNetworks",
  "systemPool",
  "experimentPools",
  "sparkImage",
  "sparkPi",
  "sparkPiTimeoutMinutes",
] as const satisfies readonly (keyof typeof testbedShape)[];

const defaultOf = (key: keyof typeof stackShape): unknown => stackShape[key].parse(undefined);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A whole stack config. */
export const stackSchema = strictObject(stackShape)
  .refine((c) => c.operatorNamespace !== c.jobNamespace, {
    error: "the operator and the jobs need namespaces of their own",
    path: ["jobNamespace"],
  })
  .superRefine((config, ctx) => {
    const problem = (key: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [key], message });
    if (config.target === "gke") {
      if (config.gcpProject === "")
        problem("gcpProject", "the GCP project ID to build the testbed in is required");
      if (config.location === "")
        problem("location", "a GCP region (regional cluster) or zone (zonal cluster) is required");
      if (config.experimentPools.length === 0)
        problem("experimentPools", "at least one experiment pool (a memory tier for executors)");
      if (!same(config.existingCluster, defaultOf("existingCluster")))
        problem("existingCluster", "is read only with spark-at-scale:target: existingCluster");
      // The pods read a SQL workload's tables where the config says: a bucket on GKE.
      const workload = config.experiment?.workload;
      if (workload?.kind === "sql")
        for (const [name, table] of Object.entries(workload.tables))
          if (!table.startsWith("gs://"))
            ctx.addIssue({
              code: "custom",
              path: ["experiment", "workload", "tables", name],
              message:
                "a gs:// path on the GKE testbed: its pods cannot read this machine's files (give the drivers' Google service account read access to the bucket)",
            });
      return;
    }
    if (config.experiment?.workload.kind === "tpch" && !config.existingCluster.data)
      ctx.addIssue({
        code: "custom",
        path: ["existingCluster", "data"],
        message:
          "required for workload.kind tpch: { hostPath: <the nodes' folder of TPC-H data, one sf<scale> folder per scale factor> }",
      });
    for (const key of GKE_ONLY_KEYS) {
      if (!same(config[key], defaultOf(key))) {
        problem(
          key,
          "configures the GKE testbed, which a stack with target existingCluster does not build: remove it",
        );
      }
    }
  });

/** A validated stack config, defaults filled in. */
export type StackConfig = z.infer<typeof stackSchema>;
