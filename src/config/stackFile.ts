import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { CONFIG_NAMESPACE } from "./errors";

/**
 * Reads this project's keys from a stack file (`Pulumi.<stack>.yaml`) without the Pulumi CLI,
 * for offline tools (plan, pilot) and tests. Values are as the YAML holds them; secrets and
 * other providers' keys (`gcp:project`) are left out.
 */
export function readStackFile(file: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = yaml.load(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`cannot read stack file ${file}: ${(error as Error).message}`);
  }
  const config = (document as { config?: unknown } | null)?.config;
  if (config === undefined) return {};
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new Error(`stack file ${file}: "config" must be a mapping of keys to values`);
  }
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

/** Path of a named stack's file in a project directory. */
export function stackFilePath(projectDir: string, stack: string): string {
  return path.join(projectDir, `Pulumi.${stack}.yaml`);
}
