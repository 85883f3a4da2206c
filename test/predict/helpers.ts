import * as fs from "node:fs";
import * as path from "node:path";
import type { JoinStrategy } from "../../src/config/experiment";
import { memoryOverheadMiB } from "../../src/experiment/sizing";
import type { PredictInput, Runner, SparkSettings } from "../../src/predict/types";
import type { PayloadKind } from "../../src/predict/relation";
import { cellResultSchema, type CellResult } from "../../src/results/cellResult";

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

/**
 * The 12 cells of the built-in local pilot as they ran on this project's 2-core machine
 * (local-cluster, Spark 4.0.4): 512 MiB executor heap, 2 executors x 1 core, 3 GiB driver,
 * 4 shuffle partitions, 50,000 keys, 64 MiB probe side, build side 0.25 and 1 x the heap.
 */
export function pilotRecords(): CellResult[] {
  const file = path.join(__dirname, "fixtures", "pilot-results.jsonl");
  return fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => cellResultSchema.parse(JSON.parse(line)));
}

/** The pilot record of one cell, by name. */
export function pilotRecord(cell: string): CellResult {
  const record = pilotRecords().find((r) => r.cell === cell);
  if (!record) throw new Error(`no pilot cell ${cell}`);
  return record;
}

export interface CellOptions {
  readonly strategy: JoinStrategy;
  readonly heapMiB: number;
  readonly tableRatio: number;
  readonly skew?: number;
  readonly aqe?: boolean;
  readonly executorCores?: number;
  readonly overheadFactor?: number;
  readonly driverMiB?: number;
  readonly probeMiB?: number;
  readonly executorInstances?: number;
  readonly keys?: number;
  readonly partitions?: number;
  readonly runner?: Runner;
  readonly payloadBytes?: number;
  readonly payloadKind?: PayloadKind;
  readonly inputPartitions?: number;
  readonly settings?: Partial<SparkSettings>;
}

/**
 * A cell sized the way src/experiment/cells.ts sizes one: build = tableRatio x heap, overhead =
 * max(384 MiB, factor x heap). Defaults are the experiment config's: 2 executors x 1 core, a
 * 4 GiB driver, 1 GiB probe, 100,000 keys, 64 partitions, AQE on, Kubernetes.
 */
export function cell(o: CellOptions): PredictInput {
  const factor = o.overheadFactor ?? 0.1;
  const overheadMiB = memoryOverheadMiB(o.heapMiB, factor);
  const driverMemoryMiB = o.driverMiB ?? 4096;
  return {
    parameters: {
      executorMemory: `${o.heapMiB}m`,
      tableRatio: o.tableRatio,
      strategy: o.strategy,
      skew: o.skew ?? 0,
      aqe: o.aqe ?? true,
      memoryOverheadFactor: factor,
      executorCores: o.executorCores ?? 1,
      memoryOverhead: null,
      repeat: 1,
    },
    sizing: {
      heapMiB: o.heapMiB,
      overheadMiB,
      podMemoryMiB: o.heapMiB + overheadMiB,
      buildBytes: Math.round(o.tableRatio * o.heapMiB * MIB),
      probeBytes: (o.probeMiB ?? 1024) * MIB,
      executorInstances: o.executorInstances ?? 2,
      driverMemoryMiB,
      driverPodMemoryMiB: driverMemoryMiB + memoryOverheadMiB(driverMemoryMiB, 0.1),
    },
    keys: o.keys ?? 100_000,
    partitions: o.partitions ?? 64,
    runner: o.runner ?? "kubernetes",
    payloadBytes: o.payloadBytes,
    payloadKind: o.payloadKind,
    inputPartitions: o.inputPartitions,
    settings: o.settings,
  };
}

/** The pilot's configuration (see pilotRecords) for one strategy, ratio and skew. */
export function pilotCell(
  strategy: JoinStrategy,
  tableRatio: number,
  skew: number,
  runner: Runner = "local-cluster",
): PredictInput {
  return cell({
    strategy,
    heapMiB: 512,
    tableRatio,
    skew,
    driverMiB: 3072,
    probeMiB: 64,
    keys: 50_000,
    partitions: 4,
    runner,
  });
}

/** A copy of `record` renamed, with some fields changed. */
export function variant(
  record: CellResult,
  cellName: string,
  changes: {
    readonly sizing?: Partial<CellResult["sizing"]>;
    readonly state?: CellResult["state"];
    readonly failureClass?: CellResult["failureClass"];
  },
): CellResult {
  return {
    ...record,
    cell: cellName,
    sizing: { ...record.sizing, ...changes.sizing },
    state: changes.state ?? record.state,
    failureClass: changes.failureClass ?? record.failureClass,
  };
}
