import type { FailureEvidence } from "./evidence";
import type { Runner } from "./runner";
import { excerptAround } from "./excerpt";

/**
 * Whose words a text is: the driver's (its log, the workload's error, the operator's verdict on
 * the driver), an executor's own (its container's termination message) or the cluster's (Events).
 * An OutOfMemoryError in an executor's own words is that executor's, wherever the line is.
 */
export type TextSide = "driver" | "executor" | "cluster";

/** One block of text the classifier searches, named so `decidedBy` can say where a match was. */
export interface TextSource {
  /** Where the text came from, e.g. "driver log" or "event SparkApplicationFailed on …". */
  readonly label: string;
  /** Whose words they are. */
  readonly side: TextSide;
  /** The text itself, possibly many lines. */
  readonly text: string;
}

/** A line that matched, and where. */
export interface LineMatch {
  /** The matching source's label. */
  readonly source: string;
  /** The matching line, cut around the match. */
  readonly excerpt: string;
}

/** What the driver's log is called where it came from, so `decidedBy` says where to look. */
export function driverLogLabel(runner: Runner): string {
  return runner === "kubernetes" ? "driver log" : "spark-submit output";
}

/**
 * Every text in the evidence, most direct first: what the workload itself reported, then what
 * the operator concluded, then the driver's log, then Events and termination messages. When a
 * pattern matches in several, the excerpt comes from the first.
 */
export function textSources(evidence: FailureEvidence): TextSource[] {
  const sources: TextSource[] = [];
  const add = (label: string, text: string | undefined, side: TextSide = "driver"): void => {
    if (text !== undefined && text.trim() !== "") sources.push({ label, side, text });
  };
  const error = evidence.workloadError;
  if (error) add("workload result error", `${error.exceptionClass}: ${error.message}`);
  add("SparkApplication errorMessage", evidence.applicationErrorMessage);
  add(driverLogLabel(evidence.runner), evidence.driverLog);
  for (const event of evidence.events) {
    add(`event ${event.reason} on ${event.object}`, event.message, "cluster");
  }
  add("driver termination message", evidence.driverTermination?.message);
  for (const executor of evidence.executorTerminations) {
    add(
      `executor ${executor.podName ?? executor.executorId ?? "?"} termination message`,
      executor.message,
      "executor",
    );
  }
  return sources;
}

/** The first line, across `sources` in order, that matches `pattern` and passes `accept`. */
export function findLine(
  sources: readonly TextSource[],
  pattern: RegExp,
  accept: (line: string) => boolean = () => true,
): LineMatch | undefined {
  for (const { label, text } of sources) {
    for (const line of text.split(/\r?\n/)) {
      const match = pattern.exec(line);
      if (match && accept(line))
        return { source: label, excerpt: excerptAround(line, match.index) };
    }
  }
  return undefined;
}

/**
 * The last line of `text` that reads like an error, else its last non-blank line, trimmed; ""
 * if there is none. For a run that died early, the error is near the end but rarely last:
 * shutdown hooks log after it.
 */
export function lastTellingLine(text: string): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const errors = lines.filter((line) => /\berror\b|Exception|Error:/i.test(line));
  const line = errors.length > 0 ? errors[errors.length - 1] : lines[lines.length - 1];
  return line?.trim() ?? "";
}
