import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { CONFIG_NAMESPACE } from "./errors";

/**
 * This project's keys from the text of a stack file (`Pulumi.<stack>.yaml`), read without the
 * Pulumi CLI, for offline tools (plan, pilot) and tests. Values are as the YAML holds them;
 * other namespaces' keys (`gcp:project`) are left out.
 */
export function parseStackFile(text: string, label: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = yaml.load(text);
  } catch (error) {
    throw new Error(`cannot parse stack file ${label}: ${(error as Error).message}`);
  }
  const config = (document as { config?: unknown } | null)?.config;
  if (config === undefined) return {};
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new Error(`stack file ${label}: "config" must be a mapping of keys to values`);
  }
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

/** Reads and parses a stack file. */
export function readStackFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read stack file ${file}: ${(error as Error).message}`);
  }
  return parseStackFile(text, path.basename(file));
}
