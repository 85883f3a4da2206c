/**
 * Each strategy's failure boundary as a curve: the largest table ratio that passed against
 * executor memory, one panel per skew and AQE setting, with the predictor's boundary for the
 * same cells beside it. The measured boundary is read from the records alone — a boundary
 * search's probes or a fine enough grid — so the chart needs no knowledge of how they were run.
 */
import { cellSize, isJoinCell } from "../experiment/cellSize";
import type { TopLevelSpec } from "vega-lite";
import { DEFAULT_EXECUTOR_CORES } from "../config/experiment";
import { sparkMemoryToMiB } from "../core/quantity";
import { renderTable } from "../core/textTable";
import { bracketOf, type Bracket } from "../experiment/boundarySearch";
import { searchName } from "../experiment/cells";
import { predictedBoundary, type PredictedBoundary } from "../predict/boundary";
import { inputFromRecord, observedOutcome, type RecordFallback } from "../predict/records";
import type { CellResult } from "../results/cellResult";
import { overheadLabel } from "./axes";
import { skewAqeFacets } from "./charts";

/**
 * A bracket wider than this factor (last pass to first failure) is not drawn as a boundary: the
 * built-in grid's 0.25 and 1 (a factor of 4) say where a boundary is not, not where it is.
 */
export const WIDEST_DRAWN_BRACKET = 2;

/** Ratios the predictor's boundary is looked for in. */
export const PREDICTED_RATIO_RANGE = { min: 0.01, max: 10 } as const;

/** One combination of every axis but the table ratio, with what its cells and the predictor say. */
export interface BoundaryPoint {
  /** The cells' name without ratio and repeat (a search's name). */
  readonly name: string;
  readonly strategy: string;
  readonly executorMemory: string;
  readonly memoryMiB: number;
  readonly skew: number;
  readonly aqe: boolean;
  /** The axes a panel does not show (overhead, cores), as a legend label. */
  readonly variant: string;
  /** Cells at distinct ratios. */
  readonly probes: number;
  readonly measured: Bracket;
  /** The predictor's boundary for the same cells; null when the measured one is not drawn. */
  readonly predicted: PredictedBoundary | null;
}

function variantOf(r: CellResult): string {
  const p = r.parameters;
  const parts = [overheadLabel(p)];
  if (p.executorCores !== DEFAULT_EXECUTOR_CORES) parts.push(`${p.executorCores} cores`);
  return parts.join(", ");
}

/**
 * The measured boundary of every combination in `records`, sorted by name, and the predicted
 * one of those drawn (see isDrawn).
 */
export function boundaryPoints(
  records: readonly CellResult[],
  fallback?: RecordFallback,
): BoundaryPoint[] {
  const groups = new Map<string, CellResult[]>();
  // Boundary curves are the join's: the memory model draws the predicted one.
  for (const r of records.filter((c) => isJoinCell(c.parameters))) {
    const name = searchName(r.parameters);
    groups.set(name, [...(groups.get(name) ?? []), r]);
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, cells]) => {
      const p = cells[0].parameters;
      const measured = bracketOf(
        cells.map((c) => ({
          ratio: cellSize(c.parameters),
          passed: observedOutcome(c) === "succeeded",
        })),
      );
      const drawn = isTightEnough(measured);
      return {
        name,
        strategy: p.strategy,
        executorMemory: p.executorMemory,
        memoryMiB: sparkMemoryToMiB(p.executorMemory) ?? 0,
        skew: p.skew,
        aqe: p.aqe,
        variant: variantOf(cells[0]),
        probes: new Set(cells.map((c) => cellSize(c.parameters))).size,
        measured,
        predicted: drawn
          ? predictedBoundary(inputFromRecord(cells[0], fallback), PREDICTED_RATIO_RANGE)
          : null,
      };
    });
}

function isTightEnough({ lastPass, firstFail }: Bracket): boolean {
  return lastPass !== null && firstFail !== null && firstFail / lastPass <= WIDEST_DRAWN_BRACKET;
}

/** True if the point's cells bracket a boundary tightly enough to draw. */
export function isDrawn(point: BoundaryPoint): boolean {
  return isTightEnough(point.measured);
}

/** Strategies with at least one boundary tight enough to draw. */
export function strategiesWithBoundaries(points: readonly BoundaryPoint[]): string[] {
  return [...new Set(points.filter(isDrawn).map((p) => p.strategy))];
}

/**
 * The boundary chart of one strategy: x = executor memory, y = table ratio (both log scales);
 * solid line and dots = the largest ratio that passed, a vertical bar up to the smallest that
 * failed (the bracket), dashed line = the predictor's largest passing ratio. Colour tells the
 * overhead settings apart; panels are skew (rows) by AQE (columns).
 */
export function boundaryCurveSpec(
  points: readonly BoundaryPoint[],
  strategy: string,
): TopLevelSpec {
  const drawn = points.filter((p) => p.strategy === strategy && isDrawn(p));
  const base = (p: BoundaryPoint) => ({
    cell: p.name,
    executorMemory: p.executorMemory,
    memoryMiB: p.memoryMiB,
    skew: `skew ${p.skew}`,
    aqe: p.aqe ? "AQE on" : "AQE off",
    variant: p.variant,
  });
  const values = [
    ...drawn.map((p) => ({
      ...base(p),
      source: "measured",
      lastPass: p.measured.lastPass,
      firstFail: p.measured.firstFail,
      probes: p.probes,
      passesAboveFail: p.measured.passesAboveFail.join(" "),
    })),
    ...drawn
      .filter((p) => p.predicted?.lastPass != null)
      .map((p) => ({
        ...base(p),
        source: "predicted",
        lastPass: p.predicted!.lastPass,
        firstFail: p.predicted!.firstFail,
        probes: null,
        passesAboveFail: "",
      })),
  ];
  const x = {
    field: "memoryMiB",
    type: "quantitative",
    title: "executor memory (MiB)",
    scale: { type: "log" },
  } as const;
  const y = {
    field: "lastPass",
    type: "quantitative",
    title: "largest passing ratio",
    scale: { type: "log" },
  } as const;
  const colour = {
    field: "variant",
    type: "nominal",
    title: "overhead",
    legend: { labelLimit: 260 },
  } as const;
  const SOURCES = ["measured", "predicted"];
  const dash = {
    field: "source",
    type: "nominal",
    title: "boundary",
    scale: {
      domain: SOURCES,
      range: [
        [1, 0],
        [5, 4],
      ],
    },
  } as const;
  const shape = {
    field: "source",
    type: "nominal",
    title: "boundary",
    scale: { domain: SOURCES, range: ["circle", "diamond"] },
  } as const;
  const tooltip = [
    { field: "cell" },
    { field: "source" },
    { field: "lastPass", title: "largest passing ratio" },
    { field: "firstFail", title: "smallest failing ratio" },
    { field: "probes", title: "cells" },
    { field: "passesAboveFail", title: "passes above a failure" },
  ];
  const measured = { filter: "datum.source === 'measured'" };
  const predicted = { filter: "datum.source === 'predicted'" };
  return {
    ...skewAqeFacets(`${strategy}: largest build side that passes`, values),
    spec: {
      width: 220,
      height: 160,
      layer: [
        {
          name: "bracket",
          transform: [measured],
          mark: { type: "rule", strokeWidth: 6, opacity: 0.35 },
          encoding: { x, y, y2: { field: "firstFail" }, color: colour, tooltip },
        },
        {
          name: "measured_line",
          transform: [measured],
          mark: { type: "line" },
          encoding: { x, y, color: colour, strokeDash: dash },
        },
        {
          name: "measured_points",
          transform: [measured],
          mark: { type: "point", filled: true, size: 60, opacity: 1 },
          encoding: { x, y, color: colour, shape, tooltip },
        },
        {
          name: "predicted_line",
          transform: [predicted],
          mark: { type: "line" },
          encoding: { x, y, color: colour, strokeDash: dash },
        },
        {
          name: "predicted_points",
          transform: [predicted],
          // Hollow and larger than the dots, so a prediction on the measured boundary still shows.
          mark: { type: "point", filled: false, size: 120, strokeWidth: 2, opacity: 1 },
          encoding: { x, y, color: colour, shape, tooltip },
        },
      ],
    },
  };
}

const ratioText = (ratio: number | null) =>
  ratio === null ? "-" : String(Number(ratio.toPrecision(3)));

function predictedText(predicted: PredictedBoundary | null): string {
  if (predicted === null) return "-";
  if (predicted.lastPass === null) return `none (fails at ${PREDICTED_RATIO_RANGE.min})`;
  if (predicted.firstFail === null) return `${PREDICTED_RATIO_RANGE.max} or more`;
  // Four digits: rounding to three can land a hair above the predictor's boundary.
  return String(Number(predicted.lastPass.toPrecision(4)));
}

/** The drawn boundaries as a table: measured bracket, its width, and the predictor's boundary. */
export function boundaryTable(points: readonly BoundaryPoint[]): string {
  return renderTable(
    [
      "cells of",
      "cells",
      "last pass",
      "first fail",
      "width",
      "predicted last pass",
      "also passes at",
    ],
    points
      .filter(isDrawn)
      .map((p) => [
        p.name,
        String(p.probes),
        ratioText(p.measured.lastPass),
        ratioText(p.measured.firstFail),
        `${Math.round((p.measured.firstFail! / p.measured.lastPass! - 1) * 100)} %`,
        predictedText(p.predicted),
        p.measured.passesAboveFail.map((r) => ratioText(r)).join(", "),
      ]),
  );
}
