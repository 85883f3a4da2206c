import { z } from "zod";
import { closestLocations, isKnownLocation } from "../core/gcpLocations";
import { MACHINE_TYPES, MACHINE_TYPE_NAMES } from "../core/machineTypes";
import { dnsLabel, ipv4Cidr, nodeCount, strictObject } from "./schemaHelpers";

const machineType = z
  .string({ error: "a GCE machine type is required" })
  .refine((name) => name in MACHINE_TYPES, {
    error: `a machine type this project knows the memory of: ${MACHINE_TYPE_NAMES.join(", ")}`,
  });

const poolBounds = <T extends { minNodes: number; maxNodes: number }>(pool: T) =>
  pool.minNodes <= pool.maxNodes;

/** The always-on pool for the operator, its webhook and Spark drivers. */
const systemPoolSchema = strictObject({
  machineType: machineType.default("e2-standard-4"),
  minNodes: nodeCount("minNodes").default(1),
  maxNodes: nodeCount("maxNodes").default(2),
}).refine(poolBounds, { error: "minNodes must not exceed maxNodes", path: ["minNodes"] });

/** One memory tier for executors: tainted so only experiment executors land on it. */
const experimentPoolSchema = strictObject({
  name: dnsLabel("a pool name", 40).refine((name) => name !== "system", {
    error: '"system" is the name of the built-in system pool',
  }),
  machineType,
  minNodes: nodeCount("minNodes").default(0),
  maxNodes: nodeCount("maxNodes"),
  spot: z.boolean({ error: "true or false" }).default(false),
}).refine(poolBounds, { error: "minNodes must not exceed maxNodes", path: ["minNodes"] });

/** Every testbed key of a stack's config, with its default. Descriptions live in Pulumi.yaml. */
export const testbedShape = {
  // The three keys a GKE testbed cannot do without default to "nothing" ("" or []), so that a
  // stack on an existing cluster need not set them (Pulumi makes a declared key without a
  // default mandatory); a GKE stack that leaves them so is told they are required
  // (src/config/stack.ts).
  gcpProject: z
    .string({ error: "the GCP project ID to build the testbed in" })
    .refine((id) => id === "" || /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(id), {
      error: "a GCP project ID: 6-30 lowercase letters, digits or '-', starting with a letter",
    })
    .default(""),
  location: z
    .string({ error: "a GCP region or zone" })
    .refine((location) => location === "" || isKnownLocation(location), {
      error: (issue) =>
        "a GCP region (us-central1: regional cluster) or zone (us-central1-a: zonal cluster) " +
        `this project knows (src/core/gcpLocations.ts); closest: ${closestLocations(String(issue.input)).join(", ")}`,
    })
    .default(""),
  clusterName: dnsLabel("a cluster name", 40).default("spark-at-scale"),
  releaseChannel: z
    .enum(["RAPID", "REGULAR", "STABLE"], { error: "one of RAPID, REGULAR, STABLE" })
    .default("REGULAR"),
  deletionProtection: z.boolean({ error: "true or false" }).default(true),
  network: z.string().min(1).default("default"),
  privateNodes: z.boolean({ error: "true or false" }).default(false),
  masterIpv4CidrBlock: ipv4Cidr
    .refine((cidr) => cidr.endsWith("/28"), { error: "GKE needs a /28 for the control plane" })
    .default("172.16.0.0/28"),
  masterAuthorizedNetworks: z.array(ipv4Cidr).default([]),
  // Parsing {} fills each field's default, so the pool's defaults are written once, above.
  systemPool: systemPoolSchema.prefault({}),
  experimentPools: z
    .array(experimentPoolSchema, { error: "a list of experiment pools" })
    .refine((pools) => new Set(pools.map((p) => p.name)).size === pools.length, {
      error: "pool names must be unique",
    })
    .default([]),
  operatorChartVersion: z
    .string()
    .regex(/^2\.5\.\d+$/, "a spark-operator chart version of the 2.5 line, e.g. 2.5.2")
    .default("2.5.2"),
  operatorReleaseName: dnsLabel("a Helm release name", 53).default("spark-operator"),
  operatorNamespace: dnsLabel("a namespace").default("spark-operator"),
  jobNamespace: dnsLabel("a namespace").default("spark-apps"),
  operatorWorkers: z
    .number()
    .int("a whole number of reconcile workers")
    .min(1, "between 1 and 100")
    .max(100, "between 1 and 100")
    .default(10),
  driverServiceAccount: dnsLabel("a service account name").default("spark"),
  sparkImage: z
    .string()
    .regex(/^[a-z0-9]+([._/-][a-z0-9]+)*$/, "an image path on Docker Hub, e.g. apache/spark")
    .default("apache/spark"),
  sparkVersion: z
    .string()
    .regex(/^4\.0\.\d+$/, "a Spark 4.0.x version (the line pyspark is pinned to), e.g. 4.0.4")
    .default("4.0.4"),
  sparkPi: z.boolean({ error: "true or false" }).default(true),
  sparkPiTimeoutMinutes: z.number().int().min(1, "at least 1").max(120, "at most 120").default(15),
};

/** A validated testbed config, defaults filled in (the stack config is a superset). */
export type TestbedConfig = z.infer<ReturnType<typeof strictObject<typeof testbedShape>>>;
/** One validated experiment pool. */
export type ExperimentPoolConfig = TestbedConfig["experimentPools"][number];
