import type { TopLevelSpec } from "vega-lite";
import { FAILURE_CLASSES } from "../failure/failureClass";
import { sparkMemoryToMiB } from "../core/quantity";
import type { CellResult } from "../results/cellResult";
import type { Prediction } from "../predict/types";
import { cellSize, workloadLabel } from "../experiment/cellSize";
import { axesLabel, sweptAxes } from "./axes";

/** One colour per failure class, the same in every chart: green for success, warm for memory. */
const CLASS_COLOURS: Readonly<Record<string, string>> = {
  none: "#2ca02c",
  executor_container_oom: "#d62728",
  executor_jvm_oom: "#ff7f0e",
  spark_memory_oom: "#e377c2",
  driver_oom: "#8c564b",
  broadcast_too_large: "#9467bd",
  task_failures_exhausted: "#bcbd22",
  submission_failed: "#7f7f7f",
  timeout: "#17becf",
  other: "#1f1f1f",
};

/** The failure-class colour scale every chart shares. */
export const FAILURE_CLASS_COLOUR = {
  field: "failureClass",
  type: "nominal",
  title: "outcome / failure class",
  legend: { labelLimit: 260, titleLimit: 260 },
  scale: { domain: [...FAILURE_CLASSES], range: FAILURE_CLASSES.map((c) => CLASS_COLOURS[c]) },
} as const;

/**
 * The head of a chart of one panel per skew (rows) and AQE setting (columns): its schema, title
 * and data, and the facets over the values' `skew` and `aqe` fields (a row's `skew` label may
 * name more axes than skew).
 */
export function skewAqeFacets(title: string, values: object[]) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title,
    data: { values },
    facet: {
      row: { field: "skew", type: "nominal", title: null },
      column: { field: "aqe", type: "nominal", title: null },
    },
  } as const;
}

/**
 * The failure map of one join strategy: x = build side / executor heap, y = executor memory,
 * colour = failure class, one small multiple per skew and AQE setting — and per overhead and
 * cores when the records sweep them, so two different cells never share a square.
 */
export function failureMapSpec(
  records: readonly CellResult[],
  strategy: string,
  query?: string,
): TopLevelSpec {
  const rowAxes = sweptAxes(records).filter((axis) => axis === "overhead" || axis === "cores");
  const values = records
    .filter((r) => r.parameters.strategy === strategy)
    .map((r) => ({
      cell: r.cell,
      // A query cell's size is its scale factor (its data size over the heap is in the CSV).
      tableRatio: cellSize(r.parameters),
      executorMemory: r.parameters.executorMemory,
      memoryMiB: sparkMemoryToMiB(r.parameters.executorMemory) ?? 0,
      skew: axesLabel(r.parameters, ["skew", ...rowAxes]),
      aqe: r.parameters.aqe ? "AQE on" : "AQE off",
      failureClass: r.failureClass,
      state: r.state,
    }));
  return {
    ...skewAqeFacets(`${query ? `${query} ` : ""}${strategy}: where cells fail`, values),
    spec: {
      width: 220,
      height: 140,
      mark: { type: "point", filled: true, size: 260, shape: "square" },
      encoding: {
        x: {
          field: "tableRatio",
          type: "ordinal",
          title: query ? "scale factor" : "build side / executor heap",
        },
        y: {
          field: "executorMemory",
          type: "ordinal",
          title: "executor memory",
          sort: { field: "memoryMiB", order: "descending" },
        },
        color: FAILURE_CLASS_COLOUR,
        tooltip: [{ field: "cell" }, { field: "state" }, { field: "failureClass" }],
      },
    },
  };
}

/** Observed against predicted failure class, one square per pair with its count. */
export function predictedVsObservedSpec(
  pairs: ReadonlyArray<{ readonly record: CellResult; readonly prediction: Prediction }>,
): TopLevelSpec {
  const counts = new Map<string, number>();
  for (const { record, prediction } of pairs) {
    const key = `${record.failureClass}|${prediction.failureClass}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const values = [...counts].map(([key, count]) => {
    const [observed, predicted] = key.split("|");
    return { observed, predicted, count, agree: observed === predicted ? "right" : "wrong" };
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "predicted vs observed failure class",
    data: { values },
    width: 260,
    height: 200,
    layer: [
      {
        mark: { type: "rect" },
        encoding: {
          x: { field: "predicted", type: "nominal", title: "predicted" },
          y: { field: "observed", type: "nominal", title: "observed" },
          color: {
            field: "agree",
            type: "nominal",
            title: null,
            scale: { domain: ["right", "wrong"], range: ["#a1d99b", "#fc9272"] },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 14 },
        encoding: {
          x: { field: "predicted", type: "nominal" },
          y: { field: "observed", type: "nominal" },
          text: { field: "count", type: "quantitative" },
        },
      },
    ],
  };
}

/** One failure map per query workload and strategy: scale factor x executor memory. */
export function queryFailureMaps(
  records: readonly CellResult[],
): Array<{ file: string; spec: TopLevelSpec }> {
  const groups = new Map<string, CellResult[]>();
  for (const r of records) {
    const key = `${workloadLabel(r.parameters)}|${r.parameters.strategy}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, cells]) => {
      const [query, strategy] = key.split("|");
      return {
        file: `failure-map-${query.replace(/ /g, "-")}-${strategy}`,
        spec: failureMapSpec(cells, strategy, query),
      };
    });
}
