/**
 * Bridges finished cells (CellResult) and the predictor: the prediction input a record
 * describes, and what the record says happened.
 */
import { memoryLimitsEnforced, type CellResult } from "../results/cellResult";
import type { PredictInput } from "./types";
import { cellSparkSettings } from "./sparkSettings";

/** What to assume when a record has no workload line (it failed before the workload ran). */
export interface RecordFallback {
  readonly keys: number;
  readonly partitions: number;
}

function numberField(
  source: Record<string, unknown> | undefined,
  name: string,
): number | undefined {
  const value = source?.[name];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function argumentsOf(record: CellResult): Record<string, unknown> | undefined {
  const args = record.workload?.arguments;
  return typeof args === "object" && args !== null ? (args as Record<string, unknown>) : undefined;
}

/**
 * The prediction input for a finished cell: its parameters and the sizes it ran with, the Spark
 * settings its parameters gave it (the same `plan` predicts with: a broadcast's lifted
 * result-size cap), plus the workload's keys, partitions, payload and input partitions from
 * its result line. Without a
 * result line, `fallback` supplies keys and partitions; without either, this throws.
 */
export function inputFromRecord(record: CellResult, fallback?: RecordFallback): PredictInput {
  const args = argumentsOf(record);
  const keys = numberField(args, "keys") ?? fallback?.keys;
  const partitions = numberField(args, "partitions") ?? fallback?.partitions;
  if (keys === undefined || partitions === undefined) {
    throw new Error(
      `cell ${record.cell}: no workload result line to read --keys and --partitions from, and no fallback`,
    );
  }
  const kind = args?.payloadKind;
  return {
    parameters: record.parameters,
    sizing: record.sizing,
    keys,
    partitions,
    runner: record.runner,
    memoryLimitsEnforced: memoryLimitsEnforced(record),
    payloadBytes: numberField(args, "payloadBytes"),
    payloadKind: kind === "random" || kind === "compressible" ? kind : undefined,
    inputPartitions: numberField(args, "inputPartitions") ?? null,
    settings: cellSparkSettings(record.parameters),
  };
}

/** "succeeded" when the cell completed with nothing to explain, else "failed". */
export function observedOutcome(record: CellResult): "succeeded" | "failed" {
  return record.state === "COMPLETED" && record.failureClass === "none" ? "succeeded" : "failed";
}
