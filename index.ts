// Pulumi entry point: wiring only. The program itself is stacks/program.ts.
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./src/config/pulumiConfig";
import { asRunError, runProgram, type ProgramOutputs } from "./stacks/program";

function main(): ProgramOutputs {
  try {
    return runProgram(readStackConfig(), `Pulumi.${pulumi.getStack()}.yaml`);
  } catch (error) {
    throw asRunError(error);
  }
}

const outputs = main();
export const clusterName = outputs.clusterName;
export const kubeconfig = outputs.kubeconfig;
export const pools = outputs.pools;
export const sparkImage = outputs.sparkImage;
export const sparkPi = outputs.sparkPi;
export const eventLogs = outputs.eventLogs;
export const historyServer = outputs.historyServer;
export const experiment = outputs.experiment;
export const cells = outputs.cells;
