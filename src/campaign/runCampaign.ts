/**
 * The one loop every runner shares: an experiment's cells run against its results store, each
 * recorded as it finishes. It owns the store and its lock, skipping finished cells (unless
 * rerun), progress, concurrency (and a memory budget), Ctrl-C, and the closing summary; how one
 * cell runs — on this machine, by native spark-submit, as a SparkApplication — is passed in.
 */
import * as path from "node:path";
import type { CellResult } from "../results/cellResult";
import { plainProgress, terminalProgress, type Progress } from "../results/progress";
import { lockResults } from "../results/resultsLock";
import { ResultsStore } from "../results/resultsStore";
import { summarise, summaryText, type PilotSummary } from "../results/runSummary";
import type { Prediction } from "../predict/types";
import { PREDICTIONS_FILE, recordPredictions } from "./preRunPredictions";
import { runScheduled } from "./schedule";

/** How the cells of one runner run; every hook but `run` is optional. */
export interface CellRunner<C> {
  /** Records from an earlier run that this one cannot continue from: thrown before the lock. */
  checkStore?(store: ResultsStore): void;
  /** Set-up once the results are locked (memory cgroups, the cluster's objects). */
  prepare?(): Promise<void>;
  /** Runs one cell to its record (the loop saves it). */
  run(cell: C): Promise<CellResult>;
  /** Cells chosen while running, after the grid (a boundary search's probes). */
  followUp?(runCell: (cell: C) => Promise<CellResult>, store: ResultsStore): Promise<void>;
  /** Records of the campaign besides its grid's cells (boundary probes), and what they are. */
  extraRecords?: { readonly belongs: (record: CellResult) => boolean; readonly label: string };
  /** Ctrl-C: stop what runs now, synchronously; release follows. */
  interrupt?(): void;
  /** Undoes prepare, at the end and on Ctrl-C. */
  release?(): Promise<void>;
}

/** What a campaign runs. */
export interface CampaignOptions<C> {
  readonly experiment: string;
  /** Folder for results; the experiment gets a subfolder. */
  readonly resultsDir: string;
  /** The grid, in order. */
  readonly cells: readonly C[];
  readonly nameOf: (cell: C) => string;
  /** Run finished cells again. */
  readonly rerun: boolean;
  readonly concurrency: number;
  /** Memory the running cells may take together, and what each takes. */
  readonly budget?: { readonly totalMiB: number; readonly footprintMiB: (cell: C) => number };
  readonly runner: CellRunner<C>;
  /**
   * What the memory model says of a cell (undefined: not modelled). Asked after `prepare`, of
   * every cell with no record yet; kept in predictions.jsonl before any of them runs.
   */
  readonly predictBeforeRun?: (cell: C) => Prediction | undefined;
  readonly print: (line: string) => void;
  /** Draw a progress bar (a terminal, not CI). */
  readonly interactive: boolean;
}

/** What a campaign produced. */
export interface CampaignRun {
  readonly resultsFile: string;
  /** The records of this campaign's cells (and extra records), earlier ones included. */
  readonly records: CellResult[];
  readonly summary: PilotSummary;
}

/** The results folder of an experiment. */
export function experimentResultsDir(resultsDir: string, experiment: string): string {
  return path.join(resultsDir, experiment);
}

/** What a run that had nothing to do prints: one line. */
export function nothingRanLine(experiment: string, records: number, file: string): string {
  return (
    `experiment ${experiment}: nothing to run, all ${records} cells have results in ${file} ` +
    "(--rerun runs them again; `spark-at-scale report` shows them)"
  );
}

/** Keeps the predictions of the cells that have not run yet, before any of them runs. */
function predictUnrun<C>(options: CampaignOptions<C>, store: ResultsStore, dir: string): void {
  const predict = options.predictBeforeRun;
  if (!predict) return;
  const unrun = options.cells.filter((cell) => !store.get(options.nameOf(cell)));
  const predicted = unrun.flatMap((cell) => {
    const prediction = predict(cell);
    return prediction ? [{ cell: options.nameOf(cell), prediction }] : [];
  });
  const added = recordPredictions(dir, predicted);
  if (added > 0) {
    const failing = predicted.filter((p) => p.prediction.outcome === "failed").length;
    options.print(
      `predicted ${added} cell(s) before they run (${failing} to fail): ${path.join(dir, PREDICTIONS_FILE)}`,
    );
  }
}

/** Runs a campaign to its end, or until Ctrl-C (then exits 130 with every record kept). */
export async function runCampaign<C>(options: CampaignOptions<C>): Promise<CampaignRun> {
  const { runner, nameOf } = options;
  const dir = experimentResultsDir(options.resultsDir, options.experiment);
  const store = ResultsStore.open(dir);
  runner.checkStore?.(store);
  const unlock = lockResults(dir);
  const names = new Set(options.cells.map(nameOf));
  const extra = runner.extraRecords;
  const ours = (record: CellResult) => names.has(record.cell) || (extra?.belongs(record) ?? false);
  let progress: Progress | undefined;

  // Ctrl-C: stop the running cells, keep every finished record (each was saved atomically),
  // and say how to go on.
  const stop = () => {
    runner.interrupt?.();
    progress?.stop();
    unlock();
    const saved = options.cells.filter((cell) => store.get(nameOf(cell))).length;
    const grid = options.cells.length > 0 ? `${saved} of ${options.cells.length} cells` : "";
    const more = extra ? `${store.all().filter(extra.belongs).length} ${extra.label}` : "";
    options.print(
      `interrupted: ${[grid, more].filter(Boolean).join(" and ")} have results in ` +
        `${store.file}; run the same command again to run the rest`,
    );
    void (runner.release?.() ?? Promise.resolve())
      .catch(() => undefined) // the next run cleans up what is left
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const started = Date.now();
  let ran = 0;
  const runCell = async (cell: C): Promise<CellResult> => {
    ran += 1;
    const record = await runner.run(cell);
    store.save(record);
    return record;
  };
  try {
    await runner.prepare?.();
    predictUnrun(options, store, dir);
    const todo = options.cells.filter((cell) => options.rerun || !store.get(nameOf(cell)));
    if (todo.length > 0) {
      // A follow-up's cells are not known ahead: it says each in a line of its own.
      progress = options.interactive
        ? terminalProgress(options.cells.length)
        : plainProgress(options.cells.length, options.print);
      for (const cell of options.cells) if (!todo.includes(cell)) progress.skipped(nameOf(cell));
      const shown = progress;
      await runScheduled(
        todo,
        options.concurrency,
        async (cell) => {
          shown.started(nameOf(cell));
          shown.finished(await runCell(cell));
        },
        options.budget,
      );
      progress.stop();
    }
    await runner.followUp?.(runCell, store);
  } finally {
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
    progress?.stop();
    try {
      await runner.release?.();
    } finally {
      unlock();
    }
  }
  const records = store.all().filter(ours);
  const summary = summarise(records, (Date.now() - started) / 1000);
  if (ran === 0) {
    // Earlier cells' times under "wall time 0s" read as if they had run now: say what happened.
    options.print(nothingRanLine(options.experiment, records.length, store.file));
  } else {
    options.print(summaryText(options.experiment, records, summary));
    options.print(`results: ${store.file}`);
  }
  return { resultsFile: store.file, records, summary };
}
