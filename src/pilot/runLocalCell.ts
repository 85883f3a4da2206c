import * as fs from "node:fs";
import * as path from "node:path";
import { classifyFailure } from "../failure/classifyFailure";
import { executorExits } from "../failure/executorExits";
import type { FailureEvidence } from "../failure/evidence";
import { evidenceFromLocalRun } from "../failure/localRunEvidence";
import { lastResultFields } from "../results/resultLine";
import type { CellResult } from "../results/cellResult";
import { cellRecord, cellRecordBase, runOutcome } from "../runs/cellRecord";
import type { LocalSpark } from "./environment";
import type { LocalCell } from "./localPlan";
import { cellLimits, type PilotLimits } from "./memoryLimits/pilotLimits";
import { PROCESS_GROUP_FILE } from "./orphans";
import { eventLogSparkConf, fileUri } from "../spark/eventLogSettings";
import { measuredMemory } from "../trace/measuredMemory";
import { runProcess, type ProcessRun } from "./runProcess";
import { cellWorkDirs, executorLogRoot, prepareWorkDirs, sparkSubmitCommand } from "./sparkSubmit";

/** Lines of each executor's stderr kept as evidence: where a JVM OOM is reported. */
const EXECUTOR_LOG_TAIL_LINES = 200;

/** The end of every executor's stderr under the worker directory, labelled by executor. */
function executorLogs(workerDir: string): string {
  if (!fs.existsSync(workerDir)) return "";
  const parts: string[] = [];
  for (const app of fs.readdirSync(workerDir).sort()) {
    const appDir = path.join(workerDir, app);
    if (!fs.statSync(appDir).isDirectory()) continue;
    for (const executor of fs.readdirSync(appDir).sort()) {
      const stderr = path.join(appDir, executor, "stderr");
      if (!fs.existsSync(stderr)) continue;
      const tail = fs
        .readFileSync(stderr, "utf8")
        .split("\n")
        .slice(-EXECUTOR_LOG_TAIL_LINES)
        .join("\n");
      parts.push(`--- executor ${executor} stderr (${app}) ---\n${tail}`);
    }
  }
  return parts.join("\n");
}

/** Spark's application id, from the result line or the standalone scheduler's log line. */
function applicationId(
  run: ProcessRun,
  workload: Record<string, unknown> | undefined,
): string | null {
  const fromResult = workload?.applicationId;
  if (typeof fromResult === "string") return fromResult;
  return /app ID (app-\d+-\d+)/.exec(run.stderr)?.[1] ?? null;
}

/** Executors that ended with a non-zero code, each counted once however often it was reported. */
function failedExecutors(evidence: FailureEvidence): number {
  const ids = executorExits(evidence)
    .filter((exit) => exit.termination.exitCode !== 0)
    .map((exit) => exit.termination.executorId ?? exit.termination.podName ?? exit.excerpt);
  return new Set(ids).size;
}

/** How often a running cell's memory cgroups are read (peaks survive a vanished group). */
const MEMORY_SAMPLE_MS = 2_000;

/**
 * Runs one cell through spark-submit — its driver and executors in memory cgroups sized like
 * their pods when `limits` can enforce them — and returns its record; its scratch space and
 * groups are removed.
 */
export async function runLocalCell(
  cell: LocalCell,
  options: {
    readonly spark: LocalSpark;
    readonly workloadScript: string;
    readonly workRoot: string;
    readonly timeoutMs: number;
    /** Folder the cell's event log is written to; it outlives the cell's scratch. */
    readonly eventLogDir: string;
    /** Told when the event log cannot be read (the record is written without metrics). */
    readonly warn?: (message: string) => void;
    readonly limits: PilotLimits;
    /** This cell's number in the run (names a delegated systemd scope). */
    readonly sequence: number;
  },
): Promise<CellResult> {
  const dirs = cellWorkDirs(options.workRoot, cell.spec.name);
  prepareWorkDirs(dirs, options.spark.sparkHome);
  const limits = cellLimits(
    options.limits,
    cell.spec.name,
    cell.sizing,
    dirs.root,
    options.sequence,
  );
  try {
    const command = sparkSubmitCommand(
      cell,
      dirs,
      options.spark.sparkSubmit,
      options.spark.python,
      options.workloadScript,
      eventLogSparkConf(fileUri(path.resolve(options.eventLogDir))),
      limits,
    );
    const sampler = setInterval(() => limits.sample(), MEMORY_SAMPLE_MS);
    const run = await runProcess(command, options.timeoutMs, (pid) =>
      fs.writeFileSync(path.join(dirs.root, PROCESS_GROUP_FILE), String(pid)),
    ).finally(() => clearInterval(sampler));
    const memoryLimits = await limits.finish();
    // Executors write their own stderr; a JVM OOM or exit reason is often only there.
    const stderr = [run.stderr, executorLogs(executorLogRoot(dirs))].filter(Boolean).join("\n");
    const evidence = evidenceFromLocalRun({
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      stdout: run.stdout,
      stderr,
      memoryLimits,
    });
    const workload = lastResultFields(run.stdout);
    const sparkApplicationId = applicationId(run, workload);
    const measured = measuredMemory(
      options.eventLogDir,
      sparkApplicationId,
      path.dirname(options.eventLogDir),
    );
    if (measured.problem !== undefined && sparkApplicationId !== null) {
      options.warn?.(`${cell.spec.name}: no measured memory: ${measured.problem}`);
    }
    const outcome = runOutcome({
      runner: "local-cluster",
      evidence,
      classification: classifyFailure(evidence),
      sparkApplicationId,
      start: run.start,
      end: run.end,
      attempts: 1,
      executorFailures: failedExecutors(evidence),
      workload: workload ?? null,
      metrics: measured.metrics,
    });
    return { ...cellRecord(cellRecordBase(cell.spec, cell), outcome), memoryLimits };
  } finally {
    await limits.finish(); // removes the cell's groups, also when the run could not start
    fs.rmSync(dirs.root, { recursive: true, force: true });
  }
}
