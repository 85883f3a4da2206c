import { ApiException } from "@kubernetes/client-node";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { ConfigError, UsageError } from "../config/errors";
import {
  DEFAULT_EXECUTOR_CORES,
  DEFAULT_MEMORY_OVERHEAD_FACTOR,
  FIXED_DEFAULTS,
} from "../config/experiment";
import { RUNNERS } from "../failure/runner";
import { EnvironmentError } from "../pilot/environment";
import { DEFAULT_HISTORY_PORT } from "../history/localHistoryServer";
import { runHistory, type HistoryCommandOptions } from "./historyCommand";
import { runPilotCommand, type PilotCommandOptions } from "./pilotCommand";
import { runPlan } from "./planCommand";
import { runProfileCommand, type ProfileCommandOptions } from "./profileCommand";
import { runRecommend, type RecommendOptions } from "./recommendCommand";
import { runReport, type ReportOptions } from "./reportCommand";
import { runClusterCommand } from "./runCommand";
import { withCampaignOptions, type CampaignCommandOptions } from "./campaignOptions";

/** Builds the `spark-at-scale` command line. */
export function buildCli(): Command {
  const program = new Command("spark-at-scale")
    .description(
      "Find out, by experiment, when and why Spark executors and tasks fail on Kubernetes.",
    )
    .showHelpAfterError()
    .exitOverride();

  program
    .command("plan")
    .description(
      "Validate a stack's experiment offline and show every cell, its memory and its pool.",
    )
    .option("--stack <name>", "read Pulumi.<name>.yaml")
    .option("--config <file>", "read this stack file instead")
    .option("--json", "print the plan as JSON")
    .option("--out <dir>", "write every Kubernetes object the experiment applies, as YAML")
    .option(
      "--diff <git-ref>",
      "list the cells added, removed and changed against the config at a git ref",
    )
    .action((options: Parameters<typeof runPlan>[0]) => {
      process.exitCode = runPlan(options);
    });

  withCampaignOptions(
    program
      .command("pilot")
      .description(
        "Run an experiment's cells on this machine on Spark's local-cluster master (no cloud); " +
          "with no --stack or --config, the built-in pilot matrix.",
      ),
    "; bounded by --memory-budget",
  )
    .option(
      "--scale <factor>",
      "multiply every memory and size by this (0 < factor <= 1); ratios are kept",
      "1",
    )
    .option(
      "--memory-budget <size>",
      "memory all running cells may use together (default: 3/4 of RAM)",
    )
    .option("--spark-submit <path>", "spark-submit to use (default: the venv's)")
    .option(
      "--no-memory-limits",
      "run the driver and executors without their pods' memory limits (default: a memory cgroup each, where this machine allows)",
    )
    .action(async (options: PilotCommandOptions) => {
      process.exitCode = await runPilotCommand(options);
    });

  withCampaignOptions(
    program
      .command("run")
      .description(
        "Run an existing-cluster stack's cells on its cluster (spark-at-scale:target: existingCluster), " +
          "without Pulumi: apply the namespace, driver RBAC and workload, then start each cell.",
      ),
    "",
  ).action(async (options: CampaignCommandOptions) => {
    process.exitCode = await runClusterCommand(options);
  });

  withCampaignOptions(
    program
      .command("profile")
      .description(
        "Run a job at two or three small scales on the pilot (or read such runs with --input), fit how what Spark measured grows, and say at which scale each memory limit is crossed and how the job fails there.",
      ),
    "",
  )
    .option("--input <file>", "profile the records of this results.jsonl instead of running")
    .option("--executor-memory <size>", "project to this executor heap (default: the runs')")
    .option("--memory-overhead <size>", "project to this executor memory overhead")
    .option("--executor-cores <n>", "project to this many cores per executor")
    .option("--driver-memory <size>", "project to this driver heap")
    .option("--target <scale>", "recommend the memory that keeps every limit at this scale")
    .option("--json", "print the projections as JSON")
    .action(async (options: ProfileCommandOptions) => {
      process.exitCode = await runProfileCommand(options);
    });

  program
    .command("report")
    .description(
      "Failure maps, predicted vs observed and a summary page from pilot results or a stack's cells.",
    )
    .option(
      "--input <file>",
      "pilot results.jsonl or exported stack output JSON (default: results/pilot/results.jsonl)",
    )
    .option("--stack <name>", "read the stack's cells output through the Pulumi CLI")
    .option("--out <dir>", "report folder (default: a report/ folder next to the input)")
    .option(
      "--history-url <url>",
      "link each cell to its application in this History Server (default: one running on 127.0.0.1:18080, if any)",
    )
    .option(
      "--profile <file>",
      "results.jsonl of a profile's small runs: compare its projections with the boundaries these records measured",
    )
    .action(async (options: ReportOptions) => {
      process.exitCode = await runReport(options);
    });

  program
    .command("history")
    .description(
      "Spark's History Server (from the venv's pyspark) over an experiment's event logs, on " +
        "127.0.0.1 until Ctrl-C: each pilot cell's jobs, stages, tasks and executors in the Spark UI.",
    )
    .option("--results <dir>", "results folder", "results")
    .option(
      "--experiment <name>",
      "whose event logs to serve (default: the only experiment under --results with event logs)",
    )
    .option("--port <n>", "UI port (0 = any free port)", String(DEFAULT_HISTORY_PORT))
    .action(async (options: HistoryCommandOptions) => {
      process.exitCode = await runHistory(options);
    });

  program
    .command("recommend")
    .description(
      "The smallest executor memory Spark's memory model predicts safe for a join, before running anything.",
    )
    .requiredOption("--strategy <name>", "broadcast, shuffle_hash, sort_merge or auto")
    .requiredOption("--build-size <size>", "build side's in-memory size, e.g. 8g")
    .option("--skew <s>", "Zipf exponent of the build side's join key", "0")
    .option("--keys <n>", "distinct join keys", String(FIXED_DEFAULTS.keys))
    .option("--partitions <n>", "spark.sql.shuffle.partitions", "200")
    .option("--cores <n>", "cores per executor", String(DEFAULT_EXECUTOR_CORES))
    .option("--aqe <on|off>", "adaptive query execution", "on")
    .option("--runner <name>", RUNNERS.join(" or "), RUNNERS[0])
    .option(
      "--overhead-factor <f>",
      "executor memory overhead factor (floor 384 MiB)",
      String(DEFAULT_MEMORY_OVERHEAD_FACTOR),
    )
    .option("--driver-memory <size>", "driver heap, for broadcasts (default: assumed big enough)")
    .action((options: RecommendOptions) => {
      process.exitCode = runRecommend(options);
    });

  return program;
}

/** The API server's refusal in one line: its HTTP code and its own message. */
function clusterRefusal(error: ApiException<unknown>): string {
  let message = "";
  try {
    message = (JSON.parse(String(error.body)) as { message?: string }).message ?? "";
  } catch {
    message = String(error.body).slice(0, 300);
  }
  return `the Kubernetes API server refused a request (HTTP ${error.code}): ${message}`;
}

/** A connection that never reached an API server (refused, unknown host, timed out). */
function isUnreachable(error: unknown): error is Error {
  const code = (error as { code?: unknown }).code;
  return (
    error instanceof Error &&
    typeof code === "string" &&
    ["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "ECONNRESET"].includes(code)
  );
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  const { code, syscall } = error as NodeJS.ErrnoException;
  return error instanceof Error && typeof code === "string" && typeof syscall === "string";
}

/** Entry point: parses argv, runs the command, turns known errors into messages and exit codes. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message; a wrong command line exits 2 like every usage error.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
    } else if (error instanceof UsageError || error instanceof InvalidArgumentError) {
      console.error(`spark-at-scale: ${error.message}`);
      process.exitCode = 2;
    } else if (error instanceof EnvironmentError) {
      console.error(`spark-at-scale: ${error.message}`);
      process.exitCode = 3;
    } else if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 1;
    } else if (error instanceof ApiException) {
      console.error(`spark-at-scale: ${clusterRefusal(error)}`);
      process.exitCode = 1;
    } else if (isUnreachable(error)) {
      console.error(
        `spark-at-scale: cannot reach the Kubernetes API server (${error.message}); is the cluster up and the kubeconfig right?`,
      );
      process.exitCode = 1;
    } else if (isSystemError(error)) {
      // A file or process the system refused (disk full, a file vanished mid-run): one line,
      // no stack trace. Inputs named on the command line are checked before this point.
      console.error(`spark-at-scale: ${error.message}`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  }
}
