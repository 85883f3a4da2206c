import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { ConfigError, UsageError } from "../config/errors";
import { experimentSchema, type ExperimentConfig } from "../config/experiment";
import { parseConfig } from "../config/load";
import { sparkMemoryToMiB } from "../core/quantity";
import { isProbeOf, type SearchSpec } from "../experiment/cells";
import { cellSpecs, probeSpec, searchSpecs } from "../experiment/cellSpecs";
import { predictedBoundary } from "../predict/boundary";
import { predictionInput } from "../predict/fromCell";
import { readWorkloadScript, WORKLOAD_SCRIPT_PATH } from "../render/workloadScript";
import type { CellResult } from "../results/cellResult";
import { readStackSource, type StackSource } from "../config/stackSource";
import { BUILTIN_PILOT_EXPERIMENT } from "./builtinExperiment";
import { EVENT_LOG_FOLDER } from "../spark/eventLogSettings";
import { findLocalSpark } from "./environment";
import { planLocalCells, type LocalCell } from "./localPlan";
import { plainProgress, terminalProgress, type Progress } from "../results/progress";
import { ResultsStore } from "../results/resultsStore";
import { runLocalCell } from "./runLocalCell";
import { runBoundarySearch, searchResultText, type SearchResult } from "./boundaryRun";
import { lockResults } from "../results/resultsLock";
import { killOrphanedCells } from "./orphans";
import { killRunningProcesses } from "./runProcess";
import { summarise, summaryText, type PilotSummary } from "../results/runSummary";
import { detectCgroupSetup, type CgroupSetup } from "./memoryLimits/cgroupSetup";
import { machineSetupProbe } from "./memoryLimits/machineProbe";
import {
  preparePilotLimits,
  releasePilotLimits,
  type PilotLimits,
} from "./memoryLimits/pilotLimits";

/** Options of a pilot run, as the CLI parsed them. */
export interface PilotOptions {
  /** Stack file to take the experiment from; undefined for the built-in matrix. */
  readonly source?: StackSource;
  /** Factor for every memory and size (0 < scale ≤ 1). */
  readonly scale: number;
  /** Run finished cells again. */
  readonly rerun: boolean;
  /** Cells at once (bounded by the memory budget too); default: the experiment's concurrency. */
  readonly concurrency?: number;
  /** Folder for results; the experiment gets a subfolder. */
  readonly resultsDir: string;
  /** Per-cell timeout; default: the experiment's cellTimeoutMinutes. */
  readonly timeoutMinutes?: number;
  /** Memory all running cells may use together, Spark syntax (`12g`). */
  readonly memoryBudget: string;
  /** spark-submit to use (default: the venv's). */
  readonly sparkSubmit?: string;
  /**
   * Hold the driver and executors to their pods' memory (heap + overhead) in memory cgroups,
   * where this machine allows it (default true); false runs them unlimited.
   */
  readonly memoryLimits?: boolean;
  /** Where lines go. */
  readonly print: (line: string) => void;
  /** Draw a progress bar (a terminal, not CI). */
  readonly interactive: boolean;
}

/** What a pilot run produced. */
export interface PilotRun {
  readonly experiment: ExperimentConfig;
  readonly resultsFile: string;
  readonly records: CellResult[];
  readonly summary: PilotSummary;
  /** How each boundary search ended (none for a grid). */
  readonly searches: SearchResult[];
}

/** The experiment under its stack key, so errors name it `spark-at-scale:experiment.…`. */
const experimentAtKey = z.object({ experiment: experimentSchema });

function loadExperiment(source: StackSource | undefined): {
  experiment: ExperimentConfig;
  label: string;
} {
  if (!source) {
    return {
      experiment: parseConfig(
        experimentSchema,
        BUILTIN_PILOT_EXPERIMENT,
        "the built-in pilot matrix",
      ),
      label: "the built-in pilot matrix",
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

function checkOptions(options: PilotOptions): number {
  if (!(options.scale > 0 && options.scale <= 1)) {
    throw new UsageError(
      `--scale ${options.scale}: a factor above 0 and at most 1 (sizes keep their ratio to memory)`,
    );
  }
  if (
    options.concurrency !== undefined &&
    !(Number.isInteger(options.concurrency) && options.concurrency >= 1)
  ) {
    throw new UsageError(
      `--concurrency ${options.concurrency}: a whole number of cells, 1 or more`,
    );
  }
  if (options.timeoutMinutes !== undefined && !(options.timeoutMinutes > 0)) {
    throw new UsageError(
      `--timeout-minutes ${options.timeoutMinutes}: a number of minutes above 0`,
    );
  }
  const budget = sparkMemoryToMiB(options.memoryBudget);
  if (budget === undefined) {
    throw new UsageError(
      `--memory-budget ${options.memoryBudget}: a memory size such as 12g or 8192m`,
    );
  }
  return budget;
}

/** How this run may limit memory: the machine's way, unless turned off. */
function memoryLimitSetup(options: PilotOptions): CgroupSetup {
  if (options.memoryLimits === false) {
    return { kind: "none", reason: "turned off (--no-memory-limits)" };
  }
  return detectCgroupSetup(machineSetupProbe());
}

/** The one line that says whether cells run under their pods' memory limits, and why not. */
function limitsLine(limits: PilotLimits): string {
  const { setup, orphans } = limits;
  const removed =
    orphans.groups > 0
      ? `; removed ${orphans.groups} memory cgroup(s) of an interrupted pilot` +
        (orphans.processes > 0 ? ` and stopped ${orphans.processes} process(es) in them` : "")
      : "";
  if (setup.kind === "none") {
    return (
      `memory limits: not enforced (${setup.reason}); the driver and executors run without a ` +
      "container limit, so executor_container_oom cannot happen here" +
      removed
    );
  }
  const where =
    setup.kind === "cgroup-v2-delegated"
      ? "a delegated systemd scope per cell"
      : `memory cgroups under ${setup.parent}`;
  return (
    `memory limits: enforced with ${setup.kind} (${where}): the driver and each executor are ` +
    "killed by the kernel above their pod's memory (heap + overhead)" +
    removed
  );
}

/** Records from an earlier run must describe the same cells at the same scale, or be re-run. */
function checkEarlierRecords(
  store: ResultsStore,
  cells: readonly LocalCell[],
  rerun: boolean,
): void {
  if (rerun) return;
  const clashes = cells.flatMap((cell) => {
    const record = store.get(cell.spec.name);
    if (!record) return [];
    if (record.scale !== cell.scale)
      return [`${cell.spec.name} was run at --scale ${record.scale}, not ${cell.scale}`];
    if (JSON.stringify(record.sizing) !== JSON.stringify(cell.sizing)) {
      return [
        `${cell.spec.name} was run with other sizes (the experiment's fixed settings changed)`,
      ];
    }
    return [];
  });
  if (clashes.length > 0) {
    throw new UsageError(
      `${store.file} holds results that do not match this run:\n  ${clashes.join("\n  ")}\n` +
        "Use --rerun to replace them, or --results to keep them and write elsewhere.",
    );
  }
}

/**
 * Runs an experiment's cells on this machine, each as a spark-submit on `local-cluster`, and
 * records each as it finishes. Cells with a record are skipped unless `rerun`. At most
 * `concurrency` cells run at once, and never more than fit the memory budget together.
 */
export async function runPilot(options: PilotOptions): Promise<PilotRun> {
  const memoryBudgetMiB = checkOptions(options);
  const { experiment, label } = loadExperiment(options.source);
  const plan = planLocalCells(cellSpecs(experiment), experiment, {
    scale: options.scale,
    memoryBudgetMiB,
  });
  // A search's probes differ only in the build side, so its largest probe stands for all.
  const searches = searchSpecs(experiment);
  const searchPlan = planLocalCells(
    searches.map((search) => probeSpec(search, search.range.max, experiment)),
    experiment,
    { scale: options.scale, memoryBudgetMiB },
  );
  const problems = [...plan.problems, ...searchPlan.problems];
  if (problems.length > 0) throw new ConfigError(label, problems);
  const spark = findLocalSpark(options.sparkSubmit);
  readWorkloadScript(); // fails clearly now if the checkout lacks the workload

  const dir = path.join(options.resultsDir, experiment.name);
  const store = ResultsStore.open(dir);
  checkEarlierRecords(store, plan.cells, options.rerun);
  checkEarlierProbes(store, searches, searchPlan.cells, options.rerun);
  const unlock = lockResults(dir);
  // Absolute, like every path handed to Spark's processes, which run in folders of their own.
  const workRoot = path.resolve(dir, "work");
  // A pilot killed with -9 leaves its cell's Spark processes and scratch behind.
  const orphans = killOrphanedCells(workRoot);
  if (orphans > 0) options.print(`stopped ${orphans} Spark run(s) left by an interrupted pilot`);
  fs.rmSync(workRoot, { recursive: true, force: true });
  // Event logs are kept beside the results, for the History Server and the measured memory.
  const eventLogDir = path.join(dir, EVENT_LOG_FOLDER);
  fs.mkdirSync(eventLogDir, { recursive: true });
  const limits = await preparePilotLimits(memoryLimitSetup(options), workRoot, spark.java);
  options.print(limitsLine(limits));

  const todo = plan.cells.filter((cell) => options.rerun || !store.get(cell.spec.name));
  // A search's cells are not known ahead: it says each probe in a line of its own.
  const progress: Progress =
    options.interactive && plan.cells.length > 0
      ? terminalProgress(plan.cells.length)
      : plainProgress(plan.cells.length, options.print);
  for (const cell of plan.cells) if (!todo.includes(cell)) progress.skipped(cell.spec.name);

  // Ctrl-C: stop the running cells' Spark processes, drop their scratch, keep every finished
  // record (each was saved atomically), and say how to go on.
  const stop = () => {
    killRunningProcesses();
    progress.stop();
    fs.rmSync(workRoot, { recursive: true, force: true });
    removeIfEmpty(eventLogDir);
    unlock();
    const saved = plan.cells.filter((cell) => store.get(cell.spec.name)).length;
    const probes = store.all().filter((r) => searches.some((s) => isProbeOf(s, r.parameters)));
    const grid = plan.cells.length > 0 ? `${saved} of ${plan.cells.length} cells` : "";
    const probeCount = searches.length > 0 ? `${probes.length} boundary probe(s)` : "";
    options.print(
      `interrupted: ${[grid, probeCount].filter(Boolean).join(" and ")} have results in ` +
        `${store.file}; run the same command again to run the rest`,
    );
    // The killed processes must leave their groups before the groups can go.
    void releasePilotLimits(limits)
      .catch(() => undefined) // the next pilot removes what is left
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const started = Date.now();
  let sequence = 0;
  const timeoutMs = (options.timeoutMinutes ?? experiment.fixed.cellTimeoutMinutes) * 60_000;
  const runCell = async (cell: LocalCell): Promise<CellResult> => {
    const record = await runLocalCell(cell, {
      spark,
      workloadScript: WORKLOAD_SCRIPT_PATH,
      workRoot,
      timeoutMs,
      eventLogDir,
      warn: options.print,
      limits,
      sequence: ++sequence,
    });
    store.save(record);
    return record;
  };
  const searchResults: SearchResult[] = [];
  try {
    await runWithinBudget(
      todo,
      options.concurrency ?? experiment.fixed.concurrency,
      memoryBudgetMiB,
      async (cell) => {
        progress.started(cell.spec.name);
        progress.finished(await runCell(cell));
      },
    );
    progress.stop();
    // Searches run side by side, each one probe at a time: as many as fit the budget together.
    const probed = new Set<string>(); // with --rerun, only this run's probes count
    await runWithinBudget(
      searchPlan.cells,
      options.concurrency ?? experiment.fixed.concurrency,
      memoryBudgetMiB,
      async (largest) => {
        const search = searches.find((s) => isProbeOf(s, largest.spec.parameters))!;
        const result = await runBoundarySearch(
          search,
          experiment,
          searchStart(search, largest, experiment, limits.setup.kind !== "none"),
          {
            records: () => store.all().filter((r) => !options.rerun || probed.has(r.cell)),
            runProbe: async (spec) => {
              const [cell] = planLocalCells([spec], experiment, {
                scale: options.scale,
                memoryBudgetMiB,
              }).cells;
              options.print(`search ${search.name}: probe ${spec.name} ...`);
              const record = await runCell(cell);
              probed.add(record.cell);
              options.print(`search ${search.name}: probe ${record.cell}: ${outcomeOf(record)}`);
            },
          },
        );
        searchResults.push(result);
        options.print(searchResultText(result));
      },
    );
  } finally {
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
    progress.stop();
    fs.rmSync(workRoot, { recursive: true, force: true });
    removeIfEmpty(eventLogDir);
    await releasePilotLimits(limits);
    unlock();
  }
  const names = new Set(plan.cells.map((c) => c.spec.name));
  const records = store
    .all()
    .filter((r) => names.has(r.cell) || searches.some((s) => isProbeOf(s, r.parameters)));
  const summary = summarise(records, (Date.now() - started) / 1000);
  options.print(summaryText(experiment.name, records, summary));
  options.print(`results: ${store.file}`);
  searchResults.sort((a, b) => a.search.name.localeCompare(b.search.name));
  return { experiment, resultsFile: store.file, records, summary, searches: searchResults };
}

function outcomeOf(record: CellResult): string {
  const seconds =
    record.durationSeconds === null ? "" : ` in ${Math.round(record.durationSeconds)}s`;
  return `${record.state}${record.failureClass === "none" ? "" : ` ${record.failureClass}`}${seconds}`;
}

/**
 * Where a search with no probes starts: the largest ratio the predictor expects to pass for its
 * cells as they run here (scaled, and limited when this machine enforces limits); the range's
 * bottom when it expects even that to fail.
 */
function searchStart(
  search: SearchSpec,
  cell: LocalCell,
  experiment: ExperimentConfig,
  memoryLimitsEnforced: boolean,
): number {
  const input = predictionInput(cell.spec, experiment, "local-cluster", {
    sizing: cell.sizing,
    memoryLimitsEnforced,
  });
  return predictedBoundary(input, search.range).lastPass ?? search.range.min;
}

/** Probes from an earlier run must have run at this scale, or the search is started again. */
function checkEarlierProbes(
  store: ResultsStore,
  searches: readonly SearchSpec[],
  largest: readonly LocalCell[],
  rerun: boolean,
): void {
  if (rerun) return;
  const clashes = store.all().flatMap((record) => {
    const index = searches.findIndex((s) => isProbeOf(s, record.parameters));
    if (index < 0) return [];
    const cell = largest.find((c) => isProbeOf(searches[index], c.spec.parameters));
    if (!cell) return [];
    if (record.scale !== cell.scale)
      return [`${record.cell} was run at --scale ${record.scale}, not ${cell.scale}`];
    if (
      record.sizing.heapMiB !== cell.sizing.heapMiB ||
      record.sizing.probeBytes !== cell.sizing.probeBytes
    ) {
      return [`${record.cell} was run with other sizes (the experiment's fixed settings changed)`];
    }
    return [];
  });
  if (clashes.length > 0) {
    throw new UsageError(
      `${store.file} holds boundary probes that do not match this run:\n  ${clashes.join("\n  ")}\n` +
        "Use --rerun to search again, or --results to keep them and write elsewhere.",
    );
  }
}

/** Removes a folder nothing was written to, so an interrupted run leaves none behind. */
function removeIfEmpty(dir: string): void {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}

/**
 * Runs `work` for each cell, at most `concurrency` at a time and never more than fit
 * `budgetMiB` together (a cell bigger than the whole budget was refused in planning).
 */
async function runWithinBudget(
  cells: readonly LocalCell[],
  concurrency: number,
  budgetMiB: number,
  work: (cell: LocalCell) => Promise<void>,
): Promise<void> {
  const queue = [...cells];
  const running = new Set<Promise<void>>();
  let usedMiB = 0;
  while (queue.length > 0 || running.size > 0) {
    while (
      queue.length > 0 &&
      running.size < concurrency &&
      usedMiB + queue[0].footprintMiB <= budgetMiB
    ) {
      const cell = queue.shift()!;
      usedMiB += cell.footprintMiB;
      const task: Promise<void> = work(cell).finally(() => {
        usedMiB -= cell.footprintMiB;
        running.delete(task);
      });
      running.add(task);
    }
    await Promise.race(running);
  }
}
