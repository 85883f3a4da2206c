import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Experiment } from "../components/experiment";
import { eventLogSource, type EventLogSource } from "../src/cluster/clusterEventLogs";
import { ConfigError } from "../src/config/errors";
import { defineExistingCluster } from "./existingCluster";
import { compileStack, type CompiledStack } from "../src/render/compile";
import { readWorkloadScript } from "../src/render/workloadScript";
import { cacheRoot, ensureTpchData } from "../src/pilot/queryData";
import { tpchObjects } from "../src/testbed/queryData";

/** The checkout, whose venv has tpchgen-cli. */
const PROJECT_ROOT = path.resolve(__dirname, "..");
import { defineTestbed, type Testbed } from "./testbed";

/** The stack outputs. */
export interface ProgramOutputs {
  /** Cluster name. */
  readonly clusterName: pulumi.Output<string>;
  /** Kubeconfig for the cluster (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** Each pool's machine type, memory and allocatable memory (MiB): where cells can go. */
  readonly pools: Record<
    string,
    { machineType: string; memoryMiB: number; allocatableMiB: number }
  >;
  /** Spark image through the mirror. */
  readonly sparkImage: string;
  /** How the spark-pi smoke test ended, when enabled. */
  readonly sparkPi?: pulumi.Output<Record<string, unknown>>;
  /** Experiment name, when the stack has one. */
  readonly experiment?: string;
  /** Where cells write their Spark event logs. */
  readonly eventLogs: string;
  /** The command that forwards the History Server's UI to localhost:18080. */
  readonly historyServer: string;
  /** Each cell's record (src/results/cellResult.ts) by cell name. */
  readonly cells?: pulumi.Output<Record<string, Record<string, unknown>>>;
}

/**
 * Where this machine reads the cells' event logs (the local test cluster's node folder, or the
 * testbed's bucket): the run resources read each record's measured memory from there.
 */
function eventLogsOf(compiled: CompiledStack): { eventLogs?: EventLogSource } {
  if (!compiled.objects?.launches[0]?.eventLog) return {};
  const { source } = eventLogSource(compiled.runtime.eventLog);
  return source ? { eventLogs: source } : {};
}

/** Where the program gets the workload script and TPC-H data; tests pass their own. */
export interface ProgramDependencies {
  readonly workloadScript: () => string;
  /**
   * The local folder of the TPC-H tables at a scale factor, generated into the cache if needed
   * (a GKE stack uploads them to its data bucket).
   */
  readonly tpchFolder?: (scaleFactor: number) => string;
}

/**
 * The whole program as a function of its config, so tests run it with configs of their own.
 * Validation and cell placement come first and throw before a single resource is registered.
 */
export function runProgram(
  raw: unknown,
  source = "the stack config",
  dependencies: ProgramDependencies = { workloadScript: readWorkloadScript },
): ProgramOutputs {
  const compiled = compileStack(raw, source, dependencies.workloadScript);
  const { config } = compiled;
  const testbed = clusterOf(compiled, dependencies.tpchFolder ?? generatedTpchFolder);
  const experiment =
    config.experiment && compiled.objects
      ? new Experiment(
          config.experiment.name,
          {
            experiment: config.experiment.name,
            cells: compiled.cells,
            objects: compiled.objects,
            kubeconfig: testbed.kubeconfig,
            timeoutSeconds: config.experiment.fixed.cellTimeoutMinutes * 60,
            concurrency: config.experiment.fixed.concurrency,
            after: testbed.ready,
            submission:
              config.target === "existingCluster" ? config.existingCluster.submission : "operator",
            ...eventLogsOf(compiled),
          },
          { providers: [testbed.provider] },
        )
      : undefined;
  return {
    clusterName: testbed.clusterName,
    kubeconfig: testbed.kubeconfig,
    pools: Object.fromEntries(
      compiled.pools.map((p) => [
        p.name,
        { machineType: p.machineType, memoryMiB: p.memoryMiB, allocatableMiB: p.allocatableMiB },
      ]),
    ),
    sparkImage: compiled.runtime.sparkImage,
    sparkPi: testbed.sparkPi?.run.record,
    eventLogs: testbed.eventLogDir,
    historyServer: testbed.historyServer,
    experiment: config.experiment?.name,
    cells: experiment?.records,
  };
}

/** The cluster the cells run on: a GKE testbed the stack builds, or one that exists already. */
function clusterOf(
  { config, pools, runtime }: CompiledStack,
  tpchFolder: (scaleFactor: number) => string,
): Testbed {
  if (runtime.target === "existingCluster") return defineExistingCluster(config, runtime);
  // A TPC-H experiment's tables go to the testbed's data bucket before any cell reads them.
  const experiment = config.experiment;
  const queryData =
    experiment?.workload.kind === "tpch"
      ? tpchObjects(experiment.axes.scaleFactor ?? [], tpchFolder)
      : undefined;
  return defineTestbed(config, pools, runtime, queryData);
}

/** The venv's tpch_data.py into the project cache, as the pilot uses it: what `pulumi up` uploads. */
function generatedTpchFolder(scaleFactor: number): string {
  return ensureTpchData(scaleFactor, {
    label: "the TPC-H data",
    python: path.join(PROJECT_ROOT, ".venv", "bin", "python"),
    cache: cacheRoot(),
    print: (line) => void pulumi.log.info(line),
  });
}

/** A ConfigError as Pulumi should show it: the message, without a stack trace. */
export function asRunError(error: unknown): unknown {
  return error instanceof ConfigError ? new pulumi.RunError(error.message) : error;
}
