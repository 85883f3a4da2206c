import type { Cell, CellSizing, CellSpec } from "../experiment/cells";
import type { Classification, FailureEvidence } from "../failure/evidence";
import type { FinalState } from "../failure/finalState";
import type { CellMetrics } from "../results/cellMetrics";
import { executorLosses } from "../results/executorLosses";
import { CELL_RESULT_SCHEMA_VERSION, type CellResult } from "../results/cellResult";

/** What a runner knows about a cell before it runs: the parts of its record fixed by config. */
export type CellRecordBase = Pick<
  CellResult,
  "experiment" | "cell" | "parameters" | "sizing" | "scale" | "pool"
>;

/** How one Spark application ended: the part of a cell's record a run produces. */
export type RunOutcome = Omit<CellResult, keyof CellRecordBase | "schemaVersion">;

/**
 * The fixed part of a cell's record: a placed cell as planned, or — for the pilot — a cell with
 * no pool, run with the sizes its scale gives.
 */
export function cellRecordBase(
  cell: Cell | CellSpec,
  local?: { readonly scale: number; readonly sizing: CellSizing },
): CellRecordBase {
  return {
    experiment: cell.experiment,
    cell: cell.name,
    parameters: { ...cell.parameters },
    sizing: { ...(local?.sizing ?? cell.sizing) },
    scale: local?.scale ?? 1,
    pool: "placement" in cell ? cell.placement.pool : null,
  };
}

/** How a run went, in the runner-neutral terms an outcome is built from. */
export interface RunFacts {
  readonly runner: CellResult["runner"];
  readonly evidence: FailureEvidence;
  readonly classification: Classification;
  readonly sparkApplicationId: string | null;
  readonly start: string | null;
  readonly end: string | null;
  readonly attempts: number;
  readonly executorFailures: number;
  readonly workload: Record<string, unknown> | null;
  /** Memory measured from the event log, where the runner read one. */
  readonly metrics?: CellMetrics | null;
}

/**
 * The final state as recorded: the runner's, except that a run the classifier traced to a
 * failed submission is SUBMISSION_FAILED even where the operator folded it into FAILED.
 */
function recordedState(evidence: FailureEvidence, classification: Classification): FinalState {
  if (classification.failureClass === "submission_failed" && evidence.finalState === "FAILED") {
    return "SUBMISSION_FAILED";
  }
  return evidence.finalState;
}

/** A run's outcome, the same shape for every runner. */
export function runOutcome(facts: RunFacts): RunOutcome {
  const duration =
    facts.start && facts.end ? (Date.parse(facts.end) - Date.parse(facts.start)) / 1000 : null;
  const outcome: RunOutcome = {
    runner: facts.runner,
    state: recordedState(facts.evidence, facts.classification),
    failureClass: facts.classification.failureClass,
    evidence: {
      exitCodes: [...facts.classification.evidence.exitCodes],
      terminationReasons: [...facts.classification.evidence.terminationReasons],
      messageExcerpt: facts.classification.evidence.messageExcerpt,
      decidedBy: facts.classification.evidence.decidedBy,
    },
    sparkApplicationId: facts.sparkApplicationId,
    start: facts.start,
    end: facts.end,
    durationSeconds:
      duration === null || Number.isNaN(duration) ? null : Math.round(duration * 10) / 10,
    attempts: facts.attempts,
    executorFailures: facts.executorFailures,
    workload: facts.workload,
    metrics: null,
  };
  return withMetrics(outcome, facts.metrics ?? null);
}

/**
 * An outcome with the memory its event log showed, and the executors the log says were lost:
 * pods of failed executors are gone once Spark replaced them, the log's removals are not, so a
 * cell that completed on replacements still counts its lost executors and their exit codes.
 */
export function withMetrics(outcome: RunOutcome, metrics: CellMetrics | null): RunOutcome {
  const losses = executorLosses(metrics);
  return {
    ...outcome,
    metrics,
    executorFailures: Math.max(outcome.executorFailures, losses.count),
    evidence: {
      ...outcome.evidence,
      exitCodes: [...new Set([...outcome.evidence.exitCodes, ...losses.exitCodes])].sort(
        (a, b) => a - b,
      ),
    },
  };
}

/** A finished cell's record: its fixed part and how its run ended. */
export function cellRecord(base: CellRecordBase, outcome: RunOutcome): CellResult {
  return { schemaVersion: CELL_RESULT_SCHEMA_VERSION, ...base, ...outcome };
}
