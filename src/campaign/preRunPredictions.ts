/**
 * `predictions.jsonl` beside `results.jsonl`: what the memory model said of each join cell
 * before the cell first ran. A prediction is written once and never replaced (a rerun or a later
 * model does not touch it), so the report can score predictions that were made blind.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { UsageError } from "../config/errors";
import { FAILURE_CLASSES } from "../failure/failureClass";
import { CONSTRAINT_IDS } from "../predict/constraints";
import type { Prediction } from "../predict/types";

export const PREDICTIONS_FILE = "predictions.jsonl";

/** JSON has no infinities: a margin with nothing demanded is written as a string. */
const marginValue = z.union([z.number(), z.enum(["Infinity", "-Infinity"])]).transform(Number);

const storedPredictionSchema = z.object({
  cell: z.string(),
  /** ISO time the prediction was made, before the cell's first run. */
  predictedAt: z.string(),
  outcome: z.enum(["succeeded", "failed"]),
  failureClass: z.enum(FAILURE_CLASSES),
  margin: marginValue,
  bindingConstraint: z.enum(CONSTRAINT_IDS),
  explanation: z.string(),
  calibration: z.object({
    driverBuildFactor: z.number(),
    executorHeapBaselineMiB: z.number(),
  }),
});

export type StoredPrediction = z.infer<typeof storedPredictionSchema>;

function marginText(margin: number): number | string {
  return Number.isFinite(margin) ? margin : String(margin);
}

/** The predictions file of a results folder; none when nothing was predicted there. */
export function readPredictions(dir: string): Map<string, StoredPrediction> {
  const file = path.join(dir, PREDICTIONS_FILE);
  const out = new Map<string, StoredPrediction>();
  if (!fs.existsSync(file)) return out;
  const lines = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  lines.forEach((line, index) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new UsageError(`${file}:${index + 1}: not a whole JSON line; move it away`);
    }
    const result = storedPredictionSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new UsageError(
        `${file}:${index + 1}: not a stored prediction (${issue?.path.join(".")}: ${issue?.message}); move it away`,
      );
    }
    out.set(result.data.cell, result.data);
  });
  return out;
}

/**
 * Adds the predictions of `cells` that have none yet and returns how many it added. The whole
 * file is written to a temporary sibling and renamed over the old one, so an interrupted run
 * leaves the old file or the new one.
 */
export function recordPredictions(
  dir: string,
  cells: readonly { readonly cell: string; readonly prediction: Prediction }[],
  now: Date = new Date(),
): number {
  const stored = readPredictions(dir);
  const fresh = cells.filter((c) => !stored.has(c.cell));
  if (fresh.length === 0) return 0;
  const lines = [...stored.values()].map((p) => ({ ...p, margin: marginText(p.margin) }));
  for (const { cell, prediction } of fresh) {
    lines.push({
      cell,
      predictedAt: now.toISOString(),
      outcome: prediction.outcome,
      failureClass: prediction.failureClass,
      margin: marginText(prediction.margin),
      bindingConstraint: prediction.bindingConstraint,
      explanation: prediction.explanation,
      calibration: prediction.calibration,
    });
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, PREDICTIONS_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  fs.renameSync(temporary, file);
  return fresh.length;
}
