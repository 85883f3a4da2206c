import type { z } from "zod";

/** The namespace of this project's keys in a stack's config (`spark-at-scale:<key>`). */
export const CONFIG_NAMESPACE = "spark-at-scale";

/**
 * A usage error: an argument or an input file the user named is wrong (a missing file, a
 * stack file that is not YAML, an option out of range). The CLI prints it without a stack
 * trace and exits 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Why a file could not be read, in words (a folder, no permission, missing). */
export function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EISDIR") return "a folder, not a file";
  if (code === "EACCES" || code === "EPERM") return "not readable (permission denied)";
  if (code === "ENOENT") return "no such file";
  return (error as Error).message;
}

/** A config that cannot be used: every problem, each naming the key, the value and what is allowed. */
export class ConfigError extends Error {
  constructor(
    /** Where the config came from, e.g. `Pulumi.dev.yaml`. */
    readonly source: string,
    /** One line per problem. */
    readonly problems: readonly string[],
  ) {
    super(
      `invalid config in ${source} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

function keyPath(path: readonly PropertyKey[]): string {
  let out = CONFIG_NAMESPACE + ":";
  path.forEach((part, i) => {
    if (typeof part === "number") out += `[${part}]`;
    else out += i === 0 ? String(part) : `.${String(part)}`;
  });
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Turns zod's issues into lines a person can act on: key, value given, what is allowed. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      const parent = valueAt(input, issue.path) as Record<string, unknown>;
      return issue.keys.map(
        (key) =>
          `${keyPath([...issue.path, key])}: unknown key (got ${describe(parent[key])}); ${issue.message}`,
      );
    }
    return [
      `${keyPath(issue.path)}: ${issue.message} (got ${describe(valueAt(input, issue.path))})`,
    ];
  });
}
