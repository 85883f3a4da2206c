// Pulumi entry point: wiring only. The program itself is stacks/program.ts.
import { stackOutputs } from "./stacks/entry";

const outputs = stackOutputs();
export const clusterName = outputs.clusterName;
export const kubeconfig = outputs.kubeconfig;
export const pools = outputs.pools;
export const sparkImage = outputs.sparkImage;
export const sparkPi = outputs.sparkPi;
export const eventLogs = outputs.eventLogs;
export const historyServer = outputs.historyServer;
export const experiment = outputs.experiment;
export const cells = outputs.cells;
