import * as fs from "node:fs";
import * as path from "node:path";
import { runCampaign, experimentResultsDir, type CellRunner } from "../campaign/runCampaign";
import { runScheduled } from "../campaign/schedule";
import { ConfigError } from "../config/errors";
import type { ExperimentConfig } from "../config/experiment";
import { isProbeOf, type SearchSpec } from "../experiment/cells";
import { cellSpecs, probeSpec, searchSpecs } from "../experiment/cellSpecs";
import { predictedBoundary } from "../predict/boundary";
import { predictionInput } from "../predict/fromCell";
import { predict } from "../predict/predict";
import { readWorkloadScript, workloadFileOf } from "../render/workloadScript";
import { cacheRoot, ensureTpchData, localLocations, prepareQueryInputs } from "./queryData";
import { roundRatioDown } from "../experiment/boundarySearch";
import type { CellResult } from "../results/cellResult";
import { outcomeText } from "../results/progress";
import type { PilotSummary } from "../results/runSummary";
import { EVENT_LOG_FOLDER } from "../spark/eventLogSettings";
import { runBoundarySearch, searchResultText, type SearchResult } from "./boundaryRun";
import { checkEarlierProbes, checkEarlierRecords } from "./earlierRecords";
import { findLocalSpark } from "./environment";
import { planLocalCells, type LocalCell } from "./localPlan";
import { limitsLine, memoryLimitSetup } from "./memoryLimits/limitsLine";
import {
  preparePilotLimits,
  releasePilotLimits,
  type PilotLimits,
} from "./memoryLimits/pilotLimits";
import { killOrphanedCells } from "./orphans";
import { runAvoidingCollisions } from "./eventLogCollision";
import { runLocalCell } from "./runLocalCell";
import { killRunningProcesses } from "./runProcess";

/** A pilot run's settings, checked by the CLI. */
export interface PilotOptions {
  readonly experiment: ExperimentConfig;
  /** Where the experiment came from, for errors (a stack file, or the built-in matrix). */
  readonly label: string;
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
  /** Memory all running cells may use together. */
  readonly memoryBudgetMiB: number;
  /** spark-submit to use (default: the venv's). */
  readonly sparkSubmit?: string;
  /**
   * Hold the driver and executors to their pods' memory (heap + overhead) in memory cgroups,
   * where this machine allows it; false runs them unlimited.
   */
  readonly memoryLimits: boolean;
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

/**
 * Runs an experiment's cells on this machine, each as a spark-submit on `local-cluster`, and
 * records each as it finishes. Cells with a record are skipped unless `rerun`. At most
 * `concurrency` cells run at once, and never more than fit the memory budget together; then
 * each boundary search probes one ratio at a time.
 */
export async function runPilot(options: PilotOptions): Promise<PilotRun> {
  const { experiment, memoryBudgetMiB } = options;
  const cache = cacheRoot();
  const sizing = { scale: options.scale, memoryBudgetMiB, locations: localLocations(cache) };
  const plan = planLocalCells(cellSpecs(experiment), experiment, sizing);
  // A search's probes differ only in the build side, so its largest probe stands for all.
  const searches = searchSpecs(experiment);
  const searchPlan = planLocalCells(
    searches.map((search) => probeSpec(search, search.range.max, experiment)),
    experiment,
    sizing,
  );
  const problems = [...plan.problems, ...searchPlan.problems];
  if (problems.length > 0) throw new ConfigError(options.label, problems);
  const spark = findLocalSpark(options.sparkSubmit);
  readWorkloadScript(); // fails clearly now if the checkout lacks the workload
  // A query experiment's data and files, before anything runs (TPC-H data generated once).
  const dataOptions = { label: options.label, python: spark.python, cache, print: options.print };
  prepareQueryInputs(experiment, dataOptions);

  const dir = experimentResultsDir(options.resultsDir, experiment.name);
  // Absolute, like every path handed to Spark's processes, which run in folders of their own.
  const workRoot = path.resolve(dir, "work");
  // Event logs are kept beside the results, for the History Server and the measured memory.
  const eventLogDir = path.join(dir, EVENT_LOG_FOLDER);
  const concurrency = options.concurrency ?? experiment.fixed.concurrency;
  const timeoutMs = (options.timeoutMinutes ?? experiment.fixed.cellTimeoutMinutes) * 60_000;
  const removeScratch = () => {
    fs.rmSync(workRoot, { recursive: true, force: true });
    removeIfEmpty(eventLogDir);
  };
  let limits: PilotLimits | undefined;
  let sequence = 0;
  const searchResults: SearchResult[] = [];

  const runner: CellRunner<LocalCell> = {
    checkStore: (store) => {
      checkEarlierRecords(store, plan.cells, options.rerun);
      checkEarlierProbes(store, searches, searchPlan.cells, options.rerun);
    },
    prepare: async () => {
      // A pilot killed with -9 leaves its cell's Spark processes and scratch behind.
      const orphans = killOrphanedCells(workRoot);
      if (orphans > 0)
        options.print(`stopped ${orphans} Spark run(s) left by an interrupted pilot`);
      fs.rmSync(workRoot, { recursive: true, force: true });
      fs.mkdirSync(eventLogDir, { recursive: true });
      limits = await preparePilotLimits(
        memoryLimitSetup(options.memoryLimits),
        workRoot,
        spark.java,
      );
      options.print(limitsLine(limits));
    },
    run: (cell) =>
      runAvoidingCollisions(
        () =>
          runLocalCell(cell, {
            spark,
            workloadScript: workloadFileOf(cell.spec.parameters),
            workRoot,
            timeoutMs,
            eventLogDir,
            warn: options.print,
            limits: limits!,
            sequence: ++sequence,
          }),
        () =>
          options.print(
            `${cell.spec.name}: another cell's application took its id (event log exists); starting it again`,
          ),
      ),
    // Searches run side by side, each one probe at a time: as many as fit the budget together.
    followUp: async (runCell, store) => {
      const probed = new Set<string>(); // with --rerun, only this run's probes count
      await runScheduled(
        searchPlan.cells,
        concurrency,
        async (largest) => {
          const search = searches.find((s) => isProbeOf(s, largest.spec.parameters))!;
          const start = searchStart(search, largest, experiment, limits!.setup.kind !== "none");
          const result = await runBoundarySearch(search, experiment, start, {
            records: () => store.all().filter((r) => !options.rerun || probed.has(r.cell)),
            runProbe: async (spec) => {
              // A scale-factor search's probe may need TPC-H data no earlier cell had.
              if (spec.parameters.query?.kind === "tpch")
                ensureTpchData(spec.parameters.query.scaleFactor, dataOptions);
              const [cell] = planLocalCells([spec], experiment, sizing).cells;
              options.print(`search ${search.name}: probe ${spec.name} ...`);
              const record = await runCell(cell);
              probed.add(record.cell);
              options.print(`search ${search.name}: probe ${record.cell}: ${outcomeText(record)}`);
            },
          });
          searchResults.push(result);
          options.print(searchResultText(result));
        },
        { totalMiB: memoryBudgetMiB, footprintMiB: (cell) => cell.footprintMiB },
      );
    },
    extraRecords: {
      belongs: (record) => searches.some((s) => isProbeOf(s, record.parameters)),
      label: "boundary probe(s)",
    },
    interrupt: () => {
      killRunningProcesses();
      removeScratch();
    },
    release: async () => {
      removeScratch();
      // The killed processes must leave their groups before the groups can go.
      if (limits) await releasePilotLimits(limits);
    },
  };
  const run = await runCampaign({
    experiment: experiment.name,
    resultsDir: options.resultsDir,
    cells: plan.cells,
    nameOf: (cell) => cell.spec.name,
    rerun: options.rerun,
    concurrency,
    budget: { totalMiB: memoryBudgetMiB, footprintMiB: (cell) => cell.footprintMiB },
    runner,
    // The memory model is the join's; a query cell is not predicted.
    predictBeforeRun: (cell) =>
      cell.spec.parameters.query
        ? undefined
        : predict(
            predictionInput(cell.spec, experiment, "local-cluster", {
              sizing: cell.sizing,
              memoryLimitsEnforced: limits!.setup.kind !== "none",
            }),
          ),
    print: options.print,
    interactive: options.interactive,
  });
  searchResults.sort((a, b) => a.search.name.localeCompare(b.search.name));
  return { experiment, ...run, searches: searchResults };
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
  // The memory model is the join's: a query's search starts midway (geometrically).
  if (search.query) return roundRatioDown(Math.sqrt(search.range.min * search.range.max));
  const input = predictionInput(cell.spec, experiment, "local-cluster", {
    sizing: cell.sizing,
    memoryLimitsEnforced,
  });
  return predictedBoundary(input, search.range).lastPass ?? search.range.min;
}

/** Removes a folder nothing was written to, so an interrupted run leaves none behind. */
function removeIfEmpty(dir: string): void {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}
