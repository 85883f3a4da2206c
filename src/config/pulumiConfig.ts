import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "./errors";
import { decodeConfigValue } from "./load";

/**
 * This project's keys from the running stack's config, decoded to the values the stack file
 * holds. Reading all of them (not key by key) is what lets validation reject unknown keys.
 */
export function readStackConfig(): Record<string, unknown> {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = decodeConfigValue(value);
  }
  return raw;
}
