import { isDeepStrictEqual } from "node:util";
import type { SparkApplicationManifest } from "../spark/sparkApplication";

/** How the cells of two versions of an experiment differ. */
export interface CellDiff {
  /** Cells only in the new version. */
  readonly added: string[];
  /** Cells only in the old version. */
  readonly removed: string[];
  /** Cells in both whose SparkApplication differs, with the top-level spec fields that do. */
  readonly changed: Array<{ readonly cell: string; readonly fields: string[] }>;
  /** Cells in both, identical: a `pulumi up` leaves them (and their results) alone. */
  readonly unchanged: number;
}

function specFieldsThatDiffer(a: SparkApplicationManifest, b: SparkApplicationManifest): string[] {
  const fields = new Set([...Object.keys(a.spec), ...Object.keys(b.spec)]);
  const differing = [...fields].filter(
    (field) =>
      !isDeepStrictEqual(
        (a.spec as unknown as Record<string, unknown>)[field],
        (b.spec as unknown as Record<string, unknown>)[field],
      ),
  );
  if (!isDeepStrictEqual(a.metadata, b.metadata)) differing.unshift("metadata");
  return differing.sort();
}

/**
 * Compares the SparkApplications of two versions of an experiment by cell name: what a
 * reviewer needs to see on a pull request that changes a stack's config.
 */
export function diffCells(
  before: readonly SparkApplicationManifest[],
  after: readonly SparkApplicationManifest[],
): CellDiff {
  const old = new Map(before.map((app) => [app.metadata.name, app]));
  const now = new Map(after.map((app) => [app.metadata.name, app]));
  const added = [...now.keys()].filter((name) => !old.has(name)).sort();
  const removed = [...old.keys()].filter((name) => !now.has(name)).sort();
  const changed: Array<{ cell: string; fields: string[] }> = [];
  let unchanged = 0;
  for (const [name, app] of now) {
    const previous = old.get(name);
    if (!previous) continue;
    const fields = specFieldsThatDiffer(previous, app);
    if (fields.length > 0) changed.push({ cell: name, fields });
    else unchanged += 1;
  }
  changed.sort((a, b) => a.cell.localeCompare(b.cell));
  return { added, removed, changed, unchanged };
}
