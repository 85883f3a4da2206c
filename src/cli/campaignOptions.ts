/**
 * The options `pilot` and `run` share — which experiment, which results, rerun, concurrency,
 * timeout — declared and checked once, so the two commands cannot drift apart.
 */
import type { Command } from "commander";
import { UsageError } from "../config/errors";
import { resolveStackSource, type StackSource } from "../config/stackSource";
import { checkOutputFolder, numberOption } from "./options";

/** The shared options as commander hands them over. */
export interface CampaignCommandOptions {
  readonly stack?: string;
  readonly config?: string;
  readonly rerun?: boolean;
  readonly concurrency?: string;
  readonly results: string;
  readonly timeoutMinutes?: string;
}

/** The shared options, checked. */
export interface CampaignSettings {
  /** The stack file, when one is named. */
  readonly source?: StackSource;
  readonly rerun: boolean;
  readonly concurrency?: number;
  readonly resultsDir: string;
  readonly timeoutMinutes?: number;
}

/** Declares the shared options on `command`; `concurrencyHelp` says what else bounds it. */
export function withCampaignOptions(command: Command, concurrencyHelp: string): Command {
  return command
    .option("--stack <name>", "run the experiment of Pulumi.<name>.yaml")
    .option("--config <file>", "run the experiment of this stack file")
    .option("--rerun", "run cells again even if they have results")
    .option("--concurrency <n>", `cells at once (default: the experiment's${concurrencyHelp})`)
    .option("--results <dir>", "results folder", "results")
    .option(
      "--timeout-minutes <m>",
      "per-cell timeout (default: the experiment's cellTimeoutMinutes)",
    );
}

const number = (flag: string, value: string | undefined): number | undefined =>
  value === undefined ? undefined : numberOption(flag, value);

/** Checks the shared options: each bad one is a UsageError naming the flag and the value. */
export function campaignSettings(options: CampaignCommandOptions): CampaignSettings {
  checkOutputFolder("--results", options.results);
  const source = resolveStackSource(options);
  const concurrency = number("--concurrency", options.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new UsageError(`--concurrency ${concurrency}: a whole number of cells, 1 or more`);
  }
  const timeoutMinutes = number("--timeout-minutes", options.timeoutMinutes);
  if (timeoutMinutes !== undefined && !(timeoutMinutes > 0)) {
    throw new UsageError(`--timeout-minutes ${timeoutMinutes}: a number of minutes above 0`);
  }
  return {
    ...(source ? { source } : {}),
    rerun: options.rerun ?? false,
    concurrency,
    resultsDir: options.results,
    timeoutMinutes,
  };
}

/** Whether to draw progress bars: a person at a terminal, not CI. */
export function interactiveTerminal(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}
