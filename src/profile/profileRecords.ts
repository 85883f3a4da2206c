/**
 * A profile from finished cells: the records of one experiment run at two or three small
 * scales (a query's scale factor, the join's table ratio), grouped by everything else, each
 * run's event log read back, and each group projected to its own memory or to a target's.
 * Errors say what the profile needs: event logs, two scales, runs that completed.
 */
import * as path from "node:path";
import { UsageError } from "../config/errors";
import { searchName } from "../experiment/cells";
import { isJoinCell } from "../experiment/cellSize";
import { cellSparkSettings } from "../predict/sparkSettings";
import { memoryLimitsEnforced, type CellResult } from "../results/cellResult";
import { findEventLog, readEventLog } from "../trace/readEventLog";
import { runProfile, type RunProfile } from "../trace/runProfile";
import { projectJob, type JobProjection, type ProfiledRun, type ProfileTarget } from "./projectJob";

/** What a scale means for a record: a query's scale factor, or the join's table ratio. */
export function scaleOf(record: CellResult): number {
  return record.parameters.query?.scaleFactor ?? record.parameters.tableRatio ?? Number.NaN;
}

/** The unit of a group's scale, in words. */
export function scaleWord(record: CellResult): string {
  return isJoinCell(record.parameters) ? "table ratio" : "scale factor";
}

/** The runs of one combination: every axis but the scale. */
export interface ProfileGroup {
  readonly name: string;
  readonly records: readonly CellResult[];
}

/** Records grouped by every axis but the scale, sorted by name. */
export function profileGroups(records: readonly CellResult[]): ProfileGroup[] {
  const groups = new Map<string, CellResult[]>();
  for (const record of records) {
    const { query } = record.parameters;
    const name = searchName(record.parameters, query && { kind: query.kind, name: query.name });
    groups.set(name, [...(groups.get(name) ?? []), record]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => ({ name, records: list.sort((a, b) => scaleOf(a) - scaleOf(b)) }));
}

/** Overrides of the runs' own memory for the projection. */
export type TargetOverrides = Partial<
  Pick<ProfileTarget, "heapMiB" | "overheadMiB" | "cores" | "driverMiB">
>;

/** The memory a group's records ran with, with `overrides` applied. */
export function targetOf(record: CellResult, overrides: TargetOverrides = {}): ProfileTarget {
  const settings = cellSparkSettings(record.parameters);
  const heapMiB = overrides.heapMiB ?? record.sizing.heapMiB;
  return {
    strategy: record.parameters.strategy,
    heapMiB,
    overheadMiB: overrides.overheadMiB ?? record.sizing.overheadMiB,
    cores: overrides.cores ?? record.parameters.executorCores,
    driverMiB: overrides.driverMiB ?? record.sizing.driverMemoryMiB,
    driverMaxResultSizeBytes: settings.driverMaxResultSizeBytes ?? 1024 * 1024 * 1024,
    memoryLimited: record.runner === "kubernetes" || memoryLimitsEnforced(record),
  };
}

/** A group's projection, with the runs it was fit on. */
export interface GroupProfile {
  readonly group: ProfileGroup;
  readonly scaleWord: string;
  readonly target: ProfileTarget;
  /** The completed runs it was fit on. */
  readonly runs: readonly ProfiledRun[];
  readonly projection: JobProjection;
}

/** spark.sql.shuffle.partitions as the workload's result line reports it. */
function partitionsOf(record: CellResult): number | undefined {
  const args = record.workload?.arguments;
  const value =
    typeof args === "object" && args !== null
      ? (args as Record<string, unknown>).partitions
      : undefined;
  return typeof value === "number" && value > 0 ? value : undefined;
}

/** One run's profile from its event log, beside the records in `resultsDir`. */
function profileOfRecord(record: CellResult, resultsDir: string): RunProfile {
  const log = record.metrics?.eventLog;
  if (!log || !record.sparkApplicationId) {
    throw new UsageError(
      `${record.cell}: no event log was read for this run (its record has no metrics), and profile reads each run's event log; run it again with event logs kept (the pilot keeps them beside its results)`,
    );
  }
  const where = path.isAbsolute(log) ? log : path.join(resultsDir, log);
  const files = findEventLog(path.dirname(where), record.sparkApplicationId);
  if (!files) {
    throw new UsageError(
      `${record.cell}: its event log ${where} is not there; profile reads each run's event log (keep the results folder whole, events/ beside results.jsonl)`,
    );
  }
  return runProfile(readEventLog(files));
}

/**
 * Profiles every group of `records` (the results of `resultsDir`), each projected to its own
 * memory with `overrides` applied. A group needs completed runs at two scales or more; one that
 * failed at its smallest scale has nothing to extrapolate from.
 */
export function profileRecords(
  records: readonly CellResult[],
  resultsDir: string,
  overrides: TargetOverrides = {},
): GroupProfile[] {
  if (records.length === 0) throw new UsageError("no records to profile");
  return profileGroups(records).map((group) => {
    const [smallest] = group.records;
    const word = scaleWord(smallest);
    if (smallest.state !== "COMPLETED" || smallest.failureClass !== "none") {
      throw new UsageError(
        `${group.name}: failed at its smallest ${word}, ${scaleOf(smallest)} (${smallest.failureClass}): nothing to extrapolate from; profile at smaller ${word}s or with more memory`,
      );
    }
    const completed = group.records.filter(
      (r) => r.state === "COMPLETED" && r.failureClass === "none",
    );
    const scales = new Set(completed.map(scaleOf));
    if (scales.size < 2) {
      throw new UsageError(
        `${group.name}: completed at one ${word} only (${[...scales].join(", ")}); profile fits how memory grows and needs two or three ${word}s that complete (axes.${word === "table ratio" ? "tableRatio" : "scaleFactor"})`,
      );
    }
    const runs = completed.map((r) => ({
      scale: scaleOf(r),
      profile: profileOfRecord(r, resultsDir),
      partitions: partitionsOf(r),
    }));
    const target = targetOf(smallest, overrides);
    return { group, scaleWord: word, target, runs, projection: projectJob(runs, target) };
  });
}
