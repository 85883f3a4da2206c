import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "../src/config/pulumiConfig";
import { asRunError, runProgram, type ProgramOutputs } from "./program";

/**
 * The program as the engine runs it: the current stack's config, read through Pulumi, taken to
 * resources and outputs. index.ts (the `pulumi` CLI's entry) and inline Automation API programs
 * (scripts/pulumi/stack.ts) both call this, so they cannot drift.
 */
export function stackOutputs(): ProgramOutputs {
  try {
    return runProgram(readStackConfig(), `Pulumi.${pulumi.getStack()}.yaml`);
  } catch (error) {
    throw asRunError(error);
  }
}
