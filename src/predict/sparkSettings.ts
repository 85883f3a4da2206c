/**
 * The model's Spark settings from a cell's Spark configuration: the one reading of
 * `spark.*` keys that `plan` (a planned cell's sparkConf) and the report (a finished cell's
 * record) share, so a cell is predicted with the settings it ran with.
 */
import type { CellParameters } from "../experiment/cells";
import { joinSparkConf } from "../experiment/cellSpecs";
import type { SparkSettings } from "./types";

const BYTE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
};

/**
 * Spark's byte string (`JavaUtils.byteStringAsBytes`): a whole number with an optional binary
 * unit, `0`, `512m`, `1g`, `64MB`; no unit means bytes (the unit of the settings read here).
 */
export function sparkBytes(key: string, value: string): number {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(value);
  const unit = match ? BYTE_UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new Error(
      `${key}: a Spark byte size such as 0, 512m or 1g (binary units b, k, m, g, t) (got ${JSON.stringify(value)})`,
    );
  }
  return Number(match[1]) * unit;
}

function sparkBoolean(key: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "false") return v === "true";
  throw new Error(`${key}: true or false (got ${JSON.stringify(value)})`);
}

function sparkFraction(key: string, value: string): number {
  const v = Number(value);
  if (!Number.isFinite(v) || v <= 0 || v > 1) {
    throw new Error(`${key}: a number above 0 and at most 1 (got ${JSON.stringify(value)})`);
  }
  return v;
}

function positiveNumber(key: string, value: string): number {
  const v = Number(value);
  if (!Number.isFinite(v) || v <= 0) {
    throw new Error(`${key}: a number above 0 (got ${JSON.stringify(value)})`);
  }
  return v;
}

function positiveInteger(key: string, value: string): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < 1) {
    throw new Error(`${key}: a whole number of at least 1 (got ${JSON.stringify(value)})`);
  }
  return v;
}

/** Each setting the model reads, by its Spark key. */
const READERS: {
  readonly [key: string]: (key: string, value: string) => Partial<SparkSettings>;
} = {
  "spark.driver.maxResultSize": (k, v) => ({ driverMaxResultSizeBytes: sparkBytes(k, v) }),
  "spark.memory.fraction": (k, v) => ({ memoryFraction: sparkFraction(k, v) }),
  "spark.sql.adaptive.skewJoin.enabled": (k, v) => ({ skewJoinEnabled: sparkBoolean(k, v) }),
  "spark.sql.adaptive.coalescePartitions.enabled": (k, v) => ({
    coalesceEnabled: sparkBoolean(k, v),
  }),
  "spark.sql.adaptive.advisoryPartitionSizeInBytes": (k, v) => ({
    advisoryPartitionBytes: sparkBytes(k, v),
  }),
  "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes": (k, v) => ({
    skewedPartitionThresholdBytes: sparkBytes(k, v),
  }),
  "spark.sql.adaptive.skewJoin.skewedPartitionFactor": (k, v) => ({
    skewedPartitionFactor: positiveNumber(k, v),
  }),
  "spark.task.maxFailures": (k, v) => ({ taskMaxFailures: positiveInteger(k, v) }),
};

/**
 * The model's overrides of Spark's defaults in `conf`; keys the model does not read (join
 * thresholds) are ignored. A value Spark would not accept is an error naming the key.
 */
export function sparkSettingsFromConf(
  conf: Readonly<Record<string, string>>,
): Partial<SparkSettings> {
  let settings: Partial<SparkSettings> = {};
  for (const [key, value] of Object.entries(conf)) {
    const read = READERS[key];
    if (read) settings = { ...settings, ...read(key, value) };
  }
  return settings;
}

/**
 * The settings a cell with these parameters runs with: the same configuration the experiment
 * gives it (src/experiment/cells.ts, joinSparkConf), read as the model's settings.
 */
export function cellSparkSettings(
  parameters: Pick<CellParameters, "strategy" | "aqe">,
): Partial<SparkSettings> {
  return sparkSettingsFromConf(joinSparkConf(parameters));
}
