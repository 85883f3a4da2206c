import type { z } from "zod";
import { ConfigError, formatIssues } from "./errors";

/**
 * Validates raw config against a schema, once, at the edge: either a typed config with every
 * default filled in, or a ConfigError listing every problem. Nothing downstream re-checks.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  source: string,
): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues, raw));
  return result.data;
}

/**
 * Pulumi hands config values to the program as strings (objects and arrays as JSON). This
 * turns one back into the value the stack file holds: JSON where it parses, else the string.
 */
export function decodeConfigValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
