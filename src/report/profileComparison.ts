/**
 * A profile's projections against measured boundaries: for each profiled combination, the scale
 * its small runs say it fails from, and the bracket the report's records measured for the same
 * combination (the largest scale that passed below the smallest that failed). A projection is
 * within one step when it lies no more than one bracket width beyond either end: the resolution a
 * boundary search of that tolerance gives. For the synthetic join the memory model's boundary is
 * put beside it.
 */
import { renderTable } from "../core/textTable";
import { isJoinCell } from "../experiment/cellSize";
import { predictedBoundary } from "../predict/boundary";
import { inputFromRecord, observedOutcome, type RecordFallback } from "../predict/records";
import { profileGroups, scaleOf, type GroupProfile } from "../profile/profileRecords";
import type { CellResult } from "../results/cellResult";

/** The measured boundary of a combination: its first transition from passing to failing. */
export interface MeasuredBracket {
  /** Largest scale that passed below the first failure; null when the smallest failed. */
  readonly lastPass: number | null;
  /** Smallest scale that failed; null when every one passed. */
  readonly firstFail: number | null;
  /** The class of the first failure. */
  readonly failureClass: string | null;
}

export interface ProfileComparison {
  readonly group: string;
  readonly scaleWord: string;
  readonly profiledScales: readonly number[];
  readonly projectedFailingScale: number | null;
  readonly projectedClass: string;
  readonly measured: MeasuredBracket | null;
  /** Null when there is no measured bracket to compare with, or it is open at the top. */
  readonly withinOneStep: boolean | null;
  /** The memory model's last passing table ratio, for a join combination. */
  readonly memoryModelLastPass: number | null;
}

/** The first transition of a combination's records, by scale. */
export function measuredBracket(records: readonly CellResult[]): MeasuredBracket {
  const sorted = [...records].sort((a, b) => scaleOf(a) - scaleOf(b));
  const firstFailing = sorted.find((r) => observedOutcome(r) === "failed");
  if (!firstFailing) {
    return {
      lastPass: sorted.length ? scaleOf(sorted[sorted.length - 1]) : null,
      firstFail: null,
      failureClass: null,
    };
  }
  const firstFail = scaleOf(firstFailing);
  const passing = sorted.filter(
    (r) => observedOutcome(r) === "succeeded" && scaleOf(r) < firstFail,
  );
  return {
    lastPass: passing.length ? scaleOf(passing[passing.length - 1]) : null,
    firstFail,
    failureClass: firstFailing.failureClass,
  };
}

/**
 * Within one step: the bracket is [lastPass, firstFail] and a step its width as a factor; a
 * projection from lastPass / step to firstFail x step is within one. A bracket with no failure
 * is matched by a projection at or above its top.
 */
export function withinOneStep(projected: number | null, bracket: MeasuredBracket): boolean | null {
  const { lastPass, firstFail } = bracket;
  if (firstFail === null)
    return lastPass === null ? null : projected === null || projected >= lastPass;
  if (lastPass === null || projected === null) return projected !== null && projected <= firstFail;
  const step = firstFail / lastPass;
  return projected >= lastPass / step && projected <= firstFail * step;
}

export function compareProfiles(
  profiles: readonly GroupProfile[],
  measured: readonly CellResult[],
  fallback: RecordFallback,
): ProfileComparison[] {
  const groups = new Map(profileGroups(measured).map((g) => [g.name, g.records]));
  return profiles.map((p) => {
    const records = groups.get(p.group.name);
    const bracket = records ? measuredBracket(records) : null;
    const first = p.group.records[0];
    const model = isJoinCell(first.parameters)
      ? predictedBoundary(inputFromRecord(first, fallback), { min: 0.01, max: 4 }).lastPass
      : null;
    return {
      group: p.group.name,
      scaleWord: p.scaleWord,
      profiledScales: p.projection.scales,
      projectedFailingScale: p.projection.failingScale,
      projectedClass: p.projection.failureClass,
      measured: bracket,
      withinOneStep: bracket ? withinOneStep(p.projection.failingScale, bracket) : null,
      memoryModelLastPass: model,
    };
  });
}

const scaleText = (scale: number | null, none: string) =>
  scale === null ? none : String(Number(scale.toPrecision(3)));

/** The comparison as a table. */
export function comparisonTable(rows: readonly ProfileComparison[]): string {
  return renderTable(
    [
      "combination",
      "profiled at",
      "profile: fails from",
      "class",
      "measured: passes / fails",
      "within one step",
      "memory model: last pass",
    ],
    rows.map((r) => [
      r.group,
      r.profiledScales.join(", "),
      scaleText(r.projectedFailingScale, "never"),
      r.projectedClass,
      r.measured
        ? `${scaleText(r.measured.lastPass, "-")} / ${scaleText(r.measured.firstFail, "none")}`
        : "not measured",
      r.withinOneStep === null ? "-" : r.withinOneStep ? "yes" : "no",
      r.memoryModelLastPass === null ? "-" : scaleText(r.memoryModelLastPass, "-"),
    ]),
  );
}
