import * as path from "node:path";
import { readResultsFile, readStackResults } from "../report/loadResults";
import { historyLinksFor } from "../report/detectHistoryServer";
import { writeReport } from "../report/writeReport";
import { checkOutputFolder } from "./options";
import { UsageError } from "../config/errors";
import { readPredictions } from "../campaign/preRunPredictions";
import { profileRecords } from "../profile/profileRecords";

/** Options of `spark-at-scale report`. */
export interface ReportOptions {
  readonly input?: string;
  readonly stack?: string;
  readonly out?: string;
  /** A History Server to link each cell's application to (default: one on 127.0.0.1:18080, if running). */
  readonly historyUrl?: string;
  /** Results of a profile's small runs, to compare with the boundaries these records measured. */
  readonly profile?: string;
}

/** The pilot's default results, which `npm start` reports on. */
export const DEFAULT_RESULTS = path.join("results", "pilot", "results.jsonl");

/** Runs `report`; returns the exit code. */
export async function runReport(
  options: ReportOptions,
  print: (line: string) => void = console.log,
): Promise<number> {
  if (options.input && options.stack)
    throw new UsageError("give either --input FILE or --stack NAME, not both");
  const records = options.stack
    ? readStackResults(options.stack)
    : readResultsFile(options.input ?? DEFAULT_RESULTS);
  const source = options.stack ? `stack ${options.stack}` : (options.input ?? DEFAULT_RESULTS);
  const out =
    options.out ??
    (options.stack
      ? path.join("results", options.stack, "report")
      : path.join(path.dirname(source), "report"));
  checkOutputFolder("--out", out);
  if (options.historyUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(options.historyUrl)) {
    throw new UsageError(
      `--history-url ${options.historyUrl}: an http(s) URL, e.g. http://127.0.0.1:18080`,
    );
  }
  const links = await historyLinksFor(options.historyUrl);
  if (links.note) print(links.note);
  // A results file's predictions.jsonl, when the run kept one, sits beside it.
  const preRun = options.stack ? undefined : readPredictions(path.dirname(source));
  const profiles = options.profile
    ? profileRecords(readResultsFile(options.profile), path.dirname(options.profile))
    : undefined;
  const report = await writeReport(
    records,
    out,
    `spark-at-scale report: ${records[0].experiment} (${source})`,
    { ...links, preRun, profiles },
  );
  for (const line of report.summary) print(line);
  for (const line of report.preRun) print(line);
  // Empty when no cell is the memory model's (query cells only).
  if (report.regions !== "") {
    print("accuracy by region (strategy, AQE, cores):");
    print(report.regions);
    print("outcome confusion matrix (observed rows, predicted columns):");
    print(report.confusion);
    print("failure-class confusion matrix (observed rows, predicted columns):");
    print(report.classConfusion);
  }
  if (report.profileComparison !== "") {
    print("profile from small runs against the measured boundaries:");
    print(report.profileComparison);
  }
  if (report.boundaries !== "") {
    print("boundaries (largest passing and smallest failing ratio, and the predictor's):");
    print(report.boundaries);
  }
  print(`report: ${path.join(out, "index.html")}`);
  return 0;
}
