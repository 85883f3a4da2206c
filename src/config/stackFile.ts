import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { CONFIG_NAMESPACE, readProblem, UsageError } from "./errors";

/**
 * This project's keys from the text of a stack file (`Pulumi.<stack>.yaml`), read without the
 * Pulumi CLI, for offline tools (plan, pilot) and tests. Values are as the YAML holds them;
 * other namespaces' keys (`gcp:project`) are left out. Text that is not YAML, or YAML that is
 * not a stack file, is a UsageError naming the file (and the line and column of a YAML error).
 */
export function parseStackFile(text: string, label: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = yaml.load(text);
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    // js-yaml counts lines and columns from 0; editors and people count from 1.
    const { line, column } = error.mark;
    throw new UsageError(
      `${label}:${line + 1}:${column + 1}: not valid YAML (${error.reason}); a stack file is a ` +
        "YAML mapping with a `config:` key",
    );
  }
  if (document === undefined || document === null) return {};
  if (typeof document !== "object" || Array.isArray(document)) {
    throw new UsageError(
      `${label}: not a stack file (its YAML is ${Array.isArray(document) ? "a list" : `the ${typeof document} ${JSON.stringify(document)}`}); ` +
        "a stack file is a YAML mapping with a `config:` key",
    );
  }
  const config = (document as { config?: unknown }).config;
  if (config === undefined || config === null) return {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new UsageError(
      `${label}: "config" must be a mapping of keys to values (got ${JSON.stringify(config)})`,
    );
  }
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

/** Reads and parses a stack file; `label` names it in messages (default: its file name). */
export function readStackFile(file: string, label = path.basename(file)): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`stack file ${label}: ${readProblem(error)}`);
  }
  return parseStackFile(text, label);
}
