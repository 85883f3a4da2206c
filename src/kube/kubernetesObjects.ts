import { z } from "zod";

/**
 * The parts of Kubernetes objects the failure evidence is read from. Loose: the API returns far
 * more, and the typed client returns class instances (with Date fields) where a fixture has plain
 * YAML; only these fields are checked, and every other one passes through.
 */

const terminatedSchema = z.looseObject({
  exitCode: z.number().int(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

const containerStateSchema = z.looseObject({ terminated: terminatedSchema.nullish() });

const containerStatusSchema = z.looseObject({
  name: z.string(),
  state: containerStateSchema.nullish(),
  lastState: containerStateSchema.nullish(),
});

const metadataSchema = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  labels: z.record(z.string(), z.string()).nullish(),
});

/** A core/v1 Pod, as far as container terminations go. */
export const podSchema = z.looseObject({
  metadata: metadataSchema,
  status: z
    .looseObject({
      phase: z.string().optional(),
      reason: z.string().nullish(),
      message: z.string().nullish(),
      containerStatuses: z.array(containerStatusSchema).nullish(),
    })
    .nullish(),
});

/** A Pod as parsed by `podSchema`. */
export type Pod = z.infer<typeof podSchema>;

/** A core/v1 Event: what it is about, why, and what it says. */
export const eventSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string() }),
  involvedObject: z.looseObject({ kind: z.string().optional(), name: z.string().optional() }),
  reason: z.string().nullish(),
  message: z.string().nullish(),
});

/** An Event as parsed by `eventSchema`. */
export type Event = z.infer<typeof eventSchema>;

/**
 * A sparkoperator.k8s.io/v1beta2 SparkApplication's status, as the v2.5.2 controller writes it
 * (api/v1beta2/sparkapplication_types.go SparkApplicationStatus). Every field may be missing on
 * an application the operator has not picked up yet.
 */
export const sparkApplicationStatusSchema = z.looseObject({
  sparkApplicationId: z.string().optional(),
  submissionID: z.string().optional(),
  applicationState: z
    .looseObject({ state: z.string().optional(), errorMessage: z.string().optional() })
    .optional(),
  driverInfo: z.looseObject({ podName: z.string().optional() }).optional(),
  executorState: z.record(z.string(), z.string()).optional(),
  submissionAttempts: z.number().int().optional(),
  executionAttempts: z.number().int().optional(),
});

/** A SparkApplication, as far as its identity and status go. */
export const sparkApplicationSchema = z.looseObject({
  apiVersion: z.literal("sparkoperator.k8s.io/v1beta2"),
  kind: z.literal("SparkApplication"),
  metadata: metadataSchema,
  status: sparkApplicationStatusSchema.optional(),
});

/** A SparkApplication as parsed by `sparkApplicationSchema`. */
export type SparkApplication = z.infer<typeof sparkApplicationSchema>;

/** Parses `value` with `schema`, or throws naming `what` and every problem. */
export function parseObject<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`not a ${what}: ${z.prettifyError(parsed.error).replace(/\n/g, "; ")}`);
  }
  return parsed.data;
}
