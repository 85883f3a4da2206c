import { runOnCluster } from "../cluster/runOnCluster";
import { UsageError } from "../config/errors";
import { resolveStackSource } from "../config/stackSource";
import { findLocalSpark } from "../pilot/environment";
import { checkOutputFolder, numberOption } from "./options";

/** Options of `spark-at-scale run` as commander hands them over. */
export interface RunCommandOptions {
  readonly stack?: string;
  readonly config?: string;
  readonly rerun?: boolean;
  readonly concurrency?: string;
  readonly results: string;
  readonly timeoutMinutes?: string;
}

const number = (flag: string, value: string | undefined): number | undefined =>
  value === undefined ? undefined : numberOption(flag, value);

/** Runs `run`; returns the exit code (0 even when cells failed: failures are results). */
export async function runClusterCommand(options: RunCommandOptions): Promise<number> {
  const source = resolveStackSource(options);
  if (!source) throw new UsageError("run needs --stack NAME or --config FILE");
  checkOutputFolder("--results", options.results);
  const concurrency = number("--concurrency", options.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new UsageError(`--concurrency ${concurrency}: a whole number of cells, 1 or more`);
  }
  const timeoutMinutes = number("--timeout-minutes", options.timeoutMinutes);
  if (timeoutMinutes !== undefined && !(timeoutMinutes > 0)) {
    throw new UsageError(`--timeout-minutes ${timeoutMinutes}: a number of minutes above 0`);
  }
  await runOnCluster({
    source,
    rerun: options.rerun ?? false,
    concurrency,
    resultsDir: options.results,
    timeoutMinutes,
    sparkHome: () => findLocalSpark().sparkHome,
    print: (line) => console.log(line),
    interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
  });
  return 0;
}
