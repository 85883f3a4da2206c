import * as os from "node:os";
import { runPilot } from "../pilot/runPilot";
import { BYTES_PER_MIB } from "../core/quantity";
import { resolveStackSource } from "../config/stackSource";
import { checkOutputFolder, numberOption } from "./options";

/** Options of `spark-at-scale pilot` as commander hands them over. */
export interface PilotCommandOptions {
  readonly stack?: string;
  readonly config?: string;
  readonly scale: string;
  readonly rerun?: boolean;
  readonly concurrency?: string;
  readonly results: string;
  readonly timeoutMinutes?: string;
  readonly memoryBudget?: string;
  readonly sparkSubmit?: string;
  /** False with --no-memory-limits. */
  readonly memoryLimits?: boolean;
}

const number = (flag: string, value: string | undefined): number | undefined =>
  value === undefined ? undefined : numberOption(flag, value);

/** Three quarters of this machine's memory: room for the OS and the pilot itself. */
export function defaultMemoryBudget(): string {
  return `${Math.floor((os.totalmem() / BYTES_PER_MIB) * 0.75)}m`;
}

/** Runs `pilot`; returns the exit code (0 even when cells failed: failures are results). */
export async function runPilotCommand(options: PilotCommandOptions): Promise<number> {
  checkOutputFolder("--results", options.results);
  await runPilot({
    source: resolveStackSource(options),
    scale: number("--scale", options.scale) ?? 1,
    rerun: options.rerun ?? false,
    concurrency: number("--concurrency", options.concurrency),
    resultsDir: options.results,
    timeoutMinutes: number("--timeout-minutes", options.timeoutMinutes),
    memoryBudget: options.memoryBudget ?? defaultMemoryBudget(),
    sparkSubmit: options.sparkSubmit,
    memoryLimits: options.memoryLimits !== false,
    print: (line) => console.log(line),
    interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
  });
  return 0;
}
