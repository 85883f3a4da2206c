import { BYTES_PER_GIB, formatMiB, sparkMemoryToMiB } from "../core/quantity";
import { compileStack, planStack } from "../render/compile";
import { diffCells } from "../render/diff";
import { planReport, type PlanRow, type PlanTotals } from "../plan/planReport";
import { readWorkloadScript } from "../render/workloadScript";
import { ConfigError, UsageError } from "../config/errors";
import { readStackFileAtRef, readStackSource, resolveStackSource } from "../config/stackSource";
import { renderTable } from "../core/textTable";
import { checkOutputFolder } from "./options";
import { writeManifests } from "./writeManifests";

/** Options of `spark-at-scale plan`. */
export interface PlanOptions {
  readonly stack?: string;
  readonly config?: string;
  readonly json?: boolean;
  readonly out?: string;
  readonly diff?: string;
}

const gib = (bytes: number) => `${(bytes / BYTES_PER_GIB).toFixed(2)} GiB`;

/** A join cell's build side; a TPC-H cell's expected input and its share of the heap. */
function dataSize(r: PlanRow): string {
  if (r.scaleFactor === null) return gib(r.buildBytes);
  if (r.expectedInputBytes === null) return "known when run";
  const heapBytes = (sparkMemoryToMiB(r.executorMemory) ?? 0) * 1024 * 1024;
  const share = heapBytes > 0 ? ` (${(r.expectedInputBytes / heapBytes).toFixed(2)} x heap)` : "";
  return `~${gib(r.expectedInputBytes)}${share}`;
}

function rowsTable(rows: readonly PlanRow[]): string {
  return renderTable(
    [
      "cell",
      "executor",
      "pod memory",
      "build side / input",
      "pool",
      "allocatable",
      "nodes",
      "fits",
      "predicted",
      "margin",
    ],
    rows.map((r) => [
      r.cell,
      r.executorMemory,
      formatMiB(r.podMemoryMiB),
      dataSize(r),
      r.pool ?? "-",
      r.poolAllocatableMiB === null ? "-" : formatMiB(r.poolAllocatableMiB),
      r.nodes === null ? "-" : String(r.nodes),
      r.fits ? "yes" : "NO",
      r.prediction === null
        ? "not modelled"
        : r.prediction.outcome === "succeeded"
          ? "ok"
          : r.prediction.failureClass,
      r.prediction === null ? "-" : r.prediction.margin.toFixed(2),
    ]),
  );
}

function totalsText(t: PlanTotals): string {
  const byStrategy = Object.entries(t.byStrategy)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const byPool = Object.entries(t.byPool)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return [
    `cells: ${t.cells} (${t.fitting} fit, ${t.misfits} fit no pool); by strategy: ${byStrategy}; by pool: ${byPool}`,
    t.estimatedCostUsdUpperBound === null
      ? `upper bound if every cell ran to its timeout: ${t.wallHoursUpperBound} h wall on the existing cluster (no cost computed: its prices are not known here)`
      : `upper bound if every cell ran to its timeout: ${t.wallHoursUpperBound} h wall, ` +
        `${t.experimentNodeHoursUpperBound} experiment node-hours + ${t.systemNodeHoursUpperBound} system node-hours ` +
        `≈ $${t.estimatedCostUsdUpperBound.toFixed(2)} at on-demand list prices (GKE fee, disks and egress not included)`,
  ].join("\n");
}

/** Runs `plan`; returns the process exit code. Output goes through `print`. */
export function runPlan(options: PlanOptions, print: (text: string) => void = console.log): number {
  const source = resolveStackSource(options);
  if (!source) throw new UsageError("plan needs --stack NAME or --config FILE");
  if (options.out !== undefined) checkOutputFolder("--out", options.out);
  const raw = readStackSource(source);
  const planned = planStack(raw, source.label);
  if (!planned.plan || !planned.config.experiment) {
    throw new UsageError(`${source.label} declares no spark-at-scale:experiment; nothing to plan`);
  }
  const report = planReport(planned.config, planned.plan, planned.pools);
  const problems = [
    ...planned.plan.misfits.map((m) => `cell ${m.name}: ${m.reason}`),
    ...planned.plan.problems,
  ];

  if (options.diff !== undefined) {
    if (problems.length > 0) throw new ConfigError(source.label, problems);
    const now = compileStack(raw, source.label, readWorkloadScript);
    const beforeRaw = readStackFileAtRef(source, options.diff);
    const before = beforeRaw
      ? compileStack(beforeRaw, `${source.label} at ${options.diff}`, readWorkloadScript)
      : undefined;
    const diff = diffCells(before?.objects?.applications ?? [], now.objects?.applications ?? []);
    if (options.json) print(JSON.stringify({ ref: options.diff, ...diff }, null, 2));
    else {
      print(`cells of ${source.label} against ${options.diff}:`);
      for (const cell of diff.added) print(`  + ${cell}`);
      for (const cell of diff.removed) print(`  - ${cell}`);
      for (const { cell, fields } of diff.changed) print(`  ~ ${cell} (${fields.join(", ")})`);
      print(
        `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed (re-run), ` +
          `${diff.unchanged} unchanged (results kept)`,
      );
    }
    return 0;
  }

  if (options.json) {
    print(
      JSON.stringify({ experiment: planned.config.experiment.name, ...report, problems }, null, 2),
    );
  } else {
    print(`experiment ${planned.config.experiment.name} (${source.label})`);
    print(rowsTable(report.rows));
    print(totalsText(report.totals));
    for (const problem of problems) print(`error: ${problem}`);
  }
  if (problems.length > 0) return 1;

  if (options.out !== undefined) {
    const compiled = compileStack(raw, source.label, readWorkloadScript);
    if (compiled.objects) {
      const files = writeManifests(options.out, compiled.objects);
      if (!options.json) print(`wrote ${files.length} manifests to ${options.out}`);
    }
  }
  return 0;
}
