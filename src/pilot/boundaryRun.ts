/**
 * A boundary search run on the pilot: the probe the records call for next, run as an ordinary
 * cell, until the search is done. Nothing but the records carries a search from one probe to
 * the next, so a pilot killed with -9 resumes it where it stood.
 */
import type { ExperimentConfig } from "../config/experiment";
import {
  bracketOf,
  nextStep,
  probesOf,
  type Bracket,
  type ProbeRecord,
  type SearchStep,
} from "../experiment/boundarySearch";
import type { CellSpec, SearchSpec } from "../experiment/cells";
import { probeSpec } from "../experiment/cellSpecs";

/** How a search ended. */
export interface SearchResult {
  readonly search: SearchSpec;
  readonly end: Extract<SearchStep, { kind: "done" }>;
  readonly bracket: Bracket;
  /** Probes it has, from earlier runs and this one. */
  readonly probes: number;
  /** Probes this run ran. */
  readonly ran: number;
}

/** What a search needs from the pilot around it. */
export interface SearchDriver {
  /** Every record in the results so far (the search picks its own). */
  readonly records: () => readonly ProbeRecord[];
  /** Runs a probe cell and saves its record before resolving. */
  readonly runProbe: (spec: CellSpec) => Promise<void>;
}

/**
 * Runs `search` to its end: asks the records for the next probe, runs it, and again. `start` is
 * where a search with no probes begins (the predictor's estimate of the boundary).
 */
export async function runBoundarySearch(
  search: SearchSpec,
  experiment: ExperimentConfig,
  start: number,
  driver: SearchDriver,
): Promise<SearchResult> {
  let ran = 0;
  for (;;) {
    const probes = probesOf(search, driver.records());
    const step = nextStep(probes, search.range, start);
    if (step.kind === "done") {
      return { search, end: step, bracket: bracketOf(probes), probes: probes.length, ran };
    }
    const spec = probeSpec(search, step.ratio, experiment);
    await driver.runProbe(spec);
    ran += 1;
    // A probe that left no record would be asked for again, forever.
    if (!probesOf(search, driver.records()).some((p) => p.ratio === step.ratio)) {
      throw new Error(`boundary search ${search.name}: probe ${spec.name} left no record`);
    }
  }
}

/** One line saying how a search ended, for the pilot's output. */
export function searchResultText(result: SearchResult): string {
  const { lastPass, firstFail, passesAboveFail } = result.bracket;
  const where =
    result.end.why === "passes-at-max"
      ? `passes up to the range's top (${lastPass})`
      : result.end.why === "fails-at-min"
        ? `fails already at the range's bottom (${firstFail})`
        : `boundary between ${lastPass} (passes) and ${firstFail} (fails)` +
          (result.end.why === "resolution" ? ", as close as 3 significant digits allow" : "");
  const notMonotonic =
    passesAboveFail.length > 0
      ? `; also passes above the first failure at ${passesAboveFail.join(", ")} (not one step)`
      : "";
  const ran = result.ran === result.probes ? "" : `, ${result.ran} run now`;
  return `search ${result.search.name}: ${where}${notMonotonic} (${result.probes} probes${ran})`;
}
