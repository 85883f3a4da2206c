import { runOnCluster, type RunnableStack } from "../cluster/runOnCluster";
import { UsageError } from "../config/errors";
import { readStackSource, type StackSource } from "../config/stackSource";
import { findLocalSpark } from "../pilot/environment";
import { compileStack } from "../render/compile";
import { readWorkloadScript } from "../render/workloadScript";
import {
  campaignSettings,
  interactiveTerminal,
  type CampaignCommandOptions,
} from "./campaignOptions";

/** A stack file compiled, checked to be an existing-cluster stack with an experiment. */
export function loadRunnableStack(source: StackSource): RunnableStack {
  const compiled = compileStack(readStackSource(source), source.label, readWorkloadScript);
  const { config, objects } = compiled;
  if (config.target !== "existingCluster") {
    throw new UsageError(
      `${source.label}: run takes a stack with spark-at-scale:target: existingCluster; ` +
        "a GKE stack runs its cells with `pulumi up`",
    );
  }
  const experiment = config.experiment;
  if (!experiment || !objects) {
    throw new UsageError(`${source.label} declares no spark-at-scale:experiment to run`);
  }
  return { ...compiled, config: { ...config, experiment }, objects };
}

/** Runs `run`; returns the exit code (0 even when cells failed: failures are results). */
export async function runClusterCommand(options: CampaignCommandOptions): Promise<number> {
  const settings = campaignSettings(options);
  if (!settings.source) throw new UsageError("run needs --stack NAME or --config FILE");
  await runOnCluster({
    compiled: loadRunnableStack(settings.source),
    rerun: settings.rerun,
    concurrency: settings.concurrency,
    resultsDir: settings.resultsDir,
    timeoutMinutes: settings.timeoutMinutes,
    sparkHome: () => findLocalSpark().sparkHome,
    print: (line) => console.log(line),
    interactive: interactiveTerminal(),
  });
  return 0;
}
