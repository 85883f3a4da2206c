/**
 * Lenient readers for the fields of Spark's JSON listener events: a field of the wrong type or
 * missing reads as empty, because event logs from different Spark versions differ in detail.
 */
export type Json = Record<string, unknown>;

export const asObject = (value: unknown): Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Spark writes some metrics as strings (accumulator updates): both forms read as a number. */
export const asNumber = (value: unknown): number | undefined => {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};

export const asString = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;
