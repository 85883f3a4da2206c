/**
 * A pilot continues from its results file only where the records there describe the cells it
 * would run now: same scale, same sizes. Otherwise it says so and asks for --rerun.
 */
import { UsageError } from "../config/errors";
import { isProbeOf, type SearchSpec } from "../experiment/cells";
import type { ResultsStore } from "../results/resultsStore";
import type { LocalCell } from "./localPlan";

/** Records from an earlier run must describe the same cells at the same scale, or be re-run. */
export function checkEarlierRecords(
  store: ResultsStore,
  cells: readonly LocalCell[],
  rerun: boolean,
): void {
  if (rerun) return;
  const clashes = cells.flatMap((cell) => {
    const record = store.get(cell.spec.name);
    if (!record) return [];
    if (record.scale !== cell.scale)
      return [`${cell.spec.name} was run at --scale ${record.scale}, not ${cell.scale}`];
    if (JSON.stringify(record.sizing) !== JSON.stringify(cell.sizing)) {
      return [
        `${cell.spec.name} was run with other sizes (the experiment's fixed settings changed)`,
      ];
    }
    return [];
  });
  if (clashes.length > 0) {
    throw new UsageError(
      `${store.file} holds results that do not match this run:\n  ${clashes.join("\n  ")}\n` +
        "Use --rerun to replace them, or --results to keep them and write elsewhere.",
    );
  }
}

/** Probes from an earlier run must have run at this scale, or the search is started again. */
export function checkEarlierProbes(
  store: ResultsStore,
  searches: readonly SearchSpec[],
  largest: readonly LocalCell[],
  rerun: boolean,
): void {
  if (rerun) return;
  const clashes = store.all().flatMap((record) => {
    const index = searches.findIndex((s) => isProbeOf(s, record.parameters));
    if (index < 0) return [];
    const cell = largest.find((c) => isProbeOf(searches[index], c.spec.parameters));
    if (!cell) return [];
    if (record.scale !== cell.scale)
      return [`${record.cell} was run at --scale ${record.scale}, not ${cell.scale}`];
    if (
      record.sizing.heapMiB !== cell.sizing.heapMiB ||
      record.sizing.probeBytes !== cell.sizing.probeBytes
    ) {
      return [`${record.cell} was run with other sizes (the experiment's fixed settings changed)`];
    }
    return [];
  });
  if (clashes.length > 0) {
    throw new UsageError(
      `${store.file} holds boundary probes that do not match this run:\n  ${clashes.join("\n  ")}\n` +
        "Use --rerun to search again, or --results to keep them and write elsewhere.",
    );
  }
}
