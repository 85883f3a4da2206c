import * as os from "node:os";
import { z } from "zod";
import { UsageError } from "../config/errors";
import { experimentSchema, type ExperimentConfig } from "../config/experiment";
import { parseConfig } from "../config/load";
import { readStackSource, type StackSource } from "../config/stackSource";
import { BYTES_PER_MIB, sparkMemoryToMiB } from "../core/quantity";
import { BUILTIN_PILOT_EXPERIMENT } from "../pilot/builtinExperiment";
import { runPilot } from "../pilot/runPilot";
import {
  campaignSettings,
  interactiveTerminal,
  type CampaignCommandOptions,
} from "./campaignOptions";
import { numberOption } from "./options";

/** Options of `spark-at-scale pilot` as commander hands them over. */
export interface PilotCommandOptions extends CampaignCommandOptions {
  readonly scale: string;
  readonly memoryBudget?: string;
  readonly sparkSubmit?: string;
  /** False with --no-memory-limits. */
  readonly memoryLimits?: boolean;
}

/** Three quarters of this machine's memory: room for the OS and the pilot itself. */
export function defaultMemoryBudget(): string {
  return `${Math.floor((os.totalmem() / BYTES_PER_MIB) * 0.75)}m`;
}

const BUILTIN_LABEL = "the built-in pilot matrix";

/** The experiment under its stack key, so errors name it `spark-at-scale:experiment.…`. */
const experimentAtKey = z.object({ experiment: experimentSchema });

/** The experiment a pilot runs: a stack file's, or the built-in matrix. */
export function loadPilotExperiment(source: StackSource | undefined): {
  experiment: ExperimentConfig;
  label: string;
} {
  if (!source) {
    return {
      experiment: parseConfig(experimentSchema, BUILTIN_PILOT_EXPERIMENT, BUILTIN_LABEL),
      label: BUILTIN_LABEL,
    };
  }
  // Only the experiment matters here: a pilot needs no cloud project, pools or operator.
  const raw = readStackSource(source).experiment;
  if (raw === undefined) {
    throw new UsageError(`${source.label} declares no spark-at-scale:experiment to run`);
  }
  const parsed = parseConfig(experimentAtKey, { experiment: raw }, source.label);
  return { experiment: parsed.experiment, label: source.label };
}

/** Runs `pilot`; returns the exit code (0 even when cells failed: failures are results). */
export async function runPilotCommand(options: PilotCommandOptions): Promise<number> {
  const settings = campaignSettings(options);
  const scale = numberOption("--scale", options.scale);
  if (!(scale > 0 && scale <= 1)) {
    throw new UsageError(
      `--scale ${scale}: a factor above 0 and at most 1 (sizes keep their ratio to memory)`,
    );
  }
  const budget = options.memoryBudget ?? defaultMemoryBudget();
  const memoryBudgetMiB = sparkMemoryToMiB(budget);
  if (memoryBudgetMiB === undefined) {
    throw new UsageError(`--memory-budget ${budget}: a memory size such as 12g or 8192m`);
  }
  const { experiment, label } = loadPilotExperiment(settings.source);
  await runPilot({
    experiment,
    label,
    scale,
    rerun: settings.rerun,
    concurrency: settings.concurrency,
    resultsDir: settings.resultsDir,
    timeoutMinutes: settings.timeoutMinutes,
    memoryBudgetMiB,
    sparkSubmit: options.sparkSubmit,
    memoryLimits: options.memoryLimits !== false,
    print: (line) => console.log(line),
    interactive: interactiveTerminal(),
  });
  return 0;
}
