import { z } from "zod";
import { mibToSparkMemory, sparkMemoryToMiB, type MiB } from "../core/quantity";
import { strictObject, dnsLabel } from "./schemaHelpers";
import { scaleFactorValue, tablesTakeScaleFactor, workloadSchema } from "./workload";

/** Join strategies a cell can force; `auto` gives no hint and lets Spark choose. */
export const JOIN_STRATEGIES = ["broadcast", "shuffle_hash", "sort_merge", "auto"] as const;
export type JoinStrategy = (typeof JOIN_STRATEGIES)[number];

/**
 * Spark refuses a JVM heap under 450 MiB: 1.5 x its 300 MiB reserved memory
 * (UnifiedMemoryManager.getMaxMemory). The one copy of this fact: config checks executor and
 * driver memory against it, the pilot its scaled heaps, the predictor its candidate heaps.
 */
export const MIN_SPARK_HEAP_MIB = 450;

/** A Spark memory size (`512m`, `4g`), validated and turned into MiB once, here. */
const sparkMemory = (what: string, minMiB = 1) =>
  z
    .string({ error: `${what}: a Spark memory size such as 512m or 4g` })
    .transform((value, ctx): MiB => {
      const mib = sparkMemoryToMiB(value);
      if (mib === undefined || mib < minMiB) {
        ctx.addIssue({
          code: "custom",
          message:
            mib === undefined
              ? `${what}: a Spark memory size such as 512m or 4g`
              : `${what}: at least ${minMiB} MiB`,
        });
        return z.NEVER;
      }
      return mib as MiB;
    });

/** An axis: a non-empty list of distinct values (distinct after normalisation by `key`). */
function axis<T extends z.ZodType>(
  item: T,
  what: string,
  key: (value: z.output<T>) => unknown = (v) => v,
) {
  return z
    .array(item, { error: `${what}: a list of values` })
    .min(1, `${what}: at least one value`)
    .refine((values) => new Set(values.map((v) => JSON.stringify(key(v)))).size === values.length, {
      error: `${what}: values must be distinct (each value is its own set of cells)`,
    });
}

/** The optional axes' defaults: a cell on a default leaves that axis out of its name. */
export const DEFAULT_MEMORY_OVERHEAD_FACTOR = 0.1;
export const DEFAULT_EXECUTOR_CORES = 1;

/** Zipf exponent of the build side's join key (an axis value, or `recommend --skew`). */
export const skewValue = z
  .number({ error: "a number" })
  .min(0, "a Zipf exponent of 0 (uniform) or more")
  .max(10, "at most 10");

/** Spark's executor memory overhead factor (an axis value, or `recommend --overhead-factor`). */
export const memoryOverheadFactorValue = z
  .number({ error: "a number" })
  .min(0, "between 0 and 1")
  .max(1, "between 0 and 1");

/** Cores per executor (an axis value, or `recommend --cores`). */
export const executorCoresValue = z
  .number({ error: "a number" })
  .int("a whole number")
  .min(1, "at least 1")
  .max(16, "at most 16");

/** Distinct join keys (a fixed setting, or `recommend --keys`). */
export const keysValue = z.number({ error: "a number" }).int("a whole number").min(1, "at least 1");

/** spark.sql.shuffle.partitions (a fixed setting, or `recommend --partitions`). */
export const partitionsValue = z
  .number({ error: "a number" })
  .int("a whole number")
  .min(1, "at least 1")
  .max(10_000, "at most 10000");

const onOff = z
  .union([z.boolean(), z.enum(["on", "off"])], { error: "true/false (or on/off)" })
  .transform((value) => value === true || value === "on");

/** The matrix: every combination of these values is a cell. */
const axesSchema = strictObject({
  // Required unless draw.ranges.executorMemory draws it (checked below).
  executorMemory: axis(
    sparkMemory("executor memory", MIN_SPARK_HEAP_MIB),
    "executorMemory",
  ).optional(),
  // Required unless search.tableRatio asks for a boundary search instead (checked below).
  tableRatio: axis(
    z.number({ error: "a number" }).gt(0, "a ratio above 0 (build-side size / executor heap)"),
    "tableRatio",
  ).optional(),
  strategy: axis(
    z.enum(JOIN_STRATEGIES, { error: `one of ${JOIN_STRATEGIES.join(", ")}` }),
    "strategy",
  ),
  // The join workload's Zipf exponent: required for it, meaningless for the other kinds.
  skew: axis(skewValue, "skew").optional(),
  // Data size of the query kinds (tpch, sql, pyspark); the join sizes its tables by tableRatio.
  scaleFactor: axis(scaleFactorValue, "scaleFactor").optional(),
  aqe: axis(onOff, "aqe").default([true]),
  memoryOverheadFactor: axis(memoryOverheadFactorValue, "memoryOverheadFactor").default([
    DEFAULT_MEMORY_OVERHEAD_FACTOR,
  ]),
  executorCores: axis(executorCoresValue, "executorCores").default([DEFAULT_EXECUTOR_CORES]),
  // An explicit overhead (spark.executor.memoryOverhead) replaces the factor rule and its 384 MiB
  // floor, as in Spark: the way to put a cell's native memory against a smaller container limit.
  memoryOverhead: axis(sparkMemory("memory overhead"), "memoryOverhead").optional(),
});

/** Settings every cell shares. */
const fixedSchema = strictObject({
  executorInstances: z
    .number()
    .int("a whole number")
    .min(1, "at least 1")
    .max(64, "at most 64")
    .default(2),
  driverMemory: sparkMemory("driver memory", MIN_SPARK_HEAP_MIB).prefault("2g"),
  probeSize: sparkMemory("probe-side size").prefault("1g"),
  keys: keysValue.default(100_000),
  partitions: partitionsValue.default(64),
  seed: z.number().int("a whole number").default(42),
  repeats: z.number().int("a whole number").min(1, "at least 1").max(20, "at most 20").default(1),
  concurrency: z
    .number()
    .int("a whole number")
    .min(1, "at least 1")
    .max(32, "at most 32")
    .default(2),
  // Spark's default is 4; a pilot may lower it so a doomed cell fails fast. For most cells the
  // failure class is the root cause either way, not the retry count. Not for a shuffled hash
  // join with more than one core per executor refused only because its pool is shared: its
  // retry can run alone and complete, so there the retry count can change the outcome.
  taskMaxFailures: z
    .number()
    .int("a whole number")
    .min(1, "between 1 and 16")
    .max(16, "between 1 and 16")
    .default(4),
  cellTimeoutMinutes: z
    .number()
    .int("a whole number")
    .min(1, "at least 1")
    .max(24 * 60, "at most 1440")
    .default(30),
  // Spark samples executor and driver memory at heartbeats (every 10 s) unless told to poll:
  // short runs, such as a profile's small ones, need polling to catch their peaks. Executors
  // poll at this interval; the driver, which only samples at heartbeats, heartbeats every
  // max(this, 1 s).
  metricsPollingMs: z
    .number({ error: "milliseconds between polls of executor metrics, such as 100" })
    .int("a whole number of milliseconds")
    .min(10, "at least 10 (ms)")
    .max(10_000, "at most 10000 (ms)")
    .optional(),
});

/** A boundary search's default tolerance: first failing ratio / last passing ratio <= 1.1. */
export const DEFAULT_SEARCH_TOLERANCE = 0.1;

/**
 * The range a boundary search probes: for each combination of the other axes, the pilot looks
 * for the largest size that passes, probing between `min` and `max` until the first failing size
 * is within `tolerance` (relative) of the last passing one.
 */
const searchRange = (word: string) =>
  strictObject({
    min: z.number({ error: "min: a number" }).gt(0, `min: a ${word} above 0`),
    max: z.number({ error: "max: a number" }).gt(0, `max: a ${word} above 0`),
    tolerance: z
      .number({ error: "tolerance: a number" })
      .gt(0, "tolerance: above 0 (0.1 = the bracket ends within 10 %)")
      .max(1, "tolerance: at most 1 (a bracket of at most a factor of 2)")
      .default(DEFAULT_SEARCH_TOLERANCE),
  }).superRefine((range, ctx) => {
    if (range.max <= range.min) {
      ctx.addIssue({
        code: "custom",
        path: ["max"],
        message: `a ${word} above min (${range.min}): the search runs from min up to max`,
      });
    } else if (range.max / range.min < 1 + range.tolerance) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `the range ${range.min} to ${range.max} is already within the tolerance ${range.tolerance}: nothing to search (max / min must be above 1 + tolerance)`,
      });
    }
  });

/**
 * A boundary search instead of a grid: over the join's table ratio, or over a query workload's
 * scale factor (one of the two).
 */
const searchSchema = strictObject({
  tableRatio: searchRange("ratio").optional(),
  scaleFactor: searchRange("scale factor").optional(),
}).refine((search) => (search.tableRatio === undefined) !== (search.scaleFactor === undefined), {
  error: "one of tableRatio (the join workload) or scaleFactor (a query workload)",
});

/** The fixed settings of an experiment that declares none: the one source of their defaults. */
export const FIXED_DEFAULTS = fixedSchema.parse({});

/** The axes a cell's parameters vary on, in the order cells list them. */
export const AXIS_NAMES = [
  "executorMemory",
  "tableRatio",
  "scaleFactor",
  "strategy",
  "skew",
  "aqe",
  "memoryOverheadFactor",
  "executorCores",
  "memoryOverhead",
] as const;

/** One exclusion: cells matching every key given are left out. */
const exclusionSchema = strictObject({
  executorMemory: sparkMemory("executor memory").optional(),
  tableRatio: z.number().optional(),
  scaleFactor: z.number().optional(),
  strategy: z.enum(JOIN_STRATEGIES, { error: `one of ${JOIN_STRATEGIES.join(", ")}` }).optional(),
  skew: z.number().optional(),
  aqe: onOff.optional(),
  memoryOverheadFactor: z.number().optional(),
  executorCores: z.number().optional(),
  memoryOverhead: sparkMemory("memory overhead").optional(),
}).refine((e) => Object.values(e).some((v) => v !== undefined), {
  error: `an exclusion names at least one of ${AXIS_NAMES.join(", ")}`,
});

/** A range a random draw picks from: `min` + k x `step` for a uniformly drawn whole k. */
const drawRange = (
  value: z.ZodType<number, unknown>,
  step: z.ZodType<number, unknown>,
  defaultStep: number,
) =>
  strictObject({ min: value, max: value, step: step.optional() })
    .transform((range) => ({
      min: range.min,
      max: range.max,
      step: range.step ?? defaultStep,
    }))
    .superRefine((range, ctx) => {
      if (range.max < range.min) {
        ctx.addIssue({
          code: "custom",
          path: ["max"],
          message: `at least min (${range.min}): values are drawn from min to max`,
        });
      }
      if (!(range.step > 0)) {
        ctx.addIssue({ code: "custom", path: ["step"], message: "above 0" });
      }
    });

const ratioValue = z
  .number({ error: "a number" })
  .gt(0, "a ratio above 0 (build-side size / executor heap)");

/**
 * Cells drawn at random from a space instead of a grid: `cells` draws, seeded, each value picked
 * uniformly from its axis's list or from a range here (which replaces the axis). A random draw
 * says how a predictor does on cells nobody chose, so its accuracy is what a user will see.
 */
const drawSchema = strictObject({
  cells: z
    .number({ error: "a whole number of cells" })
    .int("a whole number of cells")
    .min(1, "at least 1")
    .max(500, "at most 500"),
  seed: z.number({ error: "a whole number" }).int("a whole number"),
  ranges: strictObject({
    executorMemory: drawRange(
      sparkMemory("executor memory", MIN_SPARK_HEAP_MIB),
      sparkMemory("executor memory step"),
      64,
    ).optional(),
    tableRatio: drawRange(ratioValue, ratioValue, 0.01).optional(),
    skew: drawRange(skewValue, z.number({ error: "a number" }), 0.1).optional(),
    memoryOverhead: drawRange(
      sparkMemory("memory overhead"),
      sparkMemory("memory overhead step"),
      32,
    ).optional(),
  }).default({}),
});

/** The axes a draw's range may replace. */
export const DRAW_RANGE_AXES = ["executorMemory", "tableRatio", "skew", "memoryOverhead"] as const;

/** The `experiment` key of a stack's config. */
export const experimentSchema = strictObject({
  name: dnsLabel("an experiment name", 40),
  description: z.string().default(""),
  workload: workloadSchema,
  axes: axesSchema,
  fixed: fixedSchema.default(FIXED_DEFAULTS),
  exclude: z.array(exclusionSchema).default([]),
  // A boundary search instead of a grid of table ratios (the local pilot runs it).
  search: searchSchema.optional(),
  // Cells drawn at random instead of a grid.
  draw: drawSchema.optional(),
}).superRefine((experiment, ctx) => {
  const search = experiment.search?.tableRatio;
  checkDraw(experiment, ctx);
  if (!experiment.axes.executorMemory && !experiment.draw?.ranges.executorMemory) {
    ctx.addIssue({
      code: "custom",
      path: ["axes", "executorMemory"],
      message:
        "required: a list of executor heaps such as [512m, 1g], unless draw.ranges.executorMemory draws them",
    });
  }
  if (experiment.workload.kind !== "join") {
    checkQueryAxes(experiment, ctx);
    checkExclusions(experiment, ctx);
    return;
  }
  if (experiment.search?.scaleFactor) {
    ctx.addIssue({
      code: "custom",
      path: ["search", "scaleFactor"],
      message:
        "searches a query workload's data size; the join workload (workload.kind join, the default) searches search.tableRatio",
    });
  }
  for (const key of ["scaleFactor"] as const) {
    if (experiment.axes[key]) {
      ctx.addIssue({
        code: "custom",
        path: ["axes", key],
        message:
          "sizes the data of the tpch, sql and pyspark workloads; the join workload (workload.kind join, the default) sizes its tables by axes.tableRatio",
      });
    }
  }
  const ranges = experiment.draw?.ranges;
  if (!experiment.axes.skew && !ranges?.skew) {
    ctx.addIssue({
      code: "custom",
      path: ["axes", "skew"],
      message: "required: a list of Zipf exponents of the build side's keys (0 = uniform)",
    });
  }
  if (search && experiment.axes.tableRatio) {
    ctx.addIssue({
      code: "custom",
      path: ["search", "tableRatio"],
      message:
        "a boundary search chooses the table ratios itself: give axes.tableRatio (a grid) or search.tableRatio (a boundary search), not both",
    });
  }
  if (!search && !experiment.axes.tableRatio && !ranges?.tableRatio) {
    ctx.addIssue({
      code: "custom",
      path: ["axes", "tableRatio"],
      message:
        "required: a list of ratios (build-side size / executor heap), unless search.tableRatio asks for a boundary search",
    });
  }
  if (search && experiment.fixed.repeats !== 1) {
    ctx.addIssue({
      code: "custom",
      path: ["fixed", "repeats"],
      message: "a boundary search probes each ratio once: repeats must be 1",
    });
  }
  const factors = experiment.axes.memoryOverheadFactor;
  if (
    experiment.axes.memoryOverhead &&
    !(factors.length === 1 && factors[0] === DEFAULT_MEMORY_OVERHEAD_FACTOR)
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["axes", "memoryOverheadFactor"],
      message:
        "has no effect when axes.memoryOverhead is set (Spark then uses the explicit size); give one axis or the other",
    });
  }
  checkExclusions(experiment, ctx);
});

/**
 * A draw replaces the grid, so it cannot go with a boundary search; a range replaces its axis,
 * so the two cannot both be given; the predictor it is drawn to test models the join only.
 */
function checkDraw(
  experiment: {
    axes: z.output<typeof axesSchema>;
    workload: { kind: string };
    search?: z.output<typeof searchSchema>;
    draw?: z.output<typeof drawSchema>;
  },
  ctx: z.RefinementCtx,
): void {
  const { draw } = experiment;
  if (!draw) return;
  if (experiment.search) {
    ctx.addIssue({
      code: "custom",
      path: ["draw"],
      message:
        "draws cells at random instead of a grid; a boundary search (search) chooses its own: give one",
    });
  }
  if (experiment.workload.kind !== "join") {
    ctx.addIssue({
      code: "custom",
      path: ["draw"],
      message: `draws cells of the join workload (whose memory model predicts them); workload.kind is ${experiment.workload.kind}`,
    });
  }
  for (const key of DRAW_RANGE_AXES) {
    if (draw.ranges[key] && experiment.axes[key]) {
      ctx.addIssue({
        code: "custom",
        path: ["draw", "ranges", key],
        message: `replaces axes.${key}: give the range or the list, not both`,
      });
    }
  }
}

/** An exclusion naming a value that is not on its axis matches nothing: almost surely a typo. */
function checkExclusions(
  experiment: {
    axes: z.output<typeof axesSchema>;
    exclude: z.output<typeof exclusionSchema>[];
    search?: z.output<typeof searchSchema>;
    draw?: z.output<typeof drawSchema>;
  },
  ctx: z.RefinementCtx,
): void {
  const searched = experiment.search?.scaleFactor ? "scaleFactor" : "tableRatio";
  experiment.exclude.forEach((exclusion, index) => {
    for (const key of AXIS_NAMES) {
      const value = exclusion[key];
      if (value === undefined) continue;
      if (key === searched && experiment.search) {
        ctx.addIssue({
          code: "custom",
          path: ["exclude", index, key],
          message: `a boundary search chooses the ${key === "tableRatio" ? "table ratios" : "scale factors"}: an exclusion cannot name one`,
        });
        continue;
      }
      // A drawn value is any point of its range: an exclusion of one is not checked against a list.
      if (
        (DRAW_RANGE_AXES as readonly string[]).includes(key) &&
        experiment.draw?.ranges[key as (typeof DRAW_RANGE_AXES)[number]]
      )
        continue;
      const values = (experiment.axes[key] ?? []) as readonly unknown[];
      if (!values.includes(value)) {
        const shown =
          key === "executorMemory" || key === "memoryOverhead"
            ? (values as MiB[]).map(mibToSparkMemory)
            : values;
        ctx.addIssue({
          code: "custom",
          path: ["exclude", index, key],
          message: `not a value of axes.${key} (${JSON.stringify(shown)}), so this exclusion matches nothing`,
        });
      }
    }
  });
}

/** The axes of a query workload (tpch, sql, pyspark): a scale factor, no table ratio or skew. */
function checkQueryAxes(
  experiment: {
    workload: z.output<typeof workloadSchema>;
    axes: z.output<typeof axesSchema>;
    fixed: z.output<typeof fixedSchema>;
    search?: z.output<typeof searchSchema>;
  },
  ctx: z.RefinementCtx,
): void {
  const kind = experiment.workload.kind;
  const { axes } = experiment;
  if (!axes.scaleFactor && !experiment.search?.scaleFactor) {
    ctx.addIssue({
      code: "custom",
      path: ["axes", "scaleFactor"],
      message: `required for workload.kind ${kind}: a list of scale factors (data sizes; TPC-H SF 1 is about 1 GB), unless search.scaleFactor asks for a boundary search`,
    });
  }
  const joinOnly = [
    [
      "tableRatio",
      "sizes the join workload's tables; a query workload's data size is axes.scaleFactor",
    ],
    ["skew", "is the join workload's key skew; a query runs over its data as it is"],
  ] as const;
  for (const [key, why] of joinOnly) {
    if (axes[key]) {
      ctx.addIssue({
        code: "custom",
        path: ["axes", key],
        message: `not for workload.kind ${kind}: ${why}`,
      });
    }
  }
  const search = experiment.search;
  if (search?.tableRatio) {
    ctx.addIssue({
      code: "custom",
      path: ["search", "tableRatio"],
      message: `searches the join workload's table ratio; for workload.kind ${kind} search search.scaleFactor`,
    });
  }
  if (search?.scaleFactor && axes.scaleFactor) {
    ctx.addIssue({
      code: "custom",
      path: ["search", "scaleFactor"],
      message:
        "a boundary search chooses the scale factors itself: give axes.scaleFactor (a grid) or search.scaleFactor (a boundary search), not both",
    });
  }
  // A SQL file's tables exist at the scale factors the user made; a search picks its own.
  if (search?.scaleFactor && kind === "sql") {
    ctx.addIssue({
      code: "custom",
      path: ["search", "scaleFactor"],
      message:
        "not for workload.kind sql, whose tables exist only at the scale factors you made: give axes.scaleFactor those (tpch and pyspark make their data at any scale)",
    });
  }
  if (search && experiment.fixed.repeats !== 1) {
    ctx.addIssue({
      code: "custom",
      path: ["fixed", "repeats"],
      message: "a boundary search probes each scale factor once: repeats must be 1",
    });
  }
  const workload = experiment.workload;
  if (
    workload.kind === "sql" &&
    (axes.scaleFactor?.length ?? 0) > 1 &&
    !tablesTakeScaleFactor(workload)
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["axes", "scaleFactor"],
      message:
        "several scale factors, but no path in workload.tables contains {scaleFactor}: every cell would read the same data",
    });
  }
}

/** A validated experiment, defaults filled in. */
export type ExperimentConfig = z.infer<typeof experimentSchema>;
/** One exclusion. */
export type Exclusion = ExperimentConfig["exclude"][number];
export type DrawConfig = NonNullable<ExperimentConfig["draw"]>;
