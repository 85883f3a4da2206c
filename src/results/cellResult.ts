import { QUERY_KINDS } from "../config/workload";
import { z } from "zod";
import { JOIN_STRATEGIES } from "../config/experiment";
import { FAILURE_CLASSES } from "../failure/failureClass";
import { FINAL_STATES } from "../failure/finalState";
import { RUNNERS } from "../failure/runner";
import { cellMetricsSchema } from "./cellMetrics";

/**
 * The record of one finished cell: a value of the stack output `cells`, one line of the pilot's
 * results.jsonl, one row of the report. Every runner writes it and every reader parses it here.
 */
export const CELL_RESULT_SCHEMA_VERSION = 2;

const parametersSchema = z.strictObject({
  executorMemory: z.string(),
  tableRatio: z.number().nullable(),
  strategy: z.enum(JOIN_STRATEGIES),
  skew: z.number(),
  aqe: z.boolean(),
  memoryOverheadFactor: z.number(),
  executorCores: z.number().int(),
  /** Explicit executor memory overhead; null (or absent, in older records) for the factor rule. */
  memoryOverhead: z.string().nullable().default(null),
  repeat: z.number().int(),
  query: z
    .strictObject({
      kind: z.enum(QUERY_KINDS),
      name: z.string(),
      scaleFactor: z.number().positive(),
    })
    .optional(),
});

const sizingSchema = z.strictObject({
  heapMiB: z.number(),
  overheadMiB: z.number(),
  podMemoryMiB: z.number(),
  buildBytes: z.number(),
  probeBytes: z.number(),
  executorInstances: z.number().int(),
  driverMemoryMiB: z.number(),
  driverPodMemoryMiB: z.number(),
});

/** How a cell's memory was limited locally; the values of `memoryLimits.mechanism`. */
export const MEMORY_LIMIT_MECHANISMS = ["cgroup-v1", "cgroup-v2", "cgroup-v2-delegated"] as const;
export type MemoryLimitMechanism = (typeof MEMORY_LIMIT_MECHANISMS)[number];

/** One process's memory cgroup: its limit (the pod it stands for) and what it used. */
const memoryGroupSchema = z.strictObject({
  /** The Spark process the group held. */
  role: z.enum(["driver", "executor"]),
  /** Spark's executor id; null for the driver. */
  executorId: z.string().nullable(),
  /** The limit the kernel enforced: heap + overhead, as the pod would have, MiB. */
  limitMiB: z.number(),
  /** The group's peak memory (memory.max_usage_in_bytes on v1, memory.peak on v2), MiB; null if unreadable. */
  peakMiB: z.number().nullable(),
  /** Processes the kernel's OOM killer killed in the group; null if the kernel does not count them. */
  oomKills: z.number().int().nullable(),
});

/**
 * Whether the pilot held the cell's driver and executors to their pods' memory limits (a memory
 * cgroup each), and what each used. Absent in records of older pilots (which set no limit) and
 * of Kubernetes runs, whose pods always have their limits.
 */
const memoryLimitsSchema = z.strictObject({
  enforced: z.boolean(),
  /** How they were enforced; null when they were not. */
  mechanism: z.enum(MEMORY_LIMIT_MECHANISMS).nullable(),
  /** Why they were not enforced; null when they were. */
  reason: z.string().nullable(),
  groups: z.array(memoryGroupSchema),
});

/** The local memory limits of a cell, as recorded. */
export type MemoryLimits = z.infer<typeof memoryLimitsSchema>;
/** One process's memory cgroup, as recorded. */
export type MemoryGroup = MemoryLimits["groups"][number];

const currentSchema = z.strictObject({
  schemaVersion: z.literal(CELL_RESULT_SCHEMA_VERSION),
  /** Experiment name. */
  experiment: z.string(),
  /** Cell name. */
  cell: z.string(),
  /** Where it ran. */
  runner: z.enum(RUNNERS),
  /** The cell's axis values, as declared (unscaled). */
  parameters: parametersSchema,
  /** Sizes the cell actually ran with (scaled by the pilot's scale factor, if any). */
  sizing: sizingSchema,
  /** Pilot only: the factor every memory and size was multiplied by (1 = as declared). */
  scale: z.number().positive(),
  /** Experiment pool the executors ran on; null locally. */
  pool: z.string().nullable(),
  state: z.enum(FINAL_STATES),
  failureClass: z.enum(FAILURE_CLASSES),
  evidence: z.strictObject({
    exitCodes: z.array(z.number().int()),
    terminationReasons: z.array(z.string()),
    messageExcerpt: z.string(),
    decidedBy: z.string(),
  }),
  sparkApplicationId: z.string().nullable(),
  /** ISO-8601 times; null when unknown. */
  start: z.string().nullable(),
  end: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  /** Submission attempts. */
  attempts: z.number().int(),
  /** Executors that failed during the run. */
  executorFailures: z.number().int(),
  /** The workload's result line (schemas/workload-result.schema.json), when it printed one. */
  workload: z.record(z.string(), z.unknown()).nullable(),
  /** Version 2: the memory measured from the cell's Spark event log; null when none was read. */
  metrics: cellMetricsSchema.nullable(),
  /** Pilot only: the memory limits the cell's processes ran under (see memoryLimitsSchema). */
  memoryLimits: memoryLimitsSchema.optional(),
});

/**
 * A record of an earlier version in today's shape. Version 1 had no `metrics`: it loads with
 * none measured. Anything else is left for the schema to reject with its own message.
 */
function upgrade(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record.schemaVersion === 1 && !("metrics" in record)) {
    return { ...record, schemaVersion: CELL_RESULT_SCHEMA_VERSION, metrics: null };
  }
  return value;
}

/** Parses a record of any version this project wrote, into the current one. */
export const cellResultSchema = z.preprocess(upgrade, currentSchema);

/**
 * True if the cell's executors ran under a memory limit the kernel enforces: always on
 * Kubernetes (the pod's limit), and on the local pilot when its record says so.
 */
export function memoryLimitsEnforced(record: Pick<CellResult, "runner" | "memoryLimits">): boolean {
  return record.runner === "kubernetes" || record.memoryLimits?.enforced === true;
}

/** One finished cell. */
export type CellResult = z.infer<typeof currentSchema>;
