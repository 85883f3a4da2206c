import * as path from "node:path";
import { readStackFile } from "../../src/config/stackFile";

/** The repository root, where the Pulumi project and stack files live. */
export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** The dev stack's config as the stack file holds it. */
export function devStackConfig(): Record<string, unknown> {
  return readStackFile(path.join(PROJECT_DIR, "Pulumi.dev.yaml"));
}

/** A deep copy of the dev stack config with some keys replaced (undefined removes a key). */
export function devStackWith(overrides: Record<string, unknown>): Record<string, unknown> {
  const config = structuredClone(devStackConfig());
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete config[key];
    else config[key] = value;
  }
  return config;
}
