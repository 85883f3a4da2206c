import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../src/config/errors";
import { parseConfig } from "../src/config/load";
import { testbedSchema, type TestbedConfig } from "../src/config/testbed";
import { defineTestbed } from "./testbed";

/** The stack outputs. */
export interface ProgramOutputs {
  /** Cluster name. */
  readonly clusterName: pulumi.Output<string>;
  /** Kubeconfig for the cluster (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** Each pool's machine type, memory and allocatable memory (MiB) — experiments place cells by it. */
  readonly pools: Record<
    string,
    { machineType: string; memoryMiB: number; allocatableMiB: number }
  >;
  /** Spark image through the mirror. */
  readonly sparkImage: string;
  /** Final state of the spark-pi smoke test, when enabled. */
  readonly sparkPi?: pulumi.Output<unknown>;
}

/** Validates a stack config; throws ConfigError naming every bad key. */
export function validateStackConfig(raw: unknown, source: string): TestbedConfig {
  return parseConfig(testbedSchema, raw, source);
}

/**
 * The whole program as a function of its config, so tests run it with configs of their own.
 * Validation comes first and throws before a single resource is registered.
 */
export function runProgram(raw: unknown, source = "the stack config"): ProgramOutputs {
  const config = validateStackConfig(raw, source);
  const testbed = defineTestbed(config);
  return {
    clusterName: testbed.clusterName,
    kubeconfig: testbed.kubeconfig,
    pools: Object.fromEntries(
      testbed.pools.map((p) => [
        p.name,
        { machineType: p.machineType, memoryMiB: p.memoryMiB, allocatableMiB: p.allocatableMiB },
      ]),
    ),
    sparkImage: testbed.sparkImage,
    sparkPi: testbed.sparkPi?.application.metadata.name,
  };
}

/** A ConfigError as Pulumi should show it: the message, without a stack trace. */
export function asRunError(error: unknown): unknown {
  return error instanceof ConfigError ? new pulumi.RunError(error.message) : error;
}
